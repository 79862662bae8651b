// Option checking shared by the linalg calls: unknown keys are refused (a misspelt option should not
// be silently ignored), and the backend request is resolved to where the call runs.
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

/** cuSOLVER's two SVD routines (backend 'cuda' only): Jacobi, or polar decomposition + syevd. */
export type GpuSvdRoutine = 'gesvdj' | 'gesvdp';

/** Where a call runs: the native `device` argument (0 CPU, 1 GPU by size, 2 gesvdj, 3 Xgesvdp). */
export interface Placement {
  device: number;
  /** Chosen by 'auto': a GPU failure falls back to the CPU. */
  auto: boolean;
}

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

export function checkOptions<T extends object>(opts: T | undefined, allowed: readonly string[], fn: string): T {
  if (opts === undefined) return {} as T;
  if (opts === null || typeof opts !== 'object') fail('E_OPTION', `${fn}: options must be an object`);
  for (const key of Object.keys(opts))
    if (!allowed.includes(key)) fail('E_OPTION', `${fn}: unknown option '${key}' (known: ${allowed.join(', ')})`);
  return opts;
}

/** The backend asked for: the option, else WEIGHTSCOPE_BACKEND, else 'auto' (E_OPTION when not one of the three). */
export function requestedBackend(opts: BackendOptions): Backend {
  const b = opts.backend ?? (process.env.WEIGHTSCOPE_BACKEND as Backend | undefined) ?? 'auto';
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

/**
 * Where a job of `flops` (jobFlops; summed over a batch) runs. `routine` pins a cuSOLVER SVD routine
 * (backend 'cuda' only). 'auto' loads the CUDA libraries only for jobs at or above the crossover, so
 * small jobs never pay for it.
 */
export function resolveBackend(opts: BackendOptions, flops: number, routine?: GpuSvdRoutine): Placement {
  const b = requestedBackend(opts);
  if (routine !== undefined && b !== 'cuda')
    fail('E_OPTION', `method '${routine}' is a cuSOLVER routine: it needs backend: 'cuda'`);
  if (b === 'cpu') return { device: 0, auto: false };
  if (b === 'cuda') {
    requireCuda();
    return { device: routine === 'gesvdj' ? 2 : routine === 'gesvdp' ? 3 : 1, auto: false };
  }
  if (flops < crossover || !cudaStatus().available) return { device: 0, auto: true };
  return { device: 1, auto: true };
}

let warned = false;

// Under 'auto' the CPU is the fallback for anything the GPU could not do: out of memory, a failing
// CUDA/cuSOLVER call, or a cuSOLVER routine that did not converge. Failures other than out of memory
// are reported once per process as a warning (code WEIGHTSCOPE_GPU_FALLBACK), since they may be a bug.
function fallsBack(p: Placement, e: unknown): boolean {
  if (!(p.auto && p.device > 0 && e instanceof WeightscopeError)) return false;
  const gpuLapack = e.code === 'E_LAPACK' && (e.routine ?? '').startsWith('cusolver');
  if (e.code !== 'E_CUDA_OOM' && e.code !== 'E_CUDA' && !gpuLapack) return false;
  if (e.code !== 'E_CUDA_OOM' && !warned) {
    warned = true;
    process.emitWarning(`the GPU failed (${e.message}); the call ran on the CPU instead`, {
      code: 'WEIGHTSCOPE_GPU_FALLBACK',
    });
  }
  return true;
}

/** Runs the call where `p` says; under 'auto', a GPU failure reruns it on the CPU (see fallsBack). */
export async function runPlaced<R>(p: Placement, run: (device: number) => Promise<R>): Promise<R> {
  try {
    return await run(p.device);
  } catch (e) {
    if (fallsBack(p, e)) return run(0);
    throw e;
  }
}

export function runPlacedSync<R>(p: Placement, run: (device: number) => R): R {
  try {
    return run(p.device);
  } catch (e) {
    if (fallsBack(p, e)) return run(0);
    throw e;
  }
}
