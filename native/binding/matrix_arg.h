// TypedArray arguments: dtype, shape and detachment checks (a cheap second line behind the
// TypeScript validation), and an owned snapshot for async jobs so the JavaScript buffer can be
// freed, detached or mutated while the job runs without affecting it.
#pragma once
#include <napi.h>
#include <cstddef>
#include <cstdint>

#include "../core/buffer.h"

namespace ws::binding {

enum class Dtype { F32, F64 };

struct MatrixArg {
  Dtype dtype = Dtype::F64;
  std::size_t rows = 0, cols = 0;
  const void* ptr = nullptr;  // into the JS buffer (sync) or into `owned` (async)
  Buffer<std::uint8_t> owned;

  std::size_t elem_size() const { return dtype == Dtype::F32 ? 4 : 8; }
  template <typename T>
  const T* as() const { return static_cast<const T*>(ptr); }
  void snapshot();  // copy the data into `owned`
};

// Reads (typedArray, rows, cols) at info[i], info[i+1], info[i+2].
MatrixArg matrix_arg(const Napi::CallbackInfo& info, std::size_t i);
// A TypedArray at v with the given element count, rows x cols (used for batch members).
MatrixArg matrix_from(Napi::Env env, Napi::Value v, std::size_t rows, std::size_t cols, const char* what);

// Wrap a core buffer as a Float32Array/Float64Array without copying (external ArrayBuffer).
template <typename T>
Napi::TypedArray to_typed_array(Napi::Env env, Buffer<T>&& buf);

}  // namespace ws::binding
