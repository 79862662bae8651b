#include "matrix_arg.h"

#include <cmath>
#include <cstring>
#include <string>

#include "errors.h"

namespace ws::binding {

void MatrixArg::snapshot() {
  const std::size_t bytes = rows * cols * elem_size();
  owned.allocate(bytes);
  if (bytes) std::memcpy(owned.data(), ptr, bytes);
  ptr = owned.data();
}

static std::size_t dim_arg(Napi::Env env, Napi::Value v, const char* what) {
  if (!v.IsNumber()) throw_error(env, "E_SHAPE", std::string(what) + " must be a number");
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 1) || std::floor(d) != d || d > 9007199254740991.0)
    throw_error(env, "E_SHAPE", std::string(what) + " must be a positive integer, got " + std::to_string(d));
  return static_cast<std::size_t>(d);
}

MatrixArg matrix_from(Napi::Env env, Napi::Value v, std::size_t rows, std::size_t cols, const char* what) {
  if (!v.IsTypedArray()) throw_error(env, "E_DTYPE", std::string(what) + " must be a Float32Array or Float64Array");
  Napi::TypedArray ta = v.As<Napi::TypedArray>();
  MatrixArg m;
  switch (ta.TypedArrayType()) {
    case napi_float32_array: m.dtype = Dtype::F32; break;
    case napi_float64_array: m.dtype = Dtype::F64; break;
    default: throw_error(env, "E_DTYPE", std::string(what) + " must be a Float32Array or Float64Array");
  }
  // napi_get_typedarray_info works for ArrayBuffer- and SharedArrayBuffer-backed arrays alike
  // (Napi::TypedArray::ArrayBuffer().Data() rejects a SharedArrayBuffer).
  napi_typedarray_type type;
  std::size_t length = 0, offset = 0;
  void* data = nullptr;
  napi_value ab = nullptr;
  if (napi_get_typedarray_info(env, ta, &type, &length, &data, &ab, &offset) != napi_ok)
    throw_error(env, "E_DTYPE", std::string(what) + " could not be read as a typed array");
  bool detached = false;
  if (napi_is_detached_arraybuffer(env, ab, &detached) == napi_ok && detached)
    throw_error(env, "E_DETACHED", std::string(what) + "'s ArrayBuffer is detached (transferred or freed)");
  m.rows = rows;
  m.cols = cols;
  if (length != rows * cols)
    throw_error(env, "E_SHAPE", std::string(what) + " has " + std::to_string(length) +
                                    " elements but its shape [" + std::to_string(rows) + ", " + std::to_string(cols) +
                                    "] needs " + std::to_string(rows * cols));
  m.ptr = data;  // already points at the first element (byte offset applied)
  return m;
}

MatrixArg matrix_arg(const Napi::CallbackInfo& info, std::size_t i) {
  Napi::Env env = info.Env();
  const std::size_t rows = dim_arg(env, info[i + 1], "rows");
  const std::size_t cols = dim_arg(env, info[i + 2], "cols");
  return matrix_from(env, info[i], rows, cols, "data");
}

template <typename T>
Napi::TypedArray to_typed_array(Napi::Env env, Buffer<T>&& buf) {
  const std::size_t n = buf.size();
  Napi::ArrayBuffer ab;
  if (n == 0) {
    ab = Napi::ArrayBuffer::New(env, 0);
  } else {
    const std::size_t bytes = n * sizeof(T);
    T* raw = buf.detach();
    ab = Napi::ArrayBuffer::New(
        env, raw, bytes, [](Napi::Env, void* p, std::size_t* b) { Buffer<T>::release_raw(p, *b); delete b; },
        new std::size_t(bytes));
  }
  if constexpr (sizeof(T) == 4)
    return Napi::Float32Array::New(env, n, ab, 0);
  else
    return Napi::Float64Array::New(env, n, ab, 0);
}

template Napi::TypedArray to_typed_array(Napi::Env, Buffer<float>&&);
template Napi::TypedArray to_typed_array(Napi::Env, Buffer<double>&&);

}  // namespace ws::binding
