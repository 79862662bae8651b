// Rank metrics (formulas.md §8) against numpy.<name>.rank in reference.json.
import { describe, expect, it } from 'vitest';
import {
  effectiveRank,
  effectiveRankSync,
  energyRank,
  energyRankSync,
  nuclearNormSync,
  numericalRank,
  numericalRankSync,
  participationRatioSync,
  rankFromSvdvals,
  rankReport,
  rankReportSync,
  stableRank,
  stableRankSync,
} from '../src/metrics/index.js';
import { expectCode, expectReject, expectRel, reference, referenceInput, toF32 } from './helpers/metrics.js';

const names = Object.keys(reference.numpy) as string[];
const ref = (n: string) => reference.numpy[n].rank;

describe('rankReport on the reference inputs (f64) vs numpy', () => {
  for (const name of names) {
    it(name, async () => {
      const W = referenceInput(name);
      const r = await rankReport(W);
      const e = ref(name);
      expectRel(r.stableRank, e.stable_rank, 1e-6);
      expectRel(r.effectiveRank, e.effective_rank, 1e-6);
      expectRel(r.nuclearNorm, e.nuclear_norm, 1e-6);
      expectRel(r.participationRatio, e.participation_ratio, 1e-6);
      expect(r.numericalRank).toBe(e.numerical_rank);
      expect(r.energyRank90).toBe(e.energy_rank_90);
      expect(r.energyRank99).toBe(e.energy_rank_99);
      expectRel(r.spectralNorm, reference.numpy[name].svdvals[0], 1e-10);
      // The sync form runs the same body.
      expect(rankReportSync(W)).toEqual(r);
    });
  }
});

describe('single metrics', () => {
  const W = referenceInput('spiked');
  const e = ref('spiked');
  it('async and Sync forms, from a Matrix', async () => {
    expectRel(await stableRank(W), e.stable_rank, 1e-6);
    expectRel(stableRankSync(W), e.stable_rank, 1e-6);
    expectRel(await effectiveRank(W), e.effective_rank, 1e-6);
    expectRel(effectiveRankSync(W), e.effective_rank, 1e-6);
    expect(await numericalRank(W)).toBe(e.numerical_rank);
    expect(await energyRank(W, 0.9)).toBe(e.energy_rank_90);
    expect(energyRankSync(W, 0.99)).toBe(e.energy_rank_99);
    expect(energyRankSync(W, 1)).toBe(256);
  });
  it('from precomputed singular values (any order)', () => {
    const s = [...reference.numpy.spiked.svdvals].reverse();
    expectRel(stableRankSync(s), e.stable_rank, 1e-12);
    expectRel(participationRatioSync(s), e.participation_ratio, 1e-12);
    expectRel(nuclearNormSync(Float64Array.from(s)), e.nuclear_norm, 1e-12);
    expect(rankFromSvdvals(s, { shape: [512, 256] }).numericalRank).toBe(256);
  });
});

describe('numerical rank tolerance', () => {
  it('exact low rank: lowrank (300x120, rank 8), and f32 input uses f32 eps', async () => {
    const W = referenceInput('lowrank');
    expect(await numericalRank(W)).toBe(8);
    const r32 = await rankReport(toF32(W));
    expect(r32.numericalRank).toBe(8);
    expectRel(r32.tol, r32.spectralNorm * 300 * 2 ** -23, 1e-12);
    expectRel(r32.stableRank, ref('lowrank').stable_rank, 1e-5);
  });
  it('tol = σ_max · max(rows, cols) · eps: a value just above/below it', () => {
    const sMax = 10;
    const tol = sMax * 1000 * 2 ** -52;
    const s = [sMax, 1, tol * 1.01, tol * 0.99];
    expect(rankFromSvdvals(s, { shape: [1000, 4] }).numericalRank).toBe(3);
    expect(rankFromSvdvals(s, { shape: [4, 4] }).numericalRank).toBe(4);
    // float32 eps is 2^-23: the same values are all below its tolerance except the first two.
    expect(rankFromSvdvals(s, { shape: [1000, 4], dtype: 'float32' }).numericalRank).toBe(2);
    expect(rankFromSvdvals(Float32Array.from([1, 1e-5, 1e-7])).numericalRank).toBe(2);
  });
  it('closed forms: identity and a single spike', () => {
    const r = rankFromSvdvals([2, 2, 2, 2]);
    expect(r.stableRank).toBe(4);
    expectRel(r.effectiveRank, 4, 1e-14);
    expectRel(r.participationRatio, 4, 1e-14);
    expect(r.energyRank90).toBe(4);
    const one = rankFromSvdvals([3, 0, 0]);
    expect([one.stableRank, one.effectiveRank, one.participationRatio, one.numericalRank]).toEqual([1, 1, 1, 1]);
  });
});

describe('bad input', () => {
  it('zero matrix -> E_DEGENERATE (numerical rank is 0)', async () => {
    const Z = { data: new Float64Array(12), shape: [3, 4] as const };
    expect(numericalRankSync(Z)).toBe(0);
    expectCode(() => rankReportSync(Z), 'E_DEGENERATE');
    expectCode(() => stableRankSync([0, 0]), 'E_DEGENERATE');
    await expectReject(effectiveRank(Z), 'E_DEGENERATE');
  });
  it('shapes, values, options', async () => {
    expectCode(() => stableRankSync({ data: new Float64Array(5), shape: [2, 3] }), 'E_SHAPE');
    expectCode(() => rankFromSvdvals([]), 'E_SHAPE');
    expectCode(() => rankFromSvdvals([1, -1]), 'E_SHAPE');
    expectCode(() => rankFromSvdvals([1, NaN]), 'E_NONFINITE');
    expectCode(() => rankFromSvdvals([1, 2], { shape: [3, 3] }), 'E_SHAPE');
    expectCode(() => rankFromSvdvals([1, 2], { shap: [2, 2] } as never), 'E_OPTION');
    expectCode(() => rankFromSvdvals('abc' as never), 'E_DTYPE');
    expectCode(() => energyRankSync([1, 2], 0), 'E_OPTION');
    await expectReject(energyRank([1, 2], 1.5), 'E_OPTION');
    const W = { data: Float64Array.from([1, NaN, 0, 1]), shape: [2, 2] as const };
    await expectReject(rankReport(W), 'E_NONFINITE');
  });
});
