// Running one native call: sync at once, or async with cancellation, the caller's stack on errors (the
// native rejection has no JavaScript frames of its own; as sharp does, the stack is captured at the call),
// and the one-time warning when backend 'auto' fell back from the GPU to the CPU inside the job.
import { native } from '../binding.js';
import { abortError } from './abort.js';
import { FLAG_ASYNC, type LinalgContext } from './context.js';

let nextToken = 1;
let warned = false;

/** Native results say `fallback` when the GPU failed and the job reran on the CPU. */
function noteFallback<R>(r: R): R {
  const why = (r as { fallback?: string } | null)?.fallback;
  if (why && !warned) {
    warned = true;
    process.emitWarning(`the GPU failed (${why}); the call ran on the CPU instead`, { code: 'WEIGHTSCOPE_GPU_FALLBACK' });
  }
  return r;
}

export function callSync<R>(flags: number, run: (flags: number, token: number) => R): R {
  return noteFallback(run(flags & ~FLAG_ASYNC, 0));
}

function withCallerStack(e: unknown, caller: { stack?: string }): unknown {
  if (e instanceof Error && caller.stack) {
    const frames = caller.stack.slice(caller.stack.indexOf('\n') + 1);
    e.stack = `${e.name}: ${e.message}\n${frames}`;
  }
  return e;
}

/**
 * Starts the native job and settles with it. With ctx.signal: already aborted rejects at once (nothing
 * is queued); an abort while queued drops the job (its memory is freed) and rejects with an AbortError
 * at once; an abort while it runs rejects at once and its result is discarded when it arrives.
 */
export function callAsync<R>(ctx: LinalgContext, flags: number, start: (flags: number, token: number) => Promise<R>): Promise<R> {
  const caller: { stack?: string } = {};
  Error.captureStackTrace(caller, callAsync);
  const signal = ctx.signal;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const token = signal ? nextToken++ : 0;
  if (nextToken > 0xffffffff) nextToken = 1;
  let p: Promise<R>;
  try {
    p = start(flags | FLAG_ASYNC, token);
  } catch (e) {
    return Promise.reject(e);  // thrown on this thread: its own stack already is the caller's
  }
  if (!signal) return p.then(noteFallback, (e) => Promise.reject(withCallerStack(e, caller)));
  return new Promise<R>((resolve, reject) => {
    const onAbort = () => {
      native.cancel(token);
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (r) => {
        signal.removeEventListener('abort', onAbort);
        resolve(noteFallback(r));
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(withCallerStack(e, caller));
      },
    );
  });
}
