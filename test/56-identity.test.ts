// Tensors are keyed by where they are stored, not by name: repeated names, stale shard copies, one tensor
// under two names, identical weights stored twice. Fixtures: test/fixtures/identity/make_identity.py (onnx,
// onnxruntime, safetensors.torch, numpy λ_max of each stored tensor).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, listTensors, type LayersModelLike } from '../src/index.js';
import { fixturesDir } from './helpers/reference.js';

const ID = join(fixturesDir, 'identity');
const expected = JSON.parse(readFileSync(join(ID, 'expected.json'), 'utf8'));
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const VAD = 'node_modules/@ricky0123/vad-web/dist/silero_vad_legacy.onnx';

describe('repeated names', () => {
  it('ONNX: a main-graph W and If branches each holding an initializer W are three layers, each its own λ_max', async () => {
    const r = await analyze(join(ID, 'if_branches.onnx'), { minEvals: 1 });
    const got = Object.fromEntries(r.layers.map((l) => [l.name, l.lambdaMax]));
    const want = expected.if_branches;
    expect(Object.keys(got).sort()).toEqual(['W', 'main/branch.else_branch/W', 'main/branch.then_branch/W']);
    expect(rel(got.W, want['main/W'])).toBeLessThan(1e-5);
    expect(rel(got['main/branch.then_branch/W'], want['then/W'])).toBeLessThan(1e-5);
    expect(rel(got['main/branch.else_branch/W'], want['else/W'])).toBeLessThan(1e-5);
    const l = await listTensors(join(ID, 'if_branches.onnx'));
    const then = l.tensors.find((t) => t.name === 'main/branch.then_branch/W')!;
    expect(then.source).toMatchObject({ storedName: 'W', graph: 'main/branch.then_branch', node: 'mm_then', opType: 'MatMul' });
    expect(new Set(l.tensors.map((t) => t.key)).size).toBe(3);
  });

  it("tfjs: a manifest naming dense/kernel twice yields 'dense/kernel' and 'dense/kernel#2', each from its own bytes", async () => {
    const r = await analyze(join(ID, 'tfjs_dup', 'model.json'), { minEvals: 1 });
    expect(r.layers.map((l) => l.name)).toEqual(['dense/kernel', 'dense/kernel#2', 'out/kernel']);
    expect(rel(r.layers[0].lambdaMax, expected.tfjs_dup['dense/kernel@0'])).toBeLessThan(1e-5);
    expect(rel(r.layers[1].lambdaMax, expected.tfjs_dup['dense/kernel@2'])).toBeLessThan(1e-5);
    expect(r.layers[1].source).toMatchObject({ storedName: 'dense/kernel', offset: (16 * 12 + 12) * 4 });
    expect(r.layers.map((l) => l.layerId)).toEqual([0, 1, 2]);
  });
});

describe('a sharded checkpoint is read through its index', () => {
  for (const src of ['sharded', 'sharded/model.safetensors.index.json']) {
    it(`${src}: x.weight comes from the shard the index names; the stale copy is listed, not read`, async () => {
      const r = await analyze(join(ID, src), { minEvals: 1 });
      const x = r.layers.find((l) => l.name === 'x.weight')!;
      expect(r.layers.filter((l) => l.name.startsWith('x.weight'))).toHaveLength(1);
      expect(rel(x.lambdaMax, expected.sharded['x.weight'])).toBeLessThan(1e-5);
      expect(rel(x.lambdaMax, expected.sharded['stale x.weight'])).toBeGreaterThan(0.5);
      expect(x.source!.file).toMatch(/model-00002-of-00003\.safetensors$/);
      expect(r.skipped).toEqual([{ name: 'x.weight', reason: expect.stringMatching(/names model-00002-of-00003.safetensors for this tensor, not model-00003-of-00003.safetensors \(a stale copy\)/) }]);
      for (const n of ['a.weight', 'b.weight', 'c.weight', 'd.weight']) {
        expect(rel(r.layers.find((l) => l.name === n)!.lambdaMax, expected.sharded[n])).toBeLessThan(1e-5);
      }
      expect(r.files.some((f) => f.endsWith('model-unlisted.safetensors'))).toBe(false);
      if (src === 'sharded') {
        expect(r.notes).toContainEqual(expect.stringMatching(/^analysed model\.safetensors\.index\.json \(a sharded safetensors index\)/));
        expect(r.notes).toContainEqual('also in the folder, not analysed: model-unlisted.safetensors (a safetensors file)');
      }
    });
  }
});

