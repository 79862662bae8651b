// Symmetric eigenvalues (?syevd) and Gram matrices (?syrk).
import { native, type FloatArray } from '../binding.js';
import { fail } from '../errors.js';
import { unpack, type Matrix } from './matrix.js';
import { checkOptions, jobFlops, resolveBackend, runPlaced, runPlacedSync, type BackendOptions } from './options.js';

type M<A extends FloatArray> = { data: A; shape: readonly [number, number] };
const OPTS = ['backend'] as const;

function square(m: unknown): [FloatArray, number] {
  const [data, rows, cols] = unpack(m);
  if (rows !== cols) fail('E_SHAPE', `eigvalsh needs a square matrix, got [${rows}, ${cols}]`);
  return [data, rows];
}

/**
 * Eigenvalues of a symmetric matrix, ascending (?syevd). Only the lower triangle is read, as in
 * numpy.linalg.eigvalsh; the upper one is not checked for symmetry.
 */
export async function eigvalsh<A extends FloatArray>(m: M<A>, opts?: BackendOptions): Promise<A>;
export async function eigvalsh(m: unknown, opts?: BackendOptions): Promise<FloatArray> {
  const o = checkOptions(opts, OPTS, 'eigvalsh');
  const [data, n] = square(m);
  return runPlaced(resolveBackend(o, jobFlops(n, n)), (d) => native.eigvalsh(data, n, n, true, d));
}

export function eigvalshSync<A extends FloatArray>(m: M<A>, opts?: BackendOptions): A;
export function eigvalshSync(m: unknown, opts?: BackendOptions): FloatArray {
  const o = checkOptions(opts, OPTS, 'eigvalshSync');
  const [data, n] = square(m);
  return runPlacedSync(resolveBackend(o, jobFlops(n, n)), (d) => native.eigvalsh(data, n, n, false, d));
}

/** The smaller Gram matrix: AᵀA (cols x cols) when rows >= cols, else AAᵀ (rows x rows), via ?syrk. */
export async function gram<A extends FloatArray>(m: M<A>, opts?: BackendOptions): Promise<Matrix<A>>;
export async function gram(m: unknown, opts?: BackendOptions): Promise<Matrix> {
  const o = checkOptions(opts, OPTS, 'gram');
  const [data, rows, cols] = unpack(m);
  const { G, n } = await runPlaced(resolveBackend(o, jobFlops(rows, cols)), (d) => native.gram(data, rows, cols, true, d));
  return { data: G, shape: [n, n] };
}

export function gramSync<A extends FloatArray>(m: M<A>, opts?: BackendOptions): Matrix<A>;
export function gramSync(m: unknown, opts?: BackendOptions): Matrix {
  const o = checkOptions(opts, OPTS, 'gramSync');
  const [data, rows, cols] = unpack(m);
  const { G, n } = runPlacedSync(resolveBackend(o, jobFlops(rows, cols)), (d) => native.gram(data, rows, cols, false, d));
  return { data: G, shape: [n, n] };
}

/**
 * Eigenvalues (ascending) of the smaller Gram matrix, i.e. the squared singular values: the ESD of
 * WeightWatcher (unnormalised). ?syrk + ?syevd, the data never leaves native memory in between.
 * Absolute error ~ eps * lambda_max: use svdvals (gesdd) when small eigenvalues matter.
 */
export async function gramEigvalsh<A extends FloatArray>(m: M<A>, opts?: BackendOptions): Promise<A>;
export async function gramEigvalsh(m: unknown, opts?: BackendOptions): Promise<FloatArray> {
  const o = checkOptions(opts, OPTS, 'gramEigvalsh');
  const [data, rows, cols] = unpack(m);
  return runPlaced(resolveBackend(o, jobFlops(rows, cols)), (d) => native.gramEigvalsh(data, rows, cols, true, d));
}

export function gramEigvalshSync<A extends FloatArray>(m: M<A>, opts?: BackendOptions): A;
export function gramEigvalshSync(m: unknown, opts?: BackendOptions): FloatArray {
  const o = checkOptions(opts, OPTS, 'gramEigvalshSync');
  const [data, rows, cols] = unpack(m);
  return runPlacedSync(resolveBackend(o, jobFlops(rows, cols)), (d) => native.gramEigvalsh(data, rows, cols, false, d));
}
