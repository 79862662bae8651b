// The cuSOLVER/cuBLAS versions of the core's routines (native/core/svd.h, eig.h, batch.h): same
// row-major inputs, same outputs, same error codes, plus E_CUDA / E_CUDA_OOM. Inputs pass the CPU core's
// own preconditions (sizes, k, NaN/Inf, the Gram route's scale) on the host before anything is uploaded.
//
// A row-major rows x cols matrix is the column-major cols x rows matrix A^T, which is what is uploaded
// (no transpose). If A^T = U' S V'^T then A = V' S U'^T: U' (cols x r, column-major) is already our Vt
// (r x cols, row-major); V' comes back column-major and is transposed into our U on the host.
// Xgesvdp is always given a problem with m >= n: when A^T is wide (A tall), A itself is uploaded (a host
// transpose) and A = U S V^T read the other way round: V (cols x r) is our Vt, U is transposed into ours.
#pragma once
#include <cstddef>
#include <string>

#include "../core/buffer.h"
#include "../core/svd.h"

namespace ws::cuda {

// Which cuSOLVER SVD: Jacobi (gesvdj) or polar decomposition (Xgesvdp). Auto: gesvdj up to
// min(rows, cols) = kJacobiMaxDim, Xgesvdp above. Published A100 timings put Xgesvdp about 10x ahead of
// gesvdj already at 400 x 400 (README "GPU"); Jacobi stays for tiny matrices, where it is the batched path.
enum class SvdRoutine { Auto = 0, Gesvdj = 1, Gesvdp = 2 };
constexpr std::size_t kJacobiMaxDim = 32;

template <typename T>
Buffer<T> svdvals(const T* a, std::size_t rows, std::size_t cols, SvdRoutine routine, std::string* used);

// Thin (full = false) or full SVD; k > 0 keeps the k leading triplets of the thin one.
template <typename T>
SvdResult<T> svd(const T* a, std::size_t rows, std::size_t cols, bool full, std::size_t k, SvdRoutine routine);

// Ascending eigenvalues of a symmetric matrix (lower triangle of the row-major input): Xsyevd.
template <typename T>
Buffer<T> eigvalsh(const T* a, std::size_t n);

// The smaller Gram matrix (both triangles) through cublas?syrk.
template <typename T>
Buffer<T> gram(const T* a, std::size_t rows, std::size_t cols, std::size_t* n_out);

// ?syrk then Xsyevd; the Gram matrix never leaves the device. Scale-safe, as on the CPU.
template <typename T>
Buffer<T> gram_eigvalsh(const T* a, std::size_t rows, std::size_t cols);

// Singular values (descending) through the Gram route, from the scaled input (core/gram_scale.h).
template <typename T>
Buffer<T> gram_svdvals(const T* a, std::size_t rows, std::size_t cols, std::string* used);

// count matrices, contiguous: gesvdjBatched when rows, cols <= 32, else one workspace reused for a loop
// of gesvdj/Xgesvdp calls over the uploaded batch; in chunks when the batch does not fit in free memory.
template <typename T>
Buffer<T> svdvals_batch(const T* a, std::size_t count, std::size_t rows, std::size_t cols, SvdRoutine routine);

}  // namespace ws::cuda
