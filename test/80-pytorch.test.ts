// PyTorch checkpoints (test/fixtures/pytorch/generate_pytorch.py: torch.save zip and legacy, f16/bf16/f64, a
// nested training checkpoint, a sharded GPT-2 as transformers writes it, hostile pickles): names, shapes,
// tied weights, strided views, and lambda_max / alpha per layer against numpy on the values torch.load gives.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, fitPowerLaw, WeightscopeError } from '../src/index.js';
import { listTensors, openModel } from '../src/model/index.js';
import { fixturesDir } from './helpers/reference.js';

const PT = join(fixturesDir, 'pytorch');
type Want = Record<string, { shape: number[]; lambda_max: number; evals: number[] }>;
const expected = JSON.parse(fs.readFileSync(join(PT, 'expected.json'), 'utf8')) as Record<string, Want> & { tied: string[]; gpt2_shards: string[] };
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

async function expectFormatError(p: Promise<unknown>, re: RegExp): Promise<void> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(WeightscopeError);
  expect((e as WeightscopeError).code).toBe('E_FORMAT');
  expect((e as Error).message).toMatch(re);
}

/** analyze() in float64 against numpy: every 2-D layer's lambda_max, and alpha fitted on numpy's eigenvalues. */
async function checkAgainstNumpy(source: string, want: Want): Promise<void> {
  const r = await analyze(source, { minEvals: 1, precision: 'float64' });
  const dense = Object.entries(want).filter(([, w]) => w.shape.length === 2);
  for (const [name, w] of dense) {
    const l = r.layers.find((x) => x.name === name || (x.aliases ?? []).includes(name));
    expect(l, name).toBeDefined();
    expect(l!.shape, name).toEqual(w.shape);
    expect(rel(l!.lambdaMax, w.lambda_max), `${name} lambda_max`).toBeLessThan(1e-9);
    const ref = fitPowerLaw(w.evals);
    if (l!.status === 'success') expect(rel(l!.alpha, ref.alpha), `${name} alpha`).toBeLessThan(1e-6);
  }
}

describe('PyTorch zip checkpoints (torch.save)', () => {
  it('lists names, shapes, kinds in state_dict order, tied weights once, and a reason for each skipped tensor', async () => {
    const l = await listTensors(join(PT, 'net_zip.pt'));
    expect(l.format).toBe('pytorch');
    expect(l.tensors.map((t) => t.name)).toEqual(['embed.weight', 'conv.weight', 'fc1.weight', 'fc2.weight', 'proj_t.weight', 'slice.weight']);
    const by = new Map(l.tensors.map((t) => [t.name, t]));
    expect(by.get('embed.weight')).toMatchObject({ kind: 'embedding', shape: [40, 24], aliases: ['head.weight'], dtype: 'float32' });
    expect(by.get('conv.weight')).toMatchObject({ kind: 'conv2d', layout: 'oihw', shape: [16, 3, 3, 3] });
    expect(by.get('fc1.weight')).toMatchObject({ kind: 'dense', shape: [48, 24], orientation: expect.stringMatching(/nn\.Linear/) });
    expect(by.get('fc1.weight')!.source).toMatchObject({ format: 'pytorch', storedDtype: 'float32', byteLength: 48 * 24 * 4 });
    // the strided view names its gather; no single byte range
    expect(by.get('proj_t.weight')!.source.transform).toMatch(/strided view \(stride \[1,36\]\)/);
    expect(by.get('proj_t.weight')!.source.offset).toBeUndefined();
    expect(l.skipped.find((s) => s.name === 'bn.num_batches_tracked')!.reason).toMatch(/integer\/bool dtype int64/);
    expect(l.skipped.find((s) => s.name === 'fc1.bias')!.reason).toMatch(/1-D tensor/);
    // the first element at the recorded offset is the file's own float
    const fc1 = by.get('fc1.weight')!;
    const bytes = fs.readFileSync(join(PT, 'net_zip.pt'));
    const t = await (await openModel(join(PT, 'net_zip.pt'))).read('fc1.weight');
    expect(new DataView(bytes.buffer, bytes.byteOffset + fc1.source.offset!, 4).getFloat32(0, true)).toBe(t.data[0]);
  });

  for (const f of ['net_zip.pt', 'net_legacy.pt', 'net_f16.pt', 'net_bf16.pt', 'net_f64.pt', 'nested.pt']) {
    it(`${f}: lambda_max and alpha of every 2-D layer equal numpy's on the values torch.load gives`, async () => {
      await checkAgainstNumpy(join(PT, f), expected[f]);
    });
  }

  it('conv kernels, strided and offset views hold exactly the values torch.load gives (lambda_max of a slice)', async () => {
    const m = await openModel(join(PT, 'net_zip.pt'));
    for (const name of ['conv.weight', 'proj_t.weight', 'slice.weight']) {
      const t = await m.read(name);
      const w = expected['net_zip.pt'][name];
      const [o, i] = t.shape;
      const step = t.shape.length === 4 ? t.shape[2] * t.shape[3] : 1;
      const mat = new Float64Array(o * i);
      for (let r = 0; r < o * i; r++) mat[r] = t.data[r * step];
      const { svdvalsSync } = await import('../src/index.js');
      const s = svdvalsSync({ data: mat, shape: [o, i] });
      expect(rel(s[0] ** 2, w.lambda_max), name).toBeLessThan(1e-9);
    }
  });

  it('f64 stays Float64Array; f16 and bf16 widen to Float32Array', async () => {
    expect((await (await openModel(join(PT, 'net_f64.pt'))).read('fc1.weight')).data).toBeInstanceOf(Float64Array);
    for (const f of ['net_f16.pt', 'net_bf16.pt']) {
      const t = await (await openModel(join(PT, f))).read('fc1.weight');
      expect(t.data).toBeInstanceOf(Float32Array);
      expect(t.dtype).toBe(f === 'net_f16.pt' ? 'float16' : 'bfloat16');
    }
  });

  it('legacy format: the same tensors and values as the zip format', async () => {
    const a = await openModel(join(PT, 'net_zip.pt'));
    const b = await openModel(join(PT, 'net_legacy.pt'));
    expect(b.tensors.map((t) => [t.name, t.shape, t.aliases])).toEqual(a.tensors.map((t) => [t.name, t.shape, t.aliases]));
    for (const t of a.tensors) expect(Array.from((await b.read(t.name)).data)).toEqual(Array.from((await a.read(t.name)).data));
  });

  it("a training checkpoint: weights from checkpoint['model'], never the optimizer's moments, and a note says so", async () => {
    const l = await listTensors(join(PT, 'nested.pt'));
    expect(l.tensors.map((t) => t.name)).toEqual(['embed.weight', 'conv.weight', 'fc1.weight', 'fc2.weight']);
    expect(l.notes.join('\n')).toMatch(/checkpoint\['model'\]/);
  });

  it('in-memory bytes read the same as the file', async () => {
    const m = await openModel(fs.readFileSync(join(PT, 'net_zip.pt')));
    const f = await openModel(join(PT, 'net_zip.pt'));
    for (const name of ['fc1.weight', 'proj_t.weight', 'slice.weight']) {
      expect(Array.from((await m.read(name)).data)).toEqual(Array.from((await f.read(name)).data));
    }
  });
});

