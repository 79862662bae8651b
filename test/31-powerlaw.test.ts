// fitPowerLaw (formulas.md §2) against the numpy reference, the fast KS scan against the naive one.
import { describe, expect, it } from 'vitest';
import { esd } from '../src/esd/index.js';
import { fitPowerLaw, fitPowerLawNaive } from '../src/fit/index.js';
import { WeightscopeError } from '../src/index.js';
import { REF, loadInput, refEvals, relErr, rng, toF32 } from './helpers/heavytail-reference.js';

const NAMES = ['gauss', 'spiked', 'student', 'farms_g', 'wide'];

describe('numpy reference (f64, relative 1e-6)', () => {
  for (const name of NAMES) {
    it(`${name}: xmin 'ks'`, () => {
      const want = REF.numpy[name].powerlaw_ks;
      const f = fitPowerLaw(refEvals(name));
      expect(f.status).toBe('success');
      expect(f.xminRule).toBe('ks');
      for (const k of ['alpha', 'xmin', 'D', 'sigma'] as const) expect(relErr(f[k], want[k])).toBeLessThan(1e-6);
      expect(f.numPlSpikes).toBe(want.num_pl_spikes);
      const ev = refEvals(name);
      expect(f.xmax).toBe(ev[ev.length - 1]);
    });
    it(`${name}: xmin 'mid'`, () => {
      const want = REF.numpy[name].powerlaw_mid;
      const f = fitPowerLaw(refEvals(name), { xmin: 'mid' });
      for (const k of ['alpha', 'xmin', 'D'] as const) expect(relErr(f[k], want[k])).toBeLessThan(1e-6);
    });
  }

  it("farms_g full ESD: 'mid', 'peak', 'ks' (every eigenvalue kept)", () => {
    const ev = refEvals('farms_g');
    for (const rule of ['mid', 'peak', 'ks'] as const) {
      const want = REF.farms.full_esd[rule];
      const f = fitPowerLaw(ev, { xmin: rule, threshold: 0 });
      for (const k of ['alpha', 'xmin', 'D'] as const) expect(relErr(f[k], want[k])).toBeLessThan(1e-6);
    }
  });

  it('a numeric xmin fits at that eigenvalue (snapped to the nearest)', () => {
    const want = REF.numpy.student.powerlaw_ks;
    const f = fitPowerLaw(refEvals('student'), { xmin: want.xmin * (1 + 1e-9) });
    expect(f.xminRule).toBe('fixed');
    expect(relErr(f.alpha, want.alpha)).toBeLessThan(1e-6);
    expect(relErr(f.D, want.D)).toBeLessThan(1e-6);
  });

  it('xminPos 1.5 (Model Balancing) uses index floor(n / 1.5)', () => {
    const ev = refEvals('gauss');
    const f = fitPowerLaw(ev, { xmin: 'mid', xminPos: 1.5 });
    expect(f.xmin).toBe(ev[Math.floor(256 / 1.5)]);
  });
});

describe('float32 path (relative 1e-3 for α)', () => {
  for (const name of ['gauss', 'spiked', 'student']) {
    it(name, async () => {
      const e = await esd(toF32(loadInput(name)));
      const f = fitPowerLaw(e.evals);
      expect(relErr(f.alpha, REF.numpy[name].powerlaw_ks.alpha)).toBeLessThan(1e-3);
    });
  }
});

describe('clip_xmax fix fingers (WW RMT_Util 950-1070)', () => {
  it('gauss: α 9.94 -> 5.16 with 4 fingers (WW 0.7.5.5)', () => {
    const f = fitPowerLaw(refEvals('gauss'), { fixFingers: 'clip_xmax' });
    const ww = REF.weightwatcher.gauss;
    expect(f.alpha).toBeCloseTo(ww.clip_xmax_alpha, 2);
    expect(f.numFingers).toBe(ww.clip_xmax_num_fingers);
    expect(relErr(f.rawAlpha, ww.alpha)).toBeLessThan(1e-6);
    expect(f.xmax).toBe(refEvals('gauss')[256 - 6]); // the top idx = numFingers + 1 = 5 removed
    expect(f.warning).toBe('');
  });
  it('student: no refit drops α by more than 1, the original fit stays', () => {
    const f = fitPowerLaw(refEvals('student'), { fixFingers: 'clip_xmax' });
    const g = fitPowerLaw(refEvals('student'));
    expect(f.numFingers).toBe(0);
    expect(f.alpha).toBe(g.alpha);
    expect(f.rawAlpha).toBe(g.alpha);
  });
});

/** formulas.md §2 'ks' written out here, independent of src/: first argmin of D over i < n − 1. */
function naiveKs(values: Float64Array): { alpha: number; xmin: number; D: number } {
  const x = Float64Array.from(values).sort();
  const n = x.length;
  let best = { alpha: NaN, xmin: NaN, D: Infinity };
  for (let i = 0; i < n - 1; i++) {
    const k = n - i;
    let s = 0;
    for (let j = i; j < n; j++) s += Math.log(x[j] / x[i]);
    if (s <= 0) continue;
    const alpha = 1 + k / s;
    let D = 0;
    for (let t = 0; t < k; t++) D = Math.max(D, Math.abs(1 - Math.pow(x[i + t] / x[i], 1 - alpha) - t / k));
    if (D < best.D) best = { alpha, xmin: x[i], D };
  }
  return best;
}

