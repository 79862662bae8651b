// svdvals and svd on the GPU (gesvdj / Xgesvdp); see gpu_linalg.h for the layout argument.
#include <algorithm>

#include "../core/transpose.h"
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
  check_matrix(rows, cols);
  require_finite_input(a, rows, cols);
  const SvdRoutine r = pick(routine, std::min(rows, cols));
  const Problem pr = problem_for(r, rows, cols);
  const std::size_t p = std::min(rows, cols);
  Session s;
  s.require_free((rows * cols + p) * sizeof(T) + sizeof(int), "the matrix and its singular values");
  DeviceBuffer<T> dA(s, rows * cols, "the matrix"), dS(s, p, "the singular values");
  DeviceBuffer<int> dInfo(s, 1, "info");
  upload_problem(dA, a, 1, rows, cols, pr.flipped);
  SvdSolver<T> solver(s, r, false, true, int(pr.m), int(pr.n), dA.get(), dS.get(), nullptr, nullptr);
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
  const SvdShape sh = svd_shape(rows, cols, full, k);  // k <= min(rows, cols), output sizes
  const std::size_t p = sh.mn;
  const std::size_t vt_rows = full ? cols : p, u_cols = full ? rows : p;  // before keeping k
  const std::size_t r_s = sh.s_len, r_vt = sh.vt_rows, r_u = sh.u_cols;
  require_finite_input(a, rows, cols);
  const SvdRoutine r = pick(routine, p);
  const Problem pr = problem_for(r, rows, cols);
  Session s;
  s.require_free((rows * cols + p + cols * vt_rows + rows * u_cols) * sizeof(T) + sizeof(int),
                 "the matrix and its SVD");
  DeviceBuffer<T> dA(s, rows * cols, "the matrix"), dS(s, p, "the singular values");
  // The factor with `cols` rows is our Vt as it stands; the one with `rows` rows is transposed into U.
  DeviceBuffer<T> dVt(s, cols * vt_rows, "Vt"), dU(s, rows * u_cols, "U");
  DeviceBuffer<int> dInfo(s, 1, "info");
  upload_problem(dA, a, 1, rows, cols, pr.flipped);
  // cuSOLVER's U is m x ., its V n x .: A^T = U' S V'^T gives (U', V') = (Vt, U); A = U S V^T gives (U, Vt).
  T* solver_u = pr.flipped ? dU.get() : dVt.get();
  T* solver_v = pr.flipped ? dVt.get() : dU.get();
  SvdSolver<T> solver(s, r, true, !full, int(pr.m), int(pr.n), dA.get(), dS.get(), solver_u, solver_v);
  solver.run(dA.get(), dS.get(), solver_u, solver_v, dInfo.get());
  check_info(download_info(dInfo), solver.name(), kNoConvergence);

  SvdResult<T> out;
  out.S.allocate(r_s);
  dS.download(out.S.data(), r_s);
  out.Vt.allocate(r_vt * cols);
  dVt.download(out.Vt.data(), r_vt * cols);  // leading r_vt columns = leading rows of Vt
  Buffer<T> u(rows * r_u);
  dU.download(u.data(), rows * r_u);  // leading r_u columns, column-major with ld = rows
  out.U.allocate(rows * r_u);
  transpose_into(out.U.data(), u.data(), r_u, rows);  // column-major rows x r_u -> row-major
  out.u_rows = rows;
  out.u_cols = r_u;
  out.vt_rows = r_vt;
  out.vt_cols = cols;
  out.routine = solver.name();
  require_finite_output(out.S.data(), out.S.size(), out.routine.c_str(),
                        "the matrix is too badly scaled for this precision");
  return out;
}

#define WS_INSTANTIATE(T)                                                                                  \
  template Buffer<T> svdvals<T>(const T*, std::size_t, std::size_t, SvdRoutine, std::string*);           \
  template SvdResult<T> svd<T>(const T*, std::size_t, std::size_t, bool, std::size_t, SvdRoutine);
WS_INSTANTIATE(float)
WS_INSTANTIATE(double)
#undef WS_INSTANTIATE

}  // namespace ws::cuda
