// Richness D_LR (formulas.md §10): the four closed-form checks, and numpy values computed with explicit
// n x n kernels (test/fixtures/metrics/make_metrics.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { svdSync } from '../src/linalg/index.js';
import type { Matrix } from '../src/linalg/matrix.js';
import { richness, richnessSync } from '../src/metrics/index.js';
import { matmul } from './helpers/linalg.js';
import { expectCode, expectReject, expectRel, randn, toF32 } from './helpers/metrics.js';

const fixtures = JSON.parse(readFileSync(new URL('./fixtures/metrics/metrics.json', import.meta.url), 'utf8'));
const M = (rows: number[][]): Matrix<Float64Array> => ({ data: Float64Array.from(rows.flat()), shape: [rows.length, rows[0].length] });
const rowsOf = (m: Matrix): number[][] => Array.from({ length: m.shape[0] }, (_, i) => Array.from(m.data.subarray(i * m.shape[1], (i + 1) * m.shape[1])));

/** n x k orthonormal columns, each orthogonal to the all-ones vector (so already column-centred). */
function centredOrthonormal(n: number, k: number, seed: number): number[][] {
  const X = randn(n, k, seed);
  for (let j = 0; j < k; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += X.data[i * k + j] / n;
    for (let i = 0; i < n; i++) X.data[i * k + j] -= mean;
  }
  const { U } = svdSync(X);
  return rowsOf({ data: U.data, shape: [n, k] });
}

describe('D_LR closed forms (formulas.md §10)', () => {
  it('(a) balanced one-hot features, F = Φ·W with W invertible -> 0', async () => {
    const labels = Array.from({ length: 20 }, (_, i) => i % 4);
    const Phi = M(labels.map((c) => [0, 1, 2, 3].map((j) => (j === c ? 1 : 0))));
    const W = M([[2, 1, 0, 0], [0, 1, 3, 0], [1, 0, 1, 1], [0, 2, 0, 1]]);
    const r = await richness(Phi, matmul(Phi, W), { labels });
    expect(r.dLR).toBeLessThan(1e-14);
    expect(r.outputRank).toBe(3);
    // All the feature energy is used: both curves end at 1.
    expectRel(r.cumulativeUtilisation[r.cumulativeUtilisation.length - 1], 1, 1e-12);
    expectRel(r.cumulativeQuality![r.cumulativeQuality!.length - 1], 1, 1e-12);
  });
  it('(b) Φc = [q1, √3 q2], F spanning {q1, q2} -> 1 − 4/√20', () => {
    const Q = centredOrthonormal(30, 2, 5);
    const Phi = M(Q.map(([a, b]) => [a + 10, Math.sqrt(3) * b - 2]));
    const F = M(Q.map(([a, b]) => [a + b, a - 2 * b, 3 * a]));
    const r = richnessSync(Phi, F);
    expectRel(r.dLR, 1 - 4 / Math.sqrt(20), 1e-12);
    expectRel(1 - 4 / Math.sqrt(20), 0.1055728, 1e-6);
    expectRel(r.effectiveDimension, Math.exp(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75))), 1e-12);
    expectRel(r.relativeEigenvalues[1], 1 / 3, 1e-12);
  });
  it('(c) isotropic Φc on 36 directions, F spanning 9 of them -> 0.5', () => {
    const Q = centredOrthonormal(80, 36, 6);
    const r = richnessSync(M(Q), M(Q.map((row) => row.slice(0, 9))));
    expectRel(r.dLR, 0.5, 1e-12);
    expectRel(r.effectiveDimension, 36, 1e-10);
    expectRel(r.cumulativeUtilisation[35], 1, 1e-10);
  });
  it('(d) invariant to scaling Φ, rotating its columns, and F -> F·W', () => {
    const Phi = randn(50, 6, 7);
    const F = matmul(Phi, randn(6, 3, 8));
    for (let i = 0; i < F.data.length; i++) F.data[i] += 0.3 * Math.sin(i);
    const base = richnessSync(Phi, F).dLR;
    const { U: R } = svdSync(randn(6, 6, 9)); // random orthogonal 6 x 6
    const scaled = { data: Phi.data.map((v) => 7.5 * v), shape: Phi.shape };
    expectRel(richnessSync(scaled, F).dLR, base, 1e-12);
    expectRel(richnessSync(matmul(Phi, { data: R.data, shape: [6, 6] }), F).dLR, base, 1e-12);
    expectRel(richnessSync(Phi, matmul(F, M([[1, 2, 0], [0, 1, 0], [3, 0, 1]]))).dLR, base, 1e-12);
    expect(base).toBeGreaterThan(0.05);
  });
});

describe('richness vs numpy (explicit n x n kernels)', () => {
  for (const name of Object.keys(fixtures.richness)) {
    it(name, async () => {
      const { input, expected } = fixtures.richness[name];
      const opts = input.labels ? { labels: input.labels } : undefined;
      const r = await richness(M(input.features), M(input.outputs), opts);
      expectRel(r.dLR, expected.dLR, 1e-9);
      expect(r.outputRank).toBe(expected.outputRank);
      expectRel(r.effectiveDimension, expected.effectiveDimension, 1e-9);
      const ev: number[] = expected.eigenvalues;
      for (let i = 0; i < ev.length; i++) expect(Math.abs(r.eigenvalues[i] - ev[i])).toBeLessThan(1e-10 * ev[0]);
      const util: number[] = expected.cumulativeUtilisation;
      expect(r.cumulativeUtilisation.length).toBe(util.length);
      util.forEach((v, i) => expect(Math.abs(r.cumulativeUtilisation[i] - v)).toBeLessThan(1e-9));
      if (expected.cumulativeQuality) expected.cumulativeQuality.forEach((v: number, i: number) => expect(Math.abs(r.cumulativeQuality![i] - v)).toBeLessThan(1e-9));
      else expect(r.cumulativeQuality).toBeUndefined();
      const r32 = richnessSync(toF32(M(input.features)), toF32(M(input.outputs)), opts);
      expectRel(r32.dLR, expected.dLR, 1e-4);
    });
  }
});

describe('bad input', () => {
  const Phi = randn(10, 3, 1);
  const F = randn(10, 2, 2);
  it('typed errors', async () => {
    expectCode(() => richnessSync(Phi, randn(9, 2, 2)), 'E_SHAPE');
    expectCode(() => richnessSync(randn(1, 3, 1), randn(1, 2, 1)), 'E_SHAPE');
    expectCode(() => richnessSync({ data: new Float64Array(30).fill(2), shape: [10, 3] }, F), 'E_DEGENERATE');
    expectCode(() => richnessSync(Phi, { data: new Float64Array(20).fill(1), shape: [10, 2] }), 'E_DEGENERATE');
    expectCode(() => richnessSync(Phi, F, { labels: new Array(10).fill(1) }), 'E_DEGENERATE');
    expectCode(() => richnessSync(Phi, F, { labels: [0, 2, 0, 2, 0, 2, 0, 2, 0, 2] }), 'E_DEGENERATE');
    expectCode(() => richnessSync(Phi, F, { labels: [0, 1] }), 'E_SHAPE');
    expectCode(() => richnessSync(Phi, F, { numClasses: 2 }), 'E_OPTION');
    expectCode(() => richnessSync(Phi, F, { label: [] } as never), 'E_OPTION');
    const bad = randn(10, 3, 1);
    bad.data[4] = Infinity;
    await expectReject(richness(bad, F), 'E_NONFINITE');
  });
});
