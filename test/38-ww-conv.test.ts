// conv2d size limits and trap replicas follow WeightWatcher 0.7.5.5: both count the pooled eigenvalues M·rf
// (layer_supported with pool=True; apply_random_esd's num_components). Shapes: torchvision resnet18 and vgg11
// (test/fixtures/wwconv/make_wwconv.py, which also writes WW's rule's outcome for each, computed in Python).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, correlationTraps, type NamedWeight } from '../src/index.js';
import { fixturesDir, randn } from './helpers/reference.js';

interface Conv { model: string; name: string; shape: [number, number, number, number]; num_evals: number; ww_analysed: boolean; ww_rand_replicas: number }
const convs = JSON.parse(readFileSync(join(fixturesDir, 'wwconv', 'shapes.json'), 'utf8')) as Conv[];

/** A conv weight whose data may not be read (layers the limits skip must be skipped from their shape). */
function weight(c: Conv, seed: number): NamedWeight {
  const n = c.shape.reduce((a, b) => a * b, 1);
  if (!c.ww_analysed) return { name: c.name, W: { shape: c.shape, get data(): never { throw new Error(`${c.name} was read`); } } as never, layout: 'oihw' };
  return { name: c.name, W: { data: randn(n, seed, Float32Array), shape: c.shape }, layout: 'oihw' };
}

describe("size limits count M·rf, as WW's layer_supported", () => {
  for (const model of ['resnet18', 'vgg11', 'probe']) {
    it(`${model}: the layers WW analyses are analysed, the others skipped with M·rf in the reason`, async () => {
      const cs = convs.filter((c) => c.model === model);
      const r = await analyze(cs.map(weight), { metrics: [] });
      expect(r.layers.map((l) => l.name)).toEqual(cs.filter((c) => c.ww_analysed).map((c) => c.name));
      for (const l of r.layers) expect(l.numEvals).toBe(cs.find((c) => c.name === l.name)!.num_evals);
      for (const s of r.skipped) expect(s.reason).toMatch(/^M·rf = \d+·\d+ = \d+ eigenvalues > maxEvals = 15000/);
      expect(r.skipped.map((s) => s.name)).toEqual(cs.filter((c) => !c.ww_analysed).map((c) => c.name));
    }, 120_000);
  }
  it('resnet18 conv1 (7x7 from 3 channels: 147 eigenvalues) and vgg11 features.0 (27) are analysed', () => {
    expect(convs.find((c) => c.model === 'resnet18' && c.name === 'conv1.weight')).toMatchObject({ num_evals: 147, ww_analysed: true });
    expect(convs.find((c) => c.model === 'vgg11' && c.name === 'features.0.weight')).toMatchObject({ num_evals: 27, ww_analysed: true });
  });
  it('minEvals counts M·rf too: a 1x1 conv with 8 channels (8 eigenvalues) is skipped, a 3x3 one (72) is not', async () => {
    const r = await analyze([
      { name: 'pw', W: { data: randn(64 * 8, 1, Float32Array), shape: [64, 8, 1, 1] } },
      { name: 'k3', W: { data: randn(64 * 8 * 9, 2, Float32Array), shape: [64, 8, 3, 3] } },
    ], { metrics: [] });
    expect(r.layers.map((l) => l.name)).toEqual(['k3']);
    expect(r.skipped).toEqual([{ name: 'pw', reason: expect.stringMatching(/^M = 8 < minEvals = 10/) }]);
  });
});

describe("trap replicas: 5 shuffles when M·rf < 100, as WW's apply_random_esd", () => {
  for (const c of convs.filter((x) => x.ww_analysed && x.num_evals < 300)) {
    it(`${c.model} ${c.name}: M·rf = ${c.num_evals} -> ${c.ww_rand_replicas} replica(s)`, async () => {
      const W = { data: randn(c.shape.reduce((a, b) => a * b, 1), 3, Float32Array), shape: c.shape };
      const t = await correlationTraps(W, { layout: 'oihw' });
      expect(t.shuffles).toBe(c.ww_rand_replicas);
      expect(t.randEsd.length).toBe(c.ww_rand_replicas * c.num_evals);
    });
  }
});
