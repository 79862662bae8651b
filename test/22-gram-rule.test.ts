// The Gram route's rule (src/esd/gram-bound.ts): with method 'gram', every number that counts small
// eigenvalues (matrix rank, rank loss, the λ ≤ 1e-5 fit filter, weak rank, analyze's numerical rank) equals
// numpy's gesdd answer; layers the error bound cannot decide are rerun by gesdd (route 'gesdd'), the others
// stay on the Gram route. Fixtures: test/fixtures/pipeline/generate_gram_rule.py (numpy, safetensors writer).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, analyzeMatrix, analyzeMatrixSync, openModel } from '../src/index.js';
import { gramErrorBound, gramUncertainty } from '../src/esd/gram-bound.js';
import { esd } from '../src/index.js';
import { fixturesDir } from './helpers/reference.js';

const dir = join(fixturesDir, 'pipeline');
const FILE = join(dir, 'gram_rule.safetensors');
const expected = JSON.parse(readFileSync(join(dir, 'gram_rule_expected.json'), 'utf8')) as Record<string, { matrix_rank: number; 'below_1e-5': number; 'weak_1e-6': number }>;
const ROUTE: Record<string, string> = { rank_deficient_f32: 'gesdd', ill_conditioned_f64: 'gesdd', near_thresholds_f64: 'gesdd', gaussian_f64: 'gram' };

async function layers() {
  const out = new Map<string, { data: Float32Array | Float64Array; shape: [number, number] }>();
  for await (const t of await openModel(FILE)) out.set(t.name, { data: t.data, shape: t.shape as [number, number] });
  return out;
}

describe("method 'gram': small-eigenvalue counts equal numpy's gesdd", () => {
  it('analyzeMatrix and analyzeMatrixSync: matrix rank, weak rank, the 1e-5 filter; the route the rule chose', async () => {
    for (const [name, W] of await layers()) {
      const want = expected[name];
      for (const r of [await analyzeMatrix(W, { method: 'gram', keepEsd: true }), analyzeMatrixSync(W, { method: 'gram', keepEsd: true })]) {
        expect(r.route, name).toBe(ROUTE[name]);
        expect(r.matrixRank, name).toBe(want.matrix_rank);
        expect(r.rankLoss, name).toBe(r.M - want.matrix_rank);
        expect(r.weakRankLoss, name).toBe(want['weak_1e-6']);
        const ev = (r as unknown as { esd: Float64Array }).esd;
        expect(ev.filter((v) => v <= 1e-5).length, name).toBe(want['below_1e-5']);
      }
      const g = await analyzeMatrix(W, { method: 'gesdd' });
      const r = await analyzeMatrix(W, { method: 'gram' });
      for (const c of ['matrixRank', 'rankLoss', 'weakRankLoss', 'numEvals'] as const) expect(r[c], `${name} ${c}`).toBe(g[c]);
    }
  });

  it("analyze(file) (the float64 Gram route by default): numerical rank as numpy.linalg.matrix_rank", async () => {
    // widened to float64, the rank-deficient float32 layer's zero directions lie far below float32's rank
    // tolerance (which the stored dtype sets), well outside δ: the Gram route is certain there and keeps it
    const routes = { ...ROUTE, rank_deficient_f32: 'gram' };
    for (const r of [await analyze(FILE), await analyze(FILE, { method: 'gram' })]) {
      expect(r.layers).toHaveLength(4);
      for (const l of r.layers) {
        expect(l.dtype, l.name).toBe('float64');
        expect(l.numericalRank, l.name).toBe(expected[l.name].matrix_rank);
        expect(l.matrixRank, l.name).toBe(expected[l.name].matrix_rank);
        expect(l.weakRankLoss, l.name).toBe(expected[l.name]['weak_1e-6']);
        expect(l.route, l.name).toBe(routes[l.name]);
      }
    }
    // every layer through gesdd in the stored precision: the same ranks
    const g = await analyze(FILE, { method: 'gesdd' });
    for (const l of g.layers) expect([l.route, l.numericalRank], l.name).toEqual(['gesdd', expected[l.name].matrix_rank]);
  });

  it('the bound: the Gram eigenvalues of a well-conditioned layer lie within δ of the gesdd ones', async () => {
    const W = (await layers()).get('gaussian_f64')!;
    const g = await esd(W, { method: 'gram' });
    const s = await esd(W);
    const delta = gramErrorBound(g, 2 ** -52);
    expect(delta).toBeGreaterThan(0);
    for (let i = 0; i < g.evals.length; i++) expect(Math.abs(g.evals[i] - s.evals[i])).toBeLessThanOrEqual(delta);
    expect(gramUncertainty(g, 2 ** -52)).toBeNull();
    const f32 = await esd((await layers()).get('rank_deficient_f32')!, { method: 'gram' });
    expect(gramUncertainty(f32, 2 ** -23)).toMatch(/matrix-rank tolerance/);
  });
});
