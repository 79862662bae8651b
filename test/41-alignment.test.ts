// Alignment metrics (formulas.md §9) against closed forms.
import { describe, expect, it } from 'vitest';
import { svdSync } from '../src/linalg/index.js';
import type { Matrix } from '../src/linalg/matrix.js';
import {
  balancedness,
  balancednessSync,
  gradientAlignment,
  inputOrthogonality,
  inputOrthogonalitySync,
  layerAlignment,
  layerAlignmentSync,
  mergeBySum,
  principalAngles,
  principalAnglesSync,
  subspaceOverlap,
  subspaceOverlapSync,
} from '../src/metrics/index.js';
import { matmul } from './helpers/linalg.js';
import { expectCode, expectReject, expectRel, randn, toF32 } from './helpers/metrics.js';

const M = (rows: number[][]): Matrix<Float64Array> => ({
  data: Float64Array.from(rows.flat()),
  shape: [rows.length, rows[0].length],
});

/** n x k matrix with orthonormal columns (left singular vectors of a Gaussian matrix). */
function orthonormal(n: number, k: number, seed: number): Matrix<Float64Array> {
  const { U } = svdSync(randn(n, k, seed));
  return { data: Float64Array.from(U.data), shape: [n, k] };
}

/** Column j of a row-major matrix. */
const col = (m: Matrix, j: number) => Array.from({ length: m.shape[0] }, (_, i) => m.data[i * m.shape[1] + j]);

/** Σ_i s_i a_i b_iᵀ for column vectors a_i (length r) and b_i (length c). */
function outer(terms: [number, number[], number[]][]): Matrix<Float64Array> {
  const r = terms[0][1].length;
  const c = terms[0][2].length;
  const data = new Float64Array(r * c);
  for (const [s, a, b] of terms) for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) data[i * c + j] += s * a[i] * b[j];
  return { data, shape: [r, c] };
}

function transposed(m: Matrix): Matrix<Float64Array> {
  const [r, c] = m.shape;
  const t = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = m.data[i * c + j];
  return { data: t, shape: [c, r] };
}

describe('gradientAlignment', () => {
  it('closed forms', () => {
    const W = M([[1, 0], [0, 1]]);
    const G = M([[1, 1], [0, 0]]);
    const r = gradientAlignment(W, G, { weightDecay: 1 });
    expectRel(r.cos, 0.5, 1e-15);
    expectRel(r.residual!, Math.sqrt(3), 1e-15); // ‖[[2,1],[0,1]]‖ / ‖G‖ = √6/√2
    expect(gradientAlignment(W, M([[0, 1], [1, 0]])).cos).toBe(0);
    expect(gradientAlignment(W, G).residual).toBeUndefined();
  });
  it('stationary point of weight decay: G = −λW gives cos = −1 and residual 0, per layer and in total', () => {
    const Ws = [randn(5, 3, 1), toF32(randn(4, 5, 2)), Float32Array.from([0.5, -1, 2])];
    const lambda = 1e-3;
    const Gs = Ws.map((w) => ('shape' in w ? { data: w.data.map((v) => -lambda * v), shape: w.shape } : w.map((v) => -lambda * v)));
    const r = gradientAlignment(Ws, Gs, { weightDecay: lambda });
    for (const l of r.layers) {
      expectRel(l.cos!, -1, 1e-7); // f32 rounding of λ·W in the f32 layers
      expect(l.residual!).toBeLessThan(1e-6);
    }
    expectRel(r.total.cos, -1, 1e-7);
    // Total = cosine of the concatenated vectors: Σ⟨W,G⟩ / (‖W‖‖G‖) over all.
    const per = r.layers.map((l) => l.cos! * l.normW * l.normG).reduce((a, b) => a + b);
    expectRel(r.total.cos, per / (r.total.normW * r.total.normG), 1e-12);
  });
  it('zero-initialised bias in a list: that layer is null, the total is defined', () => {
    const r = gradientAlignment([M([[1, 2]]), new Float64Array(2)], [M([[1, 0]]), Float64Array.from([1, 1])], { weightDecay: 0.1 });
    expect(r.layers[1].cos).toBeNull();
    expectRel(r.layers[1].residual!, 1, 1e-15);
    expectRel(r.total.cos, 1 / (Math.sqrt(5) * Math.sqrt(3)), 1e-15);
  });
  it('bad input', () => {
    expectCode(() => gradientAlignment(M([[1, 2]]), M([[1], [2]])), 'E_SHAPE');
    expectCode(() => gradientAlignment(M([[0, 0]]), M([[1, 2]])), 'E_DEGENERATE');
    expectCode(() => gradientAlignment(M([[1, 0]]), M([[0, 0]])), 'E_DEGENERATE');
    expectCode(() => gradientAlignment([M([[1]])], []), 'E_SHAPE');
    expectCode(() => gradientAlignment(M([[1, 2]]), M([[1, NaN]])), 'E_NONFINITE');
    expectCode(() => gradientAlignment(M([[1, 2]]), M([[1, 2]]), { weightDecay: -1 }), 'E_OPTION');
    expectCode(() => gradientAlignment(M([[1, 2]]), M([[1, 2]]), { wd: 1 } as never), 'E_OPTION');
  });
});

