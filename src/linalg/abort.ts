// Cancellation as Node's own APIs do it: an AbortSignal in the options; an aborted call rejects with a
// DOMException named 'AbortError' whose `cause` is the signal's reason.
import { fail } from '../errors.js';

// Node's DOMException takes { name, cause } (WebIDL); the TypeScript DOM typings only know (message, name).
const DOMExceptionWithCause = DOMException as unknown as new (message: string, options: { name: string; cause?: unknown }) => DOMException;

export function abortError(signal: AbortSignal): DOMException {
  return new DOMExceptionWithCause('The operation was aborted', { name: 'AbortError', cause: signal.reason });
}

/** Throws the AbortError when the signal has fired (between the steps of a multi-step computation). */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

/** The `signal` option: undefined, or an AbortSignal (E_OPTION otherwise). */
export function checkSignal(v: unknown, fn: string): AbortSignal | undefined {
  if (v === undefined) return undefined;
  if (!(v instanceof AbortSignal)) fail('E_OPTION', `${fn}: signal must be an AbortSignal`);
  return v;
}
