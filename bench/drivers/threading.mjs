// Threading policy: 4 async svdvals at once vs the same 4 awaited one after another.
import * as ws from '../../dist/index.js';
import { gaussianMatrix } from '../lib/gaussian.mjs';
import { median } from '../lib/stats.mjs';
import { driverMain } from '../lib/driver_io.mjs';

async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

driverMain(async (cfg) => {
  ws.setThreads(cfg.threads);
  const ms = Array.from({ length: cfg.count }, (_, i) => gaussianMatrix(cfg.n, cfg.n, cfg.dtype, cfg.seed + i));
  const concurrent = () => Promise.all(ms.map((m) => ws.svdvals(m)));
  const sequential = async () => {
    for (const m of ms) await ws.svdvals(m);
  };
  await ws.svdvals(ms[0]); // warm-up: pool and BLAS threads started, code paged in
  const tc = [];
  const ts = [];
  for (let i = 0; i < cfg.reps; i++) {
    // Alternate the order so drift in machine load hits both sides alike.
    if (i % 2 === 0) {
      tc.push(await timed(concurrent));
      ts.push(await timed(sequential));
    } else {
      ts.push(await timed(sequential));
      tc.push(await timed(concurrent));
    }
  }
  const { largeJobFlops } = ws.backends().cpu;
  const flops = cfg.n * cfg.n * cfg.n;
  return {
    n: cfg.n,
    dtype: cfg.dtype,
    count: cfg.count,
    reps: cfg.reps,
    threads: ws.getThreads(),
    large_job_flops: largeJobFlops,
    // Mirrors the native scheduler's rule (blas_scheduler.cc): exclusive strictly above the threshold.
    scheduler_mode: flops > largeJobFlops && ws.getThreads() > 1 ? 'exclusive (all threads, one at a time)' : 'shared (1 thread each, side by side)',
    concurrent_ms: median(tc),
    sequential_ms: median(ts),
    concurrent_times_ms: tc,
    sequential_times_ms: ts,
  };
});
