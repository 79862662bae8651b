// Reading and decoding stored tensors in native code, off the JavaScript thread (I/O-class jobs on the
// native scheduler: they never take a CPU slot nor wait for compute). Internal: for the model readers.
//
//   readTensor(path, { offset, byteLength, dtype, shape, layout?, as?, signal? })
//   decodeTensor(bytes, { dtype, shape, layout?, as?, signal? }) / decodeTensorSync(bytes, ...)
//
// dtype is the stored one ('F32' | 'F64' | 'F16' | 'BF16', little-endian); F16 and BF16 widen to float32
// (the CPU's F16C instructions when present), F32 stays float32, F64 float64, unless `as` asks for
// 'float32' or 'float64'. layout 'transpose' turns a 2-D (in, out) tensor into (out, in); 'swap01' swaps
// axes 0 and 1 of a 4-D one. The result's array is native memory owned by the result (no further copy)
// and is marked adopted (adopt.ts), so weightscope's own later calls on it read it in place: hand it to
// user code only after those calls. Errors: E_FORMAT naming the file (a range past the end, a short read,
// not a regular file: a FIFO is refused without blocking), E_SHAPE, E_TOO_LARGE.
import { native, type FloatArray } from '../binding.js';
import { fail } from '../errors.js';
import { adopt, isAdopted } from './adopt.js';
import { callAsync, callSync } from './call.js';
import { FLAG_ADOPT, resolveContext } from './context.js';

export type StoredDtype = 'F32' | 'F64' | 'F16' | 'BF16';
export type TensorLayout = 'as-stored' | 'transpose' | 'swap01';

export interface TensorSpec {
  dtype: StoredDtype;
  shape: readonly number[];
  layout?: TensorLayout;
  as?: 'float32' | 'float64';
  signal?: AbortSignal;
}

export interface DecodedTensor {
  data: FloatArray;
  shape: number[];
}

const DTYPES: readonly StoredDtype[] = ['F32', 'F64', 'F16', 'BF16'];
const LAYOUTS: readonly TensorLayout[] = ['as-stored', 'transpose', 'swap01'];

function specArgs(s: TensorSpec, fn: string): [number, number[], number, number] {
  const d = DTYPES.indexOf(s.dtype);
  if (d < 0) fail('E_OPTION', `${fn}: dtype must be one of ${DTYPES.join(', ')}, got ${JSON.stringify(s.dtype)}`);
  if (!Array.isArray(s.shape) || !s.shape.every((v) => Number.isSafeInteger(v) && v >= 0))
    fail('E_SHAPE', `${fn}: shape must be an array of non-negative integers, got ${JSON.stringify(s.shape)}`);
  const l = LAYOUTS.indexOf(s.layout ?? 'as-stored');
  if (l < 0) fail('E_OPTION', `${fn}: layout must be one of ${LAYOUTS.join(', ')}, got ${JSON.stringify(s.layout)}`);
  const out = s.as === undefined ? 0 : s.as === 'float32' ? 1 : s.as === 'float64' ? 2 : -1;
  if (out < 0) fail('E_OPTION', `${fn}: as must be 'float32' or 'float64', got ${JSON.stringify(s.as)}`);
  return [d, [...s.shape], l, out];
}

function adopted(r: DecodedTensor): DecodedTensor {
  adopt(r.data);
  return r;
}

/** Reads `byteLength` bytes at `offset` of the file and decodes them (see the header). */
export async function readTensor(path: string, spec: TensorSpec & { offset: number; byteLength: number }): Promise<DecodedTensor> {
  if (typeof path !== 'string') fail('E_OPTION', 'readTensor: path must be a string');
  const [d, shape, l, out] = specArgs(spec, 'readTensor');
  const ctx = resolveContext({ signal: spec.signal }, 'readTensor');
  const r = await callAsync(ctx, 0, (f, t) => native.readTensor(path, spec.offset, spec.byteLength, d, shape, l, out, f, t) as Promise<DecodedTensor>);
  return adopted(r);
}

/** Decodes tensor bytes already in memory. `bytes` is copied first unless it is adopted native memory. */
export async function decodeTensor(bytes: Uint8Array, spec: TensorSpec): Promise<DecodedTensor> {
  const [d, shape, l, out] = specArgs(spec, 'decodeTensor');
  const ctx = resolveContext({ signal: spec.signal }, 'decodeTensor');
  const flags = isAdopted(bytes) ? FLAG_ADOPT : 0;
  return adopted(await callAsync(ctx, flags, (f, t) => native.decodeTensor(bytes, d, shape, l, out, f, t) as Promise<DecodedTensor>));
}

export function decodeTensorSync(bytes: Uint8Array, spec: Omit<TensorSpec, 'signal'>): DecodedTensor {
  const [d, shape, l, out] = specArgs(spec, 'decodeTensorSync');
  return adopted(callSync(0, (f, t) => native.decodeTensor(bytes, d, shape, l, out, f, t) as DecodedTensor));
}
