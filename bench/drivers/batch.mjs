// svdvalsBatch of many small matrices vs a loop of svdvalsSync over the same matrices.
import * as ws from '../../dist/index.js';
import { gaussianMatrix } from '../lib/gaussian.mjs';
import { timeTrial } from '../lib/timing.mjs';
import { driverMain } from '../lib/driver_io.mjs';

driverMain(async (cfg) => {
  ws.setThreads(cfg.threads);
  const ms = Array.from({ length: cfg.count }, (_, i) => gaussianMatrix(cfg.n, cfg.n, cfg.dtype, cfg.seed + i));
  const loop = () => ms.map((m) => ws.svdvalsSync(m));
  const batch = () => ws.svdvalsBatch(ms);
  const tLoop = await timeTrial({ run: loop, warmRun: loop, policy: cfg.policy, warmup: 'full' });
  const tBatch = await timeTrial({ run: batch, warmRun: batch, policy: cfg.policy, warmup: 'full' });
  let maxDiff = 0;
  tBatch.last.forEach((s, i) => s.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - tLoop.last[i][j]) / tLoop.last[i][0]))));
  const { last: _a, ...loopTiming } = tLoop;
  const { last: _b, ...batchTiming } = tBatch;
  return {
    count: cfg.count,
    n: cfg.n,
    dtype: cfg.dtype,
    threads: ws.getThreads(),
    loop_sync: loopTiming,
    batch_async: batchTiming,
    speedup: loopTiming.median_ms / batchTiming.median_ms,
    max_rel_diff: maxDiff,
  };
});
