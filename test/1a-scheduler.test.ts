// The native scheduler (native/core/scheduler.h): its own C++ test (fake tasks, no Node, no OpenBLAS;
// plain and under ThreadSanitizer), then what a caller sees: queued jobs hold no libuv thread, a small
// sync call never waits behind async work, small jobs run side by side, large ones alone. Orderings are
// asserted, never durations (the bench measures those: bench/README.md).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { native } from '../src/binding.js';
import { getThreads, nativeStats, setThreads, svdvals, svdvalsBatch, svdvalsSync } from '../src/index.js';
import { run } from './helpers/child.js';
import { randn } from './helpers/reference.js';

const out = resolve('test/output/native');
// Without the sanitized addon's LD_PRELOAD (npm run test:asan): these programs are not the addon.
const plainEnv = { ...process.env, LD_PRELOAD: '' };
const haveCompiler = spawnSync('g++', ['--version']).status === 0;
const tsanWorks =
  haveCompiler &&
  spawnSync('bash', ['-c', 'echo "int main(){}" | g++ -x c++ -fsanitize=thread - -o /dev/null'], { encoding: 'utf8' }).status === 0;

function build(flags: string[], name: string) {
  mkdirSync(out, { recursive: true });
  const exe = join(out, name);
  const args = ['-std=c++17', '-O1', '-g', '-pthread', ...flags, 'native/core/scheduler.cc', 'native/core/sync_scope.cc', 'test/native/scheduler_test.cc', '-o', exe];
  return run('g++', args, { timeoutMs: 300_000, env: plainEnv }).then((cc) => ({ cc, exe }));
}

async function runBuilt(b: Promise<{ cc: { status: number | null; stderr: string }; exe: string }>) {
  const { cc, exe } = await b;
  expect(cc.status, cc.stderr).toBe(0);
  return run(exe, [], { timeoutMs: 120_000, env: { ...plainEnv, TSAN_OPTIONS: 'halt_on_error=1' } });
}

