// Validation in src/linalg (issue 19 items 8-11), the options context, snapshots and adoption, precision,
// the buffer pool, and SharedArrayBuffer inputs in sync calls.
import { describe, expect, it } from 'vitest';
import { native } from '../src/binding.js';
import {
  MAX_THREADS,
  getThreads,
  matrix,
  nativeStats,
  setLargeJobFlops,
  setThreads,
  svd,
  svdSync,
  svdvals,
  svdvalsBatch,
  svdvalsBatchSync,
  svdvalsSync,
  WeightscopeError,
} from '../src/index.js';
import { resolveContext, snapshot, isAdopted, svdvalsIn, svdvalsInSync } from '../src/linalg/internal.js';
import { placement } from '../src/linalg/context.js';
import { randn } from './helpers/reference.js';
import { racingMatrix } from './helpers/sab-writer.js';

const code = (c: string) => expect.objectContaining({ code: c });
const m34 = () => ({ data: randn(12, 1), shape: [3, 4] as [number, number] });

describe('arguments that were accepted or mis-typed', () => {
  it('svdvalsBatch with holes is refused, never shifted', async () => {
    const m = m34();
    // eslint-disable-next-line no-sparse-arrays
    const holes = [m, , m] as never;
    expect(() => svdvalsBatchSync(holes)).toThrow(expect.objectContaining({ code: 'E_DTYPE', message: expect.stringContaining('matrices[1] is a hole') }));
    await expect(svdvalsBatch(holes)).rejects.toMatchObject({ code: 'E_DTYPE' });
    expect(svdvalsBatchSync([m, m, m])).toHaveLength(3);
  });

  it("setLargeJobFlops('5' | null | NaN) and setThreads outside 1..MAX_THREADS are E_OPTION", () => {
    for (const v of ['5', null, NaN, -1]) expect(() => setLargeJobFlops(v as never)).toThrow(code('E_OPTION'));
    const before = getThreads();
    for (const v of [2 ** 31, MAX_THREADS + 1, 0, 1.5, '2']) expect(() => setThreads(v as never)).toThrow(code('E_OPTION'));
    expect(getThreads()).toBe(before);
    expect(MAX_THREADS).toBe(native.info().maxThreads);
  });

  it('a Proxy of a typed array as data is E_DTYPE (native code cannot read it)', async () => {
    const p = new Proxy(new Float64Array(12), {});
    expect(() => svdvalsSync({ data: p, shape: [3, 4] })).toThrow(code('E_DTYPE'));
    await expect(svdvals({ data: p, shape: [3, 4] })).rejects.toMatchObject({ code: 'E_DTYPE' });
  });

  it('options are read as own properties only: Object.prototype.k does not make svdSync a top-k call', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.k = 1;
    proto.backend = 'cuda';
    try {
      const r = svdSync(m34());
      expect(r.S.length).toBe(3);
      expect(r.U.shape).toEqual([3, 3]);
    } finally {
      delete proto.k;
      delete proto.backend;
    }
  });

  it("full: 'no', backend: null, method: null, matrix(rows, 'int8') are E_OPTION; a missing shape is E_SHAPE", async () => {
    const m = m34();
    expect(() => svdSync(m, { full: 'no' as never })).toThrow(code('E_OPTION'));
    await expect(svd(m, { full: 1 as never })).rejects.toMatchObject({ code: 'E_OPTION' });
    expect(() => svdvalsSync(m, { backend: null as never })).toThrow(code('E_OPTION'));
    expect(() => svdvalsSync(m, { method: null as never })).toThrow(code('E_OPTION'));
    expect(() => svdSync(m, { method: null as never })).toThrow(code('E_OPTION'));
    expect(() => matrix([[1, 2]], 'int8' as never)).toThrow(code('E_OPTION'));
    expect(() => svdvalsSync({ data: new Float64Array(4) } as never)).toThrow(code('E_SHAPE'));
    expect(() => svdvalsSync({ data: new Float64Array(4), shape: undefined } as never)).toThrow(code('E_SHAPE'));
    expect(() => svdvalsSync({} as never)).toThrow(code('E_DTYPE'));
  });

  it('the native layer checks its flags and token too (a second line behind src/linalg)', () => {
    const d = new Float64Array(4);
    expect(() => native.svdvals(d, 2, 2, 'x' as never, 0)).toThrow(code('E_OPTION'));
    expect(() => native.svdvals(d, 2, 2, 3 << 5, 0)).toThrow(code('E_OPTION'));
    expect(() => native.svdvals(d, 2, 2, 0, -1)).toThrow(code('E_OPTION'));
    expect(() => native.svd(d, 2, 2, 0.5, 0, 0)).toThrow(code('E_OPTION'));
    expect(native.cancel(12345)).toBe(false);
  });
});

