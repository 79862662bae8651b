// Singular values of many equal-shaped matrices in one native call: parallel across matrices, one
// BLAS thread each (FARMS windows, conv2d slices).
import { native, type FloatArray } from '../binding.js';
import { fail } from '../errors.js';
import { callAsync, callSync } from './call.js';
import { placement, resolveContext, type LinalgContext } from './context.js';
import { unpack } from './matrix.js';
import { checkOptions, jobFlops, type AsyncOptions, type BackendOptions } from './options.js';

type M<A extends FloatArray> = { data: A; shape: readonly [number, number] };

function prepare(ms: unknown, fn: string): [FloatArray[], number, number] {
  if (!Array.isArray(ms)) fail('E_DTYPE', `${fn} expects an array of matrices`);
  if (ms.length === 0) fail('E_SHAPE', `${fn} needs at least one matrix`);
  const arrays: FloatArray[] = [];
  let rows = 0;
  let cols = 0;
  // An index loop, not forEach: a hole must be refused, not skipped (results would shift).
  for (let i = 0; i < ms.length; i++) {
    if (!(i in ms)) fail('E_DTYPE', `${fn}: matrices[${i}] is a hole, not a matrix`);
    const [data, r, c] = unpack(ms[i], `matrices[${i}]`);
    if (i === 0) [rows, cols] = [r, c];
    else if (r !== rows || c !== cols)
      fail('E_SHAPE', `${fn}: matrices[${i}] is [${r}, ${c}] but matrices[0] is [${rows}, ${cols}]`);
    else if (data.constructor !== arrays[0].constructor)
      fail('E_DTYPE', `${fn}: matrices[${i}] has a different dtype from matrices[0]`);
    arrays.push(data);
  }
  return [arrays, rows, cols];
}

export async function svdvalsBatchIn(ctx: LinalgContext, ms: unknown, fn = 'svdvalsBatch'): Promise<FloatArray[]> {
  const [arrays, rows, cols] = prepare(ms, fn);
  const flags = placement(ctx, arrays.length * jobFlops(rows, cols));
  return (await callAsync(ctx, flags, (f, t) => native.svdvalsBatch(arrays, rows, cols, f, t) as Promise<{ S: FloatArray[] }>)).S;
}

/** Singular values (descending) of each matrix; all must share shape and dtype. */
export async function svdvalsBatch<A extends FloatArray>(ms: M<A>[], opts?: BackendOptions & AsyncOptions): Promise<A[]>;
export async function svdvalsBatch(ms: unknown, opts?: BackendOptions & AsyncOptions): Promise<FloatArray[]> {
  const o = checkOptions(opts, ['backend', 'signal'], 'svdvalsBatch');
  return svdvalsBatchIn(resolveContext(o, 'svdvalsBatch'), ms);
}

export function svdvalsBatchSync<A extends FloatArray>(ms: M<A>[], opts?: BackendOptions): A[];
export function svdvalsBatchSync(ms: unknown, opts?: BackendOptions): FloatArray[] {
  const ctx = resolveContext(checkOptions(opts, ['backend'], 'svdvalsBatchSync'), 'svdvalsBatchSync');
  const [arrays, rows, cols] = prepare(ms, 'svdvalsBatchSync');
  const flags = placement(ctx, arrays.length * jobFlops(rows, cols));
  return callSync(flags, (f, t) => native.svdvalsBatch(arrays, rows, cols, f, t) as { S: FloatArray[] }).S;
}
