// The power-law candidates of formulas.md §2 and the fast KS xmin scan.
//
// For xmin = x_i (x ascending, positive), tail size k = n − i:
//   α_i = 1 + k / Σ_{j≥i} ln(x_j/x_i),   D_i = max_{t<k} |1 − (x_{i+t}/x_i)^{1−α_i} − t/k|.
// α_i is O(1) from suffix sums of ln x. D_i is a maximum over the tail; computed naively every candidate
// costs O(k) and the scan O(n²) (1.25e9 power evaluations for 50 000 eigenvalues).
//
// The scan only needs the first argmin of D, so we evaluate D by branch-and-bound. On a block of
// indices [j0, j1] the model CDF F(x_j) is increasing and the empirical t/k too, so
//   |F(x_j) − t/k| ≤ max(F(x_j1) − t0/k, t1/k − F(x_j0))     (two values we already have);
// blocks whose bound cannot beat the running maximum are never opened, and a candidate is abandoned as
// soon as its running maximum exceeds the best D found so far (it cannot be the argmin). A first pass over
// ~32 evenly spaced candidates seeds the best D, and each candidate starts from the index where the
// previous one peaked. The result is exact — the same D values and the same first argmin as the naive
// scan (up to the last-bit rounding of exp vs pow) — but the work is O(n) for the α's plus, typically,
// O(log n) exp() calls per candidate: O(n log n) in practice, O(n²) only in the worst case (a D curve so
// flat that no block can be pruned). Measured: ~15-40 ms for 50 000 eigenvalues (see test/31).

/** Suffix sums of ln x (shifted by ln x_max to keep them small; Neumaier-compensated). */
export class TailSums {
  readonly L: Float64Array;
  private readonly S: Float64Array;
  private readonly c: number;

  constructor(readonly x: Float64Array) {
    const n = x.length;
    this.L = new Float64Array(n);
    for (let i = 0; i < n; i++) this.L[i] = Math.log(x[i]);
    this.c = n > 0 ? this.L[n - 1] : 0;
    this.S = new Float64Array(n + 1);
    let s = 0;
    let comp = 0;
    for (let i = n - 1; i >= 0; i--) {
      const v = this.L[i] - this.c;
      const t = s + v;
      comp += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
      s = t;
      this.S[i] = s + comp;
    }
  }

  /** α for xmin = x_i over the tail x_i..x_{end-1}; NaN when the tail is all ties (Σ ln = 0). */
  alpha(i: number, end = this.x.length): number {
    const k = end - i;
    const denom = this.S[i] - this.S[end] - k * (this.L[i] - this.c);
    return denom > 0 ? 1 + k / denom : NaN;
  }
}

/** D_i computed the plain way, O(k): the reference the fast path must agree with. */
export function ksDistanceNaive(x: Float64Array, i: number, alpha: number, end = x.length): number {
  if (!(alpha > 1)) return 1;
  const k = end - i;
  const xi = x[i];
  let D = 0;
  for (let t = 0; t < k; t++) {
    const d = Math.abs(1 - Math.pow(x[i + t] / xi, 1 - alpha) - t / k);
    if (d > D) D = d;
  }
  return D;
}

export interface ScanResult {
  i: number;
  alpha: number;
  D: number;
}

const LEAF = 16;

/** Branch-and-bound KS distance; see the header. Reusable stacks avoid allocation per candidate. */
class BoundedKs {
  private j0 = new Int32Array(64);
  private j1 = new Int32Array(64);
  private f0 = new Float64Array(64);
  private f1 = new Float64Array(64);
  /** Index where the last evaluated candidate peaked (a good start for the next one). */
  arg = -1;

  constructor(
    private readonly L: Float64Array,
    private readonly end: number,
  ) {}

  private push(sp: number, a: number, b: number, fa: number, fb: number): number {
    if (sp === this.j0.length) {
      const grow = <T extends Int32Array | Float64Array>(v: T): T => {
        const w = new (v.constructor as { new (n: number): T })(v.length * 2);
        w.set(v);
        return w;
      };
      this.j0 = grow(this.j0);
      this.j1 = grow(this.j1);
      this.f0 = grow(this.f0);
      this.f1 = grow(this.f1);
    }
    this.j0[sp] = a;
    this.j1[sp] = b;
    this.f0[sp] = fa;
    this.f1[sp] = fb;
    return sp + 1;
  }

