// Property suite, metrics layer: rank metrics, gradient alignment, principal angles / subspace overlap,
// layer alignment, balancedness, input orthogonality, mergeBySum, neural collapse and richness, against
// numpy/scipy (scipy.linalg.subspace_angles for the angles), over shapes, dtypes, scales and degenerate ranks.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { arraysAbs, closeAbs, closeRel, EPS, epsDim, first, inRange, matrixArg, num } from './lib/checks.js';
import { draw, encode, encodeSpec, materialize, matrixSpecArb, runs, scaleArb, seedOf, type DType, type MatrixSpec } from './lib/gen.js';
import { findPython, judge, NO_PYTHON, type Case, type Check } from './lib/harness.js';
import { KNOWN } from './lib/known.js';
import { expectVerdict } from './lib/verdict.js';
import { gaussian } from '../helpers/metrics.js';

const SEED = seedOf(4049);
const N = runs(40);
type Enc = ReturnType<typeof encodeSpec>;

const spec = (rows: number, cols: number, s: Partial<MatrixSpec> & { seed: number; dtype: DType }): MatrixSpec => ({
  rows, cols, structure: 'gaussian', scale: 1, ...s,
});

/** B = a rotation-ish mix of A plus noise, so that angles are neither all 0 nor all π/2. */
function related(A: Float32Array | Float64Array, rows: number, cols: number, seed: number, noise: number, scale: number): Enc {
  const g = gaussian(seed);
  const out = A instanceof Float32Array ? new Float32Array(A.length) : new Float64Array(A.length);
  for (let i = 0; i < A.length; i++) out[i] = A[i] * 0.7 + noise * scale * g();
  return encode(out, [rows, cols]);
}

function rankCases(out: Case[]): void {
  draw(matrixSpecArb(), N, SEED).forEach((s, i) => {
    const A = encodeSpec(s);
    out.push({ id: `rank-${i}`, fam: 'rank', args: { A, meta: { structure: s.structure, scale: s.scale } } });
    const metric = ['stableRank', 'numericalRank', 'effectiveRank', 'participationRatio', 'nuclearNorm', 'energyRank'][i % 6];
    out.push({ id: `rankOne-${i}`, fam: 'rankOne', args: { A, metric, ...(metric === 'energyRank' ? { tau: i % 2 ? 0.9 : 0.99 } : {}) } });
  });
  const svArb = fc.record({
    s: fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e308, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true })), { minLength: 1, maxLength: 8 }),
    scale: scaleArb('float64'),
    f64: fc.boolean(),
    tall: fc.integer({ min: 0, max: 5 }),
    dtype: fc.constantFrom(undefined, 'float32', 'float64'),
  });
  draw(svArb, runs(30), SEED + 1).forEach((r, i) => {
    const s = r.s.map((v) => Math.min(v * r.scale, Number.MAX_VALUE));
    out.push({ id: `rankSv-${i}`, fam: 'rankSv', args: { s, f64: r.f64, shape: [s.length + r.tall, s.length], ...(r.dtype ? { dtype: r.dtype } : {}) } });
  });
}

function alignmentCases(out: Case[]): void {
  const arb = fc.record({ m: matrixSpecArb({ max: 8 }), kind: fc.constantFrom('decay', 'scaled', 'random', 'zero'), wd: fc.option(fc.constantFrom(0, 1e-4, 0.1, 3, 1e200), { nil: undefined }), gscale: scaleArb('float64'), flat: fc.boolean() });
  draw(arb, N, SEED + 2).forEach((r, i) => {
    const W = materialize(r.m);
    const g = gaussian(r.m.seed + 7);
    const G = W.map((w) => (r.kind === 'decay' ? -0.5 * w + 1e-3 * r.m.scale * g() : r.kind === 'scaled' ? w * r.gscale : r.kind === 'random' ? g() * r.gscale : 0));
    const wd = r.wd === undefined ? {} : { weightDecay: r.wd };
    out.push({ id: `align-${i}`, fam: 'alignment', args: { W: encode(W, [r.m.rows, r.m.cols]), G: encode(G, [r.m.rows, r.m.cols]), flat: r.flat, ...wd } });
    if (i % 3 === 0) {
      const layers = draw(matrixSpecArb({ max: 5, dtypes: [r.m.dtype] }), 1 + (i % 4), r.m.seed);
      const Ws = layers.map(encodeSpec);
      const Gs = layers.map((l, j) => encodeSpec({ ...l, seed: l.seed + 1, structure: j === 0 && i % 2 ? 'zero' : l.structure }));
      out.push({ id: `alignList-${i}`, fam: 'alignment', args: { Ws, Gs, ...wd } });
    }
  });
}

