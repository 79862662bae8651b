#include "ops.h"

#include <string>
#include <utility>
#include <vector>

#include "../core/batch.h"
#include "../core/eig.h"
#include "../core/svd.h"
#include "../cusolver/gpu_linalg.h"
#include "errors.h"
#include "job.h"
#include "matrix_arg.h"

namespace ws::binding {
namespace {

bool async_arg(const Napi::CallbackInfo& info, std::size_t i) { return info.Length() > i && info[i].ToBoolean(); }

// Where a job runs, from the device argument: 0 = CPU (OpenBLAS), 1 = GPU with the routine picked by
// size, 2 = GPU gesvdj, 3 = GPU Xgesvdp. The TypeScript layer resolves 'auto' before calling.
struct Target {
  bool gpu = false;
  cuda::SvdRoutine routine = cuda::SvdRoutine::Auto;
};

Target target_arg(const Napi::CallbackInfo& info, std::size_t i) {
  const int d = info.Length() > i && info[i].IsNumber() ? info[i].As<Napi::Number>().Int32Value() : 0;
  if (d < 0 || d > 3) throw_error(info.Env(), "E_OPTION", "device must be 0..3, got " + std::to_string(d));
  return {d > 0, d > 0 ? static_cast<cuda::SvdRoutine>(d - 1) : cuda::SvdRoutine::Auto};
}

// Builds the job for the argument's dtype and runs it; snapshots the input first when async.
template <template <typename> class J, typename... Args>
Napi::Value dispatch(Napi::Env env, MatrixArg&& m, bool async, Target t, Args&&... args) {
  if (async) m.snapshot();
  const BlasScheduler::Mode mode = t.gpu ? BlasScheduler::Mode::Gpu : BlasScheduler::instance().mode_for(m.rows, m.cols);
  std::unique_ptr<Job> job;
  if (m.dtype == Dtype::F32)
    job = std::make_unique<J<float>>(std::move(m), t, std::forward<Args>(args)...);
  else
    job = std::make_unique<J<double>>(std::move(m), t, std::forward<Args>(args)...);
  job->mode = mode;
  return run_job(env, std::move(job), async);
}

template <typename T>
struct SvdvalsJob : Job {
  MatrixArg m;
  Target t;
  Buffer<T> s;
  std::string routine;
  SvdvalsJob(MatrixArg&& a, Target tt) : m(std::move(a)), t(tt) {}
  void execute() override {
    s = t.gpu ? cuda::svdvals(m.as<T>(), m.rows, m.cols, t.routine, &routine)
              : svdvals(m.as<T>(), m.rows, m.cols, &routine);
  }
  Napi::Value result(Napi::Env env) override {
    Napi::Object o = Napi::Object::New(env);
    o.Set("S", to_typed_array(env, std::move(s)));
    o.Set("routine", routine);
    return o;
  }
};

// mode: 0 = thin, -1 = full, k > 0 = top-k through gesvdx.
template <typename T>
struct SvdJob : Job {
  MatrixArg m;
  Target t;
  long long k;
  SvdResult<T> r;
  SvdJob(MatrixArg&& a, Target tt, long long kk) : m(std::move(a)), t(tt), k(kk) {}
  void execute() override {
    if (t.gpu)
      r = cuda::svd(m.as<T>(), m.rows, m.cols, k < 0, k > 0 ? static_cast<std::size_t>(k) : 0, t.routine);
    else
      r = k > 0 ? svd_topk(m.as<T>(), m.rows, m.cols, static_cast<std::size_t>(k))
                : svd(m.as<T>(), m.rows, m.cols, k < 0);
  }
  Napi::Value result(Napi::Env env) override {
    Napi::Object o = Napi::Object::New(env);
    o.Set("U", to_typed_array(env, std::move(r.U)));
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
    return o;
  }
};

template <typename T>
struct EigvalshJob : Job {
  MatrixArg m;
  Target t;
  Buffer<T> w;
  EigvalshJob(MatrixArg&& a, Target tt) : m(std::move(a)), t(tt) {}
  void execute() override { w = t.gpu ? cuda::eigvalsh(m.as<T>(), m.rows) : eigvalsh(m.as<T>(), m.rows); }
  Napi::Value result(Napi::Env env) override { return to_typed_array(env, std::move(w)); }
};

template <typename T>
struct GramJob : Job {
  MatrixArg m;
  Target t;
  Buffer<T> g;
  std::size_t n = 0;
  GramJob(MatrixArg&& a, Target tt) : m(std::move(a)), t(tt) {}
  void execute() override {
    g = t.gpu ? cuda::gram(m.as<T>(), m.rows, m.cols, &n) : gram(m.as<T>(), m.rows, m.cols, &n);
  }
  Napi::Value result(Napi::Env env) override {
    Napi::Object o = Napi::Object::New(env);
    o.Set("G", to_typed_array(env, std::move(g)));
    o.Set("n", Napi::Number::New(env, static_cast<double>(n)));
    return o;
  }
};

template <typename T>
struct GramEigvalshJob : Job {
  MatrixArg m;
  Target t;
  Buffer<T> w;
  GramEigvalshJob(MatrixArg&& a, Target tt) : m(std::move(a)), t(tt) {}
  void execute() override {
    w = t.gpu ? cuda::gram_eigvalsh(m.as<T>(), m.rows, m.cols) : gram_eigvalsh(m.as<T>(), m.rows, m.cols);
  }
  Napi::Value result(Napi::Env env) override { return to_typed_array(env, std::move(w)); }
};

template <typename T>
struct BatchJob : Job {
  Buffer<std::uint8_t> data;  // count matrices, contiguous
  std::size_t count, rows, cols;
  int threads;
  Target t;
  Buffer<T> s;
  BatchJob(Buffer<std::uint8_t>&& d, std::size_t c, std::size_t r, std::size_t cl, int th, Target tt)
      : data(std::move(d)), count(c), rows(r), cols(cl), threads(th), t(tt) {}
  void execute() override {
    const T* a = reinterpret_cast<const T*>(data.data());
    s = t.gpu ? cuda::svdvals_batch(a, count, rows, cols, t.routine) : svdvals_batch(a, count, rows, cols, threads);
  }
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
    return out;
  }
};

}  // namespace

