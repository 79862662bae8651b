// Shared by the GPU suite: matrices, tolerances and the CPU references the GPU results are held to.
import { randn } from '../helpers/reference.js';

export type M = { data: Float32Array | Float64Array; shape: [number, number] };

/** Largest dimension the random-size tests use: 8192 on a GPU, less against the CPU stand-in. */
export const MAX_N = Number(process.env.WEIGHTSCOPE_GPU_MAX_N ?? 8192);
export const isMock = process.env.WEIGHTSCOPE_CUDA_MOCK === '1';

/** Tolerance relative to sigma_max (issue #4: f64 1e-10, f32 1e-4). */
export const tol = (dtype: 'f32' | 'f64') => (dtype === 'f64' ? 1e-10 : 1e-4);

export function random(rows: number, cols: number, seed: number, dtype: 'f32' | 'f64'): M {
  return { data: randn(rows * cols, seed, dtype === 'f32' ? Float32Array : Float64Array), shape: [rows, cols] };
}

/** Shapes from small to MAX_N: square, tall and wide, including non-multiples of 32. */
export function shapes(): [number, number][] {
  const out: [number, number][] = [[1, 1], [7, 3], [3, 7], [33, 33], [100, 37], [37, 100]];
  for (const n of [256, 1024, 2048, 4096, 8192]) {
    if (n > MAX_N) break;
    out.push([n, n], [n, Math.max(1, n >> 2)], [Math.max(1, n >> 2), n]);
  }
  if (MAX_N < 256) out.push([MAX_N, MAX_N]);
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** max |A - U diag(S) Vt| over the entries, for U (rows x r) and Vt (r x cols), row-major. */
export function reconstructionError(a: M, U: ArrayLike<number>, S: ArrayLike<number>, Vt: ArrayLike<number>, r: number): number {
  const [rows, cols] = a.shape;
  let err = 0;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let k = 0; k < r; k++) s += U[i * r + k] * S[k] * Vt[k * cols + j];
      err = Math.max(err, Math.abs(s - a.data[i * cols + j]));
    }
  return err;
}

/** max |Q^T Q - I| for the r columns of a row-major n x r matrix (or rows when `rowsOf`). */
export function orthonormalityError(q: ArrayLike<number>, n: number, r: number, rowsOf = false): number {
  let err = 0;
  const at = (i: number, k: number) => (rowsOf ? q[k * n + i] : q[i * r + k]);
  for (let a = 0; a < r; a++)
    for (let b = a; b < r; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += at(i, a) * at(i, b);
      err = Math.max(err, Math.abs(s - (a === b ? 1 : 0)));
    }
  return err;
}
