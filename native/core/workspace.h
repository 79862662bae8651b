// LAPACK workspace sizes computed in 64-bit from the routines' own formulas (reference LAPACK's
// ?gesdd, ?gesvd, ?syevd), before anything is allocated.
//
// LAPACK here takes 32-bit integers and forms these sizes in 32-bit arithmetic: past 2^31 - 1 they wrap
// (svd with vectors at min(m, n) = 26 755 queries 1 792 585 where 2 147 677 360 are needed), the routine's
// own minimum check wraps the same way, and the routine then writes out of bounds. So every expression a
// routine evaluates is bounded here first: when one exceeds 2^31 - 1 the call is refused with E_TOO_LARGE.
// The optimal size from the workspace query is used only when it is at least the 64-bit minimum and no
// larger than the 64-bit bound of what the routine could ask for (a wrapped query is neither).
#pragma once
#include <algorithm>
#include <climits>
#include <cstdint>
#include <string>

#include "core_error.h"
#include "lapack_api.h"

namespace ws {

// The sizes a call needs: `min` is the routine's minimum LWORK, `bound` the largest integer expression the
// routine forms on the way (its optimal size with block size kMaxNb included).
struct Workspace {
  std::int64_t min = 1, bound = 1, iwork = 1;
};

constexpr std::int64_t kLapackIntMax = INT_MAX;
// Block size used in the bounds: reference ILAENV returns 32 for ?geqrf, ?gebrd, ?orgqr and ?ormbr.
constexpr std::int64_t kMaxNb = 64;

// ?gesdd on a column-major m x n matrix, jobz 'N', 'S' or 'A' (reference LAPACK dgesdd.f, paths 1-5t).
inline Workspace gesdd_workspace(std::int64_t m, std::int64_t n, char jobz) {
  const std::int64_t mn = std::min(m, n), mx = std::max(m, n);
  Workspace w;
  if (mn == 0) return w;
  const bool values = jobz == 'N';
  const std::int64_t bdspac = values ? 7 * mn : 3 * mn * mn + 4 * mn;
  const bool much_larger = mx >= (mn * 11) / 6;  // MNTHR: QR (LQ) first
  if (much_larger) {
    w.min = values ? bdspac + mn : bdspac + mn * mn + 3 * mn;
    // ?geqrf/?orgqr/?gebrd/?ormbr on the mn x mn factor; the full Q of JOBZ='A' is mx x mx.
    w.bound = std::max(w.min, 3 * mn + 2 * mn * kMaxNb) + (values ? 0 : mn * mn);
    if (jobz == 'A') w.bound = std::max(w.bound, mn + mx * kMaxNb + mn * mn);
  } else {
    w.min = 3 * mn + std::max(mx, bdspac);
    w.bound = std::max({w.min, 3 * mn + (m + n) * kMaxNb, bdspac + 3 * mn});
    if (jobz == 'A') w.bound = std::max(w.bound, 3 * mn + mx * kMaxNb);
  }
  w.iwork = 8 * mn;
  return w;
}

// ?gesvd with JOBU = JOBVT = job ('N', 'S' or 'A'), the fallback when gesdd does not converge
// (reference dgesvd.f). Its paths compare LWORK with LDA*N + N*N + ... (LDA = m), so those bound it.
inline Workspace gesvd_workspace(std::int64_t m, std::int64_t n, char job) {
  const std::int64_t mn = std::min(m, n), mx = std::max(m, n);
  Workspace w;
  if (mn == 0) return w;
  w.min = std::max<std::int64_t>(3 * mn + mx, 5 * mn);
  w.bound = job == 'N' ? w.min + (m + n) * kMaxNb : 2 * m * n + 2 * mn * mn + w.min + (m + n + mx) * kMaxNb;
  return w;
}

// ?syevd, JOBZ = 'N' (reference dsyevd.f): LWORK >= 2N + 1, LIWORK >= 1.
inline Workspace syevd_workspace(std::int64_t n) {
  Workspace w;
  w.min = n <= 1 ? 1 : 2 * n + 1;
  w.bound = w.min + n * kMaxNb;
  return w;
}

// Whether every size the routine forms fits LAPACK's 32-bit integers.
inline bool workspace_fits(const Workspace& w) {
  return std::max({w.min, w.bound, w.iwork}) <= kLapackIntMax;
}

// E_TOO_LARGE, naming the routine and the size, unless workspace_fits(w).
inline void require_workspace_fits(const Workspace& w, const std::string& routine) {
  if (workspace_fits(w)) return;
  throw CoreError(ErrorCode::TooLarge,
                  routine + " needs a workspace of " + std::to_string(std::max({w.min, w.bound, w.iwork})) +
                      " elements, past LAPACK's 32-bit integer limit (2147483647)",
                  routine);
}

// LWORK to pass: the query's optimum when it lies in [min, bound], else the minimum.
inline lapack_int choose_lwork(const Workspace& w, double query) {
  if (query >= static_cast<double>(w.min) && query <= static_cast<double>(w.bound))
    return static_cast<lapack_int>(query);
  return static_cast<lapack_int>(w.min);
}

}  // namespace ws
