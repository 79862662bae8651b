// The native dequantization kernels (native/core/quant_*.cc via linalg/dequantize.ts) on their own: every FP8
// byte decodes as torch decodes it (test/fixtures/quant/fp8/f8_table.json), int4 nibbles and zero points by
// closed forms, and malformed inputs — wrong byte lengths, overflowing shapes, a scale grid that does not cover
// the weight, unknown kernels or element types — are typed errors, never a crash or a wrong number.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dequantize } from '../src/linalg/dequantize.js';
import { encodeKernel } from '../src/model/quant/load.js';
import type { Kernel } from '../src/model/quant/kernel.js';
import { fixturesDir } from './helpers/reference.js';

const TABLE = JSON.parse(fs.readFileSync(join(fixturesDir, 'quant', 'fp8', 'f8_table.json'), 'utf8')) as Record<string, (number | string | null)[]>;
const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const f32 = (...v: number[]) => bytes(new Float32Array(v));
const run = (k: Kernel, inputs: Uint8Array[]) => {
  const [op, p] = encodeKernel(k);
  return dequantize(op, p, inputs);
};
const grid = (o: Partial<Extract<Kernel, { op: 'grid' }>>): Kernel => ({
  op: 'grid', rows: 1, cols: 256, q: 'f8e4m3', scale: 'f32', scaleRows: 1, scaleCols: 1, blockRows: 1, blockCols: 256, mul: 1, transpose: false, ...o,
});

describe('FP8 decoding', () => {
  it.each([['f8e4m3', 'e4m3fn'], ['f8e5m2', 'e5m2']] as const)('%s: all 256 bytes equal torch', async (q, key) => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const r = await run(grid({ q }), [all, f32(1)]);
    expect(r.shape).toEqual([1, 256]);
    TABLE[key].forEach((want, i) => {
      if (want === null) expect(Number.isNaN(r.data[i]), `byte ${i}`).toBe(true);
      else expect(r.data[i], `byte ${i}`).toBe(typeof want === 'string' ? (want === 'inf' ? Infinity : -Infinity) : want);
    });
  });
});

describe('integer grids', () => {
  it('int4/uint4 low nibble first, per-row scale and zero point, transposed output', async () => {
    // stored (2 × 4) uint4: row 0 = 1 2 3 4, row 1 = 15 0 7 8; zero points 8 and 0; scales 0.5 and 2
    const q = Uint8Array.from([0x21, 0x43, 0x0f, 0x87]);
    const zp = Uint8Array.from([0x08]); // two u4 zero points: 8, 0
    const r = await run({ op: 'grid', rows: 2, cols: 4, q: 'u4', scale: 'f32', zp: 'u4', scaleRows: 2, scaleCols: 1, blockRows: 1, blockCols: 4, mul: 1, transpose: true }, [q, f32(0.5, 2), zp]);
    expect(r.shape).toEqual([4, 2]);
    expect(Array.from(r.data)).toEqual([(1 - 8) * 0.5, 15 * 2, (2 - 8) * 0.5, 0, (3 - 8) * 0.5, 7 * 2, (4 - 8) * 0.5, 8 * 2]);
    const s = await run({ op: 'grid', rows: 1, cols: 2, q: 'i4', scale: 'f32', scaleRows: 1, scaleCols: 1, blockRows: 1, blockCols: 2, mul: 1, transpose: false }, [Uint8Array.from([0x8f]), f32(1)]);
    expect(Array.from(s.data)).toEqual([-1, -8]);
  });

  it('bitsandbytes int8: q · SCB / 127 per row', async () => {
    const r = await run({ op: 'grid', rows: 2, cols: 2, q: 'i8', scale: 'f32', scaleRows: 2, scaleCols: 1, blockRows: 1, blockCols: 2, mul: 1 / 127, transpose: false }, [Uint8Array.from([127, 0x81, 64, 1]), f32(2, 127)]);
    expect(Array.from(r.data)).toEqual([Math.fround(2 * Math.fround(1 / 127) * 127), Math.fround(-127 * 2 * Math.fround(1 / 127)), Math.fround(64 * 127 * Math.fround(1 / 127)), Math.fround(127 * Math.fround(1 / 127))]);
  });
});

