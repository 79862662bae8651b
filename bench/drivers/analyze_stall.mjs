// The responsiveness part of `npm run bench:model`: the event loop's longest stall while analyze() runs on
// (1) the model file, (2) an in-memory list of n×n float32 matrices, (3) a tfjs-LayersModel-shaped object of
// n-wide Dense layers (async data(), kernels transposed), each after a warm-up analyze of a small input (JIT,
// addon load). Measured two ways in one run: perf_hooks.monitorEventLoopDelay (1 ms resolution; the timer
// period is subtracted) and an interval timer's largest gap (period subtracted; and how many gaps passed 20 ms).
// Config: { model, threads, n, count }.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { driverMain } from '../lib/driver_io.mjs';
import { gaussianMatrix } from '../lib/gaussian.mjs';

const ws = await import('../../dist/index.js');
const PERIOD_MS = 2;

async function measure(run) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  let last = performance.now();
  let gap = 0;
  let over20 = 0;
  const iv = setInterval(() => {
    const t = performance.now();
    if (t - last - PERIOD_MS > 20) over20++;
    gap = Math.max(gap, t - last);
    last = t;
  }, PERIOD_MS);
  h.enable();
  const t0 = performance.now();
  const report = await run();
  const seconds = (performance.now() - t0) / 1000;
  h.disable();
  clearInterval(iv);
  return {
    seconds,
    layers: report.layers.length,
    max_stall_ms: Math.max(0, h.max / 1e6 - 1),
    p99_stall_ms: Math.max(0, h.percentile(99) / 1e6 - 1),
    max_interval_gap_ms: Math.max(0, gap - PERIOD_MS),
    gaps_over_20ms: over20,
  };
}

function tfjsModel(n, count) {
  return {
    layers: Array.from({ length: count }, (_, i) => {
      const kernel = gaussianMatrix(n, n, 'f32', 100 + i).data;
      const w = { shape: [n, n], name: 'kernel', dtype: 'float32', dataSync: () => kernel, data: async () => kernel };
      return { name: `dense_${i}`, getClassName: () => 'Dense', getWeights: () => [w] };
    }),
  };
}

driverMain(async (cfg) => {
  ws.setThreads(cfg.threads);
  await ws.analyze([{ name: 'warmup', W: gaussianMatrix(256, 256, 'f32', 1) }]);
  const arrays = Array.from({ length: cfg.count }, (_, i) => ({ name: `l${i}.weight`, W: gaussianMatrix(cfg.n, cfg.n, 'f32', 10 + i) }));
  const model = tfjsModel(cfg.n, cfg.count);
  return {
    n: cfg.n,
    count: cfg.count,
    file: await measure(() => ws.analyze(cfg.model)),
    arrays: await measure(() => ws.analyze(arrays)),
    tfjs: await measure(() => ws.analyze(model)),
  };
});
