// transformers checkpoints as save_pretrained writes them (test/fixtures/hf/make_hf.py): GPT-2's Conv1D
// weights oriented (out, in) from config.json, the layout assumed reported per layer, and layers in the
// model's own order (torch named_parameters: block 2 before block 10, q k v o before gate up down).
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, openModel } from '../src/index.js';
import { fixturesDir } from './helpers/reference.js';

const HF = join(fixturesDir, 'hf');
const expected = JSON.parse(readFile(join(HF, 'expected.json')));
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
function readFile(p: string): string {
  return fs.readFileSync(p, 'utf8');
}

describe('GPT-2 Conv1D orientation', () => {
  const want = expected.gpt2.weights as Record<string, { conv1d: boolean; stored_shape: number[]; out_in_shape: number[]; lambda_max: number; first_row: number[] }>;

  it('c_attn / c_proj / c_fc are yielded (out, in), the transpose of what is stored, and say so', async () => {
    const m = await openModel(join(HF, 'gpt2'));
    expect(m.files.map((f) => f.split('/').pop())).toEqual(['model.safetensors', 'config.json']);
    for (const [name, w] of Object.entries(want)) {
      const t = await m.read(name);
      expect(t.shape, name).toEqual(w.out_in_shape);
      for (let j = 0; j < 4; j++) expect(t.data[j]).toBe(Math.fround(w.first_row[j]));
      if (w.conv1d) {
        expect(t.orientation).toMatch(/^\(in, out\) as transformers Conv1D stores it \(config.json model_type 'gpt2'\): transposed to \(out, in\)$/);
        expect(t.source).toMatchObject({ storedShape: w.stored_shape, transform: 'transposed (in, out) -> (out, in)' });
      }
    }
    expect(m.tensors.find((t) => t.name === 'transformer.wte.weight')!.kind).toBe('embedding');
  });

  it('analyze(): λ_max equals numpy, and each row carries the layout assumed', async () => {
    const r = await analyze(join(HF, 'gpt2'), { minEvals: 1 });
    for (const l of r.layers) {
      const w = want[l.name];
      expect(rel(l.lambdaMax, w.lambda_max), l.name).toBeLessThan(1e-5);
      expect(l.shape).toEqual(w.out_in_shape);
      if (w.conv1d) expect(l.orientation).toMatch(/Conv1D/);
    }
    expect(JSON.parse(JSON.stringify(r.layers[2]))).toMatchObject({ orientation: expect.stringMatching(/Conv1D/), layer_id: 2 });
  });

  it('without config.json the layout is kept as stored, and the row says it cannot tell', async () => {
    const dir = fs.mkdtempSync(join(os.tmpdir(), 'ws-gpt2-'));
    fs.copyFileSync(join(HF, 'gpt2', 'model.safetensors'), join(dir, 'model.safetensors'));
    const t = (await openModel(join(dir, 'model.safetensors'))).tensors.find((x) => x.name === 'transformer.h.0.attn.c_attn.weight')!;
    expect(t.shape).toEqual(want['transformer.h.0.attn.c_attn.weight'].stored_shape);
    expect(t.orientation).toMatch(/no config.json says so/);
    // a Linear model's config (llama) does not make c_* names Conv1D
    fs.writeFileSync(join(dir, 'config.json'), readFile(join(HF, 'llama', 'config.json')));
    const u = (await openModel(dir)).tensors.find((x) => x.name === 'transformer.h.0.attn.c_attn.weight')!;
    expect(u.shape).toEqual(want['transformer.h.0.attn.c_attn.weight'].stored_shape);
    expect(u.orientation).toMatch(/model_type 'llama' is not a Conv1D model/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('model order (layer_id)', () => {
  for (const name of ['gpt2', 'llama']) {
    it(`${name}: layers come out in the order the model defines them, not the file's name order`, async () => {
      const r = await analyze(join(HF, name), { minEvals: 1 });
      expect(r.layers.map((l) => l.name)).toEqual(expected[name].order);
      expect(r.layers.map((l) => l.layerId)).toEqual(r.layers.map((_, i) => i));
      const conc = await analyze(join(HF, name), { minEvals: 1, concurrency: 4 });
      expect(conc.layers.map((l) => l.name)).toEqual(expected[name].order);
    });
  }
});
