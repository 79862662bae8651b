// analyzeMatrix / summarize: every per-layer field against WW 0.7.5.5 and numpy (formulas.md §1-§6).
import { describe, expect, it } from 'vitest';
import { WeightscopeError } from '../src/index.js';
import { analyzeMatrix, analyzeMatrixSync, summarize, type LayerReport } from '../src/metrics/heavytail/index.js';
import { REF, loadInput, relErr, toF32 } from './helpers/heavytail-reference.js';
import { convOihw, toHwio } from './helpers/heavytail-fixtures.js';

const EXACT = ['num_pl_spikes', 'num_spikes', 'detX_num'];
const MP = ['sigma_mp', 'mp_softrank', 'bulk_max'];

describe('WeightWatcher details() fields (gauss, spiked, student)', () => {
  for (const name of ['gauss', 'spiked', 'student']) {
    it(name, async () => {
      const ww = REF.weightwatcher[name];
      const r = JSON.parse(JSON.stringify(await analyzeMatrix(loadInput(name), { name })));
      expect(r.status).toBe('success');
      expect(r.name).toBe(name);
      for (const [k, v] of Object.entries(ww) as [string, number][]) {
        if (k.startsWith('clip_xmax')) continue;
        if (EXACT.includes(k)) expect(r[k], k).toBe(v);
        else if (MP.includes(k)) expect(relErr(r[k], v), k).toBeLessThan(2e-2);
        else expect(relErr(r[k], v), k).toBeLessThan(1e-6);
      }
    });
  }
  it('clip_xmax through analyzeMatrix: num_fingers and raw_alpha columns', () => {
    const r = JSON.parse(JSON.stringify(analyzeMatrixSync(loadInput('gauss'), { fixFingers: 'clip_xmax' })));
    expect(r.alpha).toBeCloseTo(5.16, 2);
    expect(r.num_fingers).toBe(4);
    expect(relErr(r.raw_alpha, REF.weightwatcher.gauss.alpha)).toBeLessThan(1e-6);
  });
});

describe('numpy norms and ranks (all inputs)', () => {
  for (const name of ['gauss', 'spiked', 'student', 'farms_g', 'wide']) {
    it(name, async () => {
      const r = await analyzeMatrix(loadInput(name), { mpFit: false });
      const n = REF.numpy[name];
      expect(relErr(r.logNorm, n.norms.log_norm)).toBeLessThan(1e-6);
      expect(relErr(r.lambdaMax, n.norms.lambda_max)).toBeLessThan(1e-6);
      expect(relErr(r.logSpectralNorm, n.norms.log_spectral_norm)).toBeLessThan(1e-6);
      expect(relErr(r.alphaWeighted, n.norms.alpha_weighted)).toBeLessThan(1e-6);
      expect(relErr(r.logAlphaNorm, n.norms.log_alpha_norm)).toBeLessThan(1e-6);
      expect(relErr(r.stableRank, n.rank.stable_rank)).toBeLessThan(1e-6);
      expect(r.matrixRank).toBe(n.rank.numerical_rank);
      expect(r.numSpikes).toBeNaN(); // mpFit: false
    });
  }
  it('lowrank (rank 8 of 120): matrix_rank 8, rank_loss 112, fit on the 8 nonzero eigenvalues', async () => {
    const r = await analyzeMatrix(loadInput('lowrank'));
    expect(r.matrixRank).toBe(REF.numpy.lowrank.rank.numerical_rank);
    expect(r.rankLoss).toBe(112);
    expect(r.weakRankLoss).toBe(112);
    expect(r.numEvals).toBe(120);
    expect(r.numPlSpikes).toBeLessThanOrEqual(8);
  });
});

describe('float32 input', () => {
  for (const name of ['gauss', 'spiked', 'student']) {
    it(`${name}: α within 1e-3, counts exact`, async () => {
      const ww = REF.weightwatcher[name];
      const r = await analyzeMatrix(toF32(loadInput(name)));
      expect(r.dtype).toBe('float32');
      expect(relErr(r.alpha, ww.alpha)).toBeLessThan(1e-3);
      expect(relErr(r.alphaWeighted, ww.alpha_weighted)).toBeLessThan(1e-3);
      expect(r.numPlSpikes).toBe(ww.num_pl_spikes);
      expect(r.numSpikes).toBe(ww.num_spikes);
      expect(r.matrixRank).toBe(REF.numpy[name].rank.numerical_rank);
    });
  }
});

describe('JSON form', () => {
  it('snake_case WW column names, NaN written as null, toJSON not enumerable', async () => {
    const r = await analyzeMatrix(loadInput('wide'));
    const j = JSON.parse(JSON.stringify(r));
    for (const k of [
      'alpha', 'alpha_weighted', 'D', 'xmin', 'xmax', 'sigma', 'lambda_max', 'log_norm', 'log_spectral_norm',
      'log_alpha_norm', 'stable_rank', 'matrix_rank', 'entropy', 'num_pl_spikes', 'num_spikes', 'mp_softrank',
      'sigma_mp', 'bulk_min', 'bulk_max', 'W_scale', 'rand_num_spikes', 'rand_distance', 'ww_softrank', 'ww_maxdist',
      'detX_num', 'detX_val', 'num_evals', 'rank_loss', 'weak_rank_loss', 'sv_max', 'sv_min', 'has_esd', 'warning',
      'farms_alpha', 'layer_type', 'N', 'M', 'Q', 'rf', 'status',
    ])
      expect(j, k).toHaveProperty(k);
    expect(j.rand_num_spikes).toBeNull(); // randomize defaults to false, as WW's analyze()
    expect(Object.keys(r)).not.toContain('toJSON');
    expect(j.alpha).toBe(r.alpha);
  });
});

