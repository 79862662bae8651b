#include "native_array.h"

#include <mutex>
#include <unordered_map>

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

}  // namespace ws::binding
