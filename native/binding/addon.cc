// Module init: the raw binding that src/binding.ts wraps.
#include <napi.h>

#include <string>

#include "../core/blas_scheduler.h"
#include "../core/buffer.h"
#include "../core/lapack_api.h"
#include "../core/svd.h"
#include "../cusolver/session.h"
#include "errors.h"
#include "job.h"
#include "ops.h"

namespace ws::binding {
namespace {

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  const char* cfg = openblas_get_config();
  const char* core = openblas_get_corename();
  o.Set("config", cfg ? cfg : "");
  o.Set("corename", core ? core : "");
  o.Set("parallel", openblas_get_parallel());  // 0 sequential, 1 pthreads, 2 OpenMP
  o.Set("threads", BlasScheduler::instance().threads());
  o.Set("largeJobFlops", BlasScheduler::instance().large_job_flops());
#ifdef WEIGHTSCOPE_STATIC_OPENBLAS
  o.Set("linkage", "static");
#else
  o.Set("linkage", "shared");
#endif
  return o;
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  BlasScheduler::instance().set_threads(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

Napi::Value GetThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), BlasScheduler::instance().threads());
}

Napi::Value SetLargeJobFlops(const Napi::CallbackInfo& info) {
  BlasScheduler::instance().set_large_job_flops(info[0].As<Napi::Number>().DoubleValue());
  return info.Env().Undefined();
}

Napi::Value Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("liveBytes", Napi::Number::New(env, static_cast<double>(live_bytes().load())));
  o.Set("gesddFallbacks", Napi::Number::New(env, static_cast<double>(gesdd_fallbacks())));
  o.Set("jobsInFlight", jobs_in_flight().load());
  o.Set("deviceLiveBytes", Napi::Number::New(env, static_cast<double>(cuda::device_live_bytes().load())));
  return o;
}

Napi::Value InjectFailures(const Napi::CallbackInfo& info) {
  inject_failures(info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new AddonData());
  exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClass));
  exports.Set("svdvals", Napi::Function::New(env, Svdvals));
  exports.Set("svd", Napi::Function::New(env, Svd));
  exports.Set("eigvalsh", Napi::Function::New(env, Eigvalsh));
  exports.Set("gram", Napi::Function::New(env, Gram));
  exports.Set("gramEigvalsh", Napi::Function::New(env, GramEigvalsh));
  exports.Set("svdvalsBatch", Napi::Function::New(env, SvdvalsBatch));
  exports.Set("cudaProbe", Napi::Function::New(env, CudaProbe));
  exports.Set("cudaMemInfo", Napi::Function::New(env, CudaMemInfo));
  exports.Set("_cudaHold", Napi::Function::New(env, CudaHold));
  exports.Set("_cudaRelease", Napi::Function::New(env, CudaRelease));
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("getThreads", Napi::Function::New(env, GetThreads));
  exports.Set("setLargeJobFlops", Napi::Function::New(env, SetLargeJobFlops));
  exports.Set("stats", Napi::Function::New(env, Stats));
  exports.Set("_injectFailures", Napi::Function::New(env, InjectFailures));
  return exports;
}

}  // namespace
}  // namespace ws::binding

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return ws::binding::Init(env, exports); }

NODE_API_MODULE(weightscope, InitAddon)
