// Validating and sorting the eigenvalues handed to a fit.
import { fail } from '../errors.js';

export type EvalsInput = ArrayLike<number>;

/** Copies eigenvalues into an ascending Float64Array; NaN/Inf are refused (E_NONFINITE). */
export function sortedEvals(evals: unknown, fn: string): Float64Array {
  if (
    evals === null ||
    typeof evals !== 'object' ||
    typeof (evals as ArrayLike<number>).length !== 'number' ||
    typeof evals === 'string'
  )
    fail('E_DTYPE', `${fn}: eigenvalues must be an array or typed array of numbers`);
  const a = evals as ArrayLike<number>;
  const x = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v !== 'number') fail('E_DTYPE', `${fn}: eigenvalue ${i} is ${typeof v}, not a number`);
    if (!Number.isFinite(v)) fail('E_NONFINITE', `${fn}: eigenvalue ${i} is ${v}`);
    x[i] = v;
  }
  return x.sort();
}

/** Index of the first value > t in ascending x (x.length if none). */
export function firstAbove(x: Float64Array, t: number): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid] > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Index of the first value >= t in ascending x (x.length if none). */
export function firstAtLeast(x: Float64Array, t: number): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid] >= t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
