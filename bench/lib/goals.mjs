// The performance goals from the "Native LAPACK core" issue, evaluated on one run's results.
import { medianOf } from './competitors.mjs';
import { fmtMs, fmtRatio } from './table.mjs';

const ratio = (a, b) => (a !== undefined && b !== undefined ? a / b : undefined);

function goal(name, target, value, pass, detail) {
  return { goal: name, target, measured: value === undefined ? 'not measured' : detail, pass: value === undefined ? null : pass(value), value };
}

export function evaluateGoals(results) {
  const m = (n, c, dtype, id) => medianOf(results, n, c, dtype, id);
  const out = [];
  const r2048 = ratio(m(2048, 2048, 'f64', 'ws-async'), m(2048, 2048, 'f64', 'scipy-gesdd'));
  out.push(goal('f64 svdvals 2048² vs scipy gesdd (same threads)', 'time ≤ 1.05 × scipy', r2048, (v) => v <= 1.05, `${fmtRatio(r2048)} scipy's time`));
  const g4096 = ratio(m(4096, 4096, 'f64', 'numpy'), m(4096, 4096, 'f64', 'ws-gram'));
  out.push(goal('Gram route 4096² f64 vs numpy svd', '≥ 2.5× faster', g4096, (v) => v >= 2.5, `${fmtRatio(g4096)} faster`));
  const ml64 = ratio(m(1024, 1024, 'f64', 'ml-matrix'), m(1024, 1024, 'f64', 'ws-async'));
  out.push(goal('gesdd f64 1024² vs ml-matrix', '≥ 20× faster', ml64, (v) => v >= 20, `${fmtRatio(ml64)} faster`));
  const ml32 = ratio(m(1024, 1024, 'f32', 'ml-matrix'), m(1024, 1024, 'f32', 'ws-gram'));
  out.push(goal('Gram route f32 1024² vs ml-matrix', '≥ 60× faster', ml32, (v) => v >= 60, `${fmtRatio(ml32)} faster`));
  for (const t of results.threading ?? []) {
    if (t.error) continue;
    const r = t.concurrent_ms / t.sequential_ms;
    out.push(goal(`4 concurrent async svdvals ${t.n}² ${t.dtype} vs one after another`, 'concurrent ≤ 1.05 × sequential', r, (v) => v <= 1.05, `${fmtRatio(r)} sequential's time`));
  }
  const mx = results.responsiveness?.mixed;
  if (mx && !mx.error) {
    const q = `while 1 × ${mx.nLarge}² + 8 × ${mx.nSmall}² async jobs queue`;
    out.push(goal(`fs.readFile of a tiny file ${q}`, '≤ 20 ms (worst of the trials)', mx.readfile_ms.max, (v) => v <= 20, `${fmtMs(mx.readfile_ms.max)} worst, ${fmtMs(mx.readfile_ms.median)} median`));
    out.push(goal(`svdvalsSync 64² during a large async job (${mx.sync_during_large}/${mx.trials} trials had it running)`, '≤ 20 ms (worst)', mx.sync64_ms.max, (v) => v <= 20 && mx.sync_during_large > 0, `${fmtMs(mx.sync64_ms.max)} worst, ${fmtMs(mx.sync64_ms.median)} median`));
    out.push(goal(`largest event-loop stall ${q}`, '≤ 20 ms', mx.max_stall_ms, (v) => v <= 20, fmtMs(mx.max_stall_ms)));
  }
  return out;
}
