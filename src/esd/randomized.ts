// The top of a matrix's spectrum without its full SVD, for layers past maxN/maxEvals (a 150k × 8k embedding):
// a seeded randomized range finder with subspace (power) iterations (Halko, Martinsson & Tropp 2011, Alg. 4.4),
// then the exact singular values of the small projection B = QᵀA.
// Products with A are plain loops over its rows (A is read once per product, in storage order, and the
// sketch is thin: l = k + oversample columns); each orthonormalisation is the thin SVD of an r × l or c × l
// matrix (native ?gesdd), so no QR primitive is needed.
//
// Error bounds (deterministic, per eigenvalue). B = QᵀA is a compression of A, so by interlacing (Cauchy /
// Poincaré) λ̂_j = σ̂_j² ≤ λ_j(AᵀA) for every j. For each Ritz pair (λ̂_j, v̂_j) (v̂_j: B's right singular vector)
// the residual r_j = ‖AᵀA v̂_j − λ̂_j v̂_j‖ bounds the distance to the spectrum: some eigenvalue of AᵀA lies in
// [λ̂_j − r_j, λ̂_j + r_j] (the symmetric residual bound, Parlett Thm 4.5.1). Together: λ_j ≥ λ̂_j, and λ̂_j is
// within r_j of an eigenvalue; `residuals` holds r_j and `trusted` counts the leading λ̂_j with r_j/λ̂_j < relTol.
// Two extra products with A compute them.
import { fail } from '../errors.js';
import { svdIn } from '../linalg/svd.js';
import { resolveContext } from '../linalg/context.js';
import type { FloatArray } from '../binding.js';

export interface TopSpectrumOptions {
  /** How many leading eigenvalues are wanted. */
  k: number;
  /** Extra sketch columns (default max(10, k/2): slowly decaying spectra need it, HMT §4.2). */
  oversample?: number;
  /** Subspace iterations (default 4): each multiplies the decay of the discarded part by (σ_{l+1}/σ_j)². */
  powerIters?: number;
  /** Seed of the Gaussian test matrix (default 0): the same seed gives the same result. */
  seed?: number;
  /** Relative error bound for `trusted` (default 1e-3). */
  relTol?: number;
}

export interface TopSpectrum {
  /** The k largest eigenvalues of AᵀA (σ̂²), ascending like esd()'s; each ≤ the true λ_j (interlacing). */
  evals: Float64Array;
  /** r_j for evals[j]: an eigenvalue of AᵀA lies within r_j of it (see the header). */
  residuals: Float64Array;
  /** How many of the largest eigenvalues have r_j / λ̂_j < relTol. */
  trusted: number;
  /** The sketch width l = k + oversample (≤ min(rows, cols)) and the settings used. */
  sketch: number;
  powerIters: number;
  seed: number;
}

/** A seeded standard-normal stream (xorshift128+ and Box–Muller): deterministic across platforms. */
function gaussian(seed: number): () => number {
  let s0 = (seed ^ 0x9e3779b9) >>> 0 || 1;
  let s1 = (Math.imul(seed, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0 || 2;
  const u = () => {
    // xorshift64 on two 32-bit halves is enough for a test matrix; 53-bit uniform in (0, 1)
    let x = s0;
    const y = s1;
    s0 = y;
    x ^= x << 23;
    x ^= x >>> 17;
    x ^= y ^ (y >>> 26);
    s1 = x >>> 0;
    return ((s0 + s1) >>> 0) / 4294967296 + 1 / 8589934592;
  };
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const v = spare;
      spare = null;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(u()));
    const t = 2 * Math.PI * u();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
}

/** Y = A·X: A r × c (row-major, any float array), X c × l → r × l. */
function mul(A: FloatArray, r: number, c: number, X: Float64Array, l: number): Float64Array {
  const Y = new Float64Array(r * l);
  for (let i = 0; i < r; i++) {
    const yo = i * l;
    const ao = i * c;
    for (let j = 0; j < c; j++) {
      const a = A[ao + j];
      if (a === 0) continue;
      const xo = j * l;
      for (let t = 0; t < l; t++) Y[yo + t] += a * X[xo + t];
    }
  }
  return Y;
}

/** Z = Aᵀ·Q: A r × c, Q r × l → c × l. */
function mulT(A: FloatArray, r: number, c: number, Q: Float64Array, l: number): Float64Array {
  const Z = new Float64Array(c * l);
  for (let i = 0; i < r; i++) {
    const qo = i * l;
    const ao = i * c;
    for (let j = 0; j < c; j++) {
      const a = A[ao + j];
      if (a === 0) continue;
      const zo = j * l;
      for (let t = 0; t < l; t++) Z[zo + t] += a * Q[qo + t];
    }
  }
  return Z;
}

/** An orthonormal basis of the columns of Y (rows × l): the left singular vectors of its thin SVD. */
async function orth(Y: Float64Array, rows: number, l: number): Promise<Float64Array> {
  const { U } = await svdIn(resolveContext({}, 'randomizedTopEvals'), { data: Y, shape: [rows, l] }, 0); // mode 0: thin
  if (U.shape[1] !== l) fail('E_INTERNAL', `randomizedTopEvals: thin SVD gave ${U.shape[1]} columns, expected ${l}`);
  return U.data as Float64Array;
}

function count(v: unknown, dflt: number, name: string, min: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) fail('E_OPTION', `randomizedTopEvals: ${name} must be an integer >= ${min}, got ${String(v)}`);
  return v;
}

