// The Marchenko–Pastur law as WeightWatcher writes it (RMT_Util.py 730-760) and its Tracy–Widom edge
// (formulas.md §4). Eigenvalues here are rescaled to mean 1 (x = λ·n/Σλ).

/** Bulk edges a = (σ(1 − Q^−½))², b = (σ(1 + Q^−½))², written as WW's marchenko_pastur_fun does. */
export function mpEdges(Q: number, sigma: number): { a: number; b: number } {
  const r = Math.sqrt(1 / Q);
  return { a: Math.pow(sigma * (1 - r), 2), b: Math.pow(sigma * (1 + r), 2) };
}

/**
 * MP density sqrt((b − x)(x − a)) / (2π σ² x / Q), 0 outside the support (WW's nan_to_num turns the
 * square root of a negative number into 0, and +∞ into the largest double).
 */
export function mpPdf(x: number, Q: number, sigma: number, a: number, b: number): number {
  const v = (1 / (2 * Math.PI * sigma * sigma * x * (1 / Q))) * Math.sqrt((b - x) * (x - a));
  if (Number.isNaN(v)) return 0;
  return v === Infinity ? Number.MAX_VALUE : v;
}

/**
 * WW's quarter-circle law for Q = 1, on singular values ν = √x: (1/(π σ²)) sqrt(4 − ν²). As in WW the
 * support is fixed at [0, 2] (σ only scales the height); with x rescaled to mean 1, σ ≈ 1.
 */
export function quarterCirclePdf(nu: number, sigma: number): number {
  const v = (1 / (Math.PI * sigma * sigma)) * Math.sqrt(4 - nu * nu);
  return Number.isNaN(v) ? 0 : v;
}

/** Tracy–Widom width TW = Q^−½ · λ₊^{2/3} · M^{−2/3}; spikes are eigenvalues above λ₊ + √TW (as WW). */
export function tracyWidom(Q: number, lambdaPlus: number, M: number): number {
  return (1 / Math.sqrt(Q)) * Math.pow(lambdaPlus, 2 / 3) * Math.pow(M, -2 / 3);
}

/**
 * CDF of the MP law with edges a < b (a properly normalised MP law, σ² the entry variance of the
 * rescaled matrix), by quadrature in θ with x = a + (b − a)(1 − cos θ)/2, which removes the square-root
 * singularities at both edges: dF = (b − a)² sin²θ / (8 π σ² x / Q) dθ. Returns a function of x.
 */
export function mpCdf(Q: number, sigma: number, steps = 4096): (x: number) => number {
  const { a, b } = mpEdges(Q, sigma);
  const xs = new Float64Array(steps + 1);
  const F = new Float64Array(steps + 1);
  const h = Math.PI / steps;
  const dens = (t: number): number => {
    const x = a + ((b - a) * (1 - Math.cos(t))) / 2;
    // θ → 0 with a = 0 (Q = 1): the density has the finite limit (b − a)·Q / (2πσ²). A lower edge that is
    // not 0 only by rounding (Q within a few ulps of 1 gives a ≈ 1e-31) is the same limit: its dip to 0 is
    // narrower than any quadrature step (it used to make the CDF off by ~1e-5).
    if (x <= 0 || (t === 0 && a <= (b - a) * 1e-12)) return ((b - a) * Q) / (2 * Math.PI * sigma * sigma);
    const s = Math.sin(t);
    return ((b - a) * (b - a) * s * s) / (8 * Math.PI * sigma * sigma * (x / Q));
  };
  let prev = dens(0);
  xs[0] = a;
  for (let i = 1; i <= steps; i++) {
    const t = i * h;
    const cur = dens(t);
    const mid = dens(t - h / 2);
    F[i] = F[i - 1] + (h / 6) * (prev + 4 * mid + cur); // Simpson on each step
    xs[i] = a + ((b - a) * (1 - Math.cos(t))) / 2;
    prev = cur;
  }
  const total = F[steps];
  return (x: number): number => {
    if (x <= a) return 0;
    if (x >= b) return 1;
    let lo = 0;
    let hi = steps;
    while (hi - lo > 1) {
      const m = (lo + hi) >>> 1;
      if (xs[m] <= x) lo = m;
      else hi = m;
    }
    const w = (x - xs[lo]) / (xs[hi] - xs[lo]);
    return (F[lo] + w * (F[hi] - F[lo])) / total;
  };
}
