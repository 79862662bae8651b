// GGUF dequantization (native, off the main thread): every quantized type against gguf-py's own dequantizer
// (gguf.quants.dequantize; Q8_K by its closed form d·q), bit for bit over every element (sha256 of the float32
// bytes) and on sampled values; λ_max and α per layer against numpy's singular values of the same matrices.
// Fixture and references: test/fixtures/gguf/generate_gguf.py.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, analyzeMatrix, fitPowerLaw } from '../src/index.js';
import { readWeights, type WeightTensor } from '../src/model/index.js';
import { decodeGgml, readGgml } from '../src/linalg/internal.js';
import { run } from './helpers/child.js';

const DIR = 'test/fixtures/gguf/';
type Ref = { shape: number[]; sha256: string; samples: [number, number][]; svals: number[] };
const REF = JSON.parse(fs.readFileSync(DIR + 'reference.json', 'utf8')) as Record<string, Record<string, Ref>>;
const TYPES = ['q4_0', 'q4_1', 'q5_0', 'q5_1', 'q8_0', 'q2_k', 'q3_k', 'q4_k', 'q5_k', 'q6_k', 'q8_k'];

const sha = (a: Float32Array | Float64Array): string => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');

async function all(source: string | Uint8Array): Promise<Map<string, WeightTensor>> {
  const out = new Map<string, WeightTensor>();
  for await (const t of readWeights(source)) out.set(t.name, t);
  return out;
}

