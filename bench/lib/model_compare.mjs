// Per-layer agreement of the two sides of `npm run bench:model`, and its goals.
import { median } from './stats.mjs';

const relDiff = (a, b) => Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE);
const MiB = 2 ** 20;

/** Layer-by-layer comparison of one weightscope run with one Python run (matched by tensor name). */
export function compareLayers(ws, py) {
  const pyByName = new Map(py.layers.map((l) => [l.name, l]));
  const wsNames = new Set(ws.layers.map((l) => l.name));
  const onlyWs = ws.layers.filter((l) => !pyByName.has(l.name)).map((l) => l.name);
  const onlyPy = py.layers.filter((l) => !wsNames.has(l.name)).map((l) => l.name);
  const rows = [];
  for (const w of ws.layers) {
    const p = pyByName.get(w.name);
    if (!p) continue;
    rows.push({
      name: w.name,
      alpha_ws: w.alpha,
      alpha_py: p.alpha,
      d_alpha: Math.abs(w.alpha - p.alpha),
      same_xmin: relDiff(w.xmin, p.xmin) < 1e-4,
      rel_d_lambda_max: relDiff(w.spectral_norm, p.spectral_norm),
      num_spikes_ws: w.num_spikes,
      num_spikes_py: p.num_spikes,
      rel_d_effective_rank: relDiff(w.effective_rank, p.effective_rank),
      seconds_ws: w.seconds,
      seconds_py: p.seconds,
    });
  }
  const worst = rows.reduce((a, r) => (!a || !(r.d_alpha <= a.d_alpha) ? r : a), null);
  return {
    compared: rows.length,
    only_weightscope: onlyWs,
    only_python: onlyPy,
    max_abs_d_alpha: worst ? worst.d_alpha : NaN,
    max_abs_d_alpha_layer: worst?.name ?? null,
    median_abs_d_alpha: rows.length ? median(rows.map((r) => r.d_alpha)) : NaN,
    same_xmin: rows.filter((r) => r.same_xmin).length,
    max_rel_d_lambda_max: Math.max(...rows.map((r) => r.rel_d_lambda_max)),
    same_num_spikes: rows.filter((r) => r.num_spikes_ws === r.num_spikes_py).length,
    max_rel_d_effective_rank: Math.max(...rows.map((r) => r.rel_d_effective_rank)),
    layers: rows,
  };
}

/** Largest analysed layer's matrix in MiB, in the precision it was analysed in: the unit of the memory goal. */
export function largestLayerMiB(wsRun) {
  return Math.max(0, ...wsRun.layers.map((l) => (l.N * l.M * (l.dtype === 'float64' ? 8 : 4)) / MiB));
}

/** Peak RSS of a run in MiB: /usr/bin/time's maximum RSS when available, else VmHWM read in the child. */
export const peakMiB = (run) => (run.time_v?.max_rss_kb ?? run.vm_hwm_kb) / 1024;

const ALPHA_TOL = 1e-3;
/** The counts that depend on small eigenvalues: the default route must give gesdd's, layer by layer. */
const RANK_FIELDS = ['matrix_rank', 'rank_loss', 'weak_rank_loss', 'numerical_rank', 'energy_rank_90', 'num_evals'];

/** The default configuration's rank columns against the every-layer-gesdd one (the last run of each). */
export function compareRanks(def, gesdd) {
  if (!def || !gesdd || def.error || gesdd.error) return null;
  const ref = new Map(gesdd.weightscope.layers.map((l) => [l.name, l]));
  const routes = {};
  const differ = [];
  let compared = 0;
  for (const l of def.weightscope.layers) {
    routes[l.route] = (routes[l.route] ?? 0) + 1;
    const g = ref.get(l.name);
    if (!g) continue;
    compared++;
    for (const f of RANK_FIELDS) if (l[f] !== g[f]) differ.push(`${l.name} ${f}: ${l[f]} vs ${g[f]}`);
  }
  return { compared, fields: RANK_FIELDS, routes, differ };
}

export function evaluateModelGoals(configs, rankCheck) {
  const out = [];
  for (const c of configs) {
    if (c.error) continue;
    const ratio = c.python ? c.python.analysis_s_median / c.weightscope.analysis_s_median : NaN;
    out.push({
      goal: `${c.label}: whole-model analysis vs the numpy/scipy WeightWatcher path`,
      // the every-layer-gesdd configuration is the reference for the rank columns, not the analyze() default
      target: c.reference ? '(reference route: timed, no goal)' : '≥ 5× faster',
      value: ratio,
      measured: Number.isFinite(ratio) ? `${ratio.toFixed(2)}× faster` : 'python skipped',
      pass: Number.isFinite(ratio) && !c.reference ? ratio >= 5 : null,
    });
    const budget = 2 * c.largest_layer_mib + 300;
    const peak = c.weightscope.peak_rss_mib_median;
    out.push({
      goal: `${c.label}: weightscope peak RSS`,
      target: `≤ 2 × largest layer (as analysed, ${c.largest_layer_mib.toFixed(1)} MiB) + 300 MiB = ${budget.toFixed(0)} MiB`,
      value: peak,
      measured: `${peak.toFixed(0)} MiB`,
      pass: peak <= budget,
    });
    if (c.agreement) {
      const d = c.agreement.max_abs_d_alpha;
      const sameSet = !c.agreement.only_weightscope.length && !c.agreement.only_python.length;
      out.push({
        goal: `${c.label}: per-layer α, weightscope vs python`,
        target: `same layers, max |Δα| ≤ ${ALPHA_TOL}`,
        value: d,
        measured: `${c.agreement.compared} layers${sameSet ? '' : ' (layer sets differ!)'}, max |Δα| ${d.toExponential(1)}`,
        pass: sameSet && d <= ALPHA_TOL,
      });
    }
  }
  if (rankCheck) {
    out.push({
      goal: `default route (${Object.entries(rankCheck.routes).map(([r, n]) => `${n} layers ${r}`).join(', ')}): rank columns vs method 'gesdd'`,
      target: `${rankCheck.fields.join(', ')} equal on every layer`,
      value: rankCheck.differ.length,
      measured: rankCheck.differ.length ? `${rankCheck.differ.length} differ (${rankCheck.differ.slice(0, 3).join('; ')})` : `all equal on ${rankCheck.compared} layers`,
      pass: rankCheck.differ.length === 0 && rankCheck.compared > 0,
    });
  }
  return out;
}
