// The empirical spectral density of a layer: eigenvalues of WᵀW (formulas.md §1), unnormalised as in
// WeightWatcher unless normalize: 'N'.
//
// Route: singular values by ?gesdd (svdvals / svdvalsBatch), squared. Chosen over the faster Gram route
// (?syrk + ?syevd) by default because the ESD feeds quantities that need the small eigenvalues right:
// matrix_rank and entropy (σ > σ_max·N·eps), the λ ≤ 1e-5 filter (in float32 the Gram route's noise
// floor, ~1e-7·λ_max, lets zero eigenvalues of rank-deficient weights through the filter), and
// rank_loss. method: 'gram' is offered for speed on large dense layers when only α is wanted.
import { fail, WeightscopeError } from '../errors.js';
import {
  gramEigvalshSync,
  svdvalsBatchSync,
  svdvalsSync,
  type FloatArray,
  type Matrix,
} from '../linalg/index.js';
import type { Backend } from '../linalg/options.js';
import { gramEigvalshIn, isAdopted, resolveContext, snapshot, svdvalsBatchIn, svdvalsIn } from '../linalg/internal.js';
import { bare, isFloatArray, ownOptions } from './args.js';
import { skipReason, type LimitOptions } from './limits.js';
import { exponentOf, ldexp, ldexpFast, maxAbs } from './scale.js';
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
  backend: Backend | undefined;
  skipped: string | null;
  fn: string;
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
  const o = ownOptions(opts, OPTS, fn);
  const data = W !== null && typeof W === 'object' ? (W as { data?: unknown }).data : undefined;
  if (data !== undefined && !Array.isArray(data) && !isFloatArray(data))
    fail('E_DTYPE', `${fn}: weight.data must be a Float32Array or Float64Array (a Proxy or other view is not one)`);
  const normalize = o.normalize ?? 'none';
  if (normalize !== 'none' && normalize !== 'N')
    fail('E_OPTION', `${fn}: normalize must be 'none' or 'N', got ${JSON.stringify(normalize)}`);
  const method = o.method ?? 'gesdd';
  if (method !== 'gesdd' && method !== 'gram')
    fail('E_OPTION', `${fn}: method must be 'gesdd' or 'gram', got ${JSON.stringify(method)}`);
  const threshold = checkThreshold(o.threshold ?? presetThreshold(o.preset, fn), fn);
  if (o.threshold !== undefined) presetThreshold(o.preset, fn);
  const w = toSlices(W, o, fn);
  return { w, normalize, threshold, method, backend: o.backend, skipped: skipReason(w.N, w.M, o, fn, w.rf), fn };
}

/**
 * The slices for the Gram route, copied at the call (one native call per slice, with awaits in between)
 * and scaled by one exact power of two 2^-e so that ?syrk can neither overflow nor underflow (float32
 * entries near 1e-30 gave Gram eigenvalues of 0). The eigenvalues are multiplied by 2^(2e) in assemble().
 */
function gramSlices(slices: Matrix[]): { slices: Matrix[]; e: number } {
  // Where the largest entry is about 2^e with e in SAFE_EXP, scaling by 2^-e changes no rounding (exact
  // power-of-two scaling; no product under- or overflows either way, and neither the native route,
  // gram_scale.h, nor ?syevd rescale the input there): the slices go as they are, read in place, with no
  // JavaScript copy and no pass that writes them. The ranges have margins inside those measured bitwise
  // equal (float32 [-10, 22], float64 [-200, 220]; test/21-gram-route.test.ts checks the edges).
  if (slices.length === 0) return { slices, e: 0 };
  // One float64 slice: the native route scans and scales it itself (gram_scale.h), off the main thread,
  // and scales the eigenvalues back into float64, the precision assemble() would bring them back to.
  // (float32 stays here: scaled back natively they would have to fit float32's narrow range.)
  if (slices.length === 1 && slices[0].data instanceof Float64Array) return { slices, e: 0 };
  let top = 0;
  for (const m of slices) top = Math.max(top, maxAbs(m.data));
  const e = exponentOf(top); // 0 for ±Infinity: left unscaled, the native route refuses it with its position
  const [lo, hi] = SAFE_EXP[slices[0]?.data instanceof Float64Array ? 'float64' : 'float32'];
  if (e >= lo && e <= hi) return { slices, e: 0 };
  const out = slices.map((m) => {
    const data = m.data.slice();
    for (let i = 0; i < data.length; i++) data[i] = ldexpFast(data[i], -e);
    return { data, shape: m.shape };
  });
  return { slices: out, e };
}