describe('fast KS scan = naive O(n²) scan', () => {
  const gens: [string, (r: ReturnType<typeof rng>) => number][] = [
    ['pareto', (r) => Math.pow(1 - r.uniform(), -1 / (0.5 + 3 * r.uniform()))],
    ['lognormal', (r) => Math.exp(2 * r.normal())],
    ['exponential', (r) => -Math.log(1 - r.uniform())],
    ['uniform', (r) => 1 + r.uniform()],
    ['ties', (r) => Math.ceil(5 * r.uniform())],
  ];
  for (const [name, g] of gens) {
    it(name, () => {
      for (let s = 0; s < 8; s++) {
        const r = rng(1000 * s + name.length);
        const n = 20 + Math.floor(r.uniform() * 600);
        const x = Float64Array.from({ length: n }, () => g(r));
        for (const xmin of ['ks', 'peak'] as const) {
          const a = fitPowerLaw(x, { xmin });
          const b = fitPowerLawNaive(x, { xmin });
          expect(a.status).toBe(b.status);
          if (a.status === 'failed') continue;
          expect(a.xmin).toBe(b.xmin);
          expect(relErr(a.alpha, b.alpha)).toBeLessThan(1e-9);
          expect(Math.abs(a.D - b.D)).toBeLessThan(1e-12);
        }
        const c = naiveKs(x);
        const f = fitPowerLaw(x);
        if (Number.isFinite(c.alpha)) {
          expect(f.xmin).toBe(c.xmin);
          expect(relErr(f.alpha, c.alpha)).toBeLessThan(1e-9);
          expect(Math.abs(f.D - c.D)).toBeLessThan(1e-12);
        } else expect(f.status).toBe('failed');
      }
    });
  }

  it('50 000 eigenvalues in well under a second (goal ≤ 50 ms)', () => {
    const r = rng(7);
    const x = Float64Array.from({ length: 50_000 }, () => {
      const s = 1 + Math.sqrt(0.5) * (2 * r.uniform() - 1) * 2;
      return r.uniform() < 0.98 ? s * s : 3 * Math.pow(1 - r.uniform(), -0.4);
    });
    fitPowerLaw(x);
    const t0 = performance.now();
    const f = fitPowerLaw(x);
    const ms = performance.now() - t0;
    console.log(`fitPowerLaw, 50 000 eigenvalues, xmin 'ks': ${ms.toFixed(1)} ms (alpha ${f.alpha.toFixed(3)})`);
    expect(f.status).toBe('success');
    expect(ms).toBeLessThan(1000); // generous: 2 shared cores; typically 15-40 ms
  });
});

describe('warnings and failed fits', () => {
  it("'over-trained' when α < 2, 'under-trained' when α > 6", () => {
    expect(fitPowerLaw(refEvals('gauss')).warning).toBe('under-trained'); // 9.94
    expect(fitPowerLaw(refEvals('spiked')).warning).toBe(''); // 3.18
    expect(fitPowerLaw(refEvals('student'), { xmin: 'mid' }).warning).toBe(''); // 2.28
    const r = rng(3);
    const heavy = Float64Array.from({ length: 500 }, () => Math.pow(1 - r.uniform(), -1 / 0.5)); // α = 1.5
    expect(fitPowerLaw(heavy).warning).toBe('over-trained');
  });
  it('failed fits say why and carry NaN', () => {
    const cases: [number[], object, RegExp][] = [
      [[], {}, /at least 2/],
      [[5], {}, /at least 2/],
      [[1e-7, 1e-6, 3], {}, /at least 2/],
      [[2, 2, 2, 2], {}, /degenerate/],
      [[1, 2, 3, 4], { xmin: 10 }, /at or above the largest/],
      [[1, 2, 3], { xmin: 'mid', xminPos: 1 }, /fewer than 2 tail values/],
    ];
    for (const [x, o, why] of cases) {
      const f = fitPowerLaw(x, o);
      expect(f.status).toBe('failed');
      expect(f.reason).toMatch(why);
      expect(f.alpha).toBeNaN();
      expect(f.warning).toBe('');
    }
  });
  it('threshold 0 keeps tiny values, negative and zero values are always dropped', () => {
    const f = fitPowerLaw([-1e-9, 0, 1e-7, 1, 2, 4, 8], { threshold: 0 });
    expect(f.numBelowThreshold).toBe(2);
    expect(f.n).toBe(5);
  });
});

describe('errors', () => {
  it.each([
    [[1, NaN, 3], 'E_NONFINITE'],
    [[1, Infinity], 'E_NONFINITE'],
    [['1', 2], 'E_DTYPE'],
    ['123', 'E_DTYPE'],
    [null, 'E_DTYPE'],
  ])('bad eigenvalues %#', (x, code) => {
    expect(() => fitPowerLaw(x as never)).toThrow(WeightscopeError);
    try {
      fitPowerLaw(x as never);
    } catch (e) {
      expect((e as WeightscopeError).code).toBe(code);
    }
  });
  it.each([
    { xmin: 'auto' },
    { xmin: -1 },
    { xmin: NaN },
    { xminPos: 0.5 },
    { fixFingers: 'xmin_peak' },
    { maxFingers: 1 },
    { maxFingers: 2.5 },
    { fingerThresh: -1 },
    { threshold: NaN },
    { tolerance: 1 },
  ])('bad option %o', (o) => {
    expect(() => fitPowerLaw([1, 2, 3], o as never)).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
    expect(() => fitPowerLawNaive([1, 2, 3], o as never)).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
  });
});
