// A CPU stand-in for libcudart, libcusolver and libcublas, for testing weightscope's GPU path on machines
// without a GPU. It is test code, never shipped: scripts/build-cuda-mock.sh builds it into one shared
// library under the three sonames, and WEIGHTSCOPE_CUDA_LIB_DIR points the loader at it.
//
// It is strict where real CUDA would crash or silently misbehave, so that the tests catch weightscope's
// mistakes: "device" memory is tracked and every solver argument must lie inside a device allocation
// large enough for the ld/size the call claims; host workspaces must not; cudaMemcpy checks its
// direction; a workspace must be at least what the matching bufferSize call asked for; gesvdj/gesvdp
// overwrite A (as the real ones do) and syrk poisons the triangle it does not write with NaN. Numbers
// come from LAPACK in double precision (float inputs are widened and rounded back).
//
// Fault injection, read from the environment at each call:
//   MOCK_CUDA_TOTAL_BYTES  device memory size (default 1 GiB); cudaMalloc past it fails
//   MOCK_CUDA_NO_DEVICE=1  cudaGetDeviceCount reports cudaErrorNoDevice
//   MOCK_CUDA_DEVICES=n    n devices (default 1); any context-creating call on a device other than 0 is logged
//                          as "context on device D" (weightscope computes on device 0 only)
//   MOCK_CUDA_NO_DRIVER=1  cudaDriverGetVersion reports 0
//   MOCK_CUSOLVER_INFO=k   solver routines write info = k (k > 0: did not converge)
//   MOCK_CUSOLVER_STATUS=s solver compute routines return status s
//   MOCK_CUDA_LOG=path     append the name of every solver/BLAS call to this file
// Xgesvdp refuses m < n, and gesvdj/gesvdjBatched refuse null U/V even without vectors: NVIDIA does not
// document either as accepted, so weightscope must never rely on them.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "../../native/core/lapack_api.h"
#include "../../native/cusolver/cuda_api.h"

using namespace ws::cuda;

struct cusolverDnContext {
  int magic = 0x5011;
};
struct cusolverDnParams {
  int magic = 0x9a7a;
};
struct gesvdjInfo {
  int magic = 0x7ac0;
};
struct cublasContext {
  int magic = 0xb1a5;
};

namespace {

constexpr int kInvalidValue = 1;        // cudaErrorInvalidValue
constexpr int kSolverInvalidValue = 3;  // CUSOLVER_STATUS_INVALID_VALUE
constexpr int kBlasInvalidValue = 7;    // CUBLAS_STATUS_INVALID_VALUE

std::mutex g_mu;
std::map<const char*, std::size_t> g_allocs;  // device pointer -> bytes
std::size_t g_used = 0;
thread_local std::size_t g_last_lwork_bytes = 0;  // what this thread's last bufferSize call asked for (calls run on several threads)
thread_local int g_device = 0;       // cudaSetDevice is per host thread in the real runtime too

long env_long(const char* name, long fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtol(v, nullptr, 10) : fallback;
}

std::size_t total_bytes() { return static_cast<std::size_t>(env_long("MOCK_CUDA_TOTAL_BYTES", 1l << 30)); }

void log_call(const char* name) {
  if (const char* path = std::getenv("MOCK_CUDA_LOG"))
    if (FILE* f = std::fopen(path, "a")) {
      std::fprintf(f, "%s\n", name);
      std::fclose(f);
    }
}

bool complain(const char* call, const std::string& what) {
  std::fprintf(stderr, "mock CUDA: %s: %s\n", call, what.c_str());
  return false;
}

// Does [p, p + bytes) lie inside one device allocation?
bool on_device(const void* p, std::size_t bytes) {
  std::lock_guard<std::mutex> lk(g_mu);
  const char* c = static_cast<const char*>(p);
  auto it = g_allocs.upper_bound(c);
  if (it == g_allocs.begin()) return false;
  --it;
  return c >= it->first && c + bytes <= it->first + it->second;
}

bool touches_device(const void* p) { return on_device(p, 1); }

bool need_device(const char* call, const char* arg, const void* p, std::size_t bytes) {
  if (bytes == 0) return true;
  if (!p) return complain(call, std::string(arg) + " is null");
  if (!on_device(p, bytes))
    return complain(call, std::string(arg) + " is not a device allocation of at least " + std::to_string(bytes) +
                              " bytes");
  return true;
}

// cudaMemGetInfo and cudaMalloc create the device's primary context in the real runtime.
void touch_context() {
  if (g_device != 0) log_call(("context on device " + std::to_string(g_device)).c_str());
}

int solver_status() { return static_cast<int>(env_long("MOCK_CUSOLVER_STATUS", 0)); }
int solver_info() { return static_cast<int>(env_long("MOCK_CUSOLVER_INFO", 0)); }

std::size_t elem(DataType t) { return t == kCudaR32F ? 4 : 8; }

// Reads an m x n column-major matrix (leading dimension ld) of float or double as doubles.
std::vector<double> read(const void* p, DataType t, std::int64_t m, std::int64_t n, std::int64_t ld) {
  std::vector<double> out(static_cast<std::size_t>(m * n));
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t i = 0; i < m; ++i)
      out[i + j * m] = t == kCudaR32F ? static_cast<const float*>(p)[i + j * ld] : static_cast<const double*>(p)[i + j * ld];
  return out;
}

