// The empirical spectral density of a layer: eigenvalues of WᵀW (formulas.md §1), unnormalised as in
// WeightWatcher unless normalize: 'N'.
//
// Route: singular values by ?gesdd (svdvals / svdvalsBatch), squared. Chosen over the faster Gram route
// (?syrk + ?syevd) by default because the ESD feeds quantities that need the small eigenvalues right:
// matrix_rank and entropy (σ > σ_max·N·eps), the λ ≤ 1e-5 filter (in float32 the Gram route's noise
// floor, ~1e-7·λ_max, lets zero eigenvalues of rank-deficient weights through the filter), and
// rank_loss. method: 'gram' is offered for speed on large dense layers when only α is wanted.
import { fail } from '../errors.js';
import {
  gramEigvalsh,
  gramEigvalshSync,
  svdvals,
  svdvalsBatch,
  svdvalsBatchSync,
  svdvalsSync,
  type FloatArray,
  type Matrix,
} from '../linalg/index.js';
import { checkOptions, type Backend } from '../linalg/options.js';
import { skipReason, type LimitOptions } from './limits.js';
import { toSlices, type LayerType, type WeightInput, type WeightOptions, type WeightSlices } from './weights.js';

/** Eigenvalue threshold of WeightWatcher (constants.py:190): λ ≤ 1e-5 are dropped before the fit. */
export const WW_EVALS_THRESH = 1e-5;

/**
 * Which tool's conventions to follow for the fit threshold: 'ww' drops λ ≤ 1e-5 before the power-law
 * fit; 'farms' and 'tempbalance' (FARMS, TempBalance, AlphaPruning code) keep every eigenvalue.
 */
export type EsdPreset = 'ww' | 'farms' | 'tempbalance';

export interface EsdOptions extends WeightOptions, LimitOptions {
  /** 'none' (default, WW): λ = σ². 'N': λ = σ²/N (eigenvalues of WᵀW/N). */
  normalize?: 'none' | 'N';
  /** Eigenvalues ≤ threshold are left out of `fitEvals`. Default from preset (1e-5 for 'ww'). */
  threshold?: number;
  preset?: EsdPreset;
  /** 'gesdd' (default, accurate small eigenvalues) or 'gram' (?syrk + ?syevd, faster, see header). */
  method?: 'gesdd' | 'gram';
  /** Where the SVDs run: 'auto' (default), 'cpu' or 'cuda' (see linalg's BackendOptions). */
  backend?: Backend;
}

export interface EsdResult {
  /** All eigenvalues, ascending, float64 (already × evalScale and / N when normalized). */
  evals: Float64Array;
  /** The eigenvalues > threshold: the data of the power-law fit (a view into evals). */
  fitEvals: Float64Array;
  threshold: number;
  numBelowThreshold: number;
  layerType: LayerType;
  layout: 'oihw' | 'hwio' | null;
  shape: number[];
  N: number;
  M: number;
  Q: number;
  rf: number;
  evalScale: number;
  normalize: 'none' | 'N';
  dtype: 'float32' | 'float64';
  /** Which native routine produced the eigenvalues. */
  route: 'gesdd' | 'gesdd-batch' | 'gram';
  /** Singular values of each slice, descending (after scaling), for rank metrics. */
  sliceSvals: Float64Array[];
  /** Why the layer was skipped (size limits), or null. Skipped layers have no eigenvalues. */
  skipped: string | null;
}

const OPTS = [
  'layerType',
  'layout',
  'conv2dNorm',
  'minEvals',
  'maxEvals',
  'maxN',
  'normalize',
  'threshold',
  'preset',
  'method',
  'backend',
] as const;

interface Plan {
  w: WeightSlices;
  normalize: 'none' | 'N';
  threshold: number;
  method: 'gesdd' | 'gram';
  skipped: string | null;
}

/** Default fit threshold of a preset. */
export function presetThreshold(preset: EsdPreset | undefined, fn: string): number {
  const p = preset ?? 'ww';
  if (p !== 'ww' && p !== 'farms' && p !== 'tempbalance')
    fail('E_OPTION', `${fn}: preset must be 'ww', 'farms' or 'tempbalance', got ${JSON.stringify(p)}`);
  return p === 'ww' ? WW_EVALS_THRESH : 0;
}

