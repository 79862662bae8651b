import { describe, expect, it } from 'vitest';
import { svd, svdSync } from '../src/index.js';
import { colOrthoError, fro, reconstructionError, rowOrthoError } from './helpers/linalg.js';
import { loadInput, maxRelErr, randn, reference } from './helpers/reference.js';

describe('svd (thin, full, top-k)', () => {
  for (const name of ['spiked', 'wide', 'lowrank']) {
    it(`${name}: thin U diag(S) Vt reconstructs A to 1e-12 ||A||, U and V orthonormal`, async () => {
      const A = loadInput(name);
      const [rows, cols] = A.shape;
      const r = Math.min(rows, cols);
      const { U, S, Vt, routine } = await svd(A);
      expect(routine).toBe('dgesdd');
      expect(U.shape).toEqual([rows, r]);
      expect(Vt.shape).toEqual([r, cols]);
      const want = reference.numpy[name].svdvals;
      expect(maxRelErr(S, want, want[0])).toBeLessThan(1e-10);
      expect(reconstructionError(A.data, rows, cols, U.data, r, S, Vt.data)).toBeLessThan(1e-12 * fro(A.data));
      expect(colOrthoError(U.data, rows, r)).toBeLessThan(1e-12);
      expect(rowOrthoError(Vt.data, r, cols)).toBeLessThan(1e-12);
    });
  }

  it('full: square orthogonal U (rows x rows) and Vt (cols x cols)', () => {
    const A = loadInput('wide'); // 64 x 200
    const { U, S, Vt } = svdSync(A, { full: true });
    expect(U.shape).toEqual([64, 64]);
    expect(Vt.shape).toEqual([200, 200]);
    expect(rowOrthoError(Vt.data, 200, 200)).toBeLessThan(1e-12);
    expect(colOrthoError(U.data, 64, 64)).toBeLessThan(1e-12);
    expect(reconstructionError(A.data, 64, 200, U.data, 64, S, Vt.data)).toBeLessThan(1e-12 * fro(A.data));
  });

  it('top-k (the thin gesdd SVD, leading k kept) equals the first k of the full SVD (up to sign)', async () => {
    const A = loadInput('spiked');
    const [rows, cols] = A.shape;
    const full = svdSync(A);
    const k = 5;
    const top = await svd(A, { k });
    expect(top.routine).toBe('dgesdd');
    expect(top.S.length).toBe(k);
    expect(top.U.shape).toEqual([rows, k]);
    expect(top.Vt.shape).toEqual([k, cols]);
    expect(maxRelErr(top.S, full.S.slice(0, k), full.S[0])).toBeLessThan(1e-12);
    for (let j = 0; j < k; j++) {
      // same singular vector up to sign: |<u_top, u_full>| = 1
      let du = 0;
      for (let i = 0; i < rows; i++) du += top.U.data[i * k + j] * full.U.data[i * 256 + j];
      let dv = 0;
      for (let i = 0; i < cols; i++) dv += top.Vt.data[j * cols + i] * full.Vt.data[j * cols + i];
      expect(Math.abs(Math.abs(du) - 1)).toBeLessThan(1e-9);
      expect(Math.abs(Math.abs(dv) - 1)).toBeLessThan(1e-9);
      expect(Math.sign(du)).toBe(Math.sign(dv));
    }
  });

  it('f32: reconstruction to 1e-5 ||A|| and float32 outputs', () => {
    const rows = 120;
    const cols = 80;
    const A = randn(rows * cols, 3, Float32Array);
    const { U, S, Vt, routine } = svdSync({ data: A, shape: [rows, cols] });
    expect(routine).toBe('sgesdd');
    expect(U.data).toBeInstanceOf(Float32Array);
    expect(reconstructionError(A, rows, cols, U.data, 80, S, Vt.data)).toBeLessThan(1e-5 * fro(A));
    const top = svdSync({ data: A, shape: [rows, cols] }, { k: 3 });
    expect(maxRelErr(top.S, S.slice(0, 3), S[0])).toBeLessThan(1e-5);
  });

  it('1 x n and n x 1', () => {
    const a = Float64Array.from([3, 4]);
    const r = svdSync({ data: a, shape: [1, 2] });
    expect(Array.from(r.S)).toEqual([5]);
    expect(r.U.shape).toEqual([1, 1]);
    expect(Math.abs(r.U.data[0])).toBe(1);
    expect(Math.abs(r.Vt.data[0] * 5 * r.U.data[0] - 3)).toBeLessThan(1e-15);
    const c = svdSync({ data: a, shape: [2, 1] });
    expect(Array.from(c.S)).toEqual([5]);
    expect(c.U.shape).toEqual([2, 1]);
  });
});
