// FARMS: the ESD from fixed-aspect-ratio submatrices on a deterministic overlapping grid (formulas.md §6;
// Hu, Goel, Killiakov, Yang 2025, HUST-AI-HYZ/FARMS sampling.py and tempbalance_farms.py).
// All submatrices of a layer have one shape, so they go to the native core in batches (svdvalsBatch).
import { fail } from '../errors.js';
import { svdvalsBatch, svdvalsBatchSync, type FloatArray, type Matrix } from '../linalg/index.js';
import { checkOptions, type BackendOptions } from '../linalg/options.js';
import { toSlices, type Conv2dLayout, type LayerType, type WeightInput } from './weights.js';

/**
 * Released settings: 'llm' (LLM pruning: windowRows 2000, q 1, ops 10, xmin 'peak'), 'image' (image
 * classification: windowRows 100, q 1, ops 9, xmin 'mid'), 'default' (the code's defaults: windowRows
 * 100, q 2, sliding windows with step 10, xmin 'mid').
 */
export type FarmsPreset = 'llm' | 'image' | 'default';

export interface FarmsOptions extends BackendOptions {
  preset?: FarmsPreset;
  windowRows?: number;
  /** Aspect ratio of the submatrices: columns = floor(rows·q). */
  q?: number;
  /** Windows per dimension (fixed grid). Exclusive with step. */
  ops?: number;
  /** Sliding step (the code's variable-count mode). Exclusive with ops. */
  step?: number;
  layerType?: LayerType;
  layout?: Conv2dLayout;
  /** Conv2d: blocks scaled by √0.5 (eigenvalues × 0.5) as the FARMS code does. Default true. */
  conv2dNorm?: boolean;
}

export interface FarmsEsd {
  /** All submatrix eigenvalues concatenated, ascending (= the average of their ESDs). */
  evals: Float64Array;
  /** Conv2d: one pooled ESD per row block (ascending); the layer α is the mean of their α. Null for dense. */
  blocks: Float64Array[] | null;
  /** Submatrix shape and the start rows / columns of the grid (dense), or the block shape (conv2d). */
  windowShape: [number, number];
  rowStarts: number[];
  colStarts: number[];
  numSubmatrices: number;
  preset: FarmsPreset;
  windowRows: number;
  q: number;
  ops: number | null;
  step: number | null;
  /** The power-law xmin rule of the preset. */
  xmin: 'peak' | 'mid';
  /** Where a window was clamped to the matrix (the Python code truncates slices silently). */
  notes: string[];
}

const PRESETS = {
  llm: { windowRows: 2000, q: 1.0, ops: 10, step: null, xmin: 'peak' },
  image: { windowRows: 100, q: 1.0, ops: 9, step: null, xmin: 'mid' },
  default: { windowRows: 100, q: 2.0, ops: null, step: 10, xmin: 'mid' },
} as const;

const OPTS = ['preset', 'windowRows', 'q', 'ops', 'step', 'layerType', 'layout', 'conv2dNorm', 'backend'] as const;

/** Window starts along one dimension: fixed count `ops` (FARMS fixed_sampling) or sliding `step`. */
export function farmsWindows(dim: number, win: number, ops: number | null, step: number | null): number[] {
  const span = dim - win;
  if (ops !== null) {
    // ops = 1 would divide by zero in the reference code: one window at the start.
    const st = ops > 1 ? Math.max(1, Math.floor(span / (ops - 1))) : 1;
    const count = Math.min(ops, Math.max(1, Math.floor(span / st) + 1));
    return Array.from({ length: count }, (_, k) => Math.min(k * st, span));
  }
  const s = step as number;
  const count = Math.max(1, Math.floor(span / s) + 1);
  return Array.from({ length: count }, (_, k) => k * s);
}

function posInt(v: unknown, name: string, fn: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
    fail('E_OPTION', `${fn}: ${name} must be a positive integer, got ${String(v)}`);
  return v;
}

interface Job {
  mats: Matrix[];
  /** For conv2d: which block each matrix belongs to. */
  blockOf: number[] | null;
  numBlocks: number;
  result: Omit<FarmsEsd, 'evals' | 'blocks'>;
  scale: number;
}

/** Copies rows [r0, r0+nr) x cols [c0, c0+nc) of a row-major array with `cols` columns. */
function sub(data: FloatArray, cols: number, r0: number, nr: number, c0: number, nc: number): FloatArray {
  const out = new (data.constructor as Float64ArrayConstructor)(nr * nc);
  for (let i = 0; i < nr; i++) {
    const src = (r0 + i) * cols + c0;
    for (let j = 0; j < nc; j++) out[i * nc + j] = data[src + j];
  }
  return out;
}

