// The two views of a layer's empirical spectral density (ESD), as WeightWatcher users read them:
// - log-log: histogram on log-spaced bins (a density in λ), the fitted power law p(λ) ∝ λ^-α drawn from
//   xmin to xmax and clipped to the frame, the MP bulk edge and density, the shuffled-W ESD when traps ran;
// - lin-lin: the bulk on linear bins with the Marchenko–Pastur density over it.
// Eigenvalues at or below the fit threshold (λ ≤ 1e-5 for WeightWatcher) are left out of both views and
// counted in a note: on quantized models they would otherwise take most of the log axis.
import { mpEdges, mpPdf, quarterCirclePdf } from '../../fit/mplaw.js';
import { formatCell } from '../columns.js';
import { chooseBinCount, equalEdges, histogram } from './bins.js';
import { axes, clipDef, esc, legend, px, svgDoc, type Box } from './frame.js';
import { formatTick, linearScale, logScale, type Scale } from './scale.js';

export interface EsdPlotInput {
  /** The layer's eigenvalues (any order). */
  evals: ArrayLike<number>;
  /** Eigenvalues ≤ threshold are not shown (the fit drops them). Default 1e-5. */
  threshold?: number;
  /** Power-law fit, drawn when alpha and xmin are finite. */
  alpha?: number;
  xmin?: number;
  xmax?: number;
  /** Marchenko–Pastur fit (sigmaMp in rescaled units, as fitted). */
  mp?: { Q: number; sigmaMp: number; bulkMin: number; bulkMax: number };
  /** ESD of the shuffled W (correlation traps). */
  randEvals?: ArrayLike<number>;
  /** Unique in the page: clip-path ids derive from it. */
  id: string;
}

export interface EsdView {
  /** SVG body (no <svg> element), for a view `w`×`h`. */
  body: string;
  notes: string[];
  /** The view's scales (absent when there was nothing to draw). */
  x?: Scale;
  y?: Scale;
}

export const VIEW = { w: 330, h: 250 } as const;
// two legend rows fit in the top margin
const BOX: Box = { x0: 52, y0: 34, x1: VIEW.w - 8, y1: VIEW.h - 42 };
const COLORS = { esd: '#4c78a8', fit: '#d62728', mp: '#2ca02c', rand: '#ff7f0e' } as const;
const num = (v: number) => formatCell(v);
const short = (v: number) => formatTick(v);

interface Prepared {
  shown: Float64Array;
  rand: Float64Array | null;
  dropped: number;
  threshold: number;
  nAll: number;
}

function positiveSorted(values: ArrayLike<number>, threshold: number): Float64Array {
  return Float64Array.from(Array.from(values).filter((v) => Number.isFinite(v) && v > threshold)).sort();
}

function prepare(p: EsdPlotInput): Prepared {
  const threshold = p.threshold ?? 1e-5;
  const shown = positiveSorted(p.evals, threshold);
  const rand = p.randEvals && p.randEvals.length > 0 ? positiveSorted(p.randEvals, threshold) : null;
  return { shown, rand: rand && rand.length > 1 ? rand : null, dropped: p.evals.length - shown.length, threshold, nAll: p.evals.length };
}

/** MP density in λ units, normalised like a histogram of the shown eigenvalues (the fit covers all of them). */
export function mpDensity(p: Pick<EsdPlotInput, 'mp'>, d: { nAll: number; shown: { length: number } }): { f: (lam: number) => number; lo: number; hi: number } | null {
  const mp = p.mp;
  if (!mp || !(mp.bulkMax > 0) || !(mp.sigmaMp > 0) || !(mp.Q >= 1)) return null;
  const { a, b } = mpEdges(mp.Q, mp.sigmaMp);
  const s = b / mp.bulkMax; // the fit's rescaling x = s·λ
  const k = d.nAll / d.shown.length;
  if (mp.Q === 1) {
    // WeightWatcher fits Q = 1 with the quarter circle on ν = √x (support ν ∈ [0, 2]); density in x by dν/dx
    return { f: (lam) => { const x = lam * s; return x > 0 ? (k * s * quarterCirclePdf(Math.sqrt(x), mp.sigmaMp)) / (2 * Math.sqrt(x)) : 0; }, lo: 0, hi: 4 / s };
  }
  return { f: (lam) => k * s * mpPdf(lam * s, mp.Q, mp.sigmaMp, a, b), lo: a / s, hi: b / s };
}

