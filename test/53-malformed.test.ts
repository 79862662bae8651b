// Every malformed model must give a WeightscopeError with code E_FORMAT naming the file (and tensor), never a
// crash and never an allocation sized from an untrusted header before it is checked against the file size.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { WeightscopeError } from '../src/index.js';
import { listTensors, openModel } from '../src/model/index.js';
import { f32bytes, fString, fVarint, graph, model, msg, node, tensor } from './helpers/onnx-writer.js';

const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-bad-'));
afterAll(() => fs.rmSync(DIR, { recursive: true, force: true }));
let n = 0;
function write(name: string, bytes: Uint8Array | string): string {
  const file = path.join(DIR, `${n++}-${name}`);
  fs.writeFileSync(file, bytes);
  return file;
}

async function expectFormat(src: string | Uint8Array, pattern: RegExp): Promise<void> {
  const err = await listTensors(src).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `no error for ${pattern}`).toBeInstanceOf(WeightscopeError);
  expect((err as WeightscopeError).code).toBe('E_FORMAT');
  expect((err as WeightscopeError).message).toMatch(pattern);
  if (typeof src === 'string') expect((err as WeightscopeError).message).toContain(path.basename(src));
}

function safetensors(header: unknown, data = new Uint8Array(0), lenOverride?: bigint): Uint8Array {
  const h = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lenOverride ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}
const W = (dtype: string, shape: number[], offs: number[]) => ({ dtype, shape, data_offsets: offs });

describe('malformed safetensors', () => {
  const data = new Uint8Array(64);
  const cases: [string, Uint8Array, RegExp][] = [
    ['shorter than the length prefix', new Uint8Array(5), /shorter than the 8-byte header length/],
    ['header length past the end', safetensors({ a: W('F32', [2, 2], [0, 16]) }, data, 10_000n), /header length 10000 runs past the end/],
    ['huge header length (2^63) refused before allocating', safetensors({}, data, 2n ** 63n), /runs past the end of the file/],
    ['invalid JSON', safetensors('{"a": [1,', data), /not valid JSON/],
    ['header is an array', safetensors('[1, 2, 3]', data), /not a JSON object/],
    ['unknown dtype', safetensors({ w: W('F12', [2, 2], [0, 16]) }, data), /tensor 'w': unknown dtype "F12"/],
    ['negative shape', safetensors({ w: W('F32', [-2, 2], [0, 16]) }, data), /tensor 'w': shape \[-2,2\] is not a list/],
    ['fractional shape', safetensors({ w: W('F32', [1.5, 2], [0, 12]) }, data), /tensor 'w': shape/],
    ['offsets out of range', safetensors({ w: W('F32', [4, 4], [0, 64]), v: W('F32', [2, 2], [60, 76]) }, data), /tensor 'v': data_offsets \[60, 76\] outside the data section/],
    ['begin > end', safetensors({ w: W('F32', [0], [16, 8]) }, data), /tensor 'w': data_offsets/],
    ['overlapping tensors', safetensors({ w: W('F32', [2, 2], [0, 16]), v: W('F32', [2, 2], [8, 24]) }, data), /'w' and 'v' overlap/],
    ['shape × dtype ≠ byte length', safetensors({ w: W('F16', [2, 3], [0, 16]) }, data), /tensor 'w': shape \[2, 3\] × F16 needs 12 bytes but data_offsets span 16/],
    ['offsets not integers', safetensors({ w: W('F32', [2, 2], ['0', 16] as never) }, data), /tensor 'w': data_offsets/],
    ['empty model', safetensors({ __metadata__: { format: 'pt' } }), /no tensors/],
  ];
  for (const [what, bytes, pattern] of cases) {
    it(what, async () => {
      await expectFormat(write('m.safetensors', bytes), pattern);
      await expectFormat(bytes, pattern); // same checks in memory
    });
  }

  it('a truncated file (data section cut short) fails at planning, naming the tensor', async () => {
    const good = safetensors({ a: W('F32', [4, 4], [0, 64]) }, data);
    await expectFormat(write('cut.safetensors', good.subarray(0, good.length - 10)), /tensor 'a'.*outside the data section/);
  });

  it('a file truncated after planning fails on read with E_FORMAT, not a crash', async () => {
    const file = write('shrink.safetensors', safetensors({ a: W('F32', [4, 4], [0, 64]) }, data));
    const r = await openModel(file);
    fs.truncateSync(file, 40);
    await expect(r.read('a')).rejects.toMatchObject({ code: 'E_FORMAT', message: expect.stringMatching(/tensor 'a'/) });
  });

  it('index.json: invalid JSON, missing weight_map, escaping shard path, tensor missing from its shard', async () => {
    await expectFormat(write('model.safetensors.index.json', '{nope'), /is not valid JSON/);
    await expectFormat(write('model.safetensors.index.json', '{"metadata":{}}'), /no weight_map/);
    await expectFormat(write('model.safetensors.index.json', '{"weight_map":{"a":"../../etc/passwd"}}'), /escapes the model folder/);
    await expectFormat(write('model.safetensors.index.json', '{"weight_map":{"a":"/etc/passwd"}}'), /absolute path/);
    const shard = write('s1.safetensors', safetensors({ a: W('F32', [4, 4], [0, 64]) }, data));
    await expectFormat(write('model.safetensors.index.json', JSON.stringify({ weight_map: { b: path.basename(shard) } })), /tensor 'b' listed in .* is missing/);
  });
});

