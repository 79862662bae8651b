// Subspace overlap and layer-to-layer alignment — formulas.md §9.
// Principal angles between the top-k singular subspaces of two matrices: cos θ_i = σ_i(U_Aᵀ U_B).
// Small angles are taken from the sines, σ(U_B − U_A U_AᵀU_B) (Björck & Golub 1973; Knyazev & Argentati
// 2002), because acos loses half the digits near cos = 1. If σ_k = σ_{k+1} the top-k subspace is not
// unique and neither are the angles.
import { fail } from '../errors.js';
import { ownOptions, snapshotOnce } from '../esd/args.js';
import { maxAbs } from '../esd/scale.js';
import type { Matrix } from '../linalg/matrix.js';
import { checkLayout, type Layout } from './layout.js';
import { dense, epsOf } from './dense.js';
import { runAsync, runSync, svdOf, svdvalsOf, type Task } from './task.js';

export type Side = 'left' | 'right';

export interface SubspaceOptions {
  /** Subspace dimension (default: min over both matrices of min(rows, cols)). */
  k?: number;
  /** 'left' (default): column spaces, top-k left singular vectors; 'right': row spaces. */
  side?: Side;
}

export interface PrincipalAngles {
  /** θ_1 ≤ … ≤ θ_k in radians, in [0, π/2]. */
  angles: Float64Array;
  /** cos θ_1 ≥ … ≥ cos θ_k. */
  cosines: Float64Array;
}

/** k orthonormal vectors of length n, vector i at [i*n, (i+1)*n). */
interface Basis {
  v: Float64Array;
  n: number;
  k: number;
}

/** The matrix validated and copied at the call (the SVDs of A and B run one after the other). */
function operand(m: Matrix, what: string, fn: string): Matrix {
  const d = dense(m, `${fn}: ${what}`);
  if (maxAbs(d.data) === 0) fail('E_DEGENERATE', `${fn}: ${what} is zero, its singular subspaces are undefined`);
  return snapshotOnce({ data: d.data, shape: [d.rows, d.cols] });
}

/**
 * The top-k singular subspace is defined only when σ_k stands clear of the rounding level
 * tol = σ_1 · max(rows, cols) · eps (numpy's matrix_rank tolerance): σ_k ≤ tol means rank < k (the subspace
 * would contain arbitrary null-space directions), σ_k − σ_{k+1} ≤ tol that it is not unique (a tie).
 */
function checkDefined(S: ArrayLike<number>, k: number, m: Matrix, what: string, fn: string): void {
  const tol = S[0] * Math.max(m.shape[0], m.shape[1]) * epsOf(m.data);
  if (!(S[k - 1] > tol)) fail('E_DEGENERATE', `${fn}: ${what} has numerical rank < k = ${k}, its top-${k} subspace is undefined`);
  if (k < S.length && !(S[k - 1] - S[k] > tol))
    fail('E_DEGENERATE', `${fn}: σ_${k} = σ_${k + 1} of ${what} (to rounding), its top-${k} subspace is not unique`);
}

function* basis(m: Matrix, k: number, side: Side, what: string, fn: string): Task<Basis> {
  const mn = Math.min(m.shape[0], m.shape[1]);
  const { U, S, Vt } = yield* svdOf(m, Math.min(k + 1, mn)); // one triplet more, for the gap σ_k − σ_{k+1}
  checkDefined(S, k, m, what, fn);
  if (side === 'right') {
    const n = Vt.shape[1];
    return { v: Float64Array.from(Vt.data.subarray(0, k * n)), n, k };
  }
  const [n, r] = U.shape;
  const v = new Float64Array(k * n);
  for (let i = 0; i < k; i++) for (let t = 0; t < n; t++) v[i * n + t] = U.data[t * r + i];
  return { v, n, k };
}

function* anglesBetween(A: Basis, B: Basis): Task<PrincipalAngles & { C: Float64Array }> {
  const { n, k } = A;
  // C = U_Aᵀ U_B (k x k), and R = U_B − U_A C (n x k, row-major for the native svdvals).
  const C = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += A.v[i * n + t] * B.v[j * n + t];
      C[i * k + j] = s;
    }
  const R = new Float64Array(n * k);
  for (let j = 0; j < k; j++)
    for (let t = 0; t < n; t++) {
      let r = B.v[j * n + t];
      for (let i = 0; i < k; i++) r -= A.v[i * n + t] * C[i * k + j];
      R[t * k + j] = r;
    }
  const cos = yield* svdvalsOf({ data: C, shape: [k, k] });
  const sin = yield* svdvalsOf({ data: R, shape: [n, k] }); // n >= k: k values
  const angles = new Float64Array(k);
  const cosines = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const c = Math.min(1, cos[i]);
    const s = Math.min(1, sin[k - 1 - i]); // largest cosine pairs with the smallest sine
    cosines[i] = c;
    angles[i] = c * c < 0.5 ? Math.acos(c) : Math.asin(s);
  }
  return { angles, cosines, C };
}

function checkK(k: unknown, max: number, fn: string): number {
  if (k === undefined) return max;
  if (typeof k !== 'number' || !Number.isSafeInteger(k) || k < 1 || k > max)
    fail('E_SHAPE', `${fn}: k must be an integer in [1, ${max}], got ${k}`);
  return k;
}

