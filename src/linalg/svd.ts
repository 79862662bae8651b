// Singular values and vectors. CPU routines: svdvals -> ?gesdd JOBZ='N' (fallback ?gesvd), or with
// method 'gram' ?syrk + ?syevd (scale-safe); svd -> ?gesdd JOBZ='S' (thin) / 'A' (full), top-k -> the thin
// SVD with its leading k kept. GPU routines (backend 'cuda' or 'auto' above the crossover): gesvdj or
// Xgesvdp, Gram via syrk + Xsyevd.
//
// Each public function resolves its options once into a LinalgContext and calls the internal entry point
// (svdvalsIn, svdIn, ...), which other layers call directly with a context of their own.
import { native, type FloatArray, type RawSvd } from '../binding.js';
import { fail } from '../errors.js';
import { isAdopted } from './adopt.js';
import { callAsync, callSync } from './call.js';
import { FLAG_ADOPT, placement, resolveContext, type LinalgContext } from './context.js';
import { unpack } from './matrix.js';
import { boolOption, checkOptions, jobFlops, type AsyncOptions, type BackendOptions, type GpuSvdRoutine } from './options.js';

type M<A extends FloatArray> = { data: A; shape: readonly [number, number] };

export interface SvdvalsOptions extends BackendOptions, AsyncOptions {
  /**
   * 'gesdd' (default): a full-accuracy SVD: LAPACK's ?gesdd on the CPU (~eps*sigma_i for every value);
   * on the GPU cuSOLVER's Xgesvdp (gesvdj up to min(rows, cols) = 32).
   * 'gram': square roots of the eigenvalues of the smaller Gram matrix (?syrk + ?syevd), ~3x faster on
   * large matrices, but absolute error ~eps*sigma_max^2 in sigma^2: small singular values lose digits.
   * Fine for the ESD's large eigenvalues; not for ranks or condition numbers.
   * 'gesvdj' / 'gesvdp': pin one cuSOLVER routine (backend 'cuda' only).
   */
  method?: 'gesdd' | 'gram' | GpuSvdRoutine;
}

export interface SvdOptions extends BackendOptions, AsyncOptions {
  /** Only the k largest singular triplets (the thin SVD's leading k). */
  k?: number;
  /** Full U (rows x rows) and Vt (cols x cols) instead of thin. */
  full?: boolean;
  /** Pin a cuSOLVER routine (backend 'cuda' only): 'gesvdj' (Jacobi) or 'gesvdp' (polar decomposition). */
  method?: GpuSvdRoutine;
}

export interface SvdResult<A extends FloatArray = FloatArray> {
  /** rows x r, row-major */
  U: { data: A; shape: [number, number] };
  /** r values, descending */
  S: A;
  /** r x cols, row-major */
  Vt: { data: A; shape: [number, number] };
  /** The routine that produced it: "dgesdd", "sgesvd" (fallback), "cusolverDnDgesvdj", ... */
  routine: string;
}

/** Singular values with the routine that produced them (internal entry points). */
export interface SvdvalsResult<A extends FloatArray = FloatArray> {
  S: A;
  routine: string;
}

const SVDVALS_OPTS = ['backend', 'method', 'signal'] as const;
const SVDVALS_SYNC_OPTS = ['backend', 'method'] as const;
const SVD_OPTS = ['backend', 'k', 'full', 'method', 'signal'] as const;
const SVD_SYNC_OPTS = ['backend', 'k', 'full', 'method'] as const;

/** svd's native mode: 0 thin, -1 full, k > 0 the top k. */
function svdMode(opts: SvdOptions, rows: number, cols: number, fn: string): number {
  const full = boolOption(opts.full, 'full', fn);
  if (opts.k !== undefined) {
    if (full) fail('E_OPTION', `${fn}: k and full cannot be combined`);
    const mn = Math.min(rows, cols);
    if (!Number.isSafeInteger(opts.k) || opts.k < 1 || opts.k > mn)
      fail('E_SHAPE', `${fn}: k must be an integer between 1 and min(rows, cols) = ${mn}, got ${opts.k}`);
    return opts.k;
  }
  return full ? -1 : 0;
}

