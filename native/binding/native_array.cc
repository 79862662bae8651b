#include "native_array.h"

#include <cstring>

#include <mutex>
#include <unordered_map>

#include "errors.h"

namespace ws::binding {
namespace {

// What one external ArrayBuffer holds: its block, until the finalizer or release_now() gives it back (then
// null). The finalizer's hint, so that a buffer released early and a later one at the same address are
// never confused.
struct Holder {
  Block* block;
};

// Base address -> holder, for every live external ArrayBuffer we made. Never destroyed (finalizers of
// other environments may run while the process exits).
struct Registry {
  std::mutex mu;
  std::unordered_map<const void*, Holder*> blocks;
};
Registry& registry() {
  static Registry* r = new Registry();
  return *r;
}

void finalize(napi_env, void* data, void* hint) {
  auto* h = static_cast<Holder*>(hint);
  Block* b = nullptr;
  {
    Registry& r = registry();
    std::lock_guard<std::mutex> lk(r.mu);
    auto it = r.blocks.find(data);
    if (it != r.blocks.end() && it->second == h) r.blocks.erase(it);
    b = h->block;
    h->block = nullptr;
  }
  block_release(b);
  delete h;
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
    auto* h = new Holder{b};
    {
      Registry& r = registry();
      std::lock_guard<std::mutex> lk(r.mu);
      r.blocks[b->data] = h;
    }
    const napi_status st = napi_create_external_arraybuffer(env, b->data, n * sizeof(T), finalize, h, &ab);
    if (st != napi_ok) {
      finalize(env, b->data, h);
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
  if (it == r.blocks.end() || !it->second->block) return nullptr;
  block_ref(it->second->block);
  return it->second->block;
}

bool release_now(Napi::Env env, napi_value ab) {
  void* data = nullptr;
  std::size_t len = 0;
  if (napi_get_arraybuffer_info(env, ab, &data, &len) != napi_ok || !data) return false;
  Block* b = nullptr;
  {
    Registry& r = registry();
    std::lock_guard<std::mutex> lk(r.mu);
    auto it = r.blocks.find(data);
    if (it == r.blocks.end() || !it->second->block) return false;
    // detached first: from here JavaScript cannot reach the memory, so the block may go back to the pool
    if (napi_detach_arraybuffer(env, ab) != napi_ok) return false;
    b = it->second->block;
    it->second->block = nullptr;
    r.blocks.erase(it);
  }
  block_release(b);  // jobs still reading it hold references of their own
  return true;
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