function checkSide(side: unknown, fn: string): Side {
  const s = side ?? 'left';
  if (s !== 'left' && s !== 'right') fail('E_OPTION', `${fn}: side must be 'left' or 'right', got ${JSON.stringify(s)}`);
  return s;
}

function* pairTask(A: Matrix, B: Matrix, opts: SubspaceOptions | undefined, fn: string): Task<PrincipalAngles> {
  const o = ownOptions(opts, ['k', 'side'], fn);
  const side = checkSide(o.side, fn);
  const a = operand(A, 'A', fn);
  const b = operand(B, 'B', fn);
  const [ra, ca] = a.shape;
  const [rb, cb] = b.shape;
  const dim = side === 'left' ? [ra, rb] : [ca, cb];
  if (dim[0] !== dim[1])
    fail('E_SHAPE', `${fn}: ${side} singular vectors of A have length ${dim[0]}, of B ${dim[1]} (A [${ra}, ${ca}], B [${rb}, ${cb}])`);
  const k = checkK(o.k, Math.min(ra, ca, rb, cb), fn);
  const { angles, cosines } = yield* anglesBetween(yield* basis(a, k, side, 'A', fn), yield* basis(b, k, side, 'B', fn));
  return { angles, cosines };
}

function overlapOf(p: PrincipalAngles): number {
  let s = 0;
  for (const c of p.cosines) s += c * c;
  return s / p.cosines.length;
}

/** Principal angles between the top-k left (or right) singular subspaces of A and B. */
export function principalAngles(A: Matrix, B: Matrix, opts?: SubspaceOptions): Promise<PrincipalAngles> {
  return runAsync(pairTask(A, B, opts, 'principalAngles'));
}
export function principalAnglesSync(A: Matrix, B: Matrix, opts?: SubspaceOptions): PrincipalAngles {
  return runSync(pairTask(A, B, opts, 'principalAnglesSync'));
}

function* overlapTask(A: Matrix, B: Matrix, opts: SubspaceOptions | undefined, fn: string): Task<number> {
  return overlapOf(yield* pairTask(A, B, opts, fn));
}

/** ‖U_Aᵀ U_B‖_F² / k = mean cos² θ_i: 1 for equal subspaces, 0 for orthogonal ones (k/n for random ones). */
export function subspaceOverlap(A: Matrix, B: Matrix, opts?: SubspaceOptions): Promise<number> {
  return runAsync(overlapTask(A, B, opts, 'subspaceOverlap'));
}
export function subspaceOverlapSync(A: Matrix, B: Matrix, opts?: SubspaceOptions): number {
  return runSync(overlapTask(A, B, opts, 'subspaceOverlapSync'));
}

export interface LayerAlignmentOptions {
  /** Subspace dimension (default 1). */
  k?: number;
  /** 'out-in' (default, W is [out, in], y = W x) or 'in-out' (kernels [in, out], y = x K). */
  layout?: Layout;
}

export interface LayerAlignment extends PrincipalAngles {
  /** |⟨v_1(W_{l+1}), u_1(W_l)⟩|: top output direction of layer l against top input direction of layer l+1. */
  top1: number;
  /** mean cos² over the k principal angles between span(u_1..u_k of W_l) and span(v_1..v_k of W_{l+1}). */
  overlap: number;
}

function* layerTask(Wl: Matrix, Wnext: Matrix, opts: LayerAlignmentOptions | undefined, fn: string): Task<LayerAlignment> {
  const o = ownOptions(opts, ['k', 'layout'], fn);
  const layout = checkLayout(o, fn);
  const wl = operand(Wl, 'W_l', fn);
  const wn = operand(Wnext, 'W_next', fn);
  const [ra, ca] = wl.shape;
  const [rb, cb] = wn.shape;
  // out-in: outputs of W_l are its rows (left vectors), inputs of W_{l+1} its columns (right vectors).
  const [sideL, sideN]: Side[] = layout === 'out-in' ? ['left', 'right'] : ['right', 'left'];
  const outL = layout === 'out-in' ? ra : ca;
  const inN = layout === 'out-in' ? cb : rb;
  if (outL !== inN) fail('E_SHAPE', `${fn}: W_l has ${outL} outputs but W_next takes ${inN} inputs (layout '${layout}')`);
  const k = checkK(o.k ?? 1, Math.min(ra, ca, rb, cb), fn);
  const p = yield* anglesBetween(yield* basis(wl, k, sideL, 'W_l', fn), yield* basis(wn, k, sideN, 'W_next', fn));
  return { angles: p.angles, cosines: p.cosines, top1: Math.abs(p.C[0]), overlap: overlapOf(p) };
}

/** How the top singular directions of consecutive layers line up (output space of l = input space of l+1). */
export function layerAlignment(Wl: Matrix, Wnext: Matrix, opts?: LayerAlignmentOptions): Promise<LayerAlignment> {
  return runAsync(layerTask(Wl, Wnext, opts, 'layerAlignment'));
}
export function layerAlignmentSync(Wl: Matrix, Wnext: Matrix, opts?: LayerAlignmentOptions): LayerAlignment {
  return runSync(layerTask(Wl, Wnext, opts, 'layerAlignmentSync'));
}