/** The k largest eigenvalues of WᵀW (σ² of W) by a randomized range finder; see the header for the bound. */
export async function randomizedTopEvals(W: { data: FloatArray; shape: readonly [number, number] }, opts: TopSpectrumOptions): Promise<TopSpectrum> {
  const [r, c] = W.shape;
  if (!Number.isSafeInteger(r) || !Number.isSafeInteger(c) || r < 1 || c < 1 || W.data.length !== r * c)
    fail('E_SHAPE', `randomizedTopEvals: data length ${W.data?.length} does not match shape [${r}, ${c}]`);
  const k = count(opts.k, 0, 'k', 1);
  const p = count(opts.oversample, Math.max(10, Math.ceil(k / 2)), 'oversample', 0);
  const q = count(opts.powerIters, 4, 'powerIters', 0);
  const seed = count(opts.seed, 0, 'seed', 0);
  const relTol = opts.relTol ?? 1e-3;
  if (!(relTol > 0)) fail('E_OPTION', `randomizedTopEvals: relTol must be positive, got ${relTol}`);
  const small = Math.min(r, c);
  if (k > small) fail('E_OPTION', `randomizedTopEvals: k = ${k} is more than min(rows, cols) = ${small}`);
  for (let i = 0; i < W.data.length; i++) if (!Number.isFinite(W.data[i])) fail('E_NONFINITE', `randomizedTopEvals: input contains ${W.data[i]} at flat index ${i}`);
  const l = Math.min(k + p, small);
  const g = gaussian(seed);
  const omega = Float64Array.from({ length: c * l }, g);
  let Q = await orth(mul(W.data, r, c, omega, l), r, l);
  for (let it = 0; it < q; it++) {
    const Z = await orth(mulT(W.data, r, c, Q, l), c, l);
    Q = await orth(mul(W.data, r, c, Z, l), r, l);
  }
  // B = QᵀA (l × c) = (AᵀQ)ᵀ
  const Bt = mulT(W.data, r, c, Q, l);
  const B = new Float64Array(l * c);
  for (let j = 0; j < c; j++) for (let t = 0; t < l; t++) B[t * c + j] = Bt[j * l + t];
  const { S, Vt } = await svdIn(resolveContext({}, 'randomizedTopEvals'), { data: B, shape: [l, c] }, 0);
  // Ritz residuals r_j = ‖Aᵀ(A v̂_j) − σ̂_j² v̂_j‖ for the top k
  const V = new Float64Array(c * k);
  for (let j = 0; j < k; j++) for (let i = 0; i < c; i++) V[i * k + j] = Vt.data[j * c + i];
  const AtAV = mulT(W.data, r, c, mul(W.data, r, c, V, k), k);
  const res = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const lam = S[j] * S[j];
    let n2 = 0;
    for (let i = 0; i < c; i++) {
      const d = AtAV[i * k + j] - lam * V[i * k + j];
      n2 += d * d;
    }
    res[j] = Math.sqrt(n2);
  }
  const top = Float64Array.from(S.slice(0, k), (x) => x * x).reverse();
  const residuals = res.reverse();
  let trusted = 0;
  for (let j = k - 1; j >= 0 && top[j] > 0 && residuals[j] / top[j] < relTol; j--) trusted++;
  return { evals: top, residuals, trusted, sketch: l, powerIters: q, seed };
}
