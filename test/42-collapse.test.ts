// Neural collapse NC1–NC4 (formulas.md §10) vs numpy (test/fixtures/metrics/make_metrics.py: explicit
// d x d Σ_W, Σ_B, pinv) and closed forms.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Matrix } from '../src/linalg/matrix.js';
import { neuralCollapse, neuralCollapseSync } from '../src/metrics/index.js';
import { expectCode, expectReject, expectRel, gaussian, toF32 } from './helpers/metrics.js';

const fixtures = JSON.parse(readFileSync(new URL('./fixtures/metrics/metrics.json', import.meta.url), 'utf8'));
const M = (rows: number[][]): Matrix<Float64Array> => ({ data: Float64Array.from(rows.flat()), shape: [rows.length, rows[0].length] });

describe('neuralCollapse vs numpy', () => {
  for (const name of Object.keys(fixtures.collapse)) {
    it(name, async () => {
      const { input, expected } = fixtures.collapse[name];
      const H = M(input.H);
      const opts = input.W ? { W: M(input.W), b: input.b } : undefined;
      const r = await neuralCollapse(H, input.labels, opts);
      for (const key of ['nc1', 'nc2Equinorm', 'nc2Equiangular', 'nc2Etf', 'nc3'] as const)
        if (expected[key] !== undefined) expectRel(r[key]!, expected[key], 1e-6);
      if (expected.nc4 !== undefined) expect(r.nc4).toBe(expected.nc4);
      else expect(r.nc3).toBeUndefined();
      expect(neuralCollapseSync(H, input.labels, opts)).toEqual(r);
      // f32 features: same values to f32 accuracy (tiny ones like the collapsed NC1 excepted).
      const r32 = neuralCollapseSync(toF32(H), input.labels, opts);
      if (expected.nc1 > 1e-3) expectRel(r32.nc1, expected.nc1, 1e-4);
    });
  }
  it('collapsed features score far below noisy ones', () => {
    const c = fixtures.collapse.collapsed.expected;
    const n = fixtures.collapse.noisy.expected;
    for (const key of ['nc1', 'nc2Equinorm', 'nc2Equiangular', 'nc2Etf', 'nc3']) expect(c[key] * 100).toBeLessThan(n[key]);
  });
});

describe('closed forms', () => {
  it('exact simplex ETF with no within-class spread: every NC is 0', () => {
    // C = 3 means at 120° in the plane, 4 samples each, classifier = the means.
    const C = 3;
    const means = [0, 1, 2].map((c) => [Math.cos((2 * Math.PI * c) / C), Math.sin((2 * Math.PI * c) / C)]);
    const labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2];
    const r = neuralCollapseSync(M(labels.map((c) => means[c])), labels, { W: M(means) });
    for (const v of [r.nc1, r.nc2Equinorm, r.nc2Equiangular, r.nc2Etf, r.nc3!, r.nc4!]) expect(v).toBeLessThan(1e-14);
    expect(r.rankB).toBe(2);
  });
  it('NC1 = within variance / between variance on a line', () => {
    // Two classes at ±a on the x axis, within-class spread ±s along x, plus a y-offset: Σ_B = a² e1e1ᵀ,
    // Σ_W = s² e1e1ᵀ (+ nothing along y) → NC1 = (s²/a²)/2.
    const [a, s] = [3, 0.5];
    const pts = [[-a - s, 7], [-a + s, 7], [a - s, 7], [a + s, 7]];
    const r = neuralCollapseSync(M(pts), [0, 0, 1, 1]);
    expectRel(r.nc1, (s * s) / (a * a) / 2, 1e-14);
    expect(r.nc2Equiangular).toBe(0); // one pair: std 0
    expect(r.nc2Etf).toBeLessThan(1e-15); // cos = −1 = −1/(C−1)
    expect(r.nc2Equinorm).toBeLessThan(1e-15);
  });
  it('NC4 counts disagreements between the classifier and the nearest mean', () => {
    const pts = [[-1, 0], [-2, 0], [1, 0], [2, 0]];
    // A classifier that always says class 1 disagrees with the nearest-mean rule on the two class-0 points.
    const r = neuralCollapseSync(M(pts), [0, 0, 1, 1], { W: M([[0, 0], [0, 0.1]]), b: [0, 1] });
    expect(r.nc4).toBe(0.5);
  });
});

describe('bad input', () => {
  const g = gaussian(3);
  const H = M(Array.from({ length: 6 }, () => [g(), g(), g()]));
  it('typed errors', async () => {
    expectCode(() => neuralCollapseSync(H, [0, 0, 0, 0, 0, 0]), 'E_DEGENERATE'); // one class
    expectCode(() => neuralCollapseSync(H, [0, 0, 2, 2, 0, 2]), 'E_DEGENERATE'); // class 1 empty
    expectCode(() => neuralCollapseSync(H, [0, 1, 0, 1, 0, 1], { numClasses: 3 }), 'E_DEGENERATE');
    expectCode(() => neuralCollapseSync(H, [0, 1, 0, 1, 0]), 'E_SHAPE');
    expectCode(() => neuralCollapseSync(H, [0, 1, 0, 1, 0, 1.5]), 'E_DTYPE');
    expectCode(() => neuralCollapseSync(H, [0, 1, 0, 1, 0, -1]), 'E_DTYPE');
    expectCode(() => neuralCollapseSync(H, [0, 1, 0, 1, 0, 5], { numClasses: 3 }), 'E_SHAPE');
    expectCode(() => neuralCollapseSync(H, [0, 1, 0, 1, 0, 1], { W: M([[1, 2, 3]]) }), 'E_SHAPE');
    expectCode(() => neuralCollapseSync(H, [0, 1, 0, 1, 0, 1], { W: M([[0, 0, 0], [0, 0, 0]]) }), 'E_DEGENERATE');
    expectCode(() => neuralCollapseSync(H, [0, 1, 0, 1, 0, 1], { W: M([[1, 2, 3], [1, 0, 0]]), b: [1] }), 'E_SHAPE');
    expectCode(() => neuralCollapseSync(H, [0, 1, 0, 1, 0, 1], { w: 1 } as never), 'E_OPTION');
    await expectReject(neuralCollapse({ data: new Float64Array(18), shape: [6, 3] }, [0, 1, 0, 1, 0, 1]), 'E_DEGENERATE');
    await expectReject(neuralCollapse({ data: new Float64Array(17), shape: [6, 3] }, [0, 1, 0, 1, 0, 1]), 'E_SHAPE');
  });
});
