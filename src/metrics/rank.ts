// Rank metrics of a weight matrix — formulas.md §8 (and stable_rank / matrix_rank of §3).
// All come from one set of singular values (native ?gesdd, never the Gram route: small σ decide ranks).
import { ldexp, representable, valueOf } from '../esd/scale.js';
import { fail } from '../errors.js';
import type { Matrix } from '../linalg/matrix.js';
import { runAsync, runSync, type Task } from './task.js';
import { shannonEntropy, spectrumFromSvdvals, spectrumOf, type Spectrum, type Svdvals, type SvdvalsInfo } from './spectrum.js';

export interface RankReport {
  /** ‖W‖_F² / ‖W‖_2² = Σσ² / σ_max² */
  stableRank: number;
  /** #{σ > tol}, tol = σ_max · max(rows, cols) · eps(dtype) — numpy.linalg.matrix_rank's rule */
  numericalRank: number;
  /** The tolerance used for numericalRank. */
  tol: number;
  /** Roy & Vetterli (2007): exp(−Σ p ln p), p = σ / Σσ */
  effectiveRank: number;
  /** min{r : Σ_{i≤r} σ² ≥ 0.9 Σσ²} */
  energyRank90: number;
  /** min{r : Σ_{i≤r} σ² ≥ 0.99 Σσ²} */
  energyRank99: number;
  /** (Σλ)² / Σλ², λ = σ² */
  participationRatio: number;
  /** Σσ */
  nuclearNorm: number;
  /** σ_max */
  spectralNorm: number;
  /** ‖W‖_F = sqrt(Σσ²) */
  frobeniusNorm: number;
}

// Scale-invariant metrics are computed on sp.u = σ·2^-e (exact, u_1 in [0.5, 1)): Σσ² at σ ≈ 1e200 or
// 1e-170 would overflow or underflow, Σu² cannot. Norms get 2^e back and are E_NONFINITE when out of range.
function nonzero(sp: Spectrum, fn: string): Float64Array {
  if (sp.s[0] === 0) fail('E_DEGENERATE', `${fn}: the matrix is zero, the metric is undefined`);
  return sp.u;
}

function sumSquares(u: Float64Array): number {
  let t = 0;
  for (const v of u) t += v * v;
  return t;
}

function stable(sp: Spectrum, fn: string): number {
  const u = nonzero(sp, fn);
  return sumSquares(u) / (u[0] * u[0]);
}

function tolOf(sp: Spectrum, fn: string): number {
  return representable(ldexp(sp.u[0] * sp.maxDim * sp.eps, sp.e), 'the rank tolerance σ_max·max(rows, cols)·eps', fn);
}

function numerical(sp: Spectrum): number {
  const tol = sp.u[0] * sp.maxDim * sp.eps; // compared in the scaled units, where it cannot overflow
  let r = 0;
  while (r < sp.u.length && sp.u[r] > tol) r++;
  return r;
}

function effective(sp: Spectrum, fn: string): number {
  return Math.exp(shannonEntropy(nonzero(sp, fn)));
}

function checkTau(tau: unknown, fn: string): number {
  if (typeof tau !== 'number' || !(tau > 0 && tau <= 1)) fail('E_OPTION', `${fn}: tau must be in (0, 1], got ${tau}`);
  return tau;
}

function energy(sp: Spectrum, tau: number, fn: string): number {
  const u = nonzero(sp, fn);
  const total = sumSquares(u);
  // Same order of operations as numpy's searchsorted(cumsum(λ)/Σλ, τ) + 1.
  let cum = 0;
  for (let r = 0; r < u.length; r++) {
    cum += u[r] * u[r];
    if (cum / total >= tau) return r + 1;
  }
  return u.length;
}

function participation(sp: Spectrum, fn: string): number {
  const u = nonzero(sp, fn);
  let sum = 0;
  let sum2 = 0;
  for (const v of u) {
    const l = v * v;
    sum += l;
    sum2 += l * l;
  }
  return (sum * sum) / sum2;
}

