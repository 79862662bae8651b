// Scale-safe arithmetic for finite inputs anywhere in float64's range (1e-300 … 1e300).
// Multiplying by a power of two is exact (barring underflow of entries negligible next to the largest),
// so data is brought to max|x| in [0.5, 1) once, every scale-invariant quantity (cosines, ratios of norms,
// ranks, entropies) is computed on the scaled data, and quantities with units get the exponent back at the
// end — where a value that float64 cannot hold is an E_NONFINITE error, never Infinity, NaN or 0.
import { fail } from '../errors.js';
import type { FloatArray } from '../linalg/matrix.js';

/**
 * e with |x|·2^-e in [0.5, 1) (C's frexp); 0 for x = 0, and 0 for ±Infinity or NaN (no scaling: the
 * finiteness checks downstream name the bad entry; computing a "scale" of Infinity looped forever).
 */
export function exponentOf(x: number): number {
  const a = Math.abs(x);
  if (a === 0 || !Number.isFinite(a)) return 0;
  let e = Math.floor(Math.log2(a)) + 1; // exact or off by one near powers of two: corrected below
  let m = ldexp(a, -e);
  while (m >= 1) (e++, (m /= 2));
  while (m < 0.5) (e--, (m *= 2));
  return e;
}

/** x·2^e without overflow or underflow of the intermediate power (steps of at most 2^±1000). */
export function ldexp(x: number, e: number): number {
  if (!Number.isFinite(e)) return x * 2 ** e; // 0, ±Infinity or NaN at once: the steps below would never end
  let y = x;
  let k = e;
  while (k > 1000) (y *= 2 ** 1000), (k -= 1000);
  while (k < -1000) (y *= 2 ** -1000), (k += 1000);
  return y * 2 ** k;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}

/** Scales `a` in place by 2^-e so that max|a| is in [0.5, 1); returns e (0 for all zeros). */
export function normalizeInPlace(a: FloatArray | Float64Array): number {
  const e = exponentOf(maxAbs(a));
  if (e !== 0) {
    const f = 2 ** -e; // |e| <= 1074 + 1: 2^-e may not be representable, so scale in two steps when needed
    if (Number.isFinite(f) && f > 0) for (let i = 0; i < a.length; i++) a[i] *= f;
    else for (let i = 0; i < a.length; i++) a[i] = ldexp(a[i], -e);
  }
  return e;
}

/** A non-negative value m·2^e held apart, so that neither part overflows or underflows. */
export interface Scaled {
  m: number;
  e: number;
}

/** ‖a‖₂ as m·2^e (scaled like BLAS nrm2: never overflows or underflows for finite entries). */
export function norm2(a: ArrayLike<number>): Scaled {
  const e = exponentOf(maxAbs(a));
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const v = ldexpFast(a[i], -e);
    s += v * v;
  }
  return { m: Math.sqrt(s), e };
}

/** ldexp for |e| small enough that 2^-e is a normal number, else the stepped one. */
export function ldexpFast(x: number, e: number): number {
  return e >= -1022 && e <= 1023 ? x * 2 ** e : ldexp(x, e);
}

/** sqrt(Σ v_i²) of scaled values. */
export function hypotScaled(parts: readonly Scaled[]): Scaled {
  let e = -Infinity;
  for (const p of parts) if (p.m > 0 && p.e > e) e = p.e;
  if (e === -Infinity) return { m: 0, e: 0 };
  let s = 0;
  for (const p of parts) {
    const v = ldexp(p.m, p.e - e);
    s += v * v;
  }
  return { m: Math.sqrt(s), e };
}

/** a / b as a plain number (NaN-free: b.m must be > 0); may be Infinity or 0 when out of range. */
export function ratio(a: Scaled, b: Scaled): number {
  return ldexp(a.m / b.m, a.e - b.e);
}

/** A scalar result, or E_NONFINITE naming it when it is past the largest float64. */
export function representable(value: number, what: string, fn: string): number {
  if (!Number.isFinite(value)) fail('E_NONFINITE', `${fn}: ${what} overflows float64 (it exceeds 1.8e308)`);
  return value;
}

/**
 * m·2^e, or E_NONFINITE naming it when float64 cannot hold it: past the largest float64, or a nonzero value
 * that rounds to 0. (Values in the subnormal range come back correctly rounded, with fewer digits, as any
 * float64 operation gives them.)
 */
export function valueOf(s: Scaled, what: string, fn: string): number {
  if (s.m === 0) return 0;
  const v = ldexp(s.m, s.e);
  if (v === 0) fail('E_NONFINITE', `${fn}: ${what} underflows float64 (it is below 4.9e-324)`);
  return representable(v, what, fn);
}
