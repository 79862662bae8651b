// CUDA runtime, cuSOLVER and cuBLAS status codes turned into CoreErrors: E_CUDA names the call and the
// status, E_CUDA_OOM the bytes wanted and free, a solver's info > 0 is E_LAPACK (non-convergence).
#pragma once
#include <cstddef>
#include <string>

#include "cuda_api.h"

namespace ws::cuda {

const char* cusolver_status_name(int status);
const char* cublas_status_name(int status);
std::string cuda_error_text(const Api& api, int err);  // "cudaErrorX (description)"

void check_cuda(const Api& api, int err, const char* call);  // cudaErrorMemoryAllocation -> E_CUDA_OOM
void check_cusolver(int status, const char* call);           // ALLOC_FAILED -> E_CUDA_OOM
void check_cublas(int status, const char* call);
// info from a cuSOLVER routine: > 0 non-convergence (E_LAPACK), < 0 a wrong argument (E_INTERNAL).
void check_info(int info, const std::string& routine, const char* meaning);

}  // namespace ws::cuda
