// Issue 19 item 5: finite input never gives a silent NaN, Infinity or 0. Scale-invariant metrics are the same
// at 1e±200 as at 1 (the inputs are scaled by powers of two, so "the same" is to rounding); quantities float64
// cannot hold are E_NONFINITE naming them. References: the unscaled value (exact scaling by 2^k) or numpy's
// value in test/fixtures/reference, and closed forms.
import { describe, expect, it } from 'vitest';
import {
  analyzeMatrixSync,
  balancednessSync,
  esd,
  esdSync,
  gradientAlignment,
  inputOrthogonalitySync,
  layerAlignmentSync,
  mergeBySum,
  neuralCollapseSync,
  principalAnglesSync,
  rankFromSvdvals,
  rankReportSync,
  richnessSync,
  type Matrix,
} from '../src/index.js';
import { normMetrics } from '../src/metrics/heavytail/index.js'; // internal: not in the public API
import { expectCode, expectRel, randn, reference, referenceInput } from './helpers/metrics.js';

const P200 = 2 ** 664; // ≈ 1e200, a power of two: scaling by it is exact
const M170 = 2 ** -565; // ≈ 1e-170
const scale = (m: Matrix, c: number): Matrix => ({ data: (m.data as Float64Array).map((v) => v * c), shape: m.shape });

describe('rank metrics at σ ≈ 1e200 and 1e-170 (were NaN, ∞ and 0)', () => {
  const W = referenceInput('spiked');
  const ref = reference.numpy.spiked.rank;
  it.each([P200, M170])('rankReport(W·%s): numpy’s stable/effective rank and ratio metrics, norms scaled exactly', (c) => {
    const r = rankReportSync(scale(W, c));
    const r0 = rankReportSync(W);
    expectRel(r.stableRank, ref.stable_rank, 1e-6);
    expectRel(r.effectiveRank, ref.effective_rank, 1e-6);
    expectRel(r.participationRatio, ref.participation_ratio, 1e-6);
    expect([r.numericalRank, r.energyRank90, r.energyRank99]).toEqual([r0.numericalRank, r0.energyRank90, r0.energyRank99]);
    expectRel(r.frobeniusNorm, r0.frobeniusNorm * c, 1e-13);
    expectRel(r.nuclearNorm, r0.nuclearNorm * c, 1e-13);
    expectRel(r.spectralNorm, r0.spectralNorm * c, 1e-13);
  });
  it('rankFromSvdvals: 1e300-sized values; Σσ past float64 is E_NONFINITE naming the nuclear norm', () => {
    const r = rankFromSvdvals([1e300, 1e300, 5e299]);
    expect(r.stableRank).toBeCloseTo(2.25, 14);
    expectRel(r.frobeniusNorm, 1.5e300, 1e-15);
    expect(() => rankFromSvdvals(new Array(4).fill(1e308))).toThrow(/nuclear norm Σσ overflows/);
    expectCode(() => rankFromSvdvals(new Array(4).fill(1e308)), 'E_NONFINITE');
    const tiny = rankFromSvdvals([3e-320, 4e-320]); // subnormal values: ratios still exact
    expect(tiny.stableRank).toBeCloseTo(1 + (3 / 4) ** 2, 2);
  });
});

describe('esd: λ = σ² outside float64 is E_NONFINITE (every eigenvalue was ∞)', () => {
  const W = randn(40, 20, 3);
  it('W·1e200 overflows, W·1e150 is exact; W·1e-170 underflows', () => {
    expect(() => esdSync(scale(W, P200), { minEvals: 1 })).toThrow(/λ_max = σ_max² overflows float64/);
    expectCode(() => esdSync(scale(W, P200)), 'E_NONFINITE');
    const e0 = esdSync(W);
    const e = esdSync(scale(W, 2 ** 498)); // ≈ 1e150: λ ≈ 1e300
    for (let i = 0; i < e.evals.length; i++) expectRel(e.evals[i], e0.evals[i] * 2 ** 996, 1e-13);
    expectCode(() => esdSync(scale(W, M170 * 2 ** -100)), 'E_NONFINITE');
  });
  it("method 'gram' on float32 entries near 1e-30 equals the gesdd route (the slices are scaled first)", () => {
    const f = { data: Float32Array.from(W.data, (v) => v * 1e-30), shape: W.shape };
    const g = esdSync(f, { method: 'gram' });
    const s = esdSync(f);
    const top = s.evals[s.evals.length - 1];
    expect(top).toBeGreaterThan(0);
    for (let i = 0; i < s.evals.length; i++) expect(Math.abs(g.evals[i] - s.evals[i])).toBeLessThan(1e-5 * top);
  });
  it("method 'gram' on one float64 slice near 1e-150 and 1e150 (scaled natively, not in JavaScript) equals the gesdd route", async () => {
    for (const c of [2 ** -498, 2 ** 498]) {
      const f = scale(W, c);
      const s = esdSync(f);
      const top = s.evals[s.evals.length - 1];
      for (const g of [esdSync(f, { method: 'gram' }), await esd(f, { method: 'gram' })]) {
        expect(g.evals.length).toBe(s.evals.length);
        for (let i = 0; i < s.evals.length; i++) expect(Math.abs(g.evals[i] - s.evals[i])).toBeLessThan(1e-12 * top);
      }
    }
    // λ_max below float64's smallest normal number: E_NONFINITE either way, never zeros
    expectCode(() => esdSync(scale(W, M170 * 2 ** -100), { method: 'gram' }), 'E_NONFINITE');
  });
});

