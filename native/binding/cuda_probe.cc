// cudaProbe(dirs: string[]): loads the CUDA libraries (native/cusolver/loader.h) and reports what it found.
#include <napi.h>

#include <vector>

#include "../cusolver/loader.h"
#include "ops.h"

namespace ws::binding {

Napi::Value CudaProbe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<std::string> dirs;
  if (info[0].IsArray()) {
    Napi::Array a = info[0].As<Napi::Array>();
    for (uint32_t i = 0; i < a.Length(); ++i) dirs.push_back(a.Get(i).ToString().Utf8Value());
  }
  const cuda::ProbeResult& r = cuda::probe(dirs);
  Napi::Object o = Napi::Object::New(env);
  o.Set("available", r.available);
  o.Set("reason", r.reason);
  o.Set("stage", r.stage);
  Napi::Object paths = Napi::Object::New(env);
  if (!r.cudart_path.empty()) paths.Set("cudart", r.cudart_path);
  if (!r.cusolver_path.empty()) paths.Set("cusolver", r.cusolver_path);
  if (!r.cublas_path.empty()) paths.Set("cublas", r.cublas_path);
  o.Set("libraryPaths", paths);
  Napi::Array missing = Napi::Array::New(env, r.missing_symbols.size());
  for (std::size_t i = 0; i < r.missing_symbols.size(); ++i) missing.Set(static_cast<uint32_t>(i), r.missing_symbols[i]);
  o.Set("missingSymbols", missing);
  o.Set("triedCount", Napi::Number::New(env, static_cast<double>(r.tried.size())));
  o.Set("runtimeVersion", r.runtime_version);
  o.Set("driverVersion", r.driver_version);
  o.Set("cusolverVersion", r.cusolver_version);
  o.Set("cublasVersion", r.cublas_version);
  Napi::Array devs = Napi::Array::New(env, r.devices.size());
  for (std::size_t i = 0; i < r.devices.size(); ++i) {
    const auto& d = r.devices[i];
    Napi::Object od = Napi::Object::New(env);
    od.Set("index", d.index);
    od.Set("name", d.name);
    od.Set("memoryTotal", d.memory_total < 0 ? env.Null() : Napi::Number::New(env, d.memory_total));
    od.Set("memoryFree", d.memory_free < 0 ? env.Null() : Napi::Number::New(env, d.memory_free));
    od.Set("computeCapability", std::to_string(d.cc_major) + "." + std::to_string(d.cc_minor));
    devs.Set(static_cast<uint32_t>(i), od);
  }
  o.Set("devices", devs);
  return o;
}

}  // namespace ws::binding

namespace ws::binding {

Napi::Value CudaMemInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const cuda::Api* a = cuda::api();
  if (!a) return env.Null();
  std::size_t free_b = 0, total_b = 0;
  if (a->cudaMemGetInfo(&free_b, &total_b) != cuda::kCudaSuccess) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("free", Napi::Number::New(env, static_cast<double>(free_b)));
  o.Set("total", Napi::Number::New(env, static_cast<double>(total_b)));
  return o;
}

}  // namespace ws::binding
