// Splitting one model's analysis into n parts that cluster schedulers (Slurm arrays, Kubernetes Indexed Jobs)
// run as independent processes, and the fingerprints that tell whether two parts belong to one analysis.
// A layer's cost is estimated from its planned shape as Σ n²m (an SVD of an N×M matrix, N ≥ M, costs ~N·M²;
// conv2d: rf slices) plus its size (reading it), or what analyze spends on a layer outside the size limits;
// parts are balanced by cost with greedy LPT, not by count: a 4096 × 11008 projection and a 64 × 64 one are
// not the same amount of work.
import { createHash } from 'node:crypto';
import { skipReason } from '../esd/limits.js';
import { fail } from '../errors.js';
import { defaultTailK } from '../metrics/tail-only.js';
import type { ModelAnalyzeOptions, PlannedLayer } from './analyze-options.js';

export interface ShardSpec {
  /** 0-based: 0 ≤ index < count. */
  index: number;
  count: number;
}

export function checkShard(s: ShardSpec, where: string): ShardSpec {
  if (!Number.isSafeInteger(s.count) || s.count < 1) fail('E_OPTION', `${where}: the shard count must be a positive integer, got ${s.count}`);
  if (!Number.isSafeInteger(s.index) || s.index < 0 || s.index >= s.count)
    fail('E_OPTION', `${where}: the shard index must be an integer in 0..${s.count - 1} (0-based), got ${s.index}`);
  return s;
}

/**
 * N·M²·rf + the number of weights, from the planned shape (the same matrix view as analyze: conv2d pools kh·kw
 * slices). With options, a layer outside the size limits costs what analyze spends on it: nothing (it is
 * never read), or with tailOnly reading it plus the randomized sketch (~4·(q+2)·N·M·l, l = k + oversample).
 */
export function layerCost(l: Pick<PlannedLayer, 'shape' | 'layout'>, o?: ModelAnalyzeOptions): number {
  const sh = l.shape;
  const size = sh.reduce((a, b) => a * b, 1);
  let a: number;
  let b: number;
  let rf = 1;
  if (sh.length === 2) [a, b] = [sh[0], sh[1]];
  else if (sh.length === 4) {
    const oihw = l.layout ? l.layout === 'oihw' : sh[0] + sh[1] >= sh[2] + sh[3];
    [a, b, rf] = oihw ? [sh[0], sh[1], sh[2] * sh[3]] : [sh[2], sh[3], sh[0] * sh[1]];
  } else return size;
  const [n, m] = [Math.max(a, b), Math.min(a, b)];
  if (o && skipReason(n, m, { minEvals: o.minEvals, maxEvals: o.maxEvals, maxN: o.maxN }, 'analyze', rf) !== null) {
    const tooLarge = skipReason(n, m, { minEvals: o.minEvals, maxEvals: Infinity, maxN: Infinity }, 'analyze', rf) === null;
    if (!(tooLarge && o.tailOnly && rf === 1)) return 1;
    const t = typeof o.tailOnly === 'object' ? o.tailOnly : {};
    const k = Math.min(t.k ?? defaultTailK(n, m), m);
    const sketch = Math.min(m, k + (t.oversample ?? Math.max(10, Math.ceil(k / 2))));
    return 4 * ((t.powerIters ?? 4) + 2) * n * m * sketch + size;
  }
  return rf * n * m * m + size;
}

/**
 * Greedy LPT (longest processing time first): layers by cost, largest first (ties: model order), each to the
 * part with the least cost so far (ties: the lowest index). Deterministic: every part computes the same split.
 * Returns the part index of each layer, in the order given.
 */
export function assignShards(layers: readonly Pick<PlannedLayer, 'shape' | 'layout'>[], count: number, o?: ModelAnalyzeOptions): number[] {
  const cost = layers.map((l) => layerCost(l, o));
  const order = layers.map((_, i) => i).sort((x, y) => cost[y] - cost[x] || x - y);
  const load = new Array<number>(count).fill(0);
  const part = new Array<number>(layers.length);
  for (const i of order) {
    let best = 0;
    for (let k = 1; k < count; k++) if (load[k] < load[best]) best = k;
    part[i] = best;
    load[best] += cost[i];
  }
  return part;
}

/** The layerIds part `s` owns, in model order. */
export function shardLayers(layers: readonly PlannedLayer[], s: ShardSpec, o?: ModelAnalyzeOptions): number[] {
  const part = assignShards(layers, s.count, o);
  return layers.filter((_, i) => part[i] === s.index).map((l) => l.layerId);
}

const sha = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

/**
 * The model's identity as the plan sees it (no data read): every selected layer's id, name, kind, shape, stored
 * dtype and stored byte range. File paths are left out: parts may read the same checkpoint from different mounts.
 */
export function modelFingerprint(layers: readonly PlannedLayer[]): string {
  const src = (l: PlannedLayer) => [l.source?.format ?? null, l.source?.storedDtype ?? null, l.source?.offset ?? null, l.source?.byteLength ?? null];
  return sha(layers.map((l) => [l.layerId, l.name, l.kind, l.shape, l.layout ?? null, l.storedDtype ?? null, ...src(l)]));
}

/** The options that change a result, as plain JSON (hooks, progress and concurrency do not). */
export function resultOptions(o: ModelAnalyzeOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (v === undefined || typeof v === 'function' || k === 'concurrency') continue;
    out[k] = v instanceof RegExp ? { regexp: v.source, flags: v.flags.replace(/[gy]/g, '') } : v;
  }
  return out;
}

export function optionsFingerprint(o: ModelAnalyzeOptions): string {
  return sha(resultOptions(o));
}
