// The matrix contract: { data: Float32Array | Float64Array, shape: [rows, cols] }, row-major.
import { types } from 'node:util';
import type { FloatArray } from '../binding.js';
import { fail } from '../errors.js';

export type { FloatArray };
export type DType = 'float32' | 'float64';

export interface Matrix<A extends FloatArray = FloatArray> {
  data: A;
  shape: readonly [number, number];
}

export function dtypeOf(a: FloatArray): DType {
  return a instanceof Float32Array ? 'float32' : 'float64';
}

/** LAPACK here takes 32-bit integers (LP64 OpenBLAS). */
export const LAPACK_INT_MAX = 2 ** 31 - 1;

function checkDim(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
    fail('E_SHAPE', `${what} must be a positive integer, got ${String(v)}`);
  if (v > LAPACK_INT_MAX) fail('E_TOO_LARGE', `${what} = ${v} exceeds LAPACK's 32-bit integer limit (${LAPACK_INT_MAX})`);
  return v;
}

/**
 * Validates a matrix argument and returns [data, rows, cols]. Length and detachment are checked natively.
 * data must be a real Float32Array/Float64Array (a Proxy of one is refused: native code cannot read it).
 */
export function unpack(m: unknown, what = 'matrix'): [FloatArray, number, number] {
  if (m === null || typeof m !== 'object' || Array.isArray(m)) {
    const hint = Array.isArray(m) ? ' (convert number[][] with matrix(rows))' : '';
    fail('E_DTYPE', `${what} must be { data, shape: [rows, cols] }${hint}`);
  }
  const { data, shape } = m as { data?: unknown; shape?: unknown };
  if (data === undefined && shape === undefined) fail('E_DTYPE', `${what} must be { data, shape: [rows, cols] }`);
  if (shape === undefined) fail('E_SHAPE', `${what}.shape is missing: it must be [rows, cols]`);
  if (!types.isFloat32Array(data) && !types.isFloat64Array(data)) {
    const hint = Array.isArray(data) ? ' (convert number[][] with matrix(rows))' : '';
    fail('E_DTYPE', `${what}.data must be a Float32Array or Float64Array${hint}`);
  }
  if (!Array.isArray(shape) || shape.length !== 2)
    fail('E_SHAPE', `${what}.shape must be [rows, cols], got ${JSON.stringify(shape)}`);
  return [data as FloatArray, checkDim(shape[0], `${what}.shape[0]`), checkDim(shape[1], `${what}.shape[1]`)];
}

/**
 * Builds a matrix from nested arrays (rows of numbers). Float64 unless dtype says 'float32'.
 */
export function matrix(rows: ArrayLike<ArrayLike<number>>, dtype: DType = 'float64'): Matrix {
  if (dtype !== 'float32' && dtype !== 'float64') fail('E_OPTION', `matrix(): dtype must be 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
  if (!rows || typeof rows !== 'object' || typeof rows.length !== 'number')
    fail('E_DTYPE', 'matrix() expects an array of rows');
  const r = rows.length;
  if (r === 0) fail('E_SHAPE', 'matrix() needs at least one row');
  const c = rows[0]?.length;
  if (typeof c !== 'number' || c === 0) fail('E_SHAPE', 'matrix() needs at least one column');
  const data = dtype === 'float32' ? new Float32Array(r * c) : new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    const row = rows[i];
    if (!row || row.length !== c) fail('E_SHAPE', `row ${i} has ${row?.length ?? 0} entries, row 0 has ${c}`);
    for (let j = 0; j < c; j++) {
      const v = row[j];
      if (typeof v !== 'number') fail('E_DTYPE', `entry [${i}, ${j}] is ${typeof v}, not a number`);
      data[i * c + j] = v;
    }
  }
  // a finite number that float32 cannot hold would silently become ±Infinity (checked after the shape and
  // type checks, so those errors keep their precedence)
  if (dtype === 'float32')
    for (let k = 0; k < data.length; k++)
      if (!Number.isFinite(data[k]) && Number.isFinite(rows[Math.floor(k / c)][k % c]))
        fail('E_NONFINITE', `matrix(): entry [${Math.floor(k / c)}, ${k % c}] = ${rows[Math.floor(k / c)][k % c]} is past float32's range (use 'float64')`);
  return { data, shape: [r, c] };
}
