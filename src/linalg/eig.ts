// Symmetric eigenvalues (?syevd) and the Gram route (?syrk, then ?syevd), scale-safe on both backends.
import { native, type FloatArray } from '../binding.js';
import { fail } from '../errors.js';
import { isAdopted } from './adopt.js';
import { callAsync, callSync } from './call.js';
import { FLAG_ADOPT, placement, resolveContext, type LinalgContext } from './context.js';
import { unpack, type Matrix } from './matrix.js';
import { checkOptions, jobFlops, type AsyncOptions, type BackendOptions } from './options.js';

type M<A extends FloatArray> = { data: A; shape: readonly [number, number] };
type Opts = BackendOptions & AsyncOptions;
const OPTS = ['backend', 'signal'] as const;
const SYNC_OPTS = ['backend'] as const;

function square(m: unknown): [FloatArray, number] {
  const [data, rows, cols] = unpack(m);
  if (rows !== cols) fail('E_SHAPE', `eigvalsh needs a square matrix, got [${rows}, ${cols}]`);
  return [data, rows];
}

function flagsFor(ctx: LinalgContext, data: FloatArray, rows: number, cols: number): number {
  return placement(ctx, jobFlops(rows, cols), false) | (isAdopted(data) ? FLAG_ADOPT : 0);
}

export async function eigvalshIn(ctx: LinalgContext, m: unknown): Promise<FloatArray> {
  const [data, n] = square(m);
  return (await callAsync(ctx, flagsFor(ctx, data, n, n), (f, t) => native.eigvalsh(data, n, n, f, t) as Promise<{ w: FloatArray }>)).w;
}

export async function gramIn(ctx: LinalgContext, m: unknown): Promise<Matrix> {
  const [data, rows, cols] = unpack(m);
  const { G, n } = await callAsync(ctx, flagsFor(ctx, data, rows, cols), (f, t) => native.gram(data, rows, cols, f, t) as Promise<{ G: FloatArray; n: number }>);
  return { data: G, shape: [n, n] };
}

/** The Gram route's eigenvalues (= σ², ascending). E_NONFINITE when σ² cannot be represented in the dtype. */
export async function gramEigvalshIn(ctx: LinalgContext, m: unknown): Promise<FloatArray> {
  const [data, rows, cols] = unpack(m);
  return (await callAsync(ctx, flagsFor(ctx, data, rows, cols), (f, t) => native.gramEigvalsh(data, rows, cols, f, t) as Promise<{ w: FloatArray }>)).w;
}

/**
 * Eigenvalues of a symmetric matrix, ascending (?syevd). Only the lower triangle is read, as in
 * numpy.linalg.eigvalsh; the upper one is not checked for symmetry.
 */
export async function eigvalsh<A extends FloatArray>(m: M<A>, opts?: Opts): Promise<A>;
export async function eigvalsh(m: unknown, opts?: Opts): Promise<FloatArray> {
  return eigvalshIn(resolveContext(checkOptions(opts, OPTS, 'eigvalsh'), 'eigvalsh'), m);
}

export function eigvalshSync<A extends FloatArray>(m: M<A>, opts?: BackendOptions): A;
export function eigvalshSync(m: unknown, opts?: BackendOptions): FloatArray {
  const ctx = resolveContext(checkOptions(opts, SYNC_OPTS, 'eigvalshSync'), 'eigvalshSync');
  const [data, n] = square(m);
  return callSync(flagsFor(ctx, data, n, n), (f, t) => native.eigvalsh(data, n, n, f, t) as { w: FloatArray }).w;
}

/** The smaller Gram matrix: AᵀA (cols x cols) when rows >= cols, else AAᵀ (rows x rows), via ?syrk. */
export async function gram<A extends FloatArray>(m: M<A>, opts?: Opts): Promise<Matrix<A>>;
export async function gram(m: unknown, opts?: Opts): Promise<Matrix> {
  return gramIn(resolveContext(checkOptions(opts, OPTS, 'gram'), 'gram'), m);
}

export function gramSync<A extends FloatArray>(m: M<A>, opts?: BackendOptions): Matrix<A>;
export function gramSync(m: unknown, opts?: BackendOptions): Matrix {
  const ctx = resolveContext(checkOptions(opts, SYNC_OPTS, 'gramSync'), 'gramSync');
  const [data, rows, cols] = unpack(m);
  const { G, n } = callSync(flagsFor(ctx, data, rows, cols), (f, t) => native.gram(data, rows, cols, f, t) as { G: FloatArray; n: number });
  return { data: G, shape: [n, n] };
}

/**
 * Eigenvalues (ascending) of the smaller Gram matrix, i.e. the squared singular values: the ESD of
 * WeightWatcher (unnormalised). ?syrk + ?syevd, the data never leaves native memory in between.
 * Absolute error ~ eps * lambda_max: use svdvals (gesdd) when small eigenvalues matter.
 */
export async function gramEigvalsh<A extends FloatArray>(m: M<A>, opts?: Opts): Promise<A>;
export async function gramEigvalsh(m: unknown, opts?: Opts): Promise<FloatArray> {
  return gramEigvalshIn(resolveContext(checkOptions(opts, OPTS, 'gramEigvalsh'), 'gramEigvalsh'), m);
}

export function gramEigvalshSync<A extends FloatArray>(m: M<A>, opts?: BackendOptions): A;
export function gramEigvalshSync(m: unknown, opts?: BackendOptions): FloatArray {
  const ctx = resolveContext(checkOptions(opts, SYNC_OPTS, 'gramEigvalshSync'), 'gramEigvalshSync');
  const [data, rows, cols] = unpack(m);
  return callSync(flagsFor(ctx, data, rows, cols), (f, t) => native.gramEigvalsh(data, rows, cols, f, t) as { w: FloatArray }).w;
}