describe('principal angles', () => {
  const n = 7;
  const Q = orthonormal(n, 3, 11); // q1, q2, q3 orthonormal in R^7
  const [q1, q2, q3] = [0, 1, 2].map((j) => col(Q, j));
  // Plane A = span(q1, q2); plane B = span(q1, cos θ q2 + sin θ q3): principal angles 0 and θ.
  const plane = (theta: number, scale: number[]) => {
    const b2 = q2.map((v, i) => Math.cos(theta) * v + Math.sin(theta) * q3[i]);
    return outer([
      [scale[0], q1, [1, 0]],
      [scale[1], b2, [0, 1]],
    ]);
  };
  it.each([Math.PI / 6, 1.2, Math.PI / 2, 1e-6])('two planes at θ = %s (closed form)', async (theta) => {
    const A = plane(0, [3, 2]);
    const B = plane(theta, [1, 5]);
    const p = await principalAngles(A, B, { k: 2 });
    expect(p.angles[0]).toBeLessThan(1e-7);
    expectRel(p.angles[1], theta, 1e-9);
    expect(Math.abs(p.cosines[1] - Math.cos(theta))).toBeLessThan(1e-13);
    expectRel(await subspaceOverlap(A, B, { k: 2 }), (1 + Math.cos(theta) ** 2) / 2, 1e-12);
    // Right side = the same planes as row spaces.
    const pr = principalAnglesSync(transposed(A), transposed(B), { k: 2, side: 'right' });
    expectRel(pr.angles[1], theta, 1e-9);
  });
  it('top-k picks the largest directions; f32 input', () => {
    // A has q1 (σ=3) and q2 (σ=2); with k = 1, A's subspace is q1, B's (q3 with σ 5 > q1 with σ 1) is q3.
    const A = plane(0, [3, 2]);
    const B = outer([
      [1, q1, [1, 0]],
      [5, q3, [0, 1]],
    ]);
    expectRel(principalAnglesSync(A, B, { k: 1 }).angles[0], Math.PI / 2, 1e-12);
    expectRel(subspaceOverlapSync(toF32(A), toF32(B), { k: 2 }), 0.5, 1e-6);
  });
  it('bad input', async () => {
    expectCode(() => principalAnglesSync(randn(5, 2, 1), randn(6, 2, 2)), 'E_SHAPE');
    expectCode(() => principalAnglesSync(randn(5, 2, 1), randn(5, 2, 2), { k: 3 }), 'E_SHAPE');
    expectCode(() => principalAnglesSync(randn(5, 2, 1), randn(5, 2, 2), { side: 'up' as never }), 'E_OPTION');
    await expectReject(principalAngles(randn(5, 2, 1), randn(5, 3, 2), { side: 'right' }), 'E_SHAPE');
  });
});

describe('layerAlignment', () => {
  const h = 6;
  const Q = orthonormal(h, 3, 21);
  const [a, b, c] = [0, 1, 2].map((j) => col(Q, j));
  const x = col(orthonormal(4, 2, 22), 0);
  const x2 = col(orthonormal(4, 2, 22), 1);
  const y = col(orthonormal(3, 2, 23), 0);
  const y2 = col(orthonormal(3, 2, 23), 1);
  it('top-1: |⟨v1(W_{l+1}), u1(W_l)⟩| for chosen singular vectors', async () => {
    // W_l [h, 4] has u1 = a (σ 5), u2 = b (σ 1). W_{l+1} [3, h] has v1 = cos φ a + sin φ c (σ 4), v2 = b (σ 2).
    const phi = 0.7;
    const v1 = a.map((v, i) => Math.cos(phi) * v + Math.sin(phi) * c[i]);
    const Wl = outer([
      [5, a, x],
      [1, b, x2],
    ]);
    const Wn = outer([
      [4, y, v1],
      [2, y2, b],
    ]);
    const r = await layerAlignment(Wl, Wn);
    expectRel(r.top1, Math.cos(phi), 1e-12);
    const r2 = layerAlignmentSync(Wl, Wn, { k: 2 });
    expectRel(r2.top1, Math.cos(phi), 1e-12);
    expectRel(r2.angles[1], phi, 1e-10); // span(a, b) vs span(v1, b): angles 0 and φ
    expectRel(r2.overlap, (1 + Math.cos(phi) ** 2) / 2, 1e-12);
    // Keras/tfjs kernels are the transposes.
    expectRel(layerAlignmentSync(transposed(Wl), transposed(Wn), { k: 2, layout: 'in-out' }).angles[1], phi, 1e-10);
    expectCode(() => layerAlignmentSync(Wl, transposed(Wn)), 'E_SHAPE');
  });
});

