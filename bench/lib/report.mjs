// The run's tables (times, ratios, goals, accuracy, event loop, threading, batch), built once from
// results.json and rendered as text (terminal) or markdown (bench/README.md).
import { COMPETITORS, PURE_JS, medianOf, sizeKey } from './competitors.mjs';
import { fmtMs, fmtRatio, fmtSci } from './table.mjs';

function sizeRows(results) {
  const rows = [];
  for (const [r, c] of results.meta.plan.sizes) for (const dtype of results.meta.plan.dtypes) rows.push([r, c, dtype]);
  return rows;
}

function timesTable(results) {
  return {
    title: 'svdvals: median wall time',
    headers: ['size', 'dtype', ...COMPETITORS.map((c) => c.short)],
    rows: sizeRows(results).map(([r, c, dtype]) => [
      sizeKey([r, c]),
      dtype,
      ...COMPETITORS.map(({ id }) => {
        const t = medianOf(results, r, c, dtype, id);
        return t === undefined ? '—' : `${fmtMs(t)}${PURE_JS.has(id) && dtype === 'f32' ? ' †' : ''}`;
      }),
    ]),
    notes: [
      ...COMPETITORS.map((c) => `${c.short}: ${c.label}`),
      `† pure-JS peers compute in f64 (JS numbers) and are timed once per size; the f32 row repeats the f64 time. They run up to ${results.meta.plan.pureJsMax}² only.`,
      '— : not measured (size above a peer\'s limit, python skipped, or the trial failed: see checks).',
    ],
  };
}

function ratioTable(results) {
  const cols = [
    ['numpy', 'ws-async', 'numpy / ws'],
    ['scipy-gesdd', 'ws-async', 'scipy / ws'],
    ['numpy', 'ws-gram', 'numpy / ws gram'],
    ['ml-matrix', 'ws-async', 'ml-matrix / ws'],
    ['ml-matrix', 'ws-gram', 'ml-matrix / ws gram'],
    ['svd-js', 'ws-async', 'svd-js / ws'],
    ['ws-sync', 'ws-async', 'sync / async'],
  ];
  return {
    title: 'svdvals: speed ratios (competitor time / weightscope time; > 1 means weightscope is faster)',
    headers: ['size', 'dtype', ...cols.map((c) => c[2])],
    rows: sizeRows(results).map(([r, c, dtype]) => [
      sizeKey([r, c]),
      dtype,
      ...cols.map(([a, b]) => {
        const ta = medianOf(results, r, c, dtype, a);
        const tb = medianOf(results, r, c, dtype, b);
        return ta !== undefined && tb !== undefined ? fmtRatio(ta / tb) : '—';
      }),
    ]),
    notes: ['ws = await svdvals(m) (gesdd); ws gram = await svdvals(m, {method: \'gram\'}).'],
  };
}

function goalsTable(results) {
  return {
    title: 'Goals',
    headers: ['goal', 'target', 'measured', 'result'],
    rows: results.goals.map((g) => [g.goal, g.target, g.measured, g.pass === null ? 'n/a' : g.pass ? 'PASS' : 'FAIL']),
  };
}

function accuracyTables(results) {
  const a = results.accuracy;
  if (!a || a.error) return [{ title: 'Gram route accuracy', headers: ['note'], rows: [[a?.error ?? 'not measured']] }];
  const err = (e) => [fmtSci(e.max_abs_over_sigma_max), fmtSci(e.median_rel_err), fmtSci(e.max_rel_err_smallest_10pct), fmtSci(e.rel_err_sigma_min)];
  const headers = ['matrix', 'compared', 'max|Δσ|/σmax', 'median rel err', 'max rel err, smallest 10%', 'rel err σmin'];
  const rows = [[`Gaussian ${a.n}² f64 (σmin ${fmtSci(a.gaussian.sigma_min)}, σmax ${a.gaussian.sigma_max.toFixed(1)})`, 'gram vs gesdd', ...err(a.gaussian.gram_vs_gesdd)]];
  const tables = [];
  if (a.illcond) {
    const name = `ill-conditioned ${a.n}² f64 (σ = logspace ${a.illcond.smax}..${a.illcond.smin})`;
    rows.push([name, 'gesdd vs exact σ', ...err(a.illcond.gesdd_vs_exact)]);
    rows.push([name, 'gram vs exact σ', ...err(a.illcond.gram_vs_exact)]);
    rows.push([name, 'gram vs gesdd', ...err(a.illcond.gram_vs_gesdd)]);
    tables.push({
      title: `Ill-conditioned ${a.n}² f64: relative error by decade of σ`,
      headers: ['σ (exact)', 'gesdd rel err', 'gram rel err'],
      rows: a.illcond.by_decade.map((d) => [fmtSci(d.sigma), fmtSci(d.gesdd_rel_err), fmtSci(d.gram_rel_err)]),
      notes: ['The Gram route squares the condition number: σ below ~√eps·σmax (≈1.5e-8·σmax in f64) are lost to rounding.'],
    });
  } else {
    rows.push(['ill-conditioned', '—', a.illcond_note ?? 'skipped', '', '', '']);
  }
  return [{ title: 'Gram route accuracy (f64)', headers, rows, notes: ['"exact σ" are the singular values the matrix was built with (U diag(σ) Vᵀ, Haar U, V; numpy).'] }, ...tables];
}

