// Fits that would not be measurements (fit/powerlaw.ts header, esd/resolution.ts): tails the eigenvalues'
// accuracy cannot resolve, α outside any meaningful range, MP fits with no valid σ. Fixtures: test/fixtures/
// isometry (make_isometry.py: numpy QR, torch.nn.init.orthogonal_, safetensors.torch, a tfjs LSTM/GRU at init)
// and test/fixtures/mp (make_mp_bound.py: WW's MP search on face-api's fc layer, in numpy).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, analyzeMatrixSync, fitMarchenkoPastur, fitPowerLaw } from '../src/index.js';
import { readWeights } from '../src/model/index.js';
import { fixturesDir } from './helpers/reference.js';

const ISO = join(fixturesDir, 'isometry');
const expected = JSON.parse(readFileSync(join(ISO, 'expected.json'), 'utf8')) as Record<string, { spread: number; alpha?: number; xmin?: number; num_pl_spikes?: number }>;
const DEGENERATE = ['qr_f32', 'qr_f64', 'torch_f32', 'torch_f64', 'square_f32', 'near_1e-7_f64'];
const FITTED = ['near_1e-2_f32', 'student_f32', 'heavy_bf16'];
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const notAFit = /degenerate tail|outside any meaningful heavy-tail range/;

describe('orthogonal and near-isometric weights have no power-law fit', () => {
  for (const precision of [undefined, 'float64'] as const) {
    for (const method of ['gesdd', 'gram'] as const) {
      it(`safetensors (numpy QR, torch orthogonal_), precision ${precision ?? 'as stored'}, ${method}`, async () => {
        const r = await analyze(join(ISO, 'isometry.safetensors'), { precision, method });
        const by = new Map(r.layers.map((l) => [l.name, l]));
        for (const n of DEGENERATE) {
          const l = by.get(n)!;
          // numpy: the eigenvalues agree to ~1e-7 (f32) or 1e-15 (f64) of λ_max — nothing to fit
          expect(expected[n].spread).toBeLessThan(1e-5);
          expect(l.status, n).toBe('failed');
          expect(l.reason, n).toMatch(notAFit);
          expect(l.alpha).toBeNaN();
          expect(l.lambdaMax).toBeGreaterThan(0); // the norms are still measured
        }
        for (const n of FITTED) expect(by.get(n)!.status, n).toBe('success');
        const ok = r.layers.filter((l) => l.status === 'success');
        expect(r.summary.numIncluded).toBe(FITTED.length);
        expect(r.summary.means.alpha).toBeCloseTo(ok.reduce((s, l) => s + l.alpha, 0) / ok.length, 12);
        expect(r.summary.excluded.map((e) => e.name).sort()).toEqual([...DEGENERATE].sort());
      });
    }
  }

  it('heavy tails still fit, equal to the float64 numpy reference (also when stored bf16)', async () => {
    const r = await analyze(join(ISO, 'isometry.safetensors'), { precision: 'float64', layers: /student|heavy|1e-2/ });
    for (const n of FITTED) {
      const l = r.layers.find((x) => x.name === n)!;
      expect(rel(l.alpha, expected[n].alpha!), n).toBeLessThan(1e-9);
      expect(l.numPlSpikes).toBe(expected[n].num_pl_spikes);
    }
  });

  it('a tfjs LSTM and GRU at initialisation: the orthogonal recurrent kernel fails as a whole; split per gate (README), no gate is a degenerate fit and the mean is finite', async () => {
    const file = join(ISO, 'rnn', 'model.json');
    const r = await analyze(file);
    // every fit that is reported is a meaningful one; a degenerate one would be failed and out of the mean
    for (const l of r.layers) if (l.status === 'success') expect(l.alpha, l.name).toBeLessThan(100);
    const ok = r.layers.filter((l) => l.status === 'success');
    expect(r.summary.means.alpha).toBeCloseTo(ok.reduce((a, l) => a + l.alpha, 0) / ok.length, 12);
    // the gates of each recurrent kernel, stacked back, are the stored (orthogonal) kernel, transposed: as a
    // whole it is an isometry (numpy: spread < 1e-6, expected.json) and its fit fails as degenerate
    const gates: Record<string, string[]> = { 'lstm/lstm_cell/recurrent_kernel': ['i', 'f', 'c', 'o'], 'gru/gru_cell/recurrent_kernel': ['z', 'r', 'h'] };
    const ws = new Map<string, { data: Float32Array | Float64Array; shape: number[] }>();
    for await (const w of readWeights(file)) ws.set(w.name, { data: w.data, shape: w.shape });
    for (const [name, gs] of Object.entries(gates)) {
      expect(expected[name].spread).toBeLessThan(1e-6);
      const parts = gs.map((g) => ws.get(`${name}.${g}`)!);
      expect(parts.every((p) => p && p.shape[0] === parts[0].shape[0] && p.shape[1] === parts[0].shape[1])).toBe(true);
      const [u, c] = parts[0].shape;
      const whole = new Float64Array(gs.length * u * c);
      parts.forEach((p, k) => whole.set(p.data, k * u * c));
      const q = analyzeMatrixSync({ data: whole, shape: [gs.length * u, c] }, { storedDtype: 'float32' });
      expect(q.status, name).toBe('failed');
      expect(q.reason).toMatch(notAFit);
    }
  });

  it('the resolution comes from the stored dtype: f32-stored orthogonal weights widened to f64 still fail', () => {
    const q = analyzeMatrixSync({ data: Float64Array.from(ortho(64, 32)), shape: [64, 32] }, { storedDtype: 'float32' });
    expect(q.status).toBe('failed');
    expect(() => analyzeMatrixSync({ data: new Float64Array(4), shape: [2, 2] }, { storedDtype: 'int3' })).toThrow(
      expect.objectContaining({ code: 'E_OPTION' }),
    );
  });
});

