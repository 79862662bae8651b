// analyze()'s options, checked once and resolved into the settings every layer is analysed with.
import { fail } from '../errors.js';
import type { AnalyzeOptions as MatrixOptions } from '../metrics/heavytail/index.js';
import { checkSignal, cpuSlots } from '../linalg/internal.js';
import { checkOptions, requestedBackend, requireCuda, type Backend } from '../linalg/options.js';
import type { SkippedTensor, TensorSource, WeightKind } from './types.js';
import type { LayerResult } from './results.js';

/** analyze({ tailOnly }) settings (model/tail-entry.ts). */
export interface TailOnlyOption {
  /** Eigenvalues computed (default metrics/tail-only defaultTailK: a quarter, 256..2048). */
  k?: number;
  powerIters?: number;
  oversample?: number;
}

export type Metric = 'mp' | 'traps' | 'rank' | 'farms' | 'fit-quality';

export interface ModelAnalyzeOptions {
  /** Extra metric groups besides the power-law fit and norms. Default ['mp', 'rank']. */
  metrics?: readonly Metric[];
  /** FARMS preset, when 'farms' is among the metrics (default 'default'). */
  farms?: 'llm' | 'image' | 'default';
  /** Only layers whose name matches (a RegExp, or a string compiled to one; its g/y flags are ignored). */
  layers?: RegExp | string;
  /** Only layers of these kinds. */
  types?: readonly WeightKind[];
  /**
   * Layers analysed at once. Default: one per scheduler slot (min(setThreads, cores)), at most 4. With at
   * least one layer per slot, each layer's SVD runs on one BLAS thread beside the others instead of alone
   * with all of them (README "Whole-model analysis"); peak memory is about `concurrency` + 1 layers.
   */
  concurrency?: number;
  /** Called after each layer (analysed or skipped). */
  onProgress?: (p: { done: number; total: number; name: string }) => void;
  /**
   * Compute in this precision: 'float64' widens float32/float16 weights first (as WeightWatcher, which
   * works in float64), 'float32' narrows float64 ones. Default: 'float64' on the Gram route (the default
   * method), as stored with method 'gesdd'.
   */
  precision?: 'float32' | 'float64';
  /**
   * How eigenvalues are computed: 'gram' (default unless precision is 'float32': ?syrk + ?syevd, about 2-3x
   * faster than gesdd on large layers; a layer whose small-eigenvalue counts the Gram route's error bound
   * cannot guarantee is rerun by gesdd, so matrix_rank, weak rank and the λ ≤ 1e-5 filter equal gesdd's)
   * or 'gesdd' (every layer by the SVD, accurate down to the smallest singular value).
   */
  method?: 'gesdd' | 'gram';
  /** Where the SVDs run: 'auto' (default: the GPU for layers above the crossover when CUDA is usable), 'cpu' or 'cuda'. */
  backend?: Backend;
  /**
   * Cancels the analysis: the layer being analysed finishes, no further layer is read or started, and the
   * promise rejects with an AbortError (its `cause` is the signal's reason).
   */
  signal?: AbortSignal;
  /** Keep each layer's eigenvalues (for plots) in the result's `esd` map. Default false. */
  keepEsd?: boolean;
  /** Passed to analyzeMatrix: WeightWatcher's limits and fit choices. */
  minEvals?: number;
  maxEvals?: number;
  maxN?: number;
  xmin?: MatrixOptions['xmin'];
  fixFingers?: MatrixOptions['fixFingers'];
  seed?: number;
  /**
   * Which of the planned layers (after the `layers`/`types` filters) this call analyses, by layerId: the hook
   * that --shard and --resume use (src/model/shard.ts). Default: all.
   */
  select?: (layers: readonly PlannedLayer[]) => ReadonlySet<number>;
  /**
   * Layers past maxN/maxEvals stay listed as not analysed, but their `skipped` entry carries `tailOnly`: α
   * fitted to the top k eigenvalues by a seeded randomized range finder (README "Huge layers"). Default false.
   */
  tailOnly?: boolean | TailOnlyOption;
  /** Called once per selected layer when it is done: its row (or null), the skip entries it added, its content key. */
  onLayer?: (e: LayerDone) => void;
  /** 'fit-quality': bootstrap samples of Clauset's goodness-of-fit p-value per layer (default 0: none). */
  fitQualityBootstrap?: number;
}

/** A layer of the plan as `select` sees it (nothing read yet). */
export interface PlannedLayer {
  name: string;
  layerId: number;
  kind: WeightKind;
  shape: readonly number[];
  layout?: 'oihw' | 'hwio';
  storedDtype?: string;
  aliases?: string[];
  source?: TensorSource;
}

/** What became of one selected layer (see `onLayer`). */
export interface LayerDone {
  layer: PlannedLayer;
  result: LayerResult | null;
  skipped: SkippedTensor[];
  /** The digest of the analysed data (dedupe.ts), when it was read; identical data has one key. */
  key?: string;
}

const OPTS = ['metrics', 'farms', 'layers', 'types', 'concurrency', 'onProgress', 'precision', 'method', 'backend', 'signal', 'keepEsd', 'minEvals', 'maxEvals', 'maxN', 'xmin', 'fixFingers', 'seed', 'select', 'onLayer', 'fitQualityBootstrap', 'tailOnly'] as const;
/** The default `concurrency` on machines with many cores: each layer in flight holds its data. */
const MAX_DEFAULT_CONCURRENCY = 4;
const METRICS: readonly Metric[] = ['mp', 'traps', 'rank', 'farms', 'fit-quality'];
const KINDS: readonly WeightKind[] = ['dense', 'conv2d', 'embedding', 'recurrent', 'other'];

