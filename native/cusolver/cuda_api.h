// Our own declarations of the CUDA runtime / cuSOLVER / cuBLAS entry points weightscope resolves with
// dlsym. No CUDA header or library is needed to build: the addon links none of them and loads them at
// first use (loader.h).
//
// Handles are pointers to the same incomplete structs the CUDA headers declare; enums and status codes
// are plain ints here (all are int-sized C enums, so the calling convention is the same). Built with
// WS_CUDA_REAL_TYPES, the enum aliases become NVIDIA's own types instead: test/cuda/signature_check.cc
// does that with the real headers and static_asserts that every fn_* below is exactly the type of the
// real function, so a wrong argument here is a compile error there, not a crash on a GPU.
#pragma once
#include <cstddef>
#include <cstdint>

struct cusolverDnContext;
struct cusolverDnParams;
struct gesvdjInfo;
struct cublasContext;

namespace ws::cuda {

#ifdef WS_CUDA_REAL_TYPES
using cudaError_t = ::cudaError_t;
using cusolverStatus_t = ::cusolverStatus_t;
using cublasStatus_t = ::cublasStatus_t;
using EigMode = ::cusolverEigMode_t;
using FillMode = ::cublasFillMode_t;
using Operation = ::cublasOperation_t;
using DataType = ::cudaDataType;
using MemcpyKind = ::cudaMemcpyKind;
using LibProperty = ::libraryPropertyType;
using DeviceAttr = ::cudaDeviceAttr;
#else
using cudaError_t = int;
using cusolverStatus_t = int;
using cublasStatus_t = int;
using EigMode = int;
using FillMode = int;
using Operation = int;
using DataType = int;
using MemcpyKind = int;
using LibProperty = int;
using DeviceAttr = int;
#endif

using cusolverDnHandle_t = cusolverDnContext*;
using cusolverDnParams_t = cusolverDnParams*;
using gesvdjInfo_t = gesvdjInfo*;
using cublasHandle_t = cublasContext*;

// Values of NVIDIA's enums (driver_types.h, library_types.h, cusolver_common.h, cublas_api.h).
constexpr int kCudaSuccess = 0;
constexpr int kCudaErrorMemoryAllocation = 2;
constexpr int kCudaErrorInsufficientDriver = 35;
constexpr int kCudaErrorNoDevice = 100;
constexpr int kAttrComputeCapabilityMajor = 75;  // cudaDevAttrComputeCapabilityMajor
constexpr int kAttrComputeCapabilityMinor = 76;
constexpr int kLibPropMajor = 0, kLibPropMinor = 1, kLibPropPatch = 2;  // libraryPropertyType
constexpr int kMemcpyHostToDevice = 1, kMemcpyDeviceToHost = 2;
constexpr int kCudaR32F = 0, kCudaR64F = 1;              // cudaDataType
constexpr int kEigModeNoVector = 0, kEigModeVector = 1;  // cusolverEigMode_t
constexpr int kFillLower = 0, kFillUpper = 1;            // cublasFillMode_t
constexpr int kOpN = 0, kOpT = 1;                        // cublasOperation_t

// --- CUDA runtime (libcudart) ---
using fn_cudaGetDeviceCount = cudaError_t (*)(int*);
using fn_cudaRuntimeGetVersion = cudaError_t (*)(int*);
using fn_cudaDriverGetVersion = cudaError_t (*)(int*);
using fn_cudaGetErrorString = const char* (*)(cudaError_t);
using fn_cudaGetErrorName = const char* (*)(cudaError_t);
using fn_cudaSetDevice = cudaError_t (*)(int);
using fn_cudaMemGetInfo = cudaError_t (*)(std::size_t*, std::size_t*);
using fn_cudaMalloc = cudaError_t (*)(void**, std::size_t);
using fn_cudaFree = cudaError_t (*)(void*);
using fn_cudaMemcpy = cudaError_t (*)(void*, const void*, std::size_t, MemcpyKind);
using fn_cudaDeviceGetAttribute = cudaError_t (*)(int*, DeviceAttr, int);

// --- cuSOLVER (libcusolver) ---
using fn_cusolverGetProperty = cusolverStatus_t (*)(LibProperty, int*);
using fn_cusolverDnCreate = cusolverStatus_t (*)(cusolverDnHandle_t*);
using fn_cusolverDnDestroy = cusolverStatus_t (*)(cusolverDnHandle_t);
using fn_cusolverDnCreateParams = cusolverStatus_t (*)(cusolverDnParams_t*);
using fn_cusolverDnDestroyParams = cusolverStatus_t (*)(cusolverDnParams_t);
using fn_cusolverDnCreateGesvdjInfo = cusolverStatus_t (*)(gesvdjInfo_t*);
using fn_cusolverDnDestroyGesvdjInfo = cusolverStatus_t (*)(gesvdjInfo_t);
using fn_cusolverDnXgesvdp_bufferSize = cusolverStatus_t (*)(
    cusolverDnHandle_t, cusolverDnParams_t, EigMode jobz, int econ, std::int64_t m, std::int64_t n, DataType,
    const void* A, std::int64_t lda, DataType, const void* S, DataType, const void* U, std::int64_t ldu, DataType,
    const void* V, std::int64_t ldv, DataType computeType, std::size_t* device_bytes, std::size_t* host_bytes);
using fn_cusolverDnXgesvdp = cusolverStatus_t (*)(
    cusolverDnHandle_t, cusolverDnParams_t, EigMode jobz, int econ, std::int64_t m, std::int64_t n, DataType, void* A,
    std::int64_t lda, DataType, void* S, DataType, void* U, std::int64_t ldu, DataType, void* V, std::int64_t ldv,
    DataType computeType, void* device_work, std::size_t device_bytes, void* host_work, std::size_t host_bytes,
    int* d_info, double* h_err_sigma);
using fn_cusolverDnXsyevd_bufferSize = cusolverStatus_t (*)(cusolverDnHandle_t, cusolverDnParams_t, EigMode jobz,
                                                            FillMode uplo, std::int64_t n, DataType, const void* A,
                                                            std::int64_t lda, DataType, const void* W,
                                                            DataType computeType, std::size_t* device_bytes,
                                                            std::size_t* host_bytes);
using fn_cusolverDnXsyevd = cusolverStatus_t (*)(cusolverDnHandle_t, cusolverDnParams_t, EigMode jobz, FillMode uplo,
                                                 std::int64_t n, DataType, void* A, std::int64_t lda, DataType,
                                                 void* W, DataType computeType, void* device_work,
                                                 std::size_t device_bytes, void* host_work, std::size_t host_bytes,
                                                 int* d_info);
template <typename T>
using fn_gesvdj_bufferSize = cusolverStatus_t (*)(cusolverDnHandle_t, EigMode jobz, int econ, int m, int n,
                                                  const T* A, int lda, const T* S, const T* U, int ldu, const T* V,
                                                  int ldv, int* lwork, gesvdjInfo_t);
template <typename T>
using fn_gesvdj = cusolverStatus_t (*)(cusolverDnHandle_t, EigMode jobz, int econ, int m, int n, T* A, int lda, T* S,
                                       T* U, int ldu, T* V, int ldv, T* work, int lwork, int* d_info, gesvdjInfo_t);
template <typename T>
using fn_gesvdjBatched_bufferSize = cusolverStatus_t (*)(cusolverDnHandle_t, EigMode jobz, int m, int n, const T* A,
                                                         int lda, const T* S, const T* U, int ldu, const T* V,
                                                         int ldv, int* lwork, gesvdjInfo_t, int batch);
template <typename T>
using fn_gesvdjBatched = cusolverStatus_t (*)(cusolverDnHandle_t, EigMode jobz, int m, int n, T* A, int lda, T* S,
                                              T* U, int ldu, T* V, int ldv, T* work, int lwork, int* d_info,
                                              gesvdjInfo_t, int batch);
using fn_cusolverDnSgesvdj_bufferSize = fn_gesvdj_bufferSize<float>;
using fn_cusolverDnDgesvdj_bufferSize = fn_gesvdj_bufferSize<double>;
using fn_cusolverDnSgesvdj = fn_gesvdj<float>;
using fn_cusolverDnDgesvdj = fn_gesvdj<double>;
using fn_cusolverDnSgesvdjBatched_bufferSize = fn_gesvdjBatched_bufferSize<float>;
using fn_cusolverDnDgesvdjBatched_bufferSize = fn_gesvdjBatched_bufferSize<double>;
using fn_cusolverDnSgesvdjBatched = fn_gesvdjBatched<float>;
using fn_cusolverDnDgesvdjBatched = fn_gesvdjBatched<double>;

// --- cuBLAS (libcublas) ---
using fn_cublasCreate_v2 = cublasStatus_t (*)(cublasHandle_t*);
using fn_cublasDestroy_v2 = cublasStatus_t (*)(cublasHandle_t);
using fn_cublasGetProperty = cublasStatus_t (*)(LibProperty, int*);
template <typename T>
using fn_syrk = cublasStatus_t (*)(cublasHandle_t, FillMode uplo, Operation trans, int n, int k, const T* alpha,
                                   const T* A, int lda, const T* beta, T* C, int ldc);
using fn_cublasSsyrk_v2 = fn_syrk<float>;
using fn_cublasDsyrk_v2 = fn_syrk<double>;

// --- CUDA driver (libcuda, optional: only for device names) ---
using fn_cuInit = int (*)(unsigned);
using fn_cuDeviceGet = int (*)(int*, int);
using fn_cuDeviceGetName = int (*)(char*, int, int);
using fn_cuDeviceTotalMem = int (*)(std::size_t*, int);  // cuDeviceTotalMem_v2

// Every symbol the GPU backend needs, per library (X-macros: the Api table, dlsym, the signature check
// and the test double all expand these, so the lists cannot drift apart).
#define WS_CUDART_SYMBOLS(X)                                                                                   \
  X(cudaGetDeviceCount) X(cudaRuntimeGetVersion) X(cudaDriverGetVersion) X(cudaGetErrorString)                \
  X(cudaGetErrorName) X(cudaSetDevice) X(cudaMemGetInfo) X(cudaMalloc) X(cudaFree) X(cudaMemcpy)              \
  X(cudaDeviceGetAttribute)
#define WS_CUSOLVER_SYMBOLS(X)                                                                                 \
  X(cusolverGetProperty) X(cusolverDnCreate) X(cusolverDnDestroy) X(cusolverDnCreateParams)                   \
  X(cusolverDnDestroyParams) X(cusolverDnCreateGesvdjInfo) X(cusolverDnDestroyGesvdjInfo)                     \
  X(cusolverDnXgesvdp_bufferSize) X(cusolverDnXgesvdp) X(cusolverDnXsyevd_bufferSize) X(cusolverDnXsyevd)     \
  X(cusolverDnSgesvdj_bufferSize) X(cusolverDnSgesvdj) X(cusolverDnDgesvdj_bufferSize) X(cusolverDnDgesvdj)   \
  X(cusolverDnSgesvdjBatched_bufferSize) X(cusolverDnSgesvdjBatched) X(cusolverDnDgesvdjBatched_bufferSize)   \
  X(cusolverDnDgesvdjBatched)
#define WS_CUBLAS_SYMBOLS(X) \
  X(cublasCreate_v2) X(cublasDestroy_v2) X(cublasGetProperty) X(cublasSsyrk_v2) X(cublasDsyrk_v2)

// The resolved entry points, one member per symbol, named as the symbol.
struct Api {
#define WS_CUDA_MEMBER(name) fn_##name name = nullptr;
  WS_CUDART_SYMBOLS(WS_CUDA_MEMBER)
  WS_CUSOLVER_SYMBOLS(WS_CUDA_MEMBER)
  WS_CUBLAS_SYMBOLS(WS_CUDA_MEMBER)
#undef WS_CUDA_MEMBER
};

}  // namespace ws::cuda
