// numpy.histogram(v, bins) for equal-width bins, reproduced operation for operation (edges from
// numpy.linspace, the bin index from the scaled offset then corrected against the edges) so that the
// 'peak' xmin rule (formulas.md §2) picks the same bin as the reference code.

export interface Histogram {
  counts: Int32Array;
  edges: Float64Array;
}

export function histogram(v: Float64Array, bins: number): Histogram {
  let first = Infinity;
  let last = -Infinity;
  for (const a of v) {
    if (a < first) first = a;
    if (a > last) last = a;
  }
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  // numpy.linspace(first, last, bins + 1): i * step + start, the last edge set to stop exactly.
  const edges = new Float64Array(bins + 1);
  const step = (last - first) / bins;
  for (let i = 0; i <= bins; i++) edges[i] = i * step + first;
  edges[bins] = last;
  const counts = new Int32Array(bins);
  const denom = last - first;
  for (const a of v) {
    let idx = Math.trunc(((a - first) / denom) * bins);
    if (idx === bins) idx -= 1;
    if (a < edges[idx]) idx -= 1;
    else if (a >= edges[idx + 1] && idx !== bins - 1) idx += 1;
    counts[idx]++;
  }
  return { counts, edges };
}
