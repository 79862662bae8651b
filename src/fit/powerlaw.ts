// Power-law fit of the ESD tail: the heavy-tail exponent α (formulas.md §2).
// Continuous MLE (Clauset, Shalizi & Newman 2009) with xmin chosen by one of the rules below, and
// WeightWatcher's clip_xmax "fix fingers" refit (RMT_Util.py 950-1070).
//
// What is not a fit. α measures the spread of the tail: α − 1 = k / Σ ln(x_j / xmin) ≥ 1 / ln(xmax / xmin), so
// a tail whose eigenvalues (nearly) agree gives an enormous α — an orthonormal float32 matrix, whose
// eigenvalues are 1 up to rounding, gave α = 5e6 from the rounding alone. Two rules keep such numbers out:
// - resolution: each eigenvalue is only known to ±resolution·λ_max (the caller says how well: the eps of the
//   stored and the computing dtype, times the route's error; see esd/resolution.ts). An xmin candidate whose
//   tail spans less than RESOLVE (10) times that, x_max − x_i < 10·resolution·λ_max, measures rounding, not
//   a distribution: it is not a candidate, and a fit with no candidate left fails;
// - range: a fit with α > ALPHA_MAX (1000) fails. No heavy-tail reading tells α = 1000 from α = 100 (WW calls
//   α > 6 under-trained), and no weight without structure comes near it: Gaussian random matrices, whose MP
//   bulk edge is the narrowest tail a real layer has, gave α ≤ 61 at sizes up to 50000 × 500 and 2048 × 8192
//   (measured with this fit, as of writing).
import { fail } from '../errors.js';
import { checkOptions } from '../linalg/options.js';
import { firstAbove, firstAtLeast, sortedEvals } from './data.js';
import { histogram } from './histogram.js';
import { ksDistanceNaive, scanKs, scanKsNaive, TailSums, type ScanResult } from './ks.js';

/**
 * How xmin is chosen:
 * - 'ks' (default; WW, YG "goodness-of-fit"): the first argmin of the KS distance D over every
 *   candidate but the last;
 * - 'mid' (YG xmin_mid, TempBalance "median"): xmin = x[floor(n / xminPos)];
 * - 'peak' (YG xmin_peak, TempBalance "fix-finger"): candidates up to 1.5× the left edge of the tallest
 *   bin of a 100-bin histogram of log10 x, argmin D among them. The reference code also skips candidates
 *   below log10(0.95·edge) — a raw value compared with a logarithm, which almost never binds; we leave that
 *   lower bound out (as formulas.md's reference does) rather than reproduce or "fix" it;
 * - a number: fixed xmin, snapped to the nearest eigenvalue (as WW's find_limit does).
 */
export type XminRule = 'ks' | 'mid' | 'peak' | number;

export interface PowerLawOptions {
  xmin?: XminRule;
  /** For xmin 'mid': the index is floor(n / xminPos). Default 2 (Model Balancing uses 1.5). */
  xminPos?: number;
  /** 'clip_xmax': refit with the top eigenvalues removed to drop finite-size "fingers". Default none. */
  fixFingers?: 'clip_xmax' | 'none';
  /** clip_xmax tries removing idx = 2 .. maxFingers−1 top eigenvalues. Default 10 (WW). */
  maxFingers?: number;
  /** clip_xmax accepts the first refit with α + fingerThresh < α_original. Default 1 (WW). */
  fingerThresh?: number;
  /** Eigenvalues ≤ threshold are dropped before fitting. Default 1e-5 (WW); 0 keeps every positive one. */
  threshold?: number;
  /**
   * Relative accuracy of the eigenvalues: each is known to ±resolution·λ_max. Tails narrower than 10× that are
   * not fitted (see the header). Default: the eps of the input's dtype (2^-23 for a Float32Array, else 2^-52).
   */
  resolution?: number;
}

