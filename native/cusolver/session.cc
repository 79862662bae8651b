#include "session.h"

#include <string>

#include "../core/core_error.h"
#include "loader.h"
#include "status.h"

namespace ws::cuda {

std::atomic<long long>& device_live_bytes() {
  static std::atomic<long long> n{0};
  return n;
}

namespace {

std::mutex& gpu_mutex() {
  static std::mutex m;
  return m;
}

const Api& require_api() {
  const Api* a = api();
  if (!a)
    throw CoreError(ErrorCode::CudaUnavailable, "the CUDA libraries are not loaded (see backends().cuda.reason)");
  return *a;
}

struct Handles {
  cusolverDnHandle_t solver = nullptr;
  cublasHandle_t blas = nullptr;
  cusolverDnParams_t params = nullptr;
  gesvdjInfo_t gesvdj = nullptr;
};

Handles g_handles;  // guarded by gpu_mutex()

std::string mib(std::size_t bytes) { return std::to_string((bytes + (1u << 19)) >> 20) + " MiB"; }

}  // namespace

Session::Session() : api(require_api()), lock_(gpu_mutex()) {
  Handles& h = g_handles;
  if (!h.solver) check_cusolver(api.cusolverDnCreate(&h.solver), "cusolverDnCreate");
  if (!h.params) check_cusolver(api.cusolverDnCreateParams(&h.params), "cusolverDnCreateParams");
  if (!h.gesvdj) check_cusolver(api.cusolverDnCreateGesvdjInfo(&h.gesvdj), "cusolverDnCreateGesvdjInfo");
  if (!h.blas) check_cublas(api.cublasCreate_v2(&h.blas), "cublasCreate_v2");
  solver = h.solver;
  blas = h.blas;
  params = h.params;
  gesvdj = h.gesvdj;
}

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