describe('gradientAlignment at 1e200 (cos was 0, norms ∞)', () => {
  const W = randn(6, 5, 4);
  it('cos(1e200·W, W) = 1, norms exact, residual finite', () => {
    const r = gradientAlignment(scale(W, P200), W, { weightDecay: 0.5 });
    expect(r.cos).toBeCloseTo(1, 14);
    const n = Math.hypot(...W.data);
    expectRel(r.normW, n * P200, 1e-14);
    expectRel(r.normG, n, 1e-14);
    // ‖W + 0.5·1e200·W‖ / ‖W‖ = 1 + 0.5·1e200
    expectRel(r.residual!, 1 + 0.5 * P200, 1e-14);
  });
  it('lists mixing 1e200 and 1e-200 layers; an unrepresentable norm is E_NONFINITE', () => {
    const G = scale(W, -1);
    const r = gradientAlignment([scale(W, P200), scale(W, 2 ** -664)], [G, G]);
    expect(r.layers.map((l) => l.cos)).toEqual([-1, -1]);
    // ⟨W, G⟩ / (‖W‖‖G‖) = −(2^664 + 2^-664)‖W‖² / (2^664‖W‖ · √2‖W‖) = −1/√2
    expect(r.total.cos).toBeCloseTo(-Math.SQRT1_2, 14);
    expectCode(() => gradientAlignment(scale(W, 2 ** 1022), W), "E_NONFINITE"); // entries < 1.8e308, ‖W‖ past it
  });
});

describe('balancedness, orthogonality, angles, collapse, richness are scale-free', () => {
  const A = randn(5, 4, 5);
  const B = randn(3, 5, 6);
  it('balancedness: the same imbalance at a common 2^300, E_NONFINITE when ‖W‖² cannot be held', () => {
    const r0 = balancednessSync([A, B]);
    const r = balancednessSync([scale(A, 2 ** 300), scale(B, 2 ** 300)]);
    expectRel(r.imbalance[0], r0.imbalance[0], 1e-13);
    expectRel(r.normsSqSpread, r0.normsSqSpread, 1e-13);
    expectRel(r.normsSq[1], r0.normsSq[1] * 2 ** 600, 1e-13);
    expect(() => balancednessSync([scale(A, P200), B])).toThrow(/normsSq\[0\].*overflows/);
    // layers of very different scales: imbalance ≈ ‖W₁ᵀW₁‖ / ‖W₀W₀ᵀ‖, representable
    const mixed = balancednessSync([A, scale(B, 2 ** 400)]);
    expect(Number.isFinite(mixed.imbalance[0]) && mixed.imbalance[0] > 1e200).toBe(true);
  });
  it('inputOrthogonality, principal angles and layer alignment at 1e200 vs 1e-170', () => {
    const XA = randn(7, 4, 7);
    const XB = randn(5, 4, 8);
    expectRel(inputOrthogonalitySync(scale(XA, P200), scale(XB, M170)), inputOrthogonalitySync(XA, XB), 1e-13);
    const p0 = principalAnglesSync(XA, randn(7, 4, 9), { k: 2 });
    const p = principalAnglesSync(scale(XA, P200), scale(randn(7, 4, 9), M170), { k: 2 });
    for (let i = 0; i < 2; i++) expect(Math.abs(p.angles[i] - p0.angles[i])).toBeLessThan(1e-12);
    expectRel(layerAlignmentSync(scale(A, P200), B).top1, layerAlignmentSync(A, B).top1, 1e-12);
  });
  it('neuralCollapse and richness at 1e200 and 1e-170 equal their unscaled values', () => {
    const n = 12;
    const H = randn(n, 3, 10);
    const labels = Array.from({ length: n }, (_, i) => i % 3);
    const W = randn(3, 3, 11);
    const c0 = neuralCollapseSync(H, labels, { W });
    for (const c of [P200, M170]) {
      const r = neuralCollapseSync(scale(H, c), labels, { W: scale(W, 1 / c) });
      for (const k of ['nc1', 'nc2Equinorm', 'nc2Equiangular', 'nc2Etf', 'nc3'] as const) expectRel(r[k]!, c0[k]!, 1e-10);
      expect(r.nc4).toBe(c0.nc4);
    }
    const F = randn(n, 2, 12);
    const d0 = richnessSync(H, F);
    const d = richnessSync(scale(H, 2 ** 300), scale(F, M170));
    expectRel(d.dLR, d0.dLR, 1e-12);
    expectRel(d.effectiveDimension, d0.effectiveDimension, 1e-12);
    expectRel(d.eigenvalues[0], d0.eigenvalues[0] * 2 ** 600, 1e-12);
    // at 1e200 the eigenvalues (1e400) cannot be held: E_NONFINITE naming ρ_1
    expect(() => richnessSync(scale(H, P200), F)).toThrow(/largest eigenvalue ρ_1 .* overflows/);
  });
});