/** A tail must span RESOLVE times the eigenvalues' accuracy to be fitted. */
export const RESOLVE = 10;
/** Fits with a larger α fail: outside any meaningful heavy-tail range. */
export const ALPHA_MAX = 1000;

export type FitWarning = '' | 'over-trained' | 'under-trained';

export interface PowerLawFit {
  /** 'failed' fits carry NaN in every number and say why in `reason`. */
  status: 'success' | 'failed';
  reason: string | null;
  alpha: number;
  xmin: number;
  /** Largest eigenvalue of the data fitted (after clipping fingers). */
  xmax: number;
  /** KS distance of the fit. */
  D: number;
  /** Standard error of α: (α − 1)/√k. */
  sigma: number;
  /** Eigenvalues ≥ xmin (the tail size k; with clip_xmax the clipped fingers count too, as in WW). */
  numPlSpikes: number;
  /** 'over-trained' when α < 2, 'under-trained' when α > 6 (WW 4412); '' otherwise or when failed. */
  warning: FitWarning;
  xminRule: 'ks' | 'mid' | 'peak' | 'fixed';
  /** Eigenvalues fitted (after the threshold). */
  n: number;
  numBelowThreshold: number;
  /** clip_xmax only: eigenvalues clipped minus one, WW's num_fingers (0 when no refit was accepted). */
  numFingers: number;
  /** clip_xmax only: α before clipping (NaN otherwise). */
  rawAlpha: number;
}

const OPTS = ['xmin', 'xminPos', 'fixFingers', 'maxFingers', 'fingerThresh', 'threshold', 'resolution'] as const;

interface Settings {
  rule: 'ks' | 'mid' | 'peak' | 'fixed';
  fixed: number;
  xminPos: number;
  clip: boolean;
  maxFingers: number;
  fingerThresh: number;
  threshold: number;
  resolution: number | undefined;
}

function settings(opts: PowerLawOptions | undefined, fn: string): Settings {
  const o = checkOptions(opts, OPTS, fn);
  const x = o.xmin ?? 'ks';
  let rule: Settings['rule'];
  let fixed = NaN;
  if (typeof x === 'number') {
    if (!Number.isFinite(x) || x <= 0) fail('E_OPTION', `${fn}: a numeric xmin must be finite and > 0, got ${x}`);
    rule = 'fixed';
    fixed = x;
  } else if (x === 'ks' || x === 'mid' || x === 'peak') rule = x;
  else fail('E_OPTION', `${fn}: xmin must be 'ks', 'mid', 'peak' or a number, got ${JSON.stringify(x)}`);
  const xminPos = o.xminPos ?? 2;
  if (typeof xminPos !== 'number' || !Number.isFinite(xminPos) || xminPos < 1)
    fail('E_OPTION', `${fn}: xminPos must be a finite number >= 1, got ${String(xminPos)}`);
  const ff = o.fixFingers ?? 'none';
  if (ff !== 'none' && ff !== 'clip_xmax')
    fail('E_OPTION', `${fn}: fixFingers must be 'clip_xmax' or 'none', got ${JSON.stringify(ff)}`);
  const maxFingers = o.maxFingers ?? 10;
  if (!Number.isSafeInteger(maxFingers) || maxFingers < 2)
    fail('E_OPTION', `${fn}: maxFingers must be an integer >= 2, got ${String(maxFingers)}`);
  const fingerThresh = o.fingerThresh ?? 1;
  if (typeof fingerThresh !== 'number' || !Number.isFinite(fingerThresh) || fingerThresh < 0)
    fail('E_OPTION', `${fn}: fingerThresh must be a finite number >= 0, got ${String(fingerThresh)}`);
  const threshold = o.threshold ?? 1e-5;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0)
    fail('E_OPTION', `${fn}: threshold must be a finite number >= 0, got ${String(threshold)}`);
  const resolution = o.resolution;
  if (resolution !== undefined && (typeof resolution !== 'number' || !Number.isFinite(resolution) || resolution < 0 || resolution >= 0.1))
    fail('E_OPTION', `${fn}: resolution must be a number in [0, 0.1), got ${String(resolution)}`);
  return { rule, fixed, xminPos, clip: ff === 'clip_xmax', maxFingers, fingerThresh, threshold, resolution };
}

