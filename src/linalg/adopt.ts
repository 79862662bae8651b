// Zero-copy inputs for weightscope's own code.
//
// An async call copies its input before it returns, so the caller may reuse, mutate or transfer its
// buffer at once. Arrays weightscope made itself and will not touch while the call runs (a snapshot, a
// tensor read from a file by readTensor) need no copy: they are marked here, and the binding reads a
// marked array in place when its memory is a native block (it takes a reference of its own, so the
// memory outlives the call whatever JavaScript does with the array). A marked array whose memory V8
// allocated is still copied: a transfer could free it under the job.
//
// Never mark an array user code can reach while a call on it runs: it would see the caller's later
// writes. Not exported from the package.
import { native, type FloatArray } from '../binding.js';
import type { Matrix } from './matrix.js';
import { unpack } from './matrix.js';
import { WeightscopeError } from '../errors.js';

const adopted = new WeakSet<ArrayBufferView>();

/** Marks `a` as weightscope's own and immutable from now on; returns it. */
export function adopt<A extends ArrayBufferView>(a: A): A {
  adopted.add(a);
  return a;
}

/**
 * Unmarks `a` before it is handed to user code (a tensor the public readers yield): the user's own
 * calls on it then copy it at the call, as for any array of theirs.
 */
export function disown<A extends ArrayBufferView>(a: A): A {
  adopted.delete(a);
  return a;
}

export function isAdopted(a: ArrayBufferView): boolean {
  return adopted.has(a);
}

/**
 * The contract for multi-step functions (principalAngles, layerAlignment, FARMS, ...): call snapshot(m)
 * once, synchronously, before the first await, and use only the snapshot afterwards. It copies the data
 * at that moment (one copy, into native memory, converted to `precision` when given) and marks the copy,
 * so every later native call on it reads it in place: the result is that of the data at call time, and
 * later writes to (or a transfer of) the caller's buffer cannot reach it.
 */
export function snapshot<A extends FloatArray>(m: { data: A; shape: readonly [number, number] }, precision?: 'float32' | 'float64'): Matrix<A>;
export function snapshot(m: unknown, precision?: 'float32' | 'float64'): Matrix {
  const [data, rows, cols] = unpack(m);
  const p = precision === 'float32' ? 1 : precision === 'float64' ? 2 : 0;
  return { data: adopt(native.snapshot(data, rows, cols, p)), shape: [rows, cols] };
}

/** Elements copied between two yields by snapshotInSlices (1 MiB of float32: ~0.3 ms, page faults included). */
const SLICE = 1 << 18;

/** One turn of the event loop (setImmediate): how weightscope's long JavaScript work lets other tasks run. */
export const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * snapshot() for callers that read their input over time anyway (analyze() streams its layers): the same
 * owned, adopted copy, converted to `precision`, but filled a slice at a time with a turn of the event loop
 * between slices, so a 16 MiB layer does not hold the loop for the ~100 ms its copy into fresh pages takes.
 * The caller must not write `data` until the promise settles (its slices are read at different times);
 * E_DETACHED when its buffer is detached meanwhile.
 */
export async function snapshotInSlices<A extends FloatArray>(data: A, precision?: 'float32' | 'float64'): Promise<FloatArray> {
  const n = data.length;
  const f64 = precision === undefined ? data instanceof Float64Array : precision === 'float64';
  if (n <= SLICE) return snapshot({ data, shape: [1, n] }, precision).data;
  const out = native.allocate(n, f64);
  for (let at = 0; at < n; at += SLICE) {
    if (at > 0) await yieldToLoop();
    if (data.length !== n) throw new WeightscopeError('the input array was detached (transferred) while it was being read', 'E_DETACHED');
    out.set(data.subarray(at, Math.min(at + SLICE, n)), at);
  }
  return adopt(out);
}

/**
 * Gives an adopted array's native block back to the pool now (the array is detached: reading it afterwards
 * sees length 0), instead of whenever V8 collects it. analyze() drops each layer so, once analysed: V8 is
 * in no hurry to collect a small object holding a large external buffer, so the next layer got fresh
 * pages (page faults on every layer) instead of the warm block. Only for arrays no user code can reach.
 */
export function release(a: ArrayBufferView): void {
  if (!adopted.has(a)) return;
  adopted.delete(a);
  native.release(a);
}
