// Dequantizing ggml block-quantized tensors (GGUF's Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K ... Q6_K, Q8_K) in native
// code, off the JavaScript thread (I/O-class jobs on the native scheduler), into float32 memory the result
// owns, marked adopted (adopt.ts) like readTensor's. Internal: for the GGUF reader.
//
//   readGgml(path, { offset, byteLength, type, count, signal? })   type: the ggml type id
//   decodeGgml(bytes, { type, count, signal? })
//
// `count` is the element count (a whole number of blocks); byteLength must be exactly its stored size.
// Errors: E_FORMAT naming the file (a range past the end, a short read, not a regular file), E_DTYPE (a type
// without a dequantizer), E_SHAPE (not whole blocks).
import { native, type GgmlResult } from '../binding.js';
import { fail } from '../errors.js';
import { adopt, isAdopted } from './adopt.js';
import { callAsync } from './call.js';
import { FLAG_ADOPT, resolveContext } from './context.js';

export type { GgmlResult };

export interface GgmlSpec {
  type: number;
  count: number;
  signal?: AbortSignal;
}

function adopted(r: GgmlResult): GgmlResult {
  adopt(r.data);
  return r;
}

export async function readGgml(path: string, spec: GgmlSpec & { offset: number; byteLength: number }): Promise<GgmlResult> {
  if (typeof path !== 'string') fail('E_OPTION', 'readGgml: path must be a string');
  const ctx = resolveContext({ signal: spec.signal }, 'readGgml');
  return adopted(
    await callAsync(ctx, 0, (f, t) => native.readGgml(path, spec.offset, spec.byteLength, spec.type, spec.count, f, t) as Promise<GgmlResult>),
  );
}

export async function decodeGgml(bytes: Uint8Array, spec: GgmlSpec): Promise<GgmlResult> {
  const ctx = resolveContext({ signal: spec.signal }, 'decodeGgml');
  const flags = isAdopted(bytes) ? FLAG_ADOPT : 0;
  return adopted(await callAsync(ctx, flags, (f, t) => native.decodeGgml(bytes, spec.type, spec.count, f, t) as Promise<GgmlResult>));
}
