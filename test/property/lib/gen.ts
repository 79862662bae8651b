// Generated inputs of the property suite: matrices over shapes (1×n, n×1, tall, wide, square), dtypes,
// scales from 1e-300 to 1e300 and degenerate structures (zero, rank 1, duplicate rows, one-hot, constant,
// orthogonal), drawn by fast-check from a fixed seed. A case travels to numpy and to the child that runs
// weightscope as JSON, each matrix as base64 of its exact little-endian bytes.
import fc from 'fast-check';
import { gaussian } from '../../helpers/metrics.js';

export type DType = 'float32' | 'float64';
export type Structure =
  | 'gaussian'
  | 'zero'
  | 'rank1'
  | 'lowrank'
  | 'duplicateRows'
  | 'oneHot'
  | 'constant'
  | 'orthogonal'
  | 'spiked'
  | 'integer';

export interface MatrixSpec {
  rows: number;
  cols: number;
  dtype: DType;
  structure: Structure;
  scale: number;
  seed: number;
}

/** What a case carries for a matrix. */
export interface EncodedMatrix {
  dtype: DType;
  shape: [number, number];
  b64: string;
}

export const STRUCTURES: Structure[] = ['gaussian', 'zero', 'rank1', 'lowrank', 'duplicateRows', 'oneHot', 'constant', 'orthogonal', 'spiked', 'integer'];

/** Scales: 1 (often), the decades at the ends of each dtype's range, and log-uniform in between. */
export function scaleArb(dtype: DType): fc.Arbitrary<number> {
  const maxExp = dtype === 'float64' ? 300 : 36;
  const ends = dtype === 'float64' ? [1e-300, 1e-170, 1e-100, 1e100, 1e200, 1e300] : [1e-36, 1e-30, 1e-20, 1e20, 1e30, 1e36];
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(1) },
    { weight: 2, arbitrary: fc.constantFrom(...ends) },
    { weight: 3, arbitrary: fc.integer({ min: -maxExp, max: maxExp }).map((e) => 10 ** e) },
  );
}

/** Shapes with 1×n, n×1, tall, wide and square all likely; sizes up to `max`. */
export function shapeArb(max = 12): fc.Arbitrary<[number, number]> {
  const n = fc.integer({ min: 1, max });
  const big = fc.integer({ min: 2, max });
  return fc.oneof(
    n.map((c): [number, number] => [1, c]),
    n.map((r): [number, number] => [r, 1]),
    fc.tuple(big, big).map(([a, b]): [number, number] => [Math.max(a, b), Math.min(a, b)]),
    fc.tuple(big, big).map(([a, b]): [number, number] => [Math.min(a, b), Math.max(a, b)]),
    big.map((a): [number, number] => [a, a]),
  );
}

export function matrixSpecArb(opts: { max?: number; shape?: fc.Arbitrary<[number, number]>; structures?: Structure[]; dtypes?: DType[] } = {}): fc.Arbitrary<MatrixSpec> {
  const dtypes = opts.dtypes ?? ['float64', 'float32'];
  return fc.constantFrom(...dtypes).chain((dtype) =>
    fc.record({
      shape: opts.shape ?? shapeArb(opts.max),
      dtype: fc.constant(dtype),
      structure: fc.constantFrom(...(opts.structures ?? STRUCTURES)),
      scale: scaleArb(dtype),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    }).map(({ shape, ...r }) => ({ rows: shape[0], cols: shape[1], ...r })),
  );
}

/** Gram-Schmidt columns of a gaussian matrix: n x k with orthonormal columns (k <= n). */
function orthonormalColumns(n: number, k: number, g: () => number): Float64Array {
  const Q = new Float64Array(n * k);
  for (let j = 0; j < k; j++) {
    for (;;) {
      const v = Array.from({ length: n }, g);
      for (let pass = 0; pass < 2; pass++)
        for (let i = 0; i < j; i++) {
          let d = 0;
          for (let t = 0; t < n; t++) d += Q[t * k + i] * v[t];
          for (let t = 0; t < n; t++) v[t] -= d * Q[t * k + i];
        }
      const norm = Math.hypot(...v);
      if (norm > 1e-8) {
        for (let t = 0; t < n; t++) Q[t * k + j] = v[t] / norm;
        break;
      }
    }
  }
  return Q;
}

/** The matrix's values before scaling (float64). */
function base(s: MatrixSpec): Float64Array {
  const { rows: r, cols: c } = s;
  const g = gaussian(s.seed);
  const a = new Float64Array(r * c);
  switch (s.structure) {
    case 'gaussian':
      for (let i = 0; i < a.length; i++) a[i] = g();
      break;
    case 'zero':
      break;
    case 'rank1':
    case 'lowrank': {
      const k = s.structure === 'rank1' ? 1 : Math.max(1, Math.min(r, c) >> 1);
      const u = Array.from({ length: r * k }, g);
      const v = Array.from({ length: c * k }, g);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) for (let t = 0; t < k; t++) a[i * c + j] += u[i * k + t] * v[j * k + t];
      break;
    }
    case 'duplicateRows': {
      const distinct = Math.max(1, r >> 1);
      const rowsOf = Array.from({ length: distinct * c }, g);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) a[i * c + j] = rowsOf[(i % distinct) * c + j];
      break;
    }
    case 'oneHot': // each row a one-hot vector
      for (let i = 0; i < r; i++) a[i * c + Math.floor(Math.abs(g() * 1e6)) % c] = 1;
      break;
    case 'constant':
      a.fill(1 + Math.abs(g()));
      break;
    case 'orthogonal': {
      // orthonormal columns (tall) or rows (wide): every singular value is 1, a maximal tie
      const [n, k] = r >= c ? [r, c] : [c, r];
      const Q = orthonormalColumns(n, k, g);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) a[i * c + j] = r >= c ? Q[i * k + j] : Q[j * k + i];
      break;
    }
    case 'spiked': {
      for (let i = 0; i < a.length; i++) a[i] = g() * 0.1;
      const u = Array.from({ length: r }, g);
      const v = Array.from({ length: c }, g);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) a[i * c + j] += 3 * u[i] * v[j];
      break;
    }
    case 'integer':
      for (let i = 0; i < a.length; i++) a[i] = Math.round(g() * 3);
      break;
  }
  return a;
}

export function materialize(s: MatrixSpec): Float32Array | Float64Array {
  const a = base(s);
  for (let i = 0; i < a.length; i++) a[i] *= s.scale;
  return s.dtype === 'float32' ? Float32Array.from(a) : a;
}

export function encode(data: Float32Array | Float64Array, shape: [number, number]): EncodedMatrix {
  const dtype: DType = data instanceof Float32Array ? 'float32' : 'float64';
  return { dtype, shape, b64: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') };
}

export function encodeSpec(s: MatrixSpec): EncodedMatrix {
  return encode(materialize(s), [s.rows, s.cols]);
}

/** Draws `n` values of `arb` reproducibly (the seed fixes the whole list). */
export function draw<T>(arb: fc.Arbitrary<T>, n: number, seed: number): T[] {
  return fc.sample(arb, { numRuns: n, seed });
}

/** Cases per family: PROPERTY_RUNS (default `dflt`) scaled, for longer local campaigns. */
export function runs(dflt: number): number {
  const f = Number(process.env.PROPERTY_RUNS_FACTOR ?? 1);
  return Math.max(1, Math.round(dflt * (Number.isFinite(f) && f > 0 ? f : 1)));
}

export function seedOf(dflt: number): number {
  const s = Number(process.env.PROPERTY_SEED ?? dflt);
  return Number.isSafeInteger(s) ? s : dflt;
}
