#include "eig.h"

#include <algorithm>
#include <cstring>

#include "finite.h"
#include "gram_scale.h"
#include "lapack_typed.h"
#include "preconditions.h"
#include "routine_name.h"
#include "workspace.h"

namespace ws {
namespace {

// ?syevd JOBZ='N' on a column-major n x n matrix whose upper triangle holds the data (destroyed).
template <typename T>
Buffer<T> syevd_values(T* c, lapack_int n) {
  const std::string routine = routine_name<T>("syevd");
  const Workspace ws = syevd_workspace(n);
  Buffer<T> w(static_cast<std::size_t>(n));
  T query = 0;
  lapack_int iquery = 0, info = 0;
  lapack::syevd('N', 'U', n, c, n, w.data(), &query, -1, &iquery, -1, &info);
  if (info != 0) throw CoreError(ErrorCode::Internal, routine + " workspace query failed", routine, info);
  const lapack_int lwork = choose_lwork(ws, static_cast<double>(query));
  const lapack_int liwork = std::max<lapack_int>(iquery, 1);
  Buffer<T> work(static_cast<std::size_t>(lwork));
  Buffer<lapack_int> iwork(static_cast<std::size_t>(liwork));
  lapack::syevd('N', 'U', n, c, n, w.data(), work.data(), lwork, iwork.data(), liwork, &info);
  if (info < 0) throw CoreError(ErrorCode::Internal, routine + " rejected an argument", routine, info);
  if (info > 0)
    throw CoreError(ErrorCode::Lapack, routine + " did not converge (INFO=" + std::to_string(info) + ")", routine,
                    info);
  require_finite_output(w.data(), w.size(), routine.c_str(), "the matrix is too badly scaled for this precision");
  return w;
}

// Upper triangle of the smaller Gram matrix of the (already scaled) input, column-major.
template <typename T>
Buffer<T> syrk_upper(const T* a, std::size_t rows, std::size_t cols, std::size_t n) {
  // Column-major view: A' = A^T is cols x rows (lda = cols). A^T A = A' A'^T (trans 'N'); A A^T = A'^T A' ('T').
  const bool ata = rows >= cols;
  const std::size_t k = ata ? rows : cols;
  Buffer<T> c(n * n);
  lapack::syrk('U', ata ? 'N' : 'T', static_cast<lapack_int>(n), static_cast<lapack_int>(k), a,
               static_cast<lapack_int>(cols), c.data(), static_cast<lapack_int>(n));
  return c;
}

// The Gram route's shared front half: checks, the scan that picks the scale, syrk on the scaled input.
template <typename T>
Buffer<T> scaled_gram_upper(const T* a, std::size_t rows, std::size_t cols, std::size_t* n, GramScale<T>* s) {
  *n = precheck_gram<T>(rows, cols);
  *s = plan_gram_scale(a, rows, cols);
  Buffer<T> scaled;
  return syrk_upper(gram_input(a, rows * cols, *s, scaled), rows, cols, *n);
}

}  // namespace

template <typename T>
Buffer<T> eigvalsh(const T* a, std::size_t n) {
  precheck_eigvalsh<T>(n);
  require_finite_input(a, n, n);
  Buffer<T> c(n * n);
  std::memcpy(c.data(), a, n * n * sizeof(T));
  return syevd_values(c.data(), static_cast<lapack_int>(n));
}

template <typename T>
Buffer<T> gram(const T* a, std::size_t rows, std::size_t cols, std::size_t* n_out) {
  std::size_t n = 0;
  GramScale<T> s;
  Buffer<T> c = scaled_gram_upper(a, rows, cols, &n, &s);
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t i = 0; i < j; ++i) c[j + i * n] = c[i + j * n];
  unscale_squares(c.data(), n * n, s, routine_name<T>("syrk"));
  *n_out = n;
  return c;
}

template <typename T>
Buffer<T> gram_eigvalsh(const T* a, std::size_t rows, std::size_t cols) {
  std::size_t n = 0;
  GramScale<T> s;
  Buffer<T> c = scaled_gram_upper(a, rows, cols, &n, &s);
  Buffer<T> w = syevd_values(c.data(), static_cast<lapack_int>(n));
  unscale_squares(w.data(), n, s, routine_name<T>("syevd"));
  return w;
}

template <typename T>
Buffer<T> gram_svdvals(const T* a, std::size_t rows, std::size_t cols, std::string* routine) {
  std::size_t n = 0;
  GramScale<T> s;
  Buffer<T> c = scaled_gram_upper(a, rows, cols, &n, &s);
  const Buffer<T> w = syevd_values(c.data(), static_cast<lapack_int>(n));
  if (routine) *routine = routine_name<T>("syrk") + "+" + routine_name<T>("syevd");
  return svdvals_from_gram(w, s, routine_name<T>("syevd"));
}

template Buffer<float> eigvalsh(const float*, std::size_t);
template Buffer<double> eigvalsh(const double*, std::size_t);
template Buffer<float> gram(const float*, std::size_t, std::size_t, std::size_t*);
template Buffer<double> gram(const double*, std::size_t, std::size_t, std::size_t*);
template Buffer<float> gram_eigvalsh(const float*, std::size_t, std::size_t);
template Buffer<double> gram_eigvalsh(const double*, std::size_t, std::size_t);
template Buffer<float> gram_svdvals(const float*, std::size_t, std::size_t, std::string*);
template Buffer<double> gram_svdvals(const double*, std::size_t, std::size_t, std::string*);

}  // namespace ws