export function checkThreshold(t: unknown, fn: string): number {
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0)
    fail('E_OPTION', `${fn}: threshold must be a finite number >= 0, got ${String(t)}`);
  return t;
}

function plan(W: WeightInput, opts: EsdOptions | undefined, fn: string): Plan {
  const o = checkOptions(opts, OPTS, fn);
  const normalize = o.normalize ?? 'none';
  if (normalize !== 'none' && normalize !== 'N')
    fail('E_OPTION', `${fn}: normalize must be 'none' or 'N', got ${JSON.stringify(normalize)}`);
  const method = o.method ?? 'gesdd';
  if (method !== 'gesdd' && method !== 'gram')
    fail('E_OPTION', `${fn}: method must be 'gesdd' or 'gram', got ${JSON.stringify(method)}`);
  const threshold = checkThreshold(o.threshold ?? presetThreshold(o.preset, fn), fn);
  if (o.threshold !== undefined) presetThreshold(o.preset, fn);
  const w = toSlices(W, o, fn);
  return { w, normalize, threshold, method, skipped: skipReason(w.N, w.M, o, fn, w.rf) };
}

/** Squares (and scales) singular values; ascending eigenvalues of all slices pooled. */
function assemble(p: Plan, svals: FloatArray[] | null, gramEvals: FloatArray[] | null): EsdResult {
  const { w } = p;
  const scale = w.evalScale / (p.normalize === 'N' ? w.N : 1);
  const sliceSvals: Float64Array[] = [];
  const parts = svals ?? gramEvals ?? [];
  let total = 0;
  for (const s of parts) total += s.length;
  const evals = new Float64Array(total);
  let k = 0;
  const sq = Math.sqrt(scale);
  for (const s of parts) {
    const sv = new Float64Array(s.length);
    if (svals) {
      for (let i = 0; i < s.length; i++) {
        sv[i] = s[i] * sq;
        evals[k++] = s[i] * s[i] * scale;
      }
    } else {
      // Gram eigenvalues come ascending and may be slightly negative from rounding: clamp to 0.
      for (let i = 0; i < s.length; i++) {
        const lam = Math.max(s[i], 0) * scale;
        evals[k++] = lam;
        sv[s.length - 1 - i] = Math.sqrt(lam);
      }
    }
    sliceSvals.push(sv);
  }
  evals.sort();
  let below = 0;
  while (below < evals.length && evals[below] <= p.threshold) below++;
  return {
    evals,
    fitEvals: evals.subarray(below),
    threshold: p.threshold,
    numBelowThreshold: below,
    layerType: w.layerType,
    layout: w.layout,
    shape: w.shape,
    N: w.N,
    M: w.M,
    Q: w.N / w.M,
    rf: w.rf,
    evalScale: w.evalScale,
    normalize: p.normalize,
    dtype: w.dtype,
    route: p.method === 'gram' ? 'gram' : w.slices.length > 1 ? 'gesdd-batch' : 'gesdd',
    sliceSvals,
    skipped: p.skipped,
  };
}

/**
 * Eigenvalues of WᵀW for a dense or conv2d weight (formulas.md §1). Skipped layers (size limits) come
 * back with `skipped` set and no eigenvalues. Runs on the libuv pool.
 */
export async function esd(W: WeightInput, opts?: EsdOptions): Promise<EsdResult> {
  const p = plan(W, opts, 'esd');
  if (p.skipped) return assemble(p, [], null);
  const be = { backend: opts?.backend };
  const s = p.w.slices;
  if (p.method === 'gram') {
    const ev: FloatArray[] = [];
    for (const m of s) ev.push(await gramEigvalsh(m, be));
    return assemble(p, null, ev);
  }
  return assemble(p, s.length === 1 ? [await svdvals(s[0], be)] : await svdvalsBatch(s as Matrix[], be), null);
}

/** Synchronous esd(): blocks the event loop for the duration of the SVDs. */
export function esdSync(W: WeightInput, opts?: EsdOptions): EsdResult {
  const p = plan(W, opts, 'esdSync');
  if (p.skipped) return assemble(p, [], null);
  const be = { backend: opts?.backend };
  const s = p.w.slices;
  if (p.method === 'gram') return assemble(p, null, s.map((m) => gramEigvalshSync(m, be)));
  return assemble(p, s.length === 1 ? [svdvalsSync(s[0], be)] : svdvalsBatchSync(s as Matrix[], be), null);
}