function bars(xs: Scale, ys: Scale, edges: number[], dens: number[], cls = 'bar'): string {
  return dens.map((v, i) => {
    if (!(v > 0)) return '';
    const x0 = xs(edges[i]);
    const x1 = xs(edges[i + 1]);
    const y = Math.max(BOX.y0, ys(v));
    return `<rect class="${cls}" x="${px(x0)}" y="${px(y)}" width="${px(Math.max(x1 - x0 - 0.4, 0.6))}" height="${px(BOX.y1 - y)}" fill="${COLORS.esd}" fill-opacity="0.7"/>`;
  }).join('');
}

/**
 * The outline of a histogram (the shuffled ESD) as a step line. On a linear axis an empty bin goes down to
 * the axis; on a log axis it has no height (log 0), so the line breaks there instead.
 */
function steps(xs: Scale, ys: Scale, edges: number[], dens: number[]): string {
  const y = (v: number) => px(Math.max(BOX.y0, Math.min(BOX.y1, ys(v))));
  let d = '';
  dens.forEach((v, i) => {
    const x0 = px(xs(edges[i]));
    const x1 = px(xs(edges[i + 1]));
    if (v > 0) d += `${i > 0 && (dens[i - 1] > 0 || !ys.log) ? ' L' : ' M'}${x0},${y(v)} L${x1},${y(v)}`;
    else if (!ys.log) d += `${i > 0 ? ' L' : ' M'}${x0},${px(BOX.y1)} L${x1},${px(BOX.y1)}`;
  });
  return d ? `<path class="rand" d="${d.trim()}" fill="none" stroke="${COLORS.rand}" stroke-width="1.5" stroke-dasharray="4 2"/>` : '';
}

function curve(xs: Scale, ys: Scale, lams: number[], f: (l: number) => number, clip: string): string {
  const pts = lams.map((l) => [l, f(l)] as const).filter(([, v]) => v > 0 && Number.isFinite(v));
  if (pts.length < 2) return '';
  const d = pts.map(([l, v], i) => `${i ? 'L' : 'M'}${px(xs(l))},${px(Math.max(BOX.y0 - 50, Math.min(BOX.y1 + 50, ys(v))))}`).join(' ');
  return `<path class="mp" d="${d}" fill="none" stroke="${COLORS.mp}" stroke-width="1.5" clip-path="url(#${clip})"/>`;
}

function vline(xs: Scale, v: number, color: string, dash: boolean, cls: string): string {
  const x = xs(v);
  return `<line class="${cls}" x1="${px(x)}" x2="${px(x)}" y1="${BOX.y0}" y2="${BOX.y1}" stroke="${color}" stroke-width="1.5"${dash ? ' stroke-dasharray="5 3"' : ''}/>`;
}

function densities(values: Float64Array, edgesLam: number[], onScale: (v: number) => number, edgesOnScale: number[]): number[] {
  const counts = histogram(Array.from(values, onScale), edgesOnScale);
  return counts.map((c, i) => c / (values.length * (edgesLam[i + 1] - edgesLam[i])));
}

function droppedNote(d: Prepared): string[] {
  return d.dropped > 0 ? [`${d.dropped} of ${d.nAll} eigenvalues ≤ ${short(d.threshold)} not shown (the fit drops them)`] : [];
}

function emptyView(d: Prepared): EsdView {
  return {
    body: `<text x="${VIEW.w / 2}" y="${VIEW.h / 2}" text-anchor="middle">fewer than 2 eigenvalues above ${esc(short(d.threshold))}</text>`,
    notes: droppedNote(d),
  };
}

function edgeNote(mp: EsdPlotInput['mp'], xs: Scale, shownMax: number): string[] {
  if (!mp || !(mp.bulkMax > 0)) return [];
  if (mp.bulkMax > xs.hi) return [`MP bulk edge λ+ = ${num(mp.bulkMax)} lies above ${mp.bulkMax > shownMax ? 'λ_max' : 'the frame'} (${num(shownMax)}): not drawn`];
  if (mp.bulkMax < xs.lo) return [`MP bulk edge λ+ = ${num(mp.bulkMax)} lies below the smallest eigenvalue shown: not drawn`];
  return [];
}

