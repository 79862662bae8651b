// What the public entry points of esd and metrics do with their arguments before anything else: typed arrays
// recognised by their internal slot, options read as own properties only, and the call-time snapshot.
import { fail } from '../errors.js';
import { checkOptions } from '../linalg/options.js';
import type { FloatArray, Matrix } from '../linalg/matrix.js';

// %TypedArray%.prototype[Symbol.toStringTag] reads the [[TypedArrayName]] slot: a Proxy around a typed
// array, or an object whose prototype is Float64Array.prototype, has no such slot (undefined), although
// `instanceof` says yes; a typed array from another realm has it, although `instanceof` says no.
const typedArrayName = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Int8Array.prototype), Symbol.toStringTag)!
  .get as (this: unknown) => string | undefined;

/** 'float32' / 'float64' for a genuine Float32Array / Float64Array, else undefined. */
export function floatKind(x: unknown): 'float32' | 'float64' | undefined {
  if (!ArrayBuffer.isView(x)) return undefined;
  const name = typedArrayName.call(x);
  return name === 'Float32Array' ? 'float32' : name === 'Float64Array' ? 'float64' : undefined;
}

export function isFloatArray(x: unknown): x is FloatArray {
  return floatKind(x) !== undefined;
}

/**
 * checkOptions (unknown keys refused), then a prototype-free copy of the own enumerable properties: an
 * option inherited through the prototype (`Object.prototype.k = 1`) is neither checked nor read.
 */
export function ownOptions<T extends object>(opts: T | undefined, allowed: readonly string[], fn: string): Partial<T> {
  const o = checkOptions(opts, allowed, fn);
  const copy = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(o)) copy[key] = (o as Record<string, unknown>)[key];
  return copy as Partial<T>;
}

/**
 * Options for the linalg calls made on the caller's behalf, without a prototype: nothing set on
 * Object.prototype can reach them, whatever the callee reads.
 */
export function bare<T extends object>(o: T): T {
  return Object.assign(Object.create(null) as T, o);
}

/**
 * The input copied once, at the call: a multi-step async function (several native calls with awaits in
 * between) works on this copy, so the caller mutating or transferring its buffer after the call has
 * started changes nothing. The copy is ours, so callers may scale it in place.
 * One place to swap for linalg's snapshot(m) (which will also spare the native calls a second copy).
 */
export function snapshotOnce<A extends FloatArray>(m: Matrix<A>): Matrix<A> {
  if (!isFloatArray(m.data)) fail('E_DTYPE', 'snapshot: data must be a Float32Array or Float64Array');
  return { data: m.data.slice() as A, shape: [m.shape[0], m.shape[1]] };
}
