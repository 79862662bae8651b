// Metric arguments that are "a matrix or its singular values": resolved to descending f64 singular values
// plus what the numerical-rank rule needs (the larger dimension and the dtype's eps).
import type { FloatArray } from '../binding.js';
import { fail } from '../errors.js';
import { floatKind, isFloatArray, ownOptions } from '../esd/args.js';
import { exponentOf, ldexpFast, normalizeInPlace } from '../esd/scale.js';
import type { DType, Matrix } from '../linalg/matrix.js';
import { dense, epsOf } from './dense.js';
import { svdvalsOf, type Task } from './task.js';

/** Precomputed singular values (any order; they are sorted). */
export type Svdvals = FloatArray | readonly number[];

export interface SvdvalsInfo {
  /** Shape of the matrix they came from: max(rows, cols) enters the numerical-rank tolerance. Default [n, n]. */
  shape?: readonly [number, number];
  /** Its dtype, for eps. Default: float32 for a Float32Array, else float64. */
  dtype?: DType;
}

export interface Spectrum {
  /** Singular values, descending, f64. */
  s: Float64Array;
  /** The same times 2^-e (exact): u[0] in [0.5, 1), so sums of squares neither overflow nor underflow. */
  u: Float64Array;
  e: number;
  /** max(rows, cols) */
  maxDim: number;
  eps: number;
}

/** Shannon entropy −Σ p ln p of p = v / Σv (non-negative weights; zero weights add nothing). Scale-safe. */
export function shannonEntropy(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  const e = exponentOf(max);
  let total = 0;
  for (let i = 0; i < values.length; i++) total += ldexpFast(values[i], -e);
  let h = 0;
  for (let i = 0; i < values.length; i++) {
    const p = ldexpFast(values[i], -e) / total;
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}

export function isMatrix(x: unknown): x is Matrix {
  return x !== null && typeof x === 'object' && 'shape' in x && 'data' in x;
}

export function spectrumFromSvdvals(sv: Svdvals, info: SvdvalsInfo | undefined, fn: string): Spectrum {
  const o = ownOptions(info, ['shape', 'dtype'], fn);
  if (!(isFloatArray(sv) || Array.isArray(sv)))
    fail('E_DTYPE', `${fn}: expected a Matrix, or singular values as a Float32Array, Float64Array or number[]`);
  const n = sv.length;
  if (n === 0) fail('E_SHAPE', `${fn}: no singular values`);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = sv[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail('E_NONFINITE', `${fn}: singular value ${i} is ${v}`);
    if (v < 0) fail('E_SHAPE', `${fn}: singular value ${i} is negative (${v})`);
    s[i] = v;
  }
  s.sort().reverse();
  let maxDim = n;
  if (o.shape !== undefined) {
    if (!Array.isArray(o.shape) || o.shape.length !== 2) fail('E_SHAPE', `${fn}: shape must be [rows, cols]`);
    const [r, c] = o.shape;
    if (!Number.isSafeInteger(r) || !Number.isSafeInteger(c) || Math.min(r, c) !== n)
      fail('E_SHAPE', `${fn}: shape [${r}, ${c}] does not have min(rows, cols) = ${n} singular values`);
    maxDim = Math.max(r, c);
  }
  const dtype = o.dtype ?? (floatKind(sv) === 'float32' ? 'float32' : 'float64');
  if (dtype !== 'float32' && dtype !== 'float64') fail('E_OPTION', `${fn}: dtype must be 'float32' or 'float64'`);
  return withScaled(s, maxDim, dtype === 'float32' ? 2 ** -23 : 2 ** -52);
}

function withScaled(s: Float64Array, maxDim: number, eps: number): Spectrum {
  const u = s.slice();
  const e = normalizeInPlace(u);
  return { s, u, e, maxDim, eps };
}

/** Singular values of a Matrix (native ?gesdd), or the given ones. */
export function* spectrumOf(x: Matrix | Svdvals, info: SvdvalsInfo | undefined, fn: string): Task<Spectrum> {
  if (!isMatrix(x)) return spectrumFromSvdvals(x, info, fn);
  if (info !== undefined) fail('E_OPTION', `${fn}: shape/dtype options apply to singular values, not to a Matrix`);
  const d = dense(x, `${fn}: W`);
  const s = Float64Array.from(yield* svdvalsOf(x));
  for (let i = 0; i < s.length; i++)
    if (!Number.isFinite(s[i])) fail('E_NONFINITE', `${fn}: singular value ${i} overflows ${floatKind(d.data)} (pass float64 data)`);
  return withScaled(s, Math.max(d.rows, d.cols), epsOf(d.data));
}
