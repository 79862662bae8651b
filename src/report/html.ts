// Self-contained HTML report of a whole-model analysis (inline SVG, CSS and JS; nothing from the network),
// laid out to be read at a glance: the summary, α against depth (and other metrics on tabs) with an α
// histogram, the per-layer table with its legend, an ESD panel per layer (log-log and lin-lin) and the
// tensors that were not analysed, with the reasons.
import type { LayerResult, ModelReport } from '../model/analyze.js';
import { columnInfo } from './catalog.js';
import { formatCell } from './columns.js';
import { checkReport, layerRow } from './document.js';
import { fail } from '../errors.js';
import { checkOptions } from '../linalg/options.js';
import { SCRIPT, STYLE } from './html-assets.js';
import { columnLegend, escText, layersTable } from './html-table.js';
import { esdPlotInput, layerEvals } from './layer-esd.js';
import { depthOrder } from './order.js';
import { alphaHistogramSvg } from './svg/alpha-hist.js';
import { depthPlotSvg, type DepthPoint } from './svg/depth.js';
import { esdLinLin, esdLogLog, VIEW } from './svg/esd.js';
import { svgDoc } from './svg/frame.js';
import { elideMiddle } from './terminal.js';

export interface HtmlReportOptions {
  /** Page title (default: "weightscope: <source>"). */
  title?: string;
  /** Plot files written next to the report, listed in an index (CLI --plots). */
  plotFiles?: readonly { name: string; file: string }[];
  /** Shown in the page footer, e.g. "weightscope 0.1.0". */
  generator?: string;
}

/** Metrics offered on the depth plot's tabs, when any layer has them. */
const DEPTH_METRICS: readonly { key: string; label: string }[] = [
  { key: 'alpha', label: 'α' },
  { key: 'alpha_weighted', label: 'α weighted' },
  { key: 'D', label: 'KS distance D' },
  { key: 'log_spectral_norm', label: 'log10 λ_max' },
  { key: 'stable_rank', label: 'stable rank' },
  { key: 'mp_softrank', label: 'MP soft rank' },
  { key: 'num_spikes', label: 'MP spikes' },
  { key: 'rand_num_spikes', label: 'correlation traps' },
  { key: 'farms_alpha', label: 'FARMS α' },
  { key: 'effective_rank', label: 'effective rank' },
];

const num = (v: unknown) => (typeof v === 'number' ? formatCell(v) : '');

function card(value: string, label: string, title = ''): string {
  return `<div class="card"${title ? ` title="${escText(title)}"` : ''}><b>${escText(value)}</b><span>${escText(label)}</span></div>`;
}

function summarySection(r: ModelReport, layers: readonly LayerResult[]): string {
  const s = r.summary;
  const over = layers.filter((l) => l.status === 'success' && l.warning === 'over-trained').length;
  const under = layers.filter((l) => l.status === 'success' && l.warning === 'under-trained').length;
  const cards = [
    card(String(s.numLayers), 'layers analysed'),
    card(String(s.numIncluded), 'fits in the means'),
    card(String(s.numExcluded), 'failed fits (left out)'),
    card(String(r.skipped.length), 'tensors not analysed'),
    card(num(s.means.alpha), 'mean α', columnInfo('alpha')!.meaning),
    card(`${over} / ${under}`, 'α < 2 / α > 6', 'layers flagged over-trained / under-trained'),
    card(num(s.means.alphaWeighted), 'mean α weighted', columnInfo('alpha_weighted')!.meaning),
    card(num(s.means.logSpectralNorm), 'mean log10 λ_max'),
    card(num(s.means.stableRank), 'mean stable rank', columnInfo('stable_rank')!.meaning),
    card(num(s.means.mpSoftrank), 'mean MP soft rank', columnInfo('mp_softrank')!.meaning),
  ].join('');
  const failed = s.excluded.length
    ? `<details><summary>${s.excluded.length} failed fit${s.excluded.length === 1 ? '' : 's'}, left out of the means</summary><ul class="failed-list">${s.excluded
        .map((e) => `<li><code>${escText(e.name)}</code>: ${escText(e.reason)}</li>`).join('')}</ul></details>`
    : '';
  return `<section id="summary"><h2>Summary</h2><div class="cards">${cards}</div>${failed}</section>`;
}

