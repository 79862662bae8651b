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

/** The largest value setThreads accepts. */
export const MAX_THREADS = 256;

/**
 * Sets the number of BLAS threads large jobs use (default: OPENBLAS_NUM_THREADS or the core count), an
 * integer from 1 to MAX_THREADS. Small jobs run side by side on min(n, cores) threads, and a batch never
 * spreads over more than that.
 */
export function setThreads(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_THREADS)
    fail('E_OPTION', `setThreads expects an integer from 1 to ${MAX_THREADS}, got ${String(n)}`);
  native.setThreads(n);
}

export function getThreads(): number {
  return native.getThreads();
}

/** The scheduler's CPU slots, min(setThreads, cores): how many small jobs run side by side. Internal. */
export function cpuSlots(): number {
  return native.info().slots;
}

/**
 * Sets the size (estimated flops rows*cols*min(rows,cols)) at which a job stops sharing the CPU with
 * other jobs and runs alone with all BLAS threads. Default 256^3.
 */
export function setLargeJobFlops(flops: number): void {
  if (typeof flops !== 'number' || !(flops >= 0)) fail('E_OPTION', `setLargeJobFlops expects a number >= 0, got ${String(flops)}`);
  native.setLargeJobFlops(flops);
}

export interface NativeStats {
  /** Native memory held by weightscope's buffers in use (bytes): inputs copied, results not yet collected. */
  liveBytes: number;
  /** Freed buffers kept warm for reuse (bytes), and the pool's bound (README "Threads"). */
  poolBytes: number;
  poolLimitBytes: number;
  /** gesdd -> gesvd fallbacks so far. */
  gesddFallbacks: number;
  /** Async native jobs queued, running or waiting to be delivered (the whole process). */
  jobsInFlight: number;
  /** GPU memory held by weightscope (bytes; 0 between calls). */
  deviceLiveBytes: number;
}

export function nativeStats(): NativeStats {
  const s = native.stats();
  return {
    liveBytes: s.liveBytes,
    poolBytes: s.poolBytes,
    poolLimitBytes: s.poolLimitBytes,
    gesddFallbacks: s.gesddFallbacks,
    jobsInFlight: s.jobsInFlight,
    deviceLiveBytes: s.deviceLiveBytes,
  };
}
