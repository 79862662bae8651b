// Histogram of α over the layers whose fit succeeded, on the same shaded bands as the depth plot.
import { extent, formatTick, linearScale, linearTicks } from './scale.js';
import { axes, esc, px, svgDoc, type Box } from './frame.js';
import { ALPHA_BANDS } from './depth.js';
import { histogram } from './bins.js';

const W = 400;
const H = 270;
const BOX: Box = { x0: 48, y0: 24, x1: W - 12, y1: H - 44 };
/** Larger α are counted in the last bin (a fit that large is off any meaningful range). */
const CAP = 15;

export function alphaHistogramSvg(alphas: readonly number[], opts: { id?: string; fluid?: boolean } = {}): string {
  const a = alphas.filter(Number.isFinite);
  if (a.length === 0) return svgDoc(W, H, `<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no successful power-law fit</text>`, { fluid: opts.fluid ?? true, id: opts.id });
  const over = a.filter((v) => v > CAP).length;
  const clipped = a.map((v) => Math.min(v, CAP));
  const [cmin, cmax] = extent(clipped);
  const lo = Math.min(1, Math.floor(cmin * 2) / 2);
  const hi = Math.max(7, Math.ceil(cmax * 2) / 2 + 0.5);
  const width = hi - lo > 8 ? 0.5 : 0.25;
  const nb = Math.round((hi - lo) / width);
  const edges = Array.from({ length: nb + 1 }, (_, i) => lo + i * width);
  const counts = histogram(clipped, edges);
  const xs = linearScale(lo, hi, BOX.x0, BOX.x1);
  const ymax = Math.max(...counts);
  const ys = linearScale(0, ymax * 1.15 + 0.5, BOX.y1, BOX.y0);
  ys.ticks = linearTicks(0, ymax * 1.15 + 0.5, 5).filter(Number.isInteger);
  const band = (x0: number, x1: number, fill: string) =>
    x1 > x0 ? `<rect x="${px(xs(x0))}" y="${BOX.y0}" width="${px(xs(x1) - xs(x0))}" height="${BOX.y1 - BOX.y0}" fill="${fill}"/>` : '';
  const bars = counts.map((c, i) =>
    c > 0
      ? `<rect class="bar" x="${px(xs(edges[i]) + 0.5)}" y="${px(ys(c))}" width="${px(xs(edges[i + 1]) - xs(edges[i]) - 1)}" height="${px(BOX.y1 - ys(c))}" fill="#4c78a8"><title>${esc(`α in [${formatTick(edges[i])}, ${formatTick(edges[i + 1])}): ${c} layer${c === 1 ? '' : 's'}`)}</title></rect>`
      : '').join('');
  const body = [
    band(lo, ALPHA_BANDS.over, '#fbe3e1'),
    band(ALPHA_BANDS.over, ALPHA_BANDS.under, '#e6f4e3'),
    band(ALPHA_BANDS.under, hi, '#fdf1d8'),
    axes(BOX, xs, ys, { x: 'α', y: 'layers' }),
    bars,
    `<text x="${BOX.x0}" y="${BOX.y0 - 8}" fill="#555">${a.length} fitted layers${over ? `; ${over} with α > ${CAP} in the last bin` : ''}</text>`,
  ].join('');
  return svgDoc(W, H, body, { fluid: opts.fluid ?? true, id: opts.id, cls: 'alpha-hist', label: 'histogram of α over the fitted layers' });
}