describe.skipIf(!haveCompiler)('the scheduler on its own (C++, fake tasks; skipped without g++)', () => {
  let plain: ReturnType<typeof build>;
  let tsan: ReturnType<typeof build>;
  beforeAll(() => {
    // both compiles at once (they are the slow part)
    plain = build([], 'scheduler_test');
    if (tsanWorks) tsan = build(['-fsanitize=thread'], 'scheduler_test_tsan');
  });
  it('admission rules, cancellation, lanes, sync scopes, and no BLAS change under a running job', async () => {
    const r = await runBuilt(plain);
    expect(r.stdout).toContain('all scheduler checks passed');
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
  it.skipIf(!tsanWorks)('the same under ThreadSanitizer: no data race (skipped where -fsanitize=thread does not link)', async () => {
    const r = await runBuilt(tsan);
    expect(r.stderr).not.toContain('ThreadSanitizer');
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});

describe('what callers see', () => {
  const big = (seed: number) => ({ data: randn(700 * 700, seed), shape: [700, 700] as [number, number] });
  const small = (seed: number) => ({ data: randn(60 * 50, seed), shape: [60, 50] as [number, number] });

  it('queued jobs hold no libuv thread: fs calls complete while 6 large and 8 small jobs wait', async () => {
    const tiny = join(out, 'tiny.txt');
    mkdirSync(out, { recursive: true });
    writeFileSync(tiny, 'x');
    const jobs = [...Array.from({ length: 6 }, (_, i) => svdvals(big(i))), ...Array.from({ length: 8 }, (_, i) => svdvals(small(i)))];
    // more fs calls than libuv has threads (4): with jobs parked in the pool these would queue behind them
    const fs = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? stat(tiny) : readFile(tiny))));
    const inFlight = nativeStats().jobsInFlight;
    expect(fs).toHaveLength(8);
    expect(inFlight).toBeGreaterThanOrEqual(5); // the fs calls finished long before the SVDs
    const s = native.stats().scheduler;
    expect(s.cpuQueued).toBeGreaterThanOrEqual(1); // and some were still waiting, holding no thread
    await Promise.all(jobs);
    expect(nativeStats().jobsInFlight).toBe(0);
  });

  it('a small svdvalsSync during a large async job returns before it, with the right values', async () => {
    const A = big(40);
    const m = small(41);
    const want = Array.from(svdvalsSync(m));
    const p = svdvals(A);
    // let it start (polled: on a loaded machine the worker thread may take a while to be scheduled)
    for (let t = 0; native.stats().scheduler.cpuRunning === 0 && t < 500; t++) await new Promise((r) => setTimeout(r, 10));
    try {
      const got = Array.from(svdvalsSync(m));
      const running = native.stats().scheduler.cpuRunning;
      expect(got).toEqual(want);
      expect(running).toBe(1); // the large job was still running: the sync call did not wait for it
    } finally {
      await p; // never leave it running into the next test
    }
  });

  it('small jobs run side by side (one BLAS thread each), large ones alone with all threads', async () => {
    const seen = { maxRunning: 0, blasWhileSmall: new Set<number>(), blasWhileLarge: new Set<number>() };
    const sample = (large: boolean) => {
      const s = native.stats().scheduler;
      seen.maxRunning = Math.max(seen.maxRunning, s.cpuRunning);
      if (s.cpuRunning > 0) (large ? seen.blasWhileLarge : seen.blasWhileSmall).add(s.blasThreads);
    };
    // sampled on a 1 ms timer and as each job completes (the others are then still queued or running)
    // 250² is just under the large-job threshold (250³ < 256³): small, yet long enough that most of them are
    // still queued or running when the first completions arrive, even under ASan
    const smalls = Array.from({ length: 24 }, (_, i) => ({ data: randn(250 * 250, 60 + i), shape: [250, 250] as [number, number] }));
    // On a loaded machine the main thread may get no core until every job of a round has finished, and then
    // sees nothing running: rounds repeat (at most 5) until a sample caught jobs running.
    const rounds = async (large: boolean, run: () => Promise<unknown>[]) => {
      const caught = () => (large ? seen.blasWhileLarge : seen.blasWhileSmall).size > 0;
      for (let round = 0; round < 5 && !caught(); round++) {
        const timer = setInterval(() => sample(large), 1);
        await Promise.all(run().map((p) => p.then(() => sample(large))));
        clearInterval(timer);
      }
    };
    await rounds(false, () => smalls.map((m) => svdvals(m)));
    const slots = native.info().slots;
    expect(seen.maxRunning).toBeLessThanOrEqual(slots);
    expect([...seen.blasWhileSmall]).toEqual([1]);
    seen.maxRunning = 0;
    await rounds(true, () => [big(70), big(71), big(72)].map((m) => svdvals(m)));
    expect(seen.maxRunning).toBe(1);
    if (getThreads() > 1) expect([...seen.blasWhileLarge]).toEqual([getThreads()]);
    expect(native.stats().scheduler.blasThreads).toBe(1); // back to one thread when idle
  });

  it('a batch never uses more threads than min(setThreads, cores), however large setThreads is', async () => {
    const tasks = () => readFileSync('/proc/self/status', 'utf8').match(/Threads:\s+(\d+)/)![1];
    const before = getThreads();
    const ms = Array.from({ length: 400 }, (_, i) => ({ data: randn(20 * 20, i), shape: [20, 20] as [number, number] }));
    await svdvalsBatch(ms); // the scheduler's threads exist from here on
    const t0 = Number(tasks());
    try {
      setThreads(256);
      await svdvalsBatch(ms);
      const t1 = Number(tasks());
      expect(t1 - t0).toBeLessThanOrEqual(Math.max(0, native.info().cores - native.info().slots) + 2);
    } finally {
      setThreads(before);
    }
  });
});
