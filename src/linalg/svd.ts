// Singular values and vectors. CPU routines: svdvals -> ?gesdd JOBZ='N' (fallback ?gesvd), or with
// method 'gram' ?syrk + ?syevd; svd -> ?gesdd JOBZ='S' (thin) / 'A' (full), top-k -> ?gesvdx.
// GPU routines (backend 'cuda' or 'auto' above the crossover): gesvdj or Xgesvdp, Gram via syrk + Xsyevd.
import { native, type FloatArray } from '../binding.js';
import { fail } from '../errors.js';
import { unpack } from './matrix.js';
import {
  checkOptions,
  jobFlops,
  resolveBackend,
  runPlaced,
  runPlacedSync,
  type BackendOptions,
  type GpuSvdRoutine,
} from './options.js';

export interface SvdvalsOptions extends BackendOptions {
  /**
   * 'gesdd' (default): a full-accuracy SVD: LAPACK's ?gesdd on the CPU (~eps*sigma_i for every value);
   * on the GPU cuSOLVER's Xgesvdp (gesvdj up to min(rows, cols) = 32).
   * 'gram': eigenvalues of the smaller Gram matrix (?syrk + ?syevd), ~3x faster on large matrices, but
   * absolute error ~eps*sigma_max^2 in sigma^2: small singular values lose digits. Fine for the ESD's
   * large eigenvalues; not for ranks or condition numbers.
   * 'gesvdj' / 'gesvdp': pin one cuSOLVER routine (backend 'cuda' only).
   */
  method?: 'gesdd' | 'gram' | GpuSvdRoutine;
}

export interface SvdOptions extends BackendOptions {
  /** Only the k largest singular triplets, through ?gesvdx (k vectors computed, not all). */
  k?: number;
  /** Full U (rows x rows) and Vt (cols x cols) instead of thin. */
  full?: boolean;
  /**
   * Pin a cuSOLVER routine (backend 'cuda' only): 'gesvdj' (Jacobi) or 'gesvdp' (polar decomposition).
   * On the GPU, top-k computes the thin SVD and keeps k triplets.
   */
  method?: GpuSvdRoutine;
}

export interface SvdResult<A extends FloatArray = FloatArray> {
  /** rows x r, row-major */
  U: { data: A; shape: [number, number] };
  /** r values, descending */
  S: A;
  /** r x cols, row-major */
  Vt: { data: A; shape: [number, number] };
  /** The routine that produced it: "dgesdd", "sgesvd" (fallback), "dgesvdx", "cusolverDnDgesvdj", ... */
  routine: string;
}

const SVDVALS_OPTS = ['backend', 'method'] as const;
const SVD_OPTS = ['backend', 'k', 'full', 'method'] as const;

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

function checkMethod(opts: SvdvalsOptions): NonNullable<SvdvalsOptions['method']> {
  const m = opts.method ?? 'gesdd';
  if (m !== 'gesdd' && m !== 'gram' && m !== 'gesvdj' && m !== 'gesvdp')
    fail('E_OPTION', `method must be 'gesdd', 'gram', 'gesvdj' or 'gesvdp', got ${JSON.stringify(m)}`);
  return m;
}

function gpuRoutine(m: unknown): GpuSvdRoutine | undefined {
  if (m === undefined) return undefined;
  if (m !== 'gesvdj' && m !== 'gesvdp') fail('E_OPTION', `svd: method must be 'gesvdj' or 'gesvdp', got ${JSON.stringify(m)}`);
  return m;
}

/** The cuSOLVER routine an svdvals method pins, if any. */
function pinnedRoutine(m: SvdvalsOptions['method']): GpuSvdRoutine | undefined {
  return m === 'gesvdj' || m === 'gesvdp' ? m : undefined;
}

/** Singular values, descending, in the input's dtype. Runs on the libuv pool. */
export async function svdvals<A extends FloatArray>(m: { data: A; shape: readonly [number, number] }, opts?: SvdvalsOptions): Promise<A>;
export async function svdvals(m: unknown, opts?: SvdvalsOptions): Promise<FloatArray> {
  const o = checkOptions(opts, SVDVALS_OPTS, 'svdvals');
  const method = checkMethod(o);
  const [data, rows, cols] = unpack(m);
  const p = resolveBackend(o, jobFlops(rows, cols), pinnedRoutine(method));
  if (method === 'gram') return runPlaced(p, async (d) => gramToSvdvals(await native.gramEigvalsh(data, rows, cols, true, d)));
  return runPlaced(p, async (d) => (await native.svdvals(data, rows, cols, true, d)).S);
}

export function svdvalsSync<A extends FloatArray>(m: { data: A; shape: readonly [number, number] }, opts?: SvdvalsOptions): A;
export function svdvalsSync(m: unknown, opts?: SvdvalsOptions): FloatArray {
  const o = checkOptions(opts, SVDVALS_OPTS, 'svdvalsSync');
  const method = checkMethod(o);
  const [data, rows, cols] = unpack(m);
  const p = resolveBackend(o, jobFlops(rows, cols), pinnedRoutine(method));
  if (method === 'gram') return runPlacedSync(p, (d) => gramToSvdvals(native.gramEigvalsh(data, rows, cols, false, d)));
  return runPlacedSync(p, (d) => native.svdvals(data, rows, cols, false, d).S);
}

/** Thin SVD by default (U rows x r, S, Vt r x cols, r = min(rows, cols)); `full`; or top-`k`. */
export async function svd<A extends FloatArray>(m: { data: A; shape: readonly [number, number] }, opts?: SvdOptions): Promise<SvdResult<A>>;
export async function svd(m: unknown, opts?: SvdOptions): Promise<SvdResult> {
  const o = checkOptions(opts, SVD_OPTS, 'svd');
  const [data, rows, cols] = unpack(m);
  const mode = svdMode(o, rows, cols);
  const p = resolveBackend(o, jobFlops(rows, cols), gpuRoutine(o.method));
  return runPlaced(p, async (d) => toResult(await native.svd(data, rows, cols, mode, true, d)));
}

export function svdSync<A extends FloatArray>(m: { data: A; shape: readonly [number, number] }, opts?: SvdOptions): SvdResult<A>;
export function svdSync(m: unknown, opts?: SvdOptions): SvdResult {
  const o = checkOptions(opts, SVD_OPTS, 'svdSync');
  const [data, rows, cols] = unpack(m);
  const mode = svdMode(o, rows, cols);
  const p = resolveBackend(o, jobFlops(rows, cols), gpuRoutine(o.method));
  return runPlacedSync(p, (d) => toResult(native.svd(data, rows, cols, mode, false, d)));
}
