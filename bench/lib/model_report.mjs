// Tables of `npm run bench:model` (built from model-results.json) and its own block in bench/README.md,
// between MODEL_BEGIN and MODEL_END; the core bench's generated block is left as it is.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { busyNote } from './readme.mjs';
import { median } from './stats.mjs';
import { fmtMs, fmtRatio, fmtSci, renderMarkdown } from './table.mjs';

export const MODEL_BEGIN = '<!-- BEGIN MODEL BENCH -->';
export const MODEL_END = '<!-- END MODEL BENCH -->';

const fmtS = (s) => fmtMs(s * 1000);
const fastest = (side) => Math.min(...side.runs.map((r) => r.analysis_s));
const fmtMiB = (x) => (Number.isFinite(x) ? `${x.toFixed(0)} MiB` : '—');
const ok = (configs) => configs.filter((c) => !c.error);

function timeTable(results) {
  const rows = results.configs.map((c) => {
    if (c.error) return [c.label, c.error, '', '', '', '', '', '', '', ''];
    const w = c.weightscope;
    const p = c.python;
    return [
      c.label,
      `${w.layers.length} / ${p.layers.length}`,
      fmtS(w.analysis_s_median),
      fmtS(p.analysis_s_median),
      fmtRatio(p.analysis_s_median / w.analysis_s_median),
      fmtRatio(fastest(p) / fastest(w)),
      fmtS(w.process_wall_s_median),
      fmtS(p.process_wall_s_median),
      fmtMiB(w.peak_rss_mib_median),
      fmtMiB(p.peak_rss_mib_median),
    ];
  });
  const notes = [];
  for (const c of ok(results.configs)) {
    const s = median(c.weightscope.runs.map((r) => r.skipped_layers_s ?? 0));
    if (s > 0.1)
      notes.push(`${c.label}: ${fmtS(s)} of weightscope's analysis time went to tensors that its size limits then skipped (read and decoded before the check); they count in its peak RSS too.`);
  }
  return {
    title: `Whole-model analysis: time and peak memory (median of ${results.meta.reps} run${results.meta.reps > 1 ? 's' : ''} per side)`,
    headers: ['configuration', 'layers (ws / py)', 'ws analysis', 'py analysis', 'py / ws', 'py / ws, fastest runs', 'ws process', 'py process', 'ws peak RSS', 'py peak RSS'],
    rows,
    notes: [
      'py / ws, fastest runs: the ratio of each side\'s fastest analysis time, less sensitive to other load on a shared machine than the medians.',
      'analysis: from opening the file to the last layer\'s metrics, timed inside the process after its imports. process: spawn to exit, as seen by the runner (adds node + addon load, or the numpy/scipy import).',
      `peak RSS: ${results.meta.peak_rss_source}; it counts everything the process touched, including tensors read and then skipped.`,
      ...notes,
    ],
  };
}

function agreementTable(results) {
  return {
    title: 'Per-layer agreement, weightscope vs python (same tensors, same limits)',
    headers: ['configuration', 'layers compared', 'max |Δα|', 'at layer', 'median |Δα|', 'same xmin', 'max rel Δλmax', 'same MP num_spikes', 'max rel Δ effective rank'],
    rows: ok(results.configs).map((c) => {
      const a = c.agreement;
      const diff = [...a.only_weightscope.map((n) => `+ws ${n}`), ...a.only_python.map((n) => `+py ${n}`)];
      return [
        c.label,
        `${a.compared}${diff.length ? ` (differ: ${diff.join(', ')})` : ''}`,
        fmtSci(a.max_abs_d_alpha),
        a.max_abs_d_alpha_layer ?? '—',
        fmtSci(a.median_abs_d_alpha),
        `${a.same_xmin}/${a.compared}`,
        fmtSci(a.max_rel_d_lambda_max),
        `${a.same_num_spikes}/${a.compared}`,
        fmtSci(a.max_rel_d_effective_rank),
      ];
    }),
    notes: [
      'The python side converts F16 to float64 and runs dgesdd (as WeightWatcher). weightscope by default widens F16 to float64 natively and runs dsyrk + dsyevd (gesdd for a layer the error bound cannot certify): its α agree to float64 rounding. With method \'gesdd\' it runs float32 sgesdd: the differences are float32 rounding of the singular values. A larger |Δα| would mean a KS-scan near-tie resolved to a different xmin ("same xmin" counts layers whose xmin agrees to 1e-4).',
    ],
  };
}

