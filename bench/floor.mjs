// `npm run bench:model -- floor [options]` (issue "never block the caller…", whole-model speed): analyze()
// through the Gram route (method 'gram', precision 'float64') on GPT-2-shaped F16 checkpoints of growing
// size, against the LAPACK floor measured in the same run (drivers/ws_floor.mjs: one ?syrk + ?syevd per
// analysed layer on data already in memory, nothing else) and, with --python, against the numpy/scipy
// WeightWatcher path (drivers/ww_python.py). Every layer is analysed, the embedding too (maxN raised on
// both sides). Writes bench/floor-results.json and its block of bench/README.md.
//
//   shapes: gpt2-4 (4 blocks of width 768: the issue's GPT-2-small-shaped file), gpt2 (12 blocks + the
//   50257-row embedding: a full GPT-2 small), 1b (16 blocks of width 2048 + a 50257×2048 embedding).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_DIR, runJson, threadEnv } from './lib/child.mjs';
import { runMeasured } from './lib/model_child.mjs';
import { compareLayers, peakMiB } from './lib/model_compare.mjs';
import { renderMarkdown, renderText } from './lib/table.mjs';

const CACHE = path.join(BENCH_DIR, '.cache');
const DRIVERS = path.join(BENCH_DIR, 'drivers');
const RESULTS = path.join(BENCH_DIR, 'floor-results.json');
const BEGIN = '<!-- BEGIN FLOOR BENCH -->';
const END = '<!-- END FLOOR BENCH -->';
const t0 = performance.now();
const log = (m) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${m}\n`);

const SHAPES = {
  'gpt2-4': { blocks: 4, width: 768, label: 'GPT-2-small-shaped, 4 blocks + wte' },
  gpt2: { blocks: 12, width: 768, label: 'GPT-2 small, 12 blocks + wte (50257×768)' },
  '1b': { blocks: 16, width: 2048, label: '1B-shaped, 16 blocks of width 2048 + wte (50257×2048)' },
};
const OPTIONS = { method: 'gram', precision: 'float64' };

const HELP = `usage: npm run bench:model -- floor [--shapes gpt2-4,gpt2,1b] [--reps R] [--threads T] [--python] [--report]

  --shapes   which checkpoints (default all three: ${Object.keys(SHAPES).join(', ')}); the rows of the
             others are kept from bench/floor-results.json
  --reps     analyze() runs per shape (the table shows the fastest; default 1)
  --python   also run the numpy/scipy WeightWatcher path on each (slow: minutes on the 1b shape)
  --report   re-render bench/README.md's block from bench/floor-results.json
