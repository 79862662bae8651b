#include "session.h"

#include <mutex>
#include <type_traits>
#include <string>
#include <vector>

#include "../core/core_error.h"
#include "loader.h"
#include "status.h"

namespace ws::cuda {

std::atomic<long long>& device_live_bytes() {
  static std::atomic<long long> n{0};
  return n;
}

namespace {

const Api& require_api() {
  const Api* a = api();
  if (!a)
    throw CoreError(ErrorCode::CudaUnavailable, "the CUDA libraries are not loaded (see backends().cuda.reason)");
  return *a;
}

std::string mib(std::size_t bytes) { return std::to_string((bytes + (1u << 19)) >> 20) + " MiB"; }

}  // namespace

struct Handles {
  cusolverDnHandle_t solver = nullptr;
  cublasHandle_t blas = nullptr;
  cusolverDnParams_t params = nullptr;
  gesvdjInfo_t gesvdj = nullptr;
};

namespace {

// Idle handle sets. At most as many exist as GPU calls ever ran at once (the GPU lane plus synchronous
// callers); the lock guards the list only, never a computation.
std::mutex g_idle_mu;
std::vector<Handles*> g_idle;

void park(Handles* h) {
  std::lock_guard<std::mutex> lk(g_idle_mu);
  g_idle.push_back(h);
}

Handles* take_handles(const Api& api) {
  Handles* h = nullptr;
  {
    std::lock_guard<std::mutex> lk(g_idle_mu);
    if (!g_idle.empty()) {
      h = g_idle.back();
      g_idle.pop_back();
    }
  }
  if (!h) h = new Handles();
  // Whatever a failed earlier attempt left missing is created now; a handle is stored only once created.
  auto make = [](auto create, auto check, auto& slot, const char* call) {
    if (slot) return;
    std::remove_reference_t<decltype(slot)> made = nullptr;
    check(create(&made), call);
    slot = made;
  };
  try {
    make(api.cusolverDnCreate, check_cusolver, h->solver, "cusolverDnCreate");
    make(api.cusolverDnCreateParams, check_cusolver, h->params, "cusolverDnCreateParams");
    make(api.cusolverDnCreateGesvdjInfo, check_cusolver, h->gesvdj, "cusolverDnCreateGesvdjInfo");
    make(api.cublasCreate_v2, check_cublas, h->blas, "cublasCreate_v2");
  } catch (...) {
    park(h);
    throw;
  }
  return h;
}

}  // namespace

Session::Session() : api(require_api()), handles_(take_handles(api)) {
  solver = handles_->solver;
  blas = handles_->blas;
  params = handles_->params;
  gesvdj = handles_->gesvdj;
}

Session::~Session() { park(handles_); }

void Session::require_free(std::size_t bytes, const char* what) const {
  std::size_t free_b = 0, total_b = 0;
  check_cuda(api, api.cudaMemGetInfo(&free_b, &total_b), "cudaMemGetInfo");
  if (bytes <= free_b) return;
  throw CoreError(ErrorCode::CudaOom,
                  std::string("not enough GPU memory for ") + what + ": needs " + std::to_string(bytes) + " bytes (" +
                      mib(bytes) + "), " + std::to_string(free_b) + " bytes (" + mib(free_b) + ") free of " +
                      mib(total_b),
                  "cudaMemGetInfo");
}

template <typename T>
void DeviceBuffer<T>::fail_alloc(const Session& s, int err, std::size_t bytes, const char* what) {
  if (err == kCudaErrorMemoryAllocation) {
    std::size_t free_b = 0, total_b = 0;
    s.api.cudaMemGetInfo(&free_b, &total_b);
    throw CoreError(ErrorCode::CudaOom,
                    std::string("cudaMalloc of ") + std::to_string(bytes) + " bytes for " + what +
                        " failed: out of GPU memory (" + std::to_string(free_b) + " bytes free)",
                    "cudaMalloc", err);
  }
  check_cuda(s.api, err, "cudaMalloc");
}

template <typename T>
void DeviceBuffer<T>::upload(const T* host, std::size_t n) const {
  check_cuda(api_, api_.cudaMemcpy(ptr_, host, n * sizeof(T), MemcpyKind(kMemcpyHostToDevice)), "cudaMemcpy");
}

template <typename T>
void DeviceBuffer<T>::download(T* host, std::size_t n, std::size_t offset) const {
  check_cuda(api_, api_.cudaMemcpy(host, ptr_ + offset, n * sizeof(T), MemcpyKind(kMemcpyDeviceToHost)),
             "cudaMemcpy");
}

template class DeviceBuffer<float>;
template class DeviceBuffer<double>;
template class DeviceBuffer<int>;
template class DeviceBuffer<char>;

}  // namespace ws::cuda
