// The zero-copy path for weights stored as one contiguous little-endian byte range of a file: the native
// reader (linalg readTensor: an I/O job off the JavaScript thread) reads the range, widens F16/BF16 to
// float32 (F16C), applies the layout change (a 2-D transpose, a 4-D swap of axes 0 and 1) and hands back
// native memory it owns, marked adopted, so analyze's own SVD/Gram calls read it in place (no second
// snapshot). Any reader whose tensor is one range calls loadRange; other sources (ranges split over
// shards, typed protobuf fields, quantized data, bytes in memory) keep their own decoding.
import { WeightscopeError } from '../errors.js';
import { readTensor, type StoredDtype } from '../linalg/internal.js';
import type { FloatDtype } from './decode.js';
import type { LoadWant } from './types.js';

const STORED: Record<FloatDtype, StoredDtype> = { float32: 'F32', float64: 'F64', float16: 'F16', bfloat16: 'BF16' };

/** One contiguous stored range of a file, as planned (no data read yet). */
export interface StoredRange {
  file: string;
  /** Absolute byte offset of the tensor's data in `file`. */
  offset: number;
  byteLength: number;
  dtype: FloatDtype;
  /** The shape as stored (before `layout`). */
  shape: readonly number[];
  /** 'transpose': 2-D (in, out) -> (out, in); 'swap01': 4-D (a, b, c, d) -> (b, a, c, d). */
  layout?: 'transpose' | 'swap01';
  /** What the tensor is, for error messages ("tensor 'h.0.attn.c_attn.weight'"). */
  what: string;
}

/**
 * Reads and decodes one stored range natively. The result is float64 for F64 data and float32 otherwise,
 * unless `want.as` asks for the other (analyze's `precision`: converted in the same pass).
 */
export async function loadRange(r: StoredRange, want?: LoadWant): Promise<Float32Array | Float64Array> {
  try {
    const t = await readTensor(r.file, {
      offset: r.offset,
      byteLength: r.byteLength,
      dtype: STORED[r.dtype],
      shape: r.shape,
      layout: r.layout ?? 'as-stored',
      ...(want?.as ? { as: want.as } : {}),
      ...(want?.signal ? { signal: want.signal } : {}),
    });
    return t.data as Float32Array | Float64Array;
  } catch (e) {
    // the native message names the file; say which tensor (a file changed since planning, a short read)
    if (e instanceof WeightscopeError && e.code === 'E_FORMAT') {
      const w = new WeightscopeError(`${r.what}: ${e.message}`, 'E_FORMAT');
      w.stack = `${w.name}: ${w.message}\n${(e.stack ?? '').split('\n').slice(1).join('\n')}`;
      throw w;
    }
    throw e;
  }
}
