#include "loader.h"

#include <dlfcn.h>

#include <mutex>

#include "cuda_api.h"

namespace ws::cuda {
namespace {

struct Lib {
  void* handle = nullptr;
  std::string path;
};

Lib open_first(const std::vector<std::string>& dirs, std::initializer_list<const char*> sonames,
               std::vector<std::string>& tried, std::string& last_error) {
  for (const std::string& dir : dirs)
    for (const char* so : sonames) {
      const std::string path = dir.empty() ? std::string(so) : dir + "/" + so;
      tried.push_back(path);
      if (void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)) {
        // report the file actually loaded
        Dl_info info{};
        std::string where = path;
        if (void* sym = dlsym(h, "cudaGetDeviceCount") ?: dlsym(h, "cusolverGetProperty") ?: dlsym(h, "cublasGetProperty"))
          if (dladdr(sym, &info) && info.dli_fname) where = info.dli_fname;
        return {h, where};
      }
      const char* e = dlerror();
      if (e && std::string(e).find("No such file") == std::string::npos) last_error = e;
    }
  return {};
}

template <std::size_t N>
void resolve_all(void* h, const char* const (&names)[N], std::vector<std::string>& missing) {
  for (const char* n : names)
    if (!dlsym(h, n)) missing.emplace_back(n);
}

template <typename F>
F sym(void* h, const char* name) {
  return reinterpret_cast<F>(dlsym(h, name));
}

std::string error_text(void* cudart, cudaError_t err) {
  auto name = sym<fn_cudaGetErrorName>(cudart, "cudaGetErrorName");
  auto str = sym<fn_cudaGetErrorString>(cudart, "cudaGetErrorString");
  std::string s = name ? name(err) : ("cudaError " + std::to_string(err));
  if (str) s += std::string(" (") + str(err) + ")";
  return s;
}

ProbeResult run_probe(const std::vector<std::string>& dirs) {
  ProbeResult r;
  std::string dl_error;
  Lib cudart = open_first(dirs, {"libcudart.so.13", "libcudart.so.12", "libcudart.so"}, r.tried, dl_error);
  Lib cublas = open_first(dirs, {"libcublas.so.13", "libcublas.so.12", "libcublas.so"}, r.tried, dl_error);
  Lib cusolver = open_first(dirs, {"libcusolver.so.12", "libcusolver.so.11", "libcusolver.so"}, r.tried, dl_error);
  r.cudart_path = cudart.path;
  r.cublas_path = cublas.path;
  r.cusolver_path = cusolver.path;
  std::string missing_libs;
  if (!cudart.handle) missing_libs += " libcudart";
  if (!cusolver.handle) missing_libs += " libcusolver";
  if (!cublas.handle) missing_libs += " libcublas";
  if (!missing_libs.empty()) {
    r.stage = "library";
    r.reason = "CUDA libraries not found:" + missing_libs +
               " (searched WEIGHTSCOPE_CUDA_LIB_DIR, the system loader path, /usr/local/cuda/lib64 and Python "
               "nvidia/*/lib folders)";
    if (!dl_error.empty()) r.reason += "; last loader error: " + dl_error;
    return r;
  }
  resolve_all(cudart.handle, kCudartSymbols, r.missing_symbols);
  resolve_all(cusolver.handle, kCusolverSymbols, r.missing_symbols);
  resolve_all(cublas.handle, kCublasSymbols, r.missing_symbols);
  if (!r.missing_symbols.empty()) {
    r.stage = "symbols";
    r.reason = "CUDA libraries lack " + std::to_string(r.missing_symbols.size()) +
               " needed symbols (first: " + r.missing_symbols.front() + "); CUDA 12 or 13 is required";
    return r;
  }
  int major = 0, minor = 0, patch = 0;
  auto sp = sym<fn_getProperty>(cusolver.handle, "cusolverGetProperty");
  if (sp(kLibPropMajor, &major) == 0 && sp(kLibPropMinor, &minor) == 0 && sp(kLibPropPatch, &patch) == 0)
    r.cusolver_version = major * 10000 + minor * 100 + patch;
  auto bp = sym<fn_getProperty>(cublas.handle, "cublasGetProperty");
  if (bp(kLibPropMajor, &major) == 0 && bp(kLibPropMinor, &minor) == 0 && bp(kLibPropPatch, &patch) == 0)
    r.cublas_version = major * 10000 + minor * 100 + patch;
  sym<fn_cudaRuntimeGetVersion>(cudart.handle, "cudaRuntimeGetVersion")(&r.runtime_version);
  sym<fn_cudaDriverGetVersion>(cudart.handle, "cudaDriverGetVersion")(&r.driver_version);
  if (r.driver_version == 0) {
    r.stage = "driver";
    r.reason = "no NVIDIA driver is installed (libcuda could not be used)";
    return r;
  }
  int count = 0;
  cudaError_t e = sym<fn_cudaGetDeviceCount>(cudart.handle, "cudaGetDeviceCount")(&count);
  if (e != kCudaSuccess || count == 0) {
    r.stage = e == kCudaErrorInsufficientDriver ? "driver" : "device";
    r.reason = e == kCudaSuccess ? "no CUDA device found" : "cudaGetDeviceCount failed: " + error_text(cudart.handle, e);
    return r;
  }
  // Device names come from the driver API (cudaDeviceProp's layout differs between CUDA versions).
  void* driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  auto cu_init = driver ? sym<fn_cuInit>(driver, "cuInit") : nullptr;
  auto cu_get = driver ? sym<fn_cuDeviceGet>(driver, "cuDeviceGet") : nullptr;
  auto cu_name = driver ? sym<fn_cuDeviceGetName>(driver, "cuDeviceGetName") : nullptr;
  if (cu_init) cu_init(0);
  for (int i = 0; i < count; ++i) {
    Device d;
    d.index = i;
    int dev = 0;
    char name[256] = {0};
    if (cu_get && cu_name && cu_get(&dev, i) == 0 && cu_name(name, sizeof(name) - 1, dev) == 0) d.name = name;
    auto attr = sym<fn_cudaDeviceGetAttribute>(cudart.handle, "cudaDeviceGetAttribute");
    attr(&d.cc_major, kAttrComputeCapabilityMajor, i);
    attr(&d.cc_minor, kAttrComputeCapabilityMinor, i);
    std::size_t free_b = 0, total_b = 0;
    if (sym<fn_cudaSetDevice>(cudart.handle, "cudaSetDevice")(i) == kCudaSuccess &&
        sym<fn_cudaMemGetInfo>(cudart.handle, "cudaMemGetInfo")(&free_b, &total_b) == kCudaSuccess) {
      d.memory_free = static_cast<double>(free_b);
      d.memory_total = static_cast<double>(total_b);
    }
    r.devices.push_back(d);
  }
  r.available = true;
  r.stage = "ok";
  return r;
}

}  // namespace

const ProbeResult& probe(const std::vector<std::string>& dirs) {
  static std::once_flag once;
  static ProbeResult result;
  std::call_once(once, [&] { result = run_probe(dirs); });
  return result;
}

}  // namespace ws::cuda
