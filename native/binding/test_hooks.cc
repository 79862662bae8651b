// Test hooks, in the dev/test build only (CMake's WEIGHTSCOPE_TEST_HOOKS, which `npm run build:native`
// and `build:asan` set; the prebuilt binary and a plain source install have none of these):
//   _injectFailures(gesdd, gesvd)  the next n gesdd / gesvd calls report non-convergence
//   _cudaHold(bytes) / _cudaRelease()  take device memory (a busy GPU), give it back
//   _forcePortableF16(on)  decode f16 without F16C, to test the portable path on any CPU
//   _lapackProbe(routine, job, m, n)  the 64-bit workspace sizes and LAPACK's own verdict on them
//   _failResults(n)  building the next n async results fails (the promise must reject)
//   _holdCpu(on)  while on, queued CPU jobs are not admitted (they stay queued, deterministically)
#include "ops.h"

#ifdef WEIGHTSCOPE_TEST_HOOKS
#include <vector>

#include "../core/decode.h"
#include "../core/lapack_typed.h"
#include "../core/scheduler.h"
#include "../core/svd.h"
#include "../core/workspace.h"
#include "../cusolver/loader.h"
#include "errors.h"
#include "job.h"
#endif

namespace ws::binding {

#ifdef WEIGHTSCOPE_TEST_HOOKS
namespace {

std::vector<void*> g_held;  // device memory held by _cudaHold (main thread only)

Napi::Value InjectFailures(const Napi::CallbackInfo& info) {
  inject_failures(info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

Napi::Value CudaHold(const Napi::CallbackInfo& info) {
  const cuda::Api* a = cuda::api();
  void* p = nullptr;
  const double bytes = info[0].As<Napi::Number>().DoubleValue();
  if (!a || !(bytes > 0) || a->cudaMalloc(&p, static_cast<std::size_t>(bytes)) != cuda::kCudaSuccess)
    return Napi::Boolean::New(info.Env(), false);
  g_held.push_back(p);
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value CudaRelease(const Napi::CallbackInfo& info) {
  const cuda::Api* a = cuda::api();
  for (void* p : g_held)
    if (a) a->cudaFree(p);
  g_held.clear();
  return info.Env().Undefined();
}

Napi::Value FailResults(const Napi::CallbackInfo& info) {
  fail_next_results(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

Napi::Value HoldCpu(const Napi::CallbackInfo& info) {
  Scheduler::instance().hold_cpu(info[0].ToBoolean());
  return info.Env().Undefined();
}

Napi::Value ForcePortableF16(const Napi::CallbackInfo& info) {
  force_portable_f16(info[0].ToBoolean());
  return Napi::Boolean::New(info.Env(), f16c_in_use());
}

// LAPACK's verdict on our minimum: INFO when called with LWORK = min and with min - 1 (on a zero matrix
// of that shape: only the argument checks matter; -12/-13 is LWORK rejected).
Napi::Value LapackProbe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string routine = info[0].As<Napi::String>().Utf8Value();
  const char job = info[1].As<Napi::String>().Utf8Value()[0];
  const long long m = info[2].As<Napi::Number>().Int64Value(), n = info[3].As<Napi::Number>().Int64Value();
  const Workspace w = routine == "gesdd" ? gesdd_workspace(m, n, job)
                      : routine == "gesvd" ? gesvd_workspace(m, n, job)
                                           : syevd_workspace(n);
  Napi::Object o = Napi::Object::New(env);
  o.Set("min", Napi::Number::New(env, static_cast<double>(w.min)));
  o.Set("bound", Napi::Number::New(env, static_cast<double>(w.bound)));
  o.Set("iwork", Napi::Number::New(env, static_cast<double>(w.iwork)));
  o.Set("fits", Napi::Boolean::New(env, workspace_fits(w)));
  if (!workspace_fits(w) || m * n > (1ll << 24)) return o;  // only small shapes are actually run
  auto run = [&](lapack_int lwork, double* query) {
    const lapack_int mm = static_cast<lapack_int>(m), nn = static_cast<lapack_int>(n);
    const std::size_t mn = static_cast<std::size_t>(std::min(m, n)), mx = static_cast<std::size_t>(std::max(m, n));
    std::vector<double> a(static_cast<std::size_t>(m * n), 0.0), s(mn + 1), u(mx * mx + 1), vt(mx * mx + 1);
    std::vector<double> work(static_cast<std::size_t>(std::max<lapack_int>(lwork, 1)));
    std::vector<lapack_int> iwork(static_cast<std::size_t>(std::max<long long>(w.iwork, 1)));
    lapack_int info = 0;
    const lapack_int ld = std::max<lapack_int>(1, mm), ldvt = std::max<lapack_int>(1, job == 'A' ? nn : static_cast<lapack_int>(mn));
    if (routine == "gesdd")
      lapack::gesdd(job, mm, nn, a.data(), ld, s.data(), u.data(), ld, vt.data(), ldvt, work.data(), lwork,
                    iwork.data(), &info);
    else if (routine == "gesvd")
      lapack::gesvd(job, job, mm, nn, a.data(), ld, s.data(), u.data(), ld, vt.data(), ldvt, work.data(), lwork, &info);
    else {
      lapack_int liwork = 1;
      lapack::syevd('N', 'U', nn, a.data(), std::max<lapack_int>(1, nn), s.data(), work.data(), lwork, iwork.data(),
                    liwork, &info);
    }
    if (query) *query = work[0];
    return info;
  };
  double query = 0;
  run(-1, &query);
  o.Set("query", Napi::Number::New(env, query));
  o.Set("infoAtMin", Napi::Number::New(env, run(static_cast<lapack_int>(w.min), nullptr)));
  if (w.min > 1) o.Set("infoBelowMin", Napi::Number::New(env, run(static_cast<lapack_int>(w.min - 1), nullptr)));
  return o;
}

}  // namespace

void register_test_hooks(Napi::Env env, Napi::Object exports) {
  exports.Set("_injectFailures", Napi::Function::New(env, guarded<InjectFailures>));
  exports.Set("_cudaHold", Napi::Function::New(env, guarded<CudaHold>));
  exports.Set("_cudaRelease", Napi::Function::New(env, guarded<CudaRelease>));
  exports.Set("_forcePortableF16", Napi::Function::New(env, guarded<ForcePortableF16>));
  exports.Set("_lapackProbe", Napi::Function::New(env, guarded<LapackProbe>));
  exports.Set("_failResults", Napi::Function::New(env, guarded<FailResults>));
  exports.Set("_holdCpu", Napi::Function::New(env, guarded<HoldCpu>));
}
#else
void register_test_hooks(Napi::Env, Napi::Object) {}
#endif

}  // namespace ws::binding