type Pick = ScanResult | { reason: string };

/** Index of the eigenvalue nearest to v in x[0..end) (first one on a tie, like numpy.argmin). */
function nearest(x: Float64Array, end: number, v: number): number {
  const j = Math.min(firstAtLeast(x.subarray(0, end), v), end - 1);
  return j > 0 && Math.abs(x[j - 1] - v) <= Math.abs(x[j] - v) ? j - 1 : j;
}

/** Candidates allowed by the 'peak' rule: i < stop. */
function peakStop(x: Float64Array, end: number): number {
  const lg = new Float64Array(end);
  for (let i = 0; i < end; i++) lg[i] = Math.log10(x[i]);
  const { counts, edges } = histogram(lg, 100);
  let ih = 0;
  for (let b = 1; b < counts.length; b++) if (counts[b] > counts[ih]) ih = b;
  const xminMax = 1.5 * Math.pow(10, edges[ih]);
  let stop = 0;
  while (stop < end - 1 && !(x[stop] > xminMax)) stop++;
  return stop;
}

/**
 * Fit on x[0..end) with one xmin rule. `naive` uses the O(n²) reference scan. Only candidates i < `resolved`
 * (tails wider than the eigenvalues' accuracy `tol`) are fitted.
 */
function pick(x: Float64Array, sums: TailSums, end: number, s: Settings, naive: boolean, tol: number): Pick {
  if (end < 2) return { reason: `need at least 2 eigenvalues above the threshold, have ${end}` };
  // the tail x_i..x_{end−1} spans x_{end−1} − x_i, which shrinks with i: the resolved candidates are a prefix
  const resolved = tol > 0 ? Math.min(firstAbove(x.subarray(0, end), x[end - 1] - tol), end - 1) : end - 1;
  const unresolved = (i: number): string =>
    `degenerate tail: the eigenvalues from xmin = ${x[i]} to ${x[end - 1]} agree to within ${RESOLVE}× their ` +
    `accuracy (±${tol / RESOLVE}), so the fit would measure rounding (an orthogonal or near-isometric weight has no power-law tail)`;
  const alphaAt = (i: number): number => {
    if (!naive) return sums.alpha(i, end);
    let denom = 0;
    for (let j = i; j < end; j++) denom += Math.log(x[j] / x[i]);
    return denom > 0 ? 1 + (end - i) / denom : NaN;
  };
  let i: number;
  if (s.rule === 'ks' || s.rule === 'peak') {
    const stop = Math.min(s.rule === 'ks' ? end - 1 : peakStop(x, end), resolved);
    if (stop <= 0) return { reason: unresolved(0) };
    const r = naive ? scanKsNaive(x, stop, end) : scanKs(sums, stop, end);
    return r ?? { reason: 'every xmin candidate has a degenerate tail (all values equal)' };
  } else if (s.rule === 'mid') {
    i = Math.floor(end / s.xminPos);
    if (i > end - 2) return { reason: `xmin index floor(${end}/${s.xminPos}) = ${i} leaves fewer than 2 tail values` };
  } else {
    i = nearest(x, end, s.fixed);
    if (i > end - 2) return { reason: `xmin ${s.fixed} is at or above the largest eigenvalue ${x[end - 1]}` };
  }
  if (i >= resolved) return { reason: unresolved(i) };
  const alpha = alphaAt(i);
  if (!(alpha > 1)) return { reason: `the tail above xmin = ${x[i]} is degenerate (all values equal)` };
  return { i, alpha, D: ksDistanceNaive(x, i, alpha, end) };
}

