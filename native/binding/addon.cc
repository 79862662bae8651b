// Module init: the raw binding that src/binding.ts wraps. Every function is registered through guarded()
// (errors.h), so no C++ exception ever leaves the addon.
#include <dlfcn.h>
#include <napi.h>

#include <string>

#include "../core/lapack_api.h"
#include "../core/pool.h"
#include "../core/scheduler.h"
#include "../core/svd.h"
#include "../cusolver/session.h"
#include "addon_data.h"
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
  Scheduler& s = Scheduler::instance();
  o.Set("threads", s.threads());
  o.Set("slots", s.slots());
  o.Set("maxThreads", Scheduler::kMaxThreads);
  o.Set("cores", available_cores());
  o.Set("largeJobFlops", s.large_job_flops());
#ifdef WEIGHTSCOPE_STATIC_OPENBLAS
  o.Set("linkage", "static");
#else
  o.Set("linkage", "shared");
#endif
#ifdef WEIGHTSCOPE_TEST_HOOKS
  o.Set("testHooks", true);
#else
  o.Set("testHooks", false);
#endif
  return o;
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  const double n = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : 0;
  if (!(n >= 1 && n <= Scheduler::kMaxThreads) || n != static_cast<double>(static_cast<int>(n)))
    throw_error(info.Env(), "E_OPTION",
                "setThreads expects an integer from 1 to " + std::to_string(Scheduler::kMaxThreads));
  Scheduler::instance().set_threads(static_cast<int>(n));
  return info.Env().Undefined();
}

Napi::Value GetThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), Scheduler::instance().threads());
}

Napi::Value SetLargeJobFlops(const Napi::CallbackInfo& info) {
  const double f = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
  if (!(f >= 0)) throw_error(info.Env(), "E_OPTION", "setLargeJobFlops expects a number >= 0");
  Scheduler::instance().set_large_job_flops(f);
  return info.Env().Undefined();
}

Napi::Value Cancel(const Napi::CallbackInfo& info) {
  const double t = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : 0;
  if (!(t >= 1 && t <= 4294967295.0)) return Napi::Boolean::New(info.Env(), false);
  auto* data = info.Env().GetInstanceData<AddonData>();
  return Napi::Boolean::New(info.Env(), data->state->cancel(static_cast<std::uint32_t>(t)));
}

Napi::Value Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto num = [&](double v) { return Napi::Number::New(env, v); };
  const PoolStats p = pool_stats();
  const SchedulerStats s = Scheduler::instance().stats();
  Napi::Object o = Napi::Object::New(env);
  o.Set("liveBytes", num(static_cast<double>(p.live_bytes)));
  o.Set("poolBytes", num(static_cast<double>(p.cached_bytes)));
  o.Set("poolLimitBytes", num(static_cast<double>(p.limit_bytes)));
  o.Set("poolHits", num(static_cast<double>(p.hits)));
  o.Set("poolMisses", num(static_cast<double>(p.misses)));
  o.Set("gesddFallbacks", num(static_cast<double>(gesdd_fallbacks())));
  o.Set("jobsInFlight", jobs_in_flight().load());
  o.Set("deviceLiveBytes", num(static_cast<double>(cuda::device_live_bytes().load())));
  Napi::Object sch = Napi::Object::New(env);
  sch.Set("slots", s.slots);
  sch.Set("blasThreads", s.blas_threads);
  sch.Set("cpuRunning", s.cpu_running);
  sch.Set("gpuRunning", s.gpu_running);
  sch.Set("ioRunning", s.io_running);
  sch.Set("syncRunning", s.sync_running);
  sch.Set("cpuQueued", s.cpu_queued);
  sch.Set("gpuQueued", s.gpu_queued);
  sch.Set("ioQueued", s.io_queued);
  o.Set("scheduler", sch);
  return o;
}

template <Napi::Value (*F)(const Napi::CallbackInfo&)>
void add(Napi::Env env, Napi::Object exports, const char* name) {
  exports.Set(name, Napi::Function::New(env, guarded<F>, name));
}

// Node unloads an addon (dlclose) when the last environment that loaded it goes away, e.g. the only
// worker_thread using weightscope is terminated. The scheduler's threads live for the process and run this
// library's code, so the library must never be unmapped: load it once more with RTLD_NODELETE.
void pin_library() {
  static const bool pinned = [] {
    Dl_info info{};
    if (!dladdr(reinterpret_cast<void*>(&pin_library), &info) || !info.dli_fname) return false;
    return dlopen(info.dli_fname, RTLD_NOW | RTLD_NODELETE) != nullptr;
  }();
  (void)pinned;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  pin_library();
  auto* data = new AddonData();
  env.SetInstanceData(data);
  data->state = EnvState::create(env);
  add<SetErrorClass>(env, exports, "setErrorClass");
  add<Svdvals>(env, exports, "svdvals");
  add<GramSvdvals>(env, exports, "gramSvdvals");
  add<Svd>(env, exports, "svd");
  add<Eigvalsh>(env, exports, "eigvalsh");
  add<Gram>(env, exports, "gram");
  add<GramEigvalsh>(env, exports, "gramEigvalsh");
  add<SvdvalsBatch>(env, exports, "svdvalsBatch");
  add<ReadTensor>(env, exports, "readTensor");
  add<DecodeTensor>(env, exports, "decodeTensor");
  add<ReadGgml>(env, exports, "readGgml");
  add<DecodeGgml>(env, exports, "decodeGgml");
  add<Dequantize>(env, exports, "dequantize");
  add<Snapshot>(env, exports, "snapshot");
  add<ContentDigest>(env, exports, "contentDigest");
  add<Allocate>(env, exports, "allocate");
  add<Release>(env, exports, "release");
  add<Cancel>(env, exports, "cancel");
  add<CudaProbe>(env, exports, "cudaProbe");
  add<CudaMemInfo>(env, exports, "cudaMemInfo");
  add<Info>(env, exports, "info");
  add<SetThreads>(env, exports, "setThreads");
  add<GetThreads>(env, exports, "getThreads");
  add<SetLargeJobFlops>(env, exports, "setLargeJobFlops");
  add<Stats>(env, exports, "stats");
  register_test_hooks(env, exports);
  return exports;
}

}  // namespace
}  // namespace ws::binding

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  try {
    return ws::binding::Init(env, exports);
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, std::string("weightscope: addon init failed: ") + e.what());
  }
}

NODE_API_MODULE(weightscope, InitAddon)
