// Symmetric eigenvalues (?syevd) and Gram matrices (?syrk).
import { native, type FloatArray } from '../binding.js';
import { fail } from '../errors.js';
import { unpack, type Matrix } from './matrix.js';
import { checkOptions, resolveBackend, type BackendOptions } from './options.js';

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
  resolveBackend(checkOptions(opts, OPTS, 'eigvalsh'));
  const [data, n] = square(m);
  return native.eigvalsh(data, n, n, true);
}

export function eigvalshSync<A extends FloatArray>(m: M<A>, opts?: BackendOptions): A;
export function eigvalshSync(m: unknown, opts?: BackendOptions): FloatArray {
  resolveBackend(checkOptions(opts, OPTS, 'eigvalshSync'));
  const [data, n] = square(m);
  return native.eigvalsh(data, n, n, false);
}

/** The smaller Gram matrix: AᵀA (cols x cols) when rows >= cols, else AAᵀ (rows x rows), via ?syrk. */
export async function gram<A extends FloatArray>(m: M<A>, opts?: BackendOptions): Promise<Matrix<A>>;
export async function gram(m: unknown, opts?: BackendOptions): Promise<Matrix> {
  resolveBackend(checkOptions(opts, OPTS, 'gram'));
  const [data, rows, cols] = unpack(m);
  const { G, n } = await native.gram(data, rows, cols, true);
  return { data: G, shape: [n, n] };
}

export function gramSync<A extends FloatArray>(m: M<A>, opts?: BackendOptions): Matrix<A>;
export function gramSync(m: unknown, opts?: BackendOptions): Matrix {
  resolveBackend(checkOptions(opts, OPTS, 'gramSync'));
  const [data, rows, cols] = unpack(m);
  const { G, n } = native.gram(data, rows, cols, false);
  return { data: G, shape: [n, n] };
}

/**
 * Eigenvalues (ascending) of the smaller Gram matrix, i.e. the squared singular values: the ESD of
 * WeightWatcher (unnormalised). ?syrk + ?syevd, the data never leaves native memory in between.
 * Absolute error ~ eps * lambda_max: use svdvals (gesdd) when small eigenvalues matter.
 */
export async function gramEigvalsh<A extends FloatArray>(m: M<A>, opts?: BackendOptions): Promise<A>;
export async function gramEigvalsh(m: unknown, opts?: BackendOptions): Promise<FloatArray> {
  resolveBackend(checkOptions(opts, OPTS, 'gramEigvalsh'));
  const [data, rows, cols] = unpack(m);
  return native.gramEigvalsh(data, rows, cols, true);
}

export function gramEigvalshSync<A extends FloatArray>(m: M<A>, opts?: BackendOptions): A;
export function gramEigvalshSync(m: unknown, opts?: BackendOptions): FloatArray {
  resolveBackend(checkOptions(opts, OPTS, 'gramEigvalshSync'));
  const [data, rows, cols] = unpack(m);
  return native.gramEigvalsh(data, rows, cols, false);
}
