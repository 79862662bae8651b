#include "matrix_arg.h"

#include <cmath>
#include <cstring>
#include <string>

#include "errors.h"
#include "native_array.h"

namespace ws::binding {

MatrixArg& MatrixArg::operator=(MatrixArg&& o) noexcept {
  if (this != &o) {
    block_release(hold_);
    dtype = o.dtype;
    rows = o.rows;
    cols = o.cols;
    ptr_ = o.ptr_;
    hold_ = o.hold_;
    o.hold_ = nullptr;
    o.ptr_ = nullptr;
  }
  return *this;
}

std::size_t dim_arg(Napi::Env env, Napi::Value v, const char* what) {
  if (!v.IsNumber()) throw_error(env, "E_SHAPE", std::string(what) + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 1) || std::floor(d) != d || d > 9007199254740991.0)
    throw_error(env, "E_SHAPE", std::string(what) + " must be a positive integer, got " + std::to_string(d));
  return static_cast<std::size_t>(d);
}

TypedView float_view(Napi::Env env, Napi::Value v, const char* what) {
  const std::string name(what);
  if (!v.IsTypedArray()) throw_error(env, "E_DTYPE", name + " must be a Float32Array or Float64Array");
  // napi_get_typedarray_info works for ArrayBuffer- and SharedArrayBuffer-backed arrays alike
  // (Napi::TypedArray::ArrayBuffer().Data() rejects a SharedArrayBuffer).
  napi_typedarray_type type;
  std::size_t length = 0, offset = 0;
  void* data = nullptr;
  napi_value ab = nullptr;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, &ab, &offset) != napi_ok)
    throw_error(env, "E_DTYPE", name + " could not be read as a typed array");
  if (type != napi_float32_array && type != napi_float64_array)
    throw_error(env, "E_DTYPE", name + " must be a Float32Array or Float64Array");
  bool is_ab = false;
  napi_is_arraybuffer(env, ab, &is_ab);  // false: a SharedArrayBuffer
  bool detached = false;
  if (is_ab && napi_is_detached_arraybuffer(env, ab, &detached) == napi_ok && detached)
    throw_error(env, "E_DETACHED", name + "'s ArrayBuffer is detached (transferred or freed)");
  return {type == napi_float32_array ? Dtype::F32 : Dtype::F64, length, data, ab, !is_ab};
}

Dtype compute_dtype(Dtype input, Precision p) {
  return p == Precision::F32 ? Dtype::F32 : p == Precision::F64 ? Dtype::F64 : input;
}

void copy_converted(void* dst, Dtype dst_dtype, const void* from, Dtype src, std::size_t n) {
  if (dst_dtype == src) {
    std::memcpy(dst, from, n * (src == Dtype::F32 ? 4 : 8));
  } else if (dst_dtype == Dtype::F64) {
    const float* f = static_cast<const float*>(from);
    double* d = static_cast<double*>(dst);
    for (std::size_t i = 0; i < n; ++i) d[i] = f[i];
  } else {
    const double* f = static_cast<const double*>(from);
    float* d = static_cast<float*>(dst);
    for (std::size_t i = 0; i < n; ++i) d[i] = static_cast<float>(f[i]);
  }
}

MatrixArg matrix_from(Napi::Env env, Napi::Value v, std::size_t rows, std::size_t cols, const CallOptions& o,
                      const char* what, const Precheck& pre) {
  const TypedView tv = float_view(env, v, what);
  std::size_t count = 0;
  if (__builtin_mul_overflow(rows, cols, &count) || tv.length != count)
    throw_error(env, "E_SHAPE", std::string(what) + " has " + std::to_string(tv.length) + " elements but its shape [" +
                                    std::to_string(rows) + ", " + std::to_string(cols) + "] needs " +
                                    std::to_string(rows * cols));
  MatrixArg m;
  m.rows = rows;
  m.cols = cols;
  m.dtype = compute_dtype(tv.dtype, o.precision);
  if (pre) pre(m.dtype, rows, cols);
  const bool convert = m.dtype != tv.dtype;
  if (!o.async && !tv.shared && !convert) {
    m.ptr_ = tv.data;
    return m;
  }
  if (o.async && o.adopt && !tv.shared && !convert) {
    if (Block* b = adopt_block(env, tv.buffer)) {
      m.hold_ = b;
      m.ptr_ = tv.data;  // the view's own offset into the block
      return m;
    }
  }
  const std::size_t n = rows * cols;
  m.hold_ = block_acquire(n ? n * m.elem_size() : 1);
  copy_converted(m.hold_->data, m.dtype, tv.data, tv.dtype, n);
  m.ptr_ = m.hold_->data;
  return m;
}

MatrixArg matrix_arg(const Napi::CallbackInfo& info, std::size_t i, const CallOptions& o, const Precheck& pre) {
  Napi::Env env = info.Env();
  const std::size_t rows = dim_arg(env, info[i + 1], "rows");
  const std::size_t cols = dim_arg(env, info[i + 2], "cols");
  return matrix_from(env, info[i], rows, cols, o, "data", pre);
}

}  // namespace ws::binding
