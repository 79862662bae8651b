// Host-side checks shared by the GPU routines, done before anything is uploaded.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "../core/core_error.h"
#include "../core/finite.h"
#include "../core/limits.h"

namespace ws::cuda {

// gesvdj, gesvdjBatched and cublas?syrk take 32-bit dimensions, like the CPU's LAPACK.
inline void check_gpu_dims(std::size_t rows, std::size_t cols) {
  check_dim(rows, "rows");
  check_dim(cols, "cols");
}

// Gram entries are bounded by the squared Frobenius norm: when it fits the precision, no entry of
// AᵀA or AAᵀ can overflow, so the Gram route never sends an Inf into Xsyevd.
template <typename T>
void require_gram_fits(const T* a, std::size_t count) {
  double sum = 0;
  for (std::size_t i = 0; i < count; ++i) sum += static_cast<double>(a[i]) * static_cast<double>(a[i]);
  if (!(sum <= static_cast<double>(std::numeric_limits<T>::max())))
    throw CoreError(ErrorCode::NonFinite, "the Gram matrix would overflow in this precision (squared Frobenius norm " +
                                              std::to_string(sum) + "); use float64 or svdvals");
}

}  // namespace ws::cuda
