// analyze(source): whole-model analysis. Streams the weights of a checkpoint (safetensors / tfjs / ONNX
// reader), an in-memory list or a tfjs LayersModel, and runs the per-layer heavy-tail analysis
// (analyzeMatrix: ESD, power law, norms, MP fit; traps and FARMS when asked) and the rank metrics on each.
// Layers stream: only the tensors being analysed are held, so peak memory ≈ the largest layer's working
// set (times `concurrency`), not the model size.
import type { WeightInput } from '../esd/weights.js';
import { skipReason } from '../esd/limits.js';
import { fail, WeightscopeError } from '../errors.js';
import type { Matrix } from '../linalg/matrix.js';
import { checkOptions, requestedBackend, requireCuda, type Backend } from '../linalg/options.js';
import { analyzeMatrix, summarize, type LayerReport, type AnalyzeOptions as MatrixOptions } from '../metrics/heavytail/index.js';
import { rankFromSvdvals } from '../metrics/rank.js';
import { openModel } from './reader.js';
import type { SkippedTensor, WeightKind, WeightTensor } from './types.js';

/** A weight given directly: a matrix or a 4-D conv kernel, with an optional kind and layout. */
export interface NamedWeight {
  name: string;
  W: Matrix | WeightInput;
  kind?: WeightKind;
  layout?: 'oihw' | 'hwio';
}

/** The parts of a tfjs LayersModel that analyze() uses (duck-typed: no tfjs dependency). */
export interface LayersModelLike {
  layers: {
    name: string;
    getClassName?: () => string;
    getWeights: () => { shape: number[]; dataSync: () => ArrayLike<number>; name?: string; dtype?: string }[];
  }[];
}

export type AnalyzeSource = string | Uint8Array | readonly NamedWeight[] | LayersModelLike;

export type Metric = 'mp' | 'traps' | 'rank' | 'farms';

export interface ModelAnalyzeOptions {
  /** Extra metric groups besides the power-law fit and norms. Default ['mp', 'rank']. */
  metrics?: readonly Metric[];
  /** FARMS preset, when 'farms' is among the metrics (default 'default'). */
  farms?: 'llm' | 'image' | 'default';
  /** Only layers whose name matches. */
  layers?: RegExp | string;
  /** Only layers of these kinds. */
  types?: readonly WeightKind[];
  /** Layers analysed at once (default 1; small layers then share the CPU, see README "Threads"). */
  concurrency?: number;
  /** Called after each layer (analysed or skipped). */
  onProgress?: (p: { done: number; total: number; name: string }) => void;
  /**
   * Compute in this precision: 'float64' widens float32/float16 weights first (as WeightWatcher, which
   * works in float64; twice the memory), 'float32' narrows float64 ones. Default: as stored.
   */
  precision?: 'float32' | 'float64';
  /**
   * How eigenvalues are computed: 'gesdd' (default; accurate down to the smallest, needed for matrix_rank,
   * entropy and the λ ≤ 1e-5 filter) or 'gram' (?syrk + ?syevd: 2-9x faster on large layers, absolute error
   * ~eps·λ_max, fine for alpha and the MP fit; use with precision 'float64' on float32 weights).
   */
  method?: 'gesdd' | 'gram';
  /** Where the SVDs run: 'auto' (default: the GPU for layers above the crossover when CUDA is usable), 'cpu' or 'cuda'. */
  backend?: Backend;
  /** Keep each layer's eigenvalues (for plots) in the result's `esd` map. Default false. */
  keepEsd?: boolean;
  /** Passed to analyzeMatrix: WeightWatcher's limits and fit choices. */
  minEvals?: number;
  maxEvals?: number;
  maxN?: number;
  xmin?: MatrixOptions['xmin'];
  fixFingers?: MatrixOptions['fixFingers'];
  seed?: number;
}