function subspaceCases(out: Case[]): void {
  const arb = fc.record({ m: matrixSpecArb({ max: 9 }), noise: fc.constantFrom(0, 1e-6, 0.1, 1), side: fc.constantFrom('left', 'right'), kf: fc.double({ min: 0, max: 1, noNaN: true }), kUnset: fc.boolean() });
  draw(arb, N, SEED + 3).forEach((r, i) => {
    const { rows, cols } = r.m;
    const a = materialize(r.m);
    const B = r.noise === 1 ? encodeSpec({ ...r.m, seed: r.m.seed + 1, structure: 'gaussian' }) : related(a, rows, cols, r.m.seed + 2, r.noise, r.m.scale);
    const kmax = Math.min(rows, cols);
    const k = 1 + Math.floor(r.kf * (kmax - 1e-9));
    out.push({ id: `angles-${i}`, fam: 'angles', args: { A: encode(a, [rows, cols]), B, side: r.side, ...(r.kUnset ? {} : { k }) } });
    // layer alignment: W_l [h, in] = A, W_next [out, h]
    const Wn = encodeSpec({ ...r.m, rows: 1 + (r.m.seed % 6), cols: rows, seed: r.m.seed + 3, structure: i % 4 ? 'gaussian' : r.m.structure });
    const kl = 1 + Math.floor(r.kf * (Math.min(rows, cols, Wn.shape[0]) - 1e-9));
    out.push({ id: `layerAlign-${i}`, fam: 'layerAlignment', args: { Wl: encode(a, [rows, cols]), Wn, k: kl } });
  });
}

function balanceCases(out: Case[]): void {
  const arb = fc.record({ dims: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 3, maxLength: 5 }), dtype: fc.constantFrom<DType>('float64', 'float32'), seed: fc.integer({ min: 1, max: 1e9 }), layout: fc.constantFrom('out-in', 'in-out'), zeroAt: fc.integer({ min: -3, max: 4 }) });
  draw(arb, N, SEED + 4).forEach((r, i) => {
    const scales = draw(scaleArb(r.dtype), r.dims.length - 1, r.seed);
    const layers = scales.map((scale, l) => {
      const s = spec(r.dims[l + 1], r.dims[l], { seed: r.seed + l, dtype: r.dtype, scale, structure: l === r.zeroAt ? 'zero' : 'gaussian' });
      const e = encodeSpec(s);
      return r.layout === 'out-in' ? e : encodeSpec({ ...s, rows: s.cols, cols: s.rows });
    });
    out.push({ id: `balance-${i}`, fam: 'balance', args: { layers, layout: r.layout } });
  });
}

function mergeCases(out: Case[]): void {
  const arb = fc.record({ a: matrixSpecArb({ max: 6 }), b: matrixSpecArb({ max: 6 }), nb: fc.integer({ min: 1, max: 7 }), sameRows: fc.boolean() });
  draw(arb, N, SEED + 5).forEach((r, i) => {
    const b = { ...r.b, cols: r.a.cols, rows: r.sameRows ? r.a.rows : r.nb };
    out.push({ id: `ortho-${i}`, fam: 'orthogonality', args: { XA: encodeSpec(r.a), XB: encodeSpec(b) } });
    const same = { ...r.b, rows: r.a.rows, cols: r.a.cols };
    out.push({ id: `merge-${i}`, fam: 'merge', args: { A: [encodeSpec(r.a)], B: [encodeSpec(same)] } });
  });
}

