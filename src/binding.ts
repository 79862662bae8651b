// Typed interface of the raw native addon, and its loader. The addon is found by node-gyp-build:
// prebuilds/<platform>-<arch>/*.node (shipped in the npm package) or build/Release/ (source build).
// WEIGHTSCOPE_ADDON=/path/to/weightscope.node overrides it (the sanitizer suite uses that).
import { resolve } from 'node:path';
import { WeightscopeError } from './errors.js';

export type FloatArray = Float32Array | Float64Array;

export interface RawSvd {
  U: FloatArray;
  S: FloatArray;
  Vt: FloatArray;
  uShape: [number, number];
  vtShape: [number, number];
  routine: string;
}

export interface RawBinding {
  setErrorClass(cls: typeof WeightscopeError): void;
  // device: 0 = CPU, 1 = GPU (routine by size), 2 = GPU gesvdj, 3 = GPU Xgesvdp (see native/binding/ops.h)
  svdvals(data: FloatArray, rows: number, cols: number, async: false, device?: number): { S: FloatArray; routine: string };
  svdvals(data: FloatArray, rows: number, cols: number, async: true, device?: number): Promise<{ S: FloatArray; routine: string }>;
  /** mode: 0 thin, -1 full, k > 0 top-k */
  svd(data: FloatArray, rows: number, cols: number, mode: number, async: false, device?: number): RawSvd;
  svd(data: FloatArray, rows: number, cols: number, mode: number, async: true, device?: number): Promise<RawSvd>;
  eigvalsh(data: FloatArray, n: number, n2: number, async: false, device?: number): FloatArray;
  eigvalsh(data: FloatArray, n: number, n2: number, async: true, device?: number): Promise<FloatArray>;
  gram(data: FloatArray, rows: number, cols: number, async: false, device?: number): { G: FloatArray; n: number };
  gram(data: FloatArray, rows: number, cols: number, async: true, device?: number): Promise<{ G: FloatArray; n: number }>;
  gramEigvalsh(data: FloatArray, rows: number, cols: number, async: false, device?: number): FloatArray;
  gramEigvalsh(data: FloatArray, rows: number, cols: number, async: true, device?: number): Promise<FloatArray>;
  svdvalsBatch(arrays: FloatArray[], rows: number, cols: number, async: false, device?: number): FloatArray[];
  svdvalsBatch(arrays: FloatArray[], rows: number, cols: number, async: true, device?: number): Promise<FloatArray[]>;
  cudaMemInfo(): { free: number; total: number } | null;
  _cudaHold(bytes: number): boolean;
  _cudaRelease(): void;
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
    largeJobFlops: number;
    linkage: 'static' | 'shared';
  };
  setThreads(n: number): void;
  getThreads(): number;
  setLargeJobFlops(flops: number): void;
  stats(): { liveBytes: number; gesddFallbacks: number; jobsInFlight: number; deviceLiveBytes: number };
  _injectFailures(gesdd: number, gesvd: number): void;
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
