// Compile-only check (test/17-cuda-loader.test.ts runs it when NVIDIA's headers are at hand): every
// prototype in native/cusolver/cuda_api.h must be exactly the type of the real CUDA/cuSOLVER/cuBLAS
// function, and our enum values must equal NVIDIA's. g++ -std=c++17 -fsyntax-only -I<cuda include>.
#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cusolverDn.h>

#include <type_traits>

#define WS_CUDA_REAL_TYPES
#include "../../native/cusolver/cuda_api.h"

#define WS_SAME_TYPE(name)                                                           \
  static_assert(std::is_same_v<ws::cuda::fn_##name, decltype(&::name)>,              \
                "native/cusolver/cuda_api.h: fn_" #name " differs from the CUDA header");
WS_CUDART_SYMBOLS(WS_SAME_TYPE)
WS_CUSOLVER_SYMBOLS(WS_SAME_TYPE)
WS_CUBLAS_SYMBOLS(WS_SAME_TYPE)

static_assert(ws::cuda::kCudaSuccess == cudaSuccess);
static_assert(ws::cuda::kCudaErrorMemoryAllocation == cudaErrorMemoryAllocation);
static_assert(ws::cuda::kCudaErrorInsufficientDriver == cudaErrorInsufficientDriver);
static_assert(ws::cuda::kCudaErrorNoDevice == cudaErrorNoDevice);
static_assert(ws::cuda::kAttrComputeCapabilityMajor == cudaDevAttrComputeCapabilityMajor);
static_assert(ws::cuda::kAttrComputeCapabilityMinor == cudaDevAttrComputeCapabilityMinor);
static_assert(ws::cuda::kLibPropMajor == MAJOR_VERSION && ws::cuda::kLibPropMinor == MINOR_VERSION &&
              ws::cuda::kLibPropPatch == PATCH_LEVEL);
static_assert(ws::cuda::kMemcpyHostToDevice == cudaMemcpyHostToDevice);
static_assert(ws::cuda::kMemcpyDeviceToHost == cudaMemcpyDeviceToHost);
static_assert(ws::cuda::kCudaR32F == CUDA_R_32F && ws::cuda::kCudaR64F == CUDA_R_64F);
static_assert(ws::cuda::kEigModeNoVector == CUSOLVER_EIG_MODE_NOVECTOR);
static_assert(ws::cuda::kEigModeVector == CUSOLVER_EIG_MODE_VECTOR);
static_assert(ws::cuda::kFillLower == CUBLAS_FILL_MODE_LOWER && ws::cuda::kFillUpper == CUBLAS_FILL_MODE_UPPER);
static_assert(ws::cuda::kOpN == CUBLAS_OP_N && ws::cuda::kOpT == CUBLAS_OP_T);
static_assert(CUSOLVER_STATUS_ALLOC_FAILED == 2 && CUBLAS_STATUS_ALLOC_FAILED == 3,
              "native/cusolver/status.cc maps these to E_CUDA_OOM");
// Every enum we pass as an int must be int-sized for the plain-int prototypes to share the ABI.
static_assert(sizeof(cusolverEigMode_t) == sizeof(int) && sizeof(cublasFillMode_t) == sizeof(int) &&
              sizeof(cublasOperation_t) == sizeof(int) && sizeof(cudaDataType) == sizeof(int) &&
              sizeof(cudaMemcpyKind) == sizeof(int) && sizeof(cudaError_t) == sizeof(int) &&
              sizeof(cusolverStatus_t) == sizeof(int) && sizeof(cublasStatus_t) == sizeof(int) &&
              sizeof(libraryPropertyType) == sizeof(int) && sizeof(cudaDeviceAttr) == sizeof(int));