export interface LayerResult extends LayerReport {
  kind: WeightKind;
  /** Rank metrics (formulas.md §8) of the layer's matrix (pooled slices for conv2d), when 'rank' is asked. */
  effectiveRank?: number;
  participationRatio?: number;
  numericalRank?: number;
  energyRank90?: number;
}

export interface ModelReport {
  source: string;
  format: string;
  layers: LayerResult[];
  summary: ReturnType<typeof summarize>;
  skipped: SkippedTensor[];
  /** Eigenvalues per layer name (ascending), when keepEsd. */
  esd?: Map<string, Float64Array>;
  seconds: number;
}

const OPTS = ['metrics', 'farms', 'layers', 'types', 'concurrency', 'onProgress', 'precision', 'method', 'backend', 'keepEsd', 'minEvals', 'maxEvals', 'maxN', 'xmin', 'fixFingers', 'seed'] as const;
const METRICS: readonly Metric[] = ['mp', 'traps', 'rank', 'farms'];

interface Job {
  name: string;
  kind: WeightKind;
  layout?: 'oihw' | 'hwio';
  /** Shape as it will be analysed, known before loading (so size limits skip without reading data). */
  shape: readonly number[];
  load: () => Promise<WeightInput>;
}

/** N, M of the matrices a weight of this shape is analysed as (a conv2d kernel: one kh x kw slice). */
function sliceDims(shape: readonly number[], layout: 'oihw' | 'hwio' | undefined): [number, number] | null {
  let a: number;
  let b: number;
  if (shape.length === 2) [a, b] = [shape[0], shape[1]];
  else if (shape.length === 4) {
    // WeightWatcher's rule when the layout is unknown: (a, b, c, d) is (out, in, kh, kw) when a + b >= c + d
    const oihw = layout ? layout === 'oihw' : shape[0] + shape[1] >= shape[2] + shape[3];
    [a, b] = oihw ? [shape[0], shape[1]] : [shape[2], shape[3]];
  } else return null;
  return [Math.max(a, b), Math.min(a, b)];
}

function layerTypeOf(kind: WeightKind, rank: number): 'dense' | 'embedding' | 'conv2d' | null {
  if (rank === 4) return 'conv2d';
  if (rank !== 2) return null;
  return kind === 'embedding' ? 'embedding' : 'dense';
}

function fromTensor(t: WeightTensor): WeightInput {
  return t.shape.length === 4
    ? { data: t.data, shape: t.shape as [number, number, number, number] }
    : { data: t.data, shape: t.shape as unknown as [number, number] };
}

function withPrecision(W: WeightInput, precision: 'float32' | 'float64' | undefined): WeightInput {
  if (precision === 'float64' && !(W.data instanceof Float64Array)) return { data: Float64Array.from(W.data), shape: W.shape } as WeightInput;
  if (precision === 'float32' && !(W.data instanceof Float32Array)) return { data: Float32Array.from(W.data), shape: W.shape } as WeightInput;
  return W;
}

function isLayersModel(s: unknown): s is LayersModelLike {
  return !!s && typeof s === 'object' && Array.isArray((s as LayersModelLike).layers) &&
    (s as LayersModelLike).layers.every((l) => typeof l?.getWeights === 'function');
}

/** tfjs LayersModel: kernels of Dense are (in, out) -> transposed to (out, in); Conv2D stays (kh, kw, in, out). */
function jobsFromLayersModel(model: LayersModelLike, skipped: SkippedTensor[]): Job[] {
  const jobs: Job[] = [];
  for (const layer of model.layers) {
    const cls = layer.getClassName?.() ?? '';
    layer.getWeights().forEach((w, i) => {
      const name = `${layer.name}/${w.name ?? `weight_${i}`}`;
      if (w.shape.length < 2) return skipped.push({ name, reason: `${w.shape.length}-D tensor (bias or norm)` });
      if (/Depthwise/.test(cls)) return skipped.push({ name, reason: 'depthwise kernel: each slice is a vector' });
      const kind: WeightKind = /Embedding/.test(cls) ? 'embedding' : w.shape.length === 4 ? 'conv2d' : /LSTM|GRU|RNN/.test(cls) ? 'recurrent' : 'dense';
      jobs.push({
        name,
        kind,
        layout: w.shape.length === 4 ? 'hwio' : undefined,
        shape: w.shape,
        load: async () => {
          const src = w.dataSync();
          const data = Float32Array.from(src);
          if (w.shape.length === 2 && kind !== 'embedding') {
            const [r, c] = w.shape; // Dense kernel (in, out) -> (out, in)
            const t = new Float32Array(r * c);
            for (let a = 0; a < r; a++) for (let b = 0; b < c; b++) t[b * r + a] = data[a * c + b];
            return { data: t, shape: [c, r] };
          }
          return { data, shape: w.shape as unknown as [number, number] };
        },
      });
    });
  }
  return jobs;
}