describe('balancedness', () => {
  // W1 = U Σ V1ᵀ [h, in], W2 = c · V2 Σ Uᵀ [out, h]: W2ᵀW2 = c² U Σ² Uᵀ = c² W1 W1ᵀ, imbalance |c² − 1|.
  function pair(inDim: number, h: number, out: number, r: number, c: number): [Matrix<Float64Array>, Matrix<Float64Array>] {
    const U = orthonormal(h, r, 31);
    const V1 = orthonormal(inDim, r, 32);
    const V2 = orthonormal(out, r, 33);
    const S = [3, 1.5, 0.5].slice(0, r);
    const W1 = outer(S.map((s, i) => [s, col(U, i), col(V1, i)] as [number, number[], number[]]));
    const W2 = outer(S.map((s, i) => [c * s, col(V2, i), col(U, i)] as [number, number[], number[]]));
    return [W1, W2];
  }
  it.each([
    [8, 5, 6, 3], // both Grams are the smaller ones
    [3, 5, 2, 2], // W2 short-and-wide, W1 tall: padded Gram path
  ])('closed form, dims in=%i h=%i out=%i rank=%i', async (inDim, h, out, r) => {
    const [W1, W2] = pair(inDim, h, out, r, 1);
    const b = await balancedness([W1, W2]);
    expect(b.imbalance[0]).toBeLessThan(1e-14);
    expectRel(b.normsSq[0], [9, 2.25, 0.25].slice(0, r).reduce((s, v) => s + v), 1e-13);
    expect(b.normsSqSpread).toBeLessThan(1e-13);
    const [X1, X2] = pair(inDim, h, out, r, 1.5);
    const u = balancednessSync([X1, X2]);
    expectRel(u.imbalance[0], 1.25, 1e-13);
    expectRel(u.normsSqSpread, (2.25 - 1) / ((2.25 + 1) / 2), 1e-13);
    expectRel(balancednessSync([transposed(X1), transposed(X2)], { layout: 'in-out' }).imbalance[0], 1.25, 1e-13);
  });
  it('random layers vs a direct computation (3 layers, f32 and f64)', () => {
    const Ws = [randn(6, 4, 41), randn(3, 6, 42), randn(5, 3, 43)];
    const b = balancednessSync([Ws[0], toF32(Ws[1]), Ws[2]]);
    for (let l = 0; l < 2; l++) {
      const next = matmul(transposed(Ws[l + 1]), Ws[l + 1]);
      const prev = matmul(Ws[l], transposed(Ws[l]));
      const diff = next.data.map((v, i) => v - prev.data[i]);
      const fro = (a: Float64Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
      expectRel(b.imbalance[l], fro(diff) / fro(prev.data), 1e-6);
    }
  });
  it('bad input', async () => {
    expectCode(() => balancednessSync([randn(3, 4, 1)]), 'E_SHAPE');
    expectCode(() => balancednessSync([randn(3, 4, 1), randn(2, 4, 2)]), 'E_SHAPE');
    expectCode(() => balancednessSync([{ data: new Float64Array(12), shape: [3, 4] }, randn(2, 3, 2)]), 'E_DEGENERATE');
    await expectReject(balancedness([randn(3, 4, 1), randn(2, 3, 2)], { layout: 'x' as never }), 'E_OPTION');
  });
});

describe('input orthogonality and merging', () => {
  it('disjoint supports -> 0; identical rows -> closed form; cross-check with explicit X_A X_Bᵀ', async () => {
    const XA = M([[1, 2, 0, 0], [3, -1, 0, 0]]);
    const XB = M([[0, 0, 5, 1], [0, 0, 1, 1], [0, 0, 2, 2]]);
    expect(await inputOrthogonality(XA, XB)).toBe(0);
    expectRel(inputOrthogonalitySync(M([[1, 0]]), M([[1, 1]])), 1 / Math.SQRT2, 1e-15);
    const A = randn(9, 4, 51);
    const B = randn(5, 4, 52);
    const cross = matmul(A, transposed(B)).data;
    const fro = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0));
    expectRel(inputOrthogonalitySync(A, B), fro(cross) / (fro(A.data) * fro(B.data)), 1e-12);
    expectCode(() => inputOrthogonalitySync(A, randn(5, 3, 1)), 'E_SHAPE');
    expectCode(() => inputOrthogonalitySync(A, { data: new Float64Array(4), shape: [1, 4] }), 'E_DEGENERATE');
  });
  it('mergeBySum: lists and records', () => {
    const [a, b] = [M([[1, 2]]), M([[10, 20]])];
    const merged = mergeBySum([a, toF32(a)], [b, toF32(b)]);
    expect(Array.from(merged[0].data)).toEqual([11, 22]);
    expect(merged[1].data).toBeInstanceOf(Float32Array);
    const rec = mergeBySum({ fc: a }, { fc: b });
    expect(Array.from(rec.fc.data)).toEqual([11, 22]);
    expectCode(() => mergeBySum([a], [M([[1], [2]])]), 'E_SHAPE');
    expectCode(() => mergeBySum({ fc: a }, { fc2: b }), 'E_SHAPE');
    expectCode(() => mergeBySum([a], [a, a]), 'E_SHAPE');
  });
});