void write(void* p, DataType t, const double* src, std::int64_t m, std::int64_t n, std::int64_t ld) {
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t i = 0; i < m; ++i) {
      if (t == kCudaR32F)
        static_cast<float*>(p)[i + j * ld] = static_cast<float>(src[i + j * m]);
      else
        static_cast<double*>(p)[i + j * ld] = src[i + j * m];
    }
}

void poison(void* p, DataType t, std::int64_t m, std::int64_t n, std::int64_t ld) {
  std::vector<double> nan(static_cast<std::size_t>(m * n), std::numeric_limits<double>::quiet_NaN());
  write(p, t, nan.data(), m, n, ld);
}

// The SVD both gesvdj and gesvdp stand for: U (m x ucols, ld ldu) and V (not V^T; n x vcols, ld ldv).
int svd(const char* call, int jobz, int econ, std::int64_t m, std::int64_t n, DataType t, void* A, std::int64_t lda,
        void* S, void* U, std::int64_t ldu, void* V, std::int64_t ldv, int* d_info) {
  const std::int64_t p = std::min(m, n), ucols = econ ? p : m, vcols = econ ? p : n;
  const std::size_t e = elem(t);
  if (m < 1 || n < 1 || lda < m) return complain(call, "bad m/n/lda"), kSolverInvalidValue;
  if (!need_device(call, "A", A, static_cast<std::size_t>(lda * (n - 1) + m) * e) ||
      !need_device(call, "S", S, static_cast<std::size_t>(p) * e) || !need_device(call, "info", d_info, sizeof(int)))
    return kSolverInvalidValue;
  if (jobz == kEigModeVector) {
    if (ldu < m || ldv < n) return complain(call, "ldu < m or ldv < n"), kSolverInvalidValue;
    if (!need_device(call, "U", U, static_cast<std::size_t>(ldu * (ucols - 1) + m) * e) ||
        !need_device(call, "V", V, static_cast<std::size_t>(ldv * (vcols - 1) + n) * e))
      return kSolverInvalidValue;
  }
  std::vector<double> a = read(A, t, m, n, lda), s(p), u, vt, work(1);
  std::vector<int> iwork(8 * p);
  const char job = jobz == kEigModeVector ? (econ ? 'S' : 'A') : 'N';
  int mi = int(m), ni = int(n), ldui = int(std::max<std::int64_t>(m, 1)), ldvti = int(econ ? p : n), lwork = -1, info = 0;
  if (job != 'N') {
    u.resize(m * ucols);
    vt.resize(ldvti * n);
  } else {
    u.resize(1);
    vt.resize(1);
    ldvti = 1;
  }
  dgesdd_(&job, &mi, &ni, a.data(), &mi, s.data(), u.data(), &ldui, vt.data(), &ldvti, work.data(), &lwork,
          iwork.data(), &info, 1);
  lwork = int(work[0]);
  work.resize(std::max(lwork, 1));
  dgesdd_(&job, &mi, &ni, a.data(), &mi, s.data(), u.data(), &ldui, vt.data(), &ldvti, work.data(), &lwork,
          iwork.data(), &info, 1);
  write(S, t, s.data(), p, 1, p);
  if (job != 'N') {
    write(U, t, u.data(), m, ucols, ldu);
    std::vector<double> v(n * vcols);  // V = VT^T
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j < vcols; ++j) v[i + j * n] = vt[j + i * ldvti];
    write(V, t, v.data(), n, vcols, ldv);
  }
  poison(A, t, m, n, lda);  // A is destroyed, as by the real routines
  *d_info = info != 0 ? info : solver_info();
  return solver_status();
}

