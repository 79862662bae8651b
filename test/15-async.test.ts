import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { eigvalsh, gram, nativeStats, svd, svdvals, svdvalsSync } from '../src/index.js';
import { randn } from './helpers/reference.js';

describe('async API', () => {
  it('64 concurrent async calls equal the sync results (mixed sizes and dtypes)', async () => {
    const ms = Array.from({ length: 64 }, (_, i) => {
      const rows = 20 + (i % 7) * 13;
      const cols = 10 + (i % 5) * 17;
      const Ctor = i % 2 ? Float32Array : Float64Array;
      return { data: randn(rows * cols, 500 + i, Ctor), shape: [rows, cols] as [number, number] };
    });
    const sync = ms.map((m) => Array.from(svdvalsSync(m)));
    const got = await Promise.all(ms.map((m) => svdvals(m)));
    got.forEach((s, i) => expect(Array.from(s)).toEqual(sync[i]));
    expect(nativeStats().jobsInFlight).toBe(0);
  });

  it('promises of every kind resolve together with svd, eigvalsh and gram', async () => {
    const m = { data: randn(60 * 40, 9), shape: [60, 40] as [number, number] };
    const [s, r, G] = await Promise.all([svdvals(m), svd(m), gram(m)]);
    // values-only and with-vectors gesdd take different paths: equal to rounding
    for (let i = 0; i < s.length; i++) expect(Math.abs(r.S[i] - s[i])).toBeLessThan(1e-13 * s[0]);
    const w = await eigvalsh(G);
    // eigenvalues of AᵀA are σ² (ascending)
    const want = Array.from(s, (v) => v * v).reverse();
    for (let i = 0; i < want.length; i++) expect(Math.abs(w[i] - want[i])).toBeLessThan(1e-9 * want[want.length - 1]);
  });

  it('does not block the event loop: lag stays small while a 2048² svdvals runs', async () => {
    const n = 2048;
    const m = { data: randn(n * n, 11), shape: [n, n] as [number, number] };
    const h = monitorEventLoopDelay({ resolution: 5 });
    // a timer that must keep firing while the SVD runs on the libuv pool
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    h.enable();
    const t0 = performance.now();
    await svdvals(m);
    const elapsed = performance.now() - t0;
    h.disable();
    clearInterval(timer);
    const maxLagMs = h.max / 1e6;
    // The real figure (a few ms: the input copy) is reported by `npm run bench`; the bound here is generous
    // because CI machines are noisy. A blocking call would show a lag close to the whole SVD time.
    expect(maxLagMs).toBeLessThan(Math.max(100, elapsed / 4));
    expect(ticks).toBeGreaterThan(elapsed / 10 / 4);
  });
});
