// Singular values and vectors. Routines: svdvals -> ?gesdd JOBZ='N' (fallback ?gesvd), or with
// method 'gram' ?syrk + ?syevd; svd -> ?gesdd JOBZ='S' (thin) / 'A' (full), top-k -> ?gesvdx.
import { native, type FloatArray } from '../binding.js';
import { fail } from '../errors.js';
import { unpack } from './matrix.js';
import { checkOptions, resolveBackend, type BackendOptions } from './options.js';

export interface SvdvalsOptions extends BackendOptions {
  /**
   * 'gesdd' (default): LAPACK's SVD, accurate to ~eps*sigma_i for every value.
   * 'gram': eigenvalues of the smaller Gram matrix (?syrk + ?syevd), ~3x faster on large matrices, but
   * absolute error ~eps*sigma_max^2 in sigma^2: small singular values lose digits. Fine for the ESD's
   * large eigenvalues; not for ranks or condition numbers.
   */
  method?: 'gesdd' | 'gram';
}

export interface SvdOptions extends BackendOptions {
  /** Only the k largest singular triplets, through ?gesvdx (k vectors computed, not all). */
  k?: number;
  /** Full U (rows x rows) and Vt (cols x cols) instead of thin. */
  full?: boolean;
}

export interface SvdResult<A extends FloatArray = FloatArray> {
  /** rows x r, row-major */
  U: { data: A; shape: [number, number] };
  /** r values, descending */
  S: A;
  /** r x cols, row-major */
  Vt: { data: A; shape: [number, number] };
  /** The LAPACK routine that produced it: "dgesdd", "sgesvd" (fallback), "dgesvdx", ... */
  routine: string;
}

const SVDVALS_OPTS = ['backend', 'method'] as const;
const SVD_OPTS = ['backend', 'k', 'full'] as const;

function svdMode(opts: SvdOptions, rows: number, cols: number): number {
  if (opts.k !== undefined) {
    if (opts.full) fail('E_OPTION', 'svd: k and full cannot be combined');
    const mn = Math.min(rows, cols);
    if (!Number.isSafeInteger(opts.k) || opts.k < 1 || opts.k > mn)
      fail('E_SHAPE', `svd: k must be an integer between 1 and min(rows, cols) = ${mn}, got ${opts.k}`);
    return opts.k;
  }
  return opts.full ? -1 : 0;
}

function toResult(r: import('../binding.js').RawSvd): SvdResult {
  return {
    U: { data: r.U, shape: r.uShape },
    S: r.S,
    Vt: { data: r.Vt, shape: r.vtShape },
    routine: r.routine,
  };
}

function gramToSvdvals(w: FloatArray): FloatArray {
  // w ascending eigenvalues of the Gram matrix -> descending sqrt; tiny negative rounding -> 0.
  const n = w.length;
  const s = new (w.constructor as Float64ArrayConstructor)(n);
  for (let i = 0; i < n; i++) s[i] = Math.sqrt(Math.max(w[n - 1 - i], 0));
  return s;
}

function checkMethod(opts: SvdvalsOptions): 'gesdd' | 'gram' {
  const m = opts.method ?? 'gesdd';
  if (m !== 'gesdd' && m !== 'gram') fail('E_OPTION', `method must be 'gesdd' or 'gram', got ${JSON.stringify(m)}`);
  return m;
}

/** Singular values, descending, in the input's dtype. Runs on the libuv pool. */
export async function svdvals<A extends FloatArray>(m: { data: A; shape: readonly [number, number] }, opts?: SvdvalsOptions): Promise<A>;
export async function svdvals(m: unknown, opts?: SvdvalsOptions): Promise<FloatArray> {
  const o = checkOptions(opts, SVDVALS_OPTS, 'svdvals');
  resolveBackend(o);
  const [data, rows, cols] = unpack(m);
  if (checkMethod(o) === 'gram') return gramToSvdvals(await native.gramEigvalsh(data, rows, cols, true));
  return (await native.svdvals(data, rows, cols, true)).S;
}

export function svdvalsSync<A extends FloatArray>(m: { data: A; shape: readonly [number, number] }, opts?: SvdvalsOptions): A;
export function svdvalsSync(m: unknown, opts?: SvdvalsOptions): FloatArray {
  const o = checkOptions(opts, SVDVALS_OPTS, 'svdvalsSync');
  resolveBackend(o);
  const [data, rows, cols] = unpack(m);
  if (checkMethod(o) === 'gram') return gramToSvdvals(native.gramEigvalsh(data, rows, cols, false));
  return native.svdvals(data, rows, cols, false).S;
}

/** Thin SVD by default (U rows x r, S, Vt r x cols, r = min(rows, cols)); `full`; or top-`k`. */
export async function svd<A extends FloatArray>(m: { data: A; shape: readonly [number, number] }, opts?: SvdOptions): Promise<SvdResult<A>>;
export async function svd(m: unknown, opts?: SvdOptions): Promise<SvdResult> {
  const o = checkOptions(opts, SVD_OPTS, 'svd');
  resolveBackend(o);
  const [data, rows, cols] = unpack(m);
  return toResult(await native.svd(data, rows, cols, svdMode(o, rows, cols), true));
}

export function svdSync<A extends FloatArray>(m: { data: A; shape: readonly [number, number] }, opts?: SvdOptions): SvdResult<A>;
export function svdSync(m: unknown, opts?: SvdOptions): SvdResult {
  const o = checkOptions(opts, SVD_OPTS, 'svdSync');
  resolveBackend(o);
  const [data, rows, cols] = unpack(m);
  return toResult(native.svd(data, rows, cols, svdMode(o, rows, cols), false));
}
