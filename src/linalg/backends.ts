// What runs the numerics: OpenBLAS on the CPU and cuSOLVER on a GPU, thread control and native stats.
import { native } from '../binding.js';
import { fail } from '../errors.js';
import { cudaStatus, type CudaBackend } from './cuda.js';

export interface CpuBackend {
  library: string;
  version: string;
  /** OpenBLAS's build string, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64". */
  config: string;
  /** CPU kernel set chosen at run time. */
  corename: string;
  /** BLAS threads a large job uses (setThreads). */
  threads: number;
  threading: 'sequential' | 'pthreads' | 'openmp';
  /** Jobs above this many flops (rows*cols*min) run alone with all threads; see README "Threads". */
  largeJobFlops: number;
  /** 'static' when OpenBLAS is linked into the addon (prebuilt binary), 'shared' otherwise. */
  linkage: 'static' | 'shared';
}

export { cudaStatus, cudaSearchDirs, cudaMemory, type CudaBackend, type CudaDevice } from './cuda.js';
export { setCudaCrossover, getCudaCrossover, DEFAULT_CUDA_CROSSOVER } from './options.js';

export function backends(): { cpu: CpuBackend; cuda: CudaBackend } {
  const i = native.info();
  const version = /OpenBLAS\s+([0-9][0-9.]*)/.exec(i.config)?.[1] ?? 'unknown';
  const threading = (['sequential', 'pthreads', 'openmp'] as const)[i.parallel] ?? 'sequential';
  return {
    cpu: {
      library: 'OpenBLAS',
      version,
      config: i.config.trim(),
      corename: i.corename,
      threads: i.threads,
      threading,
      largeJobFlops: i.largeJobFlops,
      linkage: i.linkage,
    },
    cuda: cudaStatus(),
  };
}

/** Sets the number of BLAS threads large jobs use (default: OPENBLAS_NUM_THREADS or the core count). */
export function setThreads(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1) fail('E_OPTION', `setThreads expects a positive integer, got ${n}`);
  native.setThreads(n);
}

export function getThreads(): number {
  return native.getThreads();
}

/**
 * Sets the size (estimated flops rows*cols*min(rows,cols)) at which a job stops sharing the CPU with
 * other jobs and runs alone with all BLAS threads. Default 256^3.
 */
export function setLargeJobFlops(flops: number): void {
  if (!(flops >= 0)) fail('E_OPTION', `setLargeJobFlops expects a number >= 0, got ${flops}`);
  native.setLargeJobFlops(flops);
}

/**
 * Native memory held by weightscope (bytes), gesdd->gesvd fallbacks so far, async jobs in flight, and
 * GPU memory held by weightscope (bytes; 0 between calls).
 */
export function nativeStats(): { liveBytes: number; gesddFallbacks: number; jobsInFlight: number; deviceLiveBytes: number } {
  return native.stats();
}
