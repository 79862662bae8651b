// Singular values of many equal-shaped matrices in one call (FARMS windows, conv slices): the matrices
// are spread over the threads the scheduler reserved for the batch, each calling single-threaded LAPACK.
#pragma once
#include <cstddef>
#include "buffer.h"
#include "scheduler.h"

namespace ws {

// a: count matrices of rows x cols, contiguous, row-major. Returns count * min(rows, cols) values,
// each matrix's descending. An error names the matrix index (the lowest failing one for NaN/Inf).
template <typename T>
Buffer<T> svdvals_batch(const T* a, std::size_t count, std::size_t rows, std::size_t cols, RunContext& ctx);

}  // namespace ws
