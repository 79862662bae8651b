// Non-finite scans. LAPACK may loop for a long time or return garbage on NaN/Inf input, so
// inputs are scanned first; outputs are scanned so an overflow never comes back as a silent NaN.
#pragma once
#include <cmath>
#include <cstddef>
#include <string>
#include "core_error.h"

namespace ws {

template <typename T>
std::ptrdiff_t first_nonfinite(const T* a, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(a[i])) return static_cast<std::ptrdiff_t>(i);
  return -1;
}

// Throws E_NONFINITE naming the row and column (row-major) of the first NaN/Inf.
template <typename T>
void require_finite_input(const T* a, std::size_t rows, std::size_t cols) {
  std::ptrdiff_t i = first_nonfinite(a, rows * cols);
  if (i < 0) return;
  std::size_t r = static_cast<std::size_t>(i) / cols, c = static_cast<std::size_t>(i) % cols;
  const char* kind = std::isnan(a[i]) ? "NaN" : (a[i] > 0 ? "+Infinity" : "-Infinity");
  throw CoreError(ErrorCode::NonFinite, std::string("input contains ") + kind + " at [" + std::to_string(r) + ", " +
                                            std::to_string(c) + "] (flat index " + std::to_string(i) + ")");
}

template <typename T>
void require_finite_output(const T* a, std::size_t n, const char* routine, const char* hint) {
  if (first_nonfinite(a, n) < 0) return;
  throw CoreError(ErrorCode::NonFinite, std::string(routine) + " produced non-finite values: " + hint, routine);
}

}  // namespace ws