`;

function parseArgs(argv) {
  const o = { shapes: Object.keys(SHAPES), reps: 1, threads: os.availableParallelism(), python: false, report: false, pythonPath: 'python3' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i] ?? '';
    if (a === '--shapes') o.shapes = v().split(',');
    else if (a === '--reps') o.reps = Math.max(1, Number(v()) | 0);
    else if (a === '--threads') o.threads = Math.max(1, Number(v()) | 0);
    else if (a === '--python') o.python = true;
    else if (a === '--python-path') o.pythonPath = v();
    else if (a === '--report') o.report = true;
    else if (a === '--help' || a === '-h') o.help = true;
    else throw new Error(`unknown option ${a}\n\n${HELP}`);
  }
  for (const s of o.shapes) if (!SHAPES[s]) throw new Error(`unknown shape '${s}' (known: ${Object.keys(SHAPES).join(', ')})`);
  return o;
}

async function ensureModel(shape, python) {
  const gen = path.join(DRIVERS, 'gpt2_like.py');
  const tag = createHash('sha1').update(readFileSync(gen)).digest('hex').slice(0, 8);
  mkdirSync(CACHE, { recursive: true });
  const file = path.join(CACHE, `gpt2-like-b${shape.blocks}-w${shape.width}-s2024-${tag}.safetensors`);
  if (existsSync(file)) return file;
  log(`generating ${path.relative(process.cwd(), file)}`);
  await runJson(python, [gen, '--out', file, '--blocks', String(shape.blocks), '--width', String(shape.width), '--seed', '2024'], process.env);
  return file;
}

async function measureShape(id, opts) {
  const shape = SHAPES[id];
  const file = await ensureModel(shape, opts.pythonPath);
  const env = threadEnv(opts.threads);
  const floor = await runJson(process.execPath, [path.join(DRIVERS, 'ws_floor.mjs'), JSON.stringify({ model: file, threads: opts.threads, maxN: 'Infinity' })], env);
  log(`${id}: floor ${floor.floor_s.toFixed(2)} s (side by side ${floor.floor_shared_s.toFixed(2)} s) over ${floor.layers.length} layers`);
  const ws = [];
  for (let r = 0; r < opts.reps; r++) {
    const cfg = { model: file, threads: opts.threads, maxN: 'Infinity', options: OPTIONS };
    const run = await runMeasured(process.execPath, [path.join(DRIVERS, 'ws_model.mjs'), JSON.stringify(cfg)], env, CACHE);
    log(`${id}: weightscope analysis ${run.analysis_s.toFixed(2)} s, peak RSS ${peakMiB(run).toFixed(0)} MiB`);
    ws.push(run);
  }
  const best = ws.reduce((a, b) => (b.analysis_s < a.analysis_s ? b : a));
  let py = null;
  if (opts.python) {
    py = await runMeasured(opts.pythonPath, [path.join(DRIVERS, 'ww_python.py'), '--model', file, '--threads', String(opts.threads), '--max-n', 'inf'], env, CACHE);
    log(`${id}: python analysis ${py.analysis_s.toFixed(2)} s`);
  }
  const n2m = floor.layers.reduce((a, l) => a + l.n2m, 0);
  return {
    id,
    label: shape.label,
    bytes: statSync(file).size,
    layers: floor.layers.length,
    sum_n2m: n2m,
    floor_s: floor.floor_s,
    floor_shared_s: floor.floor_shared_s ?? null,
    slots: floor.slots ?? null,
    read_f64_s: floor.read_f64_s,
    ws_analysis_s: ws.map((r) => r.analysis_s),
    ws_best_s: best.analysis_s,
    ws_peak_rss_mib: peakMiB(best),
    ws_layers: best.layers.length,
    python_analysis_s: py ? py.analysis_s : null,
    python_peak_rss_mib: py ? peakMiB(py) : null,
    agreement: py ? compareLayers({ layers: best.layers }, { layers: py.layers }) : null,
    floor_layers: floor.layers,
  };
}

const f2 = (x) => (x === null || x === undefined ? '—' : x.toFixed(2));

function tables(res) {
  const rows = res.shapes.map((s) => [
    s.label,
    String(s.ws_layers),
    (s.sum_n2m / 1e9).toFixed(1),
    `${f2(s.ws_best_s)} s`,
    `${f2(s.floor_s)} s`,
    `${(s.ws_best_s / s.floor_s).toFixed(2)}×`,
    s.floor_shared_s ? `${f2(s.floor_shared_s)} s` : '—',
    s.floor_shared_s ? `${(s.ws_best_s / s.floor_shared_s).toFixed(2)}×` : '—',
    (s.ws_best_s / (s.sum_n2m / 1e9)).toFixed(3),
    (s.floor_s / (s.sum_n2m / 1e9)).toFixed(3),
    s.python_analysis_s === null ? '—' : `${f2(s.python_analysis_s)} s`,
    s.python_analysis_s === null ? '—' : `${(s.python_analysis_s / s.ws_best_s).toFixed(2)}×`,
    s.agreement ? s.agreement.max_abs_d_alpha.toExponential(1) : '—',
    `${s.ws_peak_rss_mib.toFixed(0)} MiB`,
  ]);
  return [
    {
      title: "analyze() through the Gram route (method 'gram', precision 'float64', every layer) vs the syrk + syevd floor",
      headers: ['checkpoint', 'layers', 'Σ n²m (1e9)', 'ws analysis', 'floor', 'ws / floor', 'floor side by side', 'ws / side-by-side floor', 'ws s per 1e9 n²m', 'floor s per 1e9 n²m', 'python', 'python / ws', 'max |Δα| vs python', 'ws peak RSS'],
      rows,
      notes: [
        'floor: Σ over the analysed layers of one gramEigvalshSync (?dsyrk + ?dsyevd) on the layer already in memory as float64, same threads, same run (drivers/ws_floor.mjs). floor side by side: the same calls grouped one layer per scheduler slot, each group at once on one BLAS thread per layer, as analyze() runs its layers by default (Σ of the groups\' wall times; a group waits for its slowest layer, so a group holding the large embedding, which runs on one thread there, is above what analyze()\'s lanes do: the other lane goes on with the next layers meanwhile). ws analysis: `await analyze(file, { method: \'gram\', precision: \'float64\', maxN: Infinity })` from opening the file to the last metric (read, F16 widening, Gram, power-law fit, MP fit, norms, rank metrics), the fastest of the runs. Time per Σ n²m constant across the rows = linear in Σ n²m.',
      ],
    },
  ];
}

function writeReadme(res, tbls) {
  const m = res.meta;
  const text = [
    BEGIN,
    '',
    `Run ${m.date} on ${m.cpu} × ${m.cores} (BLAS threads ${m.threads}; 1-min load ${m.loadavg_start[0].toFixed(2)} at start, ${m.loadavg_end[0].toFixed(2)} at end). Raw numbers: [floor-results.json](floor-results.json).${m.kept ? ` The rows of ${m.kept.join(', ')} are kept from the previous run.` : ''}`,
    '',
    ...tbls.map(renderMarkdown),
    END,
  ].join('\n');
  const file = path.join(BENCH_DIR, 'README.md');
  let readme = readFileSync(file, 'utf8');
  const b = readme.indexOf(BEGIN);
  const e = readme.indexOf(END);
  readme = b >= 0 && e > b ? readme.slice(0, b) + text + readme.slice(e + END.length) : `${readme.trimEnd()}\n\n## Against the LAPACK floor (\`npm run bench:model -- floor\`)\n\n${text}\n`;
  writeFileSync(file, readme);
}

export async function main(argv) {
  const opts = parseArgs(argv);
  if (opts.help) return void process.stdout.write(HELP);
  let res;
  if (opts.report) res = JSON.parse(readFileSync(RESULTS, 'utf8'));
  else {
    res = { meta: { date: new Date().toISOString(), cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.availableParallelism(), threads: opts.threads, loadavg_start: os.loadavg() }, shapes: [] };
    for (const id of opts.shapes) res.shapes.push(await measureShape(id, opts));
    res.meta.loadavg_end = os.loadavg();
    // --shapes re-measures some rows and keeps the others (as `npm run bench -- --only`)
    if (existsSync(RESULTS)) {
      const kept = JSON.parse(readFileSync(RESULTS, 'utf8')).shapes.filter((x) => !opts.shapes.includes(x.id));
      res.shapes = Object.keys(SHAPES).map((id) => res.shapes.find((x) => x.id === id) ?? kept.find((x) => x.id === id)).filter(Boolean);
      if (kept.length > 0) res.meta.kept = kept.map((x) => x.id);
    }
    writeFileSync(RESULTS, `${JSON.stringify(res, null, 1)}\n`);
  }
  const tbls = tables(res);
  writeReadme(res, tbls);
  process.stdout.write(`\n${tbls.map(renderText).join('\n')}\n`);
}