async function plan(source: AnalyzeSource, opts: ModelAnalyzeOptions) {
  const skipped: SkippedTensor[] = [];
  if (typeof source === 'string' || source instanceof Uint8Array) {
    const reader = await openModel(source, { minEvals: 1 });
    skipped.push(...reader.skipped);
    const jobs: Job[] = reader.tensors.map((t) => ({
      name: t.name,
      kind: t.kind,
      layout: t.layout,
      shape: t.shape,
      load: async () => fromTensor(await reader.read(t.name)),
    }));
    return { jobs, skipped, format: reader.format, label: typeof source === 'string' ? source : '<memory>' };
  }
  if (Array.isArray(source)) {
    const jobs = (source as readonly NamedWeight[]).map((w, i) => {
      if (!w || typeof w.name !== 'string' || !w.W) fail('E_OPTION', `analyze: source[${i}] must be { name, W }`);
      const rank = (w.W as { shape?: readonly number[] }).shape?.length;
      const shape = (w.W as { shape?: readonly number[] }).shape ?? [];
      return { name: w.name, kind: w.kind ?? (rank === 4 ? 'conv2d' : 'dense'), layout: w.layout, shape, load: async () => w.W as WeightInput } as Job;
    });
    return { jobs, skipped, format: 'arrays', label: '<arrays>' };
  }
  if (isLayersModel(source)) return { jobs: jobsFromLayersModel(source, skipped), skipped, format: 'tfjs-layers-model', label: '<LayersModel>' };
  void opts;
  return fail('E_OPTION', 'analyze: source must be a path, a Uint8Array, [{ name, W }] or a tfjs LayersModel');
}

function parse(opts: ModelAnalyzeOptions | undefined) {
  const o = checkOptions(opts, OPTS, 'analyze');
  const metrics = o.metrics ?? ['mp', 'rank'];
  for (const m of metrics) if (!METRICS.includes(m)) fail('E_OPTION', `analyze: unknown metric '${m}' (known: ${METRICS.join(', ')})`);
  const layers = typeof o.layers === 'string' ? new RegExp(o.layers) : o.layers;
  if (o.precision !== undefined && o.precision !== 'float32' && o.precision !== 'float64')
    fail('E_OPTION', `analyze: precision must be 'float32' or 'float64', got ${JSON.stringify(o.precision)}`);
  const concurrency = o.concurrency ?? 1;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) fail('E_OPTION', 'analyze: concurrency must be a positive integer');
  // Up front: per layer, a missing GPU would only list every layer as skipped.
  if (requestedBackend(o) === 'cuda') requireCuda('analyze: ');
  return { o, metrics: new Set(metrics), layers, concurrency };
}

