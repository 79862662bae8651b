#include "ops.h"

#include <cstring>
#include <string>
#include <type_traits>
#include <utility>

#include "../core/batch.h"
#include "../core/eig.h"
#include "../core/preconditions.h"
#include "../core/svd.h"
#include "../cusolver/gpu_linalg.h"
#include "errors.h"
#include "matrix_arg.h"
#include "native_array.h"
#include "placed_job.h"

namespace ws::binding {
namespace {

Napi::Object object_with(Napi::Env env, const char* key, Napi::Value v) {
  Napi::Object o = Napi::Object::New(env);
  o.Set(key, v);
  return o;
}

// A job over one input matrix, computing in T.
template <typename T>
struct MatrixJob : PlacedJob {
  MatrixArg m;
  std::string routine_used;
  MatrixJob(MatrixArg&& a, const CallOptions& o)
      : PlacedJob(o, Scheduler::instance().cpu_kind(a.rows, a.cols)), m(std::move(a)) {}
  const T* a() const { return m.as<T>(); }
};

// Singular values by gesdd, or by the Gram route (Gram = true).
template <typename T, bool Gram>
struct SingularValuesJob final : MatrixJob<T> {
  Buffer<T> s;
  using MatrixJob<T>::MatrixJob;
  void run_cpu() override {
    s = Gram ? gram_svdvals(this->a(), this->m.rows, this->m.cols, &this->routine_used)
             : svdvals(this->a(), this->m.rows, this->m.cols, &this->routine_used);
  }
  void run_gpu() override {
    s = Gram ? cuda::gram_svdvals(this->a(), this->m.rows, this->m.cols, &this->routine_used)
             : cuda::svdvals(this->a(), this->m.rows, this->m.cols, this->routine(), &this->routine_used);
  }
  Napi::Value result(Napi::Env env) override {
    Napi::Object o = object_with(env, "S", to_typed_array(env, std::move(s)));
    o.Set("routine", this->routine_used);
    this->note_fallback(o);
    return o;
  }
};
template <typename T>
using SvdvalsJob = SingularValuesJob<T, false>;
template <typename T>
using GramSvdvalsJob = SingularValuesJob<T, true>;

// mode: 0 = thin, -1 = full, k > 0 = the top k triplets.
template <typename T>
struct SvdJob final : MatrixJob<T> {
  long long mode;
  SvdResult<T> r;
  SvdJob(MatrixArg&& a, const CallOptions& o, long long md) : MatrixJob<T>(std::move(a), o), mode(md) {}
  std::size_t k() const { return mode > 0 ? static_cast<std::size_t>(mode) : 0; }
  void run_cpu() override { r = svd(this->a(), this->m.rows, this->m.cols, mode < 0, k()); }
  void run_gpu() override { r = cuda::svd(this->a(), this->m.rows, this->m.cols, mode < 0, k(), this->routine()); }
  Napi::Value result(Napi::Env env) override {
    Napi::Object o = object_with(env, "U", to_typed_array(env, std::move(r.U)));
    o.Set("S", to_typed_array(env, std::move(r.S)));
    o.Set("Vt", to_typed_array(env, std::move(r.Vt)));
    Napi::Array us = Napi::Array::New(env, 2), vs = Napi::Array::New(env, 2);
    us.Set(0u, Napi::Number::New(env, static_cast<double>(r.u_rows)));
    us.Set(1u, Napi::Number::New(env, static_cast<double>(r.u_cols)));
    vs.Set(0u, Napi::Number::New(env, static_cast<double>(r.vt_rows)));
    vs.Set(1u, Napi::Number::New(env, static_cast<double>(r.vt_cols)));
    o.Set("uShape", us);
    o.Set("vtShape", vs);
    o.Set("routine", r.routine);
    this->note_fallback(o);
    return o;
  }
};

template <typename T>
struct EigvalshJob final : MatrixJob<T> {
  Buffer<T> w;
  using MatrixJob<T>::MatrixJob;
  void run_cpu() override { w = eigvalsh(this->a(), this->m.rows); }
  void run_gpu() override { w = cuda::eigvalsh(this->a(), this->m.rows); }
  Napi::Value result(Napi::Env env) override {
    Napi::Object o = object_with(env, "w", to_typed_array(env, std::move(w)));
    this->note_fallback(o);
    return o;
  }
};

template <typename T>
struct GramJob final : MatrixJob<T> {
  Buffer<T> g;
  std::size_t n = 0;
  using MatrixJob<T>::MatrixJob;
  void run_cpu() override { g = gram(this->a(), this->m.rows, this->m.cols, &n); }
  void run_gpu() override { g = cuda::gram(this->a(), this->m.rows, this->m.cols, &n); }
  Napi::Value result(Napi::Env env) override {
    Napi::Object o = object_with(env, "G", to_typed_array(env, std::move(g)));
    o.Set("n", Napi::Number::New(env, static_cast<double>(n)));
    this->note_fallback(o);
    return o;
  }
};

template <typename T>
struct GramEigvalshJob final : MatrixJob<T> {
  Buffer<T> w;
  using MatrixJob<T>::MatrixJob;
  void run_cpu() override { w = gram_eigvalsh(this->a(), this->m.rows, this->m.cols); }
  void run_gpu() override { w = cuda::gram_eigvalsh(this->a(), this->m.rows, this->m.cols); }
  Napi::Value result(Napi::Env env) override {
    Napi::Object o = object_with(env, "w", to_typed_array(env, std::move(w)));
    this->note_fallback(o);
    return o;
  }
};

template <typename T>
struct BatchJob final : PlacedJob {
  Buffer<std::uint8_t> data;  // count matrices, contiguous, already in T
  std::size_t count, rows, cols;
  Buffer<T> s;
  BatchJob(Buffer<std::uint8_t>&& d, std::size_t c, std::size_t r, std::size_t cl, const CallOptions& o)
      : PlacedJob(o, JobKind::Batch), data(std::move(d)), count(c), rows(r), cols(cl) {}
  const T* a() const { return reinterpret_cast<const T*>(data.data()); }
  void run_cpu() override { s = svdvals_batch(a(), count, rows, cols, context()); }
  void run_gpu() override { s = cuda::svdvals_batch(a(), count, rows, cols, routine()); }
  Napi::Value result(Napi::Env env) override {
    const std::size_t mn = std::min(rows, cols);
    Napi::TypedArray all = to_typed_array(env, std::move(s));
    Napi::Array out = Napi::Array::New(env, count);
    Napi::ArrayBuffer ab = all.ArrayBuffer();
    for (std::size_t i = 0; i < count; ++i) {
      Napi::Value v = sizeof(T) == 4 ? Napi::Value(Napi::Float32Array::New(env, mn, ab, i * mn * sizeof(T)))
                                     : Napi::Value(Napi::Float64Array::New(env, mn, ab, i * mn * sizeof(T)));
      out.Set(static_cast<uint32_t>(i), v);
    }
    Napi::Object o = object_with(env, "S", out);
    note_fallback(o);
    return o;
  }
};

// Builds the job for the computing dtype and runs it.
template <template <typename> class J, typename... Args>
Napi::Value dispatch(Napi::Env env, MatrixArg&& m, const CallOptions& o, Args&&... args) {
  std::unique_ptr<Job> job;
  if (m.dtype == Dtype::F32)
    job = std::make_unique<J<float>>(std::move(m), o, std::forward<Args>(args)...);
  else
    job = std::make_unique<J<double>>(std::move(m), o, std::forward<Args>(args)...);
  return run_job(env, std::move(job), o);
}

// The core's size checks for the computing dtype, before the input is copied. LAPACK's workspace limits
// apply when the job may run on the CPU; the shape checks in them apply to both backends.
template <typename Check>
Precheck precheck(const CallOptions& o, Check check) {
  return [o, check](Dtype d, std::size_t rows, std::size_t cols) {
    const bool cpu = !o.gpu || o.fallback;
    if (d == Dtype::F32)
      check(static_cast<float*>(nullptr), rows, cols, cpu);
    else
      check(static_cast<double*>(nullptr), rows, cols, cpu);
  };
}

template <template <typename> class J, typename Check>
Napi::Value one_matrix(const Napi::CallbackInfo& info, Check check) {
  const CallOptions o = call_options(info, 3);
  return dispatch<J>(info.Env(), matrix_arg(info, 0, o, precheck(o, check)), o);
}

}  // namespace

Napi::Value Svdvals(const Napi::CallbackInfo& info) {
  return one_matrix<SvdvalsJob>(info, [](auto* t, std::size_t r, std::size_t c, bool cpu) {
    using T = std::remove_pointer_t<decltype(t)>;
    cpu ? precheck_svdvals<T>(r, c) : check_matrix(r, c);
  });
}

static const auto gram_check = [](auto* t, std::size_t r, std::size_t c, bool cpu) {
  using T = std::remove_pointer_t<decltype(t)>;
  cpu ? void(precheck_gram<T>(r, c)) : void(gram_order(r, c));
};
Napi::Value GramSvdvals(const Napi::CallbackInfo& info) { return one_matrix<GramSvdvalsJob>(info, gram_check); }
Napi::Value Gram(const Napi::CallbackInfo& info) { return one_matrix<GramJob>(info, gram_check); }
Napi::Value GramEigvalsh(const Napi::CallbackInfo& info) { return one_matrix<GramEigvalshJob>(info, gram_check); }

Napi::Value Eigvalsh(const Napi::CallbackInfo& info) {
  return one_matrix<EigvalshJob>(info, [](auto* t, std::size_t r, std::size_t c, bool cpu) {
    using T = std::remove_pointer_t<decltype(t)>;
    check_square(r, c);
    if (cpu) precheck_eigvalsh<T>(r);
  });
}

Napi::Value Svd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const CallOptions o = call_options(info, 4);
  const double mode = info[3].IsNumber() ? info[3].As<Napi::Number>().DoubleValue() : 0;
  if (!(mode >= -1) || mode != static_cast<double>(static_cast<long long>(mode)) || mode > 2147483647.0)
    throw_error(env, "E_OPTION", "svd mode must be -1 (full), 0 (thin) or k > 0");
  const long long md = static_cast<long long>(mode);
  const std::size_t k = md > 0 ? static_cast<std::size_t>(md) : 0;
  auto check = [md, k](auto* t, std::size_t r, std::size_t c, bool cpu) {
    using T = std::remove_pointer_t<decltype(t)>;
    cpu ? void(precheck_svd<T>(r, c, md < 0, k)) : void(svd_shape(r, c, md < 0, k));
  };
  return dispatch<SvdJob>(env, matrix_arg(info, 0, o, precheck(o, check)), o, md);
}

