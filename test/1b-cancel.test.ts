// Cancellation (AbortSignal, as Node's own APIs take it) and the caller's stack on async errors.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { native } from '../src/binding.js';
import { readTensor, decodeTensor } from '../src/linalg/internal.js';
import { eigvalsh, gram, gramEigvalsh, nativeStats, svd, svdvals, svdvalsBatch, svdvalsSync } from '../src/index.js';
import { randn } from './helpers/reference.js';

const big = (seed: number) => ({ data: randn(640 * 640, seed), shape: [640, 640] as [number, number] });
const isAbort = (e: unknown) => e instanceof DOMException && e.name === 'AbortError';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('signal: an AbortSignal in every async call', () => {
  it('already aborted: rejects with an AbortError whose cause is the reason, and queues nothing', async () => {
    const ac = new AbortController();
    ac.abort(new Error('stale epoch'));
    const m = { data: randn(12, 1), shape: [4, 3] as [number, number] };
    const before = nativeStats().jobsInFlight;
    const calls = [
      svdvals(m, { signal: ac.signal }),
      svdvals(m, { signal: ac.signal, method: 'gram' }),
      svd(m, { signal: ac.signal, k: 2 }),
      eigvalsh({ data: randn(9, 2), shape: [3, 3] }, { signal: ac.signal }),
      gram(m, { signal: ac.signal }),
      gramEigvalsh(m, { signal: ac.signal }),
      svdvalsBatch([m, m], { signal: ac.signal }),
      decodeTensor(new Uint8Array(8), { dtype: 'F32', shape: [2], signal: ac.signal }),
    ];
    expect(nativeStats().jobsInFlight).toBe(before);
    for (const p of calls) {
      const e = (await rejection(p)) as DOMException;
      expect(isAbort(e)).toBe(true);
      expect((e as { cause?: Error }).cause?.message).toBe('stale epoch');
    }
  });

  it.skipIf(!native.info().testHooks)('aborted while queued: the job is dropped at once (its input copy freed) and the promise rejects (skipped without the test hooks)', async () => {
    native._holdCpu!(true); // the jobs below certainly stay queued (no race against a long job)
    try {
      const ac = new AbortController();
      const live0 = nativeStats().liveBytes;
      const queued = Array.from({ length: 3 }, (_, i) => svdvals(big(10 + i), { signal: ac.signal }));
      // each holds its 640² float64 input copy (3.1 MiB) while queued
      expect(nativeStats().liveBytes - live0).toBeGreaterThanOrEqual(3 * 640 * 640 * 8);
      await new Promise((r) => setTimeout(r, 10));
      ac.abort();
      for (const p of queued) expect(isAbort(await rejection(p))).toBe(true);
      await new Promise((r) => setImmediate(r)); // the native side settles its own promise on the next turn
      // the copies went with them, without any job having run
      expect(nativeStats().liveBytes).toBeLessThanOrEqual(live0);
      expect(native.stats().scheduler.cpuQueued).toBe(0);
    } finally {
      native._holdCpu!(false);
    }
    while (nativeStats().jobsInFlight > 0) await new Promise((r) => setTimeout(r, 10));
  });

  it('aborted while running: rejects at once; the result that arrives later is discarded', async () => {
    const ac = new AbortController();
    const p = svdvals(big(3), { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 30));
    ac.abort();
    const t0 = performance.now();
    expect(isAbort(await rejection(p))).toBe(true);
    expect(performance.now() - t0).toBeLessThan(1000); // not after the SVD: at once
    while (nativeStats().jobsInFlight > 0) await new Promise((r) => setTimeout(r, 10));
  });

  it('an abort after completion changes nothing; a signal that never fires costs nothing', async () => {
    const ac = new AbortController();
    const m = { data: randn(30 * 20, 4), shape: [30, 20] as [number, number] };
    const s = await svdvals(m, { signal: ac.signal });
    ac.abort();
    expect(Array.from(s)).toEqual(Array.from(svdvalsSync(m)));
    expect(Array.from(await svdvals(m, { signal: new AbortController().signal }))).toEqual(Array.from(s));
  });

  it('readTensor takes a signal too', async () => {
    const dir = resolve('test/output/cancel');
    mkdirSync(dir, { recursive: true });
    const f = join(dir, 't.bin');
    writeFileSync(f, Buffer.from(new Float32Array([1, 2, 3, 4]).buffer));
    const ac = new AbortController();
    ac.abort();
    expect(isAbort(await rejection(readTensor(f, { offset: 0, byteLength: 16, dtype: 'F32', shape: [4], signal: ac.signal })))).toBe(true);
    const r = await readTensor(f, { offset: 0, byteLength: 16, dtype: 'F32', shape: [4], signal: new AbortController().signal });
    expect(Array.from(r.data)).toEqual([1, 2, 3, 4]);
  });

  it('signal must be an AbortSignal; the sync forms take none', async () => {
    const m = { data: randn(4, 1), shape: [2, 2] as [number, number] };
    await expect(svdvals(m, { signal: {} as AbortSignal })).rejects.toMatchObject({ code: 'E_OPTION' });
    expect(() => svdvalsSync(m, { signal: new AbortController().signal } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
  });
});

describe('async errors carry the caller stack', () => {
  it('a native rejection names the function that made the call', async () => {
    async function callerOfSvdvals() {
      const bad = { data: Float64Array.from([1, NaN, 3, 4]), shape: [2, 2] as [number, number] };
      return svdvals(bad);
    }
    const e = (await rejection(callerOfSvdvals())) as Error;
    expect(e).toMatchObject({ code: 'E_NONFINITE', name: 'WeightscopeError' });
    expect(e.stack).toContain('callerOfSvdvals');
    expect(e.stack!.split('\n')[0]).toBe(`WeightscopeError: ${e.message}`);
  });
});
