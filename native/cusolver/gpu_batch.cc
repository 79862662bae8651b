// Singular values of many equal-shaped matrices on the GPU: gesvdjBatched for matrices up to 32 x 32
// (its limit), else the batch uploaded at once and run through one SvdSolver (one workspace). A batch
// that does not fit in free device memory runs in chunks.
#include <algorithm>
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
      throw for_matrix(e, i);
    }
  }
}

void check_batch_info(const std::vector<int>& info, const std::string& routine) {
  for (std::size_t i = 0; i < info.size(); ++i) {
    if (info[i] == 0) continue;
    try {
      check_info(info[i], routine, "the SVD iteration stopped before converging");
    } catch (const CoreError& e) {
      throw for_matrix(e, i);
    }
  }
}

template <typename T>
auto batched_fns(const Api& a) {
  if constexpr (std::is_same_v<T, float>)
    return std::make_pair(a.cusolverDnSgesvdjBatched_bufferSize, a.cusolverDnSgesvdjBatched);
  else
    return std::make_pair(a.cusolverDnDgesvdjBatched_bufferSize, a.cusolverDnDgesvdjBatched);
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
  const auto [buffer_size, solve] = batched_fns<T>(s.api);
  const EigMode jobz = EigMode(kEigModeNoVector);
  int lwork = 0;
  const std::string bs = name + "_bufferSize";
  check_cusolver(buffer_size(s.solver, jobz, m, n, dA.get(), m, dS.get(), dU.get(), m, dV.get(), n, &lwork, s.gesvdj,
                             count),
                 bs.c_str());
  lwork = std::max(lwork, 1);
  s.require_free(std::size_t(lwork) * sizeof(T), "the gesvdjBatched workspace");
  DeviceBuffer<T> work(s, std::size_t(lwork), "the gesvdjBatched workspace");
  check_cusolver(solve(s.solver, jobz, m, n, dA.get(), m, dS.get(), dU.get(), m, dV.get(), n, work.get(), lwork,
                       dInfo.get(), s.gesvdj, count),
                 name.c_str());
}

// One chunk of the batch: uploaded, solved and downloaded into out (count * p values) and info.
template <typename T>
void run_chunk(Session& s, const T* a, std::size_t count, std::size_t rows, std::size_t cols, SvdRoutine routine,
               bool batched, T* out, int* info, std::string& name) {
  const std::size_t p = std::min(rows, cols), size = rows * cols;
  DeviceBuffer<T> dA(s, size * count, "the batch"), dS(s, p * count, "the singular values");
  DeviceBuffer<int> dInfo(s, count, "info");
  if (batched) {
    dA.upload(a, size * count);
    gesvdj_batched<T>(s, dA, dS, dInfo, int(cols), int(rows), int(count), name);
  } else {
    const SvdRoutine r = pick(routine, p);
    const Problem pr = problem_for(r, rows, cols);
    upload_problem(dA, a, count, rows, cols, pr.flipped);
    SvdSolver<T> solver(s, r, false, true, int(pr.m), int(pr.n), dA.get(), dS.get(), nullptr, nullptr);
    for (std::size_t i = 0; i < count; ++i)
      solver.run(dA.get() + i * size, dS.get() + i * p, nullptr, nullptr, dInfo.get() + i);
    name = solver.name();
  }
  dInfo.download(info, count);
  dS.download(out, p * count);
}

}  // namespace

template <typename T>
Buffer<T> svdvals_batch(const T* a, std::size_t count, std::size_t rows, std::size_t cols, SvdRoutine routine) {
  check_batch(count, rows, cols);
  require_finite_batch(a, count, rows, cols);
  const std::size_t p = std::min(rows, cols), size = rows * cols;
  const bool batched = routine != SvdRoutine::Gesvdp && rows <= kBatchedMaxDim && cols <= kBatchedMaxDim;
  Session s;
  // A batch larger than the free device memory runs in chunks: each matrix needs itself, its values and
  // an info word (and gesvdjBatched's U and V); half of what is free is left for the solver's workspace.
  std::size_t free_b = 0, total_b = 0;
  check_cuda(s.api, s.api.cudaMemGetInfo(&free_b, &total_b), "cudaMemGetInfo");
  const std::size_t per_matrix =
      (size + p) * sizeof(T) + sizeof(int) + (batched ? (rows * rows + cols * cols) * sizeof(T) : 0);
  const std::size_t chunk = std::max<std::size_t>(1, std::min(count, free_b / 2 / per_matrix));
  Buffer<T> out(p * count);
  std::vector<int> info(count);
  std::string name;
  for (std::size_t first = 0; first < count; first += chunk) {
    const std::size_t c = std::min(chunk, count - first);
    s.require_free(c * per_matrix, "a chunk of the batch");
    run_chunk<T>(s, a + first * size, c, rows, cols, routine, batched, out.data() + first * p, info.data() + first,
                 name);
  }
  check_batch_info(info, name);
  require_finite_output(out.data(), out.size(), name.c_str(), "a matrix is too badly scaled for this precision");
  return out;
}

template Buffer<float> svdvals_batch<float>(const float*, std::size_t, std::size_t, std::size_t, SvdRoutine);
template Buffer<double> svdvals_batch<double>(const double*, std::size_t, std::size_t, std::size_t, SvdRoutine);

}  // namespace ws::cuda