describe('GGUF dequantization', () => {
  it(`dequantizes ${TYPES.length} types bit for bit as gguf-py (every element), from the file and from memory`, async () => {
    const ref = REF['quants.gguf'];
    for (const source of [DIR + 'quants.gguf', new Uint8Array(fs.readFileSync(DIR + 'quants.gguf'))]) {
      const got = await all(source);
      expect([...got.keys()]).toEqual(TYPES.map((t) => `blk.0.${t}.weight`));
      for (const [name, t] of got) {
        expect(t.shape).toEqual(ref[name].shape);
        expect(t.source.storedDtype).toBe(name.split('.')[2].toUpperCase());
        expect(t.dtype).toBe('float32');
        expect(sha(t.data), name).toBe(ref[name].sha256);
        const bits = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
        for (const [i, b] of ref[name].samples) expect(bits[i], `${name}[${i}]`).toBe(b);
      }
    }
  });

  it('λ_max and α per layer agree with numpy on the same dequantized matrices', async () => {
    const refs = { ...REF['quants.gguf'], ...REF['model.gguf'] };
    const tensors = [...(await all(DIR + 'quants.gguf')), ...(await all(DIR + 'model.gguf'))];
    expect(tensors.length).toBe(11 + 15);
    for (const [name, t] of tensors) {
      const r = await analyzeMatrix({ data: t.data, shape: t.shape as [number, number] });
      const evals = refs[name].svals.map((s) => s * s);
      const lmax = Math.max(...evals);
      expect(Math.abs(r.lambdaMax - lmax) / lmax, name).toBeLessThan(1e-5);
      const fit = fitPowerLaw(evals);
      expect(Number.isFinite(fit.alpha), name).toBe(true);
      expect(r.status, name).toBe('success');
      expect(Math.abs(r.alpha - fit.alpha) / fit.alpha, `${name} alpha`).toBeLessThan(1e-4);
    }
  });

  it('analyze() reads a GGUF model whole: every analysed layer succeeds, the skipped ones say why', async () => {
    const report = await analyze(DIR + 'model.gguf');
    expect(report.format).toBe('gguf');
    const layers = report.layers.filter((l) => l.status !== 'skipped');
    expect(layers.map((l) => l.name)).toContain('blk.1.ffn_down.weight');
    for (const l of layers) expect(l.status, `${l.name}: ${l.reason ?? ''}`).toBe('success');
    const q = report.layers.find((l) => l.name === 'blk.0.attn_v.weight')!;
    const ref = REF['model.gguf']['blk.0.attn_v.weight'].svals;
    expect(Math.abs(q.lambdaMax - ref[0] ** 2) / ref[0] ** 2).toBeLessThan(1e-5);
  });

  it('readGgml / decodeGgml: run as promises, and refuse bad arguments with typed errors', async () => {
    const bytes = new Uint8Array(34 * 2);
    bytes[0] = 0x00; bytes[1] = 0x3c; // d = 1.0
    bytes[2] = 5; bytes[3] = 0xfb; // q = 5, -5
    const p = decodeGgml(bytes, { type: 8, count: 64 });
    expect(p).toBeInstanceOf(Promise);
    const r = await p;
    expect([...r.data.subarray(0, 3)]).toEqual([5, -5, 0]);
    expect(r.shape).toEqual([64]);
    const code = async (f: () => Promise<unknown>) => f().then(() => 'ok', (e: { code: string }) => e.code);
    expect(await code(() => decodeGgml(bytes, { type: 16, count: 256 }))).toBe('E_DTYPE');
    expect(await code(() => decodeGgml(bytes, { type: 8, count: 40 }))).toBe('E_SHAPE');
    expect(await code(() => decodeGgml(bytes, { type: 8, count: 32 }))).toBe('E_FORMAT');
    expect(await code(() => readGgml(DIR + 'quants.gguf', { offset: 2 ** 40, byteLength: 68, type: 8, count: 64 }))).toBe('E_FORMAT');
    expect(await code(() => readGgml(DIR + 'quants.gguf', { offset: 0, byteLength: 67, type: 8, count: 64 }))).toBe('E_FORMAT');
    expect(await code(() => readGgml(DIR, { offset: 0, byteLength: 68, type: 8, count: 64 }))).toBe('E_FORMAT');
    const empty = await decodeGgml(new Uint8Array(0), { type: 12, count: 0 });
    expect(empty.data.length).toBe(0);
  });

  it('a tensor larger than one read chunk (1 MiB) is dequantized chunk by chunk into the same values', async () => {
    // 3.3 MiB of Q4_K: whole chunks and a partial last one; decodeGgml (one pass) is the reference
    const blocks = 24_000;
    const raw = new Uint8Array(blocks * 144);
    let s = 12345;
    for (let i = 0; i < raw.length; i++) raw[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
    for (let b = 0; b < blocks; b++) raw.set([0x66, 0x2e, 0x66, 0x1e], b * 144); // finite d, dmin
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-ggml-'));
    const file = path.join(dir, 'q4k.bin');
    fs.writeFileSync(file, Buffer.concat([Buffer.alloc(7), raw]));
    const a = await readGgml(file, { offset: 7, byteLength: raw.length, type: 12, count: blocks * 256 });
    const b = await decodeGgml(raw, { type: 12, count: blocks * 256 });
    expect(sha(a.data)).toBe(sha(b.data));
    expect(a.readSeconds).toBeGreaterThanOrEqual(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // Files the tests have not seen: gguf-py writes and dequantizes a fresh random file when a Python with gguf is
  // available (set GGUF_PYTHON, or /tmp/venv-gguf: python3 -m venv /tmp/venv-gguf && /tmp/venv-gguf/bin/pip install gguf numpy).
  const py = [process.env.GGUF_PYTHON, '/tmp/stvenv/bin/python', '/tmp/venv-gguf/bin/python'].find(
    (p) => p && fs.existsSync(p) && spawnSync(p, ['-c', 'import gguf, numpy'], { encoding: 'utf8' }).status === 0,
  );
  it.skipIf(!py)(`reads a fresh file written and dequantized by gguf-py${py ? '' : ' (skipped: no Python with gguf; see GGUF_PYTHON)'}`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-gguf-py-'));
    const file = path.join(dir, 'fresh.gguf');
    const script = `
import hashlib, json, sys, numpy as np, gguf
from gguf import GGMLQuantizationType as Q
r = np.random.default_rng(int(sys.argv[2]))
w = gguf.GGUFWriter(sys.argv[1], 'qwen2')
out = {}
for i, q in enumerate([Q.Q4_0, Q.Q4_1, Q.Q5_0, Q.Q5_1, Q.Q8_0, Q.Q2_K, Q.Q3_K, Q.Q4_K, Q.Q5_K, Q.Q6_K, Q.BF16]):
    rows, cols = int(r.integers(1, 9)), 256 * int(r.integers(1, 3))
    if q == Q.BF16 or q in (Q.Q4_0, Q.Q4_1, Q.Q5_0, Q.Q5_1, Q.Q8_0):
        data = gguf.quants.quantize(r.standard_normal((rows, cols)).astype(np.float32), q)
    else:
        be, bb = gguf.GGML_QUANT_SIZES[q]
        data = r.integers(0, 256, size=(rows, cols // be * bb), dtype=np.uint8)
        b = data.reshape(-1, bb)
        for at in {Q.Q2_K: [80, 82], Q.Q3_K: [108], Q.Q4_K: [0, 2], Q.Q5_K: [0, 2], Q.Q6_K: [208]}[q]:
            b[:, at:at + 2] = r.uniform(-0.1, 0.1, size=(b.shape[0], 1)).astype(np.float16).view(np.uint8)
    name = f'blk.{i}.attn_q.weight'
    w.add_tensor(name, data, raw_dtype=q)
    out[name] = hashlib.sha256(gguf.quants.dequantize(data, q).astype('<f4').tobytes()).hexdigest()
w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
print(json.dumps(out))
`;
    const r = await run(py!, ['-c', script, file, String(Date.now() % 100000)], { timeoutMs: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const want = JSON.parse(r.stdout) as Record<string, string>;
    const got = await all(file);
    for (const [name, h] of Object.entries(want)) {
      const t = got.get(name);
      if (t === undefined) continue; // 1-row matrices are skipped (minEvals), and say so
      expect(sha(t.data), name).toBe(h);
    }
    expect(got.size).toBeGreaterThan(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
