// Model Balancing (block sigmoid): per-block learning rates from α (formulas.md §7; Liu et al. 2024,
// ZihangHLiu/ModelBalancing esd_utils.py get_layer_temps 'tb_std_sigmoid').
import { checkOptions } from '../../linalg/options.js';
import { blockMeans, checkLayers, checkPositive } from './layerwise-input.js';

export interface BalancingLayer {
  name?: string;
  alpha: number;
  /** Block key (e.g. the transformer block index); layers without one are blocks of their own. */
  block?: string | number;
}

export interface ModelBalancingOptions {
  /** s for blocks above the mean α. Default 0.25. */
  slope?: number;
  /** s for blocks below the mean. Default = slope. */
  slopeMin?: number;
  /** Sigmoid temperature. Default 10. */
  temperature?: number;
}

export interface BlockLr {
  name: string;
  block: string;
  blockAlpha: number;
  /** ᾱ_block − mean over blocks of ᾱ_block. */
  d: number;
  lr: number;
  reason: string | null;
}

/**
 * lr_b = lr · 10^{s·(sigmoid(T·d) − 0.5)}, d = ᾱ_block − mean ᾱ (mean over blocks). Blocks whose layers
 * all have a non-finite α keep lr; one block (or all blocks equal) gives d = 0, i.e. lr everywhere.
 */
export function modelBalancing(layers: readonly BalancingLayer[], lr: number, opts?: ModelBalancingOptions): BlockLr[] {
  const fn = 'modelBalancing';
  const ls = checkLayers<BalancingLayer>(layers, fn);
  checkPositive(lr, 'lr', fn);
  const o = checkOptions(opts, ['slope', 'slopeMin', 'temperature'], fn);
  const sMax = checkPositive(o.slope ?? 0.25, 'slope', fn);
  const sMin = checkPositive(o.slopeMin ?? sMax, 'slopeMin', fn);
  const T = checkPositive(o.temperature ?? 10, 'temperature', fn);
  const blocks = blockMeans(ls);
  const seen = new Map<string, number>();
  for (const b of blocks) if (Number.isFinite(b.mean)) seen.set(b.key, b.mean);
  const means = [...seen.values()];
  const mean = means.reduce((s, v) => s + v, 0) / means.length;
  return ls.map((l, i) => {
    const { key, mean: ab } = blocks[i];
    const block = key.startsWith('b:') ? key.slice(2) : `layer ${i}`;
    const name = l.name ?? `layer ${i}`;
    if (!Number.isFinite(ab)) return { name, block, blockAlpha: ab, d: NaN, lr, reason: 'no finite α in the block: base lr' };
    const d = ab - mean;
    const s = d > 0 ? sMax : sMin;
    const factor = s * (1 / (1 + Math.exp(-T * d)) - 0.5);
    return { name, block, blockAlpha: ab, d, lr: lr * Math.pow(10, factor), reason: null };
  });
}
