// How well an ESD's eigenvalues are known, relative to λ_max: the power-law fit does not fit tails narrower
// than ten times this (fit/powerlaw.ts). Two sources of error, each a bound on |λ̂_i − λ_i| / λ_max:
// - the stored weights were rounded to their dtype (relative error ≤ eps/2 per entry): for orthogonal
//   matrices rounded to float32, float16 and bfloat16 (QR of Gaussian matrices, 128×32 to 2048×2048, exact
//   float64 SVD) the eigenvalues spread by at most 1.2 eps of the storage dtype;
// - the computation: gesdd's singular values are backward stable (|σ̂ − σ| ≤ p(n)·eps·σ_max, LAPACK Users'
//   Guide §4.9), measured ≤ 0.6 eps·λ_max up to 4096×4096 in float32; the Gram route (syrk + syevd) forms
//   WᵀW first and was measured at ≤ 5.4 eps·λ_max.
// The resolution is eps(stored, or the computing dtype when coarser) + c·eps(computing dtype), c = 1 for
// gesdd and 8 for the Gram route: each coefficient at or above the measured error, so with the fit's factor
// ten a tail has to span ≥ 8× the worst rounding seen before it is fitted.

/** Machine epsilon of each dtype weights are stored in (quantized: one step of the grid over the range). */
const EPS: Record<string, number> = {
  float64: 2 ** -52,
  float32: 2 ** -23,
  float16: 2 ** -10,
  bfloat16: 2 ** -7,
  uint16: 2 ** -16,
  int16: 2 ** -15,
  uint8: 2 ** -8,
  int8: 2 ** -7,
};

/** Error of each eigenvalue route, in units of eps(computing dtype)·λ_max. */
const ROUTE_ERROR: Record<string, number> = { gesdd: 1, 'gesdd-batch': 1, gram: 8 };

/** The dtypes `storedDtype` may name. */
export const STORED_DTYPES = Object.keys(EPS);

/**
 * Relative accuracy of the eigenvalues of weights stored as `stored` (default: as computed), computed in
 * `compute` by `route`.
 */
export function eigenvalueResolution(compute: 'float32' | 'float64', stored: string | undefined, route: string): number {
  const ec = EPS[compute];
  const es = Math.max(EPS[stored ?? compute] ?? ec, ec);
  return es + (ROUTE_ERROR[route] ?? ROUTE_ERROR.gram) * ec;
}

/**
 * The dtype whose eps sets the numerical-rank tolerance σ_max·max(M, N)·eps (matrix_rank, rank_loss,
 * numerical rank): the coarser of the computing dtype and the one the weights were held in as stored
 * (float64 when stored as float64, else float32: numpy computes float16 in float32). So widening float32
 * weights to float64 for accuracy does not count their rounding noise as rank.
 */
export function rankDtype(compute: 'float32' | 'float64', stored: string | undefined): 'float32' | 'float64' {
  return compute === 'float64' && (stored === undefined || stored === 'float64') ? 'float64' : 'float32';
}