function overviewSection(layers: readonly LayerResult[], rows: readonly Record<string, unknown>[]): string {
  const present = DEPTH_METRICS.filter((m) => rows.some((r) => typeof r[m.key] === 'number' && Number.isFinite(r[m.key] as number)));
  const tabs = present.map((m, i) => `<button type="button" data-tab="${m.key}" aria-selected="${i === 0}">${escText(m.label)}</button>`).join('');
  const views = present.map((m, i) => {
    const points: DepthPoint[] = layers.map((l, j) => ({
      name: l.name,
      type: String(rows[j].layer_type ?? l.layerType),
      value: typeof rows[j][m.key] === 'number' ? (rows[j][m.key] as number) : NaN,
      note: l.status === 'success' ? undefined : `fit ${l.status}: ${l.reason ?? ''}`,
      href: `#esd-${j}`,
    }));
    return `<div data-view="${m.key}"${i === 0 ? '' : ' hidden'}>${depthPlotSvg(points, m, { id: `depth-${m.key}` })}</div>`;
  }).join('');
  const alphas = layers.filter((l) => l.status === 'success').map((l) => l.alpha);
  return `<section class="overview" id="overview">
<figure><h2>By depth</h2><div class="tabs" role="tablist">${tabs}</div>${views}
<figcaption>One mark per analysed layer, in depth order, coloured by layer type; × marks a layer without the value (failed fit). Shaded: α &lt; 2 over-trained, 2–6 well trained, α &gt; 6 under-trained. Click a mark for its ESD.</figcaption></figure>
<figure><h2>α over the layers</h2>${alphaHistogramSvg(alphas, { id: 'alpha-hist' })}</figure>
</section>`;
}

function esdStats(l: LayerResult): string {
  const parts = [
    l.status === 'success'
      ? `α ${num(l.alpha)} (D ${num(l.D)}, xmin ${num(l.xmin)}, ${l.numPlSpikes} of ${l.numEvals} in the tail)`
      : `fit ${l.status}: ${l.reason ?? ''}`,
    `λ_max ${num(l.lambdaMax)}`,
    Number.isFinite(l.bulkMax) ? `MP λ+ ${num(l.bulkMax)}, ${l.numSpikes} spikes` : '',
    Number.isFinite(l.randNumSpikes) ? `${l.randNumSpikes} correlation traps` : '',
  ];
  return parts.filter(Boolean).join(' · ');
}

function esdSection(layers: readonly LayerResult[], r: ModelReport, types: readonly string[]): string {
  const cards = layers.map((l, i) => {
    const evals = layerEvals(l, r);
    if (!evals) return '';
    const inp = esdPlotInput(l, evals, `esd-${i}`);
    const log = esdLogLog({ ...inp, id: `esd-${i}-log` });
    const lin = esdLinLin({ ...inp, id: `esd-${i}-lin` });
    const notes = [...new Set([...log.notes, ...lin.notes])];
    return `<article class="esd-card" id="esd-${i}"><h3 title="${escText(l.name)}">${escText(elideMiddle(l.name, 90))} <span class="meta">${escText(types[i])} ${escText(l.shape.join('×'))}</span></h3>
<p class="stats">${escText(esdStats(l))}</p><div class="views">${svgDoc(VIEW.w, VIEW.h, log.body, { fluid: true, cls: 'esd log', label: `log-log ESD of ${l.name}` })}${svgDoc(VIEW.w, VIEW.h, lin.body, { fluid: true, cls: 'esd lin', label: `linear ESD of ${l.name}` })}</div>
${notes.length ? `<ul class="notes">${notes.map((n) => `<li>${escText(n)}</li>`).join('')}</ul>` : ''}</article>`;
  }).filter(Boolean);
  if (cards.length === 0) return '';
  return `<section id="esd"><h2>Empirical spectral densities</h2><p class="meta">Left: log-log, with the power law fitted from xmin to xmax (red) and the Marchenko–Pastur density and bulk edge λ+ (green). Right: linear axes, where the MP bulk is read. Dashed orange: the ESD of the same weights shuffled (correlation traps), when computed.</p><div class="esd-grid">${cards.join('\n')}</div></section>`;
}

