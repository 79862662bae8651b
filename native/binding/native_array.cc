#include "native_array.h"

#include <cstring>

#include <mutex>
#include <unordered_map>

#include "errors.h"

namespace ws::binding {
namespace {

// Base address -> block, for every live external ArrayBuffer we made. Never destroyed (finalizers of
// other environments may run while the process exits).
struct Registry {
  std::mutex mu;
  std::unordered_map<const void*, Block*> blocks;
};
Registry& registry() {
  static Registry* r = new Registry();
  return *r;
}

void finalize(napi_env, void* data, void* hint) {
  auto* b = static_cast<Block*>(hint);
  {
    Registry& r = registry();
    std::lock_guard<std::mutex> lk(r.mu);
    r.blocks.erase(data);
  }
  block_release(b);
}

}  // namespace

template <typename T>
Napi::TypedArray to_typed_array(Napi::Env env, Buffer<T>&& buf) {
  const std::size_t n = buf.size();
  napi_value ab = nullptr;
  if (n == 0) {
    ab = Napi::ArrayBuffer::New(env, 0);
  } else {
    Block* b = buf.release_block();
    {
      Registry& r = registry();
      std::lock_guard<std::mutex> lk(r.mu);
      r.blocks[b->data] = b;
    }
    const napi_status st = napi_create_external_arraybuffer(env, b->data, n * sizeof(T), finalize, b, &ab);
    if (st != napi_ok) {
      finalize(env, b->data, b);
      NAPI_THROW_IF_FAILED(env, st, Napi::TypedArray());
    }
  }
  const Napi::ArrayBuffer arr(env, ab);
  if constexpr (sizeof(T) == 1)
    return Napi::Uint8Array::New(env, n, arr, 0);
  else if constexpr (sizeof(T) == 4)
    return Napi::Float32Array::New(env, n, arr, 0);
  else
    return Napi::Float64Array::New(env, n, arr, 0);
}

template Napi::TypedArray to_typed_array(Napi::Env, Buffer<float>&&);
template Napi::TypedArray to_typed_array(Napi::Env, Buffer<double>&&);
template Napi::TypedArray to_typed_array(Napi::Env, Buffer<std::uint8_t>&&);

Block* adopt_block(Napi::Env env, napi_value ab) {
  void* data = nullptr;
  std::size_t len = 0;
  if (napi_get_arraybuffer_info(env, ab, &data, &len) != napi_ok || !data) return nullptr;
  Registry& r = registry();
  std::lock_guard<std::mutex> lk(r.mu);
  auto it = r.blocks.find(data);
  if (it == r.blocks.end()) return nullptr;
  block_ref(it->second);
  return it->second;
}

BytesArg bytes_arg(Napi::Env env, Napi::Value v, const char* fn) {
  BytesArg b;
  napi_typedarray_type type;
  std::size_t offset = 0;
  void* data = nullptr;
  if (!v.IsTypedArray() || napi_get_typedarray_info(env, v, &type, &b.length, &data, &b.buffer, &offset) != napi_ok ||
      type != napi_uint8_array)
    throw_error(env, "E_DTYPE", std::string(fn) + ": bytes must be a Uint8Array");
  b.data = static_cast<const std::uint8_t*>(data);
  bool detached = false;
  napi_is_arraybuffer(env, b.buffer, &b.is_ab);
  if (b.is_ab && napi_is_detached_arraybuffer(env, b.buffer, &detached) == napi_ok && detached)
    throw_error(env, "E_DETACHED", std::string(fn) + ": the bytes' ArrayBuffer is detached");
  return b;
}

const std::uint8_t* job_bytes(Napi::Env env, const BytesArg& b, bool async, bool adopt, Block** hold) {
  *hold = nullptr;
  if (!async && b.is_ab) return b.data;
  if (async && adopt && b.is_ab) *hold = adopt_block(env, b.buffer);
  if (!*hold) {
    *hold = block_acquire(b.length ? b.length : 1);
    if (b.length) std::memcpy((*hold)->data, b.data, b.length);  // empty bytes: data may be null
  }
  return static_cast<const std::uint8_t*>((*hold)->data);
}

}  // namespace ws::binding