template <typename T>
constexpr DataType dtype() {
  return std::is_same_v<T, float> ? kCudaR32F : kCudaR64F;
}

template <typename T>
cusolverStatus_t gesvdj_size(EigMode, int, int m, int n, int* lwork) {
  *lwork = m * n + 2 * (m + n) + 7;  // elements of T
  g_last_lwork_bytes = static_cast<std::size_t>(*lwork) * sizeof(T);
  return 0;
}

template <typename T>
cusolverStatus_t gesvdj_run(const char* call, EigMode jobz, int econ, int m, int n, T* A, int lda, T* S, T* U, int ldu,
                            T* V, int ldv, T* work, int lwork, int* info) {
  log_call(call);
  const std::size_t need = static_cast<std::size_t>(m * n + 2 * (m + n) + 7) * sizeof(T);
  if (static_cast<std::size_t>(lwork) * sizeof(T) < need) return complain(call, "lwork too small"), kSolverInvalidValue;
  if (!need_device(call, "work", work, need)) return kSolverInvalidValue;
  // Null U/V without vectors is not documented for gesvdj: weightscope must pass real buffers.
  const int p = std::min(m, n);
  if (!need_device(call, "U", U, std::size_t(ldu) * (econ ? p : m) * sizeof(T)) ||
      !need_device(call, "V", V, std::size_t(ldv) * (econ ? p : n) * sizeof(T)))
    return kSolverInvalidValue;
  return svd(call, jobz, econ, m, n, dtype<T>(), A, lda, S, U, ldu, V, ldv, info);
}

template <typename T>
cusolverStatus_t batched_run(const char* call, EigMode jobz, int m, int n, T* A, int lda, T* S, T* U, int ldu, T* V,
                             int ldv, T* work, int lwork, int* info, int batch) {
  log_call(call);
  if (m > 32 || n > 32) return complain(call, "m or n > 32"), kSolverInvalidValue;
  if (!need_device(call, "work", work, static_cast<std::size_t>(lwork) * sizeof(T)) ||
      !need_device(call, "info", info, sizeof(int) * batch) ||
      !need_device(call, "U", U, std::size_t(ldu) * m * batch * sizeof(T)) ||
      !need_device(call, "V", V, std::size_t(ldv) * n * batch * sizeof(T)))
    return kSolverInvalidValue;
  const int p = std::min(m, n);
  for (int b = 0; b < batch; ++b) {
    const int st = svd(call, jobz, 0, m, n, dtype<T>(), A + std::size_t(b) * lda * n, lda, S + std::size_t(b) * p,
                       U ? U + std::size_t(b) * ldu * m : nullptr, ldu, V ? V + std::size_t(b) * ldv * n : nullptr,
                       ldv, info + b);
    if (st != 0) return st;
  }
  return 0;
}

