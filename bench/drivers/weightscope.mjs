// weightscope svdvals, one trial per process: mode 'sync' (svdvalsSync), 'async' (svdvals) or
// 'gram' (svdvals with method 'gram'); mode 'info' reports the backend.
import * as ws from '../../dist/index.js';
import { gaussianMatrix } from '../lib/gaussian.mjs';
import { timeTrial, fingerprint } from '../lib/timing.mjs';
import { SMALL_WARMUP } from '../lib/stats.mjs';
import { driverMain } from '../lib/driver_io.mjs';

function call(mode, m) {
  if (mode === 'sync') return ws.svdvalsSync(m);
  if (mode === 'async') return ws.svdvals(m);
  if (mode === 'gram') return ws.svdvals(m, { method: 'gram' });
  throw new Error(`unknown mode ${mode}`);
}

driverMain(async (cfg) => {
  ws.setThreads(cfg.threads);
  if (cfg.mode === 'info') return { backends: ws.backends(), threads: ws.getThreads() };
  const m = gaussianMatrix(cfg.rows, cfg.cols, cfg.dtype, cfg.seed);
  const small = cfg.warmup === 'small' ? gaussianMatrix(SMALL_WARMUP, SMALL_WARMUP, cfg.dtype, cfg.seed + 1) : m;
  const r = await timeTrial({
    run: () => call(cfg.mode, m),
    warmRun: () => call(cfg.mode, small),
    policy: cfg.policy,
    warmup: cfg.warmup,
  });
  const { last, ...timing } = r;
  return { ...timing, check: fingerprint(last), threads: ws.getThreads() };
});
