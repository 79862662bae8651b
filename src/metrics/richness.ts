// Feature richness D_LR (Nam et al. 2024, arXiv 2410.04264, "low-rank measure") — formulas.md §10.
// D_LR = 1 − CKA(K, P), K = Φc Φcᵀ (features), P = Q Qᵀ the projector onto the column space of the
// centred outputs Fc (rank r). Both are n x n; we never form them:
//   ⟨K, P⟩_F = ‖Qᵀ Φc‖_F²,  ‖P‖_F = √r,  ‖K‖_F = ‖Φcᵀ Φc‖_F,
// so CKA = ‖QᵀΦc‖_F² / (√r ‖ΦcᵀΦc‖_F), with Q from the native thin SVD of Fc (n x C) and the Gram matrix
// from ?syrk (p x p, or n x n only when n < p, which is then the smaller one). The paper's equations were not
// available to us: this finite-sample form is reconstructed from its definition (T_MP[u] = a1⟨1|u⟩1 + a2 P u,
// D_LR = 1 − CKA(T, T_MP)); centring removes the constant direction 1.
import type { FloatArray } from '../binding.js';
import { fail } from '../errors.js';
import { ownOptions } from '../esd/args.js';
import { ldexp, maxAbs, valueOf } from '../esd/scale.js';
import type { Matrix } from '../linalg/matrix.js';
import { centerColumns, dense, epsOf, scaledCopy, type Dense } from './dense.js';
import { parseLabels, type Labels } from './labels.js';
import { shannonEntropy } from './spectrum.js';
import { gramOf, runAsync, runSync, svdOf, type Task } from './task.js';

export interface RichnessOptions {
  /** Class labels of the n samples: adds cumulativeQuality (the one-hot target's projector). */
  labels?: Labels;
  numClasses?: number;
}

export interface Richness {
  /** 1 − CKA(K, P) in [0, 1]: 0 = the features live in the outputs' span (neural collapse), higher = richer. */
  dLR: number;
  /** CKA(K, P) = 1 − dLR. */
  cka: number;
  /** r: numerical rank of the centred outputs Fc (σ > σ_max · max(n, C) · eps of the outputs' dtype). */
  outputRank: number;
  /** ρ_k: eigenvalues of ΦcᵀΦc (= those of K), descending, min(n, p) of them. */
  eigenvalues: Float64Array;
  /** ρ_k / ρ_1. */
  relativeEigenvalues: Float64Array;
  /** Π̂(k) = Σ_{i≤k} ‖P e_i‖² / r over the eigenvectors e_i of K, for the m eigenvalues above the rank
   *  tolerance (ρ_i > ρ_1 · max(n, p) · eps); it reaches 1 when the outputs are linear in the features. */
  cumulativeUtilisation: Float64Array;
  /** The same with the projector onto the centred one-hot labels (rank C − 1), when labels are given. */
  cumulativeQuality?: Float64Array;
  /** exp(entropy(ρ / Σρ)). */
  effectiveDimension: number;
}

/**
 * Centring a constant column leaves rounding noise, not zeros: a centred matrix whose norm is at the rounding
 * level of the column means (n·eps·max|x| per entry, f64 means) is constant over the samples.
 */
function constantFloor(X: Dense): number {
  return X.rows * Math.sqrt(X.rows * X.cols) * 2 ** -52 * maxAbs(X.data);
}

/** Orthonormal basis (n x r, row-major f64) of the column space of a centred n x c matrix. */
function* rangeBasis(Xc: Dense, eps: number, floor: number, what: string, fn: string): Task<{ Q: Float64Array; r: number }> {
  const { U, S } = yield* svdOf({ data: Xc.data, shape: [Xc.rows, Xc.cols] });
  if (!(S[0] > floor)) fail('E_DEGENERATE', `${fn}: ${what} is constant over the samples (zero after centring)`);
  const tol = S[0] * Math.max(Xc.rows, Xc.cols) * eps;
  let r = 0;
  while (r < S.length && S[r] > tol) r++;
  const m = U.shape[1];
  const Q = new Float64Array(Xc.rows * r);
  for (let i = 0; i < Xc.rows; i++) for (let k = 0; k < r; k++) Q[i * r + k] = U.data[i * m + k];
  return { Q, r };
}

/** A = QᵀX (r x p, f64). */
function projectRows(Q: Float64Array, r: number, X: Dense): Float64Array {
  const { rows: n, cols: p, data } = X;
  const A = new Float64Array(r * p);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < r; k++) {
      const q = Q[i * r + k];
      if (q === 0) continue;
      const o = k * p;
      const x = i * p;
      for (let j = 0; j < p; j++) A[o + j] += q * data[x + j];
    }
  return A;
}

/**
 * Σ_{i≤k} ‖P e_i‖² / r for the first m eigenvectors of K. With the p x p Gram (n >= p) its eigenvectors
 * are the right singular vectors v_i of Φc and e_i = Φc v_i / √ρ_i, so ‖Qᵀe_i‖² = ‖A v_i‖² / ρ_i
 * (A = QᵀΦc); with the n x n Gram they are the e_i themselves.
 */
