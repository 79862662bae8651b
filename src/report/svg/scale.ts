// Axis scales and ticks for the report's plots. Log axes label whole decades when the range holds two or
// more, then 1-2-5 steps, then every mantissa, and below that plain linear ticks, so an axis always has
// labels, also when its range is a fraction of a decade.

export interface Scale {
  (v: number): number;
  /** Data range shown (for a log scale: positive values). */
  lo: number;
  hi: number;
  log: boolean;
  ticks: number[];
  /** Data value at a pixel position. */
  invert(p: number): number;
}

/** Smallest and largest of the values, by a loop (a spread into Math.min fails past ~125 000 arguments). */
export function extent(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < lo) lo = values[i];
    if (values[i] > hi) hi = values[i];
  }
  return [lo, hi];
}

export function linearScale(lo: number, hi: number, p0: number, p1: number): Scale {
  if (!(hi > lo)) [lo, hi] = lo === 0 ? [-1, 1] : [lo - Math.abs(lo) * 0.05, hi + Math.abs(hi) * 0.05];
  const f = (v: number) => p0 + ((v - lo) / (hi - lo)) * (p1 - p0);
  const invert = (p: number) => lo + ((p - p0) / (p1 - p0)) * (hi - lo);
  return Object.assign(f, { lo, hi, log: false, ticks: linearTicks(lo, hi), invert });
}

export function logScale(lo: number, hi: number, p0: number, p1: number): Scale {
  if (!(hi > lo)) [lo, hi] = [lo / 1.1, hi * 1.1];
  const a = Math.log10(lo);
  const b = Math.log10(hi);
  const f = (v: number) => p0 + ((Math.log10(v) - a) / (b - a)) * (p1 - p0);
  const invert = (p: number) => 10 ** (a + ((p - p0) / (p1 - p0)) * (b - a));
  return Object.assign(f, { lo, hi, log: true, ticks: logTicks(lo, hi), invert });
}

/** About `target` round ticks (1, 2, 5 × 10^k steps) inside [lo, hi]. */
export function linearTicks(lo: number, hi: number, target = 5): number[] {
  const raw = (hi - lo) / target;
  if (!(raw > 0) || !Number.isFinite(raw)) return [lo];
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const out: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/** Ticks for a log axis over [lo, hi] (lo > 0). */
export function logTicks(lo: number, hi: number): number[] {
  const inRange = (v: number) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const e0 = Math.floor(Math.log10(lo));
  const e1 = Math.ceil(Math.log10(hi));
  const decades = e1 - e0;
  for (const mantissas of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const out: number[] = [];
    for (let e = e0; e <= e1; e++) for (const m of mantissas) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (inRange(v)) out.push(v);
    }
    // thin out whole decades on very wide ranges
    if (mantissas.length === 1 && out.length >= 2) return out.length > 8 ? out.filter((_, i) => i % Math.ceil(out.length / 8) === 0) : out;
    if (mantissas.length > 1 && out.length >= 3 && out.length <= 12 && decades <= 3) return out;
  }
  return linearTicks(lo, hi, 4).filter((v) => v > 0);
}

/** A short label: plain decimals between 1e-3 and 1e5, otherwise 2e-5 / 1.5e4. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(6)));
  const [m, e] = v.toExponential().split('e');
  return `${Number(Number(m).toPrecision(3))}e${Number(e)}`;
}
