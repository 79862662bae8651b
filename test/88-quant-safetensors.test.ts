// Quantized safetensors checkpoints laid out as the hub ships them (test/fixtures/quant/generate_quant.py):
// GPTQ (act-order g_idx, v1 zeros), AWQ GEMM, compressed-tensors pack-quantized (symmetric and asymmetric),
// FP8 E4M3 with 128×128 block scales (weight_scale_inv) and E5M2 per-tensor, bitsandbytes nf4 (plain and
// nested absmax) and int8 (SCB). Each weight is dequantized in native code and must equal the reference
// dequantization element by element (numpy packers written from the official sources; torch's float8 dtypes);
// λ_max equals numpy's; side tensors are never analysed and say whose they are.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, analyzeMatrix, listTensors, openModel } from '../src/index.js';
import { fixturesDir, maxRelDiff } from './helpers/reference.js';

const Q = join(fixturesDir, 'quant');
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

async function expectedOf(dir: string): Promise<Map<string, { data: Float32Array; shape: number[] }>> {
  const m = await openModel(join(Q, dir, 'expected.safetensors'));
  const out = new Map<string, { data: Float32Array; shape: number[] }>();
  for await (const t of m) out.set(t.name, { data: t.data as Float32Array, shape: t.shape });
  return out;
}