function plan(W: WeightInput, opts: FarmsOptions | undefined, fn: string): Job {
  const o = checkOptions(opts, OPTS, fn);
  const preset = o.preset ?? 'default';
  if (!(preset in PRESETS)) fail('E_OPTION', `${fn}: preset must be 'llm', 'image' or 'default', got ${JSON.stringify(preset)}`);
  const p = PRESETS[preset];
  if (o.ops !== undefined && o.step !== undefined) fail('E_OPTION', `${fn}: give ops or step, not both`);
  const windowRows = posInt(o.windowRows ?? p.windowRows, 'windowRows', fn);
  const q = o.q ?? p.q;
  if (typeof q !== 'number' || !Number.isFinite(q) || q <= 0) fail('E_OPTION', `${fn}: q must be a finite number > 0, got ${String(q)}`);
  let ops: number | null = o.ops !== undefined ? posInt(o.ops, 'ops', fn) : o.step !== undefined ? null : p.ops;
  const step: number | null = o.step !== undefined ? posInt(o.step, 'step', fn) : ops === null ? p.step : null;
  if (ops === null && step === null) ops = 1;
  const w = toSlices(W, { layerType: o.layerType, layout: o.layout, conv2dNorm: o.conv2dNorm }, fn);
  const notes: string[] = [];
  const base = { preset, windowRows, q, ops, step, xmin: p.xmin, notes };
  if (w.layerType !== 'conv2d') {
    const [rows, cols] = w.slices[0].shape;
    const nrs = Math.min(windowRows, rows, cols);
    if (nrs < windowRows) notes.push(`windowRows ${windowRows} clamped to min(rows, cols) = ${nrs}`);
    let ncs = Math.floor(nrs * q);
    if (ncs < 1) fail('E_OPTION', `${fn}: floor(windowRows·q) = 0 columns; raise q or windowRows`);
    if (ncs > cols) {
      notes.push(`window columns floor(${nrs}·${q}) = ${ncs} clamped to cols = ${cols}`);
      ncs = cols;
    }
    const rowStarts = farmsWindows(rows, nrs, ops, step);
    const colStarts = farmsWindows(cols, ncs, ops, step);
    const data = w.slices[0].data;
    const mats: Matrix[] = [];
    for (const r of rowStarts)
      for (const c of colStarts) mats.push({ data: sub(data, cols, r, nrs, c, ncs), shape: [nrs, ncs] });
    return {
      mats,
      blockOf: null,
      numBlocks: 0,
      scale: 1,
      result: { ...base, windowShape: [nrs, ncs], rowStarts, colStarts, numSubmatrices: mats.length },
    };
  }
  // Conv2d (tempbalance_farms.py 296-355): each slice seen as (N x M), rows >= cols; blocks of rows
  // [d·nr, (d+1)·nr) x cols [0, nc), d < floor(N/M); block d pooled across all kh·kw slices.
  const N = w.N;
  const M = w.M;
  const nr = Math.max(1, q > 1 ? Math.floor(M / q) : M);
  const nc = Math.max(1, q > 1 ? M : Math.floor(M / (1 / q)));
  const division = Math.floor(N / M);
  const mats: Matrix[] = [];
  const blockOf: number[] = [];
  for (let d = 0; d < division; d++)
    for (const s of w.slices) {
      const [r, c] = s.shape;
      // A stored (M x N) slice is the transpose of the (N x M) view: take the transposed block.
      const m = r >= c ? sub(s.data, c, d * nr, nr, 0, nc) : sub(s.data, c, 0, nc, d * nr, nr);
      mats.push({ data: m, shape: r >= c ? [nr, nc] : [nc, nr] });
      blockOf.push(d);
    }
  return {
    mats,
    blockOf,
    numBlocks: division,
    scale: w.evalScale,
    result: {
      ...base,
      windowShape: [nr, nc],
      rowStarts: Array.from({ length: division }, (_, d) => d * nr),
      colStarts: [0],
      numSubmatrices: mats.length,
    },
  };
}

/** Batches of at most ~128 MiB of submatrices (an LLM layer can have 100 windows of 2000 x 2000). */
function batches(mats: Matrix[]): Matrix[][] {
  const bytes = mats[0].data.length * mats[0].data.BYTES_PER_ELEMENT;
  const per = Math.max(1, Math.floor((128 * 1024 * 1024) / bytes));
  const out: Matrix[][] = [];
  for (let i = 0; i < mats.length; i += per) out.push(mats.slice(i, i + per));
  return out;
}

function assemble(job: Job, svals: FloatArray[]): FarmsEsd {
  let total = 0;
  for (const s of svals) total += s.length;
  const evals = new Float64Array(total);
  const blocks: number[][] | null = job.blockOf ? Array.from({ length: job.numBlocks }, () => []) : null;
  let k = 0;
  svals.forEach((s, i) => {
    for (const v of s) {
      const lam = v * v * job.scale;
      evals[k++] = lam;
      if (blocks) blocks[(job.blockOf as number[])[i]].push(lam);
    }
  });
  evals.sort();
  return { ...job.result, evals, blocks: blocks ? blocks.map((b) => Float64Array.from(b).sort()) : null };
}

/** FARMS ESD of a dense or conv2d weight. Runs on the libuv pool. */
export async function farmsEsd(W: WeightInput, opts?: FarmsOptions): Promise<FarmsEsd> {
  const job = plan(W, opts, 'farmsEsd');
  const svals: FloatArray[] = [];
  for (const b of batches(job.mats)) svals.push(...(await svdvalsBatch(b, { backend: opts?.backend })));
  return assemble(job, svals);
}

export function farmsEsdSync(W: WeightInput, opts?: FarmsOptions): FarmsEsd {
  const job = plan(W, opts, 'farmsEsdSync');
  const svals: FloatArray[] = [];
  for (const b of batches(job.mats)) svals.push(...svdvalsBatchSync(b, { backend: opts?.backend }));
  return assemble(job, svals);
}
