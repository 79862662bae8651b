// Reading a strided view of a stored array (PyTorch tensors: storage offset, size, stride in elements; NumPy
// arrays in C or Fortran order). A view that is one contiguous byte range is read and decoded by the native
// readTensor off the main thread (decodeTensor for bytes in memory); any other view reads the byte span it
// touches and gathers its elements into row-major order. Big-endian data is byte-swapped first.
import { decodeTensor, readTensor, type StoredDtype } from '../linalg/internal.js';
import { MemorySource, withFile } from './bytes.js';
import { decodeFloats, FLOAT_SIZES, type FloatDtype } from './decode.js';
import { transpose2d } from './load.js';

const STORED: Record<FloatDtype, StoredDtype> = { float32: 'F32', float64: 'F64', float16: 'F16', bfloat16: 'BF16' };

export interface StoredView {
  /** The file (path) or the bytes in memory holding the array. */
  source: string | Uint8Array;
  /** Absolute byte offset of element 0 of the storage. */
  base: number;
  dtype: FloatDtype;
  /** View offset, sizes and strides, in elements. */
  offset: number;
  size: readonly number[];
  stride: readonly number[];
  bigEndian?: boolean;
  /** 2-D: yield the transpose (stored (in, out) -> (out, in)). */
  transpose?: boolean;
  what: string;
}

/** Row-major strides of `size`. */
export function contiguousStrides(size: readonly number[]): number[] {
  const s = new Array<number>(size.length);
  let n = 1;
  for (let i = size.length - 1; i >= 0; i--) {
    s[i] = n;
    n *= size[i];
  }
  return s;
}

/** Whether the view is its elements in row-major order (strides of size-1 dims do not matter). */
export function isContiguous(size: readonly number[], stride: readonly number[]): boolean {
  const want = contiguousStrides(size);
  return size.every((d, i) => d <= 1 || stride[i] === want[i]);
}

/** One past the last element the view touches (relative to `offset`), or 0 for an empty view. */
export function viewSpan(size: readonly number[], stride: readonly number[]): number {
  if (size.some((d) => d === 0)) return 0;
  return size.reduce((s, d, i) => s + (d - 1) * stride[i], 0) + 1;
}

async function readRange(v: StoredView, byteOffset: number, count: number, shape: number[], transpose: boolean): Promise<Float32Array | Float64Array> {
  const byteLength = count * FLOAT_SIZES[v.dtype];
  const layout = transpose ? 'transpose' : 'as-stored';
  if (typeof v.source === 'string') {
    return (await readTensor(v.source, { offset: byteOffset, byteLength, dtype: STORED[v.dtype], shape, layout })).data;
  }
  return (await decodeTensor(v.source.subarray(byteOffset, byteOffset + byteLength), { dtype: STORED[v.dtype], shape, layout })).data;
}

function swapBytes(b: Uint8Array, size: number): void {
  for (let i = 0; i + size <= b.length; i += size) {
    for (let j = 0; j < size >> 1; j++) {
      const t = b[i + j];
      b[i + j] = b[i + size - 1 - j];
      b[i + size - 1 - j] = t;
    }
  }
}

/** Gathers a strided view of `flat` (element 0 = the view's offset) into row-major order. */
export function gather(flat: Float32Array | Float64Array, size: readonly number[], stride: readonly number[]): Float32Array | Float64Array {
  const n = size.reduce((a, b) => a * b, 1);
  const out = flat instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
  const rank = size.length;
  if (n === 0) return out;
  const idx = new Array<number>(rank).fill(0);
  const last = rank - 1;
  let at = 0;
  for (let k = 0; k < n; ) {
    // innermost dimension in one run
    const d = rank === 0 ? 1 : size[last];
    const s = rank === 0 ? 0 : stride[last];
    for (let j = 0; j < d; j++) out[k++] = flat[at + j * s];
    // odometer over the outer dimensions
    let i = last - 1;
    for (; i >= 0; i--) {
      idx[i]++;
      at += stride[i];
      if (idx[i] < size[i]) break;
      at -= idx[i] * stride[i];
      idx[i] = 0;
    }
    if (i < 0) break;
  }
  return out;
}

/** Reads the view: row-major (transposed when asked), float64 as Float64Array, the rest as Float32Array. */
export async function loadView(v: StoredView): Promise<Float32Array | Float64Array> {
  const es = FLOAT_SIZES[v.dtype];
  const shape = [...v.size];
  const count = shape.reduce((a, b) => a * b, 1);
  const start = v.base + v.offset * es;
  const t = v.transpose === true && shape.length === 2;
  if (!v.bigEndian && isContiguous(v.size, v.stride)) return readRange(v, start, count, shape, t);
  const span = viewSpan(v.size, v.stride);
  let flat: Float32Array | Float64Array;
  if (v.bigEndian) {
    const bytes =
      typeof v.source === 'string'
        ? await withFile(v.source, (src) => src.read(start, span * es, v.what))
        : new MemorySource(v.source).readSync(start, span * es, v.what).slice();
    swapBytes(bytes, es);
    flat = decodeFloats(bytes, v.dtype, span);
  } else flat = await readRange(v, start, span, [span], false);
  const out = gather(flat, v.size, v.stride);
  return t ? transpose2d(out, shape[0], shape[1]) : out;
}
