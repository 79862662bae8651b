import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, listTensors, WeightscopeError, type LayersModelLike } from '../src/index.js';
import { fixturesDir, loadInput, randn, reference } from './helpers/reference.js';

const expected = JSON.parse(readFileSync(join(fixturesDir, 'models', 'analyze_expected.json'), 'utf8')) as Record<
  string,
  { model: string; skipped?: boolean; alpha: number; xmin: number; D: number; num_pl_spikes: number; lambda_max: number; stable_rank: number; log_norm: number; effective_rank: number; num_evals: number }
>;
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('analyze() on real models against numpy (test/fixtures/models/make_analyze_expected.py)', () => {
  for (const [name, want] of Object.entries(expected)) {
    it(`${name} (${want.model.split('/').slice(-1)[0]})`, async () => {
      const r = await analyze(want.model, { layers: `^${esc(name)}$`, precision: 'float64' });
      if (want.skipped) {
        expect(r.layers).toHaveLength(0);
        expect(r.skipped.find((s) => s.name === name)?.reason).toMatch(/minEvals|1-D|vector|one dimension|depthwise/);
        return;
      }
      expect(r.layers).toHaveLength(1);
      const L = r.layers[0];
      expect(L.status).toBe('success');
      expect(rel(L.alpha, want.alpha)).toBeLessThan(1e-9);
      expect(rel(L.xmin, want.xmin)).toBeLessThan(1e-9);
      expect(rel(L.D, want.D)).toBeLessThan(1e-9);
      expect(L.numPlSpikes).toBe(want.num_pl_spikes);
      expect(rel(L.lambdaMax, want.lambda_max)).toBeLessThan(1e-9);
      expect(rel(L.stableRank, want.stable_rank)).toBeLessThan(1e-9);
      expect(rel(L.logNorm, want.log_norm)).toBeLessThan(1e-9);
      expect(rel(L.effectiveRank!, want.effective_rank)).toBeLessThan(1e-9);
      expect(L.numEvals).toBe(want.num_evals);
      // as stored (float32 LAPACK): alpha close to the float64 value
      const r32 = await analyze(want.model, { layers: `^${esc(name)}$` });
      expect(rel(r32.layers[0].alpha, want.alpha)).toBeLessThan(2e-2);
    });
  }
});