template <typename T>
cublasStatus_t syrk(const char* call, FillMode uplo, Operation trans, int n, int k, const T* alpha, const T* A, int lda,
                    const T* beta, T* C, int ldc) {
  log_call(call);
  const int rows = trans == kOpN ? n : k, cols = trans == kOpN ? k : n;  // A is rows x cols
  if (lda < rows || ldc < n) return complain(call, "lda or ldc too small"), kBlasInvalidValue;
  if (!need_device(call, "A", A, (std::size_t(lda) * (cols - 1) + rows) * sizeof(T)) ||
      !need_device(call, "C", C, (std::size_t(ldc) * (n - 1) + n) * sizeof(T)))
    return kBlasInvalidValue;
  if (touches_device(alpha) || touches_device(beta)) return complain(call, "alpha/beta must be host pointers"), kBlasInvalidValue;
  std::vector<double> a = read(A, dtype<T>(), rows, cols, lda), c(std::size_t(n) * n, 0.0);
  const char u = uplo == kFillLower ? 'L' : 'U', tr = trans == kOpN ? 'N' : 'T';
  const double al = *alpha, be = 0;
  if (*beta != T(0)) return complain(call, "the mock supports beta = 0 only"), kBlasInvalidValue;
  int ni = n, ki = k, ldai = rows;
  dsyrk_(&u, &tr, &ni, &ki, &al, a.data(), &ldai, &be, c.data(), &ni, 1, 1);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      const bool written = uplo == kFillLower ? i >= j : i <= j;
      C[i + std::size_t(j) * ldc] = written ? T(c[i + std::size_t(j) * n]) : std::numeric_limits<T>::quiet_NaN();
    }
  return 0;
}

}  // namespace

