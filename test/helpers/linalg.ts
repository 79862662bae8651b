// Dense-matrix checks the tests hold results to, written plainly (no library): products, the SVD
// reconstruction error and orthonormality of singular-vector sets. Row-major throughout.
import type { Matrix } from '../../src/linalg/matrix.js';

export function matmul(a: Matrix, b: Matrix): Matrix<Float64Array> {
  const [n, k] = a.shape;
  const m = b.shape[1];
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let t = 0; t < k; t++) for (let j = 0; j < m; j++) out[i * m + j] += a.data[i * k + t] * b.data[t * m + j];
  return { data: out, shape: [n, m] };
}

export function fro(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** max |U diag(S) Vt - A| for A rows x cols, U rows x uCols (first r columns used), Vt r x cols. */
export function reconstructionError(
  A: ArrayLike<number>, rows: number, cols: number, U: ArrayLike<number>, r: number, S: ArrayLike<number>, Vt: ArrayLike<number>, uCols = r,
): number {
  let m = 0;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      let v = 0;
      for (let k = 0; k < r; k++) v += U[i * uCols + k] * S[k] * Vt[k * cols + j];
      m = Math.max(m, Math.abs(v - A[i * cols + j]));
    }
  return m;
}

/** max |Q Qᵀ - I| over the r rows of a row-major r x n matrix (rows orthonormal). */
export function rowOrthoError(Q: ArrayLike<number>, r: number, n: number): number {
  let m = 0;
  for (let a = 0; a < r; a++)
    for (let b = a; b < r; b++) {
      let d = 0;
      for (let k = 0; k < n; k++) d += Q[a * n + k] * Q[b * n + k];
      m = Math.max(m, Math.abs(d - (a === b ? 1 : 0)));
    }
  return m;
}

/** max |Qᵀ Q - I| over the c columns of a row-major n x c matrix. */
export function colOrthoError(Q: ArrayLike<number>, n: number, c: number): number {
  let m = 0;
  for (let a = 0; a < c; a++)
    for (let b = a; b < c; b++) {
      let d = 0;
      for (let k = 0; k < n; k++) d += Q[k * c + a] * Q[k * c + b];
      m = Math.max(m, Math.abs(d - (a === b ? 1 : 0)));
    }
  return m;
}
