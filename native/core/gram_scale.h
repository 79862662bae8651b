// Scale safety of the Gram route (?syrk + ?syevd, and cuBLAS syrk + Xsyevd), shared by both backends.
//
// Gram entries are sums of k products of entries, its eigenvalues up to its order n times larger: with
// entries near 1e20 they overflow float32, with entries near 1e-30 every product underflows and the
// route returns zeros. So the input is first scaled by a power of two 2^e (exact in binary floating
// point) whenever its largest magnitude amax would let n·k·amax² pass max/4 or amax² fall under
// min_normal/eps; results are scaled back by 2^-2e (eigenvalues, Gram entries) or 2^-e (singular values).
// A result that cannot be represented in the input's precision after scaling back (σ² beyond float32's
// range, or λ_max under its smallest normal number) is E_NONFINITE, never Infinity or zeros.
#pragma once
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>

#include "buffer.h"
#include "core_error.h"
#include "finite.h"

namespace ws {

template <typename T>
struct GramScale {
  int exp = 0;  // the input is multiplied by 2^exp before syrk; 0: not scaled
};

template <typename T>
const char* precision_name() {
  return sizeof(T) == 4 ? "float32" : "float64";
}

// Scans the input once (E_NONFINITE on NaN/Inf, with its position) and picks the scale.
template <typename T>
GramScale<T> plan_gram_scale(const T* a, std::size_t rows, std::size_t cols) {
  require_finite_input(a, rows, cols);
  T amax = 0;
  for (std::size_t i = 0; i < rows * cols; ++i) amax = std::max(amax, std::fabs(a[i]));
  GramScale<T> s;
  if (amax == 0) return s;
  const double n = static_cast<double>(std::min(rows, cols)), k = static_cast<double>(std::max(rows, cols));
  const double hi = std::sqrt(static_cast<double>(std::numeric_limits<T>::max()) / (4 * n * k));
  const double lo = std::sqrt(static_cast<double>(std::numeric_limits<T>::min()) /
                              static_cast<double>(std::numeric_limits<T>::epsilon()));
  const double m = static_cast<double>(amax);
  if (m > hi || m < lo) s.exp = -std::ilogb(amax);  // scaled amax in [1, 2)
  return s;
}

// The input as syrk should see it: `a` itself, or a scaled copy in `copy`.
template <typename T>
const T* gram_input(const T* a, std::size_t count, const GramScale<T>& s, Buffer<T>& copy) {
  if (s.exp == 0) return a;
  copy.allocate(count);
  for (std::size_t i = 0; i < count; ++i) copy[i] = std::ldexp(a[i], s.exp);
  return copy.data();
}

// Eigenvalues (ascending) or Gram entries computed on the scaled input, scaled back in place.
// `largest` is the magnitude that must stay representable (λ_max, or max |G_ij|).
template <typename T>
void unscale_squares(T* v, std::size_t n, const GramScale<T>& s, const std::string& routine) {
  T largest = 0;
  for (std::size_t i = 0; i < n; ++i) largest = std::max(largest, std::fabs(v[i]));
  if (largest == 0) return;
  const T back = std::ldexp(largest, -2 * s.exp);
  if (!std::isfinite(back))
    throw CoreError(ErrorCode::NonFinite,
                    "the squared singular values (up to " + std::to_string(static_cast<double>(largest)) + " x 2^" +
                        std::to_string(-2 * s.exp) + ") overflow " + precision_name<T>() +
                        ": the Gram route cannot return them; use svdvals (gesdd)" +
                        (sizeof(T) == 4 ? " or float64 input" : ""),
                    routine);
  if (back < std::numeric_limits<T>::min())
    throw CoreError(ErrorCode::NonFinite,
                    std::string("the squared singular values underflow ") + precision_name<T>() +
                        " (the entries are too small to square): the Gram route cannot return them; use svdvals" +
                        (sizeof(T) == 4 ? " or float64 input" : ""),
                    routine);
  if (s.exp != 0)
    for (std::size_t i = 0; i < n; ++i) v[i] = std::ldexp(v[i], -2 * s.exp);
}

// Singular values (descending) from Gram eigenvalues (ascending) of the scaled input: σ = √max(λ, 0) · 2^-e.
template <typename T>
Buffer<T> svdvals_from_gram(const Buffer<T>& w, const GramScale<T>& s, const std::string& routine) {
  const std::size_t n = w.size();
  Buffer<T> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = std::ldexp(std::sqrt(std::max(w[n - 1 - i], T(0))), -s.exp);
  require_finite_output(out.data(), n, routine.c_str(), "the singular values overflow this precision");
  return out;
}

}  // namespace ws