describe('one weight, two names', () => {
  it('ONNX external data: two initializers naming the same bytes are one tensor with an alias', async () => {
    const l = await listTensors(join(ID, 'alias_external.onnx'));
    expect(l.tensors.map((t) => [t.name, t.aliases])).toEqual([['A', ['B']], ['C', undefined]]);
    const r = await analyze(join(ID, 'alias_external.onnx'), { minEvals: 1 });
    expect(r.layers.map((x) => x.name)).toEqual(['A', 'C']);
    expect(r.layers[0].aliases).toEqual(['B']);
    expect(rel(r.layers[0].lambdaMax, expected.alias_external.A)).toBeLessThan(1e-5);
    expect(r.summary.numLayers).toBe(2);
  });

  it('ONNX: an initializer used in the main graph and from inside a branch is one tensor; the other use is noted', async () => {
    const l = await listTensors(join(ID, 'outer_use.onnx'));
    expect(l.tensors.map((t) => [t.name, t.source.node, t.source.alsoUsedBy])).toEqual([
      ['U', 'mm_main', ['main/branch.then_branch/mm_outer']],
      ['W', 'mm_own', undefined],
    ]);
    const r = await analyze(join(ID, 'outer_use.onnx'), { minEvals: 1 });
    expect(rel(r.layers[0].lambdaMax, expected.outer_use.U)).toBeLessThan(1e-5);
    expect(rel(r.layers[1].lambdaMax, expected.outer_use.W)).toBeLessThan(1e-5);
  });

  it('identical bytes under two names (If branches) are analysed once, the copy noted on the row', async () => {
    const r = await analyze(join(ID, 'same_bytes.onnx'), { minEvals: 1 });
    expect(r.layers.map((x) => [x.name, x.aliases])).toEqual([['V', undefined], ['W_else', ['W_then']]]);
    expect(rel(r.layers[1].lambdaMax, expected.same_bytes.W)).toBeLessThan(1e-5);
    expect(r.skipped).toEqual([]);
    expect(JSON.parse(JSON.stringify(r.layers[1])).aliases).toEqual(['W_then']);
  });

  it('the first copy in model order is analysed, whichever copy is read first (layers side by side)', async () => {
    // 'late' is read 100 ms after 'early' (its data() waits): with two layers at a time, 'early', the second
    // copy, is keyed first. The row must still be 'late', the first in model order, with 'early' as alias.
    let x = 7;
    const data = Float32Array.from({ length: 48 * 40 }, () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5);
    const other = data.map((v, i) => v * ((i % 3) + 1));
    const dense = (name: string, d: Float32Array, delayMs: number) => ({
      name,
      getClassName: () => 'Dense',
      getWeights: () => [{ shape: [48, 40], name: 'kernel', dtype: 'float32', dataSync: () => d, data: () => new Promise<Float32Array>((res) => setTimeout(() => res(d), delayMs)) }],
    });
    const model: LayersModelLike = { layers: [dense('late', data, 100), dense('early', data, 0), dense('other', other, 0), dense('again', data, 0)] };
    for (let run = 0; run < 3; run++) {
      const r = await analyze(model, { concurrency: 2 });
      expect(r.layers.map((l) => [l.name, l.aliases])).toEqual([['late/kernel', ['early/kernel', 'again/kernel']], ['other/kernel', undefined]]);
      expect(r.skipped).toEqual([]);
    }
  });

  it('Silero VAD: every LSTM weight its If branches store twice (numpy: byte-identical) is one row with the copy as alias', async () => {
    const plan = await listTensors(VAD);
    const stored = new Map(plan.tensors.map((t) => [t.name, t.source.storedName ?? t.name]));
    const r = await analyze(VAD);
    const pairs = r.layers.flatMap((l) => (l.aliases ?? []).map((a) => [stored.get(l.name)!, stored.get(a)!].sort()));
    const lstmPairs = (expected.silero_identical_initializers as string[][]).filter(([a]) => /^\d+$/.test(a) && plan.tensors.some((t) => t.source.storedName === a && t.kind === 'recurrent'));
    expect(lstmPairs).toHaveLength(8); // 4 LSTM nodes × (W, R) duplicated between the branches
    // each duplicated initializer is split into 4 gates: 4 alias pairs per initializer pair
    expect(new Set(pairs.map((p) => p.join('|')))).toEqual(new Set(lstmPairs.map((p) => p.join('|'))));
    expect(pairs).toHaveLength(lstmPairs.length * 4);
    expect(r.layers.map((l) => l.name)).not.toContain('LSTM_789.W.i');
    expect(r.layers.find((l) => l.name === 'LSTM_951.W.i')!.aliases).toEqual(['LSTM_789.W.i']);
    // every planned tensor is a row, an alias on a row, or skipped (size limits) — none counted twice
    const aliases = r.layers.reduce((n, l) => n + (l.aliases?.length ?? 0), 0);
    const planned = new Set(plan.tensors.map((t) => t.name));
    expect(r.layers.length + aliases + r.skipped.filter((x) => planned.has(x.name)).length).toBe(plan.tensors.length);
  });
});