extern "C" {

// --- runtime ---
cudaError_t cudaGetDeviceCount(int* n) {
  if (env_long("MOCK_CUDA_NO_DEVICE", 0)) {
    *n = 0;
    return kCudaErrorNoDevice;
  }
  *n = static_cast<int>(env_long("MOCK_CUDA_DEVICES", 1));
  return 0;
}
cudaError_t cudaRuntimeGetVersion(int* v) { return *v = 12080, 0; }
cudaError_t cudaDriverGetVersion(int* v) { return *v = env_long("MOCK_CUDA_NO_DRIVER", 0) ? 0 : 12080, 0; }
const char* cudaGetErrorName(cudaError_t e) {
  switch (e) {
    case 0: return "cudaSuccess";
    case 1: return "cudaErrorInvalidValue";
    case 2: return "cudaErrorMemoryAllocation";
    case 100: return "cudaErrorNoDevice";
    default: return "cudaErrorUnknown";
  }
}
const char* cudaGetErrorString(cudaError_t e) { return e == 2 ? "out of memory" : e == 100 ? "no CUDA-capable device is detected" : "mock error"; }
cudaError_t cudaSetDevice(int d) {
  if (d < 0 || d >= env_long("MOCK_CUDA_DEVICES", 1)) return kInvalidValue;
  g_device = d;
  return 0;
}
cudaError_t cudaMemGetInfo(std::size_t* free_b, std::size_t* total_b) {
  touch_context();
  std::lock_guard<std::mutex> lk(g_mu);
  *total_b = total_bytes();
  *free_b = *total_b > g_used ? *total_b - g_used : 0;
  return 0;
}
cudaError_t cudaMalloc(void** p, std::size_t bytes) {
  touch_context();
  std::lock_guard<std::mutex> lk(g_mu);
  if (g_used + bytes > total_bytes()) return kCudaErrorMemoryAllocation;
  char* m = static_cast<char*>(std::malloc(std::max<std::size_t>(bytes, 1)));
  if (!m) return kCudaErrorMemoryAllocation;
  std::memset(m, 0xA5, bytes);  // device memory is not zeroed
  g_allocs[m] = bytes;
  g_used += bytes;
  *p = m;
  return 0;
}
cudaError_t cudaFree(void* p) {
  if (!p) return 0;
  std::lock_guard<std::mutex> lk(g_mu);
  auto it = g_allocs.find(static_cast<const char*>(p));
  if (it == g_allocs.end()) return complain("cudaFree", "not a device allocation"), kInvalidValue;
  g_used -= it->second;
  g_allocs.erase(it);
  std::free(p);
  return 0;
}
cudaError_t cudaMemcpy(void* dst, const void* src, std::size_t bytes, MemcpyKind kind) {
  if (kind == kMemcpyHostToDevice) {
    if (!need_device("cudaMemcpy(HostToDevice)", "dst", dst, bytes)) return kInvalidValue;
    if (touches_device(src)) return complain("cudaMemcpy(HostToDevice)", "src is device memory"), kInvalidValue;
  } else if (kind == kMemcpyDeviceToHost) {
    if (!need_device("cudaMemcpy(DeviceToHost)", "src", src, bytes)) return kInvalidValue;
    if (touches_device(dst)) return complain("cudaMemcpy(DeviceToHost)", "dst is device memory"), kInvalidValue;
  } else {
    return complain("cudaMemcpy", "unexpected kind " + std::to_string(kind)), kInvalidValue;
  }
  std::memcpy(dst, src, bytes);
  return 0;
}
cudaError_t cudaDeviceGetAttribute(int* v, DeviceAttr attr, int) {
  *v = attr == kAttrComputeCapabilityMajor ? 9 : 0;
  return 0;
}

// --- cuSOLVER ---
cusolverStatus_t cusolverGetProperty(LibProperty p, int* v) { return *v = p == 0 ? 11 : p == 1 ? 7 : 5, 0; }
cusolverStatus_t cusolverDnCreate(cusolverDnHandle_t* h) { return *h = new cusolverDnContext(), 0; }
cusolverStatus_t cusolverDnDestroy(cusolverDnHandle_t h) { return delete h, 0; }
cusolverStatus_t cusolverDnCreateParams(cusolverDnParams_t* p) { return *p = new cusolverDnParams(), 0; }
cusolverStatus_t cusolverDnDestroyParams(cusolverDnParams_t p) { return delete p, 0; }
cusolverStatus_t cusolverDnCreateGesvdjInfo(gesvdjInfo_t* p) { return *p = new gesvdjInfo(), 0; }
cusolverStatus_t cusolverDnDestroyGesvdjInfo(gesvdjInfo_t p) { return delete p, 0; }

cusolverStatus_t cusolverDnXgesvdp_bufferSize(cusolverDnHandle_t, cusolverDnParams_t, EigMode, int, std::int64_t m,
                                              std::int64_t n, DataType t, const void*, std::int64_t, DataType,
                                              const void*, DataType, const void*, std::int64_t, DataType, const void*,
                                              std::int64_t, DataType, std::size_t* dev, std::size_t* host) {
  *dev = static_cast<std::size_t>(m * n + 3 * (m + n)) * elem(t);
  *host = 64;
  g_last_lwork_bytes = *dev;
  return 0;
}
cusolverStatus_t cusolverDnXgesvdp(cusolverDnHandle_t, cusolverDnParams_t params, EigMode jobz, int econ,
                                   std::int64_t m, std::int64_t n, DataType ta, void* A, std::int64_t lda, DataType ts,
                                   void* S, DataType tu, void* U, std::int64_t ldu, DataType tv, void* V,
                                   std::int64_t ldv, DataType tc, void* dwork, std::size_t dbytes, void* hwork,
                                   std::size_t hbytes, int* d_info, double* h_err_sigma) {
  const char* call = "cusolverDnXgesvdp";
  log_call(call);
  if (!params) return complain(call, "params is null"), kSolverInvalidValue;
  if (ta != ts || ta != tu || ta != tv || ta != tc) return complain(call, "mixed data types"), kSolverInvalidValue;
  // NVIDIA does not say that Xgesvdp takes m < n (its QR-based gesvd does not): weightscope must never ask.
  if (m < n) return complain(call, "m < n: weightscope gives Xgesvdp m >= n only"), kSolverInvalidValue;
  const std::size_t need = static_cast<std::size_t>(m * n + 3 * (m + n)) * elem(ta);
  if (dbytes < need || !need_device(call, "bufferOnDevice", dwork, need)) return kSolverInvalidValue;
  if (hbytes < 64 || !hwork || touches_device(hwork)) return complain(call, "bad host workspace"), kSolverInvalidValue;
  if (!h_err_sigma || touches_device(h_err_sigma)) return complain(call, "h_err_sigma must be a host pointer"), kSolverInvalidValue;
  *h_err_sigma = 0;
  return svd(call, jobz, econ, m, n, ta, A, lda, S, U, ldu, V, ldv, d_info);
}

cusolverStatus_t cusolverDnXsyevd_bufferSize(cusolverDnHandle_t, cusolverDnParams_t, EigMode, FillMode, std::int64_t n,
                                             DataType t, const void*, std::int64_t, DataType, const void*, DataType,
                                             std::size_t* dev, std::size_t* host) {
  *dev = static_cast<std::size_t>(2 * n + 5) * elem(t);
  *host = 32;
  return 0;
}
cusolverStatus_t cusolverDnXsyevd(cusolverDnHandle_t, cusolverDnParams_t params, EigMode jobz, FillMode uplo,
                                  std::int64_t n, DataType ta, void* A, std::int64_t lda, DataType tw, void* W,
                                  DataType tc, void* dwork, std::size_t dbytes, void* hwork, std::size_t hbytes,
                                  int* d_info) {
  const char* call = "cusolverDnXsyevd";
  log_call(call);
  if (!params) return complain(call, "params is null"), kSolverInvalidValue;
  if (ta != tw || ta != tc || jobz != kEigModeNoVector || lda < n) return complain(call, "bad arguments"), kSolverInvalidValue;
  const std::size_t e = elem(ta);
  if (dbytes < static_cast<std::size_t>(2 * n + 5) * e || hbytes < 32 || !hwork || touches_device(hwork) ||
      !need_device(call, "bufferOnDevice", dwork, static_cast<std::size_t>(2 * n + 5) * e) ||
      !need_device(call, "A", A, static_cast<std::size_t>(lda * (n - 1) + n) * e) ||
      !need_device(call, "W", W, static_cast<std::size_t>(n) * e) || !need_device(call, "info", d_info, sizeof(int)))
    return complain(call, "bad workspace or buffers"), kSolverInvalidValue;
  // Only the uplo triangle may be read: the other is poisoned first, and LAPACK is told the same uplo.
  std::vector<double> a = read(A, ta, n, n, lda), w(n), work(1);
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t i = 0; i < n; ++i)
      if (uplo == kFillLower ? i < j : i > j) a[i + j * n] = std::numeric_limits<double>::quiet_NaN();
  std::vector<int> iwork(1);
  const char jz = 'N', ul = uplo == kFillLower ? 'L' : 'U';
  int ni = int(n), lwork = -1, liwork = -1, info = 0;
  dsyevd_(&jz, &ul, &ni, a.data(), &ni, w.data(), work.data(), &lwork, iwork.data(), &liwork, &info, 1, 1);
  lwork = int(work[0]);
  liwork = std::max(iwork[0], 1);
  work.resize(std::max(lwork, 1));
  iwork.resize(liwork);
  dsyevd_(&jz, &ul, &ni, a.data(), &ni, w.data(), work.data(), &lwork, iwork.data(), &liwork, &info, 1, 1);
  write(W, ta, w.data(), n, 1, n);
  poison(A, ta, n, n, lda);
  *d_info = info != 0 ? info : solver_info();
  return solver_status();
}

