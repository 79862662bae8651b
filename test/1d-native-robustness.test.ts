// Native robustness (issues 13 and 19): inputs that used to kill the process or return garbage. The
// crash-prone cases run in child processes and assert the typed error; the values are held to closed
// forms (or numpy through the shared reference inputs).
import { describe, expect, it } from 'vitest';
import { native } from '../src/binding.js';
import { gramEigvalshSync, gramSync, svd, svdSync, svdvals, svdvalsSync } from '../src/index.js';
import { distUrl, lastJson, runModule, runModuleUnderUlimit, underAsan } from './helpers/child.js';
import { fro, reconstructionError } from './helpers/linalg.js';
import { loadInput, maxRelErr, reference } from './helpers/reference.js';

const hooks = native.info().testHooks;

describe('svd(m, { k }) on rank-deficient input (OpenBLAS 0.3.21 gesvdx wrote out of bounds)', () => {
  it('zero, constant, one-hot and duplicate-row matrices, f32 and f64, sync and async: closed-form values (in a child)', async () => {
    const src = `
      const ws = await import(${JSON.stringify(distUrl)});
      const out = [];
      const cases = {
        zero: () => new Float64Array(24),
        constant: () => new Float64Array(24).fill(2.5),
        onehot: () => { const a = new Float64Array(24); a[2 * 4 + 1] = 1; return a; },
        duplicate: () => { const r = [[1, -2, 0.5, 3], [0.25, 4, -1, 2]]; return Float64Array.from([0, 0, 0, 1, 1, 1].flatMap((i) => r[i])); },
      };
      for (const [name, make] of Object.entries(cases))
        for (const Ctor of [Float64Array, Float32Array])
          for (const k of [1, 2, 4]) {
            const m = { data: Ctor.from(make()), shape: [6, 4] };
            const a = ws.svdSync(m, { k });
            const b = await ws.svd(m, { k });
            out.push({ name, f32: Ctor === Float32Array, k, S: Array.from(a.S), Sa: Array.from(b.S), U: Array.from(a.U.data), Vt: Array.from(a.Vt.data) });
          }
      console.log(JSON.stringify(out));`;
    const r = await runModule(src, { timeoutMs: 60_000 });
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    // duplicate rows [r1; r1; r1; r2; r2; r2]: AᵀA = 3 (r1 r1ᵀ + r2 r2ᵀ), so σ² are 3x the eigenvalues of the 2x2 Gram of r1, r2
    const r1 = [1, -2, 0.5, 3], r2 = [0.25, 4, -1, 2];
    const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i], 0);
    const [g11, g12, g22] = [dot(r1, r1), dot(r1, r2), dot(r2, r2)];
    const mid = (g11 + g22) / 2, rad = Math.sqrt(((g11 - g22) / 2) ** 2 + g12 * g12);
    const want: Record<string, number[]> = {
      zero: [0, 0, 0, 0],
      constant: [2.5 * Math.sqrt(24), 0, 0, 0],
      onehot: [1, 0, 0, 0],
      duplicate: [Math.sqrt(3 * (mid + rad)), Math.sqrt(3 * (mid - rad)), 0, 0],
    };
    const rows = lastJson<{ name: string; f32: boolean; k: number; S: number[]; Sa: number[]; U: number[]; Vt: number[] }[]>(r.stdout);
    expect(rows).toHaveLength(24);
    for (const c of rows) {
      const tol = c.f32 ? 1e-5 : 1e-13;
      const w = want[c.name].slice(0, c.k);
      expect(c.S.length).toBe(c.k);
      expect(maxRelErr(c.S, w, Math.max(1, w[0])), `${c.name} f32=${c.f32} k=${c.k}`).toBeLessThan(tol);
      expect(c.Sa).toEqual(c.S);
      expect(c.U.length).toBe(6 * c.k);
      expect(c.Vt.length).toBe(c.k * 4);
      expect(c.U.every(Number.isFinite) && c.Vt.every(Number.isFinite)).toBe(true);
    }
  });

  it('top-k keeps the leading triplets of the thin SVD: reconstruction from k = rank is exact', () => {
    const A = loadInput('lowrank');
    const [rows, cols] = A.shape;
    const top = svdSync(A, { k: 8 });
    expect(top.routine).toBe('dgesdd');
    expect(reconstructionError(A.data, rows, cols, top.U.data, 8, top.S, top.Vt.data)).toBeLessThan(1e-10 * fro(A.data));
  });
});