describe('sharded PyTorch checkpoint (pytorch_model.bin.index.json) with config.json', () => {
  it('reads every shard the index names, orients GPT-2 Conv1D (out, in), lambda_max and alpha equal numpy', async () => {
    for (const src of [join(PT, 'gpt2'), join(PT, 'gpt2', 'pytorch_model.bin.index.json')]) {
      const r = await openModel(src);
      expect(r.format).toBe('pytorch');
      expect(r.files.map((f) => f.split('/').pop())).toEqual(['pytorch_model.bin.index.json', ...expected.gpt2_shards, 'config.json']);
      const c = r.tensors.find((t) => t.name === 'transformer.h.0.attn.c_attn.weight')!;
      expect(c.shape).toEqual([48, 16]);
      expect(c.orientation).toMatch(/Conv1D .*transposed to \(out, in\)/);
      expect(r.tensors.map((t) => t.name).slice(0, 3)).toEqual(['transformer.wte.weight', 'transformer.wpe.weight', 'transformer.h.0.attn.c_attn.weight']);
    }
    await checkAgainstNumpy(join(PT, 'gpt2'), expected.gpt2);
  });

  it('a tensor the index puts in another shard is skipped (a stale copy), one missing from its shard is E_FORMAT', async () => {
    const dir = fs.mkdtempSync(join(os.tmpdir(), 'ws-ptidx-'));
    for (const f of fs.readdirSync(join(PT, 'gpt2'))) fs.copyFileSync(join(PT, 'gpt2', f), join(dir, f));
    const idx = JSON.parse(fs.readFileSync(join(dir, 'pytorch_model.bin.index.json'), 'utf8'));
    const [first, second] = expected.gpt2_shards;
    const moved = Object.keys(idx.weight_map).find((k) => idx.weight_map[k] === first && /c_fc\.weight$/.test(k))!;
    idx.weight_map[moved] = second;
    fs.writeFileSync(join(dir, 'pytorch_model.bin.index.json'), JSON.stringify(idx));
    await expectFormatError(listTensors(dir), new RegExp(`'${moved.replace(/\./g, '\\.')}' listed in pytorch_model\\.bin\\.index\\.json is missing`));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('hostile and malformed PyTorch files', () => {
  const cases: [string, RegExp][] = [
    ['reduce_os_system.pt', /global posix\.system.*refused \(never imported or run\)/],
    ['other_class.pt', /global zipfile\.ZipInfo.*refused/],
    ['huge_memo.pt', /no tensors found/],
    ['deep_nesting.pt', /not a dict of tensors/],
    ['huge_string.pt', /truncated pickle/],
    ['huge_long.pt', /integer of 1073741824 bytes refused/],
  ];
  for (const [f, re] of cases) {
    it(`${f}: refused with E_FORMAT, nothing executed`, async () => {
      await expectFormatError(listTensors(join(PT, 'hostile', f)), re);
    });
  }

  it('truncated, cut and corrupted archives are E_FORMAT, never a crash', async () => {
    const good = fs.readFileSync(join(PT, 'net_zip.pt'));
    const legacy = fs.readFileSync(join(PT, 'net_legacy.pt'));
    for (const bad of [good.subarray(0, 100), good.subarray(0, good.length - 30), legacy.subarray(0, 300), legacy.subarray(0, legacy.length - 8)]) {
      await expectFormatError(listTensors(new Uint8Array(bad)).then(async (l) => l), /./);
    }
  });

  it('a TorchScript archive is refused with what to do', async () => {
    await expectFormatError(listTensors(join(fixturesDir, 'formats', 'torchscript.pt')), /TorchScript archive.*state_dict\(\)/);
  });
});
