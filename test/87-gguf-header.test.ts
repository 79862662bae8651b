// GGUF header: metadata of every value type as gguf-py's writer stores it (test/fixtures/gguf/generate_gguf.py),
// and the time and memory a hostile header may cost (bounded by the file's size, whatever its counts say).
import { describe, expect, it } from 'vitest';
import { FileSource, MemorySource } from '../src/model/bytes.js';
import { readGgufHeader } from '../src/model/gguf/header.js';
import { cat, gguf, str, u32, u64 } from './helpers/gguf-bytes.js';

describe('GGUF header', () => {
  it("reads gguf-py's metadata of every value type, nested arrays and long strings included", () => {
    const src = FileSource.open('test/fixtures/gguf/model.gguf');
    const h = readGgufHeader(src);
    src.close();
    expect(h.version).toBe(3);
    expect(h.alignment).toBe(32);
    const m = Object.fromEntries(h.metadata);
    expect(m).toMatchObject({
      'general.architecture': 'llama',
      'general.name': 'weightscope-tiny',
      'llama.block_count': 2,
      'test.u8': 7, 'test.i8': -7, 'test.u16': 700, 'test.i16': -700, 'test.i32': -70000,
      'test.f32': 0.5, 'test.bool': true, 'test.u64': 2n ** 40n, 'test.i64': -(2n ** 40n), 'test.f64': 0.25,
      'test.nested': { array: 'array', count: 3 },
      'tokenizer.ggml.tokens': { array: 'string', count: 100 },
    });
    expect(m['test.long_string']).toEqual({ array: 'long string', count: 1 }); // 10 000 bytes: skipped, not kept
    expect(h.tensors).toHaveLength(21);
    expect(h.tensors[0]).toMatchObject({ name: 'token_embd.weight', ne: [64, 100], type: 1, byteLength: 64 * 100 * 2 });
    expect(h.dataStart % 32).toBe(0);
  });

  it('a 1 MB file claiming 2^50-byte strings or 10^15-item arrays is refused at once, without allocating them', () => {
    const pad = new Uint8Array(1 << 20);
    const hostile = [
      gguf({ kv: [{ key: 'a', type: 9, value: cat(u32(9), u64(10n ** 15n)) }], data: pad }),
      gguf({ kv: [{ key: 'a', type: 8, value: u64(2n ** 50n) }], data: pad }),
      gguf({ nKv: 80_000, kv: [{ key: 'a', type: 0, value: new Uint8Array([1]) }], data: pad }),
      cat(new TextEncoder().encode('GGUF'), u32(3), u64(0), u64(1), str('x'.repeat(70_000)), u32(0), new Uint8Array([1]), pad),
    ];
    for (const bytes of hostile) {
      const before = process.memoryUsage().arrayBuffers;
      expect(() => readGgufHeader(new MemorySource(bytes))).toThrow(/GGUF header: /);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 << 20);
    }
  });
});
