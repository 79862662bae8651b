// The trend report of a training run: from a tracker's records (Tracker.history or readTrack(path)), a
// self-contained HTML page of inline SVG charts: each metric vs step, one line per layer; and alpha vs depth
// (layer position in the records) at chosen steps. Failed or missing values break a line (no point drawn).
import { fail } from '../errors.js';
import type { TrackedLayer, TrackRecord } from './tracker.js';

export type TrendMetric = keyof Omit<TrackedLayer, 'name' | 'status'>;

export interface TrendOptions {
  title?: string;
  /** Metrics charted against step. Default alpha, stableRank, spectralNorm (and cosGrad, traps when present). */
  metrics?: readonly TrendMetric[];
  /** Steps of the alpha-vs-depth chart. Default: the first, middle and last record. */
  steps?: readonly number[];
}

const METRICS: readonly TrendMetric[] = ['alpha', 'D', 'stableRank', 'effectiveRank', 'spectralNorm', 'traps', 'cosGrad'];
const W = 640;
const H = 320;
const PAD = { l: 56, r: 16, t: 24, b: 36 };
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (v: number) => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : String(+v.toPrecision(4)));

/** Maps [lo, hi] onto [a, b] (a degenerate range maps to the middle). */
export function scale(lo: number, hi: number, a: number, b: number): (v: number) => number {
  if (!(hi > lo)) return () => (a + b) / 2;
  return (v) => a + ((v - lo) / (hi - lo)) * (b - a);
}

interface Series {
  label: string;
  points: (readonly [number, number] | null)[];
}

/** One line chart as SVG: a polyline per run of points (a null breaks it), axes with min/max ticks. */
export function lineChart(title: string, xLabel: string, series: Series[]): string {
  const all = series.flatMap((s) => s.points.filter((p): p is readonly [number, number] => p !== null));
  if (all.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="60"><text x="8" y="30">${esc(title)}: no values</text></svg>`;
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = scale(x0, x1, PAD.l, W - PAD.r);
  const sy = scale(y0, y1, H - PAD.b, PAD.t);
  const lines = series.map((s, i) => {
    const color = COLORS[i % COLORS.length];
    const runs: string[][] = [[]];
    for (const p of s.points) {
      if (p === null) runs.push([]);
      else runs[runs.length - 1].push(`${sx(p[0]).toFixed(2)},${sy(p[1]).toFixed(2)}`);
    }
    const polys = runs.filter((r) => r.length > 0).map((r) =>
      r.length === 1
        ? `<circle cx="${r[0].split(',')[0]}" cy="${r[0].split(',')[1]}" r="2.5" fill="${color}"/>`
        : `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${r.join(' ')}"/>`);
    return `<g data-series="${esc(s.label)}"><title>${esc(s.label)}</title>${polys.join('')}</g>`;
  });
  const legend = series.slice(0, 20).map((s, i) => `<text x="${W - PAD.r}" y="${PAD.t + 12 * i}" text-anchor="end" font-size="10" fill="${COLORS[i % COLORS.length]}">${esc(s.label)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">
<text x="${PAD.l}" y="14" font-size="13">${esc(title)}</text>
<line x1="${PAD.l}" y1="${H - PAD.b}" x2="${W - PAD.r}" y2="${H - PAD.b}" stroke="#999"/><line x1="${PAD.l}" y1="${PAD.t}" x2="${PAD.l}" y2="${H - PAD.b}" stroke="#999"/>
<text x="${PAD.l}" y="${H - PAD.b + 14}" font-size="10">${fmt(x0)}</text><text x="${W - PAD.r}" y="${H - PAD.b + 14}" font-size="10" text-anchor="end">${fmt(x1)}</text>
<text x="${(PAD.l + W - PAD.r) / 2}" y="${H - 6}" font-size="11" text-anchor="middle">${esc(xLabel)}</text>
<text x="${PAD.l - 4}" y="${H - PAD.b}" font-size="10" text-anchor="end">${fmt(y0)}</text><text x="${PAD.l - 4}" y="${PAD.t + 8}" font-size="10" text-anchor="end">${fmt(y1)}</text>
${lines.join('\n')}
${legend.join('')}
</svg>`;
}

/** The trend report's HTML (see the file comment). */
export function trendReport(records: readonly TrackRecord[], opts: TrendOptions = {}): string {
  if (!Array.isArray(records) || records.length === 0) fail('E_OPTION', 'trendReport: records must be a non-empty array of tracker records');
  for (const k of Object.keys(opts)) if (!['title', 'metrics', 'steps'].includes(k)) fail('E_OPTION', `trendReport: unknown option '${k}'`);
  const present = (m: TrendMetric) => records.some((r) => r.layers.some((l: TrackedLayer) => l[m] !== null && l[m] !== undefined));
  const metrics = opts.metrics ?? METRICS.filter((m) => ['alpha', 'stableRank', 'spectralNorm', 'cosGrad', 'traps'].includes(m) && present(m));
  for (const m of metrics) if (!METRICS.includes(m)) fail('E_OPTION', `trendReport: unknown metric '${m}' (known: ${METRICS.join(', ')})`);
  // layers in first-seen order: the model order of the first record that has them
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of records) for (const l of r.layers) if (!seen.has(l.name)) (seen.add(l.name), names.push(l.name));
  const at = (r: TrackRecord, name: string) => r.layers.find((l) => l.name === name);
  const charts = metrics.map((m) => lineChart(`${m} vs step`, 'step', names.map((name) => ({
    label: name,
    points: records.map((r) => {
      const v = at(r, name)?.[m];
      return typeof v === 'number' && Number.isFinite(v) ? ([r.step, v] as const) : null;
    }),
  }))));
  const stepList = opts.steps ?? [...new Set([records[0].step, records[Math.floor((records.length - 1) / 2)].step, records[records.length - 1].step])];
  const depth = lineChart('alpha vs depth', 'layer (model order)', stepList.map((s) => {
    const r = records.find((x) => x.step === s);
    if (!r) fail('E_OPTION', `trendReport: no record at step ${s}`);
    return { label: `step ${s}`, points: names.map((name, i) => { const v = at(r, name)?.alpha; return typeof v === 'number' && Number.isFinite(v) ? ([i, v] as const) : null; }) };
  }));
  const warnings = records.flatMap((r) => r.warnings);
  const title = opts.title ?? 'weightscope training trends';
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body style="font-family:sans-serif">
<h1>${esc(title)}</h1>
<p>${records.length} records, steps ${records[0].step}–${records[records.length - 1].step}, ${names.length} layers.</p>
${charts.join('\n')}
${depth}
<h2>Warnings</h2>
${warnings.length ? `<ul>${warnings.map((w) => `<li>step ${w.step}: ${esc(w.layer)} ${esc(w.kind)} (alpha ${fmt(w.alpha)}${w.previous !== null ? `, was ${fmt(w.previous)}` : ''})</li>`).join('')}</ul>` : '<p>none</p>'}
<h2>Layers</h2><ol start="0">${names.map((n) => `<li>${esc(n)}</li>`).join('')}</ol>
</body></html>
`;
}