/** The exponents of the largest entry for which the Gram route needs no scaling of its input (gramSlices). */
const SAFE_EXP = { float32: [-6, 8], float64: [-128, 128] } as const;

/** The largest eigenvalue must be what σ_max² is: E_NONFINITE when float64 cannot hold it. */
function checkLambdaMax(lmax: number, nonzero: boolean, fn: string): void {
  if (!Number.isFinite(lmax))
    fail('E_NONFINITE', `${fn}: λ_max = σ_max² overflows float64 (the weights are too large to square): the ESD cannot be represented`);
  if (nonzero && lmax === 0)
    fail('E_NONFINITE', `${fn}: λ_max = σ_max² underflows float64 (the weights are too small to square): the ESD cannot be represented`);
}

/** Squares (and scales) singular values; ascending eigenvalues of all slices pooled. */
function assemble(p: Plan, svals: FloatArray[] | null, gramEvals: FloatArray[] | null, gramExp = 0): EsdResult {
  const { w } = p;
  const scale = w.evalScale / (p.normalize === 'N' ? w.N : 1);
  const sliceSvals: Float64Array[] = [];
  const parts = svals ?? gramEvals ?? [];
  let total = 0;
  for (const s of parts) total += s.length;
  const evals = new Float64Array(total);
  let k = 0;
  const sq = Math.sqrt(scale);
  let lmax = 0;
  let nonzero = false;
  for (const s of parts) {
    const sv = new Float64Array(s.length);
    if (svals) {
      for (let i = 0; i < s.length; i++) {
        sv[i] = s[i] * sq;
        const lam = sv[i] * sv[i]; // (σ·√scale)²: σ² itself may overflow where σ²/N does not
        evals[k++] = lam;
        if (s[i] > 0) nonzero = true;
        if (!(lam <= lmax)) lmax = lam;
      }
    } else {
      // Gram eigenvalues come ascending and may be slightly negative from rounding: clamp to 0.
      for (let i = 0; i < s.length; i++) {
        const lam = ldexp(Math.max(s[i], 0) * scale, 2 * gramExp);
        evals[k++] = lam;
        sv[s.length - 1 - i] = Math.sqrt(lam);
        if (s[i] > 0) nonzero = true;
        if (!(lam <= lmax)) lmax = lam;
      }
    }
    sliceSvals.push(sv);
  }
  checkLambdaMax(lmax, nonzero, p.fn);
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
  return esdAs(W, opts, 'esd');
}

/** How esdAs runs its native calls: `shared` (analyze() with a layer per scheduler slot, context.ts). */
export interface EsdRun {
  shared?: boolean;
}

/** esd() whose errors name `fn`, the function the user called (analyzeMatrix). Internal. */
export async function esdAs(W: WeightInput, opts: EsdOptions | undefined, fn: string, run: EsdRun = {}): Promise<EsdResult> {
  const p = plan(W, opts, fn);
  if (p.skipped) return assemble(p, [], null);
  const ctx = { ...resolveContext(bare({ backend: p.backend }), fn), shared: run.shared === true };
  const s = p.w.slices;
  if (p.method === 'gram') {
    const g = gramSlices(s);
    // One native call per slice with awaits in between: slices read in place are snapshotted now, at the
    // call (natively, no JS pass), so a caller who reuses the buffer after the call changes nothing.
    const slices = g.slices.length > 1 && g.e === 0 ? g.slices.map((m) => (isAdopted(m.data) ? m : snapshot(m))) : g.slices;
    const ev: FloatArray[] = [];
    for (const m of slices) ev.push(await gramEigvalshIn(ctx, m));
    return assemble(p, null, ev, g.e);
  }
  return assemble(p, s.length === 1 ? [(await svdvalsIn(ctx, s[0])).S] : await svdvalsBatchIn(ctx, s), null);
}

/** Synchronous esd(): blocks the event loop for the duration of the SVDs. */
export function esdSync(W: WeightInput, opts?: EsdOptions): EsdResult {
  return esdSyncAs(W, opts, 'esdSync');
}

export function esdSyncAs(W: WeightInput, opts: EsdOptions | undefined, fn: string): EsdResult {
  const p = plan(W, opts, fn);
  if (p.skipped) return assemble(p, [], null);
  const be = bare({ backend: p.backend });
  const s = p.w.slices;
  if (p.method === 'gram') {
    const g = gramSlices(s);
    return assemble(p, null, g.slices.map((m) => gramEigvalshSync(m, be)), g.e);
  }
  return assemble(p, s.length === 1 ? [svdvalsSync(s[0], be)] : svdvalsBatchSync(s as Matrix[], be), null);
}
