// Model sizes real checkpoints reach: a MoE header with 2e5 tensors (Kimi-K2 has 207 361), a tfjs manifest with
// 1e5 shard paths and 1e4 weights. Memory and the call stack must not grow with products of these counts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, openModel } from '../src/index.js';

const TMP = fs.mkdtempSync(join(os.tmpdir(), 'ws-scale-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

/** A safetensors file as the format defines it: u64 LE header length, JSON header padded to 8, F32 data. */
function safetensors(tensors: [string, number[]][]): Buffer {
  const header: Record<string, unknown> = {};
  let off = 0;
  for (const [name, shape] of tensors) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 4;
    header[name] = { dtype: 'F32', shape, data_offsets: [off, off + bytes] };
    off += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  const data = Buffer.alloc(off);
  for (let i = 0; i < off / 4; i++) data.writeFloatLE(Math.sin(i * 0.7), i * 4);
  return Buffer.concat([len, Buffer.from(json), data]);
}

describe('tensor counts up to the header limits', () => {
  it('210 000 tensors (a MoE layout: 1-D norms and gates skipped, a few matrices analysed)', async () => {
    const tensors: [string, number[]][] = [];
    for (let l = 0; l < 70; l++) for (let e = 0; e < 1000; e++) for (const w of ['w1', 'w2', 'w3']) tensors.push([`model.layers.${l}.mlp.experts.${e}.${w}.norm`, [1]]);
    for (let l = 0; l < 4; l++) tensors.push([`model.layers.${l}.self_attn.q_proj.weight`, [24, 16]]);
    const file = join(TMP, 'moe.safetensors');
    fs.writeFileSync(file, safetensors(tensors));
    const r = await analyze(file);
    expect(r.layers.map((l) => l.name)).toEqual([0, 1, 2, 3].map((l) => `model.layers.${l}.self_attn.q_proj.weight`));
    expect(r.skipped).toHaveLength(210_000);
  }, 120_000);
});

describe('a tfjs manifest with 1e5 shard paths and 1e4 weights', () => {
  it('plans in bounded memory, each weight naming its first shard and how many it spans', async () => {
    const d = join(TMP, 'tfjs');
    fs.mkdirSync(d);
    fs.writeFileSync(join(d, 'w.bin'), Buffer.from(new Float32Array([0.5]).buffer)); // 4 bytes, listed 1e5 times
    const paths = Array.from({ length: 100_000 }, () => 'w.bin');
    const weights = Array.from({ length: 10_000 }, (_, i) => ({ name: `dense_${i}/kernel`, shape: [2, 5], dtype: 'float32' }));
    fs.writeFileSync(join(d, 'model.json'), JSON.stringify({ format: 'layers-model', weightsManifest: [{ paths, weights }] }));
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    const m = await openModel(join(d, 'model.json'));
    const grown = process.memoryUsage().heapUsed - before;
    expect(m.tensors).toHaveLength(10_000);
    expect(m.files).toHaveLength(100_001);
    // each weight's 40 bytes span 10 consecutive 4-byte listings of w.bin
    expect(m.tensors[123].source).toMatchObject({ file: join(d, 'w.bin'), offset: 0, byteLength: 40, spansFiles: 10 });
    expect(grown).toBeLessThan(400 * 1024 * 1024); // the old source.file joined 1e5 paths per weight: > 4 GB
    const t = await m.read('dense_9999/kernel');
    expect(Array.from(t.data)).toEqual(Array(10).fill(0.5));
  }, 120_000);
});
