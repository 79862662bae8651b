// Option checking shared by the linalg calls: unknown keys are refused (a misspelt option should not
// be silently ignored) and the backend request is resolved.
import { fail, WeightscopeError } from '../errors.js';
import { cudaStatus } from './cuda.js';

export type Backend = 'auto' | 'cpu' | 'cuda';

export interface BackendOptions {
  /** 'auto' (default) picks the GPU when usable, else the CPU; 'cuda' fails when no GPU is usable. */
  backend?: Backend;
}

export function checkOptions<T extends object>(opts: T | undefined, allowed: readonly string[], fn: string): T {
  if (opts === undefined) return {} as T;
  if (opts === null || typeof opts !== 'object') fail('E_OPTION', `${fn}: options must be an object`);
  for (const key of Object.keys(opts))
    if (!allowed.includes(key)) fail('E_OPTION', `${fn}: unknown option '${key}' (known: ${allowed.join(', ')})`);
  return opts;
}

/** The backend that will run the call. Only the CPU backend exists in this build. */
export function resolveBackend(opts: BackendOptions): 'cpu' {
  const b = opts.backend ?? 'auto';
  if (b !== 'auto' && b !== 'cpu' && b !== 'cuda')
    fail('E_OPTION', `backend must be 'auto', 'cpu' or 'cuda', got ${JSON.stringify(b)}`);
  if (b === 'cuda') {
    const cuda = cudaStatus();
    throw new WeightscopeError(`backend 'cuda' requested but CUDA is unavailable: ${cuda.reason}`, 'E_CUDA_UNAVAILABLE');
  }
  return 'cpu';
}
