// `npm run bench:model`: whole-model analysis of a generated GPT-2-small-shaped F16 checkpoint, weightscope
// `analyze()` vs a numpy/scipy re-implementation of WeightWatcher's per-layer path. Measures wall time, peak
// RSS and per-layer α agreement; writes bench/model-results.json and its block of bench/README.md.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_DIR, runJson, runNodeDriver, threadEnv } from './lib/child.mjs';
import { MODEL_HELP, parseModelArgs } from './lib/model_args.mjs';
import { hasGnuTime, runMeasured } from './lib/model_child.mjs';
import { compareLayers, compareRanks, evaluateModelGoals, largestLayerMiB, peakMiB } from './lib/model_compare.mjs';
import { buildModelTables, writeModelReadme } from './lib/model_report.mjs';
import { logBusy, runMain } from './lib/readme.mjs';
import { median } from './lib/stats.mjs';
import { renderMarkdown, renderText } from './lib/table.mjs';
import { runGgufPart } from './lib/gguf_bench.mjs';

const t0 = performance.now();
const RESULTS = path.join(BENCH_DIR, 'model-results.json');
const CACHE = path.join(BENCH_DIR, '.cache');
const DRIVERS = path.join(BENCH_DIR, 'drivers');
const log = (msg) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);

/**
 * The configurations: WeightWatcher's default limits (weightscope's defaults: the float64 Gram route, gesdd
 * where its bound cannot certify a layer), maxN raised so the embedding is analysed too, and the default
 * limits with every layer through float32 sgesdd (`method: 'gesdd'`), the reference for the rank columns.
 */
const CONFIGS = [
  { id: 'default', label: 'default limits (maxN 50000, wte skipped)', wsMaxN: null, pyMaxN: '50000' },
  { id: 'embedding', label: 'maxN raised (wte analysed)', wsMaxN: 'Infinity', pyMaxN: 'inf' },
  { id: 'gesdd', label: "default limits, weightscope method 'gesdd' (float32 sgesdd, every layer)", wsMaxN: null, pyMaxN: '50000', wsOptions: { method: 'gesdd' }, reference: true },
];

/** The generated checkpoint, cached under a name that changes with the generator's source. */
async function ensureModel(opts) {
  const gen = path.join(DRIVERS, 'gpt2_like.py');
  const tag = createHash('sha1').update(readFileSync(gen)).digest('hex').slice(0, 8);
  mkdirSync(CACHE, { recursive: true });
  const file = path.join(CACHE, `gpt2-like-b${opts.blocks}-s${opts.seed}-${tag}.safetensors`);
  if (existsSync(file)) return { file, generated: false };
  log(`generating ${path.relative(process.cwd(), file)} (${opts.blocks} blocks, seed ${opts.seed})`);
  const r = await runJson(opts.pythonPath, [gen, '--out', file, '--blocks', String(opts.blocks), '--seed', String(opts.seed)], process.env);
  log(`  ${(r.bytes / 2 ** 20).toFixed(0)} MiB, ${r.tensors} tensors in ${r.seconds.toFixed(1)} s`);
  return { file, generated: true, generation_s: r.seconds };
}

function runWeightscope(file, cfg, threads) {
  const config = { model: file, threads, maxN: cfg.wsMaxN, options: cfg.wsOptions ?? {} };
  return runMeasured(process.execPath, [path.join(DRIVERS, 'ws_model.mjs'), JSON.stringify(config)], threadEnv(threads), CACHE);
}

function runPython(file, cfg, opts) {
  const args = [path.join(DRIVERS, 'ww_python.py'), '--model', file, '--threads', String(opts.threads), '--max-n', cfg.pyMaxN];
  return runMeasured(opts.pythonPath, args, threadEnv(opts.threads), CACHE);
}

const timing = ({ layers, skipped, ...rest }) => rest;

/** Medians over the runs of one side; the layers of its last run, each with its median time over the runs. */
function sideSummary(runs) {
  const last = runs[runs.length - 1];
  const times = (name) => runs.map((r) => r.layers.find((l) => l.name === name)?.seconds).filter((s) => s !== undefined);
  return {
    analysis_s_median: median(runs.map((r) => r.analysis_s)),
    process_wall_s_median: median(runs.map((r) => r.process_wall_s)),
    peak_rss_mib_median: median(runs.map(peakMiB)),
    runs: runs.map(timing),
    layers: last.layers.map((l) => ({ ...l, seconds: median(times(l.name)) })),
    skipped: last.skipped,
  };
}