/** "h.3.mlp.c_fc.weight" -> "mlp.c_fc"; "wte.weight" -> "wte". */
const kindOf = (name) => name.replace(/^h\.\d+\./, '').replace(/\.weight$/, '');

function perShapeTable(results) {
  const c = ok(results.configs).find((x) => x.id === 'default') ?? ok(results.configs).at(-1);
  if (!c) return null;
  const groups = new Map();
  for (const r of c.agreement.layers) {
    const l = c.weightscope.layers.find((x) => x.name === r.name);
    const key = `${kindOf(r.name)} ${l.shape.join('×')}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  return {
    title: `Per layer (${c.label})`,
    headers: ['tensor', 'count', 'α median (ws)', 'α range (ws)', 'ws time / layer', 'py time / layer', 'py / ws'],
    rows: [...groups].map(([key, rs]) => {
      const alphas = rs.map((r) => r.alpha_ws);
      const tw = median(rs.map((r) => r.seconds_ws));
      const tp = median(rs.map((r) => r.seconds_py));
      return [key, rs.length, median(alphas).toFixed(2), `${Math.min(...alphas).toFixed(2)} – ${Math.max(...alphas).toFixed(2)}`, fmtS(tw), fmtS(tp), fmtRatio(tp / tw)];
    }),
    notes: ['Time per layer: read + decode + ESD + power-law fit + norms + MP fit + rank metrics, as each side reports it (weightscope: the time between layer completions, its layers running side by side); median over the runs, then over the layers of a kind.'],
  };
}

function goalsTable(results) {
  return {
    title: 'Goals (issue "Whole-model analysis")',
    headers: ['goal', 'target', 'measured', 'result'],
    rows: results.goals.map((g) => [g.goal, g.target, g.measured, g.pass === null ? 'n/a' : g.pass ? 'PASS' : 'FAIL']),
  };
}

/** Event-loop stalls while analyze() runs (drivers/analyze_stall.mjs); goal: max stall ≤ 20 ms. */
function responsivenessTable(results) {
  const r = results.responsiveness;
  if (!r) return null;
  if (r.error) return { title: 'Responsiveness (event loop during analyze())', headers: ['error'], rows: [[r.error]] };
  const row = (label, m) => [label, m.layers, m.seconds.toFixed(1), m.max_stall_ms.toFixed(1), m.p99_stall_ms.toFixed(1), m.max_interval_gap_ms.toFixed(1), m.gaps_over_20ms, m.max_stall_ms <= 20 ? 'PASS' : 'FAIL'];
  return {
    title: 'Responsiveness (event loop during analyze())',
    headers: ['source', 'layers', 'analyze s', 'max stall ms', 'p99 ms', 'max timer gap ms', 'gaps > 20 ms', 'max ≤ 20 ms'],
    rows: [row('the model file', r.file), row(`${r.count} in-memory ${r.n}² float32 arrays`, r.arrays), row(`tfjs-shaped model, ${r.count} Dense ${r.n}×${r.n}`, r.tfjs)],
    notes: ['perf_hooks.monitorEventLoopDelay (1 ms resolution) and a 2 ms interval timer, both with their period subtracted; one run each, after a warm-up analyze. On a loaded machine a stall includes the time the main thread waited for a core.'],
  };
}

export function buildModelTables(results) {
  return [timeTable(results), agreementTable(results), perShapeTable(results), goalsTable(results), responsivenessTable(results)].filter(Boolean);
}

function methodSection(results) {
  const m = results.meta;
  const { peak, busy } = busyNote(m);
  const ws = ok(results.configs)[0]?.weightscope.runs[0];
  const py = ok(results.configs)[0]?.python.runs[0];
  return [
    '## Whole-model analysis (`npm run bench:model`)',
    '',
    '```',
    'npm run bench:model                       # 12 blocks, 3 runs per side, the three configurations',
    'npm run bench:model -- --blocks 2 --reps 1 --no-embedding   # quick check',
    'npm run bench:model -- --report           # re-render from model-results.json',
    'npm run bench:model -- --gguf-only --reps 3   # only the GGUF read + dequantize throughput (block below)',
    '```',
    '',
    '- **Model.** A GPT-2-small-shaped F16 safetensors file generated from a seed by',
    '  [drivers/gpt2_like.py](drivers/gpt2_like.py) into `bench/.cache/` (gitignored, re-generated when the script changes):',
    '  per block `attn.c_attn` 768×2304, `attn.c_proj` 768×768, `mlp.c_fc` 768×3072, `mlp.c_proj` 3072×768, biases and',
    '  layer norms, plus the `wte` embedding 50257×768. "Trained-ish" weights: a Gaussian bulk (std 0.02) plus 64-192',
    '  rank-one spikes with power-law strengths, so the ESD has a power-law tail with α ≈ 2-4 (pure noise gives α ≈ 10).',
    '- **weightscope**: [drivers/ws_model.mjs](drivers/ws_model.mjs) runs `await analyze(file)` with the default options',
    '  (metrics `[\'mp\', \'rank\']`: ESD by the float64 Gram route, dsyrk + dsyevd, with gesdd for a layer whose',
    '  small-eigenvalue counts its error bound cannot certify; power-law fit with the KS xmin scan, norms, MP fit, rank',
    '  metrics), layers streamed and analysed one per BLAS thread side by side (analyze()\'s default concurrency), F16',
    '  widened to float64 natively. The third configuration (`method: \'gesdd\'`) runs float32 sgesdd on every layer: its',
    '  rank columns are the reference the default route must equal layer by layer (goal row "rank columns").',
    '- **python (WeightWatcher\'s path in numpy/scipy)**: [drivers/ww_python.py](drivers/ww_python.py) reads each tensor at',
    '  its header offsets (numpy `frombuffer`, F16 → float64), `scipy.linalg.svd(W, compute_uv=False)` in float64,',
    '  λ = σ², drops λ ≤ 1e-5, fits the power law with WeightWatcher\'s xmin scan (a Python loop over every candidate,',
    '  vectorised over the tail: O(n²)), computes the norm and rank metrics and WeightWatcher\'s MP fit (the numpy',
    '  re-implementation checked in test/fixtures/heavytail/make_heavytail.py). WeightWatcher itself would also hold the',
    '  whole model in memory (a torch model); the driver streams, so its RSS is a lower bound for WeightWatcher\'s.',
    '- **Same layers.** Both sides apply WeightWatcher\'s limits (minEvals 10, maxEvals 15000, maxN 50000). With the defaults',
    '  both skip the embedding (N = 50257 > maxN); the second configuration raises maxN on both sides so it is analysed.',
    '- **Same threads**: `OPENBLAS_NUM_THREADS` = `OMP_NUM_THREADS` = `--threads` for both children (weightscope also',
    `  \`setThreads\`). Each run is a fresh process; the two sides alternate which goes first. Speed ratios use the`,
    '  analysis time (imports excluded: that favours python, whose numpy/scipy import is the slower one).',
    '- **Memory goal**: weightscope peak RSS ≤ 2 × the largest analysed layer, in the precision it is analysed in (float64 by default), + 300 MiB.',
    '',
    `### Results (${m.date})`,
    '',
    `- machine: ${m.cpu} × ${m.cores} logical cores, ${m.memGiB} GiB; load average ${m.loadavg_start.map((x) => x.toFixed(2)).join(' / ')} at start, ${m.loadavg_end.map((x) => x.toFixed(2)).join(' / ')} at end, peak 1-min load ${peak.toFixed(2)}${busy ? ' (**the machine was busy: treat times as noisy**)' : ''}`,
    `- model: ${m.blocks} blocks, seed ${m.seed}, ${(m.model.bytes / 2 ** 20).toFixed(0)} MiB; BLAS threads ${m.threads}; ${m.reps} run(s) per side and configuration; run took ${(m.duration_s / 60).toFixed(1)} min`,
    ws ? `- node ${m.node}, weightscope ${ws.backend?.config ?? ''}` : null,
    py ? `- python ${py.python}, numpy ${py.numpy}, scipy ${py.scipy}` : null,
    '- raw numbers, every run and every layer in [model-results.json](model-results.json)',
    '',
  ]
    .filter((x) => x !== null)
    .join('\n');
}

export function writeModelReadme(path, results, tables) {
  const block = [MODEL_BEGIN, '', methodSection(results), ...tables.map(renderMarkdown), MODEL_END].join('\n');
  let text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const b = text.indexOf(MODEL_BEGIN);
  const e = text.indexOf(MODEL_END);
  if (b >= 0 && e > b) text = text.slice(0, b) + block + text.slice(e + MODEL_END.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, text);
}
