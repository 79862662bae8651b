// Our own declarations of the few CUDA runtime / cuSOLVER / cuBLAS entry points weightscope resolves
// with dlsym. No CUDA header or library is needed to build: the addon links none of them, and loads
// them at first use (loader.h). Only C types appear here; handles are opaque pointers.
#pragma once
#include <cstddef>

namespace ws::cuda {

using cudaError_t = int;  // 0 = cudaSuccess
constexpr cudaError_t kCudaSuccess = 0;
constexpr cudaError_t kCudaErrorInsufficientDriver = 35;
constexpr cudaError_t kCudaErrorNoDevice = 100;
constexpr int kAttrComputeCapabilityMajor = 75;  // cudaDevAttrComputeCapabilityMajor
constexpr int kAttrComputeCapabilityMinor = 76;
constexpr int kLibPropMajor = 0, kLibPropMinor = 1, kLibPropPatch = 2;  // libraryPropertyType

using fn_cudaGetDeviceCount = cudaError_t (*)(int*);
using fn_cudaRuntimeGetVersion = cudaError_t (*)(int*);
using fn_cudaDriverGetVersion = cudaError_t (*)(int*);
using fn_cudaGetErrorString = const char* (*)(cudaError_t);
using fn_cudaGetErrorName = const char* (*)(cudaError_t);
using fn_cudaSetDevice = cudaError_t (*)(int);
using fn_cudaMemGetInfo = cudaError_t (*)(std::size_t*, std::size_t*);
using fn_cudaDeviceGetAttribute = cudaError_t (*)(int*, int, int);
using fn_getProperty = int (*)(int, int*);  // cusolverGetProperty / cublasGetProperty
using fn_cuInit = int (*)(unsigned);
using fn_cuDeviceGet = int (*)(int*, int);
using fn_cuDeviceGetName = int (*)(char*, int, int);

// Every symbol the GPU backend needs, per library: all must resolve for CUDA to count as usable.
inline const char* const kCudartSymbols[] = {
    "cudaGetDeviceCount", "cudaRuntimeGetVersion", "cudaDriverGetVersion", "cudaGetErrorString",
    "cudaGetErrorName",   "cudaSetDevice",         "cudaMemGetInfo",       "cudaMalloc",
    "cudaFree",           "cudaMemcpy",            "cudaDeviceGetAttribute", "cudaStreamCreate",
    "cudaStreamDestroy",  "cudaStreamSynchronize"};
inline const char* const kCusolverSymbols[] = {
    "cusolverGetProperty",        "cusolverDnCreate",
    "cusolverDnDestroy",          "cusolverDnSetStream",
    "cusolverDnCreateParams",     "cusolverDnDestroyParams",
    "cusolverDnXgesvdp_bufferSize", "cusolverDnXgesvdp",
    "cusolverDnXsyevd_bufferSize", "cusolverDnXsyevd",
    "cusolverDnSgesvdj_bufferSize", "cusolverDnSgesvdj",
    "cusolverDnDgesvdj_bufferSize", "cusolverDnDgesvdj",
    "cusolverDnCreateGesvdjInfo", "cusolverDnDestroyGesvdjInfo",
    "cusolverDnSgesvdjBatched_bufferSize", "cusolverDnSgesvdjBatched",
    "cusolverDnDgesvdjBatched_bufferSize", "cusolverDnDgesvdjBatched"};
inline const char* const kCublasSymbols[] = {"cublasCreate_v2", "cublasDestroy_v2", "cublasSetStream_v2",
                                             "cublasSsyrk_v2",  "cublasDsyrk_v2",   "cublasGetProperty"};

}  // namespace ws::cuda
