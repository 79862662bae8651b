import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { nativeStats, svdvals, svdvalsSync } from '../src/index.js';
import { distUrl, lastJson, run, underAsan } from './helpers/child.js';
import { randn } from './helpers/reference.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function settle() {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Runs `total` async svdvals with at most `inFlight` pending; checks every 97th against sync. */
async function storm(total: number, inFlight: number, seed: number) {
  const ms = Array.from({ length: 16 }, (_, i) => ({ data: randn(12 * 9, seed + i), shape: [12, 9] as [number, number] }));
  const want = ms.map((m) => Array.from(svdvalsSync(m)));
  let next = 0;
  let mismatches = 0;
  const lane = async () => {
    while (next < total) {
      const i = next++;
      const s = await svdvals(ms[i % 16]);
      if (i % 97 === 0 && Array.from(s).some((v, j) => v !== want[i % 16][j])) mismatches++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return mismatches;
}

describe('stress and leaks', () => {
  it('10 000 async calls with 64 in flight: correct, and native memory and RSS do not grow', async () => {
    await storm(1000, 64, 1); // warm-up
    await settle();
    const live0 = nativeStats().liveBytes;
    const rss0 = process.memoryUsage().rss;
    expect(await storm(10_000, 64, 2)).toBe(0);
    await settle();
    const live1 = nativeStats().liveBytes;
    const rss1 = process.memoryUsage().rss;
    expect(nativeStats().jobsInFlight).toBe(0);
    // every native buffer handed to JS was freed by its finalizer
    console.log(`10 000 async calls: native live bytes ${live0} -> ${live1}, RSS ${(rss0 / 2 ** 20).toFixed(1)} -> ${(rss1 / 2 ** 20).toFixed(1)} MiB`);
    expect(live1 - live0).toBeLessThanOrEqual(1024);
    // Under AddressSanitizer (npm run test:asan) freed memory sits in ASan's quarantine, so RSS says nothing.
    if (!process.env.LD_PRELOAD?.includes('asan')) expect(rss1 - rss0).toBeLessThan(64 * 1024 * 1024);
  });

  it('errors in flight do not leak either', async () => {
    await settle();
    const live0 = nativeStats().liveBytes;
    const bad = { data: Float64Array.from([1, NaN, 3, 4]), shape: [2, 2] as [number, number] };
    const rs = await Promise.allSettled(Array.from({ length: 500 }, () => svdvals(bad)));
    expect(rs.every((r) => r.status === 'rejected' && (r.reason as { code: string }).code === 'E_NONFINITE')).toBe(true);
    await settle();
    expect(nativeStats().liveBytes - live0).toBeLessThanOrEqual(1024);
  });

  const dist = distUrl;

  it('worker_threads use the addon at the same time; terminating a busy worker does not crash', async () => {
    const r = await run(process.execPath, [join('test', 'helpers', 'child-workers.mjs'), dist]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.terminated).toBe(true);
    expect(new Set(out.values).size).toBe(1);
  });

  it('terminating workers in the middle of native calls (async and throwing sync ones) never aborts the process', async () => {
    const r = await run(process.execPath, [join('test', 'helpers', 'child-terminate-loop.mjs'), dist, '12']);
    expect(r.stderr).toBe('');
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ rounds: 12 });
  });

  it('60 rounds of terminating a worker with 64 calls in flight: no native memory left, RSS flat (it grew 116 -> 288 MB)', async () => {
    const script = join('test', 'helpers', 'child-terminate-leak.mjs');
    // Without the buffer pool RSS itself must stay flat over 60 rounds; with it (20 rounds, at the same
    // time), RSS less what the pool holds, which stays within its bound.
    const runs = [['0', '60'], ['', '20']].map(([pool, rounds]) =>
      run(process.execPath, ['--expose-gc', script, dist, rounds], { env: { ...process.env, WEIGHTSCOPE_POOL_MB: pool }, timeoutMs: 240_000 }).then((r) => ({ pool, r })),
    );
    for (const { pool, r } of await Promise.all(runs)) {
      expect(r.signal, r.stderr).toBeNull();
      expect(r.status, r.stderr).toBe(0);
      const o = lastJson<{ rss: number[]; heldByPool: number[]; stats: { liveBytes: number; jobsInFlight: number; poolBytes: number; poolLimitBytes: number } }>(r.stdout);
      console.log(`worker termination (pool ${pool || 'default'}): RSS ${o.rss.map((v) => v.toFixed(0)).join(' ')} MiB, pool ${o.heldByPool.map((v) => v.toFixed(0)).join(' ')} MiB`);
      expect(o.stats.liveBytes).toBe(0);
      expect(o.stats.jobsInFlight).toBe(0);
      expect(o.stats.poolBytes).toBeLessThanOrEqual(o.stats.poolLimitBytes);
      if (!underAsan) {
        const own = o.rss.map((v, i) => v - o.heldByPool[i]);
        expect(Math.max(...own) - own[0], `pool ${pool || 'default'}`).toBeLessThan(32);
      }
    }
  }, 300_000); // children run up to 240 s on a loaded machine (10 s on a quiet one)

  it('process.exit while async jobs run (some inside a threaded LAPACK call) neither crashes nor hangs', async () => {
    const rs = await Promise.all(Array.from({ length: 6 }, () => run(process.execPath, [join('test', 'helpers', 'child-exit.mjs'), dist], { timeoutMs: 30_000 })));
    for (const r of rs) {
      expect(r.timedOut, 'hung at exit').toBe(false);
      expect(r.signal, r.stderr).toBeNull();
      expect(r.status).toBe(0);
    }
  });
});
