// The native tensor reader and decoder (native/core/decode.cc, file_range.cc; src/linalg/tensor.ts):
// every f16 and bf16 bit pattern against numpy and a closed form, on the F16C path and the portable one;
// layouts against plain JS transposes; file errors; and that reading takes no CPU slot.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { native } from '../src/binding.js';
import { decodeTensor, decodeTensorSync, isAdopted, readTensor } from '../src/linalg/internal.js';
import { nativeStats, svdvals } from '../src/index.js';
import { run } from './helpers/child.js';
import { randn } from './helpers/reference.js';

const dir = resolve('test/output/tensor');
mkdirSync(dir, { recursive: true });
const hooks = typeof native._forcePortableF16 === 'function';
const numpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

const allPatterns = () => {
  const u = new Uint16Array(65536);
  for (let i = 0; i < 65536; i++) u[i] = i;
  return new Uint8Array(u.buffer);
};

/** IEEE binary16 by its definition: (-1)^s 2^(e-15) (1 + m/1024), subnormals 2^-14 m/1024. */
function halfValue(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0x1f) return m ? NaN : s * Infinity;
  if (e === 0) return s * 2 ** -14 * (m / 1024);
  return s * 2 ** (e - 15) * (1 + m / 1024);
}

const f32bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

function checkHalves(got: Float32Array, label: string) {
  const bits = f32bits(got);
  let bad = 0;
  for (let h = 0; h < 65536; h++) {
    const want = halfValue(h);
    if (Number.isNaN(want)) {
      // NaN: sign and payload kept, the quiet bit set (as VCVTPH2PS does)
      const expect = ((h & 0x8000) << 16) | 0x7f800000 | ((h & 0x3ff) << 13) | 0x400000;
      if (bits[h] !== expect >>> 0) bad++;
    } else if (!Object.is(got[h], want)) bad++;
  }
  expect(bad, `${label}: patterns that differ from the definition`).toBe(0);
}

describe('f16 and bf16 decoding, every bit pattern', () => {
  it('f16 -> f32 equals the IEEE definition (subnormals, ±0, ±Inf, NaN payloads)', () => {
    const r = decodeTensorSync(allPatterns(), { dtype: 'F16', shape: [65536] });
    expect(r.data).toBeInstanceOf(Float32Array);
    checkHalves(r.data as Float32Array, native.info().corename);
  });

  it.skipIf(!hooks)('the portable path gives the same bits as the F16C one (skipped without the test hooks)', () => {
    const hw = decodeTensorSync(allPatterns(), { dtype: 'F16', shape: [65536] }).data as Float32Array;
    native._forcePortableF16!(true);
    try {
      const sw = decodeTensorSync(allPatterns(), { dtype: 'F16', shape: [65536] }).data as Float32Array;
      expect(Array.from(f32bits(sw))).toEqual(Array.from(f32bits(hw)));
      checkHalves(sw, 'portable');
    } finally {
      native._forcePortableF16!(false);
    }
  });

  it.skipIf(!numpy)('f16 -> f32 equals numpy astype(float32), NaNs up to the quiet bit (skipped without python3 + numpy)', async () => {
    const out = join(dir, 'numpy_f16.bin');
    const py = `import numpy as np\nnp.arange(65536, dtype=np.uint16).view(np.float16).astype(np.float32).tofile(${JSON.stringify(out)})`;
    const r = await run('python3', ['-c', py]);
    expect(r.status, r.stderr).toBe(0);
    const b = readFileSync(out);
    const want = new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    const got = f32bits(decodeTensorSync(allPatterns(), { dtype: 'F16', shape: [65536] }).data as Float32Array);
    const differ: string[] = [];
    for (let h = 0; h < 65536; h++) {
      const quiet = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0 ? 0x400000 : 0; // numpy keeps sNaNs signalling
      if ((got[h] & ~quiet) >>> 0 !== (want[h] & ~quiet) >>> 0) differ.push(h.toString(16));
    }
    expect(differ).toEqual([]);
  });

  it('bf16 -> f32 is the top half of a float32, exactly; f32 and f64 pass through; `as` widens', async () => {
    const r = await decodeTensor(allPatterns(), { dtype: 'BF16', shape: [256, 256] });
    const bits = f32bits(r.data as Float32Array);
    let bad = 0;
    for (let h = 0; h < 65536; h++) if (bits[h] !== (h << 16) >>> 0) bad++;
    expect(bad).toBe(0);
    const wide = await decodeTensor(allPatterns(), { dtype: 'BF16', shape: [65536], as: 'float64' });
    expect(wide.data).toBeInstanceOf(Float64Array);
    for (let h = 0; h < 65536; h += 97) expect(Object.is(wide.data[h], r.data[h]) || Number.isNaN(r.data[h])).toBe(true);
    const x = randn(1000, 3);
    const f64 = await decodeTensor(new Uint8Array(x.buffer), { dtype: 'F64', shape: [1000] });
    expect(Array.from(f64.data)).toEqual(Array.from(x));
    const narrow = await decodeTensor(new Uint8Array(x.buffer), { dtype: 'F64', shape: [1000], as: 'float32' });
    expect(Array.from(narrow.data)).toEqual(Array.from(Float32Array.from(x)));
  });
});

