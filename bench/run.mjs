// `npm run bench`: svdvals of weightscope vs numpy/scipy and pure-JS peers, plus accuracy, event-loop,
// threading and batch measurements. Prints the tables, writes bench/results.json and bench/README.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HELP, makePlan, parseArgs } from './lib/args.mjs';
import { BENCH_DIR, runNodeDriver, runPythonDriver } from './lib/child.mjs';
import { PURE_JS, sizeKey } from './lib/competitors.mjs';
import { harnessChecks } from './lib/checks.mjs';
import { evaluateGoals } from './lib/goals.mjs';
import { buildTables } from './lib/report.mjs';
import { logBusy, runMain, writeReadme } from './lib/readme.mjs';
import { warmupKind } from './lib/stats.mjs';
import { fmtMs, renderText } from './lib/table.mjs';

const t0 = performance.now();
const RESULTS = path.join(BENCH_DIR, 'results.json');
const log = (msg) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);

/** Runs one measurement; a failure is recorded (and shown in the checks) instead of ending the run. */
async function attempt(what, fn) {
  try {
    return await fn();
  } catch (e) {
    log(`${what}: FAILED ${e.message}`);
    return { error: e.message };
  }
}

async function pythonInfo(opts) {
  if (!opts.python) return { skipped: '--no-python' };
  try {
    return await runPythonDriver(opts.pythonPath, 'info', {}, opts.threads);
  } catch (e) {
    return { skipped: `${opts.pythonPath} with numpy is not usable: ${e.message}` };
  }
}

async function svdvalsTrials(plan, opts, results) {
  const hasPython = !results.meta.python.skipped;
  const hasScipy = hasPython && results.meta.python.scipy;
  for (const [rows, cols] of plan.sizes) {
    for (const dtype of plan.dtypes) {
      const base = { rows, cols, dtype, seed: plan.seed, threads: opts.threads };
      const trials = [
        ['ws-sync', () => runNodeDriver('weightscope', { ...base, mode: 'sync', policy: plan.policy, warmup: warmupKind(rows, cols) }, opts.threads)],
        ['ws-async', () => runNodeDriver('weightscope', { ...base, mode: 'async', policy: plan.policy, warmup: warmupKind(rows, cols) }, opts.threads)],
        ['ws-gram', () => runNodeDriver('weightscope', { ...base, mode: 'gram', policy: plan.policy, warmup: warmupKind(rows, cols) }, opts.threads)],
      ];
      for (const id of ['numpy', 'scipy-gesdd']) {
        const skip = !hasPython ? results.meta.python.skipped : id === 'scipy-gesdd' && !hasScipy ? 'scipy missing' : null;
        if (skip) results.svdvals.push({ rows, cols, dtype, competitor: id, skipped: skip });
        else
          trials.push([
            id,
            async () => {
              const flags = { sizes: `${rows}x${cols}`, dtype, competitor: id, seed: plan.seed, 'target-ms': plan.policy.targetMs, 'min-reps': plan.policy.minReps, 'max-reps': plan.policy.maxReps };
              const r = await runPythonDriver(opts.pythonPath, 'time', flags, opts.threads);
              return { ...r.results[0], openblas_runtime: r.openblas_runtime };
            },
          ]);
      }
      // Pure-JS peers: f64 only (JS numbers), small sizes only.
      if (dtype === 'f64' && Math.max(rows, cols) <= plan.pureJsMax)
        for (const id of PURE_JS)
          trials.push([id, () => runNodeDriver(id === 'ml-matrix' ? 'ml_matrix' : 'svd_js', { ...base, policy: plan.pureJsPolicy, warmup: Math.max(rows, cols) > 512 ? 'small' : 'full' }, opts.threads)]);
      for (const [id, fn] of trials) {
        const r = await attempt(`${sizeKey([rows, cols])} ${dtype} ${id}`, fn);
        results.svdvals.push({ ...r, rows, cols, dtype, competitor: id });
        if (!r.error) log(`${sizeKey([rows, cols]).padEnd(10)} ${dtype} ${id.padEnd(12)} ${fmtMs(r.median_ms).padStart(9)} (median of ${r.reps})`);
      }
    }
  }
}

async function accuracy(plan, opts, results) {
  const n = plan.accuracyN;
  let illcond = null;
  let note = null;
  if (results.meta.python.skipped) note = `skipped: needs numpy to build it (${results.meta.python.skipped})`;
  else {
    const cache = path.join(BENCH_DIR, '.cache');
    mkdirSync(cache, { recursive: true });
    const prefix = path.join(cache, `illcond-${n}-seed${plan.seed}`);
    if (!existsSync(`${prefix}.f64`) || !existsSync(`${prefix}.sigma.f64`)) {
      log(`building the ill-conditioned ${n}² matrix with numpy (cached in bench/.cache)`);
      const r = await attempt('ill-conditioned matrix', () =>
        runPythonDriver(opts.pythonPath, 'illcond', { n, smin: plan.illcond.smin, smax: plan.illcond.smax, seed: plan.seed, out: prefix }, opts.threads),
      );
      if (r.error) note = `skipped: ${r.error}`;
    }
    if (!note) illcond = { matrix: `${prefix}.f64`, sigma: `${prefix}.sigma.f64`, ...plan.illcond };
  }
  log(`accuracy: Gram route vs gesdd at ${n}² f64`);
  const r = await attempt('accuracy', () => runNodeDriver('accuracy', { n, seed: plan.seed, threads: opts.threads, illcond }, opts.threads));
  results.accuracy = note ? { ...r, illcond_note: note } : r;
}