Napi::Value SvdvalsBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const CallOptions o = call_options(info, 3);
  if (!info[0].IsArray()) throw_error(env, "E_DTYPE", "svdvalsBatch expects an array of matrices");
  Napi::Array arr = info[0].As<Napi::Array>();
  const std::size_t count = arr.Length();
  if (count == 0) throw_error(env, "E_SHAPE", "svdvalsBatch needs at least one matrix");
  const std::size_t rows = dim_arg(env, info[1], "rows"), cols = dim_arg(env, info[2], "cols");
  std::size_t per = 0, bytes = 0;
  const TypedView first = float_view(env, arr.Get(0u), "matrix 0");
  const Dtype dtype = compute_dtype(first.dtype, o.precision);
  const std::size_t esize = dtype == Dtype::F32 ? 4 : 8;
  if (__builtin_mul_overflow(rows, cols, &per) || __builtin_mul_overflow(per * esize, count, &bytes))
    throw_error(env, "E_TOO_LARGE", "the batch's total size overflows");
  check_batch(count, rows, cols);  // before the copy, as for one matrix
  if (!o.gpu || o.fallback) dtype == Dtype::F32 ? precheck_svdvals<float>(rows, cols) : precheck_svdvals<double>(rows, cols);
  // One contiguous copy, for sync calls too: the core and the GPU upload take one block.
  Buffer<std::uint8_t> data(bytes);
  for (std::size_t i = 0; i < count; ++i) {
    const std::string what = "matrix " + std::to_string(i);
    // A hole or a non-array is E_DTYPE here: results never shift against their inputs.
    const TypedView tv = float_view(env, arr.Get(static_cast<uint32_t>(i)), what.c_str());
    if (tv.dtype != first.dtype) throw_error(env, "E_DTYPE", what + " has a different dtype from matrix 0");
    if (tv.length != per)
      throw_error(env, "E_SHAPE", what + " has " + std::to_string(tv.length) + " elements, the batch's shape needs " +
                                      std::to_string(per));
    copy_converted(data.data() + i * per * esize, dtype, tv.data, tv.dtype, per);
  }
  std::unique_ptr<Job> job;
  if (dtype == Dtype::F32)
    job = std::make_unique<BatchJob<float>>(std::move(data), count, rows, cols, o);
  else
    job = std::make_unique<BatchJob<double>>(std::move(data), count, rows, cols, o);
  return run_job(env, std::move(job), o);
}

}  // namespace ws::binding
