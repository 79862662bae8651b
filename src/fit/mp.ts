// Marchenko–Pastur fit of an ESD: bulk edge, spikes, MP soft rank (formulas.md §4; WeightWatcher
// weightwatcher.py 4693-4787 and RMT_Util.py 762-853).
//
// Step by step as WW does it, so that num_spikes agrees exactly:
// 1. rescale x = λ·(n/Σλ) (mean 1); Q = 1 fits ν = √x with the quarter-circle law instead;
// 2. KDE of the fitted values (linear kernel, bandwidth 0.1) on linspace(0, max + 0.5, 1000), keeping
//    the grid points where the density > 0.01;
// 3. residual(σ) = Σ (law(σ) − KDE)² over those points, 1000 per point as a penalty when the MP upper
//    edge b lies below the KDE peak or beyond the grid, or the lower edge a lies above the peak;
// 4. brute force over σ ∈ [0.05 s0, 2 s0) step 0.01 s0, s0 = sqrt(max x)/(1 + Q^−½) (scipy.optimize.brute's
//    grid), then Nelder–Mead from the best grid point (scipy.optimize.fmin, see neldermead.ts);
// 5. λ₊ = (σ(1 + Q^−½))², TW = Q^−½ λ₊^{2/3} M^{−2/3}, spikes = #{x > λ₊ + √TW}, mp_softrank = λ₊ / max x.
import { fail } from '../errors.js';
import { checkOptions } from '../linalg/options.js';
import { sortedEvals } from './data.js';
import { kdeLinear, linspace } from './kde.js';
import { mpEdges, mpPdf, quarterCirclePdf, tracyWidom } from './mplaw.js';
import { fmin1d } from './neldermead.js';

export interface MpOptions {
  /** Aspect ratio N/M (≥ 1) of the matrix (of one slice for conv2d). */
  Q: number;
  /** Smaller dimension M used in the Tracy–Widom width. Default: the number of eigenvalues. */
  M?: number;
  /** KDE bandwidth. Default 0.1 (WW). */
  bandwidth?: number;
}

export interface MpFit {
  /**
   * 'failed': no fit (too few eigenvalues, or every σ searched is penalised: the MP bulk cannot be placed
   * around the density's peak) — the numbers are NaN. 'at-bound': the best σ is an end of the searched range
   * [0.05 s0, 2 s0), so the true optimum lies outside it and the numbers are bounds, not measurements
   * (mp_softrank = 0.0025 exactly at the lower end). Both say why in `reason`.
   */
  status: 'success' | 'failed' | 'at-bound';
  reason: string | null;
  /** Fitted σ of the MP law, in rescaled units (mean eigenvalue 1), WW's sigma_mp. */
  sigmaMp: number;
  /** MP bulk edges λ₋, λ₊ in the original units of the eigenvalues. */
  bulkMin: number;
  bulkMax: number;
  /** Eigenvalues above λ₊ + √TW (the Tracy–Widom-widened edge). */
  numSpikes: number;
  /** λ₊ / λ_max. */
  mpSoftrank: number;
  /** The spike cutoff λ₊ + √TW, in original units. */
  twThreshold: number;
  /** Rescaling factor n/Σλ (WW's W_scale²). */
  scale: number;
  Q: number;
}

const OPTS = ['Q', 'M', 'bandwidth'] as const;

function failedMp(reason: string, Q: number): MpFit {
  return {
    status: 'failed',
    reason,
    sigmaMp: NaN,
    bulkMin: NaN,
    bulkMax: NaN,
    numSpikes: NaN,
    mpSoftrank: NaN,
    twThreshold: NaN,
    scale: NaN,
    Q,
  };
}

/** The residual of a σ whose MP edges miss the density's peak (WW: 1000 per grid point, squared). */
const penaltyOf = (points: number): number => 1000 * 1000 * points;

/** The residual WW minimises (resid_mp with allresid=False). */
function residual(xg: Float64Array, yg: Float64Array, Q: number): (s: number) => number {
  let peak = 0;
  for (let i = 1; i < yg.length; i++) if (yg[i] > yg[peak]) peak = i;
  const xPeak = xg[peak];
  const xMax = xg[xg.length - 1];
  return (s: number): number => {
    let r = 0;
    if (Q === 1) {
      for (let i = 0; i < xg.length; i++) {
        const d = quarterCirclePdf(xg[i], s) - yg[i];
        r += d * d;
      }
      return r;
    }
    const { a, b } = mpEdges(Q, s);
    if (b < xPeak || b > xMax || a > xPeak) return penaltyOf(xg.length);
    for (let i = 0; i < xg.length; i++) {
      const d = mpPdf(xg[i], Q, s, a, b) - yg[i];
      r += d * d;
    }
    return r;
  };
}

function argmax(y: Float64Array): number {
  let k = 0;
  for (let i = 1; i < y.length; i++) if (y[i] > y[k]) k = i;
  return k;
}

