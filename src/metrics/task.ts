// One body, two drivers: metric code that needs native linear algebra is written once as a generator that
// yields requests (svdvals, svd, gram); runSync executes them with the Sync calls, runAsync awaits the
// Promise forms, so the async variants never block the event loop and the two never drift apart.
import type { FloatArray } from '../binding.js';
import { bare } from '../esd/args.js';
import { gram, gramSync, svd, svdSync, svdvals, svdvalsSync, type Matrix, type SvdResult } from '../linalg/index.js';

type Request =
  | { op: 'svdvals'; m: Matrix }
  | { op: 'svd'; m: Matrix; k?: number }
  | { op: 'gram'; m: Matrix };

export type Task<T> = Generator<Request, T, unknown>;

/** Singular values, descending, in m's dtype (?gesdd). */
export function* svdvalsOf(m: Matrix): Task<FloatArray> {
  return (yield { op: 'svdvals', m }) as FloatArray;
}

/** Thin SVD, or the top-k triplets when k < min(rows, cols). */
export function* svdOf(m: Matrix, k?: number): Task<SvdResult> {
  return (yield { op: 'svd', m, k }) as SvdResult;
}

/** The smaller Gram matrix (AᵀA if rows >= cols, else AAᵀ), via ?syrk. */
export function* gramOf(m: Matrix): Task<Matrix> {
  return (yield { op: 'gram', m }) as Matrix;
}

// Options without a prototype (bare): an Object.prototype.k = 1 set by someone else must not turn a thin SVD
// into a top-1 one.
function svdOpts(r: { m: Matrix; k?: number }): { k?: number } {
  const mn = Math.min(r.m.shape[0], r.m.shape[1]);
  return bare(r.k !== undefined && r.k < mn ? { k: r.k } : {});
}

function execSync(r: Request): unknown {
  if (r.op === 'svdvals') return svdvalsSync(r.m, bare({}));
  if (r.op === 'svd') return svdSync(r.m, svdOpts(r));
  return gramSync(r.m, bare({}));
}

function execAsync(r: Request): Promise<unknown> {
  if (r.op === 'svdvals') return svdvals(r.m, bare({}));
  if (r.op === 'svd') return svd(r.m, svdOpts(r));
  return gram(r.m, bare({}));
}

export function runSync<T>(t: Task<T>): T {
  let step = t.next();
  while (!step.done) step = t.next(execSync(step.value));
  return step.value;
}

export async function runAsync<T>(t: Task<T>): Promise<T> {
  let step = t.next();
  while (!step.done) step = t.next(await execAsync(step.value));
  return step.value;
}
