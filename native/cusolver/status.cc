#include "status.h"

#include "../core/core_error.h"

namespace ws::cuda {

const char* cusolver_status_name(int s) {
  switch (s) {
    case 0: return "CUSOLVER_STATUS_SUCCESS";
    case 1: return "CUSOLVER_STATUS_NOT_INITIALIZED";
    case 2: return "CUSOLVER_STATUS_ALLOC_FAILED";
    case 3: return "CUSOLVER_STATUS_INVALID_VALUE";
    case 4: return "CUSOLVER_STATUS_ARCH_MISMATCH";
    case 5: return "CUSOLVER_STATUS_MAPPING_ERROR";
    case 6: return "CUSOLVER_STATUS_EXECUTION_FAILED";
    case 7: return "CUSOLVER_STATUS_INTERNAL_ERROR";
    case 8: return "CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED";
    case 9: return "CUSOLVER_STATUS_NOT_SUPPORTED";
    case 10: return "CUSOLVER_STATUS_ZERO_PIVOT";
    case 11: return "CUSOLVER_STATUS_INVALID_LICENSE";
    case 31: return "CUSOLVER_STATUS_INVALID_WORKSPACE";
    default: return "CUSOLVER_STATUS_UNKNOWN";
  }
}

const char* cublas_status_name(int s) {
  switch (s) {
    case 0: return "CUBLAS_STATUS_SUCCESS";
    case 1: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case 3: return "CUBLAS_STATUS_ALLOC_FAILED";
    case 7: return "CUBLAS_STATUS_INVALID_VALUE";
    case 8: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case 11: return "CUBLAS_STATUS_MAPPING_ERROR";
    case 13: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case 14: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case 15: return "CUBLAS_STATUS_NOT_SUPPORTED";
    case 16: return "CUBLAS_STATUS_LICENSE_ERROR";
    default: return "CUBLAS_STATUS_UNKNOWN";
  }
}

std::string cuda_error_text(const Api& api, int err) {
  const char* name = api.cudaGetErrorName ? api.cudaGetErrorName(cudaError_t(err)) : nullptr;
  const char* text = api.cudaGetErrorString ? api.cudaGetErrorString(cudaError_t(err)) : nullptr;
  std::string s = name ? name : "cudaError " + std::to_string(err);
  if (text) s += std::string(" (") + text + ")";
  return s;
}

void check_cuda(const Api& api, int err, const char* call) {
  if (err == kCudaSuccess) return;
  const std::string msg = std::string(call) + " failed: " + cuda_error_text(api, err);
  throw CoreError(err == kCudaErrorMemoryAllocation ? ErrorCode::CudaOom : ErrorCode::Cuda, msg, call, err);
}

void check_cusolver(int status, const char* call) {
  if (status == 0) return;
  throw CoreError(status == 2 ? ErrorCode::CudaOom : ErrorCode::Cuda,
                  std::string(call) + " failed: " + cusolver_status_name(status) + " (" + std::to_string(status) + ")",
                  call, status);
}

void check_cublas(int status, const char* call) {
  if (status == 0) return;
  throw CoreError(status == 3 ? ErrorCode::CudaOom : ErrorCode::Cuda,
                  std::string(call) + " failed: " + cublas_status_name(status) + " (" + std::to_string(status) + ")",
                  call, status);
}

void check_info(int info, const std::string& routine, const char* meaning) {
  if (info == 0) return;
  if (info < 0)
    throw CoreError(ErrorCode::Internal, routine + ": argument " + std::to_string(-info) + " had an illegal value",
                    routine, info);
  throw CoreError(ErrorCode::Lapack, routine + " did not converge (info = " + std::to_string(info) + "): " + meaning,
                  routine, info);
}

}  // namespace ws::cuda
