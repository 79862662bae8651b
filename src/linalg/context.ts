// The options of a linalg call resolved once into one context: where it runs, by which route, in which
// precision, how accurate its small singular values must be, and whether it may be cancelled. The public
// functions build one from their options; code above linalg (esd, metrics, analyze) builds one at the top
// (resolveContext) and passes it down to the internal entry points (svdvalsIn, svdIn, ...), instead of
// re-checking option keys at every hop. The native call flags (device, fallback, precision bits) are
// derived from it in placement(), and nowhere else.
import { fail } from '../errors.js';
import { checkSignal } from './abort.js';
import { cudaStatus } from './cuda.js';
import type { DType } from './matrix.js';
import { getCudaCrossover, requestedBackend, requireCuda, type Backend, type GpuSvdRoutine } from './options.js';

export interface LinalgContext {
  /** The backend asked for (the option, else WEIGHTSCOPE_BACKEND, else 'auto'). */
  readonly backend: Backend;
  /** A pinned cuSOLVER SVD routine (backend 'cuda' only). */
  readonly routine?: GpuSvdRoutine;
  /** Singular values by 'gesdd' (full accuracy) or 'gram' (?syrk + ?syevd: faster, absolute error). */
  readonly method: 'gesdd' | 'gram';
  /** Compute in this precision (the input is converted while it is copied); undefined: as stored. */
  readonly precision?: DType;
  /**
   * 'small-values' when the result feeds something that needs its small singular values right (matrix
   * rank, numerical rank, condition numbers): 'auto' then keeps the work on the CPU's gesdd (never
   * cuSOLVER's Xgesvdp, which perturbs values near zero), and backend 'cuda' uses gesvdj unless a
   * routine is pinned. Results say which routine ran.
   */
  readonly accuracy: 'standard' | 'small-values';
  readonly signal?: AbortSignal;
  /**
   * Run as a small CPU job whatever the size (one BLAS thread, beside other jobs) instead of alone with
   * every thread: set by analyze() when it keeps one layer per scheduler slot in flight. Internal.
   */
  readonly shared?: boolean;
}

export interface ContextOptions {
  backend?: Backend;
  method?: 'gesdd' | 'gram' | GpuSvdRoutine;
  precision?: DType;
  accuracy?: 'standard' | 'small-values';
  signal?: AbortSignal;
}

/** Resolves and checks the options once (E_OPTION / E_CUDA_UNAVAILABLE here, not at the native call). */
export function resolveContext(o: ContextOptions, fn: string): LinalgContext {
  const backend = requestedBackend(o);
  const m = o.method === undefined ? 'gesdd' : o.method;
  if (m !== 'gesdd' && m !== 'gram' && m !== 'gesvdj' && m !== 'gesvdp')
    fail('E_OPTION', `${fn}: method must be 'gesdd', 'gram', 'gesvdj' or 'gesvdp', got ${JSON.stringify(m)}`);
  const routine = m === 'gesvdj' || m === 'gesvdp' ? m : undefined;
  if (routine && backend !== 'cuda') fail('E_OPTION', `${fn}: method '${routine}' is a cuSOLVER routine: it needs backend: 'cuda'`);
  if (backend === 'cuda') requireCuda(`${fn}: `);
  const precision = o.precision;
  if (precision !== undefined && precision !== 'float32' && precision !== 'float64')
    fail('E_OPTION', `${fn}: precision must be 'float32' or 'float64', got ${JSON.stringify(precision)}`);
  const accuracy = o.accuracy === undefined ? 'standard' : o.accuracy;
  if (accuracy !== 'standard' && accuracy !== 'small-values')
    fail('E_OPTION', `${fn}: accuracy must be 'standard' or 'small-values', got ${JSON.stringify(accuracy)}`);
  if (accuracy === 'small-values' && m === 'gram')
    fail('E_OPTION', `${fn}: method 'gram' cannot keep small singular values accurate`);
  return { backend, routine, method: m === 'gram' ? 'gram' : 'gesdd', precision, accuracy, signal: checkSignal(o.signal, fn) };
}

/** The same context with another signal (a step of a larger cancellable computation). */
export function withSignal(ctx: LinalgContext, signal: AbortSignal | undefined): LinalgContext {
  return { ...ctx, signal };
}

// Native call flags (native/binding/call_options.h).
export const FLAG_ASYNC = 1;
export const FLAG_ADOPT = 2;
const FLAG_FALLBACK = 16;
const FLAG_SHARED = 128;

/**
 * The device, fallback, precision and shared bits of one call of `flops` (rows*cols*min; summed over a batch).
 * svdLike: the call is an SVD (the cuSOLVER routine choice applies). 'auto' loads CUDA only for jobs at
 * or above the crossover, so small jobs never pay for it.
 */
export function placement(ctx: LinalgContext, flops: number, svdLike = true): number {
  const precision = ctx.precision === 'float32' ? 1 : ctx.precision === 'float64' ? 2 : 0;
  let device = 0;
  let fallback = 0;
  if (ctx.backend === 'cuda') {
    const routine = ctx.routine ?? (ctx.accuracy === 'small-values' && svdLike ? 'gesvdj' : undefined);
    device = routine === 'gesvdj' ? 2 : routine === 'gesvdp' ? 3 : 1;
  } else if (ctx.backend === 'auto' && ctx.accuracy === 'standard' && flops >= getCudaCrossover() && cudaStatus().available) {
    device = 1;
    fallback = FLAG_FALLBACK;
  }
  return (device << 2) | fallback | (precision << 5) | (ctx.shared ? FLAG_SHARED : 0);
}
