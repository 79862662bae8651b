// Class labels for the feature metrics (formulas.md §10): integers 0..C−1, every class present, C >= 2.
import { fail } from '../errors.js';

export type Labels = ArrayLike<number>;

export interface ParsedLabels {
  y: Int32Array;
  /** Number of classes C. */
  C: number;
  counts: Float64Array;
}

export function parseLabels(labels: unknown, n: number, numClasses: unknown, fn: string): ParsedLabels {
  if (labels === null || typeof labels !== 'object' || typeof (labels as ArrayLike<number>).length !== 'number')
    fail('E_DTYPE', `${fn}: labels must be an array or typed array of class indices`);
  const l = labels as ArrayLike<unknown>;
  if (l.length !== n) fail('E_SHAPE', `${fn}: ${l.length} labels for ${n} samples`);
  const y = new Int32Array(n);
  let max = -1;
  for (let i = 0; i < n; i++) {
    const v = l[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      fail('E_DTYPE', `${fn}: label ${i} is ${String(v)}, not a class index (integer >= 0)`);
    // Every class must have a sample, so C <= n: a larger index is refused before anything of size C exists.
    if (v >= n) fail('E_SHAPE', `${fn}: label ${i} is ${v}, but ${n} samples can hold at most ${n} classes (labels 0..${n - 1})`);
    y[i] = v;
    if (v > max) max = v;
  }
  let C = max + 1;
  if (numClasses !== undefined) {
    if (typeof numClasses !== 'number' || !Number.isSafeInteger(numClasses) || numClasses < 1)
      fail('E_OPTION', `${fn}: numClasses must be a positive integer, got ${String(numClasses)}`);
    if (numClasses > n) fail('E_SHAPE', `${fn}: numClasses = ${numClasses} but ${n} samples can hold at most ${n} classes`);
    if (max >= numClasses) fail('E_SHAPE', `${fn}: label ${max} is out of range for numClasses = ${numClasses}`);
    C = numClasses;
  }
  if (C < 2) fail('E_DEGENERATE', `${fn}: needs at least 2 classes, the labels have ${C}`);
  const counts = new Float64Array(C);
  for (let i = 0; i < n; i++) counts[y[i]]++;
  const empty: number[] = [];
  counts.forEach((c, k) => c === 0 && empty.push(k));
  if (empty.length > 0)
    fail('E_DEGENERATE', `${fn}: class${empty.length > 1 ? 'es' : ''} ${empty.slice(0, 10).join(', ')} ha${empty.length > 1 ? 've' : 's'} no samples`);
  return { y, C, counts };
}

/** Class means (C x d, row-major, f64) of the rows of H. */
export function classMeans(H: ArrayLike<number>, n: number, d: number, L: ParsedLabels): Float64Array {
  const mu = new Float64Array(L.C * d);
  for (let i = 0; i < n; i++) {
    const o = L.y[i] * d;
    const h = i * d;
    for (let j = 0; j < d; j++) mu[o + j] += H[h + j];
  }
  for (let c = 0; c < L.C; c++) for (let j = 0; j < d; j++) mu[c * d + j] /= L.counts[c];
  return mu;
}