#define MOCK_GESVDJ(P, T)                                                                                          \
  cusolverStatus_t cusolverDn##P##gesvdj_bufferSize(cusolverDnHandle_t, EigMode jobz, int econ, int m, int n,      \
                                                     const T*, int, const T*, const T*, int, const T*, int,          \
                                                     int* lwork, gesvdjInfo_t) {                                     \
    return gesvdj_size<T>(jobz, econ, m, n, lwork);                                                                  \
  }                                                                                                                  \
  cusolverStatus_t cusolverDn##P##gesvdj(cusolverDnHandle_t, EigMode jobz, int econ, int m, int n, T* A, int lda,   \
                                         T* S, T* U, int ldu, T* V, int ldv, T* work, int lwork, int* info,          \
                                         gesvdjInfo_t params) {                                                      \
    if (!params) return complain("gesvdj", "params is null"), kSolverInvalidValue;                                   \
    return gesvdj_run<T>("cusolverDn" #P "gesvdj", jobz, econ, m, n, A, lda, S, U, ldu, V, ldv, work, lwork, info);  \
  }                                                                                                                  \
  cusolverStatus_t cusolverDn##P##gesvdjBatched_bufferSize(cusolverDnHandle_t, EigMode, int m, int n, const T*,     \
                                                            int, const T*, const T*, int, const T*, int, int* lwork, \
                                                            gesvdjInfo_t, int batch) {                               \
    *lwork = (m * n + 16) * batch;                                                                                   \
    return 0;                                                                                                        \
  }                                                                                                                  \
  cusolverStatus_t cusolverDn##P##gesvdjBatched(cusolverDnHandle_t, EigMode jobz, int m, int n, T* A, int lda, T* S, \
                                                T* U, int ldu, T* V, int ldv, T* work, int lwork, int* info,         \
                                                gesvdjInfo_t params, int batch) {                                    \
    if (!params) return complain("gesvdjBatched", "params is null"), kSolverInvalidValue;                            \
    if (lwork < (m * n + 16) * batch) return complain("gesvdjBatched", "lwork too small"), kSolverInvalidValue;      \
    return batched_run<T>("cusolverDn" #P "gesvdjBatched", jobz, m, n, A, lda, S, U, ldu, V, ldv, work, lwork, info, \
                          batch);                                                                                    \
  }
