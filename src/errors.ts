/** Every error weightscope throws or rejects with. `code` says what kind it is. */
export type ErrorCode =
  | 'E_SHAPE' // data length != rows*cols, zero/non-integer dims, non-square for eigvalsh, bad k
  | 'E_DTYPE' // not a Float32Array/Float64Array (use matrix() for number[][])
  | 'E_NONFINITE' // NaN/Inf in the input, or a result that would overflow
  | 'E_TOO_LARGE' // past LAPACK's 32-bit integer limits, typed-array limits or available memory
  | 'E_DETACHED' // the input's ArrayBuffer was detached
  | 'E_LAPACK' // non-convergence after the fallback (routine and info attached)
  | 'E_CUDA_UNAVAILABLE' // backend 'cuda' requested but no usable GPU (the reason is in the message)
  | 'E_CUDA' // a CUDA runtime / cuSOLVER / cuBLAS call failed (call in `routine`, status in `info`)
  | 'E_CUDA_OOM' // not enough GPU memory (bytes needed and free in the message)
  | 'E_OPTION' // an unknown or invalid option
  | 'E_DEGENERATE' // the metric is undefined for this input: zero matrix, one class, an empty class
  | 'E_FORMAT' // a malformed or unsupported model file (names the file and tensor)
  | 'E_INTERNAL'; // a weightscope bug: please report it

export interface ErrorDetails {
  /** LAPACK routine (e.g. "dgesvd") or CUDA call (e.g. "cusolverDnXsyevd") that failed. */
  routine?: string;
  /** Its INFO value, or the CUDA/cuSOLVER/cuBLAS status code. */
  info?: number;
}

export class WeightscopeError extends Error {
  readonly code: ErrorCode;
  readonly routine?: string;
  readonly info?: number;

  constructor(message: string, code: ErrorCode, details: ErrorDetails = {}) {
    super(message);
    this.name = 'WeightscopeError';
    this.code = code;
    if (details.routine !== undefined) this.routine = details.routine;
    if (details.info !== undefined) this.info = details.info;
  }
}

export function fail(code: ErrorCode, message: string): never {
  throw new WeightscopeError(message, code);
}