describe('layouts', () => {
  it('transpose: a 2-D (in, out) tensor comes back (out, in); swap01 swaps the first two axes of a 4-D one', () => {
    const [a, b] = [67, 131];
    const x = Float32Array.from(randn(a * b, 5));
    const t = decodeTensorSync(new Uint8Array(x.buffer), { dtype: 'F32', shape: [a, b], layout: 'transpose' });
    expect(t.shape).toEqual([b, a]);
    for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) expect(t.data[j * a + i]).toBe(x[i * b + j]);
    const h = new Uint16Array(a * b).map((_, i) => (i * 7919) & 0x7bff); // finite halves
    const th = decodeTensorSync(new Uint8Array(h.buffer), { dtype: 'F16', shape: [a, b], layout: 'transpose', as: 'float64' });
    for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) expect(th.data[j * a + i]).toBe(halfValue(h[i * b + j]));
    const [p, q, r, s] = [3, 5, 2, 4];
    const k = Float32Array.from(randn(p * q * r * s, 6));
    const w = decodeTensorSync(new Uint8Array(k.buffer), { dtype: 'F32', shape: [p, q, r, s], layout: 'swap01' });
    expect(w.shape).toEqual([q, p, r, s]);
    for (let i = 0; i < p; i++)
      for (let j = 0; j < q; j++)
        for (let e = 0; e < r * s; e++) expect(w.data[(j * p + i) * r * s + e]).toBe(k[(i * q + j) * r * s + e]);
    expect(() => decodeTensorSync(new Uint8Array(16), { dtype: 'F32', shape: [4], layout: 'transpose' })).toThrow(
      expect.objectContaining({ code: 'E_SHAPE' }),
    );
  });
});

describe('readTensor from a file', () => {
  const file = join(dir, 'weights.bin');
  const header = new Uint8Array(13).fill(7); // an odd offset, as in a safetensors file
  const x = Float32Array.from(randn(40 * 30, 8));
  writeFileSync(file, Buffer.concat([header, Buffer.from(x.buffer)]));

  it('reads a byte range at an offset into native memory, marked for zero-copy reuse', async () => {
    const r = await readTensor(file, { offset: 13, byteLength: x.byteLength, dtype: 'F32', shape: [40, 30] });
    expect(Array.from(r.data)).toEqual(Array.from(x));
    expect(isAdopted(r.data)).toBe(true);
    const t = await readTensor(file, { offset: 13, byteLength: x.byteLength, dtype: 'F32', shape: [40, 30], layout: 'transpose' });
    expect(t.shape).toEqual([30, 40]);
    expect(t.data[1 * 40 + 2]).toBe(x[2 * 30 + 1]);
  });

  it('E_FORMAT naming the file: past the end, a wrong length, missing, a directory, a FIFO (without blocking)', async () => {
    const spec = { dtype: 'F32' as const, shape: [40, 30] };
    await expect(readTensor(file, { ...spec, offset: 14, byteLength: x.byteLength })).rejects.toMatchObject({
      code: 'E_FORMAT',
      message: expect.stringMatching(/weights\.bin: .*past the end/),
    });
    await expect(readTensor(file, { ...spec, offset: 13, byteLength: 12 })).rejects.toMatchObject({ code: 'E_FORMAT' });
    await expect(readTensor(join(dir, 'nope.bin'), { ...spec, offset: 0, byteLength: x.byteLength })).rejects.toMatchObject({
      code: 'E_FORMAT',
      message: expect.stringContaining('nope.bin: cannot open'),
    });
    await expect(readTensor(dir, { ...spec, offset: 0, byteLength: x.byteLength })).rejects.toMatchObject({
      code: 'E_FORMAT',
      message: expect.stringContaining('not a regular file'),
    });
    const fifo = join(dir, 'fifo');
    spawnSync('rm', ['-f', fifo]);
    if (spawnSync('mkfifo', [fifo]).status === 0)
      await expect(readTensor(fifo, { ...spec, offset: 0, byteLength: x.byteLength })).rejects.toMatchObject({
        code: 'E_FORMAT',
        message: expect.stringContaining('not a regular file'),
      });
  });

  it('is an I/O job: it completes while CPU jobs wait, taking no CPU slot', async () => {
    const big = Array.from({ length: 6 }, (_, i) => svdvals({ data: randn(600 * 600, i), shape: [600, 600] }));
    const r = await readTensor(file, { offset: 13, byteLength: x.byteLength, dtype: 'F32', shape: [1200] });
    expect(r.data.length).toBe(1200);
    expect(nativeStats().jobsInFlight).toBeGreaterThanOrEqual(4);
    await Promise.all(big);
  });
});