  /**
   * D_i, exact whenever it can still win: returns early (with some value that already loses) once the
   * running maximum exceeds `bound`, or equals it when `equalLoses`.
   */
  distance(i: number, alpha: number, bound: number, equalLoses: boolean): number {
    const { L, end } = this;
    const k = end - i;
    const a = alpha - 1;
    const Li = L[i];
    const loses = (d: number) => d > bound || (equalLoses && d === bound);
    // F(x_j) = 1 − (x_j/x_i)^{1−α} = 1 − exp(−(α−1)(ln x_j − ln x_i))
    const fLast = 1 - Math.exp(-a * (L[end - 1] - Li));
    let cur = Math.abs(fLast - (k - 1) / k);
    let arg = end - 1;
    const h = this.arg;
    if (h > i && h < end - 1) {
      const d = Math.abs(1 - Math.exp(-a * (L[h] - Li)) - (h - i) / k);
      if (d > cur) {
        cur = d;
        arg = h;
      }
    }
    if (loses(cur)) {
      this.arg = arg;
      return cur;
    }
    let sp = this.push(0, i, end - 1, 0, fLast);
    while (sp > 0) {
      sp--;
      const j0 = this.j0[sp];
      const j1 = this.j1[sp];
      if (j1 - j0 <= 1) continue;
      const F0 = this.f0[sp];
      const F1 = this.f1[sp];
      const ub = Math.max(F1 - (j0 - i) / k, (j1 - i) / k - F0);
      if (ub <= cur) continue;
      if (j1 - j0 <= LEAF) {
        for (let j = j0 + 1; j < j1; j++) {
          const d = Math.abs(1 - Math.exp(-a * (L[j] - Li)) - (j - i) / k);
          if (d > cur) {
            cur = d;
            arg = j;
          }
        }
        if (loses(cur)) break;
        continue;
      }
      const m = (j0 + j1) >>> 1;
      const Fm = 1 - Math.exp(-a * (L[m] - Li));
      const d = Math.abs(Fm - (m - i) / k);
      if (d > cur) {
        cur = d;
        arg = m;
        if (loses(cur)) break;
      }
      // Open the half with the larger bound first: it most likely holds the maximum.
      const ubLo = Math.max(Fm - (j0 - i) / k, (m - i) / k - F0);
      const ubHi = Math.max(F1 - (m - i) / k, (j1 - i) / k - Fm);
      if (ubLo >= ubHi) {
        sp = this.push(sp, m, j1, Fm, F1);
        sp = this.push(sp, j0, m, F0, Fm);
      } else {
        sp = this.push(sp, j0, m, F0, Fm);
        sp = this.push(sp, m, j1, Fm, F1);
      }
    }
    this.arg = arg;
    return cur;
  }
}

/**
 * First argmin of D over candidates i in [0, stop) of the data x[0..end) (stop ≤ end − 1), skipping
 * degenerate candidates (α not > 1, i.e. an all-ties tail). Null when no candidate is usable.
 */
export function scanKs(sums: TailSums, stop: number, end = sums.x.length): ScanResult | null {
  const ks = new BoundedKs(sums.L, end);
  let best: ScanResult | null = null;
  const seeded = new Uint8Array(stop);
  // Seed pass: a few evenly spaced candidates, exactly, to get a small best D early.
  const stride = Math.max(1, Math.floor(stop / 32));
  for (let i = 0; i < stop; i += stride) {
    seeded[i] = 1;
    const alpha = sums.alpha(i, end);
    if (!(alpha > 1)) continue;
    const D = ks.distance(i, alpha, Infinity, false);
    if (best === null || D < best.D || (D === best.D && i < best.i)) best = { i, alpha, D };
  }
  for (let i = 0; i < stop; i++) {
    if (seeded[i]) continue;
    const alpha = sums.alpha(i, end);
    if (!(alpha > 1)) continue;
    if (best === null) {
      best = { i, alpha, D: ks.distance(i, alpha, Infinity, false) };
      continue;
    }
    const D = ks.distance(i, alpha, best.D, i > best.i);
    if (D < best.D || (D === best.D && i < best.i)) best = { i, alpha, D };
  }
  return best;
}

/** The O(n²) scan exactly as written in formulas.md §2 (direct sums and powers); reference only. */
export function scanKsNaive(x: Float64Array, stop: number, end = x.length): ScanResult | null {
  let best: ScanResult | null = null;
  for (let i = 0; i < stop; i++) {
    const k = end - i;
    let denom = 0;
    for (let j = i; j < end; j++) denom += Math.log(x[j] / x[i]);
    if (!(denom > 0)) continue;
    const alpha = 1 + k / denom;
    const D = ksDistanceNaive(x, i, alpha, end);
    if (best === null || D < best.D) best = { i, alpha, D };
  }
  return best;
}
