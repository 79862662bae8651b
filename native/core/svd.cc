#include "svd.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "finite.h"
#include "lapack_typed.h"
#include "limits.h"
#include "transpose.h"
#include "routine_name.h"

namespace ws {
namespace {

std::atomic<int> g_fail_gesdd{0}, g_fail_gesvd{0};
std::atomic<long long> g_fallbacks{0};

bool take_injected(std::atomic<int>& counter) {
  int v = counter.load();
  while (v > 0)
    if (counter.compare_exchange_weak(v, v - 1)) return true;
  return false;
}

template <typename T>
std::string name(const char* base) {
  return routine_name<T>(base);
}

// Column-major view of the row-major input: m' = cols, n' = rows, lda = cols.
struct View {
  lapack_int m, n, lda, mn;
};

View view_of(std::size_t rows, std::size_t cols) {
  check_dim(rows, "rows");
  check_dim(cols, "cols");
  View v;
  v.m = static_cast<lapack_int>(cols);
  v.n = static_cast<lapack_int>(rows);
  v.lda = v.m;
  v.mn = std::min(v.m, v.n);
  return v;
}

template <typename T>
void copy_into(Buffer<T>& work, const T* a, std::size_t count) {
  if (work.size() != count) work.allocate(count);
  std::memcpy(work.data(), a, count * sizeof(T));
}

[[noreturn]] void throw_info(const std::string& routine, lapack_int info, const char* after) {
  if (info < 0)
    throw CoreError(ErrorCode::Internal,
                    routine + " rejected argument " + std::to_string(-info) + " (a weightscope bug)", routine, info);
  throw CoreError(ErrorCode::Lapack,
                  routine + " did not converge (INFO=" + std::to_string(info) + ")" + after, routine, info);
}

// One ?gesdd call with its workspace query. Returns INFO.
template <typename T>
lapack_int run_gesdd(char jobz, const View& v, T* a, T* s, T* u, lapack_int ldu, T* vt, lapack_int ldvt) {
  Buffer<lapack_int> iwork(static_cast<std::size_t>(8) * std::max<lapack_int>(v.mn, 1));
  T query = 0;
  lapack_int info = 0;
  lapack::gesdd(jobz, v.m, v.n, a, v.lda, s, u, ldu, vt, ldvt, &query, -1, iwork.data(), &info);
  if (info != 0) throw_info(name<T>("gesdd"), info, "");
  lapack_int lwork = workspace_size(static_cast<double>(query), name<T>("gesdd").c_str());
  Buffer<T> work(static_cast<std::size_t>(lwork));
  lapack::gesdd(jobz, v.m, v.n, a, v.lda, s, u, ldu, vt, ldvt, work.data(), lwork, iwork.data(), &info);
  if (info > 0 || take_injected(g_fail_gesdd)) return info > 0 ? info : 1;
  return info;
}

template <typename T>
lapack_int run_gesvd(char job, const View& v, T* a, T* s, T* u, lapack_int ldu, T* vt, lapack_int ldvt) {
  T query = 0;
  lapack_int info = 0;
  lapack::gesvd(job, job, v.m, v.n, a, v.lda, s, u, ldu, vt, ldvt, &query, -1, &info);
  if (info != 0) throw_info(name<T>("gesvd"), info, "");
  lapack_int lwork = workspace_size(static_cast<double>(query), name<T>("gesvd").c_str());
  Buffer<T> work(static_cast<std::size_t>(lwork));
  lapack::gesvd(job, job, v.m, v.n, a, v.lda, s, u, ldu, vt, ldvt, work.data(), lwork, &info);
  if (info > 0 || take_injected(g_fail_gesvd)) return info > 0 ? info : 1;
  return info;
}

// gesdd, and on non-convergence gesvd on a fresh copy of the input. Sets *routine.
// `fill(work)` writes the column-major matrix LAPACK works on (it is destroyed by each attempt).
template <typename T, typename Fill>
void gesdd_with_fallback(char jobz, const View& v, Fill fill, Buffer<T>& work, T* s, T* u, lapack_int ldu, T* vt,
                         lapack_int ldvt, std::string& routine) {
  const std::size_t count = static_cast<std::size_t>(v.m) * static_cast<std::size_t>(v.n);
  if (work.size() != count) work.allocate(count);
  fill(work.data());
  routine = name<T>("gesdd");
  lapack_int info = run_gesdd(jobz, v, work.data(), s, u, ldu, vt, ldvt);
  if (info == 0) return;
  if (info < 0) throw_info(routine, info, "");
  ++g_fallbacks;
  const std::string first = routine + " INFO=" + std::to_string(info);
  fill(work.data());
  routine = name<T>("gesvd");
  info = run_gesvd(jobz == 'N' ? 'N' : jobz, v, work.data(), s, u, ldu, vt, ldvt);
  if (info != 0) throw_info(routine, info, (" after the " + first + " fallback").c_str());
}

}  // namespace

void inject_failures(int gesdd, int gesvd) {
  g_fail_gesdd = gesdd;
  g_fail_gesvd = gesvd;
}
long long gesdd_fallbacks() { return g_fallbacks.load(); }

template <typename T>
Buffer<T> svdvals(const T* a, std::size_t rows, std::size_t cols, std::string* routine) {
  // A row-major tall matrix is a column-major wide one, for which ?gesdd takes its LQ-first path; with
  // OpenBLAS 0.3.21 that is 1.5-2x slower than the QR-first path on the transpose (measured at 4096x1024:
  // 634 vs 424 ms f64, 478 vs 244 ms f32). Singular values do not change under transposition, so a tall
  // input is handed to LAPACK transposed (written into the work copy LAPACK needs anyway).
  const bool transpose = rows > cols;
  View v = transpose ? view_of(cols, rows) : view_of(rows, cols);
  require_finite_input(a, rows, cols);
  Buffer<T> s(static_cast<std::size_t>(v.mn)), work;
  T dummy = 0;
  std::string used;
  const std::size_t count = rows * cols;
  auto fill = [&](T* w) {
    if (transpose)
      transpose_into(w, a, rows, cols);
    else
      std::memcpy(w, a, count * sizeof(T));
  };
  gesdd_with_fallback(/*jobz=*/'N', v, fill, work, s.data(), &dummy, 1, &dummy, 1, used);
  require_finite_output(s.data(), s.size(), used.c_str(), "the matrix is too badly scaled for this precision");
  if (routine) *routine = used;
  return s;
}

template <typename T>
SvdResult<T> svd(const T* a, std::size_t rows, std::size_t cols, bool full) {
  View v = view_of(rows, cols);
  const std::size_t mn = static_cast<std::size_t>(v.mn);
  SvdResult<T> r;
  // LAPACK's U' (m' x ucols) is our Vt; its VT' (vtrows x n') is our U.
  const std::size_t ucols = full ? cols : mn, vtrows = full ? rows : mn;
  check_output(static_cast<std::uint64_t>(cols) * ucols, "Vt");
  check_output(static_cast<std::uint64_t>(vtrows) * rows, "U");
  require_finite_input(a, rows, cols);
  r.S.allocate(mn);
  r.Vt.allocate(cols * ucols);
  r.U.allocate(vtrows * rows);
  Buffer<T> work;
  auto fill = [&](T* w) { std::memcpy(w, a, rows * cols * sizeof(T)); };
  gesdd_with_fallback(full ? 'A' : 'S', v, fill, work, r.S.data(), r.Vt.data(), v.m, r.U.data(),
                      static_cast<lapack_int>(vtrows), r.routine);
  r.u_rows = rows;
  r.u_cols = vtrows;
  r.vt_rows = ucols;
  r.vt_cols = cols;
  require_finite_output(r.S.data(), r.S.size(), r.routine.c_str(), "the matrix is too badly scaled for this precision");
  return r;
}

template <typename T>
SvdResult<T> svd_topk(const T* a, std::size_t rows, std::size_t cols, std::size_t k) {
  View v = view_of(rows, cols);
  const std::size_t mn = static_cast<std::size_t>(v.mn);
  if (k == 0 || k > mn)
    throw CoreError(ErrorCode::Shape, "k = " + std::to_string(k) + " must be between 1 and min(rows, cols) = " +
                                          std::to_string(mn));
  check_output(static_cast<std::uint64_t>(rows) * k, "U");
  check_output(static_cast<std::uint64_t>(cols) * k, "Vt");
  require_finite_input(a, rows, cols);
  SvdResult<T> r;
  Buffer<T> work;
  copy_into(work, a, rows * cols);
  Buffer<T> s(mn);
  r.Vt.allocate(cols * k);  // U' : m' x k, ldu = m'
  r.U.allocate(k * rows);   // VT': k x n', ldvt = k
  Buffer<lapack_int> iwork(12 * mn);
  const lapack_int kk = static_cast<lapack_int>(k);
  lapack_int ns = 0, info = 0;
  T query = 0;
  r.routine = name<T>("gesvdx");
  lapack::gesvdx('V', 'V', 'I', v.m, v.n, work.data(), v.lda, 1, kk, &ns, s.data(), r.Vt.data(), v.m, r.U.data(), kk,
                 &query, -1, iwork.data(), &info);
  if (info != 0) throw_info(r.routine, info, "");
  lapack_int lwork = workspace_size(static_cast<double>(query), r.routine.c_str());
  Buffer<T> wk(static_cast<std::size_t>(lwork));
  lapack::gesvdx('V', 'V', 'I', v.m, v.n, work.data(), v.lda, 1, kk, &ns, s.data(), r.Vt.data(), v.m, r.U.data(), kk,
                 wk.data(), lwork, iwork.data(), &info);
  if (info < 0) throw_info(r.routine, info, "");
  if (info > 0 || ns != kk) {
    // gesvdx could not deliver k triplets: use the thin gesdd/gesvd SVD and keep the leading k.
    ++g_fallbacks;
    SvdResult<T> full = svd(a, rows, cols, false);
    r.routine = full.routine;
    for (std::size_t i = 0; i < rows; ++i)
      std::memcpy(r.U.data() + i * k, full.U.data() + i * mn, k * sizeof(T));
    std::memcpy(r.Vt.data(), full.Vt.data(), k * cols * sizeof(T));
    std::memcpy(s.data(), full.S.data(), k * sizeof(T));
  }
  r.S.allocate(k);
  std::memcpy(r.S.data(), s.data(), k * sizeof(T));
  r.u_rows = rows;
  r.u_cols = k;
  r.vt_rows = k;
  r.vt_cols = cols;
  require_finite_output(r.S.data(), k, r.routine.c_str(), "the matrix is too badly scaled for this precision");
  return r;
}

template Buffer<float> svdvals(const float*, std::size_t, std::size_t, std::string*);
template Buffer<double> svdvals(const double*, std::size_t, std::size_t, std::string*);
template SvdResult<float> svd(const float*, std::size_t, std::size_t, bool);
template SvdResult<double> svd(const double*, std::size_t, std::size_t, bool);
template SvdResult<float> svd_topk(const float*, std::size_t, std::size_t, std::size_t);
template SvdResult<double> svd_topk(const double*, std::size_t, std::size_t, std::size_t);

}  // namespace ws