function cumulative(Q: Float64Array, r: number, A: Float64Array | undefined, Phi: Dense, V: Matrix, rho: FloatArray, m: number, gramIsPxP: boolean): Float64Array {
  const out = new Float64Array(m);
  const nv = V.shape[0];
  const cols = V.shape[1];
  let acc = 0;
  if (gramIsPxP) {
    if (A === undefined) A = projectRows(Q, r, Phi);
    const p = Phi.cols;
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let k = 0; k < r; k++) {
        let t = 0;
        for (let j = 0; j < p; j++) t += A[k * p + j] * V.data[j * cols + i];
        s += t * t;
      }
      acc += s / rho[i];
      out[i] = acc / r;
    }
  } else {
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let k = 0; k < r; k++) {
        let t = 0;
        for (let t2 = 0; t2 < nv; t2++) t += Q[t2 * r + k] * V.data[t2 * cols + i];
        s += t * t;
      }
      acc += s;
      out[i] = acc / r;
    }
  }
  return out;
}

function oneHotCentred(y: Int32Array, C: number): Dense {
  const n = y.length;
  const Y = new Float64Array(n * C);
  for (let i = 0; i < n; i++) Y[i * C + y[i]] = 1;
  return centerColumns({ data: Y, rows: n, cols: C }, true);
}

// D_LR, CKA, relative eigenvalues, utilisation and effective dimension are invariant to the scales of Φ and
// F: both are copied at the call (the steps after the first await read them) and scaled by powers of two
// (scaledCopy), so nothing overflows at 1e200 or underflows at 1e-170; the eigenvalues ρ get 2^(2e) back.
function* task(features: Matrix, outputs: Matrix, opts: RichnessOptions | undefined, fn: string): Task<Richness> {
  const o = ownOptions(opts, ['labels', 'numClasses'], fn);
  const Phi0 = scaledCopy(dense(features, `${fn}: features`));
  const F0 = scaledCopy(dense(outputs, `${fn}: outputs`));
  const n = Phi0.rows;
  if (F0.rows !== n) fail('E_SHAPE', `${fn}: features have ${n} samples (rows) but outputs have ${F0.rows}`);
  if (n < 2) fail('E_SHAPE', `${fn}: needs at least 2 samples`);
  const L = o.labels !== undefined ? parseLabels(o.labels, n, o.numClasses, fn) : undefined;
  if (L === undefined && o.numClasses !== undefined) fail('E_OPTION', `${fn}: numClasses given without labels`);

  const Phi = centerColumns(Phi0);
  const { Q, r } = yield* rangeBasis(centerColumns(F0, true), epsOf(F0.data), constantFloor(F0), 'outputs', fn);
  const G = yield* gramOf({ data: Phi.data, shape: [n, Phi.cols] }); // ΦcᵀΦc, or ΦcΦcᵀ when n < p
  let normK2 = 0;
  for (const v of G.data) normK2 += v * v;
  const floorPhi = constantFloor(Phi0);
  if (!(Math.sqrt(Math.sqrt(normK2)) > floorPhi))
    fail('E_DEGENERATE', `${fn}: features are constant over the samples (zero after centring)`);
  const A = projectRows(Q, r, Phi);
  let inner = 0;
  for (const v of A) inner += v * v;
  const cka = Math.min(1, inner / (Math.sqrt(r) * Math.sqrt(normK2)));

  // Spectrum and eigenvectors of the Gram (symmetric PSD: its SVD is its eigendecomposition).
  const { U: V, S: rho } = yield* svdOf(G);
  const tol = rho[0] * Math.max(n, Phi.cols) * epsOf(Phi.data);
  let m = 0;
  while (m < rho.length && rho[m] > tol) m++;
  // ρ = ρ'·2^(2e): the largest must be representable; smaller ones that underflow are below its rounding level.
  valueOf({ m: rho[0], e: 2 * Phi0.e }, 'the largest eigenvalue ρ_1 of ΦcᵀΦc', fn);
  const eigenvalues = Float64Array.from(rho, (v) => ldexp(v, 2 * Phi0.e));
  const relativeEigenvalues = Float64Array.from(rho, (v) => v / rho[0]);
  const gramIsPxP = n >= Phi.cols;
  const H = shannonEntropy(rho);
  const out: Richness = {
    dLR: 1 - cka,
    cka,
    outputRank: r,
    eigenvalues,
    relativeEigenvalues,
    cumulativeUtilisation: cumulative(Q, r, A, Phi, V, rho, m, gramIsPxP),
    effectiveDimension: Math.exp(H),
  };
  if (L !== undefined) {
    const target = yield* rangeBasis(oneHotCentred(L.y, L.C), 2 ** -52, 0, 'labels', fn);
    out.cumulativeQuality = cumulative(target.Q, target.r, undefined, Phi, V, rho, m, gramIsPxP);
  }
  return out;
}

/**
 * Richness of penultimate features Φ (n x p) relative to the network outputs F (n x C) on the same samples.
 * Only p x p (or n x n when n < p) and n x C matrices are formed.
 */
export function richness(features: Matrix, outputs: Matrix, opts?: RichnessOptions): Promise<Richness> {
  return runAsync(task(features, outputs, opts, 'richness'));
}
export function richnessSync(features: Matrix, outputs: Matrix, opts?: RichnessOptions): Richness {
  return runSync(task(features, outputs, opts, 'richnessSync'));
}
