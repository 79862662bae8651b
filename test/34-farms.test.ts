// FARMS (formulas.md §6): submatrix grid, presets, conv2d blocks, against the numpy reference.
import { describe, expect, it } from 'vitest';
import { farmsEsd, farmsEsdSync, farmsWindows } from '../src/esd/index.js';
import { farmsFit, farmsFitSync } from '../src/metrics/heavytail/index.js';
import { REF, loadInput, relErr, toF32 } from './helpers/heavytail-reference.js';
import { HT, convOihw, toHwio } from './helpers/heavytail-fixtures.js';

const F = REF.farms;

describe('window grid', () => {
  it('fixed ops: step floor((dim − win)/(ops − 1)), starts clamped to dim − win', () => {
    expect(farmsWindows(1024, 256, 10, null)).toEqual([0, 85, 170, 255, 340, 425, 510, 595, 680, 765]);
    expect(farmsWindows(256, 100, 9, null)).toEqual([0, 19, 38, 57, 76, 95, 114, 133, 152]);
    expect(farmsWindows(256, 256, 10, null)).toEqual([0]); // window = matrix: one window
    expect(farmsWindows(12, 10, 5, null)).toEqual([0, 1, 2]); // fewer windows than ops
    expect(farmsWindows(500, 100, 1, null)).toEqual([0]); // ops = 1 guarded (reference divides by 0)
  });
  it('sliding step', () => {
    expect(farmsWindows(130, 100, null, 10)).toEqual([0, 10, 20, 30]);
    expect(farmsWindows(100, 100, null, 10)).toEqual([0]);
  });
});

describe('presets on farms_g (1024 x 256), numpy reference', () => {
  const G = loadInput('farms_g');
  it("'llm': 10 windows of 256 x 256 (windowRows clamped), 2560 eigenvalues, xmin 'peak'", async () => {
    const e = await farmsEsd(G, { preset: 'llm' });
    expect(e.evals.length).toBe(F.llm_preset.num_eigenvalues);
    expect(e.numSubmatrices).toBe(10);
    expect(e.windowShape).toEqual([256, 256]);
    expect(e.notes[0]).toMatch(/clamped/);
    const f = await farmsFit(G, { preset: 'llm' });
    for (const k of ['alpha', 'D'] as const) expect(relErr(f[k], F.llm_preset.peak[k])).toBeLessThan(1e-6);
    expect(relErr(f.fits[0].xmin, F.llm_preset.peak.xmin)).toBeLessThan(1e-6);
    const m = farmsFitSync(G, { preset: 'llm', xmin: 'mid' });
    for (const k of ['alpha', 'D'] as const) expect(relErr(m[k], F.llm_preset.mid[k])).toBeLessThan(1e-6);
  });
  it("'image': 81 windows of 100 x 100, 8100 eigenvalues, xmin 'mid'", async () => {
    const f = await farmsFit(G, { preset: 'image' });
    expect(f.numEigenvalues).toBe(F.image_preset.num_eigenvalues);
    expect(f.numSubmatrices).toBe(81);
    for (const k of ['alpha', 'D'] as const) expect(relErr(f[k], F.image_preset.mid[k])).toBeLessThan(1e-6);
    expect(relErr(f.fits[0].xmin, F.image_preset.mid.xmin)).toBeLessThan(1e-6);
  });
  it('float32 input: α within 1e-3', async () => {
    const f = await farmsFit(toF32(G), { preset: 'image' });
    expect(relErr(f.alpha, F.image_preset.mid.alpha)).toBeLessThan(1e-3);
  });
  it("'default': 100 x 200 windows sliding by 10 -> 93 x 6 windows", () => {
    const e = farmsEsdSync(G);
    expect(e.windowShape).toEqual([100, 200]);
    expect(e.rowStarts.length).toBe(93);
    expect(e.colStarts.length).toBe(6);
    expect(e.evals.length).toBe(93 * 6 * 100);
    expect(e.xmin).toBe('mid');
  });
  it('a window wider than the matrix is clamped and noted', () => {
    const e = farmsEsdSync(loadInput('wide'), { windowRows: 50, q: 10, ops: 2 });
    expect(e.windowShape).toEqual([50, 200]);
    expect(e.notes.join(' ')).toMatch(/clamped to cols = 200/);
  });
});

describe('conv2d: per-block α averaged (tempbalance_farms.py 296-355)', () => {
  for (const [layout, W] of [['oihw', convOihw()], ['hwio', toHwio(convOihw())]] as const) {
    it(layout, async () => {
      const f = await farmsFit(W, { preset: 'image' });
      expect(f.esd.blocks?.length).toBe(3);
      expect(f.fits.length).toBe(3);
      HT.farms_conv.blocks.forEach((b: { alpha: number; D: number; num_eigenvalues: number }, d: number) => {
        expect(f.esd.blocks?.[d].length).toBe(b.num_eigenvalues);
        expect(relErr(f.fits[d].alpha, b.alpha)).toBeLessThan(1e-6);
        expect(relErr(f.fits[d].D, b.D)).toBeLessThan(1e-6);
      });
      expect(relErr(f.alpha, HT.farms_conv.alpha)).toBeLessThan(1e-6);
    });
  }
});

describe('errors', () => {
  const W = loadInput('wide');
  it.each([
    { preset: 'vision' },
    { ops: 3, step: 2 },
    { q: 0 },
    { q: -1 },
    { windowRows: 0 },
    { windowRows: 2.5 },
    { ops: 0 },
    { step: -1 },
    { q: 0.001, windowRows: 10 },
    { seed: 1 },
  ])('bad option %o', async (o) => {
    await expect(farmsEsd(W, o as never)).rejects.toMatchObject({ code: 'E_OPTION' });
    expect(() => farmsEsdSync(W, o as never)).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
  });
  it('bad weight and bad fit option', async () => {
    await expect(farmsEsd({ data: new Float64Array(3), shape: [2, 2] } as never)).rejects.toMatchObject({ code: 'E_SHAPE' });
    await expect(farmsFit(W, { xmin: 'auto' } as never)).rejects.toMatchObject({ code: 'E_OPTION' });
  });
});