describe('layers: conv2d, randomize, FARMS, skipped, failed', () => {
  it('conv2d: both layouts give the same report', async () => {
    const a = await analyzeMatrix(convOihw());
    const b = analyzeMatrixSync(toHwio(convOihw()));
    expect(a.numEvals).toBe(144);
    expect([a.N, a.M, a.rf]).toEqual([48, 16, 9]);
    for (const k of ['alpha', 'D', 'xmin', 'logNorm', 'sigmaMp', 'entropy', 'stableRank'] as const)
      expect(relErr(b[k], a[k]), k).toBeLessThan(1e-10);
    expect(b.numSpikes).toBe(a.numSpikes);
  });
  it('randomize: the trap columns are filled (gauss: 0 traps)', async () => {
    const r = await analyzeMatrix(loadInput('gauss'), { randomize: true, seed: 3 });
    expect(r.randNumSpikes).toBe(0);
    expect(r.randDistance).toBeGreaterThan(0);
    expect(r.randMpKsPvalue).toBeGreaterThan(0.01);
  });
  it('farms: the layer FARMS α', async () => {
    const r = await analyzeMatrix(loadInput('farms_g'), { farms: 'image' });
    expect(relErr(r.farmsAlpha, REF.farms.image_preset.mid.alpha)).toBeLessThan(1e-6);
  });
  it('skipped layer: status and reason, no numbers', async () => {
    const r = await analyzeMatrix(loadInput('wide'), { maxEvals: 50, name: 'fc' });
    expect(r.status).toBe('skipped');
    expect(r.reason).toMatch(/maxEvals/);
    expect(r.alpha).toBeNaN();
    expect(JSON.parse(JSON.stringify(r)).alpha).toBeNull();
  });
  it('failed fit (orthogonal W: all eigenvalues equal): status failed, norms still computed', () => {
    const n = 16;
    const data = new Float64Array(n * n);
    for (let i = 0; i < n; i++) data[i * n + ((i * 5) % n)] = 2; // scaled permutation matrix
    const r = analyzeMatrixSync({ data, shape: [n, n] });
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/degenerate/);
    expect(r.alpha).toBeNaN();
    expect(r.alphaWeighted).toBeNaN();
    expect(r.logNorm).toBeCloseTo(Math.log10(4 * n), 12);
    expect(r.stableRank).toBeCloseTo(n, 10);
    expect(r.warning).toBe('');
  });
});

describe('summarize', () => {
  it('means over successful layers; failed and skipped layers excluded and listed', async () => {
    const ok = await Promise.all(['gauss', 'spiked', 'student'].map((n) => analyzeMatrix(loadInput(n), { name: n })));
    const skipped = await analyzeMatrix(loadInput('wide'), { minEvals: 100, name: 'small' });
    const data = new Float64Array(256).fill(0);
    for (let i = 0; i < 16; i++) data[i * 17] = 1;
    const failed = analyzeMatrixSync({ data, shape: [16, 16] }, { name: 'eye' });
    const s = summarize([...ok, skipped, failed] as LayerReport[]);
    expect(s.numLayers).toBe(5);
    expect(s.numIncluded).toBe(3);
    expect(s.numExcluded).toBe(2);
    expect(s.excluded.map((e) => [e.name, e.status])).toEqual([['small', 'skipped'], ['eye', 'failed']]);
    const ww = ['gauss', 'spiked', 'student'].map((n) => REF.weightwatcher[n]);
    const mean = (k: string) => ww.reduce((a, w) => a + w[k], 0) / 3;
    expect(relErr(s.means.alpha, mean('alpha'))).toBeLessThan(1e-6);
    expect(relErr(s.means.alphaWeighted, mean('alpha_weighted'))).toBeLessThan(1e-6);
    expect(relErr(s.means.logNorm, mean('log_norm'))).toBeLessThan(1e-6);
    expect(relErr(s.means.mpSoftrank, mean('mp_softrank'))).toBeLessThan(2e-2);
    expect(s.counts.alpha).toBe(3);
    expect(summarize([]).means.alpha).toBeNaN();
  });
});

describe('errors', () => {
  const W = loadInput('wide');
  it.each([
    { mpFit: 'yes' },
    { randomize: 1 },
    { name: 3 },
    { farms: 'huge' },
    { farms: 7 },
    { xmin: 'auto' },
    { normalize: 'N', randomize: true },
    { threshold: -1 },
    { unknown: true },
  ])('bad option %o', async (o) => {
    await expect(analyzeMatrix(W, o as never)).rejects.toBeInstanceOf(WeightscopeError);
    await expect(analyzeMatrix(W, o as never)).rejects.toMatchObject({ code: 'E_OPTION' });
  });
  it('bad weights', async () => {
    await expect(analyzeMatrix({ data: new Int32Array(4), shape: [2, 2] } as never)).rejects.toMatchObject({ code: 'E_DTYPE' });
    const d = W.data.slice();
    d[0] = Infinity;
    expect(() => analyzeMatrixSync({ data: d, shape: W.shape })).toThrow(expect.objectContaining({ code: 'E_NONFINITE' }));
  });
});
