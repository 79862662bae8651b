// Typed interface of the raw native addon, and its loader. The addon is found by node-gyp-build:
// prebuilds/<platform>-<arch>/*.node (shipped in the npm package) or build/Release/ (source build).
// WEIGHTSCOPE_ADDON=/path/to/weightscope.node overrides it (the sanitizer suite uses that).
import { resolve } from 'node:path';
import { WeightscopeError } from './errors.js';

export type FloatArray = Float32Array | Float64Array;

/** A dequantized tensor, with the seconds (wall, and the job thread's CPU time) spent reading the file and in the kernels. */
export interface GgmlResult {
  data: Float32Array;
  shape: number[];
  readSeconds: number;
  decodeSeconds: number;
  readCpuSeconds: number;
  decodeCpuSeconds: number;
  allocCpuSeconds: number;
}

export interface RawSvd {
  U: FloatArray;
  S: FloatArray;
  Vt: FloatArray;
  uShape: [number, number];
  vtShape: [number, number];
  routine: string;
}

type Maybe<R> = R | Promise<R>;

/**
 * The raw addon (native/binding/ops.h). Numeric calls end with (flags, token): src/linalg/context.ts packs
 * the flags (async, adopt, device, fallback, precision: native/binding/call_options.h); token 0 or a
 * cancellation id for cancel(). An async call returns a Promise of the same object a sync one returns;
 * `fallback` is set when backend 'auto' reran the job on the CPU after a GPU failure.
 */
export interface RawBinding {
  setErrorClass(cls: typeof WeightscopeError): void;
  svdvals(data: FloatArray, rows: number, cols: number, flags: number, token: number): Maybe<{ S: FloatArray; routine: string; fallback?: string }>;
  gramSvdvals(data: FloatArray, rows: number, cols: number, flags: number, token: number): Maybe<{ S: FloatArray; routine: string; fallback?: string }>;
  /** mode: 0 thin, -1 full, k > 0 top-k */
  svd(data: FloatArray, rows: number, cols: number, mode: number, flags: number, token: number): Maybe<RawSvd>;
  eigvalsh(data: FloatArray, n: number, n2: number, flags: number, token: number): Maybe<{ w: FloatArray; fallback?: string }>;
  gram(data: FloatArray, rows: number, cols: number, flags: number, token: number): Maybe<{ G: FloatArray; n: number; fallback?: string }>;
  gramEigvalsh(data: FloatArray, rows: number, cols: number, flags: number, token: number): Maybe<{ w: FloatArray; fallback?: string }>;
  svdvalsBatch(arrays: FloatArray[], rows: number, cols: number, flags: number, token: number): Maybe<{ S: FloatArray[]; fallback?: string }>;
  /** dtype 0 F32, 1 F64, 2 F16, 3 BF16; layout 0 as stored, 1 transpose 2-D, 2 swap axes 0/1 of 4-D; out 0 auto, 1 f32, 2 f64 */
  readTensor(path: string, offset: number, byteLength: number, dtype: number, shape: number[], layout: number, out: number, flags: number, token: number): Maybe<{ data: FloatArray; shape: number[] }>;
  decodeTensor(bytes: Uint8Array, dtype: number, shape: number[], layout: number, out: number, flags: number, token: number): Maybe<{ data: FloatArray; shape: number[] }>;
  /** ggml-quantized (GGUF) tensor -> float32: `type` is the ggml type id, `count` the element count (whole blocks). */
  readGgml(path: string, offset: number, byteLength: number, type: number, count: number, flags: number, token: number): Maybe<GgmlResult>;
  decodeGgml(bytes: Uint8Array, type: number, count: number, flags: number, token: number): Maybe<GgmlResult>;
  /** Dequantizes stored quantized tensors (native/binding/quant_op.cc: op, params, inputs) into float32 (rows × cols). */
  dequantize(op: number, params: number[], inputs: Uint8Array[], flags: number, token: number): Maybe<{ data: Float32Array; shape: [number, number] }>;
  /** A copy in native memory (precision 0 as is, 1 float32, 2 float64). */
  snapshot(data: FloatArray, rows: number, cols: number, precision: number): FloatArray;
  /** An uninitialised native-backed array of `count` elements (float64 when f64), from the pool. */
  allocate(count: number, f64: boolean): FloatArray;
  /** Detaches a native-backed array and gives its block back to the pool now; false when not one of ours. */
  release(data: ArrayBufferView): boolean;
  /** 128-bit content digest of the bytes (native/core/digest.h), as 32 hex digits. */
  contentDigest(bytes: Uint8Array, flags: number, token: number): Maybe<string>;
  /** Drops the job of `token` if it is still queued (true). */
  cancel(token: number): boolean;
  cudaMemInfo(): { free: number; total: number } | null;
  cudaProbe(dirs: string[]): {
    available: boolean;
    reason: string;
    stage: string;
    libraryPaths: { cudart?: string; cusolver?: string; cublas?: string };
    missingSymbols: string[];
    triedCount: number;
    runtimeVersion: number;
    driverVersion: number;
    cusolverVersion: number;
    cublasVersion: number;
    devices: { index: number; name: string; memoryTotal: number | null; memoryFree: number | null; computeCapability: string }[];
  };
  info(): {
    config: string;
    corename: string;
    parallel: number;
    threads: number;
    slots: number;
    maxThreads: number;
    cores: number;
    largeJobFlops: number;
    linkage: 'static' | 'shared';
    testHooks: boolean;
  };
  setThreads(n: number): void;
  getThreads(): number;
  setLargeJobFlops(flops: number): void;
  stats(): {
    liveBytes: number;
    poolBytes: number;
    poolLimitBytes: number;
    poolHits: number;
    poolMisses: number;
    gesddFallbacks: number;
    jobsInFlight: number;
    deviceLiveBytes: number;
    scheduler: { slots: number; blasThreads: number; cpuRunning: number; gpuRunning: number; ioRunning: number; syncRunning: number; cpuQueued: number; gpuQueued: number; ioQueued: number };
  };
  // Test hooks: present only in the dev/test build (info().testHooks), absent from the prebuilt binary.
  _injectFailures?(gesdd: number, gesvd: number): void;
  _cudaHold?(bytes: number): boolean;
  _cudaRelease?(): void;
  _forcePortableF16?(on: boolean): boolean;
  _failResults?(n: number): void;
  _holdCpu?(on: boolean): void;
  _lapackProbe?(routine: 'gesdd' | 'gesvd' | 'syevd', job: string, m: number, n: number): {
    min: number; bound: number; iwork: number; fits: boolean; query?: number; infoAtMin?: number; infoBelowMin?: number;
  };
}

// dist/ is CommonJS (src/package.json; dist/index.mjs is the ESM entry), so __dirname and require are the module's own.
export const packageRoot = resolve(__dirname, '..');

function load(): RawBinding {
  const override = process.env.WEIGHTSCOPE_ADDON;
  try {
    const addon = (override ? require(resolve(override)) : require('node-gyp-build')(packageRoot)) as RawBinding;
    addon.setErrorClass(WeightscopeError);
    return addon;
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new Error(
      `weightscope: could not load the native addon (${why}). ` +
        'To build it from source: npm install --save-dev cmake-js node-addon-api, then npm rebuild weightscope ' +
        '(needs cmake, a C++ compiler and OpenBLAS: apt-get install cmake g++ libopenblas-dev; README "Install").',
    );
  }
}

export const native: RawBinding = load();