Napi::Value Svdvals(const Napi::CallbackInfo& info) {
  return dispatch<SvdvalsJob>(info.Env(), matrix_arg(info, 0), async_arg(info, 3), target_arg(info, 4));
}

Napi::Value Svd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MatrixArg m = matrix_arg(info, 0);
  const double mode = info[3].IsNumber() ? info[3].As<Napi::Number>().DoubleValue() : 0;
  return dispatch<SvdJob>(env, std::move(m), async_arg(info, 4), target_arg(info, 5), static_cast<long long>(mode));
}

Napi::Value Eigvalsh(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  MatrixArg m = matrix_arg(info, 0);
  if (m.rows != m.cols)
    throw_error(env, "E_SHAPE", "eigvalsh needs a square matrix, got [" + std::to_string(m.rows) + ", " +
                                    std::to_string(m.cols) + "]");
  return dispatch<EigvalshJob>(env, std::move(m), async_arg(info, 3), target_arg(info, 4));
}

Napi::Value Gram(const Napi::CallbackInfo& info) {
  return dispatch<GramJob>(info.Env(), matrix_arg(info, 0), async_arg(info, 3), target_arg(info, 4));
}

Napi::Value GramEigvalsh(const Napi::CallbackInfo& info) {
  return dispatch<GramEigvalshJob>(info.Env(), matrix_arg(info, 0), async_arg(info, 3), target_arg(info, 4));
}

Napi::Value SvdvalsBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throw_error(env, "E_DTYPE", "svdvalsBatch expects an array of matrices");
  Napi::Array arr = info[0].As<Napi::Array>();
  const std::size_t count = arr.Length();
  if (count == 0) throw_error(env, "E_SHAPE", "svdvalsBatch needs at least one matrix");
  // rows/cols are validated by matrix_arg's rules through the first member.
  if (!info[1].IsNumber() || !info[2].IsNumber()) throw_error(env, "E_SHAPE", "rows and cols must be numbers");
  const double rd = info[1].As<Napi::Number>().DoubleValue(), cd = info[2].As<Napi::Number>().DoubleValue();
  if (!(rd >= 1 && cd >= 1) || rd != static_cast<double>(static_cast<std::size_t>(rd)) ||
      cd != static_cast<double>(static_cast<std::size_t>(cd)))
    throw_error(env, "E_SHAPE", "rows and cols must be positive integers");
  const std::size_t rows = static_cast<std::size_t>(rd), cols = static_cast<std::size_t>(cd);
  MatrixArg first = matrix_from(env, arr.Get(0u), rows, cols, "matrix 0");
  const std::size_t bytes = rows * cols * first.elem_size();
  Buffer<std::uint8_t> data(bytes * count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::string what = "matrix " + std::to_string(i);
    MatrixArg mi = matrix_from(env, arr.Get(static_cast<uint32_t>(i)), rows, cols, what.c_str());
    if (mi.dtype != first.dtype) throw_error(env, "E_DTYPE", what + " has a different dtype from matrix 0");
    std::memcpy(data.data() + i * bytes, mi.ptr, bytes);
  }
  const int threads = BlasScheduler::instance().threads();
  const Target t = target_arg(info, 4);
  std::unique_ptr<Job> job;
  if (first.dtype == Dtype::F32)
    job = std::make_unique<BatchJob<float>>(std::move(data), count, rows, cols, threads, t);
  else
    job = std::make_unique<BatchJob<double>>(std::move(data), count, rows, cols, threads, t);
  job->mode = t.gpu ? BlasScheduler::Mode::Gpu : BlasScheduler::Mode::ExclusiveSingleThreaded;
  return run_job(env, std::move(job), async_arg(info, 3));
}

}  // namespace ws::binding
