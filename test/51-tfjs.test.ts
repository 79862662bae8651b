import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listTensors, openModel } from '../src/model/index.js';
import { checkStats, expected } from './helpers/model-stats.js';

const FACE = 'node_modules/@vladmandic/face-api/model/';

function reasonCounts(skipped: { reason: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of skipped) {
    const key = s.reason.split(':')[0];
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

describe('tfjs reader on face-api models', () => {
  it('face_recognition (ResNet, 3x3 convs): 29 conv2d + 1 dense yielded, 87 1-D tensors skipped', async () => {
    const l = await listTensors(FACE + 'face_recognition_model-weights_manifest.json');
    expect(l.format).toBe('tfjs');
    expect(l.tensors.filter((t) => t.kind === 'conv2d')).toHaveLength(29);
    expect(l.tensors.filter((t) => t.kind === 'dense').map((t) => [t.name, t.shape])).toEqual([['fc', [128, 256]]]);
    expect(l.tensors.filter((t) => t.kind === 'conv2d').every((t) => t.layout === 'hwio')).toBe(true);
    expect(l.tensors.find((t) => t.name === 'conv32_1/conv1/conv/filters')).toMatchObject({ shape: [3, 3, 32, 32], dtype: 'uint8' });
    expect(reasonCounts(l.skipped)).toEqual({ '1-D tensor (bias, normalisation or scale vector)': 87 });
  });

  it('ssd_mobilenetv1: depthwise kernels, int32 and scalars skipped with reasons', async () => {
    const l = await listTensors(FACE + 'ssd_mobilenetv1_model-weights_manifest.json');
    expect(l.tensors).toHaveLength(35);
    expect(reasonCounts(l.skipped)).toEqual({
      '1-D tensor (bias, normalisation or scale vector)': 86,
      'integer/bool dtype int32': 15,
      'scalar (0-D tensor)': 2,
      'depthwise convolution kernel': 13,
    });
    expect(l.skipped.find((s) => s.name.endsWith('depthwise_weights'))?.reason).toMatch(/depthwise/);
    // the one float tensor of unknown role (anchors) is kept as 'other' with its stored shape
    expect(l.tensors.filter((t) => t.kind === 'other').map((t) => [t.name, t.shape])).toEqual([['Output/extra_dim', [1, 5118, 4]]]);
  });

  it('dequantises uint8 as q·scale + min (hand-computed from the .bin bytes)', async () => {
    const manifest = JSON.parse(fs.readFileSync(FACE + 'face_recognition_model-weights_manifest.json', 'utf8'))[0];
    const bin = fs.readFileSync(FACE + 'face_recognition_model.bin');
    let offset = 0;
    let entry: { name: string; shape: number[]; quantization: { scale: number; min: number } } | undefined;
    for (const w of manifest.weights) {
      if (w.name === 'conv32_1/conv1/conv/filters') {
        entry = w;
        break;
      }
      offset += w.shape.reduce((a: number, b: number) => a * b, 1) * (w.quantization ? 1 : 4);
    }
    const r = await openModel(FACE + 'face_recognition_model-weights_manifest.json');
    const t = await r.read('conv32_1/conv1/conv/filters');
    expect(t.source).toMatchObject({ offset, quantization: { dtype: 'uint8', scale: entry!.quantization.scale, min: entry!.quantization.min } });
    for (const i of [0, 1, 100, 9215]) {
      expect(t.data[i]).toBe(Math.fround(bin[offset + i] * entry!.quantization.scale + entry!.quantization.min));
    }
  });

  it('matches numpy (independent decode of the .bin) for named layers', async () => {
    const checks: [string, string, boolean][] = [
      ['face_recognition_model', 'conv32_1/conv1/conv/filters', false],
      ['ssd_mobilenetv1_model', 'Prediction/BoxPredictor_0/ClassPredictor/weights', false],
      ['face_expression_model', 'fc/weights', true],
    ];
    for (const [model, name, sameLayout] of checks) {
      const r = await openModel(`${FACE}${model}-weights_manifest.json`);
      const t = await r.read(name);
      // conv entries were stored (out, in, kh, kw) for numpy; ours stay (kh, kw, in, out): compare layout-free stats
      checkStats(t, expected.tensors[name].F32, { entries: sameLayout });
    }
  });

  it('fc/weights is transposed from (in, out) to (out, in)', async () => {
    const r = await openModel(FACE + 'face_expression_model-weights_manifest.json');
    const t = await r.read('fc/weights');
    expect(t.shape).toEqual([7, 256]);
    expect(t.source).toMatchObject({ storedShape: [256, 7], transform: 'transposed (in, out) -> (out, in)' });
  });
});

describe('tfjs reader on a hand-made model.json', () => {
  function makeModel(): { dir: string; file: string; kernel: Float32Array; emb: Float32Array } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-tfjs-'));
    const kernel = Float32Array.from({ length: 12 }, (_, i) => i - 5.5); // Dense (in 3, out 4)
    const emb = Float32Array.from({ length: 10 }, (_, i) => i / 4); // Embedding (5, 2)
    const u16 = new Uint16Array([0, 1, 65535, 1000, 2, 3]); // LSTM kernel (2, 3) quantized uint16
    const f16 = new Uint16Array([0x3c00, 0xc000, 0x3800, 0x0001, 0x7bff, 0x8000]); // 1, -2, 0.5, 2^-24, 65504, -0
    const conv1d = Float32Array.from({ length: 3 * 2 * 2 }, (_, i) => i); // Conv1D (k 3, in 2, out 2)
    const str = Buffer.concat([Buffer.from([3, 0, 0, 0]), Buffer.from('abc'), Buffer.from([1, 0, 0, 0]), Buffer.from('z')]);
    const dw = new Uint8Array(3 * 3 * 4 * 1);
    const all = Buffer.concat([
      Buffer.from(kernel.buffer), Buffer.from(emb.buffer), str, Buffer.from(u16.buffer), Buffer.from(f16.buffer),
      Buffer.from(conv1d.buffer), Buffer.from(dw),
    ]);
    // two shards, split in the middle of the embedding so one tensor spans both files
    fs.writeFileSync(path.join(dir, 'group1-shard1of2.bin'), all.subarray(0, 60));
    fs.writeFileSync(path.join(dir, 'group1-shard2of2.bin'), all.subarray(60));
    const layer = (class_name: string, name: string) => ({ class_name, config: { name } });
    const model = {
      format: 'layers-model',
      modelTopology: { model_config: { class_name: 'Sequential', config: { layers: [
        layer('Dense', 'dense_Dense1'), layer('Embedding', 'emb'), layer('SimpleRNN', 'lstm_LSTM1'), // one gate block: LSTM kernels are split per gate (test 44)
        layer('Conv1D', 'conv1d_Conv1D1'), layer('DepthwiseConv2D', 'dw'),
      ] } } },
      weightsManifest: [{
        paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'],
        weights: [
          { name: 'dense_Dense1/kernel', shape: [3, 4], dtype: 'float32' },
          { name: 'emb/embeddings', shape: [5, 2], dtype: 'float32' },
          { name: 'vocab', shape: [2], dtype: 'string' },
          { name: 'lstm_LSTM1/kernel', shape: [2, 3], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.5, min: -1 } },
          { name: 'half/kernel', shape: [3, 2], dtype: 'float32', quantization: { dtype: 'float16' } },
          { name: 'conv1d_Conv1D1/kernel', shape: [3, 2, 2], dtype: 'float32' },
          { name: 'dw/depthwise_kernel', shape: [3, 3, 4, 1], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1, min: 0 } },
        ],
      }],
    };
    const file = path.join(dir, 'model.json');
    fs.writeFileSync(file, JSON.stringify(model));
    return { dir, file, kernel, emb };
  }

  it('decodes float32, uint16/float16 quantization, shard-spanning tensors, strings, Conv1D and topology kinds', async () => {
    const { dir, file, kernel, emb } = makeModel();
    const r = await openModel(dir); // the folder holding model.json
    const by = new Map<string, Awaited<ReturnType<typeof r.read>>>();
    for await (const t of r) by.set(t.name, t);
    expect([...by.keys()]).toEqual(['dense_Dense1/kernel', 'emb/embeddings', 'lstm_LSTM1/kernel', 'half/kernel', 'conv1d_Conv1D1/kernel']);
    const dense = by.get('dense_Dense1/kernel')!;
    expect(dense).toMatchObject({ kind: 'dense', shape: [4, 3] });
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) expect(dense.data[j * 3 + i]).toBe(kernel[i * 4 + j]);
    const e = by.get('emb/embeddings')!;
    expect(e).toMatchObject({ kind: 'embedding', shape: [5, 2] });
    expect(Array.from(e.data)).toEqual(Array.from(emb));
    expect(e.source).toMatchObject({ file: path.join(dir, 'group1-shard1of2.bin'), offset: 48, spansFiles: 2 }); // spans both shards
    const lstm = by.get('lstm_LSTM1/kernel')!;
    expect(lstm).toMatchObject({ kind: 'recurrent', shape: [3, 2], dtype: 'uint16' });
    // stored (2, 3) = [[0, 1, 65535], [1000, 2, 3]] -> q·0.5 − 1, transposed to (3, 2)
    expect(Array.from(lstm.data)).toEqual([-1, 499, -0.5, 0, 32766.5, 0.5]);
    const half = by.get('half/kernel')!;
    expect(Array.from(half.data)).toEqual([1, 0.5, 65504, -2, 2 ** -24, -0]);
    expect(by.get('conv1d_Conv1D1/kernel')).toMatchObject({ kind: 'conv2d', layout: 'hwio', shape: [1, 3, 2, 2] });
    expect(Array.from(by.get('conv1d_Conv1D1/kernel')!.data)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(r.skipped).toEqual([
      { name: 'vocab', reason: 'integer/bool dtype string: not a float weight' },
      { name: 'dw/depthwise_kernel', reason: expect.stringMatching(/^depthwise/) },
    ]);
    expect(file).toMatch(/model\.json$/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