function failed(reason: string, s: Settings, n: number, below: number): PowerLawFit {
  return {
    status: 'failed',
    reason,
    alpha: NaN,
    xmin: NaN,
    xmax: NaN,
    D: NaN,
    sigma: NaN,
    numPlSpikes: NaN,
    warning: '',
    xminRule: s.rule,
    n,
    numBelowThreshold: below,
    numFingers: 0,
    rawAlpha: NaN,
  };
}

export function warningFor(alpha: number): FitWarning {
  if (alpha < 2) return 'over-trained';
  if (alpha > 6) return 'under-trained';
  return '';
}

function fit(evals: unknown, opts: PowerLawOptions | undefined, fn: string, naive: boolean): PowerLawFit {
  const s = settings(opts, fn);
  const all = sortedEvals(evals, fn);
  // Eigenvalues ≤ threshold are dropped; non-positive ones always (ln 0 is undefined).
  const below = firstAbove(all, Math.max(s.threshold, 0));
  const x = all.subarray(below);
  const n = x.length;
  const sums = new TailSums(x);
  const resolution = s.resolution ?? (evals instanceof Float32Array ? 2 ** -23 : 2 ** -52);
  const tol = RESOLVE * resolution * (all.length > 0 ? Math.abs(all[all.length - 1]) : 0);
  const first = pick(x, sums, n, s, naive, tol);
  if ('reason' in first) return failed(first.reason, s, n, below);
  let best = first;
  let end = n;
  let numFingers = 0;
  if (s.clip) {
    // WW fit_clipped_powerlaw: drop the top idx eigenvalues, idx = 2 .. maxFingers−1; accept the first
    // refit with α + fingerThresh < α_original (num_fingers = idx − 1, WW's count); stop once α ≤ 2.
    for (let idx = 2; idx < s.maxFingers && n - idx >= 2; idx++) {
      const r = pick(x, sums, n - idx, s, naive, tol);
      if ('reason' in r) break;
      if (r.alpha + s.fingerThresh < first.alpha) {
        best = r;
        end = n - idx;
        numFingers = idx - 1;
        break;
      }
      if (r.alpha <= 2) break;
    }
  }
  const k = end - best.i;
  const xmin = x[best.i];
  if (best.alpha > ALPHA_MAX) {
    return failed(
      `alpha = ${best.alpha.toPrecision(4)} is outside any meaningful heavy-tail range (1 < α ≤ ${ALPHA_MAX}): the tail ` +
        `from xmin = ${xmin} to ${x[end - 1]} is an atom, not a power law (a near-isometric weight?)`,
      s, n, below,
    );
  }
  return {
    status: 'success',
    reason: null,
    alpha: best.alpha,
    xmin,
    xmax: x[end - 1],
    D: best.D,
    sigma: (best.alpha - 1) / Math.sqrt(k),
    numPlSpikes: n - firstAtLeast(x, xmin),
    warning: warningFor(best.alpha),
    xminRule: s.rule,
    n,
    numBelowThreshold: below,
    numFingers,
    rawAlpha: s.clip ? first.alpha : NaN,
  };
}

/**
 * Power-law fit of eigenvalues (any order). The KS scan is the fast exact branch-and-bound of ks.ts.
 * Bad input (not numbers, NaN/Inf, bad options) throws a WeightscopeError; a fit that cannot be made
 * (too few values, degenerate tail) returns status 'failed' with the reason.
 */
export function fitPowerLaw(evals: ArrayLike<number>, opts?: PowerLawOptions): PowerLawFit {
  return fit(evals, opts, 'fitPowerLaw', false);
}

/**
 * Reference only: the same fit with the O(n²) scan and direct sums, written as formulas.md §2 reads.
 * Exported for benchmarks and cross-checks; use fitPowerLaw.
 */
export function fitPowerLawNaive(evals: ArrayLike<number>, opts?: PowerLawOptions): PowerLawFit {
  return fit(evals, opts, 'fitPowerLawNaive', true);
}