const CASES: [string, RegExp, number][] = [
  ['gptq', /^GPTQ int4 \(group 32/, 2],
  ['awq', /^AWQ int4 gemm \(group 32\)$/, 1],
  ['compressed-tensors', /^compressed-tensors pack-quantized int4/, 2],
  ['fp8', /FP8 E(4M3|5M2)/, 2],
  ['bnb', /^bitsandbytes (nf4|int8)/, 3],
];

describe.each(CASES)('%s', (dir, scheme, count) => {
  it('every quantized weight is dequantized exactly as the reference does, (out, in)', async () => {
    const want = await expectedOf(dir);
    expect(want.size).toBe(count);
    const m = await openModel(join(Q, dir));
    for (const [name, w] of want) {
      const t = await m.read(name);
      expect(t.shape, name).toEqual(w.shape);
      expect(t.data.length).toBe(w.data.length);
      expect(t.source.quantScheme, name).toMatch(scheme);
      expect(t.data).toBeInstanceOf(Float32Array);
      expect(maxRelDiff(t.data, w.data), name).toBeLessThan(1e-6);
      expect(t.data.every(Number.isFinite)).toBe(true);
    }
  });

  it('side tensors are skipped as "quantization <role> of <weight> (<scheme>)", never analysed', async () => {
    const l = await listTensors(join(Q, dir));
    const planned = new Set(l.tensors.map((t) => t.name));
    for (const t of l.tensors) {
      if (!t.source.quantScheme) continue;
      for (const side of t.source.quantParts!) {
        expect(planned.has(side), side).toBe(false);
        const s = l.skipped.find((x) => x.name === side)!;
        expect(s.reason, side).toBe(s.reason.match(/^quantization [a-z -]+ of /) ? s.reason : 'a side-tensor reason');
        expect(s.reason).toContain(`of ${t.name} (${t.source.quantScheme})`);
      }
    }
    // nothing quantization-shaped was analysed as a dense layer
    for (const t of l.tensors) expect(t.name).not.toMatch(/(scales|qzeros|g_idx|weight_scale|scale_inv|absmax|quant_map|SCB|weight_shape|zero_point)$/);
  });

  it('analyze(): λ_max equals numpy on the dequantized matrix, α equals that of the reference matrix', async () => {
    const lm = JSON.parse(fs.readFileSync(join(Q, dir, 'expected.json'), 'utf8')).lambda_max as Record<string, number>;
    const want = await expectedOf(dir);
    const r = await analyze(join(Q, dir), { minEvals: 1 });
    for (const [name, w] of want) {
      const l = r.layers.find((x) => x.name === name)!;
      expect(l, name).toBeDefined();
      expect(rel(l.lambdaMax, lm[name]), name).toBeLessThan(1e-5);
      expect(l.source?.quantScheme).toMatch(scheme);
      // the same route as analyze()'s default: the float64 Gram route on the widened reference matrix
      const ref = await analyzeMatrix({ data: Float64Array.from(w.data), shape: w.shape as [number, number] }, { minEvals: 1, method: 'gram', storedDtype: l.source ? (await listTensors(join(Q, dir))).tensors.find((t) => t.name === name)!.dtype : undefined });
      if (Number.isFinite(ref.alpha)) expect(rel(l.alpha, ref.alpha), name).toBeLessThan(1e-6);
      else expect(l.status).toBe(ref.status);
    }
    const json = JSON.parse(JSON.stringify(r));
    expect(json.layers.some((x: { source?: { quantScheme?: string } }) => scheme.test(x.source?.quantScheme ?? ''))).toBe(true);
  });
});

describe('recognition details', () => {
  it('GPTQ act-order: g_idx decides each input column\'s group; v1 zeros are stored minus one', async () => {
    const l = await listTensors(join(Q, 'gptq'));
    const q = l.tensors.find((t) => t.name === 'model.layers.0.self_attn.q_proj.weight')!;
    expect(q.source).toMatchObject({ storedName: 'model.layers.0.self_attn.q_proj.qweight', storedDtype: 'I32', storedShape: [16, 64], quantScheme: 'GPTQ int4 (group 32, g_idx)' });
    expect(q.source.quantParts!.sort()).toEqual(['model.layers.0.self_attn.q_proj.g_idx', 'model.layers.0.self_attn.q_proj.qzeros', 'model.layers.0.self_attn.q_proj.scales']);
    expect(l.tensors.find((t) => t.name === 'lm_head.weight')!.source.quantScheme).toBeUndefined();
  });

  it('a scheme without a dequantizer is skipped "quantized (<scheme>)" and its side tensors stay side tensors', async () => {
    const dir = fs.mkdtempSync(join(os.tmpdir(), 'ws-quant-'));
    try {
      fs.copyFileSync(join(Q, 'awq', 'model.safetensors'), join(dir, 'model.safetensors'));
      fs.writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'llama', quantization_config: { quant_method: 'awq', bits: 4, version: 'gemv' } }));
      const l = await listTensors(dir);
      const s = l.skipped.find((x) => x.name === 'model.layers.0.mlp.gate_proj.weight')!;
      expect(s.reason).toMatch(/^quantized \(AWQ int4 gemv \(group 32\)\): only the 4-bit GEMM layout is dequantized$/);
      expect(l.skipped.find((x) => x.name === 'model.layers.0.mlp.gate_proj.scales')!.reason).toMatch(/^quantization scale of model.layers.0.mlp.gate_proj.weight/);
      expect(l.tensors.map((t) => t.name)).toEqual(['model.embed_tokens.weight']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without config.json, GPTQ and AWQ are told apart by their packing (qweight (in/8, out) vs (in, out/8))', async () => {
    const dir = fs.mkdtempSync(join(os.tmpdir(), 'ws-quant-'));
    try {
      for (const [sub, want] of [['gptq', /^GPTQ int4 \(group 32/], ['awq', /^AWQ int4 gemm \(group 32\)$/]] as const) {
        fs.copyFileSync(join(Q, sub, 'model.safetensors'), join(dir, 'model.safetensors'));
        const expectedW = await expectedOf(sub);
        const m = await openModel(join(dir, 'model.safetensors'));
        for (const [name, w] of expectedW) {
          const t = await m.read(name);
          expect(t.source.quantScheme, name).toMatch(want);
          // without checkpoint_format, GPTQ zeros are read as v1 (AutoGPTQ's default): the values still match
          expect(maxRelDiff(t.data, w.data), name).toBeLessThan(1e-6);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a sharded checkpoint: a weight whose scales and zeros live in another shard is still grouped and dequantized', async () => {
    const bytes = new Uint8Array(fs.readFileSync(join(Q, 'gptq', 'model.safetensors')));
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    delete (header as Record<string, unknown>).__metadata__;
    const shard = (names: string[]): Buffer => {
      const h: Record<string, unknown> = {};
      const parts: Uint8Array[] = [];
      let at = 0;
      for (const k of names) {
        const e = header[k];
        const d = bytes.subarray(8 + n + e.data_offsets[0], 8 + n + e.data_offsets[1]);
        h[k] = { dtype: e.dtype, shape: e.shape, data_offsets: [at, at + d.length] };
        parts.push(d);
        at += d.length;
      }
      const json = Buffer.from(JSON.stringify(h));
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(json.length));
      return Buffer.concat([len, json, ...parts]);
    };
    const names = Object.keys(header);
    const first = names.filter((k) => k.endsWith('.qweight') || k.startsWith('lm_head'));
    const second = names.filter((k) => !first.includes(k));
    const dir = fs.mkdtempSync(join(os.tmpdir(), 'ws-quant-'));
    try {
      fs.writeFileSync(join(dir, 'model-00001-of-00002.safetensors'), shard(first));
      fs.writeFileSync(join(dir, 'model-00002-of-00002.safetensors'), shard(second));
      const weightMap = Object.fromEntries([...first.map((k) => [k, 'model-00001-of-00002.safetensors']), ...second.map((k) => [k, 'model-00002-of-00002.safetensors'])]);
      fs.writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
      fs.copyFileSync(join(Q, 'gptq', 'config.json'), join(dir, 'config.json'));
      const want = await expectedOf('gptq');
      const m = await openModel(dir);
      for (const [name, w] of want) expect(maxRelDiff((await m.read(name)).data, w.data), name).toBeLessThan(1e-6);
      expect(m.skipped.find((x) => x.name === 'model.layers.0.mlp.down_proj.scales')!.reason).toMatch(/^quantization scale of model.layers.0.mlp.down_proj.weight/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a g_idx pointing outside the groups is E_FORMAT from the native kernel, not a wrong number', async () => {
    const bytes = new Uint8Array(fs.readFileSync(join(Q, 'gptq', 'model.safetensors')));
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    const g = header['model.layers.0.self_attn.q_proj.g_idx'];
    new DataView(bytes.buffer).setInt32(8 + n + g.data_offsets[0] + 4 * 7, 99, true);
    const m = await openModel(bytes);
    await expect(m.read('model.layers.0.self_attn.q_proj.weight')).rejects.toMatchObject({ code: 'E_FORMAT', message: expect.stringMatching(/g_idx\[7\] = 99 is outside \[0, 4\)/) });
  });
});
