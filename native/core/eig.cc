#include "eig.h"

#include <algorithm>
#include <cstring>

#include "finite.h"
#include "lapack_typed.h"
#include "limits.h"
#include "routine_name.h"

namespace ws {
namespace {

// ?syevd JOBZ='N' on a column-major n x n matrix whose upper triangle holds the data (destroyed).
template <typename T>
Buffer<T> syevd_values(T* c, lapack_int n) {
  const std::string routine = routine_name<T>("syevd");
  Buffer<T> w(static_cast<std::size_t>(n));
  T query = 0;
  lapack_int iquery = 0, info = 0;
  lapack::syevd('N', 'U', n, c, n, w.data(), &query, -1, &iquery, -1, &info);
  if (info != 0) throw CoreError(ErrorCode::Internal, routine + " workspace query failed", routine, info);
  lapack_int lwork = workspace_size(static_cast<double>(query), routine.c_str());
  Buffer<T> work(static_cast<std::size_t>(lwork));
  Buffer<lapack_int> iwork(static_cast<std::size_t>(std::max<lapack_int>(iquery, 1)));
  lapack::syevd('N', 'U', n, c, n, w.data(), work.data(), lwork, iwork.data(), std::max<lapack_int>(iquery, 1), &info);
  if (info < 0) throw CoreError(ErrorCode::Internal, routine + " rejected an argument", routine, info);
  if (info > 0)
    throw CoreError(ErrorCode::Lapack, routine + " did not converge (INFO=" + std::to_string(info) + ")", routine,
                    info);
  require_finite_output(w.data(), w.size(), routine.c_str(), "the matrix is too badly scaled for this precision");
  return w;
}

// Upper triangle of the smaller Gram matrix, column-major, order returned in *n_out.
template <typename T>
Buffer<T> syrk_upper(const T* a, std::size_t rows, std::size_t cols, std::size_t* n_out) {
  check_dim(rows, "rows");
  check_dim(cols, "cols");
  require_finite_input(a, rows, cols);
  // Column-major view: A' = A^T is cols x rows (lda = cols). A^T A = A' A'^T (trans 'N'); A A^T = A'^T A' ('T').
  const bool ata = rows >= cols;
  const std::size_t n = ata ? cols : rows, k = ata ? rows : cols;
  check_output(static_cast<std::uint64_t>(n) * n, "the Gram matrix");
  Buffer<T> c(n * n);
  lapack::syrk('U', ata ? 'N' : 'T', static_cast<lapack_int>(n), static_cast<lapack_int>(k), a,
               static_cast<lapack_int>(cols), c.data(), static_cast<lapack_int>(n));
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t i = 0; i <= j; ++i)
      if (!std::isfinite(c[i + j * n]))
        throw CoreError(ErrorCode::NonFinite,
                        "the Gram matrix overflows " + std::string(sizeof(T) == 4 ? "float32" : "float64") +
                            " (entries are too large to square); use float64 or the gesdd route",
                        routine_name<T>("syrk"));
  *n_out = n;
  return c;
}

}  // namespace

template <typename T>
Buffer<T> eigvalsh(const T* a, std::size_t n) {
  check_dim(n, "n");
  require_finite_input(a, n, n);
  Buffer<T> c(n * n);
  std::memcpy(c.data(), a, n * n * sizeof(T));
  return syevd_values(c.data(), static_cast<lapack_int>(n));
}

template <typename T>
Buffer<T> gram(const T* a, std::size_t rows, std::size_t cols, std::size_t* n_out) {
  std::size_t n = 0;
  Buffer<T> c = syrk_upper(a, rows, cols, &n);
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t i = 0; i < j; ++i) c[j + i * n] = c[i + j * n];
  *n_out = n;
  return c;
}

template <typename T>
Buffer<T> gram_eigvalsh(const T* a, std::size_t rows, std::size_t cols) {
  std::size_t n = 0;
  Buffer<T> c = syrk_upper(a, rows, cols, &n);
  return syevd_values(c.data(), static_cast<lapack_int>(n));
}

template Buffer<float> eigvalsh(const float*, std::size_t);
template Buffer<double> eigvalsh(const double*, std::size_t);
template Buffer<float> gram(const float*, std::size_t, std::size_t, std::size_t*);
template Buffer<double> gram(const double*, std::size_t, std::size_t, std::size_t*);
template Buffer<float> gram_eigvalsh(const float*, std::size_t, std::size_t);
template Buffer<double> gram_eigvalsh(const double*, std::size_t, std::size_t);

}  // namespace ws
