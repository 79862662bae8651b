// Norm metrics of an ESD (formulas.md §3; WeightWatcher weightwatcher.py 4525-4564, RMT_Util.py
// matrix_rank / matrix_entropy / detX_constraint), on the unnormalised eigenvalues λ.
// Sums are taken over λ·2^-e (exact, λ_max·2^-e in [0.5, 1)): Σλ of finite eigenvalues can overflow where
// the ratios (stable rank, p = λ/Σλ, detX's λ·n/Σλ) are ordinary numbers.
import { floatKind } from '../../esd/args.js';
import { ldexp, ldexpFast, exponentOf, representable } from '../../esd/scale.js';
import { fail } from '../../errors.js';

export interface NormMetrics {
  /** Σλ = ‖W‖_F² */
  norm: number;
  logNorm: number;
  /** λ_max = ‖W‖₂² */
  spectralNorm: number;
  logSpectralNorm: number;
  /** α·log10 λ_max (NaN when the fit failed) */
  alphaWeighted: number;
  /** log10 Σ λ^α (NaN when the fit failed) */
  logAlphaNorm: number;
  /** Σλ / λ_max */
  stableRank: number;
  /** #{σ > σ_max·N·eps} */
  matrixRank: number;
  /**
   * −Σ p ln p / ln(rank), p = λ/Σλ + 1e-10 (WW's EPSILON), rank + 1e-10. For rank 1 this is 0/0 (WW returns
   * ~1/1e-10 of rounding noise, e.g. 666.7): it is 0 here, the limit as the second eigenvalue vanishes
   * (all the energy in one direction); NaN for a zero ESD.
   */
  entropy: number;
  /** WW's detX count: tail size where Π e_j (e = λ·n/Σλ) first drops below 1 from the top. */
  detXNum: number;
  /** The eigenvalue at that index, original units. */
  detXVal: number;
}

/** Non-negative finite values (eigenvalues or singular values), ascending: a sorted copy when they are not. */
function checkValues(v: unknown, fn: string, ascending: boolean): Float64Array {
  const ok = floatKind(v) !== undefined || Array.isArray(v);
  if (!ok) fail('E_DTYPE', `${fn}: expected a Float64Array (or Float32Array, number[]) of eigenvalues`);
  const a = v as ArrayLike<unknown>;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) fail('E_NONFINITE', `${fn}: value ${i} is ${String(x)}`);
    if (x < 0) fail('E_SHAPE', `${fn}: value ${i} is negative (${x})`);
  }
  const out = floatKind(v) === 'float64' ? (v as Float64Array) : Float64Array.from(a as ArrayLike<number>);
  if (!ascending) return out;
  for (let i = 1; i < out.length; i++) if (out[i] < out[i - 1]) return Float64Array.from(out).sort();
  return out;
}

function checkRankArgs(N: unknown, eps: unknown, fn: string): void {
  if (typeof N !== 'number' || !Number.isSafeInteger(N) || N < 1) fail('E_OPTION', `${fn}: N must be a positive integer, got ${String(N)}`);
  if (typeof eps !== 'number' || !(eps > 0 && eps < 1)) fail('E_OPTION', `${fn}: eps must be in (0, 1), got ${String(eps)}`);
}

/** numpy.linalg.matrix_rank on singular values: #{σ > max σ · N · eps}. */
export function matrixRank(svals: ArrayLike<number>, N: number, eps: number): number {
  checkRankArgs(N, eps, 'matrixRank');
  svals = checkValues(svals, 'matrixRank', false);
  let max = 0;
  for (let i = 0; i < svals.length; i++) if (svals[i] > max) max = svals[i];
  const tol = max * N * eps;
  let r = 0;
  for (let i = 0; i < svals.length; i++) if (svals[i] > tol) r++;
  return r;
}

/** log10 Σ λ^α without overflow (log-sum-exp around the largest term). */
function log10SumPow(evals: Float64Array, alpha: number): number {
  const top = alpha * Math.log(evals[evals.length - 1]);
  let s = 0;
  for (const v of evals) s += Math.exp(alpha * Math.log(v) - top);
  return (top + Math.log(s)) / Math.LN10;
}

/** detX_constraint of WW on ascending eigenvalues, in log space (Π e_j < 1 ⇔ Σ ln e_j < 0). */
export function detX(evals: Float64Array): { num: number; idx: number } {
  evals = checkValues(evals, 'detX', true);
  const n = evals.length;
  if (n < 2 || !(evals[0] < evals[n - 1])) return { num: 0, idx: 0 };
  const e = exponentOf(evals[n - 1]);
  let sum = 0;
  for (const v of evals) sum += ldexpFast(v, -e);
  const scale = n / sum;
  let logProd = 0;
  for (let idx = n - 1; idx >= 1; idx--) {
    logProd += Math.log(ldexpFast(evals[idx], -e) * scale);
    if (logProd < 0) return { num: n - idx, idx };
  }
  return { num: n, idx: 1 }; // Python leaves idx at the loop's last value
}

/**
 * Norm metrics of ascending eigenvalues `evals` (all of them, unfiltered), given the fitted α (NaN if
 * the fit failed), the larger dimension N and the machine epsilon of the computation's dtype.
 */
export function normMetrics(evals: Float64Array, alpha: number, N: number, eps: number): NormMetrics {
  evals = checkValues(evals, 'normMetrics', true);
  if (evals.length === 0) fail('E_SHAPE', 'normMetrics: no eigenvalues');
  if (typeof alpha !== 'number') fail('E_OPTION', `normMetrics: alpha must be a number (NaN for a failed fit), got ${String(alpha)}`);
  checkRankArgs(N, eps, 'normMetrics');
  const n = evals.length;
  const lmax = evals[n - 1];
  const e = exponentOf(lmax);
  let sumScaled = 0;
  for (const v of evals) sumScaled += ldexpFast(v, -e);
  const norm = representable(ldexp(sumScaled, e), 'the norm Σλ = ‖W‖_F²', 'normMetrics');
  const logSpectralNorm = Math.log10(lmax);
  const svals = evals.map((v) => Math.sqrt(Math.max(v, 0)));
  const rank = matrixRank(svals, N, eps);
  let h = 0;
  for (const v of evals) {
    const p = ldexpFast(v, -e) / sumScaled + 1e-10;
    h -= p * Math.log(p);
  }
  const { num, idx } = detX(evals);
  const ok = Number.isFinite(alpha);
  return {
    norm,
    logNorm: Math.log10(norm),
    spectralNorm: lmax,
    logSpectralNorm,
    alphaWeighted: ok ? alpha * logSpectralNorm : NaN,
    logAlphaNorm: ok ? log10SumPow(evals, alpha) : NaN,
    stableRank: sumScaled / ldexpFast(lmax, -e),
    matrixRank: rank,
    entropy: rank === 1 ? 0 : h / Math.log(rank + 1e-10),
    detXNum: num,
    detXVal: n >= 2 ? evals[idx] : NaN,
  };
}