function nuclear(sp: Spectrum, fn: string): number {
  let t = 0;
  for (const v of sp.u) t += v;
  return valueOf({ m: t, e: sp.e }, 'the nuclear norm Σσ', fn);
}

function frobenius(sp: Spectrum, fn: string): number {
  return valueOf({ m: Math.sqrt(sumSquares(sp.u)), e: sp.e }, 'the Frobenius norm sqrt(Σσ²)', fn);
}

function report(sp: Spectrum, fn: string): RankReport {
  return {
    stableRank: stable(sp, fn),
    numericalRank: numerical(sp),
    tol: tolOf(sp, fn),
    effectiveRank: effective(sp, fn),
    energyRank90: energy(sp, 0.9, fn),
    energyRank99: energy(sp, 0.99, fn),
    participationRatio: participation(sp, fn),
    nuclearNorm: nuclear(sp, fn),
    spectralNorm: sp.s[0],
    frobeniusNorm: frobenius(sp, fn),
  };
}

/** Every rank metric from singular values already computed (no native call). */
export function rankFromSvdvals(s: Svdvals, info?: SvdvalsInfo): RankReport {
  return report(spectrumFromSvdvals(s, info, 'rankFromSvdvals'), 'rankFromSvdvals');
}

function* reportTask(x: Matrix | Svdvals, info: SvdvalsInfo | undefined, fn: string): Task<RankReport> {
  return report(yield* spectrumOf(x, info, fn), fn);
}

/** Every rank metric from one SVD. `x`: a Matrix, or its singular values (then `info` gives shape/dtype). */
export function rankReport(x: Matrix | Svdvals, info?: SvdvalsInfo): Promise<RankReport> {
  return runAsync(reportTask(x, info, 'rankReport'));
}
export function rankReportSync(x: Matrix | Svdvals, info?: SvdvalsInfo): RankReport {
  return runSync(reportTask(x, info, 'rankReportSync'));
}

// One function per metric, async (native SVD off the main thread) and Sync.
type Metric = (sp: Spectrum, fn: string) => number;

function* metricTask(x: Matrix | Svdvals, info: SvdvalsInfo | undefined, fn: string, f: Metric): Task<number> {
  return f(yield* spectrumOf(x, info, fn), fn);
}

function pair(name: string, f: Metric) {
  return [
    (x: Matrix | Svdvals, info?: SvdvalsInfo): Promise<number> => runAsync(metricTask(x, info, name, f)),
    (x: Matrix | Svdvals, info?: SvdvalsInfo): number => runSync(metricTask(x, info, `${name}Sync`, f)),
  ] as const;
}

/** ‖W‖_F² / ‖W‖_2² */
export const [stableRank, stableRankSync] = pair('stableRank', stable);
/** #{σ > σ_max · max(rows, cols) · eps(dtype)} (numpy.linalg.matrix_rank). 0 for a zero matrix. */
export const [numericalRank, numericalRankSync] = pair('numericalRank', numerical);
/** exp(entropy(σ / Σσ)) (Roy & Vetterli 2007) */
export const [effectiveRank, effectiveRankSync] = pair('effectiveRank', effective);
/** (Σσ²)² / Σσ⁴ */
export const [participationRatio, participationRatioSync] = pair('participationRatio', participation);
/** Σσ */
export const [nuclearNorm, nuclearNormSync] = pair('nuclearNorm', nuclear);

/** Smallest r whose top-r singular values hold a fraction τ of Σσ² (τ in (0, 1], e.g. 0.9, 0.99). */
export async function energyRank(x: Matrix | Svdvals, tau: number, info?: SvdvalsInfo): Promise<number> {
  const t = checkTau(tau, 'energyRank');
  return runAsync(metricTask(x, info, 'energyRank', (sp, fn) => energy(sp, t, fn)));
}
export function energyRankSync(x: Matrix | Svdvals, tau: number, info?: SvdvalsInfo): number {
  const t = checkTau(tau, 'energyRankSync');
  return runSync(metricTask(x, info, 'energyRankSync', (sp, fn) => energy(sp, t, fn)));
}
