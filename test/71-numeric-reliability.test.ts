// Numeric edge cases through the public API: extreme scales, all-zero and rank-1 layers, a NaN layer inside a
// model, a very tall layer. The rule everywhere: a number is finite or its layer says why it is not (status
// 'failed' with a reason, a 'skipped' entry, or a WeightscopeError with a code) — never a silent NaN.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, analyzeMatrix, esd, WeightscopeError, type LayerReport } from '../src/index.js';
import { REF, loadInput, relErr } from './helpers/heavytail-reference.js';
import { randn } from './helpers/reference.js';

const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-num-'));
afterAll(() => fs.rmSync(DIR, { recursive: true, force: true }));

/** A successful fit has finite α, D, xmin; anything else carries a reason. */
function expectHonest(r: LayerReport): void {
  if (r.status === 'success') {
    for (const k of ['alpha', 'D', 'xmin', 'lambdaMax', 'norm', 'stableRank'] as const) expect(Number.isFinite(r[k]), `${r.name}.${k} = ${r[k]}`).toBe(true);
  } else expect(r.reason, `${r.name}: ${r.status} without a reason`).toMatch(/\S/);
}

function scaled<T extends Float32Array | Float64Array>(data: T, c: number): T {
  return data.map((v) => v * c) as T;
}

/** Minimal safetensors writer (F32 tensors), for analyze() on files. */
function writeSafetensors(file: string, tensors: Record<string, { shape: number[]; data: Float32Array }>): void {
  const header: Record<string, unknown> = {};
  let off = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [off, off + t.data.byteLength] };
    off += t.data.byteLength;
  }
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  let at = 8 + h.length;
  for (const t of Object.values(tensors)) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  fs.writeFileSync(file, out);
}

describe('extreme scales (1e±300): α is scale-free, or the layer says why there is none', () => {
  const g = loadInput('gauss');
  const alpha0 = REF.weightwatcher.gauss.alpha as number;

  it('f64 ×1e100 and ×1e150: the same α as unscaled WW (σ² up to 1e302 stays finite)', async () => {
    for (const c of [1e100, 1e150]) {
      const r = await analyzeMatrix({ data: scaled(g.data, c), shape: g.shape });
      expectHonest(r);
      expect(r.status).toBe('success');
      expect(relErr(r.alpha, alpha0)).toBeLessThan(1e-6);
      expect(relErr(r.stableRank, (await analyzeMatrix(g)).stableRank)).toBeLessThan(1e-9);
    }
  });

  it('f64 ×1e300: σ² overflows float64, so the layer is refused with E_NONFINITE (analyze() lists it in skipped)', async () => {
    const W = { data: scaled(g.data, 1e300), shape: g.shape };
    await expect(analyzeMatrix(W)).rejects.toMatchObject({ code: 'E_NONFINITE' });
    const rep = await analyze([{ name: 'huge', W }, { name: 'plain', W: g }], { metrics: [] });
    expect(rep.layers.map((l) => l.name)).toEqual(['plain']);
    expect(rep.skipped).toEqual([{ name: 'huge', reason: expect.stringMatching(/^E_NONFINITE: analyzeMatrix: λ_max = σ_max² overflows/) }]);
  });

  it('f64 ×1e-100: every λ is below WW’s 1e-5 threshold, status failed with that reason', async () => {
    const r = await analyzeMatrix({ data: scaled(g.data, 1e-100), shape: g.shape });
    expectHonest(r);
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/at least 2 eigenvalues above the threshold, have 0/);
    expect(r.alpha).toBeNaN();
  });

  it('f64 ×1e-300: σ² underflows float64 (λ_max would be 0 for a nonzero layer), so E_NONFINITE', async () => {
    const W = { data: scaled(g.data, 1e-300), shape: g.shape };
    await expect(analyzeMatrix(W)).rejects.toMatchObject({ code: 'E_NONFINITE', message: expect.stringMatching(/underflows/) });
    const rep = await analyze([{ name: 'tiny', W }, { name: 'plain', W: g }], { metrics: [] });
    expect(rep.skipped).toEqual([{ name: 'tiny', reason: expect.stringMatching(/^E_NONFINITE: .*underflows/) }]);
  });

  it('f32 ×1e30 and ×1e-30 (σ² leaves the float32 range; the ESD is float64): α within 1e-3 of f64, or failed', async () => {
    const f32 = Float32Array.from(g.data);
    const up = await analyzeMatrix({ data: scaled(f32, 1e30), shape: g.shape });
    expect(up.status).toBe('success');
    expect(relErr(up.alpha, alpha0)).toBeLessThan(1e-3);
    const down = await analyzeMatrix({ data: scaled(f32, 1e-30), shape: g.shape });
    expectHonest(down);
    expect(down.status).toBe('failed');
  });
});