describe('the options context', () => {
  it('resolves once: bad values are E_OPTION before any native call; placement packs device and precision', () => {
    expect(() => resolveContext({ method: 'qr' as never }, 'f')).toThrow(code('E_OPTION'));
    expect(() => resolveContext({ method: 'gesvdj' }, 'f')).toThrow(code('E_OPTION'));
    expect(() => resolveContext({ precision: 'float16' as never }, 'f')).toThrow(code('E_OPTION'));
    expect(() => resolveContext({ accuracy: 'small-values', method: 'gram' }, 'f')).toThrow(code('E_OPTION'));
    expect(() => resolveContext({ signal: 'x' as never }, 'f')).toThrow(code('E_OPTION'));
    const cpu = resolveContext({ backend: 'cpu', precision: 'float64' }, 'f');
    expect(placement(cpu, 1e12)).toBe(2 << 5);
    // rank-sensitive work under 'auto' stays on the CPU whatever its size
    const rank = resolveContext({ accuracy: 'small-values' }, 'f');
    expect(placement(rank, Number.MAX_VALUE) >> 2 & 3).toBe(0);
  });

  it("precision 'float64' widens float32 input while it is copied, sync and async", async () => {
    const m = { data: Float32Array.from(randn(40 * 30, 2)), shape: [40, 30] as [number, number] };
    const wide = { data: Float64Array.from(m.data), shape: m.shape };
    const ctx = resolveContext({ precision: 'float64' }, 'test');
    const a = svdvalsInSync(ctx, m);
    const b = await svdvalsIn(ctx, m);
    expect(a.S).toBeInstanceOf(Float64Array);
    expect(a.routine).toBe('dgesdd');
    expect(Array.from(a.S)).toEqual(Array.from(svdvalsSync(wide)));
    expect(Array.from(b.S)).toEqual(Array.from(a.S));
    const narrow = svdvalsInSync(resolveContext({ precision: 'float32' }, 'test'), wide);
    expect(narrow.S).toBeInstanceOf(Float32Array);
    expect(narrow.routine).toBe('sgesdd');
  });
});

describe('snapshot and adoption', () => {
  it.skipIf(!native.info().testHooks)('snapshot copies once into native memory; later async calls read it in place and ignore the source (skipped without the test hooks)', async () => {
    const src = randn(200 * 150, 3);
    const m = { data: src, shape: [200, 150] as [number, number] };
    const want = Array.from(svdvalsSync(m));
    const s = snapshot(m);
    expect(isAdopted(s.data)).toBe(true);
    src.fill(NaN); // the caller's buffer changes after the snapshot
    // the CPU queue is held, so the calls below certainly stay queued (their LAPACK buffers not yet made)
    native._holdCpu!(true);
    try {
      const live0 = nativeStats().liveBytes;
      const p = svdvals(s);
      const p2 = svdvals(s);
      expect(native.stats().scheduler.cpuQueued).toBe(2);
      // no second copy of the 240 kB input: live bytes grew by far less than one copy
      expect(nativeStats().liveBytes - live0).toBeLessThan(200 * 150 * 8);
      // an ordinary array of the same data is copied (the input-is-copied guarantee for user arrays)
      const user = { data: Float64Array.from(s.data), shape: m.shape };
      const live1 = nativeStats().liveBytes;
      const q = svdvals(user);
      expect(nativeStats().liveBytes - live1).toBeGreaterThanOrEqual(200 * 150 * 8);
      native._holdCpu!(false);
      expect(Array.from(await p)).toEqual(want);
      expect(Array.from(await p2)).toEqual(want);
      expect(Array.from(await q)).toEqual(want);
    } finally {
      native._holdCpu!(false);
    }
  });

  it("snapshot(m, 'float64') converts; a snapshot transferred away still works for calls already made", async () => {
    const m = { data: Float32Array.from(randn(30 * 20, 4)), shape: [30, 20] as [number, number] };
    const s = snapshot(m, 'float64');
    expect(s.data).toBeInstanceOf(Float64Array);
    const p = svdvals(s);
    structuredClone(s.data, { transfer: [s.data.buffer] });
    expect((await p).length).toBe(20);
  });
});

describe('SharedArrayBuffer input written by another thread during sync calls', () => {
  it('every call gives a result or E_NONFINITE, never E_INTERNAL (the sync call copies it first)', async () => {
    const { data, shape, stop } = await racingMatrix(48, 40, 7);
    const codes = new Map<string, number>();
    for (let i = 0; i < 500; i++) {
      let c = 'ok';
      try {
        if (i % 2) svdvalsSync({ data, shape });
        else svdvalsSync({ data, shape }, { method: 'gram' });
      } catch (e) {
        c = e instanceof WeightscopeError ? e.code : String(e);
      }
      codes.set(c, (codes.get(c) ?? 0) + 1);
    }
    await stop();
    expect([...codes.keys()].every((c) => c === 'ok' || c === 'E_NONFINITE'), JSON.stringify([...codes])).toBe(true);
    expect(codes.get('E_NONFINITE') ?? 0).toBeGreaterThan(0);
  });
});

describe('the buffer pool', () => {
  it('keeps freed blocks warm within its bound, and reuses them for the same shape', async () => {
    const m = { data: randn(512 * 512, 9), shape: [512, 512] as [number, number] };
    await svdvals(m);
    const s0 = native.stats();
    await svdvals(m);
    const s1 = native.stats();
    expect(s1.poolHits).toBeGreaterThan(s0.poolHits); // the input copy (and LAPACK's work arrays) reused pages
    expect(s1.poolBytes).toBeLessThanOrEqual(s1.poolLimitBytes);
    expect(nativeStats().poolLimitBytes).toBe(s1.poolLimitBytes);
  });
});
