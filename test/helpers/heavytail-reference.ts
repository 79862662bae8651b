// Loads the reference inputs (test/fixtures/reference/*.f64) and expected values (reference.json).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Matrix } from '../../src/index.js';
import { mulberry32 } from './prng.js';

const dir = fileURLToPath(new URL('../fixtures/reference/', import.meta.url));

export const REF = JSON.parse(readFileSync(dir + 'reference.json', 'utf8'));

export function loadInput(name: string): Matrix<Float64Array> {
  const { file, shape } = REF.inputs[name];
  const data = new Float64Array(readFileSync(dir + file).buffer.slice(0));
  return { data, shape: [shape[0], shape[1]] };
}

/** The same matrix rounded to float32. */
export function toF32(m: Matrix<Float64Array>): Matrix<Float32Array> {
  return { data: Float32Array.from(m.data), shape: m.shape };
}

/** Ascending eigenvalues λ = σ² from the numpy reference singular values. */
export function refEvals(name: string): Float64Array {
  const s: number[] = REF.numpy[name].svdvals;
  return Float64Array.from(s.map((v) => v * v)).sort();
}

export function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

/** Deterministic small PRNG for test data (mulberry32) and a Box–Muller normal. */
export function rng(seed: number): { uniform(): number; normal(): number } {
  const uniform = mulberry32(seed);
  const normal = () => {
    const u = 1 - uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
  return { uniform, normal };
}
