// Singular values of many equal-shaped matrices on the GPU: gesvdjBatched for matrices up to 32 x 32
// (its limit), else the whole batch uploaded once and run through one SvdSolver (one workspace).
#include <algorithm>
#include <climits>
#include <vector>

#include "gpu_checks.h"
#include "gpu_linalg.h"
#include "gpu_svd_solver.h"
#include "status.h"

namespace ws::cuda {
namespace {

constexpr std::size_t kBatchedMaxDim = 32;

template <typename T>
void require_finite_batch(const T* a, std::size_t count, std::size_t rows, std::size_t cols) {
  for (std::size_t i = 0; i < count; ++i) {
    try {
      require_finite_input(a + i * rows * cols, rows, cols);
    } catch (const CoreError& e) {
      throw CoreError(e.code, "matrix " + std::to_string(i) + ": " + e.what());
    }
  }
}

void check_batch_info(const std::vector<int>& info, const std::string& routine) {
  for (std::size_t i = 0; i < info.size(); ++i) {
    if (info[i] == 0) continue;
    try {
      check_info(info[i], routine, "the SVD iteration stopped before converging");
    } catch (const CoreError& e) {
      throw CoreError(e.code, "matrix " + std::to_string(i) + ": " + e.what(), e.routine, e.info);
    }
  }
}

template <typename T>
void gesvdj_batched(Session& s, DeviceBuffer<T>& dA, DeviceBuffer<T>& dS, DeviceBuffer<int>& dInfo, int m, int n,
                    int count, std::string& name) {
  const bool single = std::is_same_v<T, float>;
  name = single ? "cusolverDnSgesvdjBatched" : "cusolverDnDgesvdjBatched";
  // U and V are not referenced without vectors, but are passed valid (small: at most 32 x 32 each).
  const std::size_t us = std::size_t(m) * m * count, vs = std::size_t(n) * n * count;
  s.require_free((us + vs) * sizeof(T), "gesvdjBatched's U and V");
  DeviceBuffer<T> dU(s, us, "U"), dV(s, vs, "V");
  int lwork = 0;
  const EigMode jobz = EigMode(kEigModeNoVector);
  if constexpr (single)
    check_cusolver(s.api.cusolverDnSgesvdjBatched_bufferSize(s.solver, jobz, m, n, dA.get(), m, dS.get(), dU.get(), m,
                                                             dV.get(), n, &lwork, s.gesvdj, count),
                   "cusolverDnSgesvdjBatched_bufferSize");
  else
    check_cusolver(s.api.cusolverDnDgesvdjBatched_bufferSize(s.solver, jobz, m, n, dA.get(), m, dS.get(), dU.get(), m,
                                                             dV.get(), n, &lwork, s.gesvdj, count),
                   "cusolverDnDgesvdjBatched_bufferSize");
  lwork = std::max(lwork, 1);
  s.require_free(std::size_t(lwork) * sizeof(T), "the gesvdjBatched workspace");
  DeviceBuffer<T> work(s, std::size_t(lwork), "the gesvdjBatched workspace");
  if constexpr (single)
    check_cusolver(s.api.cusolverDnSgesvdjBatched(s.solver, jobz, m, n, dA.get(), m, dS.get(), dU.get(), m, dV.get(),
                                                  n, work.get(), lwork, dInfo.get(), s.gesvdj, count),
                   name.c_str());
  else
    check_cusolver(s.api.cusolverDnDgesvdjBatched(s.solver, jobz, m, n, dA.get(), m, dS.get(), dU.get(), m, dV.get(),
                                                  n, work.get(), lwork, dInfo.get(), s.gesvdj, count),
                   name.c_str());
}

}  // namespace

template <typename T>
Buffer<T> svdvals_batch(const T* a, std::size_t count, std::size_t rows, std::size_t cols, SvdRoutine routine) {
  check_gpu_dims(rows, cols);
  check_dim(count, "the batch size");
  require_finite_batch(a, count, rows, cols);
  const std::size_t m = cols, n = rows, p = std::min(m, n), size = m * n;
  Session s;
  s.require_free((size + p) * count * sizeof(T) + count * sizeof(int), "the batch and its singular values");
  DeviceBuffer<T> dA(s, size * count, "the batch"), dS(s, p * count, "the singular values");
  DeviceBuffer<int> dInfo(s, count, "info");
  dA.upload(a, size * count);
  std::string name;
  const bool batched = routine != SvdRoutine::Gesvdp && m <= kBatchedMaxDim && n <= kBatchedMaxDim;
  if (batched) {
    gesvdj_batched<T>(s, dA, dS, dInfo, int(m), int(n), int(count), name);
  } else {
    SvdSolver<T> solver(s, pick(routine, p), false, true, int(m), int(n), dA.get(), dS.get(), nullptr, nullptr);
    for (std::size_t i = 0; i < count; ++i)
      solver.run(dA.get() + i * size, dS.get() + i * p, nullptr, nullptr, dInfo.get() + i);
    name = solver.name();
  }
  std::vector<int> info(count);
  dInfo.download(info.data(), count);
  check_batch_info(info, name);
  Buffer<T> out(p * count);
  dS.download(out.data(), p * count);
  require_finite_output(out.data(), out.size(), name.c_str(), "a matrix is too badly scaled for this precision");
  return out;
}

template Buffer<float> svdvals_batch<float>(const float*, std::size_t, std::size_t, std::size_t, SvdRoutine);
template Buffer<double> svdvals_batch<double>(const double*, std::size_t, std::size_t, std::size_t, SvdRoutine);

}  // namespace ws::cuda