describe('fitPowerLaw: resolution and range', () => {
  const bulk = Array.from({ length: 200 }, (_, i) => 0.5 + i / 400);
  it('tails narrower than 10x the resolution are not candidates; a resolved tail below them is fitted', () => {
    // a cluster of 20 values at 2 ± 1e-12 on top of a bulk: only xmin below the cluster is resolved
    const cluster = Array.from({ length: 20 }, (_, i) => 2 + i * 1e-13);
    const f = fitPowerLaw(Float64Array.from([...bulk, ...cluster]), { resolution: 1e-12 });
    expect(f.status).toBe('success');
    expect(f.xmin).toBeLessThan(2 - 10 * 1e-12 * 2);
    const none = fitPowerLaw(Float64Array.from(cluster), { resolution: 1e-12 });
    expect(none.status).toBe('failed');
    expect(none.reason).toMatch(/degenerate tail/);
    // default resolution: the input's dtype (2^-52 here), so the same cluster is a (huge) α, then out of range
    const dflt = fitPowerLaw(Float64Array.from(cluster));
    expect(dflt.status).toBe('failed');
    expect(dflt.reason).toMatch(/outside any meaningful heavy-tail range/);
  });
  it("'mid' and a fixed xmin inside an unresolved tail fail; bad resolution values are E_OPTION", () => {
    const tight = Float64Array.from({ length: 50 }, (_, i) => 1 + i * 1e-9);
    expect(fitPowerLaw(tight, { xmin: 'mid', resolution: 1e-8 }).reason).toMatch(/degenerate tail/);
    expect(fitPowerLaw(tight, { xmin: 1, resolution: 1e-8 }).reason).toMatch(/degenerate tail/);
    for (const bad of [-1, 0.5, NaN, '1e-7'])
      expect(() => fitPowerLaw(tight, { resolution: bad as never })).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
  });
  it('α just inside 1000 is kept, above it fails (closed form: α = 1 + k / Σ ln(x_j / xmin))', () => {
    // two values x, x·e^d: the tail is the pair, α = 1 + 2 / d
    for (const [d, ok] of [[2 / 998, true], [2 / 1100, false]] as const) {
      const f = fitPowerLaw([1, Math.exp(d)], { threshold: 0 });
      expect(f.status).toBe(ok ? 'success' : 'failed');
      if (ok) expect(f.alpha).toBeCloseTo(1 + 2 / d, 6);
    }
  });
});

describe('Marchenko–Pastur fits with no valid σ', () => {
  const bound = JSON.parse(readFileSync(join(fixturesDir, 'mp', 'fc_bound.json'), 'utf8'));
  it("face-api's fc layer: every σ of WW's search is penalised (numpy), so no MP numbers, out of the mean", async () => {
    expect(bound.penalised_sigmas).toBe(bound.grid_sigmas); // independent: WW's rule in numpy
    expect(bound.ww_mp_softrank).toBeCloseTo(0.0025, 12); // what WW (and weightscope before) reported
    const r = await analyze(bound.model);
    const fc = r.layers.find((l) => l.name === bound.layer)!;
    expect(fc.status).toBe('success'); // its power-law fit is fine
    expect(fc.mpStatus).toBe('failed');
    expect(fc.mpReason).toMatch(/every σ in the search range .* is penalised/);
    for (const k of ['mpSoftrank', 'numSpikes', 'sigmaMp', 'bulkMax'] as const) expect(fc[k]).toBeNaN();
    const withMp = r.layers.filter((l) => l.status === 'success' && l.mpStatus === 'success');
    expect(r.summary.counts.mpSoftrank).toBe(withMp.length);
    expect(r.summary.means.mpSoftrank).toBeCloseTo(withMp.reduce((s, l) => s + l.mpSoftrank, 0) / withMp.length, 12);
    expect(JSON.parse(JSON.stringify(fc))).toMatchObject({ mp_status: 'failed', mp_softrank: null });
  });
  it('fitMarchenkoPastur on the same eigenvalues says failed, with NaN numbers', async () => {
    const r = await analyze(bound.model, { layers: /^fc$/, keepEsd: true });
    const f = fitMarchenkoPastur(r.esd!.get('fc')!, { Q: bound.Q });
    expect(f.status).toBe('failed');
    expect(f.mpSoftrank).toBeNaN();
  });
});

/** Orthonormal columns by modified Gram–Schmidt on a fixed pseudo-random matrix (rows ≥ cols), rounded to f32. */
function ortho(rows: number, cols: number): Float32Array {
  const a = Array.from({ length: cols }, (_, j) => Float64Array.from({ length: rows }, (_, i) => Math.sin(1 + i * 7.13 + j * 3.71) * 1000 % 1));
  for (let j = 0; j < cols; j++) {
    for (let k = 0; k < j; k++) {
      let d = 0;
      for (let i = 0; i < rows; i++) d += a[j][i] * a[k][i];
      for (let i = 0; i < rows; i++) a[j][i] -= d * a[k][i];
    }
    const n = Math.hypot(...a[j]);
    for (let i = 0; i < rows; i++) a[j][i] /= n;
  }
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = a[j][i];
  return out;
}
