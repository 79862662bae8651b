// Log-log ESD plot as a standalone SVG: histogram of the eigenvalues on log-spaced bins (density),
// the fitted power law p(λ) ∝ λ^-α from xmin (scaled to the tail's share of the eigenvalues), and the
// Marchenko-Pastur bulk edge when fitted. No dependencies, so reports stay self-contained.

export interface EsdPlotInput {
  title: string;
  evals: ArrayLike<number>;
  alpha?: number;
  xmin?: number;
  xmax?: number;
  bulkMax?: number;
  width?: number;
  height?: number;
  bins?: number;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (v: number) => (Math.abs(v) >= 1e4 || Math.abs(v) < 1e-2 ? v.toExponential(1) : v.toPrecision(3));

/** Histogram on log-spaced bins over [min, max] of the positive finite values, as a density in λ. */
export function logHistogram(values: ArrayLike<number>, bins?: number) {
  const pos = Array.from(values).filter((v) => v > 0 && Number.isFinite(v));
  const lo = Math.log10(Math.min(...pos));
  const hi = Math.log10(Math.max(...pos));
  const span = Math.max(hi - lo, 1e-6);
  const nb = bins ?? Math.min(60, Math.max(10, Math.round(Math.sqrt(pos.length))));
  const counts = new Array<number>(nb).fill(0);
  for (const v of pos) counts[Math.min(nb - 1, Math.floor(((Math.log10(v) - lo) / span) * nb))]++;
  const edges = Array.from({ length: nb + 1 }, (_, i) => 10 ** (lo + (span * i) / nb));
  const density = counts.map((c, i) => c / (pos.length * (edges[i + 1] - edges[i])));
  return { pos, lo, hi, span, edges, counts, density };
}

export function esdPlotSvg(p: EsdPlotInput): string {
  const W = p.width ?? 480;
  const H = p.height ?? 320;
  const m = { l: 58, r: 14, t: 28, b: 44 };
  const pos = Array.from(p.evals).filter((v) => v > 0 && Number.isFinite(v));
  const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`;
  const title = `<text x="${W / 2}" y="16" text-anchor="middle" font-size="13">${esc(p.title)}</text>`;
  if (pos.length < 2) return `${head}${title}<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no positive eigenvalues</text></svg>`;

  const { lo, hi, span, edges, density: dens } = logHistogram(pos, p.bins);
  const dpos = dens.filter((d) => d > 0);
  // half a decade below the smallest bar so that it stays visible
  let ylo = Math.log10(Math.min(...dpos)) - 0.5;
  let yhi = Math.log10(Math.max(...dpos));
  if (yhi - ylo < 1e-6) [ylo, yhi] = [ylo - 1, yhi + 1];
  const X = (v: number) => m.l + ((Math.log10(v) - lo) / span) * (W - m.l - m.r);
  const Y = (d: number) => H - m.b - ((Math.log10(d) - ylo) / (yhi - ylo)) * (H - m.t - m.b);

  const parts: string[] = [head, title];
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#999"/>`);
  dens.forEach((d, i) => {
    if (d <= 0) return;
    const x0 = X(edges[i]);
    const x1 = X(edges[i + 1]);
    const y = Y(d);
    parts.push(`<rect x="${x0.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(x1 - x0 - 0.5, 0.5).toFixed(1)}" height="${(H - m.b - y).toFixed(1)}" fill="#4c78a8" fill-opacity="0.75"/>`);
  });
  if (p.alpha !== undefined && p.xmin !== undefined && Number.isFinite(p.alpha) && p.xmin > 0) {
    // Tail share times the normalised Pareto density (α-1)/xmin (λ/xmin)^-α.
    const share = pos.filter((v) => v >= p.xmin!).length / pos.length;
    const xmaxLine = p.xmax ?? 10 ** hi;
    const pts: string[] = [];
    for (let i = 0; i <= 40; i++) {
      const v = p.xmin * (xmaxLine / p.xmin) ** (i / 40);
      const d = share * ((p.alpha - 1) / p.xmin) * (v / p.xmin) ** -p.alpha;
      if (d > 0 && Math.log10(d) >= ylo - 1) pts.push(`${X(v).toFixed(1)},${Math.max(m.t, Math.min(H - m.b, Y(d))).toFixed(1)}`);
    }
    if (pts.length > 1) parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="#e45756" stroke-width="2"/>`);
    parts.push(`<line x1="${X(p.xmin).toFixed(1)}" x2="${X(p.xmin).toFixed(1)}" y1="${m.t}" y2="${H - m.b}" stroke="#e45756" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${W - m.r - 4}" y="${m.t + 14}" text-anchor="end" fill="#e45756">α = ${p.alpha.toFixed(2)}, xmin = ${fmt(p.xmin)}</text>`);
  }
  if (p.bulkMax !== undefined && p.bulkMax > 0 && Number.isFinite(p.bulkMax)) {
    const x = X(p.bulkMax);
    parts.push(`<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${m.t}" y2="${H - m.b}" stroke="#54a24b" stroke-width="1.5"/>`);
    parts.push(`<text x="${W - m.r - 4}" y="${m.t + 28}" text-anchor="end" fill="#54a24b">MP bulk edge ${fmt(p.bulkMax)}</text>`);
  }
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++)
    parts.push(`<text x="${X(10 ** e).toFixed(1)}" y="${H - m.b + 14}" text-anchor="middle">1e${e}</text>`);
  for (let e = Math.ceil(ylo); e <= Math.floor(yhi); e++)
    parts.push(`<text x="${m.l - 4}" y="${(Y(10 ** e) + 4).toFixed(1)}" text-anchor="end">1e${e}</text>`);
  parts.push(`<text x="${W / 2}" y="${H - 8}" text-anchor="middle">eigenvalue λ (log)</text>`);
  parts.push(`<text transform="translate(14 ${H / 2}) rotate(-90)" text-anchor="middle">density (log)</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}
