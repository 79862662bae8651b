// Where the CUDA libraries are looked for, and the cached result of loading them (native/cusolver).
// Search order: WEIGHTSCOPE_CUDA_LIB_DIR, the system loader path (LD_LIBRARY_PATH, ldconfig),
// /usr/local/cuda/lib64, then the nvidia/*/lib folders of Python environments (the pip wheels
// nvidia-cusolver, nvidia-cublas, nvidia-cuda-runtime that torch installs).
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { native } from '../binding.js';

export interface CudaDevice {
  index: number;
  name: string;
  /** Bytes; null when the driver API could not say. */
  memoryTotal: number | null;
  /**
   * Free bytes when probed, for device 0 only (the one weightscope computes on; cudaMemory() gives the
   * current value): reading it on another GPU would create a CUDA context, and take its memory, there.
   */
  memoryFree: number | null;
  computeCapability: string;
}

export interface CudaBackend {
  available: boolean;
  /** Why CUDA cannot be used, when it cannot. */
  reason?: string;
  /** Which step stopped: 'library' (not found), 'symbols', 'driver', 'device', or 'ok'. */
  stage: string;
  devices: CudaDevice[];
  runtimeVersion: number;
  driverVersion: number;
  cusolverVersion: number;
  cublasVersion: number;
  libraryPaths: { cudart?: string; cusolver?: string; cublas?: string };
  missingSymbols: string[];
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(dir, d.name));
  } catch {
    return [];
  }
}

/** site-packages folders of the Python environments we know how to find without running Python. */
function sitePackages(): string[] {
  const prefixes = [process.env.VIRTUAL_ENV, process.env.CONDA_PREFIX, join(homedir(), '.local'), '/usr/local', '/usr']
    .filter((p): p is string => !!p)
    .concat(subdirs(join(homedir(), '.pyenv', 'versions')));
  const out: string[] = [];
  for (const prefix of prefixes)
    for (const lib of subdirs(join(prefix, 'lib')).filter((d) => /python3[.\d]*$/.test(d)))
      for (const name of ['site-packages', 'dist-packages']) if (existsSync(join(lib, name))) out.push(join(lib, name));
  if (existsSync('/usr/lib/python3/dist-packages')) out.push('/usr/lib/python3/dist-packages');
  return out;
}

export function cudaSearchDirs(): string[] {
  const dirs: string[] = [];
  if (process.env.WEIGHTSCOPE_CUDA_LIB_DIR) dirs.push(...process.env.WEIGHTSCOPE_CUDA_LIB_DIR.split(':').filter(Boolean));
  dirs.push('', '/usr/local/cuda/lib64');
  // CUDA 13 wheels put everything in nvidia/cu13/lib; CUDA 12 wheels use nvidia/<component>/lib.
  for (const sp of sitePackages())
    for (const d of subdirs(join(sp, 'nvidia'))) if (existsSync(join(d, 'lib'))) dirs.push(join(d, 'lib'));
  return [...new Set(dirs)];
}

let cached: CudaBackend | undefined;

/** Free and total bytes of the GPU weightscope computes on (device 0), or null without CUDA. */
export function cudaMemory(): { free: number; total: number } | null {
  return cudaStatus().available ? native.cudaMemInfo() : null;
}

/** Loads the CUDA libraries once (first call) and reports what was found. */
export function cudaStatus(): CudaBackend {
  if (cached) return cached;
  const r = native.cudaProbe(cudaSearchDirs());
  cached = {
    available: r.available,
    stage: r.stage,
    reason: r.reason,
    devices: r.devices,
    runtimeVersion: r.runtimeVersion,
    driverVersion: r.driverVersion,
    cusolverVersion: r.cusolverVersion,
    cublasVersion: r.cublasVersion,
    libraryPaths: r.libraryPaths,
    missingSymbols: r.missingSymbols,
  };
  if (r.available) delete cached.reason;
  return cached;
}
