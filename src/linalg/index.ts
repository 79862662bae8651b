export { matrix, dtypeOf, type Matrix, type DType, type FloatArray } from './matrix.js';
export { svdvals, svdvalsSync, svd, svdSync, type SvdvalsOptions, type SvdOptions, type SvdResult } from './svd.js';
export { eigvalsh, eigvalshSync, gram, gramSync, gramEigvalsh, gramEigvalshSync } from './eig.js';
export { svdvalsBatch, svdvalsBatchSync } from './batch.js';
export {
  backends,
  setThreads,
  getThreads,
  setLargeJobFlops,
  MAX_THREADS,
  nativeStats,
  type NativeStats,
  type CpuBackend,
  cudaSearchDirs,
  cudaMemory,
  setCudaCrossover,
  getCudaCrossover,
  DEFAULT_CUDA_CROSSOVER,
  type CudaBackend,
  type CudaDevice,
} from './backends.js';
export type { Backend, BackendOptions, AsyncOptions, GpuSvdRoutine } from './options.js';
