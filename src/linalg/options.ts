// Option checking shared by every layer: unknown keys are refused (a misspelt option should not be
// silently ignored) and only the caller's own properties count (never Object.prototype's); the backend
// request and the CUDA crossover.
import { fail, WeightscopeError } from '../errors.js';
import { cudaStatus } from './cuda.js';

export type Backend = 'auto' | 'cpu' | 'cuda';

export interface BackendOptions {
  /**
   * 'auto' (default): the GPU when CUDA is usable and the job is at least the crossover size
   * (setCudaCrossover), else the CPU; a GPU failure (out of memory, a failing CUDA call, non-convergence)
   * reruns the call on the CPU.
   * 'cpu': OpenBLAS/LAPACK. 'cuda': cuSOLVER, or E_CUDA_UNAVAILABLE with the reason.
   * The default can be changed with the environment variable WEIGHTSCOPE_BACKEND.
   */
  backend?: Backend;
}

/** The async calls also take an AbortSignal: a queued job is dropped, a running one's result discarded. */
export interface AsyncOptions {
  signal?: AbortSignal;
}

/** cuSOLVER's two SVD routines (backend 'cuda' only): Jacobi, or polar decomposition + syevd. */
export type GpuSvdRoutine = 'gesvdj' | 'gesvdp';

// Estimated flops (rows * cols * min(rows, cols)) from which 'auto' sends a job to the GPU.
// 1024^3: a first setting, not a measurement (no GPU was available when it was chosen; see README "GPU").
export const DEFAULT_CUDA_CROSSOVER = 1024 ** 3;
let crossover = parseCrossover(process.env.WEIGHTSCOPE_CUDA_CROSSOVER);

function parseCrossover(v: string | undefined): number {
  const n = v === undefined || v === '' ? NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? n : DEFAULT_CUDA_CROSSOVER;
}

/** Sets the job size (rows*cols*min(rows, cols)) from which backend 'auto' uses the GPU. */
export function setCudaCrossover(flops: number): void {
  if (!(typeof flops === 'number' && flops >= 0)) fail('E_OPTION', `setCudaCrossover expects a number >= 0, got ${flops}`);
  crossover = flops;
}

export function getCudaCrossover(): number {
  return crossover;
}

/**
 * The caller's options as a fresh object of their own enumerable properties (an inherited `k` or
 * `backend` is never read), after refusing unknown keys. undefined is no options.
 */
export function checkOptions<T extends object>(opts: T | undefined, allowed: readonly string[], fn: string): T {
  const own: Record<string, unknown> = Object.create(null);
  if (opts === undefined) return own as T;
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) fail('E_OPTION', `${fn}: options must be an object`);
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) fail('E_OPTION', `${fn}: unknown option '${key}' (known: ${allowed.join(', ')})`);
    own[key] = (opts as Record<string, unknown>)[key];
  }
  return own as T;
}

/** The backend asked for: the option, else WEIGHTSCOPE_BACKEND, else 'auto' (E_OPTION when not one of the three). */
export function requestedBackend(opts: BackendOptions): Backend {
  const b = opts.backend !== undefined ? opts.backend : ((process.env.WEIGHTSCOPE_BACKEND as Backend | undefined) ?? 'auto');
  if (b !== 'auto' && b !== 'cpu' && b !== 'cuda')
    fail('E_OPTION', `backend must be 'auto', 'cpu' or 'cuda', got ${JSON.stringify(b)}`);
  return b;
}

/** Throws E_CUDA_UNAVAILABLE, with the loader's reason, unless CUDA is usable. `prefix` names the caller. */
export function requireCuda(prefix = ''): void {
  const cuda = cudaStatus();
  if (!cuda.available)
    throw new WeightscopeError(`${prefix}backend 'cuda' requested but CUDA is unavailable: ${cuda.reason}`, 'E_CUDA_UNAVAILABLE');
}

/** The size measure of a rows x cols job that the crossover is compared with. */
export function jobFlops(rows: number, cols: number): number {
  return rows * cols * Math.min(rows, cols);
}

/** A boolean option: undefined is the default, anything but true/false is E_OPTION. */
export function boolOption(v: unknown, name: string, fn: string, dflt = false): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') fail('E_OPTION', `${fn}: ${name} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}
