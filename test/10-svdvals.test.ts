import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matrix, svdvals, svdvalsSync } from '../src/index.js';
import { fixturesDir, inputNames, loadInput, maxRelErr, randn, reference } from './helpers/reference.js';

const linalg = JSON.parse(readFileSync(join(fixturesDir, 'linalg', 'linalg.json'), 'utf8'));

describe('svdvals against numpy (shared reference inputs)', () => {
  for (const name of inputNames) {
    const want: number[] = reference.numpy[name].svdvals;
    it(`${name} f64 within 1e-10 of sigma_max`, async () => {
      const m = loadInput(name);
      const s = svdvalsSync(m);
      expect(s).toBeInstanceOf(Float64Array);
      expect(maxRelErr(s, want, want[0])).toBeLessThan(1e-10);
      expect(maxRelErr(await svdvals(m), want, want[0])).toBeLessThan(1e-10);
    });
    it(`${name} f32 within 1e-5 of sigma_max`, async () => {
      const m = loadInput(name);
      const m32 = { data: Float32Array.from(m.data), shape: m.shape };
      const s = await svdvals(m32);
      expect(s).toBeInstanceOf(Float32Array);
      expect(maxRelErr(s, want, want[0])).toBeLessThan(1e-5);
    });
    it(`${name} Gram route: sigma^2 within 1e-9 of lambda_max`, () => {
      const m = loadInput(name);
      const s = svdvalsSync(m, { method: 'gram' });
      const lmax = want[0] ** 2;
      expect(maxRelErr(Array.from(s, (v) => v * v), want.map((v) => v * v), lmax)).toBeLessThan(1e-9);
    });
  }
});

describe('svdvals closed forms and shapes', () => {
  it('diagonal matrix: |d| sorted descending', () => {
    const d = [3, -7, 0.5, 2, -1e-3];
    const n = d.length;
    const a = new Float64Array(n * n);
    d.forEach((v, i) => (a[i * n + i] = v));
    const s = svdvalsSync({ data: a, shape: [n, n] });
    const want = d.map(Math.abs).sort((x, y) => y - x);
    expect(maxRelErr(s, want, 7)).toBeLessThan(1e-15);
  });

  it('orthogonal matrix (product of Givens rotations): all singular values 1', () => {
    const n = 40;
    const q = new Float64Array(n * n);
    for (let i = 0; i < n; i++) q[i * n + i] = 1;
    const angles = randn(n * 3, 7);
    for (let r = 0; r < n * 3; r++) {
      const i = r % n;
      const j = (r * 7 + 3) % n;
      if (i === j) continue;
      const c = Math.cos(angles[r]);
      const sn = Math.sin(angles[r]);
      for (let k = 0; k < n; k++) {
        const a = q[i * n + k];
        const b = q[j * n + k];
        q[i * n + k] = c * a - sn * b;
        q[j * n + k] = sn * a + c * b;
      }
    }
    const s = svdvalsSync({ data: q, shape: [n, n] });
    for (const v of s) expect(Math.abs(v - 1)).toBeLessThan(1e-13);
  });

  it('lowrank: exactly 8 values above the numerical-rank threshold', () => {
    const m = loadInput('lowrank');
    const s = svdvalsSync(m);
    const tol = s[0] * Math.max(...m.shape) * Number.EPSILON;
    expect(Array.from(s).filter((v) => v > tol).length).toBe(8);
  });

  it('wide, tall, 1 x n and n x 1', () => {
    const g = loadInput('gauss');
    const row = { data: g.data.slice(0, 256), shape: [1, 256] as [number, number] };
    const col = { data: Float64Array.from({ length: 512 }, (_, i) => g.data[i * 256]), shape: [512, 1] as [number, number] };
    expect(maxRelErr(svdvalsSync(row), linalg.row.svdvals, linalg.row.svdvals[0])).toBeLessThan(1e-14);
    expect(maxRelErr(svdvalsSync(col), linalg.col.svdvals, linalg.col.svdvals[0])).toBeLessThan(1e-14);
    // the transpose has the same singular values
    const w = loadInput('wide');
    const [r, c] = w.shape;
    const t = new Float64Array(r * c);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = w.data[i * c + j];
    const want = reference.numpy.wide.svdvals;
    expect(svdvalsSync(w).length).toBe(64);
    expect(maxRelErr(svdvalsSync({ data: t, shape: [c, r] }), want, want[0])).toBeLessThan(1e-10);
  });

  it('1 x 1 and all-zero matrices', () => {
    expect(Array.from(svdvalsSync(matrix([[-4]])))).toEqual([4]);
    expect(Array.from(svdvalsSync({ data: new Float64Array(12), shape: [3, 4] }))).toEqual([0, 0, 0]);
  });

  it('badly scaled f64 input (1e+300 and 1e-300) keeps its singular values', () => {
    const g = loadInput('gauss');
    const want = reference.numpy.gauss.svdvals;
    for (const scale of [1e300, 1e-300]) {
      const s = svdvalsSync({ data: g.data.map((v) => v * scale), shape: g.shape });
      expect(maxRelErr(s, want.map((v: number) => v * scale), want[0] * scale)).toBeLessThan(1e-10);
    }
  });

  it('matrix() converts number[][]', () => {
    const m = matrix([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(m.shape).toEqual([3, 2]);
    // numpy.linalg.svd([[1,2],[3,4],[5,6]], compute_uv=False)
    expect(maxRelErr(svdvalsSync(m), [9.525518091565107, 0.5143005806586446], 9.5)).toBeLessThan(1e-14);
    expect(matrix([[1, 2]], 'float32').data).toBeInstanceOf(Float32Array);
  });
});
