// Small dense helpers shared by the metrics: argument checks and f64 loops over row-major data.
import type { FloatArray } from '../binding.js';
import { floatKind, snapshotOnce } from '../esd/args.js';
import { normalizeInPlace } from '../esd/scale.js';
import { fail } from '../errors.js';
import { unpack, type Matrix } from '../linalg/matrix.js';
import { gramOf, type Task } from './task.js';

export interface Dense {
  data: FloatArray;
  rows: number;
  cols: number;
}

/** Validates the matrix contract (dtype, shape, length) and that every entry is finite. */
export function dense(m: unknown, what: string): Dense {
  const [data, rows, cols] = unpack(m, what);
  if (floatKind(data) === undefined) fail('E_DTYPE', `${what}.data must be a Float32Array or Float64Array (a Proxy is not one)`);
  if (data.length !== rows * cols)
    fail('E_SHAPE', `${what}.data has ${data.length} entries, shape [${rows}, ${cols}] needs ${rows * cols}`);
  for (let i = 0; i < data.length; i++)
    if (!Number.isFinite(data[i])) fail('E_NONFINITE', `${what} has a non-finite entry at index ${i}`);
  return { data, rows, cols };
}

/** A validated matrix copied at the call (snapshotOnce) and scaled by 2^-e, exactly, to max|x| in [0.5, 1). */
export interface ScaledDense extends Dense {
  e: number;
}

export function scaledCopy(d: Dense): ScaledDense {
  const { data } = snapshotOnce({ data: d.data, shape: [d.rows, d.cols] });
  return { data, rows: d.rows, cols: d.cols, e: normalizeInPlace(data) };
}

export function sameArrayType(n: number, like: FloatArray): FloatArray {
  return floatKind(like) === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

export function sumSq(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return s;
}

export function dotArrays(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Row-major transpose, same dtype. */
export function transpose(d: Dense): Dense {
  const { data, rows, cols } = d;
  const t = sameArrayType(rows * cols, data);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = data[i * cols + j];
  return { data: t, rows: cols, cols: rows };
}

/**
 * AᵀA (cols x cols) whatever the aspect ratio. The native gram returns the smaller Gram matrix, so a
 * short-and-wide A is padded with zero rows (which add nothing to AᵀA) until rows = cols.
 */
export function* gramCols(d: Dense): Task<Matrix> {
  if (d.rows >= d.cols) return yield* gramOf({ data: d.data, shape: [d.rows, d.cols] });
  const padded = sameArrayType(d.cols * d.cols, d.data);
  padded.set(d.data);
  return yield* gramOf({ data: padded, shape: [d.cols, d.cols] });
}

/** AAᵀ (rows x rows): AᵀA of the transpose. */
export function* gramRows(d: Dense): Task<Matrix> {
  return yield* gramCols(transpose(d));
}

/** Column means (f64). */
export function columnMeans(d: Dense): Float64Array {
  const mu = new Float64Array(d.cols);
  for (let i = 0; i < d.rows; i++) {
    const o = i * d.cols;
    for (let j = 0; j < d.cols; j++) mu[j] += d.data[o + j];
  }
  for (let j = 0; j < d.cols; j++) mu[j] /= d.rows;
  return mu;
}

/** A copy with each column's mean removed, in `out`'s dtype (default: the input's). */
export function centerColumns(d: Dense, f64 = false): Dense {
  const mu = columnMeans(d);
  const out = f64 ? new Float64Array(d.rows * d.cols) : sameArrayType(d.rows * d.cols, d.data);
  for (let i = 0; i < d.rows; i++) {
    const o = i * d.cols;
    for (let j = 0; j < d.cols; j++) out[o + j] = d.data[o + j] - mu[j];
  }
  return { data: out, rows: d.rows, cols: d.cols };
}

/** Machine epsilon of the array's dtype (numpy's finfo(dtype).eps). */
export function epsOf(a: FloatArray): number {
  return floatKind(a) === 'float32' ? 2 ** -23 : 2 ** -52;
}
