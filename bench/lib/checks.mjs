// Sanity checks on the harness itself: the competitors computed singular values of the matrices
// they were meant to (same seed -> same values; Gaussian -> sigma_max near sqrt(rows) + sqrt(cols)).
import { PURE_JS, sizeKey } from './competitors.mjs';

const relDiff = (a, b) => Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE);

export function harnessChecks(results) {
  const checks = [];
  const add = (name, ok, detail) => checks.push({ name, ok, detail });
  const byKey = new Map();
  for (const e of results.svdvals) if (!e.error && !e.skipped) byKey.set(`${e.rows}x${e.cols}/${e.dtype}/${e.competitor}`, e);
  const get = (e, dtype, id) => byKey.get(`${e.rows}x${e.cols}/${dtype}/${id}`);
  for (const e of byKey.values()) {
    const where = `${sizeKey([e.rows, e.cols])} ${e.dtype} ${e.competitor}`;
    const mp = Math.sqrt(e.rows) + Math.sqrt(e.cols);
    if (e.check.count !== Math.min(e.rows, e.cols)) add(`${where}: value count`, false, `${e.check.count} values`);
    const dev = relDiff(e.check.sigma_max, mp);
    add(`${where}: σmax vs √rows+√cols`, dev < 0.1, `σmax ${e.check.sigma_max.toFixed(2)}, edge ${mp.toFixed(2)}`);
    const tol = e.dtype === 'f32' ? 1e-4 : 1e-9;
    // Same seed and generator: the same matrix as weightscope's sync trial.
    const ref = get(e, e.dtype, 'ws-sync');
    if (ref && e.competitor !== 'ws-sync' && (e.competitor.startsWith('ws-') || PURE_JS.has(e.competitor))) {
      const tolHere = e.competitor === 'ws-gram' ? tol * 100 : tol;
      const d = Math.max(relDiff(e.check.sigma_max, ref.check.sigma_max), relDiff(e.check.sigma_sum, ref.check.sigma_sum));
      add(`${where}: same values as ws sync`, d < tolHere, `rel diff ${d.toExponential(1)} (tol ${tolHere.toExponential(0)})`);
    }
  }
  for (const e of results.svdvals) if (e.error) add(`${sizeKey([e.rows, e.cols])} ${e.dtype} ${e.competitor}: ran`, false, e.error);
  for (const b of results.batch ?? []) if (!b.error) add(`svdvalsBatch ${b.dtype} = loop of svdvalsSync`, b.max_rel_diff < (b.dtype === 'f32' ? 1e-5 : 1e-12), `max rel diff ${b.max_rel_diff.toExponential(1)}`);
  return checks;
}