function eventLoopTable(results) {
  return {
    title: 'Event-loop lag while one async svdvals runs (monitorEventLoopDelay, 1 ms resolution)',
    headers: ['size', 'svdvals time', 'lag p50', 'lag p99', 'lag max', 'idle p99', 'idle max'],
    rows: (results.event_loop ?? []).map((e) =>
      e.error
        ? [`${e.n}²`, e.error, '', '', '', '', '']
        : [`${e.n}² ${e.dtype}`, fmtMs(e.during_svdvals.duration_ms), fmtMs(e.during_svdvals.p50_ms), fmtMs(e.during_svdvals.p99_ms), fmtMs(e.during_svdvals.max_ms), fmtMs(e.idle.p99_ms), fmtMs(e.idle.max_ms)],
    ),
    notes: ['lag = timer delay beyond the 1 ms period; "idle" is the same process waiting on a timer just before. svdvalsSync would block the loop for the whole svdvals time.'],
  };
}

function responsivenessTables(results) {
  const r = results.responsiveness;
  if (!r) return [];
  const mx = r.mixed;
  const rows = mx?.error
    ? [[mx.error, '', '', '']]
    : [
        ['fs.readFile (tiny file)', fmtMs(mx.readfile_ms.median), fmtMs(mx.readfile_ms.max), `${mx.queued_at_read}+ jobs still queued when it returned`],
        ['svdvalsSync 64²', fmtMs(mx.sync64_ms.median), fmtMs(mx.sync64_ms.max), `the large job was running in ${mx.sync_during_large}/${mx.trials} trials`],
        ['submitting the 9 async calls (their input copies)', fmtMs(mx.submit_ms.median), fmtMs(mx.submit_ms.max), 'synchronous part, on the event loop'],
        ['largest event-loop stall', '', fmtMs(mx.max_stall_ms), 'monitorEventLoopDelay over all trials, the sync call excluded'],
      ];
  const snapRow = (label, s) => (s?.error ? [label, s.error, '', ''] : [label, fmtMs(s.cold_ms), fmtMs(s.warm_ms), s.pool_limit ? `pool bound ${(s.pool_limit / 2 ** 20).toFixed(0)} MiB` : 'pool off (WEIGHTSCOPE_POOL_MB=0): a fresh mapping per call']);
  const n = results.meta.plan.responsiveness?.snapshotN;
  return [
    {
      title: `Caller side while 1 × ${mx?.nLarge}² and 8 × ${mx?.nSmall}² async svdvals are in flight (${mx?.trials} trials)`,
      headers: ['what', 'median', 'worst', 'note'],
      rows,
      notes: ['The jobs wait in the native scheduler\'s queue holding no libuv thread, so fs calls are not queued behind them; a sync call runs at once on the caller\'s thread.'],
    },
    {
      title: `The synchronous part of an async call on a ${n}² float64 input (${((n * n * 8) / 2 ** 20).toFixed(0)} MiB): its input copy`,
      headers: ['buffers', 'first call', 'later calls (median)', 'note'],
      rows: [snapRow('pooled (default)', r.snapshot?.pooled), snapRow('unpooled', r.snapshot?.unpooled)],
      notes: ['Later calls of the same shape copy into warm pages from the pool; without it every copy page-faults a fresh mapping (the first call always does).'],
    },
  ];
}

function threadingTable(results) {
  return {
    title: 'Threading policy: 4 async svdvals at once vs one after another (f64)',
    headers: ['size', 'scheduler mode', 'concurrent', 'sequential', 'concurrent / sequential'],
    rows: (results.threading ?? []).map((t) =>
      t.error ? [`${t.n}²`, t.error, '', '', ''] : [`${t.n}²`, t.scheduler_mode, fmtMs(t.concurrent_ms), fmtMs(t.sequential_ms), fmtRatio(t.concurrent_ms / t.sequential_ms)],
    ),
    notes: [`Large-job threshold: rows·cols·min(rows, cols) > ${results.threading?.find((t) => !t.error)?.large_job_flops ?? '?'} flops runs alone with all threads.`],
  };
}

function batchTable(results) {
  return {
    title: 'svdvalsBatch vs a loop of svdvalsSync',
    headers: ['matrices', 'dtype', 'loop of svdvalsSync', 'await svdvalsBatch', 'speed-up', 'max rel diff'],
    rows: (results.batch ?? []).map((b) =>
      b.error ? [b.count, b.dtype, b.error, '', '', ''] : [`${b.count} × ${b.n}²`, b.dtype, fmtMs(b.loop_sync.median_ms), fmtMs(b.batch_async.median_ms), fmtRatio(b.speedup), fmtSci(b.max_rel_diff)],
    ),
  };
}

function checksTable(results) {
  const failed = results.checks.filter((c) => !c.ok);
  return {
    title: `Harness checks: ${results.checks.length - failed.length}/${results.checks.length} passed`,
    headers: ['failed check', 'detail'],
    rows: failed.map((c) => [c.name, c.detail]),
    notes: failed.length ? [] : ['Every competitor returned the expected number of values, σmax near the Gaussian edge √rows+√cols, and the same values as svdvalsSync on the same matrix (JS peers, sync/async/gram).'],
  };
}

export function buildTables(results) {
  return [timesTable(results), ratioTable(results), goalsTable(results), ...accuracyTables(results), eventLoopTable(results), ...responsivenessTables(results), threadingTable(results), batchTable(results), checksTable(results)];
}