describe('malformed tfjs', () => {
  const manifest = (weights: unknown[], paths = ['w.bin']) => JSON.stringify([{ paths, weights }]);
  it('invalid JSON, wrong structure, unknown dtypes and bad quantization', async () => {
    fs.writeFileSync(path.join(DIR, 'w.bin'), new Uint8Array(16));
    await expectFormat(write('a-weights_manifest.json', '[{'), /is not valid JSON/);
    await expectFormat(write('b-weights_manifest.json', '{"format": 1}'), /neither a model.json/);
    await expectFormat(write('c-weights_manifest.json', '[{"paths": "w.bin"}]'), /needs 'paths' and 'weights'/);
    await expectFormat(write('d-weights_manifest.json', manifest([{ name: 'k', shape: [2, 2], dtype: 'float128' }])), /tensor 'k': unknown dtype "float128"/);
    await expectFormat(write('e-weights_manifest.json', manifest([{ name: 'k', shape: [4, 4], dtype: 'float32', quantization: { dtype: 'int4', scale: 1, min: 0 } }])), /tensor 'k': unknown quantization dtype/);
    await expectFormat(write('f-weights_manifest.json', manifest([{ name: 'k', shape: [4, 4], dtype: 'float32', quantization: { dtype: 'uint8', scale: 'x', min: 0 } }])), /tensor 'k': quantization scale\/min/);
    await expectFormat(write('g-weights_manifest.json', manifest([{ name: 'k', shape: [2, -2], dtype: 'float32' }])), /tensor 'k': shape/);
    await expectFormat(write('h-weights_manifest.json', manifest([], [])), /no tensors/);
  });
  it('byte counts are validated against the shard files (truncated, extra bytes, missing shard, escaping path)', async () => {
    fs.writeFileSync(path.join(DIR, 'w.bin'), new Uint8Array(16));
    await expectFormat(write('t-weights_manifest.json', manifest([{ name: 'k', shape: [3, 3], dtype: 'float32' }])), /tensor 'k': needs bytes \[0, 36\).* 16 bytes \(truncated\?\)/);
    await expectFormat(write('x-weights_manifest.json', manifest([{ name: 'k', shape: [2, 2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 1, min: 0 } }])), /describes 4 bytes but its shard files hold 16 bytes/);
    await expectFormat(write('m-weights_manifest.json', manifest([{ name: 'k', shape: [2, 2], dtype: 'float32' }], ['nope.bin'])), /shard 'nope.bin' cannot be read/);
    await expectFormat(write('p-weights_manifest.json', manifest([{ name: 'k', shape: [2, 2], dtype: 'float32' }], ['../w.bin'])), /escapes the model folder/);
  });
});

