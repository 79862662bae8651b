// Singular value decompositions of a row-major rows x cols matrix.
// Row-major rows x cols is the column-major cols x rows matrix A^T, so LAPACK is called on A^T with
// no transpose: if A^T = U' S V'^T then A = V' S U'^T, and the buffers LAPACK writes are already
// U (from VT') and Vt (from U') in row-major order.
#pragma once
#include <cstddef>
#include <string>
#include "buffer.h"

namespace ws {

template <typename T>
struct SvdResult {
  Buffer<T> U, S, Vt;
  std::size_t u_rows = 0, u_cols = 0, vt_rows = 0, vt_cols = 0;
  std::string routine;  // which LAPACK routine produced it (gesdd, gesvd, gesvdx)
};

// Singular values, descending: ?gesdd JOBZ='N', falling back to ?gesvd if gesdd does not converge.
template <typename T>
Buffer<T> svdvals(const T* a, std::size_t rows, std::size_t cols, std::string* routine = nullptr);

// Thin (full = false: U rows x k, Vt k x cols, k = min) or full SVD: ?gesdd JOBZ='S'/'A', ?gesvd fallback.
template <typename T>
SvdResult<T> svd(const T* a, std::size_t rows, std::size_t cols, bool full);

// Top-k singular triplets through ?gesvdx RANGE='I' (only k vectors are computed).
template <typename T>
SvdResult<T> svd_topk(const T* a, std::size_t rows, std::size_t cols, std::size_t k);

// Test hook: make the next n calls of ?gesdd (or ?gesvd) report non-convergence (INFO > 0),
// so the fallback and the E_LAPACK path can be exercised on ordinary matrices.
void inject_failures(int gesdd, int gesvd);
long long gesdd_fallbacks();

}  // namespace ws
