import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { listTensors, openModel, readWeights, type WeightTensor } from '../src/model/index.js';
import { checkStats, expected, FIXTURES } from './helpers/model-stats.js';

const REAL = Object.keys(expected.tensors).filter((n) => n !== 'double/fc.weight');

async function all(source: string | Uint8Array, opts?: Parameters<typeof readWeights>[1]): Promise<Map<string, WeightTensor>> {
  const out = new Map<string, WeightTensor>();
  for await (const t of readWeights(source, opts)) out.set(t.name, t);
  return out;
}

describe('safetensors reader', () => {
  it('lists the F32 fixture: kinds, shapes, layouts and a reason for every skipped tensor', async () => {
    const l = await listTensors(FIXTURES + 'model_f32.safetensors');
    expect(l.format).toBe('safetensors');
    expect(l.tensors.map((t) => t.name).sort()).toEqual([...REAL, 'double/fc.weight'].sort());
    const by = new Map(l.tensors.map((t) => [t.name, t]));
    expect(by.get('conv32_1/conv1/conv/filters')).toMatchObject({ kind: 'conv2d', layout: 'oihw', shape: [32, 32, 3, 3], dtype: 'float32' });
    expect(by.get('fc/weights')).toMatchObject({ kind: 'dense', shape: [7, 256] });
    expect(by.get('LSTM_951.W.i')).toMatchObject({ kind: 'recurrent', shape: [64, 64] });
    expect(by.get('double/fc.weight')).toMatchObject({ dtype: 'float64' });
    expect(l.skipped).toEqual([
      { name: 'fc/bias', reason: expect.stringContaining('1-D tensor') },
      { name: 'position_ids', reason: expect.stringContaining('integer/bool dtype I64') },
    ]);
    // the source names the stored bytes exactly
    const fc = by.get('fc/weights')!;
    expect(fc.source.byteLength).toBe(7 * 256 * 4);
    const bytes = fs.readFileSync(FIXTURES + 'model_f32.safetensors');
    const first = new DataView(bytes.buffer, bytes.byteOffset + fc.source.offset!, 4).getFloat32(0, true);
    expect(first).toBe(expected.tensors['fc/weights'].F32.entries[0][1]);
  });

  for (const dt of ['F32', 'F16', 'BF16'] as const) {
    it(`reads ${dt} weights equal to numpy's (sum, norm, entries, top-5 singular values)`, async () => {
      const got = await all(FIXTURES + `model_${dt.toLowerCase()}.safetensors`);
      for (const name of REAL) {
        const t = got.get(name)!;
        expect(t.data).toBeInstanceOf(Float32Array); // F16/BF16 widened to f32
        expect(t.dtype).toBe({ F32: 'float32', F16: 'float16', BF16: 'bfloat16' }[dt]);
        expect(t.shape).toEqual(expected.tensors[name].shape);
        checkStats(t, expected.tensors[name][dt]);
      }
    });
  }

  it('keeps F64 as Float64Array', async () => {
    const r = await openModel(FIXTURES + 'model_f32.safetensors');
    const t = await r.read('double/fc.weight');
    expect(t.data).toBeInstanceOf(Float64Array);
    checkStats(t, expected.tensors['double/fc.weight'].F64, { rtol: 1e-12 });
  });

  it('reads a 2-shard checkpoint through model.safetensors.index.json, and the folder holding it', async () => {
    for (const src of [FIXTURES + 'sharded/model.safetensors.index.json', FIXTURES + 'sharded']) {
      const r = await openModel(src);
      expect(r.files.map((f) => path.basename(f))).toEqual([
        'model.safetensors.index.json',
        'model-00001-of-00002.safetensors',
        'model-00002-of-00002.safetensors',
      ]);
      const got = await all(src);
      expect([...got.keys()].sort()).toEqual([...REAL].sort());
      for (const name of REAL) checkStats(got.get(name)!, expected.tensors[name].F32);
      expect(new Set(r.tensors.map((t) => path.basename(t.source.file))).size).toBe(2);
    }
  });

  it('accepts an in-memory Buffer and Uint8Array', async () => {
    const buf = fs.readFileSync(FIXTURES + 'model_bf16.safetensors');
    for (const src of [buf, new Uint8Array(buf)]) {
      const got = await all(src);
      expect(got.size).toBe(REAL.length);
      checkStats(got.get('linear_78.w_0')!, expected.tensors['linear_78.w_0'].BF16);
      expect(got.get('linear_78.w_0')!.source.file).toBe('<memory>');
    }
  });

  it('minEvals and filter skip tensors on metadata alone, with reasons', async () => {
    const l = await listTensors(FIXTURES + 'model_f32.safetensors', { minEvals: 10, filter: (t) => t.name !== 'linear_78.w_0' });
    const reasons = Object.fromEntries(l.skipped.map((s) => [s.name, s.reason]));
    expect(reasons['conv2d_0.w_0']).toBe('too small: min(rows, cols) = 3 < minEvals = 10'); // (16, 3, 3, 3)
    expect(reasons['fc/weights']).toBe('too small: min(rows, cols) = 7 < minEvals = 10');
    expect(reasons['linear_78.w_0']).toBe('excluded by the filter option');
    expect(l.tensors.map((t) => t.name)).toContain('conv32_1/conv1/conv/filters');
    await expect(listTensors(FIXTURES + 'model_f32.safetensors', { minEval: 3 } as never)).rejects.toMatchObject({ code: 'E_OPTION' });
  });

  it('streams one tensor at a time: each yielded array is fresh and only that tensor is read', async () => {
    const r = await openModel(FIXTURES + 'model_f32.safetensors');
    const seen: ArrayBufferLike[] = [];
    for await (const t of r) {
      expect(t.data.buffer.byteLength).toBe(t.data.byteLength); // its own allocation, not a view of the file
      seen.push(t.data.buffer);
    }
    expect(new Set(seen).size).toBe(r.tensors.length);
  });

  // The official writer, when a Python with the `safetensors` package is available (set SAFETENSORS_PYTHON, or
  // create /tmp/stvenv: python3 -m venv /tmp/stvenv && /tmp/stvenv/bin/pip install safetensors numpy).
  const py = process.env.SAFETENSORS_PYTHON ?? '/tmp/stvenv/bin/python';
  const hasOfficial = fs.existsSync(py) && spawnSync(py, ['-c', 'import safetensors.numpy, numpy'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!hasOfficial)(`reads files written by the official safetensors package${hasOfficial ? '' : ' (skipped: no Python with safetensors; see SAFETENSORS_PYTHON)'}`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-st-'));
    const file = path.join(dir, 'official.safetensors');
    const script = `
import numpy as np, sys
from safetensors.numpy import save_file
r = np.random.default_rng(7)
save_file({'a.weight': r.standard_normal((5, 12)).astype(np.float32), 'b.weight': r.standard_normal((3, 4, 2, 2)).astype(np.float16),
           'c.weight': r.standard_normal((6, 6)), 'c.bias': np.ones(6, np.float32), 'ids': np.arange(4, dtype=np.int64)}, sys.argv[1], metadata={'format': 'np'})
`;
    const res = spawnSync(py, ['-c', script, file], { encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    const vals = spawnSync(py, ['-c', `
import json, sys
from safetensors.numpy import load_file
d = load_file(sys.argv[1])
print(json.dumps({k: [float(x) for x in v.astype('float64').ravel()] for k, v in d.items() if v.ndim > 1}))`, file], { encoding: 'utf8' });
    const want = JSON.parse(vals.stdout) as Record<string, number[]>;
    const got = await all(file);
    expect([...got.keys()].sort()).toEqual(['a.weight', 'b.weight', 'c.weight']);
    expect(got.get('c.weight')!.data).toBeInstanceOf(Float64Array);
    expect(got.get('b.weight')).toMatchObject({ kind: 'conv2d', layout: 'oihw', shape: [3, 4, 2, 2], dtype: 'float16' });
    for (const [k, v] of Object.entries(want)) expect(Array.from(got.get(k)!.data)).toEqual(v);
    const l = await listTensors(file);
    expect(l.skipped.map((s) => s.name).sort()).toEqual(['c.bias', 'ids']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
