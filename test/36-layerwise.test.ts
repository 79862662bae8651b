// TempBalance, Model Balancing, AlphaPruning (formulas.md §7): closed-form cases and edge cases.
import { describe, expect, it } from 'vitest';
import { alphaPruning, modelBalancing, tempBalance } from '../src/metrics/heavytail/index.js';

describe('tempBalance', () => {
  const layers = [3, 2, 4, 6, 5].map((alpha, i) => ({ name: `l${i}`, alpha, numEvals: 100 }));
  it('maps α linearly onto [0.5 lr, 1.5 lr]; first and last layer keep lr', () => {
    const r = tempBalance(layers, 0.1);
    expect(r.map((l) => l.tuned)).toEqual([false, true, true, true, false]);
    expect(r[1].lr).toBeCloseTo(0.05, 15);
    expect(r[2].lr).toBeCloseTo(0.1, 15);
    expect(r[3].lr).toBeCloseTo(0.15, 15);
    expect(r[0].lr).toBe(0.1);
    expect(r[0].reason).toMatch(/first/);
    expect(r[4].reason).toMatch(/last/);
  });
  it('keeps all layers when asked, with custom ratios', () => {
    const r = tempBalance(layers, 1, { removeFirst: false, removeLast: false, lrMinRatio: 0.2, lrMaxRatio: 1.2 });
    expect(r.map((l) => +l.lr.toFixed(12))).toEqual([0.45, 0.2, 0.7, 1.2, 0.95]);
  });
  it('layers with < 50 eigenvalues or NaN α keep lr and say why', () => {
    const ls = [...layers];
    ls[2] = { name: 'small', alpha: 9, numEvals: 20 };
    ls[3] = { name: 'failed', alpha: NaN, numEvals: 100 };
    const r = tempBalance(ls, 0.1);
    expect(r[2]).toMatchObject({ tuned: false, lr: 0.1 });
    expect(r[2].reason).toMatch(/20 eigenvalues < minEvals = 50/);
    expect(r[3].reason).toMatch(/not a number/);
    expect(r[1]).toMatchObject({ tuned: true, lr: 0.1 }); // the only tuned layer: no spread
    expect(r[1].reason).toMatch(/only one tuned layer/);
  });
  it('all α equal: lr everywhere (numpy.interp would give 1.5 lr)', () => {
    const r = tempBalance([1, 2, 3, 4].map(() => ({ alpha: 3, numEvals: 100 })), 0.1);
    expect(r.map((l) => l.lr)).toEqual([0.1, 0.1, 0.1, 0.1]);
    expect(r[1].reason).toMatch(/all α equal/);
  });
  it('one layer, and no layers', () => {
    expect(tempBalance([{ alpha: 4, numEvals: 100 }], 0.1)[0]).toMatchObject({ lr: 0.1, tuned: false });
    expect(tempBalance([], 0.1)).toEqual([]);
  });
  it('errors', () => {
    expect(() => tempBalance(layers, 0)).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
    expect(() => tempBalance(layers, 0.1, { lrMinRatio: 2, lrMaxRatio: 1 })).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
    expect(() => tempBalance(layers, 0.1, { bogus: 1 } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
    expect(() => tempBalance('x' as never, 0.1)).toThrow(expect.objectContaining({ code: 'E_DTYPE' }));
    expect(() => tempBalance([{ alpha: '3', numEvals: 1 }] as never, 0.1)).toThrow(expect.objectContaining({ code: 'E_DTYPE' }));
  });
});

describe('modelBalancing (block sigmoid)', () => {
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  it('lr_b = lr·10^{s(sigmoid(10 d) − 0.5)}, d = block mean − mean of block means', () => {
    const r = modelBalancing(
      [
        { alpha: 2, block: 'A' },
        { alpha: 4, block: 'A' },
        { alpha: 5, block: 'B' },
        { alpha: 4, block: 'C' },
      ],
      1e-3,
    );
    expect(r.map((l) => l.blockAlpha)).toEqual([3, 3, 5, 4]);
    expect(r.map((l) => l.d)).toEqual([-1, -1, 1, 0]);
    expect(r[0].lr).toBeCloseTo(1e-3 * 10 ** (0.25 * (sig(-10) - 0.5)), 15);
    expect(r[2].lr).toBeCloseTo(1e-3 * 10 ** (0.25 * (sig(10) - 0.5)), 15);
    expect(r[3].lr).toBe(1e-3);
    expect(r[0].lr).toBe(r[1].lr);
  });
  it('separate slopes above and below the mean; layers without a block are their own block', () => {
    const r = modelBalancing([{ alpha: 2 }, { alpha: 4 }], 1, { slope: 0.5, slopeMin: 0.1, temperature: 1 });
    expect(r[0].lr).toBeCloseTo(10 ** (0.1 * (sig(-1) - 0.5)), 15);
    expect(r[1].lr).toBeCloseTo(10 ** (0.5 * (sig(1) - 0.5)), 15);
  });
  it('one block / all equal -> lr; NaN α -> lr with a reason', () => {
    expect(modelBalancing([{ alpha: 3 }], 0.1)[0].lr).toBe(0.1);
    const r = modelBalancing([{ alpha: 3 }, { alpha: 3 }, { alpha: NaN }], 0.1);
    expect(r.map((l) => l.lr)).toEqual([0.1, 0.1, 0.1]);
    expect(r[2].reason).toMatch(/no finite α/);
  });
  it('errors', () => {
    expect(() => modelBalancing([{ alpha: 1 }], -1)).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
    expect(() => modelBalancing([{ alpha: 1 }], 1, { temperature: 0 })).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
  });
});

describe('alphaPruning', () => {
  it('ratios in [1 − ε, 1 + ε], parameter-weighted mean sparsity = target', () => {
    const r = alphaPruning(
      [
        { alpha: 1, params: 100 },
        { alpha: 2, params: 100 },
        { alpha: 3, params: 200 },
      ],
      0.5,
    );
    r.layers.forEach((l, i) => expect(l.ratio).toBeCloseTo([0.7, 1, 1.3][i], 15));
    const c = (400 * 0.5) / 430;
    expect(r.scaler).toBeCloseTo(c, 15);
    r.layers.forEach((l, i) => expect(l.sparsity).toBeCloseTo([0.7, 1, 1.3][i] * c, 15));
    expect(r.achievedSparsity).toBeCloseTo(0.5, 15);
    expect(r.clipped).toBe(0);
  });
  it('block-averaged α (all matrices of a block get its mean)', () => {
    const r = alphaPruning(
      [
        { alpha: 2, params: 1, block: 0 },
        { alpha: 4, params: 1, block: 0 },
        { alpha: 5, params: 1, block: 1 },
        { alpha: 7, params: 1, block: 1 },
      ],
      0.4,
      { epsilon: 0.2 },
    );
    expect(r.layers.map((l) => l.alpha)).toEqual([3, 3, 6, 6]);
    r.layers.forEach((l, i) => expect(l.ratio).toBeCloseTo([0.8, 0.8, 1.2, 1.2][i], 15));
    expect(r.achievedSparsity).toBeCloseTo(0.4, 15);
  });
  it('sparsities ≥ 1 are clipped below 1 and counted', () => {
    const r = alphaPruning(
      [
        { alpha: 1, params: 1000 },
        { alpha: 9, params: 1 },
      ],
      0.9,
      { epsilon: 1 },
    );
    expect(r.clipped).toBe(1);
    expect(r.layers[1].sparsity).toBeLessThan(1);
    expect(r.layers[1].reason).toMatch(/clipped/);
  });
  it('all α equal or one layer -> the target everywhere; NaN α -> neutral ratio', () => {
    const eq = alphaPruning([{ alpha: 3, params: 5 }, { alpha: 3, params: 7 }], 0.6);
    expect(eq.layers.map((l) => l.sparsity)).toEqual([0.6, 0.6]);
    expect(alphaPruning([{ alpha: 3, params: 5 }], 0.6).layers[0].sparsity).toBe(0.6);
    const nan = alphaPruning([{ alpha: 1, params: 1 }, { alpha: NaN, params: 1 }, { alpha: 3, params: 1 }], 0.5);
    expect(nan.layers[1].ratio).toBe(1);
    expect(nan.layers[1].reason).toMatch(/not a number/);
    expect(nan.achievedSparsity).toBeCloseTo(0.5, 15);
  });
  it('errors', () => {
    const ok = [{ alpha: 1, params: 1 }];
    expect(() => alphaPruning([], 0.5)).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    expect(() => alphaPruning(ok, 1)).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
    expect(() => alphaPruning(ok, -0.1)).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
    expect(() => alphaPruning(ok, 0.5, { epsilon: 2 })).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
    expect(() => alphaPruning([{ alpha: 1, params: 0 }], 0.5)).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
  });
});
