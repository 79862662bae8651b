// TypedArray arguments: dtype, shape and detachment checks (a cheap second line behind the TypeScript
// validation), and what a job reads:
//   - sync call: the caller's memory as it is (nothing can change it while the thread is inside the call),
//     except a SharedArrayBuffer, which another thread may be writing: that is copied first;
//   - async call: an adopted native block read in place (call_options.h, native_array.h), else a copy into a
//     pooled block (warm pages: core/pool.h), so the caller may free, detach or mutate its buffer at once.
// A precision other than the input's converts while copying (one pass).
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <functional>

#include "../core/pool.h"
#include "call_options.h"

namespace ws::binding {

enum class Dtype { F32, F64 };

// The op's size checks, run once the dtype and shape are known and before any copy (core/preconditions.h).
using Precheck = std::function<void(Dtype, std::size_t rows, std::size_t cols)>;

class MatrixArg {
 public:
  MatrixArg() = default;
  MatrixArg(MatrixArg&& o) noexcept { *this = std::move(o); }
  MatrixArg& operator=(MatrixArg&& o) noexcept;
  MatrixArg(const MatrixArg&) = delete;
  MatrixArg& operator=(const MatrixArg&) = delete;
  ~MatrixArg() { block_release(hold_); }

  Dtype dtype = Dtype::F64;
  std::size_t rows = 0, cols = 0;
  std::size_t elem_size() const { return dtype == Dtype::F32 ? 4 : 8; }
  template <typename T>
  const T* as() const {
    return static_cast<const T*>(ptr_);
  }

 private:
  friend MatrixArg matrix_from(Napi::Env, Napi::Value, std::size_t, std::size_t, const CallOptions&, const char*,
                               const Precheck&);
  const void* ptr_ = nullptr;
  Block* hold_ = nullptr;  // the block this reads from, when it owns a reference to one
};

// Reads (typedArray, rows, cols) at info[i], info[i+1], info[i+2].
MatrixArg matrix_arg(const Napi::CallbackInfo& info, std::size_t i, const CallOptions& o, const Precheck& pre = {});
// A TypedArray at v with rows x cols elements; `what` names it in errors ("data", "matrix 3").
MatrixArg matrix_from(Napi::Env env, Napi::Value v, std::size_t rows, std::size_t cols, const CallOptions& o,
                      const char* what, const Precheck& pre = {});

// A Float32Array/Float64Array's element type, length and data, checked (E_DTYPE, E_DETACHED).
struct TypedView {
  Dtype dtype;
  std::size_t length;
  const void* data;
  napi_value buffer;
  bool shared;  // backed by a SharedArrayBuffer
};
TypedView float_view(Napi::Env env, Napi::Value v, const char* what);

// Copies n elements of `from` (dtype `src`) to dst as `dst_dtype`, converting when they differ.
void copy_converted(void* dst, Dtype dst_dtype, const void* from, Dtype src, std::size_t n);

// The dtype a job computes in, given the input's and the requested precision.
Dtype compute_dtype(Dtype input, Precision p);

// A positive integer dimension (E_SHAPE otherwise).
std::size_t dim_arg(Napi::Env env, Napi::Value v, const char* what);

}  // namespace ws::binding
