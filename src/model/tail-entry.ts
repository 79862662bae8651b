// analyze({ tailOnly }): a layer past maxN/maxEvals (a 150k × 8k embedding) is still listed as not analysed
// (its full ESD was not computed, and it stays out of every summary mean), but its entry carries a
// tail-only α: the power law fitted to the top k eigenvalues from the randomized range finder
// (metrics/tail-only.ts). Matrices only (a pooled conv2d ESD has no single matrix to sketch).
import { skipReason } from '../esd/limits.js';
import { WeightscopeError } from '../errors.js';
import { fitPowerLaw } from '../fit/powerlaw.js';
import { tailOnlyAlpha, type TailOnlyFit } from '../metrics/tail-only.js';
import type { ModelAnalyzeOptions, TailOnlyOption } from './analyze-options.js';
import type { WeightInput } from '../esd/weights.js';

/** Whether a layer of these dims was skipped for being too large (not too small), so a tail-only α applies. */
export function tooLarge(N: number, M: number, rf: number, o: ModelAnalyzeOptions): boolean {
  return rf === 1 && skipReason(N, M, { minEvals: o.minEvals, maxEvals: Infinity, maxN: Infinity }, 'analyze') === null;
}

/** The layer's tail-only fit; a layer that cannot be sketched (NaN weights, ...) gets a failed fit with the error. */
export async function tailOnlyEntry(load: () => Promise<WeightInput>, o: ModelAnalyzeOptions): Promise<TailOnlyFit | undefined> {
  const W = await load();
  if (W.shape.length !== 2) return undefined;
  const [r, c] = W.shape as readonly [number, number];
  const t: TailOnlyOption = typeof o.tailOnly === 'object' ? o.tailOnly : {};
  try {
    return await tailOnlyAlpha(W as { data: Float32Array | Float64Array; shape: readonly [number, number] }, {
      ...t,
      ...(t.k !== undefined ? { k: Math.min(t.k, r, c) } : {}),
      seed: o.seed ?? 0,
      ...(o.xmin !== undefined ? { xmin: o.xmin } : {}),
      ...(o.fixFingers !== undefined ? { fixFingers: o.fixFingers === 'clip_xmax' ? 'clip_xmax' : 'none' } : {}),
    });
  } catch (e) {
    if (!(e instanceof WeightscopeError) || e.code === 'E_OPTION') throw e;
    return { ...fitPowerLaw([1, 2, 3]), esdMode: 'tail-only', status: 'failed', reason: `${e.code}: ${e.message}`, k: 0, lambdaMax: NaN, tailRelError: NaN, note: 'tail-only: not computed' };
  }
}