function skippedSection(skipped: ModelReport['skipped']): string {
  if (skipped.length === 0) return '';
  const groups = new Map<string, string[]>();
  for (const s of skipped) groups.set(s.reason, [...(groups.get(s.reason) ?? []), s.name]);
  const rows = [...groups].sort((a, b) => b[1].length - a[1].length).map(([reason, names]) => {
    const shown = names.slice(0, 12).map((n) => `<code>${escText(n)}</code>`).join(', ');
    const rest = names.length > 12 ? `<details><summary>and ${names.length - 12} more</summary>${names.slice(12).map((n) => `<code>${escText(n)}</code>`).join(', ')}</details>` : '';
    return `<tr><td>${names.length}</td><td>${escText(reason)}</td><td>${shown}${rest}</td></tr>`;
  }).join('');
  return `<section id="skipped"><h2>Not analysed (${skipped.length} tensor${skipped.length === 1 ? '' : 's'})</h2><table class="plain"><thead><tr><th>tensors</th><th>reason</th><th>names</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function plotIndexSection(files: HtmlReportOptions['plotFiles']): string {
  if (!files || files.length === 0) return '';
  const rows = files.map((f) => `<tr><td><code>${escText(f.name)}</code></td><td><a href="${escText(encodeURI(f.file))}">${escText(f.file)}</a></td></tr>`).join('');
  return `<section id="plot-files"><h2>ESD plot files</h2><table class="plain"><thead><tr><th>layer</th><th>file</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** The HTML report of analyze()'s result. ESD panels need the eigenvalues: analyze(..., { keepEsd: true }). */
export function htmlReport(r: ModelReport, opts: HtmlReportOptions = {}): string {
  checkReport(r, 'htmlReport');
  const o = checkOptions(opts, ['title', 'plotFiles', 'generator'], 'htmlReport');
  if (o.title !== undefined && typeof o.title !== 'string') fail('E_OPTION', 'htmlReport: title must be a string');
  if (o.generator !== undefined && typeof o.generator !== 'string') fail('E_OPTION', 'htmlReport: generator must be a string');
  if (o.plotFiles !== undefined && !(Array.isArray(o.plotFiles) && o.plotFiles.every((f) => typeof f?.name === 'string' && typeof f?.file === 'string')))
    fail('E_OPTION', 'htmlReport: plotFiles must be [{ name, file }]');
  opts = o;
  const title = opts.title ?? `weightscope: ${r.source}`;
  const layers = depthOrder(r.layers);
  const rows = layers.map(layerRow);
  const types = rows.map((row, i) => String(row.layer_type ?? layers[i].layerType));
  const table = layersTable(rows, layers.map((_, i) => `#esd-${i}`));
  const files = (r as ModelReport & { files?: unknown }).files;
  const meta = [
    `format ${r.format}`,
    Array.isArray(files) && files.length
      ? `${files.length === 1 ? 'file' : `${files.length} files`}: ${files.slice(0, 4).map((f) => String(f).split('/').pop()).join(', ')}${files.length > 4 ? ', …' : ''}`
      : '',
    `${r.layers.length} layers analysed in ${r.seconds.toFixed(1)} s`,
    opts.generator ?? '',
  ].filter(Boolean).join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escText(title)}</title><style>${STYLE}</style></head><body><main>
<header><h1>${escText(title)}</h1><p class="meta">${escText(meta)}</p></header>
${summarySection(r, layers)}
${layers.length ? overviewSection(layers, rows) : ''}
<section id="layers-section"><h2>Layers (${layers.length})</h2>${table.html}${columnLegend(table.columns)}</section>
${esdSection(layers, r, types)}
${skippedSection(r.skipped)}
${plotIndexSection(opts.plotFiles)}
</main><script>${SCRIPT}</script></body></html>
`;
}
