// When the Gram route's eigenvalues cannot be trusted for a metric that counts small eigenvalues.
//
// The Gram route (?syrk + ?syevd) computes the eigenvalues of WᵀW with an absolute error, not a relative
// one: forming G = WᵀW in precision eps errs by at most γ_N·‖|W|‖² ≤ N·eps·‖W‖_F² (Higham, Accuracy and
// Stability, §3.5), and the symmetric eigensolver is backward stable (error ≲ M·eps·‖G‖₂). So every
// eigenvalue is within δ = 2·eps·(N·Σλ + M·λ_max) of the true one (Weyl), Σλ = ‖W‖_F². Counts against a
// threshold t (matrix_rank and numerical rank: σ > σ_max·N·eps, i.e. λ > λ_max·(N·eps)²; the λ ≤ 1e-5 fit
// filter; the weak rank λ < 1e-6) are then those of the exact eigenvalues unless some λ lies within δ of t.
// Where one does, the layer goes through gesdd (accurate small singular values) instead.
import type { EsdResult } from './esd.js';

/** Weak-rank threshold of WeightWatcher (λ < 1e-6 counts as a weak direction). */
const WEAK_RANK_THRESH = 1e-6;

/** δ, the absolute bound on the Gram route's eigenvalue error for this ESD (in its own units). */
export function gramErrorBound(e: EsdResult, eps: number): number {
  let sum = 0;
  let max = 0;
  for (const v of e.evals) {
    sum += Math.max(v, 0);
    if (v > max) max = v;
  }
  return 2 * eps * (e.N * sum + e.M * max);
}

/**
 * Why this Gram-route ESD cannot give the small-eigenvalue counts for sure (a reason to rerun it by gesdd),
 * or null when every count is certain. `eps` is the unit roundoff of the precision the Gram route ran in,
 * `rankEps` the one of the rank tolerance (resolution.ts rankDtype; default `eps`).
 */
export function gramUncertainty(e: EsdResult, eps: number, rankEps = eps): string | null {
  if (e.evals.length === 0) return null;
  const delta = gramErrorBound(e, eps);
  let max = 0;
  for (const v of e.evals) if (v > max) max = v;
  // matrix rank. One matrix: certain unless some λ lies within δ of the tolerance (far below it, λ counts as
  // zero whatever its error). Pooled conv2d slices: one-sided (λ ≤ tolerance + δ), since a slice's own
  // tolerance, from its own σ_max, is at most the pooled one.
  const rankTol = max * (e.N * rankEps) ** 2;
  const pooled = e.sliceSvals.length > 1;
  for (const v of e.evals) {
    if (pooled ? v <= rankTol + delta : Math.abs(v - rankTol) <= delta)
      return `an eigenvalue (${v.toPrecision(3)}) is within the Gram route's error bound (${delta.toPrecision(3)}) of the matrix-rank tolerance σ_max·N·eps`;
  }
  const checks: [string, number][] = [
    [`the fit threshold λ ≤ ${e.threshold}`, e.threshold],
    [`the weak-rank threshold λ < ${WEAK_RANK_THRESH}`, WEAK_RANK_THRESH],
  ];
  for (const [what, t] of checks) {
    for (const v of e.evals) {
      if (Math.abs(v - t) <= delta) return `an eigenvalue (${v.toPrecision(3)}) lies within the Gram route's error bound (${delta.toPrecision(3)}) of ${what}`;
    }
  }
  return null;
}