/** Features with class structure: mean_c + spread·noise, in a random order of classes. */
function classFeatures(n: number, d: number, C: number, spread: number, scale: number, dtype: DType, seed: number): { H: Enc; labels: number[] } {
  const g = gaussian(seed);
  const means = Array.from({ length: C * d }, g);
  const labels = Array.from({ length: n }, (_, i) => (i < C ? i : Math.floor(Math.abs(g()) * 1e6) % C));
  const h = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) h[i * d + j] = (means[labels[i] * d + j] + spread * g()) * scale;
  return { H: encode(dtype === 'float32' ? Float32Array.from(h) : h, [n, d]), labels };
}

function featureCases(out: Case[]): void {
  const arb = fc.record({
    n: fc.integer({ min: 2, max: 24 }), d: fc.integer({ min: 1, max: 7 }), C: fc.integer({ min: 2, max: 5 }),
    spread: fc.constantFrom(0, 1e-9, 0.1, 1, 10), dtype: fc.constantFrom<DType>('float64', 'float32'), seed: fc.integer({ min: 1, max: 1e9 }),
    withW: fc.boolean(), withB: fc.boolean(), badLabel: fc.constantFrom(null, null, null, null, null, null, 2 ** 31 - 1, -1, 1.5), numClasses: fc.constantFrom(undefined, undefined, undefined, undefined, 1e9, 6),
  });
  draw(arb, N, SEED + 6).forEach((r, i) => {
    const scale = draw(scaleArb(r.dtype), 1, r.seed)[0];
    const C = Math.min(r.C, r.n);
    const { H, labels } = classFeatures(r.n, r.d, C, r.spread, scale, r.dtype, r.seed);
    if (r.badLabel !== null) labels[r.n - 1] = r.badLabel;
    const W = r.withW ? encodeSpec(spec(C, r.d, { seed: r.seed + 1, dtype: r.dtype, scale: draw(scaleArb(r.dtype), 1, r.seed + 2)[0] })) : undefined;
    const b = r.withW && r.withB ? Array.from({ length: C }, gaussian(r.seed + 3)) : undefined;
    const nc = r.numClasses === undefined ? {} : { numClasses: r.numClasses };
    out.push({ id: `collapse-${i}`, fam: 'collapse', args: { H, labels, ...(W ? { W } : {}), ...(b ? { b } : {}), ...nc } });
    const F = encodeSpec(spec(r.n, 1 + (r.seed % 4), { seed: r.seed + 4, dtype: r.dtype, scale: draw(scaleArb(r.dtype), 1, r.seed + 5)[0], structure: i % 5 === 0 ? 'constant' : 'gaussian' }));
    out.push({ id: `richness-${i}`, fam: 'richness', args: { features: H, outputs: F, ...(i % 2 ? { labels, ...nc } : {}) } });
  });
}

// ---- checks: relative tolerances K·max(m, n)·eps(dtype), the error propagation of σ (see README) ----

const rankCheck: Check = (js, ref, c) => {
  const o = num(js) as Record<string, number>;
  const r = ref as Record<string, number & { lo: number; hi: number; set: number[] }>;
  const [eps, n] = c.args.A ? epsDim(matrixArg(c)) : [EPS[(c.args.dtype as DType) ?? 'float64'], Math.max(...(c.args.shape as number[]))];
  const k = (c.args.s as number[] | undefined)?.length ?? Math.min(...matrixArg(c).shape);
  const smooth = 32 * k * n * eps; // Σσ² and ratios of them
  const entropy = smooth * (2 + Math.log(1 / (8 * n * eps)));
  const all = c.fam !== 'rankOne';
  const v = (key: string) => (all ? o[key] : (o as unknown as number));
  const want = (key: string) => (all ? r[key] : (r as unknown as number & { lo: number; hi: number; set: number[] }));
  const keys = all ? ['stableRank', 'numericalRank', 'effectiveRank', 'energyRank90', 'energyRank99', 'participationRatio', 'nuclearNorm', 'frobeniusNorm', 'spectralNorm', 'tol'] : [c.args.metric === 'energyRank' ? 'energyRank90' : (c.args.metric as string)];
  for (const key of keys) {
    const got = v(key);
    const w = want(key);
    let p: string | null;
    if (key === 'numericalRank') p = inRange(key, got, w);
    else if (key.startsWith('energyRank')) p = w.set.includes(got) ? null : `${key} = ${got}, numpy allows ${w.set}`;
    else if (key === 'effectiveRank') p = closeRel(key, got, w, entropy);
    else p = closeRel(key, got, w, smooth);
    if (p) return p;
  }
  return null;
};