function svdContext(o: SvdOptions, fn: string): LinalgContext {
  if (o.method !== undefined && o.method !== 'gesvdj' && o.method !== 'gesvdp')
    fail('E_OPTION', `${fn}: method must be 'gesvdj' or 'gesvdp', got ${JSON.stringify(o.method)}`);
  return resolveContext(o, fn);
}

function toResult(r: RawSvd): SvdResult {
  return { U: { data: r.U, shape: r.uShape }, S: r.S, Vt: { data: r.Vt, shape: r.vtShape }, routine: r.routine };
}

function flagsFor(ctx: LinalgContext, data: FloatArray, rows: number, cols: number): number {
  return placement(ctx, jobFlops(rows, cols)) | (isAdopted(data) ? FLAG_ADOPT : 0);
}

/** Singular values by the context's route (gesdd or the Gram route), with the routine that ran. */
export function svdvalsIn(ctx: LinalgContext, m: unknown): Promise<SvdvalsResult> {
  const [data, rows, cols] = unpack(m);
  const run = ctx.method === 'gram' ? native.gramSvdvals : native.svdvals;
  return callAsync(ctx, flagsFor(ctx, data, rows, cols), (f, t) => run(data, rows, cols, f, t) as Promise<SvdvalsResult>);
}

export function svdvalsInSync(ctx: LinalgContext, m: unknown): SvdvalsResult {
  const [data, rows, cols] = unpack(m);
  const run = ctx.method === 'gram' ? native.gramSvdvals : native.svdvals;
  return callSync(flagsFor(ctx, data, rows, cols), (f, t) => run(data, rows, cols, f, t) as SvdvalsResult);
}

/** The SVD in `mode` (0 thin, -1 full, k > 0 the top k). */
export async function svdIn(ctx: LinalgContext, m: unknown, mode: number): Promise<SvdResult> {
  const [data, rows, cols] = unpack(m);
  return toResult(await callAsync(ctx, flagsFor(ctx, data, rows, cols), (f, t) => native.svd(data, rows, cols, mode, f, t) as Promise<RawSvd>));
}

export function svdInSync(ctx: LinalgContext, m: unknown, mode: number): SvdResult {
  const [data, rows, cols] = unpack(m);
  return toResult(callSync(flagsFor(ctx, data, rows, cols), (f, t) => native.svd(data, rows, cols, mode, f, t) as RawSvd));
}

/** Singular values, descending, in the input's dtype. Runs on the native scheduler's threads. */
export async function svdvals<A extends FloatArray>(m: M<A>, opts?: SvdvalsOptions): Promise<A>;
export async function svdvals(m: unknown, opts?: SvdvalsOptions): Promise<FloatArray> {
  const o = checkOptions(opts, SVDVALS_OPTS, 'svdvals');
  return (await svdvalsIn(resolveContext(o, 'svdvals'), m)).S;
}

export function svdvalsSync<A extends FloatArray>(m: M<A>, opts?: Omit<SvdvalsOptions, 'signal'>): A;
export function svdvalsSync(m: unknown, opts?: Omit<SvdvalsOptions, 'signal'>): FloatArray {
  const o = checkOptions(opts, SVDVALS_SYNC_OPTS, 'svdvalsSync');
  return svdvalsInSync(resolveContext(o, 'svdvalsSync'), m).S;
}

/** Thin SVD by default (U rows x r, S, Vt r x cols, r = min(rows, cols)); `full`; or top-`k`. */
export async function svd<A extends FloatArray>(m: M<A>, opts?: SvdOptions): Promise<SvdResult<A>>;
export async function svd(m: unknown, opts?: SvdOptions): Promise<SvdResult> {
  const o = checkOptions(opts, SVD_OPTS, 'svd');
  const ctx = svdContext(o, 'svd');
  const [, rows, cols] = unpack(m);
  return svdIn(ctx, m, svdMode(o, rows, cols, 'svd'));
}

export function svdSync<A extends FloatArray>(m: M<A>, opts?: Omit<SvdOptions, 'signal'>): SvdResult<A>;
export function svdSync(m: unknown, opts?: Omit<SvdOptions, 'signal'>): SvdResult {
  const o = checkOptions(opts, SVD_SYNC_OPTS, 'svdSync');
  const ctx = svdContext(o, 'svdSync');
  const [, rows, cols] = unpack(m);
  return svdInSync(ctx, m, svdMode(o, rows, cols, 'svdSync'));
}
