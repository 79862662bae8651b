// Model merging — formulas.md §9 (Kuzborskij & Abbasi-Yadkori 2025: with weight decay, models trained on
// tasks with orthogonal inputs can be merged by summing their weights).
// Inputs are n x d with samples as rows. ‖X_A X_Bᵀ‖_F (all cross inner products, n_A x n_B) is computed as
// sqrt⟨X_AᵀX_A, X_BᵀX_B⟩_F from two d x d Gram matrices (native ?syrk), never an n_A x n_B matrix.
// Exactly orthogonal supports give exactly 0; otherwise the rounding floor is ~sqrt(eps) relative.
import { fail } from '../errors.js';
import { floatKind } from '../esd/args.js';
import type { Matrix } from '../linalg/matrix.js';
import { dense, gramCols, scaledCopy, sumSq } from './dense.js';
import { runAsync, runSync, type Task } from './task.js';

// Invariant to the scales of X_A and X_B: each is copied at the call (the second Gram runs after an await)
// and scaled by a power of two (scaledCopy), so neither ‖X‖² nor the Grams overflow or underflow.
function* orthoTask(XA: Matrix, XB: Matrix, fn: string): Task<number> {
  const a = scaledCopy(dense(XA, `${fn}: X_A`));
  const b = scaledCopy(dense(XB, `${fn}: X_B`));
  if (a.cols !== b.cols) fail('E_SHAPE', `${fn}: X_A has ${a.cols} features but X_B has ${b.cols} (samples are rows)`);
  const na = sumSq(a.data);
  const nb = sumSq(b.data);
  if (na === 0 || nb === 0) fail('E_DEGENERATE', `${fn}: ${na === 0 ? 'X_A' : 'X_B'} is zero`);
  const ga = yield* gramCols(a);
  const gb = yield* gramCols(b);
  let s = 0;
  for (let i = 0; i < ga.data.length; i++) s += ga.data[i] * gb.data[i];
  return Math.sqrt(Math.max(s, 0) / (na * nb));
}

/** ‖X_A X_Bᵀ‖_F / (‖X_A‖_F ‖X_B‖_F) in [0, 1]: 0 when every input of task A is orthogonal to every input of B. */
export function inputOrthogonality(XA: Matrix, XB: Matrix): Promise<number> {
  return runAsync(orthoTask(XA, XB, 'inputOrthogonality'));
}
export function inputOrthogonalitySync(XA: Matrix, XB: Matrix): number {
  return runSync(orthoTask(XA, XB, 'inputOrthogonalitySync'));
}

function add(a: Matrix, b: Matrix, what: string): Matrix {
  const x = dense(a, `mergeBySum: ${what} of model A`);
  const y = dense(b, `mergeBySum: ${what} of model B`);
  if (x.rows !== y.rows || x.cols !== y.cols)
    fail('E_SHAPE', `mergeBySum: ${what} is [${x.rows}, ${x.cols}] in model A but [${y.rows}, ${y.cols}] in model B`);
  // float32 only when both are float32.
  const f64 = floatKind(x.data) === 'float64' || floatKind(y.data) === 'float64';
  const out = f64 ? new Float64Array(x.data.length) : new Float32Array(x.data.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = x.data[i] + y.data[i];
    if (!Number.isFinite(out[i]))
      fail('E_NONFINITE', `mergeBySum: ${what}: W_A + W_B overflows ${f64 ? 'float64' : 'float32'} at index ${i}`);
  }
  return { data: out, shape: [x.rows, x.cols] };
}

export type Weights = readonly Matrix[] | Readonly<Record<string, Matrix>>;

/** W_A + W_B layer by layer (the paper's merge is a plain sum). Lists by position, records by name. */
export function mergeBySum(modelA: readonly Matrix[], modelB: readonly Matrix[]): Matrix[];
export function mergeBySum(modelA: Readonly<Record<string, Matrix>>, modelB: Readonly<Record<string, Matrix>>): Record<string, Matrix>;
export function mergeBySum(modelA: Weights, modelB: Weights): Matrix[] | Record<string, Matrix> {
  if (Array.isArray(modelA) !== Array.isArray(modelB))
    fail('E_SHAPE', 'mergeBySum: both models must be lists of matrices or both records of named matrices');
  if (Array.isArray(modelA)) {
    const b = modelB as readonly Matrix[];
    if (modelA.length !== b.length) fail('E_SHAPE', `mergeBySum: model A has ${modelA.length} layers, model B ${b.length}`);
    return modelA.map((w: Matrix, i: number) => add(w, b[i], `layer ${i}`));
  }
  if (modelA === null || typeof modelA !== 'object' || modelB === null || typeof modelB !== 'object')
    fail('E_DTYPE', 'mergeBySum: models must be lists or records of matrices');
  const a = modelA as Readonly<Record<string, Matrix>>;
  const b = modelB as Readonly<Record<string, Matrix>>;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i]))
    fail('E_SHAPE', `mergeBySum: the models name different layers (${ka.join(', ')} vs ${kb.join(', ')})`);
  const out: Record<string, Matrix> = {};
  // defineProperty, not out[k] = …: a layer named "__proto__" would otherwise set the prototype and vanish.
  for (const k of Object.keys(a)) Object.defineProperty(out, k, { value: add(a[k], b[k], `layer '${k}'`), enumerable: true, writable: true, configurable: true });
  return out;
}
