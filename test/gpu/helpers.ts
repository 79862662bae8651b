// Shared by the GPU suite: matrices, tolerances and the CPU references the GPU results are held to.
import { randn } from '../helpers/reference.js';

export type M = { data: Float32Array | Float64Array; shape: [number, number] };

/** Largest dimension the random-size tests use: 8192 on a GPU, less against the CPU stand-in. */
export const MAX_N = Number(process.env.WEIGHTSCOPE_GPU_MAX_N ?? 8192);
export const isMock = process.env.WEIGHTSCOPE_CUDA_MOCK === '1';

/** Tolerance relative to sigma_max (issue #4: f64 1e-10, f32 1e-4). */
export const tol = (dtype: 'f32' | 'f64') => (dtype === 'f64' ? 1e-10 : 1e-4);

export function random(rows: number, cols: number, seed: number, dtype: 'f32' | 'f64'): M {
  return { data: randn(rows * cols, seed, dtype === 'f32' ? Float32Array : Float64Array), shape: [rows, cols] };
}

/** Shapes from small to MAX_N: square, tall and wide, including non-multiples of 32. */
export function shapes(): [number, number][] {
  const out: [number, number][] = [[1, 1], [7, 3], [3, 7], [33, 33], [100, 37], [37, 100]];
  for (const n of [256, 1024, 2048, 4096, 8192]) {
    if (n > MAX_N) break;
    out.push([n, n], [n, Math.max(1, n >> 2)], [Math.max(1, n >> 2), n]);
  }
  if (MAX_N < 256) out.push([MAX_N, MAX_N]);
  return out;
}
