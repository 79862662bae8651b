// The Gram route (method 'gram') reads weights in place when their scale needs no rescaling (esd.ts
// gramSlices: SAFE_EXP): the eigenvalues must be bitwise those of the route that scales to [0.5, 1)
// first, at the edges of the ranges and outside them.
import { describe, expect, it } from 'vitest';
import { esd, esdSync } from '../src/index.js';

function weights(n: number, m: number, f64: boolean, top: number, seed: number): Float32Array | Float64Array {
  const a = f64 ? new Float64Array(n * m) : new Float32Array(n * m);
  let s = seed;
  let mx = 0;
  for (let i = 0; i < a.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
    mx = Math.max(mx, Math.abs(a[i]));
  }
  for (let i = 0; i < a.length; i++) a[i] = (a[i] / mx) * top; // exact in float64; one rounding in float32
  return a;
}

describe('Gram route: in place where scaling changes no rounding', () => {
  const cases: [boolean, number][] = [[false, -7], [false, -6], [false, -5], [false, 0], [false, 8], [false, 9], [true, -129], [true, -128], [true, 0], [true, 128], [true, 129]];
  for (const [f64, e] of cases) {
    it(`${f64 ? 'float64' : 'float32'}, largest entry 0.75·2^${e}`, async () => {
      for (const [n, m] of [[90, 70], [64, 256], [300, 120]]) {
        const base = weights(n, m, f64, 0.75, n + m);
        const scaled = base.map((v) => v * 2 ** e); // exact: a power of two
        const a = await esd({ data: scaled, shape: [n, m] }, { method: 'gram' });
        const b = await esd({ data: base, shape: [n, m] }, { method: 'gram' });
        const c = esdSync({ data: scaled, shape: [n, m] }, { method: 'gram' });
        for (let i = 0; i < a.evals.length; i++) {
          expect(a.evals[i]).toBe(b.evals[i] * 4 ** e);
          expect(c.evals[i]).toBe(a.evals[i]);
        }
      }
    });
  }
});
