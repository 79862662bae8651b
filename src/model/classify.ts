// Layer typing and skip rules shared by the readers. A tensor is either given a kind (dense, conv2d, embedding,
// recurrent, other) or skipped with a reason in words — never dropped silently (formulas.md §1).
import { constants as bufferConstants } from 'node:buffer';
import type { ConvLayout, ReadOptions, TensorInfo, WeightKind } from './types.js';
import { product } from './decode.js';
import { WeightscopeError } from '../errors.js';

export const SKIP = {
  scalar: 'scalar (0-D tensor)',
  vector: '1-D tensor (bias, normalisation or scale vector): no matrix',
  empty: 'empty tensor (a zero dimension)',
  integer: (dt: string) => `integer/bool dtype ${dt}: not a float weight`,
  float8: (dt: string) => `dtype ${dt} (8-bit or narrower float) is not supported`,
  depthwise:
    'depthwise convolution kernel: each kernel slice is a (channels × 1) vector, so there is no spectrum ' +
    '(WeightWatcher skips these too: M = 1 < minEvals)',
  oneChannel:
    'kernel with one input channel (depthwise conv, or a single-channel input): each kernel slice is a vector, ' +
    'so there is no spectrum',
  broadcastVector: 'only one dimension > 1 (a bias or scale stored with broadcast dims): no matrix',
  tooSmall: (m: number, minEvals: number) => `too small: min(rows, cols) = ${m} < minEvals = ${minEvals}`,
  tooLarge: (n: number) => `too large: ${n} elements do not fit in one typed array here`,
  filtered: 'excluded by the filter option',
  notInIndex: (shard: string, index: string, named: unknown) =>
    typeof named === 'string'
      ? `not read: ${index} names ${named} for this tensor, not ${shard} (a stale copy)`
      : `not read: ${index} does not list it (a leftover in ${shard} the checkpoint does not use)`,
} as const;

/** The number of eigenvalues of the tensor's matrix view (for conv2d: per kernel slice). */
export function matrixM(shape: readonly number[], kind: WeightKind, layout?: ConvLayout): number {
  if (kind === 'conv2d' && shape.length === 4) {
    return layout === 'hwio' ? Math.min(shape[2], shape[3]) : Math.min(shape[0], shape[1]);
  }
  if (shape.length === 2) return Math.min(shape[0], shape[1]);
  return Math.min(shape[0] ?? 0, product(shape.slice(1)) ?? Infinity);
}

/**
 * Final checks common to every reader, on a classified tensor: emptiness, size limits, minEvals (the filter
 * option runs later, in plan.ts, on the final unique name). Returns a skip reason, or undefined to keep it.
 */
export function finalSkip(info: Pick<TensorInfo, 'shape' | 'kind' | 'layout'>, bytesPerElement: number, opts: ReadOptions): string | undefined {
  const n = product(info.shape) ?? Infinity;
  if (n === 0) return SKIP.empty;
  if (info.kind === 'other' && info.shape.filter((d) => d > 1).length <= 1) return SKIP.broadcastVector;
  if (n * bytesPerElement > bufferConstants.MAX_LENGTH) return SKIP.tooLarge(n);
  const minEvals = opts.minEvals ?? 1;
  const m = matrixM(info.shape, info.kind, info.layout);
  if (m < minEvals) return SKIP.tooSmall(m, minEvals);
  return undefined;
}

export function checkReadOptions(opts: unknown): ReadOptions {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== 'object') throw new WeightscopeError('read options must be an object', 'E_OPTION');
  const o = opts as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k !== 'minEvals' && k !== 'filter') {
      throw new WeightscopeError(`unknown option '${k}' (allowed: minEvals, filter)`, 'E_OPTION');
    }
  }
  if (o.minEvals !== undefined && !(Number.isSafeInteger(o.minEvals) && (o.minEvals as number) >= 1)) {
    throw new WeightscopeError('minEvals must be an integer >= 1', 'E_OPTION');
  }
  if (o.filter !== undefined && typeof o.filter !== 'function') {
    throw new WeightscopeError('filter must be a function', 'E_OPTION');
  }
  return o as ReadOptions;
}

export const EMBED = /(embed|wte|wpe|word_embeddings|position_embeddings|token_embedding|tok_embeddings)/i;
export const RECURRENT = /(lstm|gru|rnn|recurrent)/i;
const DEPTHWISE = /depthwise/i;

export interface Classified {
  kind: WeightKind;
  layout?: ConvLayout;
  skip?: string;
}

/**
 * Name-and-shape rules for formats that carry no graph (safetensors, tfjs manifests). `convLayout` is the
 * format's convention for rank-4 kernels: 'oihw' (PyTorch checkpoints) or 'hwio' (tfjs/keras).
 */
export function classifyByName(name: string, shape: readonly number[], convLayout: ConvLayout): Classified {
  if (shape.length === 0) return { kind: 'other', skip: SKIP.scalar };
  if (shape.length === 1) return { kind: 'other', skip: SKIP.vector };
  if (shape.length === 2) {
    if (EMBED.test(name)) return { kind: 'embedding' };
    if (RECURRENT.test(name)) return { kind: 'recurrent' };
    return { kind: 'dense' };
  }
  if (shape.length === 4) {
    // Depthwise: named so (tfjs/keras 'depthwise_kernel', face-api 'depthwise_filter'), or a torch kernel with
    // one input channel per group — its slices are vectors either way.
    const inCh = convLayout === 'hwio' ? shape[2] : shape[1];
    const outCh = convLayout === 'hwio' ? shape[3] : shape[0];
    if (DEPTHWISE.test(name)) return { kind: 'conv2d', layout: convLayout, skip: SKIP.depthwise };
    if (inCh === 1 && outCh > 1) return { kind: 'conv2d', layout: convLayout, skip: SKIP.oneChannel };
    return { kind: 'conv2d', layout: convLayout };
  }
  return { kind: 'other' };
}
