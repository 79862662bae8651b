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
  std::string routine;  // which LAPACK routine produced it (gesdd, or gesvd after a fallback)
};

// Singular values, descending: ?gesdd JOBZ='N', falling back to ?gesvd if gesdd does not converge.
template <typename T>
Buffer<T> svdvals(const T* a, std::size_t rows, std::size_t cols, std::string* routine = nullptr);

// Full (U rows x rows, Vt cols x cols), thin (k = 0: U rows x r, Vt r x cols, r = min) or the top k
// triplets. ?gesdd JOBZ='A'/'S' with the ?gesvd fallback; top-k is the thin SVD with its leading k kept:
// OpenBLAS 0.3.21's ?gesvdx writes past S and its queried workspace on rank-deficient input.
template <typename T>
SvdResult<T> svd(const T* a, std::size_t rows, std::size_t cols, bool full, std::size_t k = 0);

long long gesdd_fallbacks();

#ifdef WEIGHTSCOPE_TEST_HOOKS
// Test hook: make the next n calls of ?gesdd (or ?gesvd) report non-convergence (INFO > 0),
// so the fallback and the E_LAPACK path can be exercised on ordinary matrices.
void inject_failures(int gesdd, int gesvd);
#endif

}  // namespace ws
