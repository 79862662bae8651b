// The GPU side of a job: a Session holds one set of cuSOLVER/cuBLAS handles for the duration of a call
// (handles are not thread-safe, so a set is never shared by two calls at once), and device memory comes
// as DeviceBuffers that are freed on every path, errors included. Sessions never wait for each other: a
// call takes an idle handle set or creates one, so a synchronous GPU call on a JavaScript thread runs
// beside the scheduler's GPU lane instead of queueing behind it.
#pragma once
#include <atomic>
#include <cstddef>
#include <type_traits>

#include "cuda_api.h"

namespace ws::cuda {

// Device bytes weightscope holds right now (nativeStats().deviceLiveBytes; tests check it returns to 0).
std::atomic<long long>& device_live_bytes();

struct Handles;

class Session {
 public:
  // Takes an idle handle set (created at first need; sets live for the rest of the process: destroying
  // them from a static destructor would race the CUDA runtime's own teardown). E_CUDA_UNAVAILABLE when the
  // libraries were not loaded (backends().cuda says why).
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // E_CUDA_OOM naming `what`, the bytes needed and the bytes free when `bytes` exceed free device memory.
  void require_free(std::size_t bytes, const char* what) const;

  const Api& api;
  cusolverDnHandle_t solver = nullptr;
  cublasHandle_t blas = nullptr;
  cusolverDnParams_t params = nullptr;
  gesvdjInfo_t gesvdj = nullptr;

 private:
  Handles* handles_;
};

template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer(const Session& s, std::size_t n, const char* what) : api_(s.api) {
    if (n == 0) return;
    void* p = nullptr;
    const int err = api_.cudaMalloc(&p, n * sizeof(T));
    if (err != kCudaSuccess) fail_alloc(s, err, n * sizeof(T), what);
    ptr_ = static_cast<T*>(p);
    bytes_ = n * sizeof(T);
    device_live_bytes() += static_cast<long long>(bytes_);
  }
  ~DeviceBuffer() {
    if (ptr_) {
      api_.cudaFree(ptr_);
      device_live_bytes() -= static_cast<long long>(bytes_);
    }
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  T* get() const { return ptr_; }
  void upload(const T* host, std::size_t n) const;
  void download(T* host, std::size_t n, std::size_t offset = 0) const;

 private:
  static void fail_alloc(const Session& s, int err, std::size_t bytes, const char* what);
  const Api& api_;
  T* ptr_ = nullptr;
  std::size_t bytes_ = 0;
};

template <typename T>
constexpr DataType data_type() {
  return DataType(std::is_same_v<T, float> ? kCudaR32F : kCudaR64F);
}

}  // namespace ws::cuda
