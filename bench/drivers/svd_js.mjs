// svd-js's SVD (pure JS, Golub–Reinsch), values only (withu = withv = false).
import { SVD } from 'svd-js';
import { gaussianMatrix } from '../lib/gaussian.mjs';
import { timeTrial, fingerprint } from '../lib/timing.mjs';
import { SMALL_WARMUP } from '../lib/stats.mjs';
import { driverMain } from '../lib/driver_io.mjs';

/** number[][] with rows >= cols, as svd-js requires (transposing keeps the singular values). */
function toRows({ data, shape: [rows, cols] }) {
  const tall = rows >= cols;
  const [r, c] = tall ? [rows, cols] : [cols, rows];
  const out = [];
  for (let i = 0; i < r; i++) {
    const row = new Array(c);
    for (let j = 0; j < c; j++) row[j] = tall ? data[i * cols + j] : data[j * cols + i];
    out.push(row);
  }
  return out;
}

driverMain(async (cfg) => {
  const a = toRows(gaussianMatrix(cfg.rows, cfg.cols, cfg.dtype, cfg.seed));
  const small = cfg.warmup === 'small' ? toRows(gaussianMatrix(SMALL_WARMUP, SMALL_WARMUP, cfg.dtype, cfg.seed + 1)) : a;
  // svd-js copies `a` into its working storage u, so `a` is intact across repeats.
  const r = await timeTrial({
    run: () => SVD(a, false, false).q,
    warmRun: () => SVD(small, false, false).q,
    policy: cfg.policy,
    warmup: cfg.warmup,
  });
  const { last, ...timing } = r;
  return { ...timing, check: fingerprint(last) };
});