export interface Settings {
  o: ModelAnalyzeOptions;
  metrics: Set<Metric>;
  /** Whether a layer name passes the `layers` filter. */
  nameOk: (name: string) => boolean;
  concurrency: number;
  /** How each layer's native calls run: shared (one BLAS thread each) when every slot has a layer. */
  run: { shared: boolean };
  signal?: AbortSignal;
  /** The precision layers are read in (undefined: as stored). */
  precision: 'float32' | 'float64' | undefined;
  /** The analyzeMatrix options every layer shares (limits, fit choices, method, backend, metric groups), resolved once. */
  matrix: Readonly<Omit<MatrixOptions, 'name' | 'layerType' | 'layout' | 'storedDtype'>>;
}

/**
 * The `layers` filter as a plain test. A RegExp is copied without its g and y flags: RegExp.test with them
 * resumes from lastIndex, so /attn/g matched every other layer. A string that is not a valid pattern is an
 * option error, not a SyntaxError.
 */
function nameFilter(v: unknown): (name: string) => boolean {
  if (v === undefined) return () => true;
  let re: RegExp;
  if (v instanceof RegExp) re = new RegExp(v.source, v.flags.replace(/[gy]/g, ''));
  else if (typeof v === 'string') {
    try {
      re = new RegExp(v);
    } catch (e) {
      return fail('E_OPTION', `analyze: layers ${JSON.stringify(v)} is not a valid regular expression (${(e as Error).message})`);
    }
  } else return fail('E_OPTION', 'analyze: layers must be a RegExp or a string');
  return (name) => re.test(name);
}

export function parseOptions(opts: ModelAnalyzeOptions | undefined): Settings {
  const o = checkOptions(opts, OPTS, 'analyze');
  const metrics = o.metrics ?? ['mp', 'rank'];
  if (!Array.isArray(metrics)) fail('E_OPTION', 'analyze: metrics must be an array');
  for (const m of metrics) if (!METRICS.includes(m)) fail('E_OPTION', `analyze: unknown metric '${m}' (known: ${METRICS.join(', ')})`);
  if (o.types !== undefined && (!Array.isArray(o.types) || o.types.some((t) => !KINDS.includes(t))))
    fail('E_OPTION', `analyze: types must be an array of ${KINDS.join(', ')}`);
  if (o.precision !== undefined && o.precision !== 'float32' && o.precision !== 'float64')
    fail('E_OPTION', `analyze: precision must be 'float32' or 'float64', got ${JSON.stringify(o.precision)}`);
  const slots = cpuSlots();
  const concurrency = o.concurrency ?? Math.min(slots, MAX_DEFAULT_CONCURRENCY);
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) fail('E_OPTION', 'analyze: concurrency must be a positive integer');
  // A layer per slot: LAPACK's reductions (?sytrd, ?gebrd) are memory-bound and scale poorly across
  // threads, so layers side by side on one thread each finish sooner than one at a time on all of them
  // (bench/README.md). Fewer layers than slots keep the large-job rule: alone, every thread.
  const shared = slots > 1 && concurrency >= slots;
  for (const k of ['onProgress', 'select', 'onLayer'] as const)
    if (o[k] !== undefined && typeof o[k] !== 'function') fail('E_OPTION', `analyze: ${k} must be a function`);
  if (o.tailOnly !== undefined && typeof o.tailOnly !== 'boolean' && (typeof o.tailOnly !== 'object' || o.tailOnly === null))
    fail('E_OPTION', 'analyze: tailOnly must be a boolean or { k, powerIters, oversample }');
  // Up front: per layer, a missing GPU would only list every layer as skipped.
  if (requestedBackend(o) === 'cuda') requireCuda('analyze: ');
  const signal = checkSignal(o.signal, 'analyze');
  if (o.method !== undefined && o.method !== 'gesdd' && o.method !== 'gram')
    fail('E_OPTION', `analyze: method must be 'gesdd' or 'gram', got ${JSON.stringify(o.method)}`);
  // The Gram route is the fast path in float64: there its error bound (src/esd/gram-bound.ts) is small
  // enough to certify the small-eigenvalue counts of almost every layer. In float32 it would send most
  // layers back to gesdd, so an explicit float32 keeps gesdd unless the Gram route is asked for.
  const method = o.method ?? (o.precision === 'float32' ? 'gesdd' : 'gram');
  const precision = o.precision ?? (method === 'gram' ? 'float64' : undefined);
  const groups = new Set(metrics);
  const matrix: Record<string, unknown> = {
    mpFit: groups.has('mp'),
    randomize: groups.has('traps'),
    farms: groups.has('farms') ? (o.farms ?? 'default') : false,
    // the rank and fit-quality columns are computed from each layer's eigenvalues
    keepEsd: groups.has('rank') || groups.has('fit-quality') || !!o.keepEsd,
    method,
  };
  for (const k of ['minEvals', 'maxEvals', 'maxN', 'xmin', 'fixFingers', 'seed', 'backend'] as const)
    if (o[k] !== undefined) matrix[k] = o[k];
  return { o, metrics: groups, nameOk: nameFilter(o.layers), concurrency, run: { shared }, precision, matrix: matrix as Settings['matrix'], ...(signal ? { signal } : {}) };
}
