// Dequantizing stored quantized weights in native code, off the JavaScript thread (an I/O-class job on the
// native scheduler, native/binding/quant_op.cc). Internal: for the model readers (src/model/quant/).
//
//   dequantize(op, params, inputs) -> { data: Float32Array (rows × cols, native memory, adopted), shape }
//
// `op` and `params` are the kernel and its numbers as native/binding/quant_op.cc documents them; `inputs` the
// stored tensors' bytes, in the kernel's order. The native side checks every input's byte length against the
// params (E_FORMAT) and every size for overflow (E_TOO_LARGE): nothing here is trusted.
import { native } from '../binding.js';
import { fail } from '../errors.js';
import { adopt } from './adopt.js';
import { callAsync } from './call.js';
import { resolveContext } from './context.js';

export interface Dequantized {
  data: Float32Array;
  shape: [number, number];
}

export async function dequantize(op: number, params: readonly number[], inputs: readonly Uint8Array[], signal?: AbortSignal): Promise<Dequantized> {
  if (!Number.isSafeInteger(op) || op < 0) fail('E_OPTION', `dequantize: unknown kernel ${op}`);
  if (!params.every((p) => typeof p === 'number' && Number.isFinite(p))) fail('E_OPTION', 'dequantize: params must be finite numbers');
  if (!inputs.every((b) => b instanceof Uint8Array)) fail('E_OPTION', 'dequantize: inputs must be Uint8Arrays');
  const ctx = resolveContext({ signal }, 'dequantize');
  const r = await callAsync(ctx, 0, (f, t) => native.dequantize(op, [...params], [...inputs], f, t) as Promise<Dequantized>);
  adopt(r.data);
  return r;
}
