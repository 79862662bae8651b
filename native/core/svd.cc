#include "svd.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "finite.h"
#include "lapack_typed.h"
#include "preconditions.h"
#include "routine_name.h"
#include "transpose.h"
#include "workspace.h"

namespace ws {
namespace {

std::atomic<long long> g_fallbacks{0};

#ifdef WEIGHTSCOPE_TEST_HOOKS
std::atomic<int> g_fail_gesdd{0}, g_fail_gesvd{0};
bool take_injected(std::atomic<int>& counter) {
  int v = counter.load();
  while (v > 0)
    if (counter.compare_exchange_weak(v, v - 1)) return true;
  return false;
}
#define WS_INJECTED(counter) take_injected(counter)
#else
#define WS_INJECTED(counter) false
#endif

// Column-major view LAPACK works on: m x n with lda = m.
struct View {
  lapack_int m, n, mn;
};

View view_of(std::size_t m, std::size_t n) {
  return {static_cast<lapack_int>(m), static_cast<lapack_int>(n), static_cast<lapack_int>(std::min(m, n))};
}

[[noreturn]] void throw_info(const std::string& routine, lapack_int info, const std::string& after) {
  if (info < 0)
    throw CoreError(ErrorCode::Internal,
                    routine + " rejected argument " + std::to_string(-info) + " (a weightscope bug)", routine, info);
  throw CoreError(ErrorCode::Lapack, routine + " did not converge (INFO=" + std::to_string(info) + ")" + after,
                  routine, info);
}

// One ?gesdd call with its workspace query; the sizes were checked by the caller. Returns INFO.
template <typename T>
lapack_int run_gesdd(char jobz, const View& v, const Workspace& ws, T* a, T* s, T* u, lapack_int ldu, T* vt,
                     lapack_int ldvt) {
  Buffer<lapack_int> iwork(static_cast<std::size_t>(ws.iwork));
  T query = 0;
  lapack_int info = 0;
  lapack::gesdd(jobz, v.m, v.n, a, v.m, s, u, ldu, vt, ldvt, &query, -1, iwork.data(), &info);
  if (info != 0) throw_info(routine_name<T>("gesdd"), info, "");
  const lapack_int lwork = choose_lwork(ws, static_cast<double>(query));
  Buffer<T> work(static_cast<std::size_t>(lwork));
  lapack::gesdd(jobz, v.m, v.n, a, v.m, s, u, ldu, vt, ldvt, work.data(), lwork, iwork.data(), &info);
  if (info > 0 || WS_INJECTED(g_fail_gesdd)) return info > 0 ? info : 1;
  return info;
}

template <typename T>
lapack_int run_gesvd(char job, const View& v, const Workspace& ws, T* a, T* s, T* u, lapack_int ldu, T* vt,
                     lapack_int ldvt) {
  T query = 0;
  lapack_int info = 0;
  lapack::gesvd(job, job, v.m, v.n, a, v.m, s, u, ldu, vt, ldvt, &query, -1, &info);
  if (info != 0) throw_info(routine_name<T>("gesvd"), info, "");
  const lapack_int lwork = choose_lwork(ws, static_cast<double>(query));
  Buffer<T> work(static_cast<std::size_t>(lwork));
  lapack::gesvd(job, job, v.m, v.n, a, v.m, s, u, ldu, vt, ldvt, work.data(), lwork, &info);
  if (info > 0 || WS_INJECTED(g_fail_gesvd)) return info > 0 ? info : 1;
  return info;
}

// gesdd, and on non-convergence gesvd on a fresh copy of the input. Sets `routine`.
// `fill(work)` writes the column-major matrix LAPACK works on (each attempt destroys it).
template <typename T, typename Fill>
void gesdd_with_fallback(char jobz, const View& v, Fill fill, T* s, T* u, lapack_int ldu, T* vt, lapack_int ldvt,
                         std::string& routine) {
  const Workspace ws = gesdd_workspace(v.m, v.n, jobz);
  routine = routine_name<T>("gesdd");
  require_workspace_fits(ws, routine);
  Buffer<T> work(static_cast<std::size_t>(v.m) * static_cast<std::size_t>(v.n));
  fill(work.data());
  lapack_int info = run_gesdd(jobz, v, ws, work.data(), s, u, ldu, vt, ldvt);
  if (info == 0) return;
  if (info < 0) throw_info(routine, info, "");
  ++g_fallbacks;
  const std::string first = " after the " + routine + " INFO=" + std::to_string(info) + " fallback";
  const Workspace wv = gesvd_workspace(v.m, v.n, jobz);
  routine = routine_name<T>("gesvd");
  if (!workspace_fits(wv))  // its path choices would wrap in 32 bits: never call it on this size
    throw CoreError(ErrorCode::Lapack,
                    routine_name<T>("gesdd") + " did not converge (INFO=" + std::to_string(info) +
                        ") and the " + routine + " fallback cannot address a matrix this large",
                    routine_name<T>("gesdd"), info);
  fill(work.data());
  info = run_gesvd(jobz, v, wv, work.data(), s, u, ldu, vt, ldvt);
  if (info != 0) throw_info(routine, info, first);
}

}  // namespace

#ifdef WEIGHTSCOPE_TEST_HOOKS
void inject_failures(int gesdd, int gesvd) {
  g_fail_gesdd = gesdd;
  g_fail_gesvd = gesvd;
}
#endif
long long gesdd_fallbacks() { return g_fallbacks.load(); }

template <typename T>
Buffer<T> svdvals(const T* a, std::size_t rows, std::size_t cols, std::string* routine) {
  precheck_svdvals<T>(rows, cols);
  // A row-major tall matrix is a column-major wide one, for which ?gesdd takes its LQ-first path; with
  // OpenBLAS 0.3.21 that is 1.5-2x slower than the QR-first path on the transpose (measured at 4096x1024:
  // 634 vs 424 ms f64, 478 vs 244 ms f32). Singular values do not change under transposition, so a tall
  // input is handed to LAPACK transposed (written into the work copy LAPACK needs anyway).
  const bool transpose = rows > cols;
  const View v = transpose ? view_of(rows, cols) : view_of(cols, rows);
  require_finite_input(a, rows, cols);
  Buffer<T> s(static_cast<std::size_t>(v.mn));
  T dummy = 0;
  std::string used;
  auto fill = [&](T* w) {
    if (transpose)
      transpose_into(w, a, rows, cols);
    else
      std::memcpy(w, a, rows * cols * sizeof(T));
  };
  gesdd_with_fallback<T>('N', v, fill, s.data(), &dummy, 1, &dummy, 1, used);
  require_finite_output(s.data(), s.size(), used.c_str(), "the matrix is too badly scaled for this precision");
  if (routine) *routine = used;
  return s;
}

template <typename T>
SvdResult<T> svd(const T* a, std::size_t rows, std::size_t cols, bool full, std::size_t k) {
  const SvdShape sh = precheck_svd<T>(rows, cols, full, k);
  const View v = view_of(cols, rows);
  const char jobz = full ? 'A' : 'S';
  // LAPACK's U' (m' x ucols) is our Vt; its VT' (vtrows x n') is our U.
  const std::size_t ucols = full ? cols : sh.mn, vtrows = full ? rows : sh.mn;
  require_finite_input(a, rows, cols);
  SvdResult<T> r;
  r.S.allocate(sh.mn);
  r.Vt.allocate(cols * ucols);
  r.U.allocate(vtrows * rows);
  auto fill = [&](T* w) { std::memcpy(w, a, rows * cols * sizeof(T)); };
  gesdd_with_fallback<T>(jobz, v, fill, r.S.data(), r.Vt.data(), v.m, r.U.data(), static_cast<lapack_int>(vtrows),
                         r.routine);
  require_finite_output(r.S.data(), r.S.size(), r.routine.c_str(), "the matrix is too badly scaled for this precision");
  r.u_rows = rows;
  r.u_cols = vtrows;
  r.vt_rows = ucols;
  r.vt_cols = cols;
  if (k == 0) return r;
  // Top k: the leading k columns of U, rows of Vt and values.
  SvdResult<T> t;
  t.U.allocate(rows * k);
  for (std::size_t i = 0; i < rows; ++i) std::memcpy(t.U.data() + i * k, r.U.data() + i * sh.mn, k * sizeof(T));
  t.Vt.allocate(k * cols);
  std::memcpy(t.Vt.data(), r.Vt.data(), k * cols * sizeof(T));
  t.S.allocate(k);
  std::memcpy(t.S.data(), r.S.data(), k * sizeof(T));
  t.u_rows = rows;
  t.u_cols = k;
  t.vt_rows = k;
  t.vt_cols = cols;
  t.routine = r.routine;
  return t;
}

template Buffer<float> svdvals(const float*, std::size_t, std::size_t, std::string*);
template Buffer<double> svdvals(const double*, std::size_t, std::size_t, std::string*);
template SvdResult<float> svd(const float*, std::size_t, std::size_t, bool, std::size_t);
template SvdResult<double> svd(const double*, std::size_t, std::size_t, bool, std::size_t);

}  // namespace ws
