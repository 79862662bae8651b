// The content digest of an array's bytes (native/core/digest.h: 128 bits, not cryptographic), computed by an
// I/O-class native job: off the JavaScript thread, and beside a running layer's LAPACK work rather than
// queued behind it. Adopted arrays (adopt.ts) are read in place; any other array is copied at the call.
// Internal: for analyze()'s detection of weights stored twice (model/dedupe.ts).
import { native } from '../binding.js';
import { isAdopted } from './adopt.js';
import { callAsync } from './call.js';
import { FLAG_ADOPT, resolveContext } from './context.js';

export async function contentDigest(a: ArrayBufferView, signal?: AbortSignal): Promise<string> {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const ctx = resolveContext({ signal }, 'contentDigest');
  // the view reads the same native block as `a` (the binding finds it by its ArrayBuffer)
  return callAsync(ctx, isAdopted(a) ? FLAG_ADOPT : 0, (f, t) => native.contentDigest(bytes, f, t) as Promise<string>);
}
