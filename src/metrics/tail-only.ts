// A 'tail-only' α for layers too large for a full ESD (past maxN/maxEvals): the power law is fitted to the
// k largest eigenvalues from the randomized range finder (esd/randomized.ts), so xmin can only be chosen
// among them. Such an α is not the full-ESD α of WeightWatcher: it equals it when the full fit's xmin lies
// within the top k, and otherwise it is the best tail fit above λ_k. It is marked (`esdMode: 'tail-only'`,
// with a note), and tailOnlySummary keeps its mean apart from the full-ESD means.
import { fail } from '../errors.js';
import type { FloatArray } from '../binding.js';
import { randomizedTopEvals, type TopSpectrumOptions } from '../esd/randomized.js';
import { fitPowerLaw, type PowerLawFit, type XminRule } from '../fit/powerlaw.js';

export interface TailOnlyOptions extends Partial<TopSpectrumOptions> {
  xmin?: XminRule;
  fixFingers?: 'clip_xmax' | 'none';
}

export interface TailOnlyFit extends Omit<PowerLawFit, 'status'> {
  status: 'success' | 'failed';
  esdMode: 'tail-only';
  /** Eigenvalues computed (the top k): xmin is chosen among them. */
  k: number;
  lambdaMax: number;
  /** The largest relative residual bound r_j/λ̂_j over the tail (λ̂ ≥ xmin; esd/randomized.ts). */
  tailRelError: number;
  /** What a reader must know about this α, in words. */
  note: string;
}

/** Default k: a quarter of the eigenvalues, at least 256 (all of them for small layers), at most 2048. */
export function defaultTailK(rows: number, cols: number): number {
  const m = Math.min(rows, cols);
  return Math.min(m, Math.max(256, Math.min(2048, Math.ceil(m / 4))));
}

export async function tailOnlyAlpha(W: { data: FloatArray; shape: readonly [number, number] }, opts: TailOnlyOptions = {}): Promise<TailOnlyFit> {
  const [r, c] = W.shape;
  const k = opts.k ?? defaultTailK(r, c);
  const top = await randomizedTopEvals(W, { ...opts, k });
  const base = { esdMode: 'tail-only' as const, k, lambdaMax: top.evals[k - 1] };
  const fit = fitPowerLaw(top.evals, { ...(opts.xmin !== undefined ? { xmin: opts.xmin } : {}), ...(opts.fixFingers ? { fixFingers: opts.fixFingers } : {}) });
  if (fit.status !== 'success') return { ...fit, ...base, tailRelError: NaN, note: 'tail-only: the fit failed' };
  // the bound that matters: over the tail the fit used (λ ≥ xmin)
  let tailRelError = 0;
  for (let j = 0; j < k; j++) if (top.evals[j] >= fit.xmin) tailRelError = Math.max(tailRelError, top.residuals[j] / top.evals[j]);
  const atEdge = fit.xmin <= top.evals[0];
  const note =
    `tail-only: alpha from the top ${k} eigenvalues (randomized; each ≤ its true value, the tail's within ${tailRelError.toExponential(1)} relative of an eigenvalue); ` +
    (atEdge ? 'xmin is the smallest eigenvalue computed: a larger k may move it' : 'xmin lies inside the computed tail');
  return { ...fit, ...base, tailRelError, note };
}

/** Means of tail-only α, apart from the full-ESD summary (never averaged together). */
export function tailOnlySummary(fits: readonly Pick<TailOnlyFit, 'status' | 'alpha' | 'esdMode'>[]): { alpha: number; layers: number } {
  let s = 0;
  let n = 0;
  for (const f of fits) {
    if (f.esdMode !== 'tail-only') fail('E_OPTION', 'tailOnlySummary: every fit must be tail-only');
    if (f.status === 'success' && Number.isFinite(f.alpha)) {
      s += f.alpha;
      n++;
    }
  }
  return { alpha: n ? s / n : NaN, layers: n };
}
