// Event-loop delay while one async svdvals runs on the native scheduler's threads (perf_hooks.monitorEventLoopDelay).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as ws from '../../dist/index.js';
import { gaussianMatrix } from '../lib/gaussian.mjs';
import { driverMain } from '../lib/driver_io.mjs';

const RESOLUTION_MS = 1;

/** The histogram records the full timer period; lag is what exceeds the period. */
function lagStats(h) {
  const ms = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  return { p50_ms: ms(h.percentile(50)), p99_ms: ms(h.percentile(99)), max_ms: ms(h.max), samples: h.count };
}

async function monitor(work) {
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  const t0 = performance.now();
  await work();
  const duration = performance.now() - t0;
  h.disable();
  return { duration_ms: duration, ...lagStats(h) };
}

driverMain(async (cfg) => {
  ws.setThreads(cfg.threads);
  const m = gaussianMatrix(cfg.n, cfg.n, cfg.dtype, cfg.seed);
  await ws.svdvals(gaussianMatrix(64, 64, cfg.dtype, 1)); // load the pool and BLAS threads first
  const idle = await monitor(() => new Promise((r) => setTimeout(r, cfg.idleMs)));
  const busy = await monitor(() => ws.svdvals(m));
  return { n: cfg.n, dtype: cfg.dtype, resolution_ms: RESOLUTION_MS, idle, during_svdvals: busy };
});
