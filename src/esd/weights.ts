// Weight inputs and how they become the matrices whose spectra make an ESD (formulas.md §1).
// A dense / linear / embedding / Conv1D weight is one matrix. A Conv2D kernel is cut into its kh·kw
// spatial slices W[:, :, i, j], each an (out x in) matrix; their eigenvalues are pooled.
import { fail } from '../errors.js';
import type { FloatArray, Matrix } from '../linalg/index.js';

/** What kind of layer a weight came from. 2-D weights are one matrix whatever the label. */
export type LayerType = 'dense' | 'embedding' | 'conv1d' | 'conv2d';

/**
 * Memory layout of a 4-D Conv2D kernel:
 * - 'oihw': (out, in, kh, kw), torch / ONNX;
 * - 'hwio': (kh, kw, in, out), tfjs / Keras;
 * - 'auto' (default): WeightWatcher's rule — (a, b, c, d) is 'oihw' when a + b >= c + d.
 */
export type Conv2dLayout = 'oihw' | 'hwio' | 'auto';

/** A row-major 4-D tensor. */
export interface Tensor4<A extends FloatArray = FloatArray> {
  data: A;
  shape: readonly [number, number, number, number];
}

export type WeightInput = Matrix | Tensor4;

export interface WeightOptions {
  layerType?: LayerType;
  layout?: Conv2dLayout;
  /**
   * WeightWatcher's conv2d_norm: each slice is scaled by sqrt(count/2) with count = 1, so the pooled
   * eigenvalues are multiplied by 0.5. Default true (as WW); only used for conv2d.
   */
  conv2dNorm?: boolean;
}

/** The matrices of one layer, all of one shape, ready for the native core. */
export interface WeightSlices {
  slices: Matrix[];
  layerType: LayerType;
  layout: 'oihw' | 'hwio' | null;
  /** Shape of the original weight. */
  shape: number[];
  /** max / min of one slice's dimensions. */
  N: number;
  M: number;
  /** Number of slices (receptive field kh·kw for conv2d, 1 otherwise). */
  rf: number;
  /** Factor applied to every eigenvalue (0.5 for conv2d with conv2dNorm, 1 otherwise). */
  evalScale: number;
  dtype: 'float32' | 'float64';
}

function dim(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
    fail('E_SHAPE', `${what} must be a positive integer, got ${String(v)}`);
  return v;
}

/** Validates a 2-D or 4-D weight and returns its data and shape. */
export function checkWeight(W: unknown, fn: string): { data: FloatArray; shape: number[] } {
  if (W === null || typeof W !== 'object') fail('E_DTYPE', `${fn}: weight must be { data, shape }`);
  const { data, shape } = W as { data?: unknown; shape?: unknown };
  if (!(data instanceof Float32Array || data instanceof Float64Array)) {
    const hint = Array.isArray(data) ? ' (convert number[][] with matrix(rows))' : '';
    fail('E_DTYPE', `${fn}: weight.data must be a Float32Array or Float64Array${hint}`);
  }
  if (!Array.isArray(shape) || (shape.length !== 2 && shape.length !== 4))
    fail('E_SHAPE', `${fn}: weight.shape must be [rows, cols] or a 4-D conv2d shape, got ${JSON.stringify(shape)}`);
  const dims = shape.map((d, i) => dim(d, `${fn}: weight.shape[${i}]`));
  const size = dims.reduce((a, b) => a * b, 1);
  if (data.length !== size)
    fail('E_SHAPE', `${fn}: weight.data has ${data.length} entries but shape ${JSON.stringify(dims)} needs ${size}`);
  return { data, shape: dims };
}

function resolveLayout(shape: number[], layout: Conv2dLayout | undefined, fn: string): 'oihw' | 'hwio' {
  const l = layout ?? 'auto';
  if (l !== 'auto' && l !== 'oihw' && l !== 'hwio')
    fail('E_OPTION', `${fn}: layout must be 'oihw', 'hwio' or 'auto', got ${JSON.stringify(l)}`);
  if (l !== 'auto') return l;
  return shape[0] + shape[1] >= shape[2] + shape[3] ? 'oihw' : 'hwio';
}

/**
 * Splits a weight into the matrices whose eigenvalues make its ESD. Dense weights are passed through
 * without a copy; conv2d slices are copied for 'oihw' and are zero-copy views for 'hwio' (each (in x out)
 * block is contiguous there). A slice and its transpose have the same singular values, so orientation
 * does not matter; N and M are read from each slice's own dimensions. (WeightWatcher swaps N and M once
 * per transposed slice, weightwatcher.py 1277-1291, which leaves them swapped after an odd number of
 * slices, e.g. 3x3 kernels; we do not reproduce that.)
 */
export function toSlices(W: unknown, opts: WeightOptions, fn: string): WeightSlices {
  const { data, shape } = checkWeight(W, fn);
  const dtype = data instanceof Float32Array ? 'float32' : 'float64';
  const conv2dNorm = opts.conv2dNorm ?? true;
  if (typeof conv2dNorm !== 'boolean') fail('E_OPTION', `${fn}: conv2dNorm must be a boolean`);
  const lt = opts.layerType ?? (shape.length === 4 ? 'conv2d' : 'dense');
  if (!['dense', 'embedding', 'conv1d', 'conv2d'].includes(lt))
    fail('E_OPTION', `${fn}: layerType must be 'dense', 'embedding', 'conv1d' or 'conv2d', got ${JSON.stringify(lt)}`);
  if (opts.layout !== undefined && !['auto', 'oihw', 'hwio'].includes(opts.layout))
    fail('E_OPTION', `${fn}: layout must be 'oihw', 'hwio' or 'auto', got ${JSON.stringify(opts.layout)}`);
  if (shape.length === 2) {
    if (lt === 'conv2d') fail('E_SHAPE', `${fn}: a conv2d weight must be 4-D, got shape ${JSON.stringify(shape)}`);
    const [r, c] = shape;
    return {
      slices: [{ data, shape: [r, c] }],
      layerType: lt,
      layout: null,
      shape,
      N: Math.max(r, c),
      M: Math.min(r, c),
      rf: 1,
      evalScale: 1,
      dtype,
    };
  }
  if (lt !== 'conv2d') fail('E_SHAPE', `${fn}: a 4-D weight must have layerType 'conv2d', got '${lt}'`);
  const layout = resolveLayout(shape, opts.layout, fn);
  const slices: Matrix[] = [];
  let out: number, inp: number, kh: number, kw: number;
  if (layout === 'oihw') {
    [out, inp, kh, kw] = shape;
    const k = kh * kw;
    for (let s = 0; s < k; s++) {
      const m = dtype === 'float32' ? new Float32Array(out * inp) : new Float64Array(out * inp);
      for (let o = 0; o < out; o++)
        for (let c = 0; c < inp; c++) m[o * inp + c] = data[(o * inp + c) * k + s];
      slices.push({ data: m, shape: [out, inp] });
    }
  } else {
    [kh, kw, inp, out] = shape;
    const size = inp * out;
    for (let s = 0; s < kh * kw; s++) slices.push({ data: data.subarray(s * size, (s + 1) * size), shape: [inp, out] });
  }
  return {
    slices,
    layerType: 'conv2d',
    layout,
    shape,
    N: Math.max(out, inp),
    M: Math.min(out, inp),
    rf: kh * kw,
    evalScale: conv2dNorm ? 0.5 : 1,
    dtype,
  };
}
