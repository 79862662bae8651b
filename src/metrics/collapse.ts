// Neural collapse (Papyan, Han & Donoho 2020) — formulas.md §10.
// H is n x d (samples as rows), labels 0..C−1; μ_c class means, μ_G the global mean of all samples,
// m_c = μ_c − μ_G, M = [m_1 … m_C] (d x C), Σ_W = (1/n) Σ_i (h_i − μ_{y_i})(h_i − μ_{y_i})ᵀ,
// Σ_B = (1/C) M Mᵀ. No d x d (let alone n x n) matrix is formed: with M = U S Vᵀ (native thin SVD of the
// small d x C matrix), Σ_B⁺ = U diag(C/s_k²) Uᵀ over the s_k above the numerical-rank tolerance
// (s_max · max(d, C) · eps), so NC1 = Tr(Σ_W Σ_B⁺)/C = Σ_k (1/s_k²) · (1/n) Σ_i ((h_i − μ_{y_i})·u_k)².
import { fail } from '../errors.js';
import { ownOptions } from '../esd/args.js';
import { ldexp, maxAbs } from '../esd/scale.js';
import type { Matrix } from '../linalg/matrix.js';
import { columnMeans, dense, scaledCopy, type ScaledDense } from './dense.js';
import { classMeans, parseLabels, type Labels } from './labels.js';
import { runAsync, runSync, svdOf, type Task } from './task.js';

export interface NeuralCollapseOptions {
  /** Last-layer classifier [C, d] (logits = W h + b), for NC3 and NC4. */
  W?: Matrix;
  /** Its bias (length C); default 0. */
  b?: ArrayLike<number>;
  /** Number of classes; default max(label) + 1. Every class must have samples. */
  numClasses?: number;
}

export interface NeuralCollapse {
  /** Tr(Σ_W Σ_B⁺) / C: within-class variability relative to the spread of the means (→ 0). */
  nc1: number;
  /** std / mean of ‖μ_c − μ_G‖ over classes (population std; → 0). */
  nc2Equinorm: number;
  /** std of the pairwise cosines cos(m_c, m_c'), c < c' (→ 0). */
  nc2Equiangular: number;
  /** mean over c ≠ c' of |cos(m_c, m_c') + 1/(C−1)|: distance from a simplex ETF's angles (→ 0). */
  nc2Etf: number;
  /** ‖W/‖W‖_F − Mᵀ/‖M‖_F‖_F²: classifier rows vs centred class means (→ 0); when W is given. */
  nc3?: number;
  /** Fraction of samples where argmax(W h + b) differs from the nearest class mean (→ 0); when W is given. */
  nc4?: number;
  numClasses: number;
  /** Rank of M used for Σ_B⁺ (C − 1 for balanced classes in general position). */
  rankB: number;
}

function populationStd(v: number[]): [number, number] {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const varc = v.reduce((a, b) => a + (b - mean) * (b - mean), 0) / v.length;
  return [mean, Math.sqrt(varc)];
}

// Every NC metric is invariant to the scale of H (and NC3 to that of W), so H and W are copied at the call
// (the later steps run after the SVD's await) and scaled by powers of two (scaledCopy); only NC4's
// logits W h + b mix scales, and there b is brought to the units of W'h' (exact, or saturating to ±∞).
function* task(Hm: Matrix, labels: Labels, opts: NeuralCollapseOptions | undefined, fn: string): Task<NeuralCollapse> {
  const o = ownOptions(opts, ['W', 'b', 'numClasses'], fn);
  const H = scaledCopy(dense(Hm, `${fn}: H`));
  const { rows: n, cols: d, data: h } = H;
  const L = parseLabels(labels, n, o.numClasses, fn);
  const Wc = o.W !== undefined ? scaledCopy(dense(o.W, `${fn}: W`)) : undefined;
  const bias = o.b !== undefined ? copyBias(o.b, fn) : undefined;
  if (Wc === undefined && bias !== undefined) fail('E_OPTION', `${fn}: b given without W`);
  const C = L.C;
  const mu = classMeans(h, n, d, L);
  const muG = columnMeans(H);
  // M as d x C row-major for the SVD; its columns m_c.
  const Md = new Float64Array(d * C);
  const norms: number[] = [];
  let normM2 = 0;
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = mu[c * d + j] - muG[j];
      Md[j * C + c] = v;
      s += v * v;
    }
    norms.push(Math.sqrt(s));
    normM2 += s;
  }
  // A mean difference at the rounding level of the f64 means themselves (n·eps·max|h|) is no difference.
  const floor = n * Math.sqrt(d) * 2 ** -52 * maxAbs(h);
  if (!(Math.sqrt(normM2) > floor)) fail('E_DEGENERATE', `${fn}: all class means coincide (to rounding), Σ_B = 0`);
  if (norms.some((v) => !(v > floor)))
    fail('E_DEGENERATE', `${fn}: a class mean equals the global mean (to rounding), its angles are undefined`);

  // NC1 through the SVD of M.
  const { U, S } = yield* svdOf({ data: Md, shape: [d, C] });
  const m = S.length;
  const tol = S[0] * Math.max(d, C) * 2 ** -52;
  let rankB = 0;
  while (rankB < m && S[rankB] > tol) rankB++;
  const proj = new Float64Array(rankB);
  const muProj = new Float64Array(C * rankB); // μ_c · u_k
  for (let c = 0; c < C; c++)
    for (let k = 0; k < rankB; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += mu[c * d + j] * U.data[j * m + k];
      muProj[c * rankB + k] = s;
    }
  for (let i = 0; i < n; i++) {
    const off = i * d;
    const c = L.y[i];
    for (let k = 0; k < rankB; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += h[off + j] * U.data[j * m + k];
      const r = s - muProj[c * rankB + k];
      proj[k] += r * r;
    }
  }
  let nc1 = 0;
  for (let k = 0; k < rankB; k++) nc1 += proj[k] / n / (S[k] * S[k]);

  // NC2.
  const [normMean, normStd] = populationStd(norms);
  const cosines: number[] = [];
  let etf = 0;
  for (let a = 0; a < C; a++)
    for (let b = a + 1; b < C; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += Md[j * C + a] * Md[j * C + b];
      const cs = s / (norms[a] * norms[b]);
      cosines.push(cs);
      etf += Math.abs(cs + 1 / (C - 1));
    }
  const out: NeuralCollapse = {
    nc1,
    nc2Equinorm: normStd / normMean,
    nc2Equiangular: populationStd(cosines)[1],
    nc2Etf: etf / cosines.length,
    numClasses: C,
    rankB,
  };
  if (Wc !== undefined) Object.assign(out, classifierMetrics(Wc, bias, H, mu, Md, normM2, C, fn));
  return out;
}

