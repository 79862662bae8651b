// Histogram bins for ESD plots. The count follows Freedman–Diaconis (on log λ for log axes), with a floor
// so that a short spectrum still gets a readable histogram and the fitted tail [xmin, xmax] spans
// several bins: with a fixed 10 bins the tail of a 64-eigenvalue layer falls into 2 or 3 bars.

/** Quantile with linear interpolation between order statistics (numpy's default), of ascending values. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const pos = p * (sorted.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < sorted.length ? sorted[i] + f * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/** Freedman–Diaconis bin width 2·IQR·n^(-1/3) of ascending values (NaN when IQR = 0 or n < 2). */
export function fdWidth(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n < 2) return NaN;
  const iqr = quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25);
  return iqr > 0 ? 2 * iqr * n ** (-1 / 3) : NaN;
}

/** Freedman–Diaconis bin count over the data's range, as numpy's bins='fd' (1 when IQR = 0). */
export function fdBinCount(sorted: ArrayLike<number>): number {
  const h = fdWidth(sorted);
  const range = sorted.length > 0 ? sorted[sorted.length - 1] - sorted[0] : 0;
  return h > 0 && range > 0 ? Math.ceil(range / h) : 1;
}

/**
 * Bins over [lo, hi] for `sorted` (on the axis' scale: log10 λ for log axes): the Freedman–Diaconis width,
 * at least 20 bins but at most max(8, n/2) (a 20-eigenvalue layer gets 10) — then at least 8 across `tail`
 * (a sub-range: the fitted power-law tail) when given — and never more than 200.
 */
export function chooseBinCount(sorted: ArrayLike<number>, lo: number, hi: number, tail?: [number, number]): number {
  const n = sorted.length;
  const h = fdWidth(sorted);
  const span = hi - lo;
  let count = Math.min(Math.max(h > 0 && span > 0 ? Math.ceil(span / h) : 1, 20), Math.max(8, Math.ceil(n / 2)));
  if (tail && tail[1] > tail[0] && span > 0) count = Math.max(count, Math.ceil((8 * span) / (tail[1] - tail[0])));
  return Math.min(count, 200);
}

/** `count` equal bins over [lo, hi] (edges on the axis' scale). */
export function equalEdges(lo: number, hi: number, count: number): number[] {
  return Array.from({ length: count + 1 }, (_, i) => (i === count ? hi : lo + ((hi - lo) * i) / count));
}

/** Counts per bin of equal-width edges, numpy's rule: [e_i, e_i+1), the last bin closed; outside values ignored. */
export function histogram(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const nb = edges.length - 1;
  const lo = edges[0];
  const hi = edges[nb];
  const counts = new Array<number>(nb).fill(0);
  if (!(hi > lo)) {
    // a zero-width range: every value equal to it falls in the first bin
    for (let k = 0; k < values.length; k++) if (values[k] === lo) counts[0]++;
    return counts;
  }
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (!(v >= lo && v <= hi)) continue;
    let i = Math.min(nb - 1, Math.floor(((v - lo) / (hi - lo)) * nb));
    while (i > 0 && v < edges[i]) i--; // rounding at bin edges
    while (i < nb - 1 && v >= edges[i + 1]) i++;
    counts[i]++;
  }
  return counts;
}