/** What both views begin with: clip path, axes, the ESD bars, the shuffled-W outline, the legend's items, notes. */
function start(p: EsdPlotInput, d: Prepared, h: { xs: Scale; ys: Scale; edges: number[]; dens: number[]; rdens: number[] | null }, titles: { x: string; y: string }) {
  const clip = `${p.id}-clip`;
  const parts = [clipDef(clip, BOX), axes(BOX, h.xs, h.ys, titles), bars(h.xs, h.ys, h.edges, h.dens)];
  const items: Parameters<typeof legend>[1] = [{ label: 'ESD', color: COLORS.esd, kind: 'box' }];
  if (h.rdens) {
    parts.push(steps(h.xs, h.ys, h.edges, h.rdens));
    items.push({ label: 'shuffled W', color: COLORS.rand, kind: 'dash' });
  }
  return { clip, parts, notes: droppedNote(d), items };
}

export function esdLogLog(p: EsdPlotInput): EsdView {
  const d = prepare(p);
  if (d.shown.length < 2) return emptyView(d);
  const n = d.shown.length;
  const lo = Math.min(d.shown[0], d.rand?.[0] ?? Infinity);
  const hi = Math.max(d.shown[n - 1], d.rand?.[d.rand.length - 1] ?? 0);
  const L0 = Math.log10(lo);
  const L1 = Math.log10(hi) > L0 ? Math.log10(hi) : L0 + 0.1;
  const pad = Math.max(0.02 * (L1 - L0), 0.01);
  const xs = logScale(10 ** (L0 - pad), 10 ** (L1 + pad), BOX.x0, BOX.x1);
  const fit = Number.isFinite(p.alpha) && (p.xmin ?? 0) > 0 ? { alpha: p.alpha!, xmin: p.xmin!, xmax: p.xmax && p.xmax > p.xmin! ? p.xmax : d.shown[n - 1] } : null;
  const logs = Array.from(d.shown, Math.log10);
  const count = chooseBinCount(logs, L0, L1, fit ? [Math.log10(fit.xmin), Math.log10(fit.xmax)] : undefined);
  const edgesLog = equalEdges(L0, L1, count);
  const edges = edgesLog.map((e) => 10 ** e);
  const dens = densities(d.shown, edges, Math.log10, edgesLog);
  const rdens = d.rand ? densities(d.rand, edges, Math.log10, edgesLog) : null;
  const pos = [...dens, ...(rdens ?? [])].filter((v) => v > 0);
  const ys = logScale(Math.min(...pos) / 3, Math.max(...pos) * 3, BOX.y1, BOX.y0);
  const { clip, parts, notes, items } = start(p, d, { xs, ys, edges, dens, rdens }, { x: 'eigenvalue λ (log)', y: 'density (log)' });
  const mpd = mpDensity(p, d);
  if (mpd) {
    const a = Math.max(mpd.lo, xs.lo);
    const b = Math.min(mpd.hi, xs.hi);
    if (b > a) parts.push(curve(xs, ys, Array.from({ length: 121 }, (_, i) => a * (b / a) ** (i / 120)), mpd.f, clip));
    if (p.mp!.bulkMax >= xs.lo && p.mp!.bulkMax <= xs.hi) parts.push(vline(xs, p.mp!.bulkMax, COLORS.mp, false, 'mp-edge'));
    notes.push(...edgeNote(p.mp, xs, d.shown[n - 1]));
    items.push({ label: 'MP', color: COLORS.mp, kind: 'line' });
  }
  if (fit) {
    // Tail share × normalised Pareto density (α−1)/xmin·(λ/xmin)^−α: a straight line in log-log, clipped
    // analytically to the frame (it decreases, so ys.hi bounds λ from below and ys.lo from above).
    let k = 0;
    for (const v of d.shown) if (v >= fit.xmin && v <= fit.xmax) k++;
    const c0 = (k / n) * ((fit.alpha - 1) / fit.xmin);
    const pl = (l: number) => c0 * (l / fit.xmin) ** -fit.alpha;
    const from = Math.max(fit.xmin, xs.lo, fit.xmin * (c0 / ys.hi) ** (1 / fit.alpha));
    const to = Math.min(fit.xmax, xs.hi, fit.xmin * (c0 / ys.lo) ** (1 / fit.alpha));
    if (fit.alpha > 1 && c0 > 0 && to > from)
      parts.push(`<line class="fit" x1="${px(xs(from))}" y1="${px(ys(pl(from)))}" x2="${px(xs(to))}" y2="${px(ys(pl(to)))}" stroke="${COLORS.fit}" stroke-width="2"/>`);
    else notes.push('the fitted power law lies outside the frame');
    if (fit.xmin >= xs.lo && fit.xmin <= xs.hi) parts.push(vline(xs, fit.xmin, COLORS.fit, true, 'xmin'));
    items.push({ label: `power law α ${num(fit.alpha)}`, color: COLORS.fit, kind: 'line' });
  }
  parts.push(legend(BOX, items));
  return { body: parts.join(''), notes, x: xs, y: ys };
}

