// eigvalsh (Xsyevd), gram (cublas?syrk) and gram_eigvalsh (both, on the device) on the GPU.
#include <algorithm>
#include <vector>

#include "gpu_checks.h"
#include "gpu_linalg.h"
#include "session.h"
#include "status.h"

namespace ws::cuda {
namespace {

constexpr const char* kSyevdNoConvergence = "the eigenvalue iteration did not converge";

// Eigenvalues of the symmetric n x n device matrix dA (triangle uplo, column-major) into a host buffer.
template <typename T>
Buffer<T> syevd(Session& s, DeviceBuffer<T>& dA, std::size_t n, int uplo) {
  const DataType t = data_type<T>();
  DeviceBuffer<T> dW(s, n, "the eigenvalues");
  DeviceBuffer<int> dInfo(s, 1, "info");
  std::size_t dev_bytes = 0, host_bytes = 0;
  check_cusolver(s.api.cusolverDnXsyevd_bufferSize(s.solver, s.params, EigMode(kEigModeNoVector), FillMode(uplo),
                                                   std::int64_t(n), t, dA.get(), std::int64_t(n), t, dW.get(), t,
                                                   &dev_bytes, &host_bytes),
                 "cusolverDnXsyevd_bufferSize");
  s.require_free(dev_bytes, "the cusolverDnXsyevd workspace");
  DeviceBuffer<char> work(s, std::max<std::size_t>(dev_bytes, 1), "the cusolverDnXsyevd workspace");
  std::vector<char> host_work(std::max<std::size_t>(host_bytes, 1));
  check_cusolver(s.api.cusolverDnXsyevd(s.solver, s.params, EigMode(kEigModeNoVector), FillMode(uplo),
                                        std::int64_t(n), t, dA.get(), std::int64_t(n), t, dW.get(), t, work.get(),
                                        dev_bytes, host_work.data(), host_bytes, dInfo.get()),
                 "cusolverDnXsyevd");
  int info = 0;
  dInfo.download(&info, 1);
  const std::string routine = std::is_same_v<T, float> ? "cusolverDnXsyevd(f32)" : "cusolverDnXsyevd(f64)";
  check_info(info, routine, kSyevdNoConvergence);
  Buffer<T> w(n);
  dW.download(w.data(), n);
  require_finite_output(w.data(), n, routine.c_str(), "the matrix is too badly scaled for this precision");
  return w;
}

// The smaller Gram matrix of the uploaded A^T (column-major cols x rows), lower triangle, into dC.
template <typename T>
void syrk(Session& s, const DeviceBuffer<T>& dA, std::size_t rows, std::size_t cols, DeviceBuffer<T>& dC,
          std::size_t order) {
  const T one = 1, zero = 0;
  // B = A^T is cols x rows: A^T A = B B^T (trans N, k = rows); A A^T = B^T B (trans T, k = cols).
  const bool tall = rows >= cols;
  fn_syrk<T> fn;
  if constexpr (std::is_same_v<T, float>)
    fn = s.api.cublasSsyrk_v2;
  else
    fn = s.api.cublasDsyrk_v2;
  check_cublas(fn(s.blas, FillMode(kFillLower), Operation(tall ? kOpN : kOpT), int(order), int(tall ? rows : cols),
                  &one, dA.get(), int(cols), &zero, dC.get(), int(order)),
               std::is_same_v<T, float> ? "cublasSsyrk_v2" : "cublasDsyrk_v2");
}

}  // namespace

template <typename T>
Buffer<T> eigvalsh(const T* a, std::size_t n) {
  check_square(n, n);
  require_finite_input(a, n, n);
  Session s;
  s.require_free((n * n + n) * sizeof(T) + sizeof(int), "the matrix and its eigenvalues");
  DeviceBuffer<T> dA(s, n * n, "the matrix");
  dA.upload(a, n * n);
  // The row-major lower triangle is the column-major upper one (as on the CPU).
  return syevd<T>(s, dA, n, kFillUpper);
}

namespace {

// The Gram route's shared front half, as on the CPU: checks and the scale (gram_scale.h), then the
// scaled input uploaded and its Gram matrix formed on the device (lower triangle) in dC.
template <typename T>
void device_gram(Session& s, const T* a, std::size_t rows, std::size_t cols, std::size_t order,
                 const GramScale<T>& scale, DeviceBuffer<T>& dC) {
  Buffer<T> copy;
  const T* in = gram_input(a, rows * cols, scale, copy);
  DeviceBuffer<T> dA(s, rows * cols, "the matrix");
  dA.upload(in, rows * cols);
  syrk<T>(s, dA, rows, cols, dC, order);
}  // A is freed before Xsyevd allocates its workspace

}  // namespace

template <typename T>
Buffer<T> gram(const T* a, std::size_t rows, std::size_t cols, std::size_t* n_out) {
  const std::size_t order = gram_order(rows, cols);
  const GramScale<T> scale = plan_gram_scale(a, rows, cols);
  Session s;
  s.require_free((rows * cols + order * order) * sizeof(T), "the matrix and its Gram matrix");
  DeviceBuffer<T> dC(s, order * order, "the Gram matrix");
  device_gram(s, a, rows, cols, order, scale, dC);
  Buffer<T> g(order * order);
  dC.download(g.data(), order * order);
  for (std::size_t j = 0; j < order; ++j)  // column-major lower -> both triangles
    for (std::size_t i = j + 1; i < order; ++i) g[j + i * order] = g[i + j * order];
  unscale_squares(g.data(), g.size(), scale, std::is_same_v<T, float> ? "cublasSsyrk_v2" : "cublasDsyrk_v2");
  if (n_out) *n_out = order;
  return g;
}

template <typename T>
Buffer<T> gram_eigvalsh_scaled(const T* a, std::size_t rows, std::size_t cols, GramScale<T>* scale) {
  const std::size_t order = gram_order(rows, cols);
  *scale = plan_gram_scale(a, rows, cols);
  Session s;
  s.require_free((rows * cols + order * order + order) * sizeof(T) + sizeof(int), "the matrix and its Gram matrix");
  DeviceBuffer<T> dC(s, order * order, "the Gram matrix");
  device_gram(s, a, rows, cols, order, *scale, dC);
  return syevd<T>(s, dC, order, kFillLower);
}

template <typename T>
Buffer<T> gram_eigvalsh(const T* a, std::size_t rows, std::size_t cols) {
  GramScale<T> scale;
  Buffer<T> w = gram_eigvalsh_scaled(a, rows, cols, &scale);
  unscale_squares(w.data(), w.size(), scale, std::is_same_v<T, float> ? "cusolverDnXsyevd(f32)" : "cusolverDnXsyevd(f64)");
  return w;
}

template <typename T>
Buffer<T> gram_svdvals(const T* a, std::size_t rows, std::size_t cols, std::string* used) {
  GramScale<T> scale;
  const Buffer<T> w = gram_eigvalsh_scaled(a, rows, cols, &scale);
  const std::string routine = std::is_same_v<T, float> ? "cusolverDnXsyevd(f32)" : "cusolverDnXsyevd(f64)";
  if (used) *used = std::string(std::is_same_v<T, float> ? "cublasSsyrk_v2" : "cublasDsyrk_v2") + "+" + routine;
  return svdvals_from_gram(w, scale, routine);
}

#define WS_INSTANTIATE(T)                                                              \
  template Buffer<T> eigvalsh<T>(const T*, std::size_t);                               \
  template Buffer<T> gram<T>(const T*, std::size_t, std::size_t, std::size_t*);        \
  template Buffer<T> gram_eigvalsh<T>(const T*, std::size_t, std::size_t);             \
  template Buffer<T> gram_svdvals<T>(const T*, std::size_t, std::size_t, std::string*);
WS_INSTANTIATE(float)
WS_INSTANTIATE(double)
#undef WS_INSTANTIATE

}  // namespace ws::cuda