// Caller-side latencies while jobs queue, and the synchronous part of an async call (its input copy),
// with the buffer pool and without it (WEIGHTSCOPE_POOL_MB=0: a fresh mapping every call, as before it).
async function responsiveness(plan, opts, results) {
  const r = plan.responsiveness;
  log(`responsiveness: fs.readFile and svdvalsSync 64² while 1 × ${r.nLarge}² + 8 × ${r.nSmall}² async jobs queue (${r.trials} trials)`);
  const mixed = await attempt('responsiveness', () => runNodeDriver('responsiveness', { mode: 'mixed', ...r, seed: plan.seed, threads: opts.threads }, opts.threads));
  const snap = {};
  for (const [label, pool] of [['pooled', undefined], ['unpooled', '0']]) {
    log(`input copy of a ${r.snapshotN}² f64 async call (${label})`);
    snap[label] = await attempt('snapshot', () =>
      runNodeDriver('responsiveness', { mode: 'snapshot', n: r.snapshotN, reps: r.snapshotReps, seed: plan.seed, threads: opts.threads }, opts.threads, pool === undefined ? {} : { WEIGHTSCOPE_POOL_MB: pool }),
    );
  }
  results.responsiveness = { mixed, snapshot: snap };
}

async function extras(plan, opts, results, want) {
  if (want('accuracy')) await accuracy(plan, opts, results);
  if (want('responsiveness')) await responsiveness(plan, opts, results);
  if (want('eventloop')) results.event_loop = [];
  for (const n of want('eventloop') ? plan.eventLoopSizes : []) {
    log(`event-loop lag during svdvals ${n}² f64`);
    results.event_loop.push({ n, dtype: 'f64', ...(await attempt('event loop', () => runNodeDriver('event_loop', { n, dtype: 'f64', seed: plan.seed, threads: opts.threads, idleMs: 500 }, opts.threads))) });
  }
  if (want('threading')) results.threading = [];
  for (const { n, reps } of want('threading') ? plan.threadingSizes : []) {
    log(`threading: 4 × svdvals ${n}² f64, concurrent vs sequential`);
    results.threading.push({ n, dtype: 'f64', ...(await attempt('threading', () => runNodeDriver('threading', { n, reps, count: 4, dtype: 'f64', seed: plan.seed, threads: opts.threads }, opts.threads))) });
  }
  if (want('batch')) results.batch = [];
  for (const dtype of want('batch') ? ['f64', 'f32'] : []) {
    log(`svdvalsBatch ${plan.batch.count} × ${plan.batch.n}² ${dtype}`);
    const cfg = { count: plan.batch.count, n: plan.batch.n, dtype, seed: plan.seed, threads: opts.threads, policy: plan.batch.policy };
    results.batch.push({ count: cfg.count, n: cfg.n, dtype, ...(await attempt('batch', () => runNodeDriver('batch', cfg, opts.threads))) });
  }
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  if (opts.help) {
    process.stdout.write(HELP);
    return;
  }
  if (opts.report) {
    finish(JSON.parse(readFileSync(RESULTS, 'utf8')));
    return;
  }
  if (!existsSync(path.join(BENCH_DIR, '..', 'dist', 'index.js'))) {
    process.stderr.write('dist/index.js is missing: build it first with `npx tsc -p src/tsconfig.json` (or npm run build:ts)\n');
    process.exit(2);
  }
  const plan = makePlan(opts);
  const want = (part) => !opts.only || opts.only.includes(part);
  // --only: start from the last run's results and replace just the parts measured now
  const previous = opts.only && existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : null;
  const results = {
    ...(previous ?? {}),
    meta: {
      date: new Date().toISOString(),
      quick: opts.quick,
      node: process.version,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.availableParallelism(),
      memGiB: Math.round(os.totalmem() / 2 ** 30),
      loadavg_start: os.loadavg(),
      loadavg_samples: [],
      threads: opts.threads,
      plan,
    },
    svdvals: previous?.svdvals ?? [],
    event_loop: previous?.event_loop ?? [],
    threading: previous?.threading ?? [],
    batch: previous?.batch ?? [],
  };
  if (previous) results.meta.plan = { ...previous.meta.plan, ...plan, sizes: want('svdvals') ? plan.sizes : previous.meta.plan.sizes };
  if (opts.only) results.meta.only = { parts: opts.only, earlier_run: previous?.meta.only?.earlier_run ?? previous?.meta.date ?? null };
  // Other work on the machine shows as load above what the bench itself adds (at most `threads`).
  const sampler = setInterval(() => results.meta.loadavg_samples.push(os.loadavg()[0]), 5000);
  log(`weightscope bench (${opts.quick ? 'quick' : 'full'}), ${opts.threads} BLAS threads per competitor`);
  results.meta.weightscope = await runNodeDriver('weightscope', { mode: 'info', threads: opts.threads }, opts.threads);
  results.meta.python = await pythonInfo(opts);
  if (results.meta.python.skipped) log(`numpy/scipy skipped: ${results.meta.python.skipped}`);
  if (want('svdvals')) {
    results.svdvals = [];
    await svdvalsTrials(plan, opts, results);
  }
  await extras(plan, opts, results, want);
  clearInterval(sampler);
  results.meta.loadavg_end = os.loadavg();
  results.meta.duration_s = (performance.now() - t0) / 1000;
  finish(results);
  log(`wrote bench/results.json and bench/README.md (${(results.meta.duration_s / 60).toFixed(1)} min)`);
}

/** Derived parts (checks, goals) are recomputed from the measurements, then everything is written out. */
function finish(results) {
  results.checks = harnessChecks(results);
  results.goals = evaluateGoals(results);
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 1)}\n`);
  const tables = buildTables(results);
  writeReadme(path.join(BENCH_DIR, 'README.md'), results, tables);
  process.stdout.write(`\n${tables.map(renderText).join('\n')}\n`);
  logBusy(results.meta, log);
}

runMain(main);