describe('all-zero and rank-1 layers', () => {
  const rows = 120;
  const cols = 60;
  const u = randn(rows, 11);
  const v = randn(cols, 12);
  const rank1 = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) rank1[i * cols + j] = u[i] * v[j];
  const sq = (x: Float64Array) => x.reduce((s, t) => s + t * t, 0);

  it('all-zero (f32 and f64): status failed with a reason, norms exactly 0, rank 0', async () => {
    for (const data of [new Float32Array(rows * cols), new Float64Array(rows * cols)]) {
      const r = await analyzeMatrix({ data, shape: [rows, cols] });
      expectHonest(r);
      expect(r.status).toBe('failed');
      expect(r.reason).toMatch(/have 0/);
      expect([r.norm, r.spectralNorm, r.matrixRank, r.svMax]).toEqual([0, 0, 0, 0]);
      expect(r.rankLoss).toBe(cols);
    }
  });

  it('rank-1 u vᵀ: λ_max = |u|²|v|², matrix rank 1, stable rank 1; one eigenvalue is too few for a fit', async () => {
    const r = await analyzeMatrix({ data: rank1, shape: [rows, cols] });
    expectHonest(r);
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/have 1/);
    expect(relErr(r.lambdaMax, sq(u) * sq(v))).toBeLessThan(1e-12);
    expect(r.matrixRank).toBe(1);
    expect(r.stableRank).toBeCloseTo(1, 10);
    expect(r.rankLoss).toBe(cols - 1);
  });

  it('analyze() on a model with a zero layer and a rank-1 layer: both reported failed, the dense one analysed', async () => {
    const file = path.join(DIR, 'zero-rank1.safetensors');
    writeSafetensors(file, {
      'zero.weight': { shape: [rows, cols], data: new Float32Array(rows * cols) },
      'rank1.weight': { shape: [rows, cols], data: Float32Array.from(rank1) },
      'dense.weight': { shape: [rows, cols], data: randn(rows * cols, 13, Float32Array) },
    });
    const rep = await analyze(file);
    const by = Object.fromEntries(rep.layers.map((l) => [l.name, l]));
    expect(Object.keys(by).sort()).toEqual(['dense.weight', 'rank1.weight', 'zero.weight']);
    rep.layers.forEach(expectHonest);
    expect(by['zero.weight'].status).toBe('failed');
    expect(by['zero.weight'].effectiveRank).toBeUndefined(); // no rank metrics for a zero matrix
    expect(by['rank1.weight'].numericalRank).toBe(1);
    expect(by['rank1.weight'].effectiveRank).toBeCloseTo(1, 5);
    expect(by['dense.weight'].status).toBe('success');
    expect(rep.summary.numIncluded).toBe(1);
    expect(rep.summary.excluded.map((e) => e.name).sort()).toEqual(['rank1.weight', 'zero.weight']);
  });
});

describe('a NaN in one layer of a model', () => {
  it('that layer is in `skipped` with the E_NONFINITE error; the others are analysed', async () => {
    const bad = randn(80 * 40, 21, Float32Array);
    bad[1234] = NaN;
    const file = path.join(DIR, 'nan.safetensors');
    writeSafetensors(file, {
      'a.weight': { shape: [80, 40], data: randn(80 * 40, 20, Float32Array) },
      'b.weight': { shape: [80, 40], data: bad },
      'c.weight': { shape: [80, 40], data: randn(80 * 40, 22, Float32Array) },
    });
    const rep = await analyze(file);
    expect(rep.layers.map((l) => l.name).sort()).toEqual(['a.weight', 'c.weight']);
    rep.layers.forEach(expectHonest);
    // row 1234 / 40 = 30, column 34 in (out, in) order
    expect(rep.skipped).toEqual([{ name: 'b.weight', reason: expect.stringMatching(/^E_NONFINITE: .*NaN at \[30, 34\]/) }]);
    // ±Infinity likewise
    bad[1234] = -Infinity;
    writeSafetensors(file, { 'a.weight': { shape: [80, 40], data: randn(80 * 40, 20, Float32Array) }, 'b.weight': { shape: [80, 40], data: bad } });
    expect((await analyze(file)).skipped).toEqual([{ name: 'b.weight', reason: expect.stringMatching(/^E_NONFINITE: .*Infinity/) }]);
  });
});

describe('a very tall layer through esd()', () => {
  it('1 000 000 × 4: the 4 eigenvalues of WᵀW equal an independent JS Gram + ml-matrix eigendecomposition', async () => {
    const n = 1_000_000;
    const W = randn(n * 4, 31);
    const e = await esd({ data: W, shape: [n, 4] }, { minEvals: 1, maxN: Infinity });
    expect(e.skipped).toBeNull();
    expect([e.N, e.M]).toEqual([n, 4]);
    // WᵀW (4 × 4) summed in double in JS, eigenvalues by ml-matrix (an independent Jacobi/QL implementation)
    const G = Array.from({ length: 4 }, () => new Array<number>(4).fill(0));
    for (let i = 0; i < n; i++) for (let a = 0; a < 4; a++) for (let b = a; b < 4; b++) G[a][b] += W[4 * i + a] * W[4 * i + b];
    for (let a = 0; a < 4; a++) for (let b = 0; b < a; b++) G[a][b] = G[b][a];
    const want = new EigenvalueDecomposition(new MlMatrix(G)).realEigenvalues.sort((x, y) => x - y);
    for (let i = 0; i < 4; i++) expect(relErr(e.evals[i], want[i])).toBeLessThan(1e-9);
    // and the default limits skip it with WeightWatcher's reason instead of silently dropping it
    const d = await esd({ data: W, shape: [n, 4] });
    expect(d.skipped).toMatch(/M = 4 < minEvals = 10/);
    expect(d.evals.length).toBe(0);
  });
});

describe('errors stay WeightscopeErrors', () => {
  it('a 1e300-scaled layer inside analyzeMatrix is a WeightscopeError, not a RangeError or a NaN report', async () => {
    const g = loadInput('gauss');
    const err = await analyzeMatrix({ data: scaled(g.data, 1e300), shape: g.shape }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WeightscopeError);
  });
});