const alignCheck: Check = (js, ref, c) => {
  const dt = ((c.args.W ?? (c.args.Ws as Enc[])[0]) as Enc).dtype;
  const tol = 64 * EPS[dt] * 64;
  const one = (o: Record<string, number | null>, r: Record<string, number | null>, at: string): string | null => {
    for (const key of ['cos', 'normW', 'normG', 'residual']) {
      if (!(key in r)) continue;
      if (r[key] === null) {
        if (o[key] !== null) return `${at}${key} = ${o[key]}, numpy: undefined (null)`;
        continue;
      }
      const p = key === 'cos' ? closeAbs(`${at}cos`, o[key], r[key] as number, tol) : closeRel(`${at}${key}`, o[key], r[key] as number, tol);
      if (p) return p;
    }
    return null;
  };
  const o = num(js) as Record<string, unknown>;
  const r = ref as Record<string, unknown>;
  if (!('layers' in r)) return one(o as Record<string, number>, r as Record<string, number>, '');
  const ol = o.layers as Record<string, number>[];
  const rl = r.layers as Record<string, number>[];
  return first(...rl.map((x, i) => one(ol[i], x, `layers[${i}].`)), one(o.total as Record<string, number>, r.total as Record<string, number>, 'total.'));
};

const anglesCheck: Check = (js, ref, c) => {
  const o = num(js) as { angles: number[]; cosines: number[]; overlap: number; top1?: number };
  const r = ref as { angles: number[]; cosines: number[]; overlap: number; top1?: number; sens: number };
  const dt = ((c.args.A ?? c.args.Wl) as Enc).dtype;
  // Wedin: subspace error ≲ max(m, n)·eps·σ_1/gap for each of the two; the oracle sends that sum as sens.
  const tol = 8 * r.sens + 16 * EPS[dt];
  return first(
    arraysAbs('angles', o.angles, r.angles, tol),
    arraysAbs('cosines', o.cosines, r.cosines, tol),
    closeAbs('overlap', o.overlap, r.overlap, 2 * tol),
    r.top1 === undefined ? null : closeAbs('top1', o.top1, r.top1, tol),
  );
};

const balanceCheck: Check = (js, ref, c) => {
  const o = num(js) as { normsSq: number[]; normsSqSpread: number; imbalance: number[] };
  const r = ref as typeof o;
  const dt = (c.args.layers as Enc[])[0].dtype;
  const tol = 256 * 8 * EPS[dt];
  const rels = (what: string, a: number[], b: number[]) => first(...b.map((x, i) => closeRel(`${what}[${i}]`, a?.[i], x, tol)));
  // imbalance: a difference of two Grams; its absolute error is ~eps of the larger one, relative to the reference Gram
  return first(rels('normsSq', o.normsSq, r.normsSq), closeAbs('normsSqSpread', o.normsSqSpread, r.normsSqSpread, tol * Math.max(1, r.normsSqSpread)), ...r.imbalance.map((x, i) => closeAbs(`imbalance[${i}]`, o.imbalance?.[i], x, tol * Math.max(1, x))));
};

