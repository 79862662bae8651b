// Comparisons of weightscope's values with numpy's, with the tolerances the README's property-suite section
// documents. Every bound is a multiple of eps(dtype) scaled the way the quantity's error propagates
// (singular values: absolute ~ max(m, n)·eps·σ_max, Weyl; subspaces: that over the gap, Wedin).
import type { Case } from './harness.js';
import type { EncodedMatrix } from './gen.js';

export const EPS = { float32: 2 ** -23, float64: 2 ** -52 } as const;

/** The child's JSON back to numbers: {$nf} → NaN/±Infinity, {$typed} → number[]. */
export function num(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(num);
  if (x !== null && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if ('$nf' in o) return Number(o.$nf);
    if ('$typed' in o) return (o.v as unknown[]).map(num);
    if ('$undef' in o) return undefined;
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, num(v)]));
  }
  return x;
}

export function rel(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE);
}

/** null if |a − b| <= tol·|b| (and both finite), else the message. */
export function closeRel(what: string, a: unknown, b: number, tol: number): string | null {
  if (typeof a !== 'number' || !Number.isFinite(a)) return `${what} = ${a}, numpy ${b}`;
  const e = rel(a, b);
  return e <= tol ? null : `${what} = ${a}, numpy ${b} (relative error ${e.toExponential(2)} > ${tol.toExponential(2)})`;
}

export function closeAbs(what: string, a: unknown, b: number, tol: number): string | null {
  if (typeof a !== 'number' || !Number.isFinite(a)) return `${what} = ${a}, numpy ${b}`;
  return Math.abs(a - b) <= tol ? null : `${what} = ${a}, numpy ${b} (|error| ${Math.abs(a - b).toExponential(2)} > ${tol.toExponential(2)})`;
}

/** Element-wise absolute comparison of equal-length arrays. */
export function arraysAbs(what: string, a: unknown, b: number[], tol: number): string | null {
  if (!Array.isArray(a)) return `${what} is not an array: ${JSON.stringify(a)?.slice(0, 100)}`;
  if (a.length !== b.length) return `${what} has ${a.length} values, numpy ${b.length}`;
  for (let i = 0; i < b.length; i++) {
    const p = closeAbs(`${what}[${i}]`, a[i], b[i], tol);
    if (p) return p;
  }
  return null;
}

export function inRange(what: string, a: unknown, r: { lo: number; hi: number }): string | null {
  return typeof a === 'number' && a >= r.lo && a <= r.hi ? null : `${what} = ${a}, numpy allows ${r.lo}..${r.hi}`;
}

export function first(...ps: (string | null)[]): string | null {
  return ps.find((p) => p !== null) ?? null;
}

/** eps of the matrix's dtype and max(rows, cols). */
export function epsDim(m: EncodedMatrix): [number, number] {
  return [EPS[m.dtype], Math.max(...m.shape)];
}

export function matrixArg(c: Case, key = 'A'): EncodedMatrix {
  return c.args[key] as EncodedMatrix;
}

export function decodeMatrix(m: EncodedMatrix): Float64Array {
  const buf = Buffer.from(m.b64, 'base64');
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  return Float64Array.from(m.dtype === 'float32' ? new Float32Array(ab) : new Float64Array(ab));
}

/** Singular values: |Δσ_i| <= 16·max(m, n)·eps·σ_max (LAPACK's backward stability + Weyl). */
export function svalsCheck(what: string, js: unknown, ref: number[], m: EncodedMatrix, factor = 16): string | null {
  const [eps, n] = epsDim(m);
  return arraysAbs(what, js, ref, factor * n * eps * (ref[0] ?? 0));
}
