// Singular values of many equal-shaped matrices in one native call: parallel across matrices, one
// BLAS thread each (FARMS windows, conv2d slices).
import { native, type FloatArray } from '../binding.js';
import { fail } from '../errors.js';
import { unpack } from './matrix.js';
import { checkOptions, jobFlops, resolveBackend, runPlaced, runPlacedSync, type BackendOptions } from './options.js';

type M<A extends FloatArray> = { data: A; shape: readonly [number, number] };

function prepare(ms: unknown, fn: string): [FloatArray[], number, number] {
  if (!Array.isArray(ms)) fail('E_DTYPE', `${fn} expects an array of matrices`);
  if (ms.length === 0) fail('E_SHAPE', `${fn} needs at least one matrix`);
  const arrays: FloatArray[] = [];
  let rows = 0;
  let cols = 0;
  ms.forEach((m, i) => {
    const [data, r, c] = unpack(m, `matrices[${i}]`);
    if (i === 0) [rows, cols] = [r, c];
    else if (r !== rows || c !== cols)
      fail('E_SHAPE', `${fn}: matrices[${i}] is [${r}, ${c}] but matrices[0] is [${rows}, ${cols}]`);
    else if (data.constructor !== arrays[0].constructor)
      fail('E_DTYPE', `${fn}: matrices[${i}] has a different dtype from matrices[0]`);
    arrays.push(data);
  });
  return [arrays, rows, cols];
}

/** Singular values (descending) of each matrix; all must share shape and dtype. */
export async function svdvalsBatch<A extends FloatArray>(ms: M<A>[], opts?: BackendOptions): Promise<A[]>;
export async function svdvalsBatch(ms: unknown, opts?: BackendOptions): Promise<FloatArray[]> {
  const o = checkOptions(opts, ['backend'], 'svdvalsBatch');
  const [arrays, rows, cols] = prepare(ms, 'svdvalsBatch');
  const p = resolveBackend(o, arrays.length * jobFlops(rows, cols));
  return runPlaced(p, (d) => native.svdvalsBatch(arrays, rows, cols, true, d));
}

export function svdvalsBatchSync<A extends FloatArray>(ms: M<A>[], opts?: BackendOptions): A[];
export function svdvalsBatchSync(ms: unknown, opts?: BackendOptions): FloatArray[] {
  const o = checkOptions(opts, ['backend'], 'svdvalsBatchSync');
  const [arrays, rows, cols] = prepare(ms, 'svdvalsBatchSync');
  const p = resolveBackend(o, arrays.length * jobFlops(rows, cols));
  return runPlacedSync(p, (d) => native.svdvalsBatch(arrays, rows, cols, false, d));
}
