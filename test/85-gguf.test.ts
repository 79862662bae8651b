// GGUF reader: container, llama.cpp names, plain float tensors, malformed headers. Fixtures: gguf-py's own writer
// (test/fixtures/gguf/generate_gguf.py), reference values from gguf-py's dequantizer (reference.json).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listTensors, readWeights, type WeightTensor } from '../src/model/index.js';
import { parseGgufName } from '../src/model/gguf/names.js';
import { cat, gguf, str, u32, u64, validF32 } from './helpers/gguf-bytes.js';

const DIR = 'test/fixtures/gguf/';
const REF = JSON.parse(fs.readFileSync(DIR + 'reference.json', 'utf8')) as Record<string, Record<string, { shape: number[]; sha256: string; samples: [number, number][] }>>;

const sha = (a: Float32Array | Float64Array): string => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');

async function all(source: string | Uint8Array): Promise<Map<string, WeightTensor>> {
  const out = new Map<string, WeightTensor>();
  for await (const t of readWeights(source)) out.set(t.name, t);
  return out;
}

async function refusal(bytes: Uint8Array): Promise<{ code: string; message: string }> {
  try {
    await all(bytes);
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
  throw new Error('the bytes were read as a model');
}

describe('GGUF reader (gguf-py written fixtures)', () => {
  it('lists model.gguf in model order: kinds, shapes (ne reversed), dtypes, experts split, a reason for every skipped tensor', async () => {
    const l = await listTensors(DIR + 'model.gguf');
    expect(l.format).toBe('gguf');
    expect(l.notes).toEqual(['GGUF v3, architecture llama']);
    const block = (b: number) => [`blk.${b}.attn_q.weight`, `blk.${b}.attn_k.weight`, `blk.${b}.attn_v.weight`, `blk.${b}.attn_output.weight`, `blk.${b}.ffn_gate.weight`];
    expect(l.tensors.map((t) => t.name)).toEqual([
      'token_embd.weight', ...block(0), 'blk.0.ffn_up_exps.weight#expert0', 'blk.0.ffn_up_exps.weight#expert1',
      ...block(1), 'blk.1.ffn_down.weight', 'output.weight',
    ]);
    expect(l.tensors.map((t) => t.layerId)).toEqual(l.tensors.map((_, i) => i));
    const by = new Map(l.tensors.map((t) => [t.name, t]));
    expect(by.get('token_embd.weight')).toMatchObject({ kind: 'embedding', shape: [100, 64], dtype: 'float16', source: { storedDtype: 'F16', byteLength: 100 * 64 * 2 } });
    expect(by.get('blk.0.attn_q.weight')).toMatchObject({ kind: 'dense', shape: [64, 64], dtype: 'float32' });
    expect(by.get('blk.0.attn_k.weight')).toMatchObject({ dtype: 'bfloat16', source: { byteLength: 64 * 64 * 2 } });
    expect(by.get('blk.0.attn_v.weight')).toMatchObject({ dtype: 'float32', source: { storedDtype: 'Q8_0', byteLength: 64 * 2 * 34, transform: 'dequantized from Q8_0' } });
    expect(by.get('blk.0.ffn_gate.weight')).toMatchObject({ shape: [64, 256], source: { byteLength: 64 * 144 } });
    expect(by.get('blk.1.ffn_down.weight')).toMatchObject({ shape: [64, 256], dtype: 'float32', source: { storedDtype: 'Q6_K', byteLength: 64 * 210 } });
    expect(by.get('output.weight')).toMatchObject({ kind: 'dense', shape: [100, 64] });
    const e0 = by.get('blk.0.ffn_up_exps.weight#expert0')!;
    const e1 = by.get('blk.0.ffn_up_exps.weight#expert1')!;
    expect(e0).toMatchObject({ kind: 'dense', shape: [64, 64], source: { storedName: 'blk.0.ffn_up_exps.weight', storedShape: [2, 64, 64], transform: 'expert 0 of 2, dequantized from Q8_0' } });
    expect(e1.source.offset! - e0.source.offset!).toBe(64 * 2 * 34);
    expect(new Set(l.tensors.map((t) => t.key)).size).toBe(l.tensors.length);
    expect(l.skipped).toEqual(
      expect.arrayContaining([
        { name: 'blk.1.ffn_up.weight', reason: 'quantized (IQ2_XXS): no dequantizer' },
        { name: 'blk.1.layer_ids', reason: 'integer/bool dtype I32: not a float weight' },
        { name: 'output_norm.weight', reason: expect.stringContaining('1-D tensor') },
      ]),
    );
    expect(l.skipped).toHaveLength(7);
  });

  it("reads every tensor of model.gguf bit for bit as gguf-py's dequantizer (from the file and from memory)", async () => {
    const ref = REF['model.gguf'];
    for (const source of [DIR + 'model.gguf', new Uint8Array(fs.readFileSync(DIR + 'model.gguf'))]) {
      const got = await all(source);
      expect([...got.keys()].sort()).toEqual(Object.keys(ref).sort());
      for (const [name, t] of got) {
        expect(t.data).toBeInstanceOf(Float32Array);
        expect(t.data.length).toBe(ref[name].shape[0] * ref[name].shape[1]);
        expect(sha(t.data), name).toBe(ref[name].sha256);
        const bits = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
        for (const [i, b] of ref[name].samples) expect(bits[i], `${name}[${i}]`).toBe(b);
      }
    }
  });

  it('reads the one-tensor file of the detection fixtures (gguf-py, F32 4×4)', async () => {
    const got = await all('test/fixtures/formats/model.gguf');
    expect([...got.values()].map((t) => [t.name, t.shape])).toEqual([['w', [4, 4]]]);
  });

  it('a folder holding one GGUF file reads it; two are named', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-gguf-dir-'));
    fs.copyFileSync(DIR + 'quants.gguf', path.join(dir, 'model-Q4_K_M.gguf'));
    const l = await listTensors(dir);
    expect(l.format).toBe('gguf');
    expect(l.notes[0]).toMatch(/analysed model-Q4_K_M\.gguf \(a GGUF file \(llama\.cpp\)\)/);
    fs.copyFileSync(DIR + 'model.gguf', path.join(dir, 'other.gguf'));
    await expect(listTensors(dir)).rejects.toThrow(/several GGUF files: model-Q4_K_M\.gguf, other\.gguf/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('maps llama.cpp names to block, role and order', async () => {
    expect(parseGgufName('blk.12.attn_q.weight')).toEqual({ prefix: '', block: 12, role: 'attn_q' });
    expect(parseGgufName('v.blk.3.ffn_down.bias')).toEqual({ prefix: 'v', block: 3, role: 'ffn_down' });
    expect(parseGgufName('token_embd.weight')).toEqual({ prefix: '', role: 'token_embd' });
    // file order is ignored: blocks by index (2 before 10), roles in forward order, head last
    const names = ['output.weight', 'blk.10.ffn_down.weight', 'blk.2.ffn_up.weight', 'blk.2.attn_k.weight', 'blk.2.attn_q.weight', 'token_embd.weight'];
    const data = new Uint8Array(names.length * 32 * 4);
    const bytes = gguf({ tensors: names.map((name, i) => ({ name, ne: [8, 4], type: 0, offset: i * 128 })), data });
    const l = await listTensors(bytes);
    expect(l.tensors.map((t) => t.name)).toEqual(['token_embd.weight', 'blk.2.attn_q.weight', 'blk.2.attn_k.weight', 'blk.2.ffn_up.weight', 'blk.10.ffn_down.weight', 'output.weight']);
  });

  it('honours general.alignment and reads F32 values where the offsets say', async () => {
    const data = new Float32Array(64).map((_, i) => i);
    const kv = [{ key: 'general.alignment', type: 4, value: u32(64) }];
    const bytes = gguf({ kv, alignment: 64, tensors: [{ name: 'a.weight', ne: [4, 4], type: 0, offset: 0 }, { name: 'b.weight', ne: [4, 4], type: 0, offset: 128 }], data: new Uint8Array(data.buffer) });
    const got = await all(bytes);
    expect([...got.get('a.weight')!.data]).toEqual([...data.subarray(0, 16)]);
    expect([...got.get('b.weight')!.data]).toEqual([...data.subarray(32, 48)]);
  });
});

describe('GGUF: malformed and hostile headers are refused (E_FORMAT, bounded time and memory)', () => {
  const t0 = { name: 'blk.0.attn_q.weight', ne: [8, 4], type: 0, offset: 0 };
  const data = new Uint8Array(128);
  const cases: [string, Uint8Array, RegExp][] = [
    ['version 1', gguf({ version: 1, tensors: [t0], data }), /GGUF version 1 .* is not read/],
    ['big-endian', gguf({ version: 0x03000000, tensors: [t0], data }), /big-endian/],
    ['version 4', gguf({ version: 4, tensors: [t0], data }), /unknown GGUF version 4/],
    ['a huge tensor count', gguf({ nTensors: 2n ** 40n, tensors: [t0], data }), /tensor count 1099511627776 cannot fit/],
    ['a tensor count past 2^53', gguf({ nTensors: 2n ** 63n, tensors: [t0], data }), /tensor count 9223372036854775808 is too large/],
    ['a huge metadata count', gguf({ nKv: 2n ** 32n, tensors: [t0], data }), /metadata count 4294967296 cannot fit/],
    ['a key longer than the file', gguf({ kv: [{ key: 'k', type: 4, value: u32(1) }], tensors: [t0], data }).map((b, i) => (i === 24 ? 0xff : b)), /runs past the end|more than/],
    ['a string value longer than the file', gguf({ kv: [{ key: 'k', type: 8, value: u64(2n ** 50n) }], tensors: [t0], data }), /string at byte \d+ \(\d+ bytes\) runs past the end/],
    ['an array longer than the file', gguf({ kv: [{ key: 'k', type: 9, value: cat(u32(4), u64(2n ** 40n)) }], tensors: [t0], data }), /array of 1099511627776 uint32 items cannot fit/],
    ['an array of strings longer than the file', gguf({ kv: [{ key: 'k', type: 9, value: cat(u32(8), u64(2n ** 30n)) }], tensors: [t0], data }), /array of 1073741824 string items cannot fit/],
    ['arrays nested too deep', gguf({ kv: [{ key: 'k', type: 9, value: cat(...Array.from({ length: 12 }, () => cat(u32(9), u64(1)))) }], tensors: [t0], data }), /nested more than 8 deep/],
    ['an unknown value type', gguf({ kv: [{ key: 'k', type: 13, value: u32(0) }], tensors: [t0], data }), /unknown value type 13/],
    ['a repeated key', gguf({ kv: [{ key: 'k', type: 4, value: u32(1) }, { key: 'k', type: 4, value: u32(2) }], tensors: [t0], data }), /'k' appears twice/],
    ['alignment not a power of two', gguf({ kv: [{ key: 'general.alignment', type: 4, value: u32(48) }], tensors: [t0], data }), /general\.alignment 48 is not a power of two/],
    ['alignment 0', gguf({ kv: [{ key: 'general.alignment', type: 4, value: u32(0) }], tensors: [t0], data }), /general\.alignment 0/],
    ['alignment of the wrong type', gguf({ kv: [{ key: 'general.alignment', type: 8, value: str('32') }], tensors: [t0], data }), /general\.alignment "32"/],
    ['5 dimensions', gguf({ tensors: [{ ...t0, ne: [1, 1, 1, 1, 8] }], data }), /has 5 dimensions \(at most 4\)/],
    ['a misaligned offset', gguf({ tensors: [{ ...t0, offset: 4 }], data }), /offset 4 is not a multiple of the alignment 32/],
    ['data past the end', gguf({ tensors: [{ ...t0, ne: [8, 8] }], data: new Uint8Array(100) }), /run past its end \(100 bytes; truncated\?\)/],
    ['overlapping tensors', gguf({ tensors: [t0, { ...t0, name: 'b.weight', offset: 96 }], data: new Uint8Array(256) }), /overlap/],
    ['a repeated tensor name', gguf({ tensors: [t0, { ...t0, offset: 128 }], data: new Uint8Array(256) }), /appears twice/],
    ['ne[0] not whole blocks', gguf({ tensors: [{ ...t0, ne: [48, 4], type: 2 }], data }), /ne\[0\] = 48 is not a multiple of the Q4_0 block size 32/],
    ['too many elements', gguf({ tensors: [{ ...t0, ne: [2n ** 40n, 2n ** 40n] }], data }), /has too many elements/],
    ['a dimension past 2^53', gguf({ tensors: [{ ...t0, ne: [2n ** 60n, 1] }], data }), /ne\[0\] 1152921504606846976 is too large/],
    ['no tensors', gguf({}), /no tensors in the model/],
    ['a short file', new TextEncoder().encode('GGUF\x03\0\0\0'), /fewer than the 24-byte GGUF header/],
  ];
  for (const [what, bytes, msg] of cases) {
    it(what, async () => {
      const r = await refusal(bytes);
      expect(r.code).toBe('E_FORMAT');
      expect(r.message).toMatch(msg);
    });
  }

  it('every truncation of a valid file is refused with E_FORMAT (or reads the tensors whose bytes remain: none)', async () => {
    const full = fs.readFileSync(DIR + 'model.gguf');
    for (let n = 0; n < full.length; n += 997) {
      const r = await refusal(new Uint8Array(full.subarray(0, n)));
      expect(r.code, `truncated at ${n}`).toBe('E_FORMAT');
    }
  });

  it('a file truncated after planning fails its read with E_FORMAT naming the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-gguf-'));
    const file = path.join(dir, 'cut.gguf');
    fs.copyFileSync(DIR + 'quants.gguf', file);
    const l = await listTensors(file);
    expect(l.tensors.length).toBe(11);
    const it = readWeights(file)[Symbol.asyncIterator]();
    fs.truncateSync(file, l.tensors[5].source.offset! + 10);
    let err: { code?: string; message?: string } = {};
    try {
      for (;;) if ((await it.next()).done) break;
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.code).toBe('E_FORMAT');
    expect(err.message).toContain('cut.gguf');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the builder makes valid files (the malformed cases differ from a valid one in one field)', async () => {
    const got = await all(validF32());
    expect([...got.get('blk.0.attn_q.weight')!.data].slice(0, 3)).toEqual([0, 0.5, 1]);
  });
});
