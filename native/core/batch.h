// Singular values of many equal-shaped matrices in one call (FARMS windows, conv slices):
// matrices are spread over worker threads, each calling single-threaded LAPACK.
#pragma once
#include <cstddef>
#include "buffer.h"

namespace ws {

// a: count matrices of rows x cols, contiguous, row-major. Returns count * min(rows, cols) values,
// each matrix's descending. An error names the matrix index.
template <typename T>
Buffer<T> svdvals_batch(const T* a, std::size_t count, std::size_t rows, std::size_t cols, int threads);

}  // namespace ws
