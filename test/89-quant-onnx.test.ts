// Quantized ONNX models written by onnxruntime's own quantizers (test/fixtures/quant/generate_quant.py):
// quantize_dynamic (MatMulInteger, and the Gather of a quantized embedding), quantize_static QDQ per channel
// (DequantizeLinear), MatMulNBitsQuantizer (4-bit blocks, packed zero points). onnxruntime itself computed each
// W (a one-node DequantizeLinear graph; MatMulNBits applied to an identity input): weightscope's dequantized
// (out, in) matrix must equal it element by element, and λ_max equal numpy's. Scales and zero points, of
// weights and of activations, are skipped with the weight they belong to, never analysed.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, analyzeMatrix, listTensors, openModel } from '../src/index.js';
import { fixturesDir, maxRelDiff } from './helpers/reference.js';

const D = join(fixturesDir, 'quant', 'onnx');
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const LM = JSON.parse(fs.readFileSync(join(D, 'expected.json'), 'utf8')).lambda_max as Record<string, number>;

async function expected(prefix: string): Promise<Map<string, Float32Array>> {
  const m = await openModel(join(D, 'expected.safetensors'));
  const out = new Map<string, Float32Array>();
  for await (const t of m) if (t.name.startsWith(prefix + '/')) out.set(t.name.slice(prefix.length + 1), t.data as Float32Array);
  return out;
}


const CASES: [string, string, RegExp, number][] = [
  ['model_quantized.onnx', 'dyn', /^ONNX (Gather \+ )?MatMulInteger \(dynamic quantization\)$/, 3],
  ['model_qdq.onnx', 'qdq', /^ONNX QDQ DequantizeLinear$/, 2],
  ['model_q4.onnx', 'q4', /^ONNX MatMulNBits int4 \(block 32\)$/, 2],
  ['conv_quantized.onnx', 'cdyn', /^ONNX ConvInteger \(dynamic quantization\)$/, 2],
  ['conv_qdq.onnx', 'cqdq', /^ONNX QDQ DequantizeLinear$/, 2],
];

describe.each(CASES)('%s', (file, prefix, scheme, count) => {
  it('each quantized weight equals what onnxruntime dequantizes, (out, in)', async () => {
    const want = await expected(prefix);
    expect(want.size).toBe(count);
    const m = await openModel(join(D, file));
    for (const [name, w] of want) {
      const t = await m.read(name);
      expect(t.source.quantScheme, name).toMatch(scheme);
      expect(t.data.length).toBe(w.length);
      expect(maxRelDiff(t.data, w), name).toBeLessThan(1e-6);
    }
  });

  it('scales and zero points are side tensors of their weight, never layers', async () => {
    const l = await listTensors(join(D, file));
    for (const t of l.tensors) expect(t.name).not.toMatch(/(scale|zero_point|scales|zero_points)$/);
    for (const s of l.skipped.filter((x) => /(scale|zero_point)s?$/.test(x.name))) {
      expect(s.reason, s.name).toMatch(/^quantization (activation )?(scale|zero point) of \S+ \(ONNX /);
    }
    const quantized = l.tensors.filter((t) => t.source.quantScheme);
    expect(quantized.length).toBe(count);
    for (const t of quantized) for (const p of t.source.quantParts!) expect(l.skipped.find((x) => x.name === p)!.reason).toContain(`of ${t.name} (`);
  });

  it('analyze(): λ_max equals numpy on the dequantized matrix (conv2d: that of the reference kernel)', async () => {
    const r = await analyze(join(D, file), { minEvals: 1 });
    for (const [name, w] of await expected(prefix)) {
      const l = r.layers.find((x) => x.name === name)!;
      expect(l, name).toBeDefined();
      if (LM[`${prefix}/${name}`] !== undefined) expect(rel(l.lambdaMax, LM[`${prefix}/${name}`]), name).toBeLessThan(1e-5);
      else {
        expect(l.kind).toBe('conv2d');
        const ref = await analyzeMatrix({ data: w, shape: l.shape as unknown as [number, number, number, number] }, { minEvals: 1, layerType: 'conv2d', storedDtype: 'uint8' });
        expect(rel(l.lambdaMax, ref.lambdaMax), name).toBeLessThan(1e-6);
      }
    }
  });
});

describe('skip reasons name the right thing (issue 12 item 2)', () => {
  it('quantize_dynamic: the embedding is the quantized weight, its scalar zero point a side tensor', async () => {
    const l = await listTensors(join(D, 'model_quantized.onnx'));
    const emb = l.tensors.find((t) => t.name === 'emb.weight_quantized')!;
    expect(emb).toMatchObject({ kind: 'embedding', shape: [50, 32] });
    expect(l.skipped.find((s) => s.name === 'emb.weight_zero_point')!.reason).toBe(
      'quantization zero point of emb.weight_quantized (ONNX Gather + MatMulInteger (dynamic quantization))',
    );
    const fc1 = l.tensors.find((t) => t.name === 'fc1.weight_quantized')!;
    expect(fc1).toMatchObject({ kind: 'dense', shape: [64, 32] });
    expect(fc1.source.quantParts!.sort()).toEqual(['fc1.weight_scale', 'fc1.weight_zero_point']);
  });

  it('QDQ: activation scales of QuantizeLinear are side tensors too', async () => {
    const l = await listTensors(join(D, 'model_qdq.onnx'));
    expect(l.skipped.find((s) => s.name === 'h2_scale')!.reason).toMatch(/^quantization activation scale of h2 \(ONNX QuantizeLinear \(activation\)\)$/);
    expect(l.tensors.find((t) => t.name === 'emb.weight')!.source.quantScheme).toBeUndefined();
  });
});
