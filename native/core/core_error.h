// The one exception type of the numeric core. The binding turns it into a WeightscopeError
// with the same code, so the core stays free of any Node API.
#pragma once
#include <cstddef>
#include <stdexcept>
#include <string>

namespace ws {

enum class ErrorCode { Shape, Dtype, NonFinite, TooLarge, Lapack, Cuda, CudaOom, CudaUnavailable, Format, Internal };

inline const char* code_name(ErrorCode c) {
  switch (c) {
    case ErrorCode::Shape: return "E_SHAPE";
    case ErrorCode::Dtype: return "E_DTYPE";
    case ErrorCode::NonFinite: return "E_NONFINITE";
    case ErrorCode::TooLarge: return "E_TOO_LARGE";
    case ErrorCode::Lapack: return "E_LAPACK";
    case ErrorCode::Cuda: return "E_CUDA";
    case ErrorCode::CudaOom: return "E_CUDA_OOM";
    case ErrorCode::CudaUnavailable: return "E_CUDA_UNAVAILABLE";
    case ErrorCode::Format: return "E_FORMAT";
    default: return "E_INTERNAL";
  }
}

struct CoreError : std::runtime_error {
  ErrorCode code;
  std::string routine;  // LAPACK routine or CUDA call, when one failed
  long long info = 0;   // its INFO, or the CUDA/cuSOLVER/cuBLAS status code
  CoreError(ErrorCode c, const std::string& msg, std::string r = "", long long i = 0)
      : std::runtime_error(msg), code(c), routine(std::move(r)), info(i) {}
};

// The same error with "matrix i: " before its message: batch calls name the matrix that failed.
inline CoreError for_matrix(const CoreError& e, std::size_t i) {
  return CoreError(e.code, "matrix " + std::to_string(i) + ": " + e.what(), e.routine, e.info);
}

}  // namespace ws
