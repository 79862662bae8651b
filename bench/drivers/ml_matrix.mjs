// ml-matrix's SingularValueDecomposition (pure JS, one-sided Golub–Kahan from JAMA), values only.
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { gaussianMatrix } from '../lib/gaussian.mjs';
import { timeTrial, fingerprint } from '../lib/timing.mjs';
import { SMALL_WARMUP } from '../lib/stats.mjs';
import { driverMain } from '../lib/driver_io.mjs';

function toMatrix({ data, shape: [rows, cols] }) {
  const out = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out.set(i, j, data[i * cols + j]);
  return out;
}

const VALUES_ONLY = { computeLeftSingularVectors: false, computeRightSingularVectors: false, autoTranspose: true };

driverMain(async (cfg) => {
  // Same seed as the weightscope drivers: the same matrix (widened to doubles for an f32 input).
  const a = toMatrix(gaussianMatrix(cfg.rows, cfg.cols, cfg.dtype, cfg.seed));
  const small = cfg.warmup === 'small' ? toMatrix(gaussianMatrix(SMALL_WARMUP, SMALL_WARMUP, cfg.dtype, cfg.seed + 1)) : a;
  // The decomposition copies its input, so one Matrix serves every repeat.
  const r = await timeTrial({
    run: () => new SingularValueDecomposition(a, VALUES_ONLY).diagonal,
    warmRun: () => new SingularValueDecomposition(small, VALUES_ONLY).diagonal,
    policy: cfg.policy,
    warmup: cfg.warmup,
  });
  const { last, ...timing } = r;
  return { ...timing, check: fingerprint(last) };
});