MOCK_GESVDJ(S, float)
MOCK_GESVDJ(D, double)

// --- cuBLAS ---
cublasStatus_t cublasCreate_v2(cublasHandle_t* h) { return *h = new cublasContext(), 0; }
cublasStatus_t cublasDestroy_v2(cublasHandle_t h) { return delete h, 0; }
cublasStatus_t cublasGetProperty(LibProperty p, int* v) { return *v = p == 0 ? 12 : p == 1 ? 8 : 4, 0; }
cublasStatus_t cublasSsyrk_v2(cublasHandle_t, FillMode uplo, Operation trans, int n, int k, const float* alpha,
                              const float* A, int lda, const float* beta, float* C, int ldc) {
  return syrk<float>("cublasSsyrk_v2", uplo, trans, n, k, alpha, A, lda, beta, C, ldc);
}
cublasStatus_t cublasDsyrk_v2(cublasHandle_t, FillMode uplo, Operation trans, int n, int k, const double* alpha,
                              const double* A, int lda, const double* beta, double* C, int ldc) {
  return syrk<double>("cublasDsyrk_v2", uplo, trans, n, k, alpha, A, lda, beta, C, ldc);
}

}  // extern "C"

// Every symbol weightscope resolves must be defined here with exactly its prototype.
#define MOCK_SAME_TYPE(name) static_assert(std::is_same_v<fn_##name, decltype(&::name)>, #name);
WS_CUDART_SYMBOLS(MOCK_SAME_TYPE)
WS_CUSOLVER_SYMBOLS(MOCK_SAME_TYPE)
WS_CUBLAS_SYMBOLS(MOCK_SAME_TYPE)