function copyBias(bias: unknown, fn: string): Float64Array {
  if (bias === null || typeof bias !== 'object' || typeof (bias as ArrayLike<number>).length !== 'number')
    fail('E_SHAPE', `${fn}: b must be an array of length C`);
  const src = bias as ArrayLike<unknown>;
  const b = new Float64Array(src.length);
  for (let c = 0; c < b.length; c++) {
    const v = src[c];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail('E_NONFINITE', `${fn}: b[${c}] is ${String(v)}`);
    b[c] = v;
  }
  return b;
}

function classifierMetrics(
  W: ScaledDense,
  bias: Float64Array | undefined,
  H: ScaledDense,
  mu: Float64Array,
  Md: Float64Array,
  normM2: number,
  C: number,
  fn: string,
): { nc3: number; nc4: number } {
  const { rows: n, cols: d, data: h } = H;
  if (W.rows !== C || W.cols !== d)
    fail('E_SHAPE', `${fn}: W must be [C, d] = [${C}, ${d}] (logits = W h + b), got [${W.rows}, ${W.cols}]`);
  if (bias !== undefined && bias.length !== C) fail('E_SHAPE', `${fn}: b must have length C = ${C}`);
  // W h + b = 2^(W.e + H.e) (W'h' + b'), b' = b·2^-(W.e + H.e)
  const b = new Float64Array(C);
  if (bias !== undefined) for (let c = 0; c < C; c++) b[c] = ldexp(bias[c], -(W.e + H.e));
  let normW2 = 0;
  for (const v of W.data) normW2 += v * v;
  if (normW2 === 0) fail('E_DEGENERATE', `${fn}: W is zero`);
  const sw = 1 / Math.sqrt(normW2);
  const sm = 1 / Math.sqrt(normM2);
  let nc3 = 0;
  for (let c = 0; c < C; c++)
    for (let j = 0; j < d; j++) {
      const r = W.data[c * d + j] * sw - Md[j * C + c] * sm;
      nc3 += r * r;
    }
  // NC4: the classifier's decision vs the nearest class centre (first index on ties, like argmax).
  let mismatches = 0;
  for (let i = 0; i < n; i++) {
    const off = i * d;
    let best = -Infinity;
    let arg = 0;
    let near = Infinity;
    let ncc = 0;
    for (let c = 0; c < C; c++) {
      let z = b[c];
      let dist = 0;
      for (let j = 0; j < d; j++) {
        const x = h[off + j];
        z += W.data[c * d + j] * x;
        const e = x - mu[c * d + j];
        dist += e * e;
      }
      if (z > best) [best, arg] = [z, c];
      if (dist < near) [near, ncc] = [dist, c];
    }
    if (arg !== ncc) mismatches++;
  }
  return { nc3, nc4: mismatches / n };
}

/** NC1–NC4 of features H (n x d, samples as rows) with their labels; NC3/NC4 need the classifier W ([C, d]). */
export function neuralCollapse(H: Matrix, labels: Labels, opts?: NeuralCollapseOptions): Promise<NeuralCollapse> {
  return runAsync(task(H, labels, opts, 'neuralCollapse'));
}
export function neuralCollapseSync(H: Matrix, labels: Labels, opts?: NeuralCollapseOptions): NeuralCollapse {
  return runSync(task(H, labels, opts, 'neuralCollapseSync'));
}
