// The checks every routine makes before it computes, shared by the CPU core and the cuSOLVER path so the
// two backends accept and refuse the same inputs (and 'auto' can fall back from one to the other on the
// same terms). Size checks come first and allocate nothing; the NaN/Inf scan (finite.h) comes last.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core_error.h"
#include "limits.h"
#include "routine_name.h"
#include "workspace.h"

namespace ws {

// A row-major rows x cols input that LAPACK (and cuSOLVER's 32-bit routines) can address.
inline void check_matrix(std::size_t rows, std::size_t cols) {
  check_dim(rows, "rows");
  check_dim(cols, "cols");
}

inline void check_square(std::size_t rows, std::size_t cols) {
  check_matrix(rows, cols);
  if (rows != cols)
    throw CoreError(ErrorCode::Shape, "eigvalsh needs a square matrix, got [" + std::to_string(rows) + ", " +
                                          std::to_string(cols) + "]");
}

// What svd() returns: U rows x u_cols, S of length s_len, Vt vt_rows x cols.
struct SvdShape {
  std::size_t rows, cols, mn, u_cols, vt_rows, s_len;
};

// mode: full (U rows x rows, Vt cols x cols), thin (k = 0: r = min(rows, cols)) or the top k triplets.
inline SvdShape svd_shape(std::size_t rows, std::size_t cols, bool full, std::size_t k) {
  check_matrix(rows, cols);
  const std::size_t mn = std::min(rows, cols);
  if (k != 0 && (full || k > mn))
    throw CoreError(ErrorCode::Shape, "k = " + std::to_string(k) + " must be between 1 and min(rows, cols) = " +
                                          std::to_string(mn) + (full ? " (and k excludes a full SVD)" : ""));
  SvdShape s{rows, cols, mn, full ? rows : mn, full ? cols : mn, mn};
  if (k) s.u_cols = s.vt_rows = s.s_len = k;
  check_output(static_cast<std::uint64_t>(rows) * s.u_cols, "U");
  check_output(static_cast<std::uint64_t>(s.vt_rows) * cols, "Vt");
  return s;
}

// The order of the smaller Gram matrix (AᵀA when rows >= cols, else AAᵀ), which must fit a typed array.
inline std::size_t gram_order(std::size_t rows, std::size_t cols) {
  check_matrix(rows, cols);
  const std::size_t n = std::min(rows, cols);
  check_output(static_cast<std::uint64_t>(n) * n, "the Gram matrix");
  return n;
}

inline void check_batch(std::size_t count, std::size_t rows, std::size_t cols) {
  check_matrix(rows, cols);
  check_dim(count, "the batch size");
  check_output(static_cast<std::uint64_t>(count) * std::min(rows, cols), "the batch's singular values");
}

// The CPU routines' full size checks (the above plus LAPACK's 64-bit workspace sizes), made by the core
// routines themselves and, for async calls, by the binding before it copies the input: a call that can
// only be refused is refused before a byte is copied.
template <typename T>
void precheck_svdvals(std::size_t rows, std::size_t cols) {
  check_matrix(rows, cols);
  // gesdd runs on the wide orientation (svd.cc); min and max dimensions are what the sizes depend on
  require_workspace_fits(gesdd_workspace(static_cast<std::int64_t>(std::max(rows, cols)),
                                         static_cast<std::int64_t>(std::min(rows, cols)), 'N'),
                         routine_name<T>("gesdd"));
}

template <typename T>
SvdShape precheck_svd(std::size_t rows, std::size_t cols, bool full, std::size_t k) {
  const SvdShape sh = svd_shape(rows, cols, full, k);
  require_workspace_fits(gesdd_workspace(static_cast<std::int64_t>(cols), static_cast<std::int64_t>(rows), full ? 'A' : 'S'),
                         routine_name<T>("gesdd"));
  return sh;
}

template <typename T>
std::size_t precheck_gram(std::size_t rows, std::size_t cols) {
  const std::size_t n = gram_order(rows, cols);
  require_workspace_fits(syevd_workspace(static_cast<std::int64_t>(n)), routine_name<T>("syevd"));
  return n;
}

template <typename T>
void precheck_eigvalsh(std::size_t n) {
  check_square(n, n);
  require_workspace_fits(syevd_workspace(static_cast<std::int64_t>(n)), routine_name<T>("syevd"));
}

}  // namespace ws
