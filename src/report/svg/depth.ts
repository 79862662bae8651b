// Layer metrics against depth (the plot WeightWatcher users look at first): one mark per analysed layer in
// depth order, coloured by layer type; for α the well-trained band 2 ≤ α ≤ 6 and the over-/under-trained
// regions are shaded. Layers whose value is missing (a failed fit) get a grey × on the axis, so every
// analysed layer has exactly one mark; values above the frame are drawn as ▲ at its top edge.
import { formatCell } from '../columns.js';
import { axes, esc, legend, px, svgDoc, type Box } from './frame.js';
import { extent, linearScale, linearTicks, logScale, type Scale } from './scale.js';

export const TYPE_COLORS: Record<string, string> = {
  dense: '#4c78a8',
  conv2d: '#f58518',
  embedding: '#54a24b',
  recurrent: '#b279a2',
  other: '#9d755d',
};
export const typeColor = (t: string) => TYPE_COLORS[t] ?? '#72b7b2';

/** α below 2: over-trained (WeightWatcher's warning); above 6: under-trained. */
export const ALPHA_BANDS = { over: 2, under: 6 } as const;

export interface DepthPoint {
  name: string;
  type: string;
  /** NaN when the metric is missing for the layer (failed fit, metric not computed). */
  value: number;
  /** Why it is missing. */
  note?: string;
  /** Link target of the mark (the layer's ESD panel). */
  href?: string;
}

const W = 780;
const H = 270;
// the right margin holds the α = 2 / α = 6 labels, clear of the marks
const BOX: Box = { x0: 56, y0: 24, x1: W - 42, y1: H - 44 };

function yScale(values: number[], alpha: boolean): Scale {
  const finite = values.filter(Number.isFinite);
  const [lo, hi] = finite.length ? extent(finite) : [0, 1];
  if (alpha) return linearScale(Math.max(0, Math.min(1, lo - 0.3)), Math.max(7, Math.min(hi, 15) + 0.3), BOX.y1, BOX.y0);
  if (lo > 0 && hi / lo > 30) return logScale(lo / 1.5, hi * 1.5, BOX.y1, BOX.y0);
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.1 || 1;
  return linearScale(lo - pad, hi + pad, BOX.y1, BOX.y0);
}

function bands(ys: Scale): string {
  const y = (v: number) => Math.max(BOX.y0, Math.min(BOX.y1, ys(v)));
  const rect = (a: number, b: number, fill: string, cls: string) =>
    `<rect class="${cls}" x="${BOX.x0}" y="${px(y(b))}" width="${BOX.x1 - BOX.x0}" height="${px(y(a) - y(b))}" fill="${fill}"/>`;
  const line = (v: number) =>
    `<line x1="${BOX.x0}" x2="${BOX.x1}" y1="${px(ys(v))}" y2="${px(ys(v))}" stroke="#999" stroke-dasharray="5 3"/>` +
    `<text x="${BOX.x1 + 4}" y="${px(ys(v) + 4)}" fill="#666">α=${v}</text>`;
  return (
    rect(ys.lo, ALPHA_BANDS.over, '#fbe3e1', 'band over') +
    rect(ALPHA_BANDS.over, ALPHA_BANDS.under, '#e6f4e3', 'band good') +
    rect(ALPHA_BANDS.under, ys.hi, '#fdf1d8', 'band under') +
    line(ALPHA_BANDS.over) +
    line(ALPHA_BANDS.under)
  );
}

function mark(p: DepthPoint, x: number, ys: Scale, r: number, label: string): string {
  const v = p.value;
  let shape: string;
  let title: string;
  if (!Number.isFinite(v)) {
    const y = BOX.y1 - 6;
    shape = `<path class="pt missing" d="M${px(x - 3.5)},${px(y - 3.5)}l7,7m0,-7l-7,7" stroke="#888" stroke-width="1.6"/>`;
    title = `${p.name}: no ${label}${p.note ? ` (${p.note})` : ''}`;
  } else if (ys(v) < BOX.y0) {
    shape = `<path class="pt above" d="M${px(x)},${px(BOX.y0 + 1)}l4.5,8h-9z" fill="${typeColor(p.type)}"/>`;
    title = `${p.name}: ${label} = ${formatCell(v)} (above the frame)`;
  } else {
    shape = `<circle class="pt" cx="${px(x)}" cy="${px(ys(v))}" r="${r}" fill="${typeColor(p.type)}" fill-opacity="0.85" stroke="#fff" stroke-width="0.6"/>`;
    title = `${p.name}: ${label} = ${formatCell(v)}`;
  }
  const inner = shape.replace(/\/>$/, `><title>${esc(title)}</title></${shape.startsWith('<circle') ? 'circle' : 'path'}>`);
  return p.href ? `<a href="${esc(p.href)}">${inner}</a>` : inner;
}

/** The depth plot of one metric; `alpha` adds the α bands. */
export function depthPlotSvg(points: readonly DepthPoint[], metric: { key: string; label: string }, opts: { id?: string; fluid?: boolean } = {}): string {
  const alpha = metric.key === 'alpha';
  const n = points.length;
  const xs = linearScale(-0.5, Math.max(n - 0.5, 0.5), BOX.x0, BOX.x1);
  const ys = yScale(points.map((p) => p.value), alpha);
  const xTicks = linearTicks(0, Math.max(n - 1, 1), Math.min(10, Math.max(n - 1, 1))).filter((t) => Number.isInteger(t) && t < n);
  const r = n > 150 ? 2.5 : n > 60 ? 3.2 : 4;
  const types = [...new Set(points.map((p) => p.type))];
  const body = [
    alpha ? bands(ys) : '',
    axes(BOX, xs, ys, { x: 'layer, in depth order', y: metric.label }, xTicks),
    ...points.map((p, i) => mark(p, xs(i), ys, r, metric.label)),
    legend(BOX, types.map((t) => ({ label: t, color: typeColor(t), kind: 'dot' as const }))),
  ].join('');
  return svgDoc(W, H, body, { fluid: opts.fluid ?? true, id: opts.id, cls: 'depth', label: `${metric.label} by layer depth` });
}