/** Marchenko–Pastur fit of all the eigenvalues of a layer (unfiltered, any order). */
export function fitMarchenkoPastur(evals: ArrayLike<number>, opts: MpOptions): MpFit {
  const fn = 'fitMarchenkoPastur';
  if (opts === undefined) fail('E_OPTION', `${fn}: options { Q } are required`);
  const o = checkOptions(opts, OPTS, fn);
  const Q = o.Q;
  if (typeof Q !== 'number' || !Number.isFinite(Q) || Q < 1)
    fail('E_OPTION', `${fn}: Q must be a finite number >= 1 (N/M with N = max dimension), got ${String(Q)}`);
  const bw = o.bandwidth ?? 0.1;
  if (typeof bw !== 'number' || !Number.isFinite(bw) || bw <= 0)
    fail('E_OPTION', `${fn}: bandwidth must be a finite number > 0, got ${String(bw)}`);
  const lam = sortedEvals(evals, fn);
  const n = lam.length;
  const M = o.M ?? n;
  if (typeof M !== 'number' || !Number.isSafeInteger(M) || M < 1)
    fail('E_OPTION', `${fn}: M must be a positive integer, got ${String(M)}`);
  if (n < 2) return failedMp(`need at least 2 eigenvalues, have ${n}`, Q);
  if (lam[0] < 0) fail('E_OPTION', `${fn}: eigenvalues of WᵀW cannot be negative, got ${lam[0]}`);
  let sum = 0;
  for (const v of lam) sum += v;
  if (!(sum > 0)) return failedMp('all eigenvalues are zero', Q);
  // WW: Wscale = sqrt(n)/sqrt(Σλ), x = Wscale²·λ.
  const wscale = Math.sqrt(n) / Math.sqrt(sum);
  const scale = wscale * wscale;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = scale * lam[i];
  const lambdaMax = x[n - 1];
  const toFit = Q === 1 ? x.map(Math.sqrt) : x;
  const grid = linspace(0, toFit[n - 1] + 0.5, 1000);
  const dens = kdeLinear(toFit, grid, bw);
  let kept = 0;
  for (const d of dens) if (d > 0.01) kept++;
  if (kept === 0) return failedMp('the kernel density estimate is below 0.01 everywhere', Q);
  const xg = new Float64Array(kept);
  const yg = new Float64Array(kept);
  for (let i = 0, j = 0; i < dens.length; i++)
    if (dens[i] > 0.01) {
      xg[j] = grid[i];
      yg[j++] = dens[i];
    }
  const resid = residual(xg, yg, Q);
  // scipy.optimize.brute over numpy.mgrid[start:stop:step], then fmin from the best grid point.
  const s0 = Math.sqrt(lambdaMax / Math.pow(1 + 1 / Math.sqrt(Q), 2));
  const start = 0.05 * s0;
  const stop = 2.0 * s0;
  const step = 0.01 * s0;
  const size = Math.ceil((stop - start) / step);
  let bestS = start;
  let bestR = Infinity;
  let bestI = 0;
  for (let i = 0; i < size; i++) {
    const s = i * step + start;
    const r = resid(s);
    if (r < bestR) {
      bestR = r;
      bestS = s;
      bestI = i;
    }
  }
  if (bestR >= penaltyOf(xg.length)) {
    return failedMp(
      `every σ in the search range [${start}, ${stop}) is penalised: no MP bulk [a, b] can hold the density's peak ` +
        `(at x = ${xg[argmax(yg)]} of the rescaled eigenvalues), so there is no MP fit`,
      Q,
    );
  }
  const sigma = fmin1d(resid, bestS).x;
  // The grid's best at an end of the range, and Nelder–Mead (unconstrained) could not improve on it: the fit
  // stopped at its search bound (mp_softrank = 0.0025 exactly at the lower one), and the optimum is unknown.
  const atBound = sigma === bestS && bestI === 0 ? 'lower' : sigma === bestS && bestI === size - 1 ? 'upper' : null;
  const bulkMax = Math.pow(sigma * (1 + 1 / Math.sqrt(Q)), 2);
  const bulkMin = Math.pow(sigma * (1 - 1 / Math.sqrt(Q)), 2);
  const cutoff = bulkMax + Math.sqrt(tracyWidom(Q, bulkMax, M));
  let numSpikes = 0;
  for (let i = n - 1; i >= 0 && x[i] > cutoff; i--) numSpikes++;
  return {
    status: atBound ? 'at-bound' : 'success',
    reason: atBound
      ? `σ = ${sigma} stopped at the ${atBound} end of the search range [${start}, ${stop}): the numbers are bounds, not measurements`
      : null,
    sigmaMp: sigma,
    bulkMin: bulkMin / scale,
    bulkMax: bulkMax / scale,
    numSpikes,
    mpSoftrank: bulkMax / lambdaMax,
    twThreshold: cutoff / scale,
    scale,
    Q,
  };
}
