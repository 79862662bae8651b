// Reading one tensor's stored bytes and decoding them. float32/float64 are read straight into the result's
// memory (one allocation, the tensor's own size); f16/bf16/quantized need the stored bytes plus the result.
import * as os from 'node:os';
import type { Opener } from './bytes.js';
import { decodeFloats, dequantize, FLOAT_SIZES, type FloatDtype } from './decode.js';

const LITTLE_ENDIAN = os.endianness() === 'LE';

export async function readFloats(
  open: Opener,
  offset: number,
  dtype: FloatDtype,
  count: number,
  what: string,
): Promise<Float32Array | Float64Array> {
  const src = open();
  try {
    const length = count * FLOAT_SIZES[dtype];
    if (LITTLE_ENDIAN && (dtype === 'float32' || dtype === 'float64')) {
      const out = dtype === 'float32' ? new Float32Array(count) : new Float64Array(count);
      await src.read(offset, length, what, new Uint8Array(out.buffer));
      return out;
    }
    return decodeFloats(await src.read(offset, length, what), dtype, count);
  } finally {
    src.close();
  }
}

export async function readQuantized(
  open: Opener,
  offset: number,
  qdtype: 'uint8' | 'uint16',
  count: number,
  scale: number,
  min: number,
  what: string,
): Promise<Float32Array> {
  const src = open();
  try {
    const bytes = await src.read(offset, count * (qdtype === 'uint8' ? 1 : 2), what);
    return dequantize(bytes, qdtype, count, scale, min);
  } finally {
    src.close();
  }
}

/** Row-major (rows × cols) -> its transpose (cols × rows), same element type. */
export function transpose2d<A extends Float32Array | Float64Array>(a: A, rows: number, cols: number): A {
  const t = (a instanceof Float64Array ? new Float64Array(a.length) : new Float32Array(a.length)) as A;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}
