// fitMarchenkoPastur (formulas.md §4) against the recorded WeightWatcher values and the numpy/scipy
// re-implementation in fixtures/heavytail/make_heavytail.py (which reproduces the recorded WW values).
import { describe, expect, it } from 'vitest';
import { fitMarchenkoPastur, mpCdf, mpEdges, mpPdf, tracyWidom } from '../src/fit/index.js';
import { fmin1d } from '../src/fit/neldermead.js';
import { kdeLinear, linspace } from '../src/fit/kde.js';
import { WeightscopeError } from '../src/index.js';
import { REF, refEvals, relErr } from './helpers/heavytail-reference.js';
import { HT } from './helpers/heavytail-fixtures.js';

describe('WeightWatcher 0.7.5.5 recorded values', () => {
  for (const name of ['gauss', 'spiked', 'student']) {
    it(name, () => {
      const ww = REF.weightwatcher[name];
      const [r, c] = REF.inputs[name].shape;
      const f = fitMarchenkoPastur(refEvals(name), { Q: Math.max(r, c) / Math.min(r, c), M: Math.min(r, c) });
      expect(f.status).toBe('success');
      expect(f.numSpikes).toBe(ww.num_spikes); // exact
      for (const [k, w] of [['sigmaMp', 'sigma_mp'], ['mpSoftrank', 'mp_softrank'], ['bulkMax', 'bulk_max']] as const) {
        expect(relErr(f[k], ww[w])).toBeLessThan(2e-2); // the stated tolerance
        expect(relErr(f[k], ww[w])).toBeLessThan(1e-6); // and in fact the same optimiser path
      }
      expect(f.twThreshold).toBeGreaterThan(f.bulkMax);
      expect(f.bulkMin).toBeLessThan(f.bulkMax);
    });
  }
});

describe('numpy/scipy re-implementation on other shapes', () => {
  for (const [name, want] of Object.entries(HT.mp) as [string, Record<string, number & number[]>][]) {
    it(`${name} (Q = ${want.Q})`, () => {
      const f = fitMarchenkoPastur(want.evals, { Q: want.Q, M: want.M });
      expect(f.numSpikes).toBe(want.num_spikes);
      for (const [k, w] of [['sigmaMp', 'sigma_mp'], ['mpSoftrank', 'mp_softrank'], ['bulkMax', 'bulk_max']] as const)
        expect(relErr(f[k], want[w])).toBeLessThan(1e-6);
      if (want.Q === 1) expect(f.bulkMin).toBe(0);
      else expect(relErr(f.bulkMin, want.bulk_min)).toBeLessThan(1e-6);
    });
  }
  it('the spiked square matrix has its 2 spikes above the TW edge', () => {
    const w = HT.mp.square_spiked;
    const f = fitMarchenkoPastur(w.evals, { Q: 1, M: 200 });
    const ev: number[] = w.evals;
    expect(ev.filter((v) => v > f.twThreshold).length).toBe(2);
  });
});

describe('building blocks', () => {
  it('MP density integrates to 1 and its CDF runs 0 -> 1 (Q = 2, σ = 1)', () => {
    const Q = 2;
    const { a, b } = mpEdges(Q, 1);
    expect(a).toBeCloseTo((1 - Math.SQRT1_2) ** 2, 14);
    expect(b).toBeCloseTo((1 + Math.SQRT1_2) ** 2, 14);
    // midpoint rule in θ (x = a + (b − a)(1 − cos θ)/2) to avoid the edge singularities
    let s = 0;
    const K = 20000;
    for (let i = 0; i < K; i++) {
      const t = ((i + 0.5) * Math.PI) / K;
      const x = a + ((b - a) * (1 - Math.cos(t))) / 2;
      s += mpPdf(x, Q, 1, a, b) * ((b - a) / 2) * Math.sin(t) * (Math.PI / K);
    }
    expect(s).toBeCloseTo(1, 6);
    const F = mpCdf(Q, 1);
    expect(F(a)).toBe(0);
    expect(F(b)).toBe(1);
    expect(F(1)).toBeGreaterThan(0.4);
    let prev = 0;
    for (let x = a; x <= b; x += 0.01) {
      expect(F(x)).toBeGreaterThanOrEqual(prev);
      prev = F(x);
    }
    expect(mpPdf(0, Q, 1, a, b)).toBe(0);
    expect(mpPdf(b + 1, Q, 1, a, b)).toBe(0);
  });
  it('Tracy–Widom width Q^−½ λ₊^{2/3} M^{−2/3}', () => {
    expect(tracyWidom(4, 8, 27)).toBeCloseTo(0.5 * 4 / 9, 14);
  });
  it('linear KDE: triangle of height 1/h around a single point', () => {
    const d = kdeLinear(Float64Array.of(1), Float64Array.of(0.9, 0.95, 1, 1.05, 1.2), 0.1);
    expect(Array.from(d).map((v) => +v.toFixed(12))).toEqual([0, 5, 10, 5, 0]);
    const g = linspace(0, 1.5, 1000);
    expect(g[999]).toBe(1.5);
    expect(g[1]).toBe(1.5 / 999);
  });
  it('Nelder–Mead (scipy fmin) finds a parabola minimum to xtol 1e-4', () => {
    const r = fmin1d((x) => (x - 2) ** 2 + 1, 1);
    expect(Math.abs(r.x - 2)).toBeLessThan(1e-3);
    expect(r.fx).toBeCloseTo(1, 6);
    expect(r.calls).toBeLessThanOrEqual(200);
    const z = fmin1d((x) => (x - 0.001) ** 2, 0); // zero start uses the 0.00025 step
    expect(Math.abs(z.x - 0.001)).toBeLessThan(1e-4);
  });
});

describe('failed fits and errors', () => {
  it('too few or all-zero eigenvalues fail with a reason', () => {
    expect(fitMarchenkoPastur([1], { Q: 2 }).reason).toMatch(/at least 2/);
    const z = fitMarchenkoPastur([0, 0, 0], { Q: 2 });
    expect(z.status).toBe('failed');
    expect(z.reason).toMatch(/zero/);
    expect(z.sigmaMp).toBeNaN();
  });
  it.each([
    [undefined, 'E_OPTION'],
    [{}, 'E_OPTION'],
    [{ Q: 0.5 }, 'E_OPTION'],
    [{ Q: NaN }, 'E_OPTION'],
    [{ Q: 2, M: 0 }, 'E_OPTION'],
    [{ Q: 2, M: 1.5 }, 'E_OPTION'],
    [{ Q: 2, bandwidth: 0 }, 'E_OPTION'],
    [{ Q: 2, sigma: 1 }, 'E_OPTION'],
  ])('bad options %#', (o, code) => {
    expect(() => fitMarchenkoPastur([1, 2, 3], o as never)).toThrow(expect.objectContaining({ code }));
  });
  it('NaN and negative eigenvalues are refused', () => {
    expect(() => fitMarchenkoPastur([1, NaN], { Q: 2 })).toThrow(expect.objectContaining({ code: 'E_NONFINITE' }));
    expect(() => fitMarchenkoPastur([-1, 2], { Q: 2 })).toThrow(WeightscopeError);
  });
});
