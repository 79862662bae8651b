// Kernel density estimate with the linear (triangular) kernel, as sklearn's
// KernelDensity(kernel='linear', bandwidth=h) that WeightWatcher's MP fit uses (formulas.md §4):
//   f(x) = 1/(n h) Σ_i max(0, 1 − |x − v_i|/h)
// evaluated exactly (no tree approximation), summing only the values within h of x.

/** Density at each point of `at`; `sorted` must be ascending. */
export function kdeLinear(sorted: Float64Array, at: Float64Array, h: number): Float64Array {
  const n = sorted.length;
  const out = new Float64Array(at.length);
  let lo = 0;
  for (let g = 0; g < at.length; g++) {
    const x = at[g];
    // `at` is ascending (a linspace), so the window start only moves right.
    while (lo < n && sorted[lo] <= x - h) lo++;
    let s = 0;
    for (let j = lo; j < n; j++) {
      const d = Math.abs(x - sorted[j]);
      if (sorted[j] >= x + h) break;
      if (d < h) s += 1 - d / h;
    }
    out[g] = s / (n * h);
  }
  return out;
}

/** numpy.linspace(start, stop, num): i·step + start, the last point exactly stop. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}
