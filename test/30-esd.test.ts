// esd(): eigenvalues of WᵀW (formulas.md §1) against numpy, conv2d slicing in both layouts, limits.
import { describe, expect, it } from 'vitest';
import { esd, esdSync } from '../src/esd/index.js';
import { WeightscopeError } from '../src/index.js';
import { REF, loadInput, refEvals, toF32 } from './helpers/heavytail-reference.js';
import { HT, convOihw, toHwio } from './helpers/heavytail-fixtures.js';

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>, scale: number): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / scale);
  return m;
}

describe('dense ESD', () => {
  for (const name of ['gauss', 'spiked', 'student', 'wide', 'lowrank']) {
    it(`${name}: λ = σ² ascending, matches numpy (f64 gesdd route, 1e-10 of λmax)`, async () => {
      const want = refEvals(name);
      const e = await esd(loadInput(name));
      expect(e.route).toBe('gesdd');
      expect(e.evals.length).toBe(want.length);
      expect(maxRel(e.evals, want, want[want.length - 1])).toBeLessThan(1e-10);
      const [r, c] = REF.inputs[name].shape;
      expect([e.N, e.M, e.Q]).toEqual([Math.max(r, c), Math.min(r, c), Math.max(r, c) / Math.min(r, c)]);
      expect(e.skipped).toBeNull();
    });
  }

  it('sync form equals async form', async () => {
    const W = loadInput('student');
    expect(Array.from(esdSync(W).evals)).toEqual(Array.from((await esd(W)).evals));
  });

  it('float32 input: within 1e-5 of λmax (relative in σ); Gram route within 1e-9 of λmax in f64', async () => {
    const want = refEvals('spiked');
    const top = want[want.length - 1];
    const e32 = await esd(toF32(loadInput('spiked')));
    expect(e32.dtype).toBe('float32');
    expect(maxRel(e32.evals, want, top)).toBeLessThan(2e-5);
    const eg = await esd(loadInput('spiked'), { method: 'gram' });
    expect(eg.route).toBe('gram');
    expect(maxRel(eg.evals, want, top)).toBeLessThan(1e-9);
  });

  it("threshold: λ ≤ 1e-5 left out of fitEvals (WW); presets 'farms'/'tempbalance' keep all", async () => {
    const e = await esd(loadInput('lowrank'));
    expect(e.numBelowThreshold).toBe(112); // exact rank 8 of 120
    expect(e.fitEvals.length).toBe(8);
    expect(e.fitEvals[0]).toBeGreaterThan(1e-5);
    const f = await esd(loadInput('lowrank'), { preset: 'farms' });
    expect(f.threshold).toBe(0);
    expect(f.fitEvals.length).toBe(120 - f.numBelowThreshold);
    expect(f.numBelowThreshold).toBeLessThan(112);
  });

  it("normalize 'N' divides by N", async () => {
    const a = await esd(loadInput('wide'));
    const b = await esd(loadInput('wide'), { normalize: 'N' });
    expect(maxRel(b.evals, a.evals.map((v) => v / 200), a.evals[63] / 200)).toBeLessThan(1e-15);
  });
});

describe('conv2d ESD', () => {
  const oihw = convOihw();
  const hwio = toHwio(oihw);
  const pooled: number[] = HT.conv.pooled_esd;

  it('every slice W[:, :, i, j] has numpy’s singular values (both layouts)', async () => {
    for (const W of [oihw, hwio]) {
      const e = await esd(W, { conv2dNorm: false });
      expect(e.route).toBe('gesdd-batch');
      expect(e.rf).toBe(9);
      let s = 0;
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++) {
          const want: number[] = HT.conv.slice_svdvals[`${i},${j}`];
          expect(maxRel(e.sliceSvals[s++], want, want[0])).toBeLessThan(1e-12);
        }
    }
  });

  it('pooled ESD × 0.5 (WW conv2d_norm) equals numpy in both layouts; N, M from the slice (no WW swap)', async () => {
    const a = await esd(oihw);
    const b = esdSync(hwio);
    for (const e of [a, b]) {
      expect(e.layerType).toBe('conv2d');
      expect([e.N, e.M, e.Q, e.evalScale]).toEqual([48, 16, 3, 0.5]);
      expect(e.evals.length).toBe(144);
      expect(maxRel(e.evals, pooled, pooled[143])).toBeLessThan(1e-12);
    }
    expect(a.layout).toBe('oihw'); // auto-detected: 48 + 16 >= 3 + 3
    expect(b.layout).toBe('hwio');
  });

  it('explicit layout is honoured; a 4-D weight labelled dense is refused', async () => {
    const e = await esd(hwio, { layout: 'hwio' });
    expect(maxRel(e.evals, pooled, pooled[143])).toBeLessThan(1e-12);
    await expect(esd(oihw, { layerType: 'dense' })).rejects.toMatchObject({ code: 'E_SHAPE' });
    await expect(esd(loadInput('wide'), { layerType: 'conv2d' })).rejects.toMatchObject({ code: 'E_SHAPE' });
  });
});

describe('size limits skip with a reason', () => {
  it('M < minEvals, M > maxEvals, N > maxN', async () => {
    const W = loadInput('wide'); // 64 x 200
    const a = await esd(W, { minEvals: 65 });
    expect(a.skipped).toMatch(/M = 64 < minEvals = 65/);
    expect(a.evals.length).toBe(0);
    expect((await esd(W, { maxEvals: 63 })).skipped).toMatch(/M = 64 > maxEvals = 63/);
    expect(esdSync(W, { maxN: 199 }).skipped).toMatch(/N = 200 > maxN = 199/);
    expect((await esd(W, { minEvals: 64, maxEvals: 64, maxN: 200 })).skipped).toBeNull();
  });
  it('default minEvals 10 skips a 5-column layer', async () => {
    const W = { data: new Float64Array(50).fill(1), shape: [10, 5] as const };
    expect((await esd(W)).skipped).toMatch(/minEvals = 10/);
  });
});

describe('errors', () => {
  const W = loadInput('wide');
  it.each([
    [{ data: [1, 2], shape: [1, 2] }, 'E_DTYPE'],
    [{ data: new Float64Array(3), shape: [2, 2] }, 'E_SHAPE'],
    [{ data: new Float64Array(4), shape: [2, 2, 1] }, 'E_SHAPE'],
    [{ data: new Float64Array(4), shape: [0, 4] }, 'E_SHAPE'],
    [null, 'E_DTYPE'],
  ])('bad weight %#', async (bad, code) => {
    await expect(esd(bad as never)).rejects.toBeInstanceOf(WeightscopeError);
    await expect(esd(bad as never)).rejects.toMatchObject({ code });
  });
  it('NaN entries', async () => {
    const d = W.data.slice();
    d[5] = NaN;
    await expect(esd({ data: d, shape: W.shape })).rejects.toMatchObject({ code: 'E_NONFINITE' });
  });
  it.each([
    { normalize: 'M' },
    { method: 'qr' },
    { threshold: -1 },
    { preset: 'x' },
    { layout: 'nchw' },
    { layerType: 'lstm' },
    { conv2dNorm: 1 },
    { minEvals: -1 },
    { maxN: 'big' },
    { bogus: 1 },
  ])('bad option %o', async (o) => {
    await expect(esd(W, o as never)).rejects.toMatchObject({ code: 'E_OPTION' });
    expect(() => esdSync(W, o as never)).toThrow(WeightscopeError);
  });
});