async function measureConfig(file, cfg, opts) {
  const ws = [];
  const py = [];
  for (let rep = 0; rep < opts.reps; rep++) {
    // Alternate which side goes first, so a drift in machine load hits both alike.
    const order = rep % 2 === 0 ? ['weightscope', 'python'] : ['python', 'weightscope'];
    for (const side of order) {
      const r = side === 'weightscope' ? await runWeightscope(file, cfg, opts.threads) : await runPython(file, cfg, opts);
      (side === 'weightscope' ? ws : py).push(r);
      log(`${cfg.id.padEnd(9)} rep ${rep + 1}/${opts.reps} ${side.padEnd(11)} analysis ${r.analysis_s.toFixed(2)} s, process ${r.process_wall_s.toFixed(2)} s, peak RSS ${peakMiB(r).toFixed(0)} MiB, ${r.layers.length} layers`);
    }
  }
  const out = { id: cfg.id, label: cfg.label, ...(cfg.reference ? { reference: true } : {}), weightscope: sideSummary(ws), python: sideSummary(py) };
  out.largest_layer_mib = largestLayerMiB(out.weightscope);
  out.agreement = compareLayers(out.weightscope, out.python);
  return out;
}

async function main() {
  if (process.argv[2] === 'scale') return (await import('./scale.mjs')).main(process.argv.slice(3)); // issue 17: bench/scale.mjs
  if (process.argv[2] === 'floor') return (await import('./floor.mjs')).main(process.argv.slice(3)); // bench/floor.mjs
  let opts;
  try {
    opts = parseModelArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  if (opts.help) return void process.stdout.write(MODEL_HELP);
  if (opts.report) return finish(JSON.parse(readFileSync(RESULTS, 'utf8')));
  if (!existsSync(path.join(BENCH_DIR, '..', 'dist', 'index.js'))) {
    process.stderr.write('dist/index.js is missing: build it first with `npx tsc -p src/tsconfig.json` (or npm run build:ts)\n');
    process.exit(2);
  }
  if (opts.gguf) {
    const tables = await runGgufPart(BENCH_DIR, opts.reps, log, renderMarkdown);
    process.stdout.write(`\n${tables.map(renderText).join('\n')}\n`);
    if (opts.ggufOnly) return;
  }
  let model;
  try {
    model = await ensureModel(opts);
  } catch (e) {
    process.stderr.write(`cannot generate the model (needs ${opts.pythonPath} with numpy): ${e.message}\n`);
    process.exit(2);
  }
  const results = {
    meta: {
      date: new Date().toISOString(),
      node: process.version,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.availableParallelism(),
      memGiB: Math.round(os.totalmem() / 2 ** 30),
      loadavg_start: os.loadavg(),
      loadavg_samples: [],
      threads: opts.threads,
      reps: opts.reps,
      blocks: opts.blocks,
      seed: opts.seed,
      model: { file: path.relative(BENCH_DIR, model.file), bytes: statSync(model.file).size, generated: model.generated, generation_s: model.generation_s },
      peak_rss_source: hasGnuTime() ? '/usr/bin/time -v (maximum resident set size)' : 'VmHWM of /proc/self/status, read by the child at its end',
    },
    configs: [],
  };
  const sampler = setInterval(() => results.meta.loadavg_samples.push(os.loadavg()[0]), 5000);
  log(`weightscope whole-model bench: ${opts.blocks} blocks, ${opts.reps} run(s) per side, ${opts.threads} BLAS threads`);
  for (const cfg of CONFIGS) {
    if (cfg.id === 'embedding' && !opts.embedding) continue;
    try {
      results.configs.push(await measureConfig(model.file, cfg, opts));
    } catch (e) {
      log(`${cfg.id}: FAILED ${e.message}`);
      results.configs.push({ id: cfg.id, label: cfg.label, error: e.message });
    }
  }
  if (opts.responsiveness) {
    const config = { model: model.file, threads: opts.threads, n: 2048, count: 3 };
    try {
      log('responsiveness: event-loop stalls during analyze() (file, 3 in-memory 2048² matrices, a 3-layer 2048-wide tfjs-shaped model)');
      results.responsiveness = await runNodeDriver('analyze_stall', config, opts.threads);
    } catch (e) {
      log(`responsiveness: FAILED ${e.message}`);
      results.responsiveness = { error: e.message };
    }
  }
  clearInterval(sampler);
  results.meta.loadavg_end = os.loadavg();
  results.meta.duration_s = (performance.now() - t0) / 1000;
  finish(results);
  log(`wrote bench/model-results.json and the model block of bench/README.md (${(results.meta.duration_s / 60).toFixed(1)} min)`);
}

function finish(results) {
  results.rank_check = compareRanks(results.configs.find((c) => c.id === 'default'), results.configs.find((c) => c.id === 'gesdd'));
  results.goals = evaluateModelGoals(results.configs, results.rank_check);
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 1)}\n`);
  const tables = buildModelTables(results);
  writeModelReadme(path.join(BENCH_DIR, 'README.md'), results, tables);
  process.stdout.write(`\n${tables.map(renderText).join('\n')}\n`);
  logBusy(results.meta, log);
}

runMain(main);