describe('analyze() sources, filters and bookkeeping', () => {
  const faceRec = 'node_modules/@vladmandic/face-api/model/face_recognition_model-weights_manifest.json';

  it('every tensor of a real model is either analysed or skipped with a reason', async () => {
    const listing = await listTensors(faceRec);
    const progress: number[] = [];
    const r = await analyze(faceRec, { onProgress: (p) => progress.push(p.done) });
    expect(r.format).toBe('tfjs');
    expect(r.layers.length + r.skipped.length).toBe(listing.tensors.length + listing.skipped.length);
    expect(r.skipped.every((s) => s.reason.length > 5)).toBe(true);
    expect(progress).toEqual(Array.from({ length: listing.tensors.length }, (_, i) => i + 1));
    expect(r.summary.numLayers).toBe(r.layers.length);
    const alphas = r.layers.map((l) => l.alpha);
    expect(r.summary.means.alpha).toBeCloseTo(alphas.reduce((a, b) => a + b, 0) / alphas.length, 12);
    const conc = await analyze(faceRec, { concurrency: 3 });
    expect(conc.layers.map((l) => [l.name, l.alpha])).toEqual(r.layers.map((l) => [l.name, l.alpha]));
  });

  it('[{ name, W }] input matches the reference WeightWatcher values; layer filters; keepEsd', async () => {
    const names = ['gauss', 'spiked', 'student'];
    const r = await analyze(names.map((n) => ({ name: n, W: loadInput(n) })), { keepEsd: true });
    for (const n of names) {
      const L = r.layers.find((l) => l.name === n)!;
      const ww = reference.weightwatcher[n];
      expect(rel(L.alpha, ww.alpha)).toBeLessThan(1e-6);
      expect(L.numPlSpikes).toBe(ww.num_pl_spikes);
      expect(L.numSpikes).toBe(ww.num_spikes);
      expect(r.esd!.get(n)!.length).toBe(Math.min(...reference.inputs[n].shape));
    }
    const only = await analyze(names.map((n) => ({ name: n, W: loadInput(n) })), { layers: /^sp/ });
    expect(only.layers.map((l) => l.name)).toEqual(['spiked']);
    await expect(analyze([{ name: 'a', W: loadInput('gauss') }], { layers: 'zzz' })).rejects.toMatchObject({ code: 'E_OPTION' });
    await expect(analyze([{ name: 'a', W: loadInput('gauss') }], { metric: ['mp'] } as never)).rejects.toMatchObject({ code: 'E_OPTION' });
  });

  it('a layer with NaN weights is reported in skipped with E_NONFINITE; the others are analysed', async () => {
    const bad = loadInput('gauss');
    bad.data[1000] = NaN;
    const r = await analyze([
      { name: 'good', W: loadInput('spiked') },
      { name: 'bad', W: bad },
    ]);
    expect(r.layers.map((l) => l.name)).toEqual(['good']);
    expect(r.skipped.find((s) => s.name === 'bad')?.reason).toMatch(/E_NONFINITE/);
  });

  it('a tfjs LayersModel (duck-typed): Dense kernels (in, out) are analysed as (out, in)', async () => {
    const kernel = randn(64 * 32, 3, Float32Array); // (in=64, out=32)
    const model: LayersModelLike = {
      layers: [
        {
          name: 'dense_1',
          getClassName: () => 'Dense',
          getWeights: () => [
            { name: 'kernel', shape: [64, 32], dataSync: () => kernel },
            { name: 'bias', shape: [32], dataSync: () => new Float32Array(32) },
          ],
        },
      ],
    };
    const r = await analyze(model);
    expect(r.layers).toHaveLength(1);
    expect(r.layers[0].shape).toEqual([32, 64]);
    expect(r.skipped).toEqual([{ name: 'dense_1/bias', reason: expect.stringMatching(/1-D/) }]);
    const direct = await analyze([{ name: 'k', W: { data: kernel, shape: [64, 32] } }]);
    expect(r.layers[0].alpha).toBeCloseTo(direct.layers[0].alpha, 5);
  });

  it('layers outside the size limits are skipped from their planned shape, without reading their data', async () => {
    const model: LayersModelLike = {
      layers: [
        {
          name: 'tiny',
          getClassName: () => 'Dense',
          getWeights: () => [{ name: 'kernel', shape: [5, 3], dataSync: () => { throw new Error('data of a skipped layer was read'); } }],
        },
        { name: 'ok', getClassName: () => 'Dense', getWeights: () => [{ name: 'kernel', shape: [40, 30], dataSync: () => randn(1200, 4, Float32Array) }] },
      ],
    };
    const r = await analyze(model);
    expect(r.layers.map((l) => l.name)).toEqual(['ok/kernel']);
    expect(r.skipped).toEqual([{ name: 'tiny/kernel', reason: expect.stringMatching(/M = 3 < minEvals = 10/) }]);
    const big = await analyze(model, { maxN: 35 });
    expect(big.skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/minEvals/), expect.stringMatching(/N = 40 > maxN = 35/)]);
  });

  it("method 'gram' with precision 'float64' gives the same alpha as gesdd", async () => {
    const ms = ['spiked', 'student'].map((n) => ({ name: n, W: { data: Float32Array.from(loadInput(n).data), shape: loadInput(n).shape } }));
    const a = await analyze(ms, { precision: 'float64' });
    const b = await analyze(ms, { precision: 'float64', method: 'gram' });
    b.layers.forEach((l, i) => {
      expect(l.route).toBe('gram');
      expect(rel(l.alpha, a.layers[i].alpha)).toBeLessThan(1e-9);
      expect(l.numPlSpikes).toBe(a.layers[i].numPlSpikes);
    });
  });

  it('a safetensors file and the same bytes in memory give the same report', async () => {
    const file = join(fixturesDir, 'models', 'model_f32.safetensors');
    const a = await analyze(file);
    const b = await analyze(new Uint8Array(readFileSync(file)));
    expect(b.layers.map((l) => [l.name, l.alpha])).toEqual(a.layers.map((l) => [l.name, l.alpha]));
    expect(a.layers.length).toBeGreaterThan(0);
  });

  it("layers: a /g or /y RegExp matches every layer it should (RegExp.test's lastIndex is not carried over)", async () => {
    const ws = ['attn.a', 'attn.b', 'attn.c', 'mlp.d'].map((name, i) => ({ name, W: { data: randn(20 * 12, i + 1), shape: [20, 12] as [number, number] } }));
    for (const re of [/attn/, /attn/g, /attn/y, /attn/gi]) {
      expect((await analyze(ws, { layers: re, metrics: [] })).layers.map((l) => l.name), String(re)).toEqual(['attn.a', 'attn.b', 'attn.c']);
    }
    expect(/attn/g.lastIndex).toBe(0);
  });

  it("layers: an invalid pattern is E_OPTION, and the CLI exits 2 on it", async () => {
    const ws = [{ name: 'w', W: loadInput('gauss') }];
    await expect(analyze(ws, { layers: '(' })).rejects.toMatchObject({ code: 'E_OPTION', message: expect.stringMatching(/layers "\(" is not a valid regular expression/) });
    await expect(analyze(ws, { layers: 5 as never })).rejects.toMatchObject({ code: 'E_OPTION' });
    await expect(analyze(ws, { types: ['dense', 'lstm'] as never })).rejects.toMatchObject({ code: 'E_OPTION' });
    const cli = spawnSync(process.execPath, ['dist/cli/main.js', 'analyze', join(fixturesDir, 'models', 'model_f32.safetensors'), '--layers', '('], { encoding: 'utf8' });
    expect(cli.status).toBe(2);
    expect(cli.stderr).toMatch(/regular expression/);
  });

  it('analyze([]) is an error, not a report with a NaN summary', async () => {
    await expect(analyze([])).rejects.toMatchObject({ code: 'E_OPTION', message: expect.stringMatching(/empty/) });
  });

  it('duplicate names in a list of weights are made unique (#2), both analysed', async () => {
    const r = await analyze([{ name: 'w', W: loadInput('gauss') }, { name: 'w', W: loadInput('spiked') }]);
    expect(r.layers.map((l) => [l.name, l.layerId])).toEqual([['w', 0], ['w#2', 1]]);
  });

  it('bad sources are typed errors', async () => {
    await expect(analyze(42 as never)).rejects.toBeInstanceOf(WeightscopeError);
    await expect(analyze('/nonexistent/model.safetensors')).rejects.toMatchObject({ code: 'E_FORMAT' });
    await expect(analyze([{ name: 'x' } as never])).rejects.toMatchObject({ code: 'E_OPTION' });
  });
});

describe('analyze() backend option', () => {
  it("backend 'cuda' without a usable GPU fails up front with E_CUDA_UNAVAILABLE, instead of skipping every layer", async () => {
    const layers = [{ name: 'w', W: { data: randn(40 * 30, 1), shape: [40, 30] as [number, number] } }];
    await expect(analyze(layers, { backend: 'cuda' })).rejects.toMatchObject({
      code: 'E_CUDA_UNAVAILABLE',
      message: expect.stringMatching(/^analyze: backend 'cuda' requested but CUDA is unavailable: /),
    });
    const cpu = await analyze(layers, { backend: 'cpu' });
    expect(cpu.layers).toHaveLength(1);
    expect(cpu.skipped).toHaveLength(0);
  });
});
