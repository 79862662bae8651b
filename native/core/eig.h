// Symmetric eigenvalues and the Gram route.
#pragma once
#include <cstddef>
#include <string>
#include "buffer.h"

namespace ws {

// Eigenvalues (ascending) of a symmetric n x n matrix via ?syevd JOBZ='N'. Reads the lower triangle
// of the row-major input (the upper of LAPACK's column-major view), as numpy.linalg.eigvalsh does.
template <typename T>
Buffer<T> eigvalsh(const T* a, std::size_t n);

// The smaller Gram matrix of a row-major rows x cols A: A^T A (cols x cols) when rows >= cols, else A A^T,
// through ?syrk, both triangles filled. *n_out receives its order. Scale-safe (gram_scale.h).
template <typename T>
Buffer<T> gram(const T* a, std::size_t rows, std::size_t cols, std::size_t* n_out);

// Eigenvalues (ascending) of that Gram matrix, ?syrk then ?syevd: the squared singular values
// (the ESD), about 3x faster than ?gesdd on large matrices but with absolute error ~ eps * sigma_max^2,
// so small eigenvalues lose relative accuracy. Scale-safe.
template <typename T>
Buffer<T> gram_eigvalsh(const T* a, std::size_t rows, std::size_t cols);

// Singular values (descending) through the Gram route: √λ of gram_eigvalsh, computed on the scaled input,
// so entries whose squares over- or underflow the precision still give their singular values.
template <typename T>
Buffer<T> gram_svdvals(const T* a, std::size_t rows, std::size_t cols, std::string* routine = nullptr);

}  // namespace ws
