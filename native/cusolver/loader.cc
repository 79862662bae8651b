#include "loader.h"

#include <dlfcn.h>

#include <atomic>
#include <mutex>
#include <type_traits>

#include "cuda_api.h"
#include "status.h"

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

template <typename F>
F sym(void* h, const char* name) {
  return reinterpret_cast<F>(dlsym(h, name));
}

Api g_api;                         // filled by run_probe, published when every symbol resolved
std::atomic<const Api*> g_ready{nullptr};

// Resolves every symbol of one library into g_api; names the missing ones.
void resolve(void* cudart, void* cusolver, void* cublas, std::vector<std::string>& missing) {
#define WS_RESOLVE(handle)                                             \
  [&](auto& member, const char* name) {                                \
    member = reinterpret_cast<std::decay_t<decltype(member)>>(dlsym(handle, name)); \
    if (!member) missing.emplace_back(name);                           \
  }
  auto from_cudart = WS_RESOLVE(cudart);
  auto from_cusolver = WS_RESOLVE(cusolver);
  auto from_cublas = WS_RESOLVE(cublas);
#undef WS_RESOLVE
#define WS_FROM_CUDART(name) from_cudart(g_api.name, #name);
#define WS_FROM_CUSOLVER(name) from_cusolver(g_api.name, #name);
#define WS_FROM_CUBLAS(name) from_cublas(g_api.name, #name);
  WS_CUDART_SYMBOLS(WS_FROM_CUDART)
  WS_CUSOLVER_SYMBOLS(WS_FROM_CUSOLVER)
  WS_CUBLAS_SYMBOLS(WS_FROM_CUBLAS)
#undef WS_FROM_CUDART
#undef WS_FROM_CUSOLVER
#undef WS_FROM_CUBLAS
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
  resolve(cudart.handle, cusolver.handle, cublas.handle, r.missing_symbols);
  if (!r.missing_symbols.empty()) {
    r.stage = "symbols";
    r.reason = "CUDA libraries lack " + std::to_string(r.missing_symbols.size()) +
               " needed symbols (first: " + r.missing_symbols.front() + "); CUDA 12 or 13 is required";
    return r;
  }
  const Api& a = g_api;
  auto version = [&](auto get) {
    int major = 0, minor = 0, patch = 0;
    return get(LibProperty(kLibPropMajor), &major) == 0 && get(LibProperty(kLibPropMinor), &minor) == 0 &&
                   get(LibProperty(kLibPropPatch), &patch) == 0
               ? major * 10000 + minor * 100 + patch
               : 0;
  };
  r.cusolver_version = version(a.cusolverGetProperty);
  r.cublas_version = version(a.cublasGetProperty);
  a.cudaRuntimeGetVersion(&r.runtime_version);
  a.cudaDriverGetVersion(&r.driver_version);
  if (r.driver_version == 0) {
    r.stage = "driver";
    r.reason = "no NVIDIA driver is installed (libcuda could not be used)";
    return r;
  }
  int count = 0;
  cudaError_t e = a.cudaGetDeviceCount(&count);
  if (e != kCudaSuccess || count == 0) {
    r.stage = e == kCudaErrorInsufficientDriver ? "driver" : "device";
    r.reason = e == kCudaSuccess ? "no CUDA device found" : "cudaGetDeviceCount failed: " + cuda_error_text(g_api, e);
    return r;
  }
  // Device names and sizes come from the driver API (cudaDeviceProp's layout differs between CUDA
  // versions), which needs no context: only device 0, the one weightscope computes on, gets a context
  // (for its free memory). Querying every device would take context memory on every GPU of the node.
  void* driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  auto cu_init = driver ? sym<fn_cuInit>(driver, "cuInit") : nullptr;
  auto cu_get = driver ? sym<fn_cuDeviceGet>(driver, "cuDeviceGet") : nullptr;
  auto cu_name = driver ? sym<fn_cuDeviceGetName>(driver, "cuDeviceGetName") : nullptr;
  auto cu_total = driver ? sym<fn_cuDeviceTotalMem>(driver, "cuDeviceTotalMem_v2") : nullptr;
  if (cu_init) cu_init(0);
  for (int i = 0; i < count; ++i) {
    Device d;
    d.index = i;
    int dev = 0;
    char name[256] = {0};
    if (cu_get && cu_name && cu_get(&dev, i) == 0 && cu_name(name, sizeof(name) - 1, dev) == 0) d.name = name;
    if (d.name.empty()) d.name = "CUDA device " + std::to_string(i);
    a.cudaDeviceGetAttribute(&d.cc_major, DeviceAttr(kAttrComputeCapabilityMajor), i);
    a.cudaDeviceGetAttribute(&d.cc_minor, DeviceAttr(kAttrComputeCapabilityMinor), i);
    std::size_t free_b = 0, total_b = 0;
    if (cu_get && cu_total && cu_get(&dev, i) == 0 && cu_total(&total_b, dev) == 0)
      d.memory_total = static_cast<double>(total_b);
    if (i == 0 && a.cudaSetDevice(0) == kCudaSuccess && a.cudaMemGetInfo(&free_b, &total_b) == kCudaSuccess) {
      d.memory_free = static_cast<double>(free_b);
      d.memory_total = static_cast<double>(total_b);
    }
    r.devices.push_back(d);
  }
  r.available = true;
  r.stage = "ok";
  g_ready.store(&g_api);
  return r;
}

}  // namespace

const Api* api() { return g_ready.load(); }

const ProbeResult& probe(const std::vector<std::string>& dirs) {
  static std::once_flag once;
  static ProbeResult result;
  std::call_once(once, [&] { result = run_probe(dirs); });
  return result;
}

}  // namespace ws::cuda
