// Loads the reference inputs (test/fixtures/reference, copied from the spec's shared/reference).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from './prng.js';

export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const refDir = join(fixturesDir, 'reference');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const reference: any = JSON.parse(readFileSync(join(refDir, 'reference.json'), 'utf8'));
export const inputNames = Object.keys(reference.inputs) as string[];

export function readF64(path: string): Float64Array {
  const b = readFileSync(path);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function loadInput(name: string): { data: Float64Array; shape: [number, number] } {
  const meta = reference.inputs[name];
  return { data: readF64(join(refDir, meta.file)), shape: [meta.shape[0], meta.shape[1]] };
}

export function maxRelErr(got: ArrayLike<number>, want: ArrayLike<number>, scale: number): number {
  if (got.length !== want.length) throw new Error(`length ${got.length} != ${want.length}`);
  let m = 0;
  for (let i = 0; i < got.length; i++) m = Math.max(m, Math.abs(got[i] - want[i]) / scale);
  return m;
}

/** max |got − want| over max |want| (element-wise against a reference of the same length). */
export function maxRelDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  return maxRelErr(got, want, scale);
}

/** Seeded standard normals (mulberry32 + Box-Muller), for tests that need random matrices. */
export function randn(n: number, seed = 1, Ctor: Float32ArrayConstructor | Float64ArrayConstructor = Float64Array) {
  const raw = mulberry32(seed);
  const u = () => raw() + 0.5 / 4294967296; // never 0: log(u) below
  const out = new Ctor(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u()));
    const th = 2 * Math.PI * u();
    out[i] = r * Math.cos(th);
    if (i + 1 < n) out[i + 1] = r * Math.sin(th);
  }
  return out;
}