/** Analyses every weight matrix of a model; see README "Whole-model analysis". */
export async function analyze(source: AnalyzeSource, opts?: ModelAnalyzeOptions): Promise<ModelReport> {
  const t0 = performance.now();
  const { o, metrics, layers, concurrency } = parse(opts);
  const p = await plan(source, o);
  const skipped = [...p.skipped];
  const jobs = p.jobs.filter((j) => {
    if (layers && !layers.test(j.name)) return false;
    if (o.types && !o.types.includes(j.kind)) return false;
    return true;
  });
  const results: (LayerResult | undefined)[] = new Array(jobs.length);
  const esd = o.keepEsd ? new Map<string, Float64Array>() : undefined;
  let next = 0;
  let done = 0;

  const runOne = async (job: Job): Promise<LayerResult | null> => {
    // WeightWatcher's size limits, from the planned shape: a skipped layer is never read or decoded.
    const dims = sliceDims(job.shape, job.layout);
    const early = dims && skipReason(dims[0], dims[1], { minEvals: o.minEvals, maxEvals: o.maxEvals, maxN: o.maxN }, 'analyze');
    if (early) {
      skipped.push({ name: job.name, reason: early });
      return null;
    }
    const W = withPrecision(await job.load(), o.precision);
    const lt = layerTypeOf(job.kind, W.shape.length);
    if (!lt) {
      skipped.push({ name: job.name, reason: `${W.shape.length}-D tensor of kind '${job.kind}' has no matrix view` });
      return null;
    }
    const mo: MatrixOptions = {
      name: job.name,
      layerType: lt,
      mpFit: metrics.has('mp'),
      randomize: metrics.has('traps'),
      farms: metrics.has('farms') ? (o.farms ?? 'default') : false,
      keepEsd: metrics.has('rank') || !!esd,
    };
    if (lt === 'conv2d' && job.layout) mo.layout = job.layout;
    for (const k of ['minEvals', 'maxEvals', 'maxN', 'xmin', 'fixFingers', 'seed', 'method', 'backend'] as const)
      if (o[k] !== undefined) (mo as Record<string, unknown>)[k] = o[k];
    let report: LayerReport;
    try {
      report = await analyzeMatrix(W, mo);
    } catch (e) {
      // A bad layer (NaN weights, ...) is reported and the others are analysed.
      if (e instanceof WeightscopeError && e.code !== 'E_OPTION') {
        skipped.push({ name: job.name, reason: `${e.code}: ${e.message}` });
        return null;
      }
      throw e;
    }
    if (report.status === 'skipped') {
      // outside minEvals/maxEvals/maxN: listed with the other skipped tensors, with WeightWatcher's reason
      skipped.push({ name: job.name, reason: report.reason ?? 'outside the size limits' });
      return null;
    }
    const r: LayerResult = Object.assign(report, { kind: job.kind });
    const evals = report.esd;
    if (evals && esd) esd.set(job.name, evals);
    // A zero layer has no rank metrics (each divides by Σσ² or σ_max): they stay unset, and its fit says 'failed'.
    if (evals && metrics.has('rank') && evals.some((v) => v > 0)) {
      const s = Float64Array.from(evals, (v) => Math.sqrt(Math.max(v, 0)));
      // conv2d: the pooled singular values of the kh·kw slices (scale-free metrics, so WW's ×0.5 is harmless)
      const rk = rankFromSvdvals(s, { shape: [Math.max(report.N, s.length), s.length], dtype: report.dtype === 'float32' ? 'float32' : 'float64' });
      r.effectiveRank = rk.effectiveRank;
      r.participationRatio = rk.participationRatio;
      r.numericalRank = rk.numericalRank;
      r.energyRank90 = rk.energyRank90;
    }
    return r;
  };

  const lane = async () => {
    while (next < jobs.length) {
      const i = next++;
      const r = await runOne(jobs[i]);
      if (r) results[i] = r;
      done++;
      o.onProgress?.({ done, total: jobs.length, name: jobs[i].name });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(jobs.length, 1)) }, lane));
  const analysed = results.filter((r): r is LayerResult => !!r);
  if (jobs.length === 0 && p.jobs.length > 0) fail('E_OPTION', `analyze: no layer matches the filters (of ${p.jobs.length} layers)`);
  return {
    source: p.label,
    format: p.format,
    layers: analysed,
    summary: summarize(analysed),
    skipped,
    esd,
    seconds: (performance.now() - t0) / 1000,
  };
}
