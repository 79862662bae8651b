import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eigvalsh, eigvalshSync, gram, gramEigvalsh, gramEigvalshSync, gramSync } from '../src/index.js';
import { fixturesDir, loadInput, maxRelErr } from './helpers/reference.js';

const linalg = JSON.parse(readFileSync(join(fixturesDir, 'linalg', 'linalg.json'), 'utf8'));

function sub(a: Float64Array, cols: number, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = a[i * cols + j];
  return out;
}

describe('eigvalsh (?syevd) against numpy', () => {
  it('symmetric 128 x 128, ascending, f64 and f32', async () => {
    const g = loadInput('gauss');
    const b = sub(g.data, 256, 128);
    const sym = new Float64Array(128 * 128);
    for (let i = 0; i < 128; i++) for (let j = 0; j < 128; j++) sym[i * 128 + j] = b[i * 128 + j] + b[j * 128 + i];
    const want: number[] = linalg.sym128.eigvalsh;
    const scale = Math.max(Math.abs(want[0]), Math.abs(want[127]));
    const w = eigvalshSync({ data: sym, shape: [128, 128] });
    expect(maxRelErr(w, want, scale)).toBeLessThan(1e-12);
    for (let i = 1; i < w.length; i++) expect(w[i]).toBeGreaterThanOrEqual(w[i - 1]);
    const w32 = await eigvalsh({ data: Float32Array.from(sym), shape: [128, 128] });
    expect(w32).toBeInstanceOf(Float32Array);
    expect(maxRelErr(w32, want, scale)).toBeLessThan(1e-5);
  });

  it('reads only the lower triangle, like numpy (UPLO=L)', () => {
    const g = loadInput('gauss');
    const w = eigvalshSync({ data: sub(g.data, 256, 64), shape: [64, 64] });
    const want: number[] = linalg.lower64.eigvalsh;
    expect(maxRelErr(w, want, Math.max(...want.map(Math.abs)))).toBeLessThan(1e-12);
  });
});

describe('gram (?syrk) against numpy', () => {
  it('wide 64 x 200 -> W Wᵀ (64 x 64)', async () => {
    const w = loadInput('wide');
    const G = await gram(w);
    expect(G.shape).toEqual([64, 64]);
    const want = linalg.gram_wide;
    expect(maxRelErr(G.data.slice(0, 64), want.row0, want.fro)).toBeLessThan(1e-13);
    let tr = 0;
    for (let i = 0; i < 64; i++) tr += G.data[i * 65];
    expect(Math.abs(tr - want.trace) / want.trace).toBeLessThan(1e-13);
    // symmetric: both triangles filled
    for (let i = 0; i < 64; i++) for (let j = 0; j < i; j++) expect(G.data[i * 64 + j]).toBe(G.data[j * 64 + i]);
  });

  it('gauss 512 x 256 -> Wᵀ W (256 x 256), and its eigenvalues', async () => {
    const g = loadInput('gauss');
    const G = gramSync(g);
    expect(G.shape).toEqual([256, 256]);
    const want = linalg.gram_gauss;
    expect(maxRelErr(G.data.slice(7 * 256, 8 * 256), want.row7, want.fro)).toBeLessThan(1e-13);
    const lmax = want.eigvalsh[255];
    expect(maxRelErr(gramEigvalshSync(g), want.eigvalsh, lmax)).toBeLessThan(1e-12);
    expect(maxRelErr(await gramEigvalsh(g), want.eigvalsh, lmax)).toBeLessThan(1e-12);
    expect(maxRelErr(eigvalshSync(G), want.eigvalsh, lmax)).toBeLessThan(1e-12);
  });

  it('f32 Gram that overflows float32 is an E_NONFINITE error, not Infinity', () => {
    const a = new Float32Array(16).fill(1e20);
    expect(() => gramSync({ data: a, shape: [4, 4] })).toThrow(expect.objectContaining({ code: 'E_NONFINITE' }));
    expect(() => gramEigvalshSync({ data: a, shape: [4, 4] })).toThrow(expect.objectContaining({ code: 'E_NONFINITE' }));
  });
});
