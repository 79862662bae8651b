// compare(a, b) against numpy/scipy on a pair written by the official safetensors writer
// (test/fixtures/workflows/generate_compare.py): W and W + a rank-3 update → ΔW of rank 3; identical → every Δ 0.
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as os from 'node:os';
import * as path from 'node:path';
import { compare, compareToJson, openModel } from '../src/index.js';
import { run } from './helpers/child.js';

const DIR = 'test/fixtures/workflows/';
const expected = JSON.parse(fs.readFileSync(DIR + 'compare-expected.json', 'utf8'));

describe('compare', () => {
  it('matches numpy per layer and says what did not match', async () => {
    const r = await compare(DIR + 'base.safetensors', DIR + 'tuned.safetensors', { minEvals: 2 });
    expect(r.layers.map((l) => l.name)).toEqual(['fc1.weight', 'fc2.weight']);
    expect(r.onlyInA).toEqual(['gone.weight']);
    expect(r.onlyInB).toEqual(['new.weight']);
    expect(r.shapeMismatch).toEqual([{ name: 'head.weight', shapeA: [10, 40], shapeB: [40, 10] }]);
    for (const l of r.layers) {
      const e = expected[l.name];
      expect(l.relDelta).toBeCloseTo(e.rel_delta, 12);
      expect(l.cka).toBeCloseTo(e.cka, 10);
      expect(l.stableRankA).toBeCloseTo(e.stable_rank_a, 10);
      expect(l.stableRankB).toBeCloseTo(e.stable_rank_b, 10);
      expect(l.dStableRank).toBeCloseTo(e.stable_rank_b - e.stable_rank_a, 10);
      expect(l.deltaStableRank).toBeCloseTo(e.delta_stable_rank, 10);
      expect(l.deltaRank).toBe(e.delta_rank);
      l.angles!.forEach((a, i) => expect(a).toBeCloseTo(e.principal_angles[i], 7));
      expect(l.subspaceOverlap).toBeCloseTo(e.principal_angles.reduce((s: number, a: number) => s + Math.cos(a) ** 2, 0) / 10, 10);
      expect(l.dAlpha).toBeCloseTo(l.alphaB! - l.alphaA!, 12);
    }
    expect(r.layers[0].deltaRank).toBe(3); // the rank-3 update
    // ΔW's own alpha is that of analyzing ΔW alone
    const a = await openModel(DIR + 'base.safetensors');
    const b = await openModel(DIR + 'tuned.safetensors');
    const [wa, wb] = [await a.read('fc2.weight'), await b.read('fc2.weight')];
    const d = Float64Array.from(wa.data, (x, i) => wb.data[i] - x);
    const r2 = await compare([{ name: 'x', W: { data: wa.data, shape: [40, 64] } }], [{ name: 'x', W: { data: Float64Array.from(wa.data, (x, i) => x + d[i]), shape: [40, 64] } }], { minEvals: 2 });
    expect(r2.layers[0].deltaAlpha).toBeCloseTo(r.layers[1].deltaAlpha!, 8);
    const j = compareToJson(r) as { layers: Record<string, unknown>[] };
    expect(j.layers[0]).toMatchObject({ name: 'fc1.weight', delta_rank: 3, rel_delta: r.layers[0].relDelta });
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });

  it('identical checkpoints: every Δ is 0, CKA 1, angles 0', async () => {
    const r = await compare(DIR + 'base.safetensors', DIR + 'base.safetensors', { minEvals: 2 });
    expect(r.onlyInA).toEqual([]);
    expect(r.shapeMismatch).toEqual([]);
    for (const l of r.layers) {
      expect(l.relDelta).toBe(0);
      expect(l.dAlpha).toBe(0);
      expect(l.dStableRank).toBe(0);
      expect(l.cka).toBeCloseTo(1, 12);
      for (const a of l.angles!) expect(a).toBeLessThan(1e-6);
      expect(l.deltaAlpha).toBeNull();
      expect(l.notes).toContain('ΔW = 0: the layers are identical');
    }
  });

  it('refuses bad options with typed errors', async () => {
    await expect(compare(DIR + 'base.safetensors', DIR + 'base.safetensors', { k: 0 })).rejects.toMatchObject({ code: 'E_OPTION' });
    await expect(compare(DIR + 'base.safetensors', DIR + 'base.safetensors', { bogus: 1 } as never)).rejects.toMatchObject({ code: 'E_OPTION' });
    await expect(compare(DIR + 'base.safetensors', DIR + 'base.safetensors', { layers: /nothing/ })).rejects.toMatchObject({ code: 'E_OPTION' });
    await expect(compare(DIR + 'nope.safetensors', DIR + 'base.safetensors')).rejects.toBeInstanceOf(Error);
  });

  it('CLI: weightscope compare a b as table, --json, --csv and --html; exit 2 for a missing file', async () => {
    const cli = (...args: string[]) => run(process.execPath, ['dist/cli/main.js', 'compare', DIR + 'base.safetensors', ...args]);
    const j = await cli(DIR + 'tuned.safetensors', '--json', '--min-evals', '2');
    expect(j.status).toBe(0);
    const doc = JSON.parse(j.stdout);
    expect(doc.layers.map((l: { name: string }) => l.name)).toEqual(['fc1.weight', 'fc2.weight']);
    expect(doc.layers[0].delta_rank).toBe(3);
    expect(doc.layers[0].rel_delta).toBeCloseTo(expected['fc1.weight'].rel_delta, 12);
    expect(doc.shape_mismatch).toEqual([{ name: 'head.weight', shape_a: [10, 40], shape_b: [40, 10] }]);
    const c = await cli(DIR + 'tuned.safetensors', '--csv');
    expect(c.stdout.split(/\r?\n/)[0]).toBe('name,shape,rel_delta,alpha_a,alpha_b,d_alpha,d_stable_rank,cka,subspace_overlap,delta_alpha,delta_rank');
    const html = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ws-cmp-')), 'cmp.html');
    const t = await cli(DIR + 'tuned.safetensors', '--html', html);
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/fc1\.weight\s+80x48/);
    expect(t.stdout).toContain('only in a: gone.weight');
    expect(fs.readFileSync(html, 'utf8')).toContain('<td>fc2.weight</td>');
    fs.rmSync(path.dirname(html), { recursive: true, force: true });
    const bad = await cli(DIR + 'missing.safetensors');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')[0]).toMatch(/^weightscope: no such file/);
  });
});