const collapseCheck: Check = (js, ref, c) => {
  const o = num(js) as Record<string, number>;
  const r = ref as Record<string, number & { lo: number; hi: number; value: number; slack: number }>;
  const H = c.args.H as Enc;
  const [n, d] = H.shape;
  const tol = 1e3 * n * d * EPS.float64 + (H.dtype === 'float32' ? 0 : 0);
  return first(
    closeRel('nc1', o.nc1, r.nc1, tol * r.nc1Cond * (1 + r.nc1Cancel) ** 2),
    closeAbs('nc2Equinorm', o.nc2Equinorm, r.nc2Equinorm, tol),
    closeAbs('nc2Equiangular', o.nc2Equiangular, r.nc2Equiangular, tol),
    closeAbs('nc2Etf', o.nc2Etf, r.nc2Etf, tol),
    o.numClasses === r.numClasses ? null : `numClasses ${o.numClasses} vs ${r.numClasses}`,
    inRange('rankB', o.rankB, r.rankB),
    r.nc3 === undefined ? null : closeAbs('nc3', o.nc3, r.nc3, tol),
    r.nc4 === undefined ? null : closeAbs('nc4', o.nc4, r.nc4.value, r.nc4.slack + 1e-12),
  );
};

const richnessCheck: Check = (js, ref, c) => {
  const o = num(js) as Record<string, number & number[]>;
  const r = ref as Record<string, number & number[] & { lo: number; hi: number }> & { okIdx: number[] };
  const Phi = c.args.features as Enc;
  const [n, p] = Phi.shape;
  // Φ is centred in its own dtype (a float32 Φ in float32): its rounding, relative to the centred values
  const tol = 1e3 * n * p * EPS[Phi.dtype];
  const m = o.cumulativeUtilisation.length;
  if (m < r.m.lo || m > r.m.hi) return `${m} utilisation values, numpy ${r.m.lo}..${r.m.hi}`;
  const at = (what: string, a: number[], b: number[]) => first(...r.okIdx.filter((i) => i < m).map((i) => closeAbs(`${what}[${i}]`, a[i], b[i], tol)));
  return first(
    closeAbs('cka', o.cka, r.cka, tol),
    closeAbs('dLR', o.dLR, r.dLR, tol),
    o.outputRank === r.outputRank ? null : `outputRank ${o.outputRank}, numpy ${r.outputRank}`,
    closeRel('eigenvalues[0]', o.eigenvalues[0], r.rho1, tol),
    arraysAbs('relativeEigenvalues', o.relativeEigenvalues, r.relativeEigenvalues, tol),
    at('cumulativeUtilisation', o.cumulativeUtilisation, r.cumulativeUtilisation),
    r.cumulativeQuality ? at('cumulativeQuality', o.cumulativeQuality, r.cumulativeQuality) : null,
    closeRel('effectiveDimension', o.effectiveDimension, r.effectiveDimension, tol * 10),
  );
};

const mergeCheck: Check = (js, ref) => first(...(ref as number[][]).map((x, i) => arraysAbs(`layer ${i}`, (num(js) as number[][])[i], x, 0)));

const CHECKS: Record<string, Check> = {
  rank: rankCheck,
  rankSv: rankCheck,
  rankOne: rankCheck,
  alignment: alignCheck,
  angles: anglesCheck,
  layerAlignment: anglesCheck,
  balance: balanceCheck,
  // each Gram is formed in its input's dtype: the less precise one sets the tolerance
  orthogonality: (js, ref, c) => {
    const [a, b] = [c.args.XA as Enc, c.args.XB as Enc];
    const eps = Math.max(EPS[a.dtype], EPS[b.dtype]);
    return closeAbs('orthogonality', js, ref as number, 1e3 * Math.max(...a.shape, ...b.shape) * eps);
  },
  merge: mergeCheck,
  collapse: collapseCheck,
  richness: richnessCheck,
};

describe.skipIf(!findPython())(`property: metrics vs numpy${findPython() ? '' : ` (skipped: ${NO_PYTHON})`}`, () => {
  it('every case equals numpy where defined, else a typed WeightscopeError', async () => {
    const cs: Case[] = [];
    rankCases(cs);
    alignmentCases(cs);
    subspaceCases(cs);
    balanceCases(cs);
    mergeCases(cs);
    featureCases(cs);
    // principal angles and layer alignment call svd with k (?gesvdx): one process per case (see known.ts)
    const v = await judge(cs, CHECKS, { known: KNOWN, isolate: (c) => c.fam === 'angles' || c.fam === 'layerAlignment' });
    expectVerdict('metrics', v, cs, KNOWN, SEED === 4049);
  }, 600_000);
});
