// AlphaPruning: layer-wise sparsities from α (formulas.md §7; Lu et al. 2024, haiquanlu/AlphaPruning
// lib/prune.py ww_sparsity 152-187).
import { fail } from '../../errors.js';
import { checkOptions } from '../../linalg/options.js';
import { blockMeans, checkLayers } from './layerwise-input.js';

export interface PruningLayer {
  name?: string;
  alpha: number;
  /** Parameters in the layer (weights the mean sparsity). */
  params: number;
  /** Transformer block: all matrices of a block get the block's mean α. */
  block?: string | number;
}

export interface AlphaPruningOptions {
  /** Ratios span [1 − ε, 1 + ε]. Default 0.3. */
  epsilon?: number;
}

export interface AlphaPruningResult {
  layers: { name: string; alpha: number; ratio: number; sparsity: number; reason: string | null }[];
  /** The constant c·S that turned ratios into sparsities. */
  scaler: number;
  /** Parameter-weighted mean sparsity after clipping (= target unless layers were clipped). */
  achievedSparsity: number;
  /** Layers clipped to [0, 1). */
  clipped: number;
}

const BELOW_ONE = 1 - 2 ** -53;

/**
 * r_l = (α_l − min α)/(max α − min α)·2ε + (1 − ε) (lower α -> lower sparsity), scaled so that
 * Σ p_l·s_l / Σ p_l = target, then clipped to [0, 1). Edge cases: all (block) α equal — or one layer —
 * gives r = 1 for all, i.e. the target everywhere (the reference code divides 0 by 0); a layer whose block
 * α is not a number gets r = 1 (neutral) and says so.
 */
export function alphaPruning(layers: readonly PruningLayer[], targetSparsity: number, opts?: AlphaPruningOptions): AlphaPruningResult {
  const fn = 'alphaPruning';
  const ls = checkLayers<PruningLayer>(layers, fn);
  if (ls.length === 0) fail('E_SHAPE', `${fn}: no layers`);
  if (typeof targetSparsity !== 'number' || !(targetSparsity >= 0 && targetSparsity < 1))
    fail('E_OPTION', `${fn}: targetSparsity must be in [0, 1), got ${String(targetSparsity)}`);
  const o = checkOptions(opts, ['epsilon'], fn);
  const eps = o.epsilon ?? 0.3;
  if (typeof eps !== 'number' || !(eps >= 0 && eps <= 1)) fail('E_OPTION', `${fn}: epsilon must be in [0, 1], got ${String(eps)}`);
  ls.forEach((l, i) => {
    if (typeof l.params !== 'number' || !Number.isFinite(l.params) || l.params <= 0)
      fail('E_OPTION', `${fn}: layers[${i}].params must be a positive number, got ${String(l.params)}`);
  });
  const alphas = blockMeans(ls).map((b) => b.mean);
  const finite = alphas.filter(Number.isFinite);
  // loops, not Math.min(...xs): a spread of 10^5+ arguments overflows the stack
  let amin = Infinity;
  let amax = -Infinity;
  for (const a of finite) {
    amin = Math.min(amin, a);
    amax = Math.max(amax, a);
  }
  const reasons: (string | null)[] = alphas.map((a) => (Number.isFinite(a) ? null : 'alpha is not a number: neutral ratio 1'));
  const ratios = alphas.map((a, i) => {
    if (!Number.isFinite(a)) return 1;
    if (amax === amin) {
      reasons[i] = finite.length === 1 ? 'only one α: ratio 1' : 'all α equal: ratio 1';
      return 1;
    }
    return ((a - amin) / (amax - amin)) * 2 * eps + (1 - eps);
  });
  let sp = 0;
  let spr = 0;
  ls.forEach((l, i) => {
    sp += l.params;
    spr += l.params * ratios[i];
  });
  const scaler = (sp * targetSparsity) / spr;
  let clipped = 0;
  let achieved = 0;
  const out = ls.map((l, i) => {
    let s = ratios[i] * scaler;
    if (s >= 1 || s < 0) {
      s = Math.min(Math.max(s, 0), BELOW_ONE);
      clipped++;
      reasons[i] = (reasons[i] ? reasons[i] + '; ' : '') + 'sparsity clipped to [0, 1)';
    }
    achieved += l.params * s;
    return { name: l.name ?? `layer ${i}`, alpha: alphas[i], ratio: ratios[i], sparsity: s, reason: reasons[i] };
  });
  return { layers: out, scaler, achievedSparsity: achieved / sp, clipped };
}