describe('malformed inputs are typed errors', () => {
  it('byte lengths that do not match the shape: E_FORMAT', async () => {
    await expect(run(grid({}), [new Uint8Array(255), f32(1)])).rejects.toMatchObject({ code: 'E_FORMAT' });
    await expect(run(grid({}), [new Uint8Array(256), new Uint8Array(3)])).rejects.toMatchObject({ code: 'E_FORMAT' });
    await expect(run({ op: 'gptq', bits: 4, rows: 8, cols: 8, groups: 1, scale: 'f16', zeroOffset: 1, gIdx: false }, [new Uint8Array(4), new Uint8Array(4), new Uint8Array(16)])).rejects.toMatchObject({ code: 'E_FORMAT', message: expect.stringMatching(/qweight has 4 bytes/) });
    await expect(run({ op: 'awq', rows: 8, cols: 2, groups: 1, scale: 'f16' }, [new Uint8Array(8), new Uint8Array(4), new Uint8Array(15)])).rejects.toMatchObject({ code: 'E_FORMAT' });
    await expect(run({ op: 'nbits', bits: 4, rows: 1, cols: 32, blockSize: 32, scale: 'f32' }, [new Uint8Array(15), f32(1)])).rejects.toMatchObject({ code: 'E_FORMAT' });
    await expect(run({ op: 'bnb4', rows: 2, cols: 3, blockSize: 64, nested: false, nestedBlockSize: 0, nestedOffset: 0 }, [new Uint8Array(3), f32(1), new Uint8Array(63)])).rejects.toMatchObject({ code: 'E_FORMAT' });
  });

  it('a scale grid that does not cover the weight, a g_idx out of range: E_FORMAT', async () => {
    await expect(run(grid({ blockCols: 128 }), [new Uint8Array(256), f32(1)])).rejects.toMatchObject({ code: 'E_FORMAT', message: expect.stringMatching(/does not cover/) });
    const gIdx = bytes(new Int32Array([0, 0, 0, 0, 0, 0, 0, -1]));
    await expect(run({ op: 'gptq', bits: 4, rows: 8, cols: 8, groups: 1, scale: 'f32', zeroOffset: 0, gIdx: true }, [new Uint8Array(32), new Uint8Array(4), f32(1, 1, 1, 1, 1, 1, 1, 1), gIdx])).rejects.toMatchObject({ code: 'E_FORMAT', message: expect.stringMatching(/g_idx\[7\] = -1/) });
  });

  it('overflowing shapes: E_TOO_LARGE before anything is allocated', async () => {
    await expect(run(grid({ rows: 2 ** 40, cols: 2 ** 40, blockRows: 2 ** 40, blockCols: 2 ** 40 }), [new Uint8Array(1), f32(1)])).rejects.toMatchObject({ code: 'E_TOO_LARGE' });
  });

  it('unknown kernels, element types, param counts and non-byte inputs: E_OPTION / E_FORMAT / E_DTYPE', async () => {
    await expect(dequantize(9, [], [])).rejects.toMatchObject({ code: 'E_OPTION' });
    await expect(dequantize(0, [1, 2, 3], [])).rejects.toMatchObject({ code: 'E_OPTION' });
    const [op, p] = encodeKernel(grid({}));
    p[2] = 40;
    await expect(dequantize(op, p, [new Uint8Array(256), f32(1)])).rejects.toMatchObject({ code: 'E_FORMAT', message: expect.stringMatching(/unknown element type/) });
    p[2] = 1.5;
    await expect(dequantize(op, p, [new Uint8Array(256), f32(1)])).rejects.toMatchObject({ code: 'E_FORMAT' });
    await expect(dequantize(op, encodeKernel(grid({}))[1], [new Float32Array(64) as unknown as Uint8Array, f32(1)])).rejects.toMatchObject({ code: 'E_OPTION' });
    await expect(dequantize(op, encodeKernel(grid({}))[1], [new Uint8Array(256)])).rejects.toMatchObject({ code: 'E_FORMAT', message: expect.stringMatching(/inputs do not match/) });
  });

  it('the result is native memory marked as weightscope\'s own', async () => {
    const { isAdopted } = await import('../src/linalg/adopt.js');
    const r = await run(grid({}), [new Uint8Array(256), f32(1)]);
    expect(isAdopted(r.data)).toBe(true);
  });
});