describe('LAPACK workspace sizes are computed in 64 bits and checked before anything is allocated', () => {
  it.skipIf(!hooks)("gesdd's and syevd's minimum is LAPACK's (min accepted, min - 1 refused); gesvd's is its documented bound (skipped without the test hooks)", () => {
    const shapes: [number, number][] = [[1, 1], [7, 3], [3, 7], [20, 20], [40, 11], [11, 40], [100, 9], [9, 100], [64, 63]];
    // the argument number of LWORK: gesdd 12, gesvd 13, syevd 8
    const lworkArg = { gesdd: -12, gesvd: -13, syevd: -8 } as const;
    for (const [m, n] of shapes)
      for (const [routine, jobs] of [['gesdd', ['N', 'S', 'A']], ['gesvd', ['N', 'S', 'A']], ['syevd', ['N']]] as const)
        for (const job of jobs) {
          if (routine === 'syevd' && m !== n) continue;
          const p = native._lapackProbe!(routine, job, m, n);
          const what = `${routine} ${job} ${m}x${n}`;
          expect(p.fits, what).toBe(true);
          expect(p.infoAtMin, what).toBe(0);
          // gesvd: the documented LWORK >= MAX(3*MIN(M,N) + MAX(M,N), 5*MIN(M,N)); some paths need less
          if (routine === 'gesvd') expect(p.min, what).toBe(Math.max(3 * Math.min(m, n) + Math.max(m, n), 5 * Math.min(m, n)));
          else if (p.infoBelowMin !== undefined) expect(p.infoBelowMin, what).toBe(lworkArg[routine]);
          expect(p.query!, what).toBeGreaterThanOrEqual(p.min);
          expect(p.query!, what).toBeLessThanOrEqual(p.bound);
        }
  });

  it.skipIf(!hooks)('svd with vectors at min(m, n) = 26 755 needs 2 147 677 360 elements: past 2^31 - 1 (LAPACK queried 1 792 585)', () => {
    const p = native._lapackProbe!('gesdd', 'S', 26755, 26755);
    expect(p.min).toBe(2147677360);
    expect(p.fits).toBe(false);
    expect(native._lapackProbe!('gesdd', 'N', 26755, 26755).fits).toBe(true);
  });

  it.skipIf(underAsan)('so svd(26 755², with vectors or k) is E_TOO_LARGE at once, before the input is read or copied (in a child; skipped under ASan)', async () => {
    const src = `
      const ws = await import(${JSON.stringify(distUrl)});
      const n = 26755;
      const data = new Float32Array(n * n); // 2.9 GB of untouched (unmapped) zeros
      const out = {};
      for (const [label, fn] of [['svdSync', () => ws.svdSync({ data, shape: [n, n] })], ['svd k', () => ws.svd({ data, shape: [n, n] }, { k: 5 })]]) {
        const t0 = performance.now();
        try { await fn(); out[label] = 'ok'; } catch (e) { out[label] = e.code + ' ' + e.message; }
        out[label + ' ms'] = performance.now() - t0;
      }
      console.log(JSON.stringify(out));`;
    const r = await runModule(src, { timeoutMs: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const o = lastJson<Record<string, string | number>>(r.stdout);
    expect(o.svdSync).toMatch(/^E_TOO_LARGE sgesdd needs a workspace of \d+ elements, past LAPACK's 32-bit integer limit/);
    expect(o['svd k']).toMatch(/^E_TOO_LARGE sgesdd needs a workspace/);
    expect(o['svdSync ms'] as number).toBeLessThan(2000); // refused before touching the input
    expect(o['svd k ms'] as number).toBeLessThan(2000); // and before the async call copies it
  });
});

describe('allocation failure is a typed error in both forms (in children)', () => {
  it.skipIf(underAsan)('an input copy that cannot be allocated under ulimit -v: E_TOO_LARGE sync and async (skipped under ASan, whose shadow memory needs the address space)', async () => {
    // The cap: this machine's address space for node + weightscope with its threads started, plus room
    // for the 400 MB input and not for a second copy of it.
    const probe = await runModule(`
      const ws = await import(${JSON.stringify(distUrl)});
      const { readFileSync } = await import('node:fs');
      await ws.svdvals({ data: new Float64Array(4), shape: [2, 2] });
      console.log(readFileSync('/proc/self/status', 'utf8').match(/VmSize:\\s+(\\d+)/)[1]);`);
    expect(probe.status, probe.stderr).toBe(0);
    const baseKib = Number(probe.stdout.trim().split('\n').pop());
    const src = `
      const ws = await import(${JSON.stringify(distUrl)});
      const a = new Float64Array(5000 * 10000); // 400 MB of address space
      const m = { data: a, shape: [5000, 10000] };
      const out = {};
      try { ws.svdvalsSync(m); out.sync = 'ok'; } catch (e) { out.sync = e.code; }
      try { await ws.svdvals(m); out.async = 'ok'; } catch (e) { out.async = e.code; }
      try { await ws.gram(m); out.gram = 'ok'; } catch (e) { out.gram = e.code; }
      console.log(JSON.stringify(out));`;
    const r = await runModuleUnderUlimit(src, baseKib + 400 * 1024 + 200 * 1024, { timeoutMs: 120_000 });
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(lastJson(r.stdout)).toEqual({ sync: 'E_TOO_LARGE', async: 'E_TOO_LARGE', gram: 'E_TOO_LARGE' });
  });

  it('svdvalsBatch(new Array(1 << 20).fill(m256x512)): E_TOO_LARGE sync and async, not exit 134', async () => {
    const src = `
      const ws = await import(${JSON.stringify(distUrl)});
      const m = { data: new Float64Array(256 * 512), shape: [256, 512] };
      const ms = new Array(1 << 20).fill(m);
      const out = {};
      try { ws.svdvalsBatchSync(ms); out.sync = 'ok'; } catch (e) { out.sync = e.code; }
      try { await ws.svdvalsBatch(ms); out.async = 'ok'; } catch (e) { out.async = e.code; }
      console.log(JSON.stringify(out));`;
    const r = await runModule(src, { timeoutMs: 120_000 });
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(lastJson(r.stdout)).toEqual({ sync: 'E_TOO_LARGE', async: 'E_TOO_LARGE' });
  });

  it.skipIf(!hooks)('a failure while building a result rejects the promise (skipped without the test hooks)', async () => {
    native._failResults!(1);
    const m = { data: Float64Array.from([3, 0, 0, 4]), shape: [2, 2] as [number, number] };
    await expect(svdvals(m)).rejects.toMatchObject({ code: 'E_INTERNAL', message: expect.stringContaining('building the result failed') });
    expect(Array.from(await svdvals(m))).toEqual([4, 3]);
  });
});

describe('the Gram route is scale-safe on both backends (core/gram_scale.h)', () => {
  const g = loadInput('gauss');
  const want = reference.numpy.gauss.svdvals as number[];

  it('entries near 1e-30 (float32) and 1e-170 (float64): the singular values, not zeros', async () => {
    for (const [Ctor, scale, tol] of [[Float32Array, 1e-30, 1e-5], [Float64Array, 1e-170, 1e-9]] as const) {
      const m = { data: Ctor.from(g.data, (v) => v * scale), shape: g.shape };
      const s = await svdvals(m, { method: 'gram' });
      expect(s[0]).toBeGreaterThan(0);
      expect(maxRelErr(Array.from(s, (v) => v / scale), want, want[0]), Ctor.name).toBeLessThan(tol);
      // σ² itself is below the dtype's normal range: the Gram eigenvalues cannot be returned, so that is an error
      expect(() => gramEigvalshSync(m)).toThrow(expect.objectContaining({ code: 'E_NONFINITE', message: expect.stringContaining('underflow') }));
    }
  });

  it('float32 entries near 1e18: squares overflow the Frobenius sum but σ is fine; σ² beyond float32 is E_NONFINITE', () => {
    const m = { data: Float32Array.from(g.data, (v) => v * 1e18), shape: g.shape };
    const s = svdvalsSync(m, { method: 'gram' });
    expect(maxRelErr(Array.from(s, (v) => v / 1e18), want, want[0])).toBeLessThan(1e-5);
    expect(() => gramEigvalshSync(m)).toThrow(expect.objectContaining({ code: 'E_NONFINITE', message: expect.stringContaining('overflow float32') }));
  });

  it('a float64 Gram overflow does not tell the user to "use float64"', () => {
    const m = { data: Float64Array.from(g.data, (v) => v * 1e200), shape: g.shape };
    let err: Error | undefined;
    try {
      gramSync(m);
    } catch (e) {
      err = e as Error;
    }
    expect(err).toMatchObject({ code: 'E_NONFINITE' });
    expect(err!.message).toContain('overflow float64');
    expect(err!.message).not.toContain('use float64');
    expect(maxRelErr(Array.from(svdvalsSync(m, { method: 'gram' }), (v) => v / 1e200), want, want[0])).toBeLessThan(1e-9);
  });
});
