// TFLite (test/fixtures/tflite/generate_tflite.py: TFLiteConverter float32, float16, dynamic-range and full int8
// post-training quantization): weights found through their ops (FULLY_CONNECTED (out, in), CONV_2D OHWI ->
// oihw, GATHER tables, DEQUANTIZE inputs), per-channel int8 dequantized, against TensorFlow's Interpreter values.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, fitPowerLaw, svdvalsSync, WeightscopeError } from '../src/index.js';
import { listTensors, openModel } from '../src/model/index.js';
import { formatError } from './helpers/metrics.js';
import { fixturesDir } from './helpers/reference.js';

const TF = join(fixturesDir, 'tflite');
type Want = Record<string, { op: string; shape: number[]; stored_dtype: string; lambda_max: number; evals: number[]; first: number[] }>;
const expected = JSON.parse(fs.readFileSync(join(TF, 'expected.json'), 'utf8')) as Record<string, Want>;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const FILES = ['float32.tflite', 'float16.tflite', 'dynamic.tflite', 'int8.tflite', 'offset.tflite'];


describe('TFLite models from TFLiteConverter', () => {
  for (const f of FILES) {
    it(`${f}: every weight the Interpreter holds, same values, lambda_max and alpha as numpy`, async () => {
      const want = expected[f];
      const m = await openModel(join(TF, f));
      expect(m.format).toBe('tflite');
      expect(m.tensors.map((t) => t.name)).toEqual(Object.keys(want));
      for (const [name, w] of Object.entries(want)) {
        const info = m.tensors.find((t) => t.name === name)!;
        expect(info.shape, name).toEqual(w.shape);
        expect(info.kind).toBe(w.op === 'CONV_2D' ? 'conv2d' : w.op === 'GATHER' ? 'embedding' : 'dense');
        if (w.op === 'CONV_2D') expect(info).toMatchObject({ layout: 'oihw', source: { transform: expect.stringMatching(/OHWI permuted/) } });
        if (w.stored_dtype === 'int8') expect(info.source.transform).toMatch(/dequantized int8/);
        if (w.stored_dtype === 'float16') expect(info.source.transform).toMatch(/read through DEQUANTIZE/);
        const t = await m.read(name);
        for (let j = 0; j < 4; j++) expect(t.data[j], `${name}[${j}]`).toBe(Math.fround(w.first[j]));
        // the 2-D matrix numpy used: as stored, or the conv slice [:, :, 0, 0]
        const [o, i] = t.shape;
        const step = t.shape.length === 4 ? t.shape[2] * t.shape[3] : 1;
        const mat = new Float64Array(o * i);
        for (let r = 0; r < o * i; r++) mat[r] = t.data[r * step];
        expect(rel(svdvalsSync({ data: mat, shape: [o, i] })[0] ** 2, w.lambda_max), name).toBeLessThan(1e-9);
      }
      const r = await analyze(join(TF, f), { minEvals: 1, precision: 'float64' });
      for (const [name, w] of Object.entries(want)) {
        if (w.op === 'CONV_2D') continue;
        const l = r.layers.find((x) => x.name === name)!;
        expect(rel(l.lambdaMax, w.lambda_max), `${name} lambda_max`).toBeLessThan(1e-9);
        if (l.status === 'success') expect(rel(l.alpha, fitPowerLaw(w.evals).alpha), `${name} alpha`).toBeLessThan(1e-6);
      }
    });
  }

  it('depthwise filters are skipped with the reason; int8 per-channel scales are named', async () => {
    const l = await listTensors(join(TF, 'int8.tflite'));
    expect(l.skipped.find((s) => /depthwise/.test(s.name))!.reason).toMatch(/depthwise convolution kernel/);
    const conv = l.tensors.find((t) => t.name === 'functional_1/conv_1/convolution')!;
    expect(conv.source.transform).toMatch(/per-channel: 16 scales along dim 0/);
    expect(conv.dtype).toBe('int8');
  });

  it('in memory reads the same as the file', async () => {
    const mem = await openModel(new Uint8Array(fs.readFileSync(join(TF, 'int8.tflite'))));
    const disk = await openModel(join(TF, 'int8.tflite'));
    for (const t of disk.tensors) expect(Array.from((await mem.read(t.name)).data)).toEqual(Array.from((await disk.read(t.name)).data));
  });
});

describe('malformed TFLite files', () => {
  const good = fs.readFileSync(join(TF, 'float32.tflite'));
  it('truncated, a root offset out of the file, or a corrupted vtable are E_FORMAT, never a crash', async () => {
    expect(await formatError(listTensors(new Uint8Array(good.subarray(0, 200))))).toMatch(/TFLite|outside|past/);
    const root = Buffer.from(good);
    root.writeUInt32LE(0x7ffffff0, 0);
    expect(await formatError(listTensors(new Uint8Array(root))))
      .toMatch(/outside the file/);
    // every single-byte corruption of the first 2 KiB: E_FORMAT or a plan, never another error
    for (let i = 8; i < 2048; i += 7) {
      const c = Buffer.from(good);
      c[i] ^= 0xff;
      try {
        const l = await listTensors(new Uint8Array(c));
        expect(l.format).toBe('tflite');
      } catch (e) {
        expect((e as WeightscopeError).code, `byte ${i}: ${(e as Error).message}`).toBe('E_FORMAT');
      }
    }
  });
});
