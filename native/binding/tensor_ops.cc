// readTensor / decodeTensor (I/O-class jobs: they never take a CPU slot), snapshot, allocate and release.
#include <cstring>
#include <string>
#include <vector>

#include "../core/decode.h"
#include "../core/file_range.h"
#include "errors.h"
#include "job.h"
#include "matrix_arg.h"
#include "native_array.h"
#include "ops.h"

namespace ws::binding {
namespace {

struct TensorSpec {
  StoredDtype dtype;
  std::vector<std::size_t> shape;
  Layout layout;
  bool out_f64;
  std::size_t count = 1, bytes = 0;
};

int small_int(Napi::Env env, Napi::Value v, int max, const char* what) {
  const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
  if (!(d >= 0 && d <= max) || d != static_cast<double>(static_cast<int>(d)))
    throw_error(env, "E_OPTION", std::string(what) + " must be an integer in [0, " + std::to_string(max) + "]");
  return static_cast<int>(d);
}

double safe_uint(Napi::Env env, Napi::Value v, const char* what) {
  const double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
  if (!(d >= 0 && d <= 9007199254740991.0) || d != static_cast<double>(static_cast<std::uint64_t>(d)))
    throw_error(env, "E_OPTION", std::string(what) + " must be a non-negative safe integer");
  return d;
}

// (dtype, shape[], layout, out) at info[i..i+3]: out 0 = float64 for F64 data else float32, 1 = float32,
// 2 = float64.
TensorSpec tensor_spec(const Napi::CallbackInfo& info, std::size_t i) {
  Napi::Env env = info.Env();
  TensorSpec t;
  t.dtype = static_cast<StoredDtype>(small_int(env, info[i], 3, "dtype"));
  if (!info[i + 1].IsArray()) throw_error(env, "E_SHAPE", "shape must be an array");
  Napi::Array a = info[i + 1].As<Napi::Array>();
  if (a.Length() > 64) throw_error(env, "E_SHAPE", "shape has more than 64 dimensions");
  for (uint32_t k = 0; k < a.Length(); ++k) {
    const double d = safe_uint(env, a.Get(k), "a dimension");
    t.shape.push_back(static_cast<std::size_t>(d));
    if (__builtin_mul_overflow(t.count, t.shape.back(), &t.count))
      throw_error(env, "E_TOO_LARGE", "the tensor's element count overflows");
  }
  t.layout = static_cast<Layout>(small_int(env, info[i + 2], 2, "layout"));
  const int out = small_int(env, info[i + 3], 2, "out dtype");
  t.out_f64 = out == 0 ? t.dtype == StoredDtype::F64 : out == 2;
  if (__builtin_mul_overflow(t.count, stored_bytes(t.dtype), &t.bytes))
    throw_error(env, "E_TOO_LARGE", "the tensor's byte size overflows");
  transformed_shape(t.shape, t.layout);  // E_SHAPE when the layout does not fit the rank
  return t;
}

// Decodes `src` into a fresh output buffer, the shape as it ends up.
class TensorJob : public Job {
 public:
  explicit TensorJob(TensorSpec s) : spec_(std::move(s)) { kind = JobKind::Io; }

  Napi::Value result(Napi::Env env) override {
    Napi::Object o = Napi::Object::New(env);
    o.Set("data", spec_.out_f64 ? to_typed_array(env, std::move(f64_)) : to_typed_array(env, std::move(f32_)));
    const std::vector<std::size_t> shape = transformed_shape(spec_.shape, spec_.layout);
    Napi::Array sh = Napi::Array::New(env, shape.size());
    for (std::size_t k = 0; k < shape.size(); ++k)
      sh.Set(static_cast<uint32_t>(k), Napi::Number::New(env, static_cast<double>(shape[k])));
    o.Set("shape", sh);
    return o;
  }

 protected:
  // Whether the stored bytes already are the output (no conversion, no layout change).
  bool as_is() const {
    return spec_.layout == Layout::AsStored &&
           (spec_.dtype == (spec_.out_f64 ? StoredDtype::F64 : StoredDtype::F32));
  }
  void* output_bytes() {
    if (spec_.out_f64) {
      f64_.allocate(spec_.count);
      return f64_.data();
    }
    f32_.allocate(spec_.count);
    return f32_.data();
  }
  void decode(const std::uint8_t* src) {
    void* out = output_bytes();
    if (spec_.out_f64)
      decode_tensor(src, spec_.dtype, spec_.shape, spec_.layout, static_cast<double*>(out));
    else
      decode_tensor(src, spec_.dtype, spec_.shape, spec_.layout, static_cast<float*>(out));
  }
  TensorSpec spec_;

