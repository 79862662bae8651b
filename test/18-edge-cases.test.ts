import { describe, expect, it } from 'vitest';
import { svdvals, svdvalsSync, svdSync } from '../src/index.js';
import { loadInput, maxRelErr, randn, reference } from './helpers/reference.js';

describe('numeric and memory edge cases', () => {
  it('rank-1 u vᵀ: sigma_1 = |u| |v|, the rest ~0', () => {
    const u = randn(50, 1);
    const v = randn(30, 2);
    const a = new Float64Array(50 * 30);
    for (let i = 0; i < 50; i++) for (let j = 0; j < 30; j++) a[i * 30 + j] = u[i] * v[j];
    const norm = (x: Float64Array) => Math.sqrt(x.reduce((s, t) => s + t * t, 0));
    const s = svdvalsSync({ data: a, shape: [50, 30] });
    expect(Math.abs(s[0] - norm(u) * norm(v)) / s[0]).toBeLessThan(1e-14);
    for (let i = 1; i < 30; i++) expect(s[i] / s[0]).toBeLessThan(1e-14);
  });

  it('subnormal entries (f64 1e-310, f32 1e-40) are scaled, not flushed', () => {
    const s64 = svdvalsSync({ data: Float64Array.from([3e-310, 0, 0, 4e-310]), shape: [2, 2] });
    expect(s64[0] / 4e-310).toBeCloseTo(1, 10);
    expect(s64[1] / 3e-310).toBeCloseTo(1, 10);
    const s32 = svdvalsSync({ data: Float32Array.from([1e-40, 0, 0, 2e-40]), shape: [2, 2] });
    expect(s32[0] / 2e-40).toBeCloseTo(1, 3);
  });

  it('very tall 1 000 000 x 4', () => {
    const n = 1_000_000;
    const a = randn(n * 4, 5);
    const s = svdvalsSync({ data: a, shape: [n, 4] });
    // columns of iid normals: sigma_i^2 / n -> 1
    for (const v of s) expect(Math.abs((v * v) / n - 1)).toBeLessThan(0.01);
  });

  it('typed arrays with a byte offset, and SharedArrayBuffer-backed input', async () => {
    const g = loadInput('gauss');
    const want = reference.numpy.gauss.svdvals;
    const buf = new ArrayBuffer(g.data.byteLength + 16);
    const off = new Float64Array(buf, 16, g.data.length);
    off.set(g.data);
    expect(maxRelErr(svdvalsSync({ data: off, shape: g.shape }), want, want[0])).toBeLessThan(1e-10);
    const shared = new Float64Array(new SharedArrayBuffer(g.data.byteLength));
    shared.set(g.data);
    expect(maxRelErr(svdvalsSync({ data: shared, shape: g.shape }), want, want[0])).toBeLessThan(1e-10);
    expect(maxRelErr(await svdvals({ data: shared, shape: g.shape }), want, want[0])).toBeLessThan(1e-10);
  });

  it('mutating the input after an async call started does not change its result (snapshot)', async () => {
    const g = loadInput('student');
    const want = reference.numpy.student.svdvals;
    const shared = new Float64Array(new SharedArrayBuffer(g.data.byteLength));
    shared.set(g.data);
    const p = svdvals({ data: shared, shape: g.shape });
    shared.fill(NaN); // would be E_NONFINITE if read after the call
    expect(maxRelErr(await p, want, want[0])).toBeLessThan(1e-10);
  });

  it('1 x 1 svd and a column of zeros', () => {
    const r = svdSync({ data: Float64Array.from([-2]), shape: [1, 1] });
    expect(Array.from(r.S)).toEqual([2]);
    expect(r.U.data[0] * r.Vt.data[0] * 2).toBe(-2);
    const z = svdvalsSync({ data: Float64Array.from([1, 0, 2, 0, 3, 0]), shape: [3, 2] });
    expect(z[0]).toBeCloseTo(Math.sqrt(14), 14);
    expect(z[1]).toBe(0);
  });
});