describe('degenerate inputs are E_DEGENERATE, not arbitrary numbers', () => {
  it('principal angles of a zero matrix, of rank < k, or with σ_k = σ_{k+1}', () => {
    const A = randn(6, 4, 13);
    const zero = { data: new Float64Array(24), shape: [6, 4] as const };
    expectCode(() => principalAnglesSync(A, zero, { k: 4 }), 'E_DEGENERATE'); // gave [0, 0, 0.60, 1.11]
    const rank1 = { data: Float64Array.from({ length: 24 }, (_, i) => (1 + (i >> 2)) * (1 + (i % 4))), shape: [6, 4] as const };
    expectCode(() => principalAnglesSync(A, rank1, { k: 2 }), 'E_DEGENERATE');
    const eye = { data: Float64Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1 : 0)), shape: [4, 4] as const };
    expectCode(() => principalAnglesSync(eye, randn(4, 4, 14), { k: 1 }), 'E_DEGENERATE'); // every σ tied
    expect(principalAnglesSync(eye, randn(4, 4, 14)).angles.length).toBe(4); // k = n: the whole space, defined
  });
  it('a constant layer: entropy 0 (WeightWatcher divides by ln(1 + 1e-10): 436.5 here), not noise', () => {
    const r = analyzeMatrixSync({ data: new Float64Array(400).fill(1), shape: [20, 20] }, { minEvals: 1 });
    expect(r.matrixRank).toBe(1);
    expect(r.entropy).toBe(0);
  });
  it('normMetrics: Σλ past float64 is E_NONFINITE; ratios of huge eigenvalues stay exact', () => {
    expectCode(() => normMetrics(Float64Array.from([1e308, 1e308]), NaN, 2, 2 ** -52), 'E_NONFINITE');
    const m = normMetrics(Float64Array.from([1e307, 4e307]), NaN, 2, 2 ** -52);
    expect(m.stableRank).toBeCloseTo(1.25, 14);
    expectRel(m.norm, 5e307, 1e-15);
  });
  it('richness with constant features (f64 means leave rounding noise): E_DEGENERATE', () => {
    const n = 10; // ten 0.1s sum to 0.9999999999999999: the centred column is 1.4e-17, not 0
    const Phi = { data: new Float64Array(n * 2).fill(0.1), shape: [n, 2] as const };
    expectCode(() => richnessSync(Phi, randn(n, 2, 15)), 'E_DEGENERATE');
  });
  it('mergeBySum: an overflowing sum is E_NONFINITE; a layer named __proto__ is kept', () => {
    const big = { data: Float32Array.from([3e38, 1]), shape: [1, 2] as const };
    expectCode(() => mergeBySum([big], [big]), 'E_NONFINITE');
    const rec = Object.defineProperty({}, '__proto__', { value: { data: Float64Array.of(1), shape: [1, 1] }, enumerable: true });
    const out = mergeBySum(rec as never, rec as never) as Record<string, Matrix>;
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(Array.from(Object.getOwnPropertyDescriptor(out, '__proto__')!.value.data)).toEqual([2]);
  });
});