export function esdLinLin(p: EsdPlotInput): EsdView {
  const d = prepare(p);
  if (d.shown.length < 2) return emptyView(d);
  const n = d.shown.length;
  const lmax = d.shown[n - 1];
  const bulkMax = p.mp?.bulkMax;
  // the frame reaches the MP edge when it lies a little beyond λ_max, so that the bulk fit stays readable
  let hi = Math.max(lmax, d.rand?.[d.rand.length - 1] ?? 0);
  if (bulkMax && bulkMax > hi && bulkMax <= 1.5 * hi) hi = bulkMax;
  const xs = linearScale(0, hi * 1.03, BOX.x0, BOX.x1);
  const count = chooseBinCount(d.shown, 0, hi);
  const edges = equalEdges(0, hi, count);
  const id = (v: number) => v;
  const dens = densities(d.shown, edges, id, edges);
  const rdens = d.rand ? densities(d.rand, edges, id, edges) : null;
  const ys = linearScale(0, Math.max(...dens, ...(rdens ?? [0])) * 1.1, BOX.y1, BOX.y0);
  const { clip, parts, notes, items } = start(p, d, { xs, ys, edges, dens, rdens }, { x: 'eigenvalue λ', y: 'density' });
  const mpd = mpDensity(p, d);
  if (mpd) {
    const a = Math.max(mpd.lo, 0);
    const b = Math.min(mpd.hi, xs.hi);
    if (b > a) parts.push(curve(xs, ys, Array.from({ length: 241 }, (_, i) => a + ((b - a) * i) / 240), mpd.f, clip));
    if (bulkMax! <= xs.hi) parts.push(vline(xs, bulkMax!, COLORS.mp, false, 'mp-edge'));
    notes.push(...edgeNote(p.mp, xs, lmax));
    items.push({ label: `MP, λ+ ${num(bulkMax!)}`, color: COLORS.mp, kind: 'line' });
  }
  if (Number.isFinite(p.alpha) && p.xmin && p.xmin <= xs.hi) parts.push(vline(xs, p.xmin, COLORS.fit, true, 'xmin'));
  parts.push(legend(BOX, items));
  return { body: parts.join(''), notes, x: xs, y: ys };
}

/** Both views side by side in one standalone SVG file, with the layer's name as its title and the notes below. */
export function esdFigureSvg(title: string, p: EsdPlotInput): string {
  const log = esdLogLog({ ...p, id: `${p.id}-log` });
  const lin = esdLinLin({ ...p, id: `${p.id}-lin` });
  const notes = [...new Set([...log.notes, ...lin.notes])];
  const top = 24;
  const h = top + VIEW.h + notes.length * 15 + 6;
  const body = [
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="16" font-size="13" font-weight="600">${esc(title)}</text>`,
    `<g transform="translate(0 ${top})">${log.body}</g>`,
    `<g transform="translate(${VIEW.w} ${top})">${lin.body}</g>`,
    ...notes.map((t, i) => `<text x="10" y="${top + VIEW.h + 12 + i * 15}" fill="#555">${esc(t)}</text>`),
  ].join('');
  return svgDoc(2 * VIEW.w, h, body, { label: `ESD of ${title}` });
}