 private:
  Buffer<float> f32_;
  Buffer<double> f64_;
};

class ReadTensorJob final : public TensorJob {
 public:
  ReadTensorJob(std::string path, std::uint64_t offset, TensorSpec s)
      : TensorJob(std::move(s)), path_(std::move(path)), offset_(offset) {}
  void execute() override {
    if (spec_.count == 0) return void(output_bytes());
    if (as_is()) return read_file_range(path_, offset_, spec_.bytes, output_bytes());
    Buffer<std::uint8_t> raw(spec_.bytes);
    read_file_range(path_, offset_, spec_.bytes, raw.data());
    decode(raw.data());
  }

 private:
  std::string path_;
  std::uint64_t offset_;
};

class DecodeTensorJob final : public TensorJob {
 public:
  DecodeTensorJob(const std::uint8_t* src, Block* hold, TensorSpec s) : TensorJob(std::move(s)), src_(src), hold_(hold) {}
  ~DecodeTensorJob() override { block_release(hold_); }
  void execute() override {
    if (spec_.count == 0) return void(output_bytes());
    decode(src_);
  }

 private:
  const std::uint8_t* src_;
  Block* hold_;
};

}  // namespace

// readTensor(path, offset, byteLength, dtype, shape, layout, out, flags, token) -> {data, shape}
Napi::Value ReadTensor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw_error(env, "E_OPTION", "readTensor: path must be a string");
  const std::string path = info[0].As<Napi::String>().Utf8Value();
  const double offset = safe_uint(env, info[1], "offset");
  const double length = safe_uint(env, info[2], "byteLength");
  TensorSpec spec = tensor_spec(info, 3);
  if (static_cast<double>(spec.bytes) != length)
    throw_error(env, "E_FORMAT", path + ": the tensor needs " + std::to_string(spec.bytes) + " bytes, its range has " +
                                     std::to_string(static_cast<std::uint64_t>(length)));
  const CallOptions o = call_options(info, 7);
  return run_job(env, std::make_unique<ReadTensorJob>(path, static_cast<std::uint64_t>(offset), std::move(spec)), o);
}

// decodeTensor(bytes: Uint8Array, dtype, shape, layout, out, flags, token) -> {data, shape}
Napi::Value DecodeTensor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const BytesArg bytes = bytes_arg(env, info[0], "decodeTensor");
  TensorSpec spec = tensor_spec(info, 1);
  if (spec.bytes != bytes.length)
    throw_error(env, "E_FORMAT", "decodeTensor: the tensor needs " + std::to_string(spec.bytes) + " bytes, got " +
                                     std::to_string(bytes.length));
  const CallOptions o = call_options(info, 5);
  Block* hold = nullptr;
  const std::uint8_t* src = job_bytes(env, bytes, o.async, o.adopt, &hold);
  return run_job(env, std::make_unique<DecodeTensorJob>(src, hold, std::move(spec)), o);
}

// allocate(count, f64) -> an uninitialised native-backed Float32Array/Float64Array of `count` elements, from
// the pool (warm pages when a block of that size was released): the destination of a copy that JavaScript
// fills in slices, yielding to the event loop between them (model/pipeline.ts).
Napi::Value Allocate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::size_t n = static_cast<std::size_t>(safe_uint(env, info[0], "count"));
  if (info[1].ToBoolean().Value()) return to_typed_array(env, Buffer<double>(n));
  return to_typed_array(env, Buffer<float>(n));
}

// release(typedArray) -> whether its native block was given back now (the array is detached: see
// native_array.h release_now)
Napi::Value Release(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsTypedArray()) return Napi::Boolean::New(env, false);
  return Napi::Boolean::New(env, release_now(env, info[0].As<Napi::TypedArray>().ArrayBuffer()));
}

// snapshot(data, rows, cols, precision) -> a native-backed copy (converted to the precision)
Napi::Value Snapshot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::size_t rows = dim_arg(env, info[1], "rows"), cols = dim_arg(env, info[2], "cols");
  const TypedView tv = float_view(env, info[0], "data");
  std::size_t n = 0;
  if (__builtin_mul_overflow(rows, cols, &n) || tv.length != n)
    throw_error(env, "E_SHAPE", "data has " + std::to_string(tv.length) + " elements, the shape needs " +
                                    std::to_string(rows) + " x " + std::to_string(cols));
  const int p = info[3].IsNumber() ? info[3].As<Napi::Number>().Int32Value() : 0;
  const Dtype d = compute_dtype(tv.dtype, p == 1 ? Precision::F32 : p == 2 ? Precision::F64 : Precision::AsStored);
  if (d == Dtype::F32) {
    Buffer<float> b(n);
    copy_converted(b.data(), d, tv.data, tv.dtype, n);
    return to_typed_array(env, std::move(b));
  }
  Buffer<double> b(n);
  copy_converted(b.data(), d, tv.data, tv.dtype, n);
  return to_typed_array(env, std::move(b));
}

}  // namespace ws::binding
