// What a caller sees while native jobs queue (issue "never block the caller"): the latency of a tiny
// fs.readFile and of a 64x64 svdvalsSync while one large and eight small async jobs are in flight, the
// largest event-loop stall over that time, and the synchronous part of an async call on a 32 MB input
// (its input copy: cold, then warm from the buffer pool).
//   mode 'mixed':    { nLarge, nSmall, trials, threads }
//   mode 'snapshot': { n, reps, threads } (run with WEIGHTSCOPE_POOL_MB=0 for the unpooled figure)
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as ws from '../../dist/index.js';
import { native } from '../../dist/binding.js';
import { gaussianMatrix } from '../lib/gaussian.mjs';
import { median } from '../lib/stats.mjs';
import { driverMain } from '../lib/driver_io.mjs';

const ms = (t0) => performance.now() - t0;

async function mixed(cfg) {
  const tiny = path.join(os.tmpdir(), `weightscope-bench-tiny-${process.pid}.txt`);
  writeFileSync(tiny, 'x');
  const large = gaussianMatrix(cfg.nLarge, cfg.nLarge, 'f64', cfg.seed);
  const smalls = Array.from({ length: 8 }, (_, i) => gaussianMatrix(cfg.nSmall, cfg.nSmall, 'f64', cfg.seed + 1 + i));
  const probe = gaussianMatrix(64, 64, 'f64', cfg.seed + 99);
  // warm-up: threads started, code paged in, pool filled for these shapes
  await Promise.all([ws.svdvals(large), ...smalls.map((m) => ws.svdvals(m))]);
  ws.svdvalsSync(probe);
  await readFile(tiny);
  const h = monitorEventLoopDelay({ resolution: 1 });
  const trials = [];
  for (let t = 0; t < cfg.trials; t++) {
    h.enable();
    let t0 = performance.now();
    const jobs = [ws.svdvals(large), ...smalls.map((m) => ws.svdvals(m))];
    const submitMs = ms(t0); // the synchronous part of 9 calls: their input copies
    await new Promise((r) => setTimeout(r, 5));
    t0 = performance.now();
    await readFile(tiny);
    const readMs = ms(t0);
    const queuedAtRead = native.stats().scheduler.cpuQueued;
    h.disable(); // the sync call blocks the loop by design: its own time is the figure, not a stall
    t0 = performance.now();
    ws.svdvalsSync(probe);
    const syncMs = ms(t0);
    const largeStillRunning = native.stats().scheduler.cpuRunning > 0;
    h.enable();
    t0 = performance.now();
    await Promise.all(jobs);
    h.disable();
    trials.push({ submitMs, readMs, queuedAtRead, syncMs, largeStillRunning, drainMs: ms(t0) });
  }
  const stallMs = Math.max(0, h.max / 1e6 - 1);
  return {
    mode: 'mixed',
    nLarge: cfg.nLarge,
    nSmall: cfg.nSmall,
    trials: trials.length,
    readfile_ms: { median: median(trials.map((x) => x.readMs)), max: Math.max(...trials.map((x) => x.readMs)) },
    sync64_ms: { median: median(trials.map((x) => x.syncMs)), max: Math.max(...trials.map((x) => x.syncMs)) },
    sync_during_large: trials.filter((x) => x.largeStillRunning).length,
    submit_ms: { median: median(trials.map((x) => x.submitMs)), max: Math.max(...trials.map((x) => x.submitMs)) },
    queued_at_read: Math.min(...trials.map((x) => x.queuedAtRead)),
    max_stall_ms: stallMs,
    per_trial: trials,
  };
}

async function snapshot(cfg) {
  const m = gaussianMatrix(cfg.n, cfg.n, 'f64', cfg.seed);
  const call = async () => {
    const t0 = performance.now();
    const p = ws.svdvals(m); // returns once the input is copied
    const syncMs = ms(t0);
    await p;
    return syncMs;
  };
  const cold = await call();
  const warm = [];
  for (let i = 0; i < cfg.reps; i++) warm.push(await call());
  return { mode: 'snapshot', n: cfg.n, bytes: cfg.n * cfg.n * 8, pool_limit: ws.nativeStats().poolLimitBytes, cold_ms: cold, warm_ms: median(warm), warm_times_ms: warm };
}

driverMain(async (cfg) => {
  ws.setThreads(cfg.threads);
  return cfg.mode === 'snapshot' ? snapshot(cfg) : mixed(cfg);
});