describe('malformed ONNX', () => {
  const goodTensor = tensor({ name: 'w', dims: [2, 3], raw: f32bytes([1, 2, 3, 4, 5, 6]) });
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty file', new Uint8Array(0), /empty file/],
    ['protobuf garbage', Uint8Array.from([0xff, 0xff, 0xff, 0x0f, 0x12, 0x99, 0x01]), /protobuf|wire type|varint/],
    ['wire type 3 (group)', Uint8Array.from([0x0b, 0x00]), /unsupported wire type 3/],
    ['length past the end', msg(fVarint(1, 8), Uint8Array.from([0x3a, 0xe8, 0x07, 0x00])), /length 1000 runs past the end/],
    ['no graph', msg(fVarint(1, 8), fString(2, 'x')), /no graph/],
    ['empty model (no weights)', model(graph([node('Relu', ['x'], ['y'])], [])), /no initializers or Constant tensors/],
    ['raw_data length ≠ dims × dtype', model(graph([], [tensor({ name: 'w', dims: [2, 3], raw: f32bytes([1, 2, 3]) })])), /tensor 'w': raw_data has 12 bytes but dims \[2, 3\] × FLOAT needs 24/],
    ['unknown data_type', model(graph([], [tensor({ name: 'w', dims: [2, 2], dataType: 99, raw: new Uint8Array(16) })])), /tensor 'w': unknown data_type 99/],
    ['negative dims', model(graph([], [tensor({ name: 'w', dims: [-1, 4], raw: new Uint8Array(16) })])), /tensor 'w': dims \[-1, 4\] has a negative entry/],
    ['typed field count ≠ dims', model(graph([], [tensor({ name: 'w', dims: [2, 3], floatData: [1, 2] })])), /tensor 'w'.*2 stored values but the shape needs 6/],
    ['no data at all', model(graph([], [tensor({ name: 'w', dims: [2, 3] })])), /tensor 'w': no data/],
    ['truncated file', model(graph([], [goodTensor])).subarray(0, 40), /truncated|past the end/],
    ['wrong wire type for graph', msg(fVarint(7, 3)), /ModelProto.graph has wire type 0/],
  ];
  for (const [what, bytes, pattern] of cases) {
    it(what, async () => {
      const file = write('m.onnx', bytes);
      const plan = listTensors(file);
      if (what === 'typed field count ≠ dims') {
        // typed fields are decoded on read: planning succeeds, the read fails
        const r = await openModel(file);
        await expect(r.read('w')).rejects.toMatchObject({ code: 'E_FORMAT', message: expect.stringMatching(pattern) });
        await plan;
        return;
      }
      await plan.catch(() => undefined);
      await expectFormat(file, pattern);
    });
  }

  it('deeply nested subgraphs are refused, not a stack overflow', async () => {
    let g = graph([], [goodTensor]);
    for (let i = 0; i < 40; i++) g = graph([node('If', ['c'], ['o'], `if${i}`, [{ name: 'then_branch', g }])], []);
    await expectFormat(write('deep.onnx', model(g)), /nested deeper than 32/);
  });

  it('external data: escaping or absolute paths refused; data past the end, length mismatch, missing file', async () => {
    fs.writeFileSync(path.join(DIR, 'ext.bin'), new Uint8Array(24));
    const ext = (external: Record<string, string>) => model(graph([], [tensor({ name: 'w', dims: [2, 3], external })]));
    await expectFormat(write('e1.onnx', ext({ location: '../../etc/passwd' })), /tensor 'w' external location: path '..\/..\/etc\/passwd' escapes/);
    await expectFormat(write('e2.onnx', ext({ location: '/etc/passwd' })), /absolute path/);
    await expectFormat(write('e3.onnx', ext({ location: 'ext.bin', offset: '8' })), /tensor 'w': external data \[8, 32\) past the end of .*ext\.bin/);
    await expectFormat(write('e4.onnx', ext({ location: 'ext.bin', length: '20' })), /tensor 'w': external length 20/);
    await expectFormat(write('e5.onnx', ext({ location: 'missing.bin' })), /cannot open/);
    await expectFormat(write('e6.onnx', ext({ location: 'ext.bin', offset: '-4' })), /invalid external offset/);
  });

  it('random bytes and random mutations of a valid model never crash: E_FORMAT or a valid plan', async () => {
    const valid = model(graph([node('MatMul', ['x', 'w'], ['y'], 'mm')], [goodTensor]));
    const check = async (bytes: Uint8Array): Promise<void> => {
      try {
        const r = await openModel(bytes);
        for await (const t of r) expect(t.data.length).toBeGreaterThan(0);
      } catch (e) {
        expect(e).toBeInstanceOf(WeightscopeError);
        expect((e as WeightscopeError).code).toBe('E_FORMAT');
      }
    };
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 200 }), check), { numRuns: 300, seed: 1 });
    await fc.assert(
      fc.asyncProperty(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }), async (i, b) => {
        const m = valid.slice();
        m[i] = b;
        await check(m);
      }),
      { numRuns: 300, seed: 2 },
    );
    // safetensors-looking bytes too (first 8 bytes a small length, then '{')
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 120 }), async (s) => {
        const bytes = safetensors('{' + s, new Uint8Array(32));
        await check(bytes);
      }),
      { numRuns: 200, seed: 3 },
    );
  });
});
