// svdvals and svd on the GPU (gesvdj / Xgesvdp); see gpu_linalg.h for the layout argument.
#include <algorithm>
#include <cstring>

#include "gpu_checks.h"
#include "gpu_linalg.h"
#include "gpu_svd_solver.h"
#include "status.h"

namespace ws::cuda {
namespace {

constexpr const char* kNoConvergence =
    "the SVD iteration stopped before converging (try the other routine: method 'gesvdj' or 'gesvdp', or the CPU)";

int download_info(const DeviceBuffer<int>& d) {
  int info = 0;
  d.download(&info, 1);
  return info;
}

}  // namespace

template <typename T>
Buffer<T> svdvals(const T* a, std::size_t rows, std::size_t cols, SvdRoutine routine, std::string* used) {
  check_gpu_dims(rows, cols);
  require_finite_input(a, rows, cols);
  const std::size_t m = cols, n = rows, p = std::min(m, n);
  Session s;
  s.require_free((m * n + p) * sizeof(T) + sizeof(int), "the matrix and its singular values");
  DeviceBuffer<T> dA(s, m * n, "the matrix"), dS(s, p, "the singular values");
  DeviceBuffer<int> dInfo(s, 1, "info");
  dA.upload(a, m * n);
  SvdSolver<T> solver(s, pick(routine, p), false, true, int(m), int(n), dA.get(), dS.get(), nullptr, nullptr);
  solver.run(dA.get(), dS.get(), nullptr, nullptr, dInfo.get());
  check_info(download_info(dInfo), solver.name(), kNoConvergence);
  Buffer<T> out(p);
  dS.download(out.data(), p);
  require_finite_output(out.data(), p, solver.name().c_str(), "the matrix is too badly scaled for this precision");
  if (used) *used = solver.name();
  return out;
}

template <typename T>
SvdResult<T> svd(const T* a, std::size_t rows, std::size_t cols, bool full, std::size_t k, SvdRoutine routine) {
  check_gpu_dims(rows, cols);
  const std::size_t m = cols, n = rows, p = std::min(m, n);
  const std::size_t ucols = full ? m : p;  // U' is m x ucols: our Vt (ucols x cols)
  const std::size_t vcols = full ? n : p;  // V' is n x vcols: our U (rows x vcols) after a transpose
  const std::size_t keep = k > 0 ? k : 0;
  check_output(static_cast<std::uint64_t>(cols) * (keep ? keep : ucols), "Vt");
  check_output(static_cast<std::uint64_t>(rows) * (keep ? keep : vcols), "U");
  require_finite_input(a, rows, cols);
  Session s;
  s.require_free((m * n + p + m * ucols + n * vcols) * sizeof(T) + sizeof(int), "the matrix and its SVD");
  DeviceBuffer<T> dA(s, m * n, "the matrix"), dS(s, p, "the singular values"), dU(s, m * ucols, "U"),
      dV(s, n * vcols, "V");
  DeviceBuffer<int> dInfo(s, 1, "info");
  dA.upload(a, m * n);
  SvdSolver<T> solver(s, pick(routine, p), true, !full, int(m), int(n), dA.get(), dS.get(), dU.get(), dV.get());
  solver.run(dA.get(), dS.get(), dU.get(), dV.get(), dInfo.get());
  check_info(download_info(dInfo), solver.name(), kNoConvergence);

  const std::size_t r_s = keep ? keep : p, r_vt = keep ? keep : ucols, r_u = keep ? keep : vcols;
  SvdResult<T> r;
  r.S.allocate(r_s);
  dS.download(r.S.data(), r_s);
  r.Vt.allocate(r_vt * cols);
  dU.download(r.Vt.data(), r_vt * cols);  // leading r_vt columns of U' = leading rows of Vt
  Buffer<T> v(n * r_u);
  dV.download(v.data(), n * r_u);  // leading r_u columns of V'
  r.U.allocate(rows * r_u);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < r_u; ++j) r.U[i * r_u + j] = v[i + j * n];
  r.u_rows = rows;
  r.u_cols = r_u;
  r.vt_rows = r_vt;
  r.vt_cols = cols;
  r.routine = solver.name();
  require_finite_output(r.S.data(), r.S.size(), r.routine.c_str(), "the matrix is too badly scaled for this precision");
  return r;
}

#define WS_INSTANTIATE(T)                                                                                 \
  template Buffer<T> svdvals<T>(const T*, std::size_t, std::size_t, SvdRoutine, std::string*);          \
  template SvdResult<T> svd<T>(const T*, std::size_t, std::size_t, bool, std::size_t, SvdRoutine);
WS_INSTANTIATE(float)
WS_INSTANTIATE(double)
#undef WS_INSTANTIATE

}  // namespace ws::cuda
