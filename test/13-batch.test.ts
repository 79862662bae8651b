import { describe, expect, it } from 'vitest';
import { svdvalsBatch, svdvalsBatchSync, svdvalsSync } from '../src/index.js';
import { randn } from './helpers/reference.js';

describe('svdvalsBatch', () => {
  it('equals one-by-one svdvals for 40 matrices of 30 x 20 (f64 and f32)', async () => {
    for (const Ctor of [Float64Array, Float32Array]) {
      const ms = Array.from({ length: 40 }, (_, i) => ({ data: randn(600, 100 + i, Ctor), shape: [30, 20] as [number, number] }));
      const batch = await svdvalsBatch(ms);
      const sync = svdvalsBatchSync(ms);
      expect(batch.length).toBe(40);
      ms.forEach((m, i) => {
        const one = svdvalsSync(m);
        expect(batch[i]).toBeInstanceOf(Ctor);
        expect(Array.from(batch[i])).toEqual(Array.from(one));
        expect(Array.from(sync[i])).toEqual(Array.from(one));
      });
    }
  });

  it('rejects mixed shapes and dtypes, and names the bad matrix', async () => {
    const a = { data: randn(6, 1), shape: [2, 3] as [number, number] };
    const b = { data: randn(6, 2), shape: [3, 2] as [number, number] };
    expect(() => svdvalsBatchSync([a, b])).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    expect(() => svdvalsBatchSync([a, { data: Float32Array.from(a.data), shape: a.shape }])).toThrow(
      expect.objectContaining({ code: 'E_DTYPE' }),
    );
    expect(() => svdvalsBatchSync([])).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    const bad = { data: randn(6, 3), shape: [2, 3] as [number, number] };
    bad.data[4] = NaN;
    await expect(svdvalsBatch([a, a, bad])).rejects.toMatchObject({ code: 'E_NONFINITE', message: /matrix 2/ });
  });
});
