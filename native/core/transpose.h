// Cache-blocked transpose of a row-major rows x cols matrix into its column-major layout (equivalently:
// writes A^T row-major, i.e. out[i + j * rows] = a[i * cols + j]). Used to hand LAPACK and cuSOLVER the
// orientation their faster (or only supported) path needs.
#pragma once
#include <algorithm>
#include <cstddef>

namespace ws {

template <typename T>
void transpose_into(T* out, const T* a, std::size_t rows, std::size_t cols) {
  constexpr std::size_t B = 64;
  for (std::size_t i0 = 0; i0 < rows; i0 += B)
    for (std::size_t j0 = 0; j0 < cols; j0 += B) {
      const std::size_t i1 = std::min(rows, i0 + B), j1 = std::min(cols, j0 + B);
      for (std::size_t i = i0; i < i1; ++i)
        for (std::size_t j = j0; j < j1; ++j) out[i + j * rows] = a[i * cols + j];
    }
}

}  // namespace ws
