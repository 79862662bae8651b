// Decoding stored little-endian bytes into Float32Array/Float64Array: float32/float64 as is, float16 and
// bfloat16 widened to float32 (exactly: every f16/bf16 value is an f32 value), tfjs affine-quantized uint8/uint16
// dequantised as q·scale + min (tfjs io_utils does the same, in double precision, then stores float32).
import * as os from 'node:os';

const LITTLE_ENDIAN = os.endianness() === 'LE';

/** Bytes per element of the float encodings we decode. */
export const FLOAT_SIZES = { float64: 8, float32: 4, float16: 2, bfloat16: 2 } as const;
export type FloatDtype = keyof typeof FLOAT_SIZES;

let f16Table: Float32Array | undefined;

/** f16 bit pattern -> value, for all 65536 patterns (256 KiB, built once). */
function halfTable(): Float32Array {
  if (f16Table) return f16Table;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) t[h] = sign * frac * 2 ** -24; // subnormal (and ±0)
    else if (exp === 31) t[h] = frac ? NaN : sign * Infinity;
    else t[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  f16Table = t;
  return t;
}

export function halfToFloat(h: number): number {
  return halfTable()[h & 0xffff];
}

function u16At(bytes: Uint8Array, i: number): number {
  return bytes[2 * i] | (bytes[2 * i + 1] << 8);
}

/** Decodes `count` elements of `dtype` from little-endian `bytes` (bytes.length === count·size). */
export function decodeFloats(bytes: Uint8Array, dtype: FloatDtype, count: number): Float32Array | Float64Array {
  switch (dtype) {
    case 'float32': {
      const out = new Float32Array(count);
      if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes.subarray(0, count * 4));
      else {
        const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        for (let i = 0; i < count; i++) out[i] = dv.getFloat32(4 * i, true);
      }
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes.subarray(0, count * 8));
      else {
        const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        for (let i = 0; i < count; i++) out[i] = dv.getFloat64(8 * i, true);
      }
      return out;
    }
    case 'float16': {
      const t = halfTable();
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = t[u16At(bytes, i)];
      return out;
    }
    case 'bfloat16': {
      // bf16 is the top half of an f32: shift the bits into place.
      const out = new Float32Array(count);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = u16At(bytes, i) << 16;
      return out;
    }
  }
}

/** tfjs affine dequantisation: value = q·scale + min, q read as uint8 or little-endian uint16. */
export function dequantize(bytes: Uint8Array, qdtype: 'uint8' | 'uint16', count: number, scale: number, min: number): Float32Array {
  const out = new Float32Array(count);
  if (qdtype === 'uint8') for (let i = 0; i < count; i++) out[i] = bytes[i] * scale + min;
  else for (let i = 0; i < count; i++) out[i] = u16At(bytes, i) * scale + min;
  return out;
}

/** Product of dims as a safe integer, or undefined when it overflows 2^53. */
export function product(shape: readonly number[]): number | undefined {
  let n = 1;
  for (const d of shape) {
    n *= d;
    if (!Number.isSafeInteger(n)) return undefined;
  }
  return n;
}

/** True when `shape` is an array of non-negative safe integers. */
export function isValidShape(shape: unknown): shape is number[] {
  return Array.isArray(shape) && shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0);
}

/** Largest element count one Float32Array/Float64Array may hold here; bigger tensors are skipped, not read. */
export const MAX_ELEMENTS = 2 ** 32 - 1;
