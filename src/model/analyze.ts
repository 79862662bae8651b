// analyze(source): whole-model analysis. Streams the weights of a checkpoint (safetensors / tfjs / ONNX
// reader), an in-memory list or a tfjs LayersModel, and runs the per-layer heavy-tail analysis
// (analyzeMatrix: ESD, power law, norms, MP fit; traps and FARMS when asked) and the rank metrics on each.
// Layers stream: only the tensors being analysed are held, so peak memory ≈ the largest layer's working
// set (times `concurrency`), not the model size. Layers come out in model order (layerId).
import type { WeightInput } from '../esd/weights.js';
import { skipReason } from '../esd/limits.js';
import { rankDtype } from '../esd/resolution.js';
import { WeightscopeError } from '../errors.js';
import { analyzeMatrixIn, summarize, type LayerReport, type AnalyzeOptions as MatrixOptions } from '../metrics/heavytail/index.js';
import { release, throwIfAborted } from '../linalg/internal.js';
import { rankFromSvdvals } from '../metrics/rank.js';
import { parseOptions, type ModelAnalyzeOptions, type Settings } from './analyze-options.js';
import { contentKey, sameDataReason, Seen } from './dedupe.js';
import { fitQualityColumns } from './fit-quality.js';
import { jobsOf, type AnalyzeSource, type Job } from './jobs.js';
import { Prefetcher } from './pipeline.js';
import { tailOnlyEntry, tooLarge } from './tail-entry.js';
import { makeUnique } from './unique.js';
import type { SkippedTensor, WeightKind } from './types.js';

export type { LayerDone, Metric, ModelAnalyzeOptions, PlannedLayer } from './analyze-options.js';
export type { AnalyzeSource, LayersModelLike, NamedWeight } from './jobs.js';
export type { LayerResult, ModelReport } from './results.js';
import type { LayerResult, ModelReport } from './results.js';

/** N, M of the matrices a weight of this shape is analysed as, and rf, the slices pooled (conv2d: kh·kw). */
function sliceDims(shape: readonly number[], layout: 'oihw' | 'hwio' | undefined): [number, number, number] | null {
  let a: number;
  let b: number;
  let rf = 1;
  if (shape.length === 2) [a, b] = [shape[0], shape[1]];
  else if (shape.length === 4) {
    // WeightWatcher's rule when the layout is unknown: (a, b, c, d) is (out, in, kh, kw) when a + b >= c + d
    const oihw = layout ? layout === 'oihw' : shape[0] + shape[1] >= shape[2] + shape[3];
    [a, b, rf] = oihw ? [shape[0], shape[1], shape[2] * shape[3]] : [shape[2], shape[3], shape[0] * shape[1]];
  } else return null;
  return [Math.max(a, b), Math.min(a, b), rf];
}

function layerTypeOf(kind: WeightKind, rank: number): 'dense' | 'embedding' | 'conv2d' | null {
  if (rank === 4) return 'conv2d';
  if (rank !== 2) return null;
  return kind === 'embedding' ? 'embedding' : 'dense';
}

/** Analyses every weight matrix of a model; see README "Whole-model analysis". */
export async function analyze(source: AnalyzeSource, opts?: ModelAnalyzeOptions): Promise<ModelReport> {
  const t0 = performance.now();
  const s = parseOptions(opts);
  const { o } = s;
  const p = jobsOf(source);
  const names = makeUnique(p.jobs.map((j) => j.name));
  p.jobs.forEach((j, i) => (j.name = names[i]));
  const skipped = p.skipped;
  const matching = p.jobs.filter((j) => s.nameOk(j.name) && (!o.types || o.types.includes(j.kind)));
  if (matching.length === 0 && p.jobs.length > 0) fail(`analyze: no layer matches the filters (of ${p.jobs.length} layers)`);
  const chosen = o.select?.(matching);
  const jobs = chosen ? matching.filter((j) => chosen.has(j.layerId)) : matching;
  const results: (LayerResult | undefined)[] = new Array(jobs.length);
  const esd = o.keepEsd ? new Map<string, Float64Array>() : undefined;
  const seen = new Seen<Promise<LayerResult | null>>(jobs.length);
  // each layer's skipped entries, joined in model order at the end (layers side by side finish in any order)
  const skippedOf: SkippedTensor[][] = jobs.map(() => []);
  throwIfAborted(s.signal);
  const reads = new Prefetcher(jobs, s.precision, (j) => !earlySkip(j, s), s.signal);
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < jobs.length) {
      throwIfAborted(s.signal); // a running layer finishes; the rest are not started
      const i = next++;
      const meta = {} as { key?: string };
      let r: LayerResult | null;
      try {
        r = await runOne(jobs[i], i, () => reads.take(i), s, skippedOf[i], seen, esd, meta);
      } finally {
        seen.pass(i);
      }
      if (r) results[i] = r;
      o.onLayer?.({ layer: jobs[i], result: r, key: meta.key, skipped: [...skippedOf[i]] });
      done++;
      o.onProgress?.({ done, total: jobs.length, name: jobs[i].name });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(s.concurrency, Math.max(jobs.length, 1)) }, lane));
  } finally {
    reads.close();
  }
  for (const list of skippedOf) skipped.push(...list);
  const analysed = results.filter((r): r is LayerResult => !!r);
  return {
    source: p.label,
    format: p.format,
    files: p.files,
    notes: p.notes,
    layers: analysed,
    summary: summarize(analysed),
    skipped,
    esd,
    seconds: (performance.now() - t0) / 1000,
  };
}

function fail(message: string): never {
  throw new WeightscopeError(message, 'E_OPTION');
}

/** WeightWatcher's size limits, from the planned shape: a layer skipped here is never read or decoded. */
function earlySkip(job: Job, s: Settings): string | null {
  const { o } = s;
  const dims = sliceDims(job.shape, job.layout);
  return dims && skipReason(dims[0], dims[1], { minEvals: o.minEvals, maxEvals: o.maxEvals, maxN: o.maxN }, 'analyze', dims[2]);
}

async function runOne(job: Job, i: number, load: () => Promise<WeightInput>, s: Settings, skipped: SkippedTensor[], seen: Seen<Promise<LayerResult | null>>, esd: Map<string, Float64Array> | undefined, meta: { key?: string }): Promise<LayerResult | null> {
  const early = earlySkip(job, s);
  if (early) {
    seen.pass(i); // registers no key: the layers after it need not wait for its tail-only pass
    const [o, dims] = [s.o, sliceDims(job.shape, job.layout)];
    const tail = o.tailOnly && dims && tooLarge(dims[0], dims[1], dims[2], o) ? await tailOnlyEntry(job.load, o) : undefined;
    skipped.push({ name: job.name, reason: early, ...(tail ? { tailOnly: tail } : {}) });
    return null;
  }
  const W = await load();
  try {
    const key = (meta.key = await contentKey(W, job.kind, job.layout));
    const first = await seen.firstOf(i, key);
    if (first) {
      const r = await first.result;
      if (r) r.aliases = [...(r.aliases ?? []), job.name, ...(job.aliases ?? [])];
      else skipped.push({ name: job.name, reason: sameDataReason(first.name) });
      return null;
    }
    const result = analyseLoaded(job, W, s, skipped, esd);
    seen.claim(i, key, { name: job.name, result });
    return await result;
  } finally {
    // the layer's data is analyze()'s own (read or copied for it): its block goes back to the pool now
    release(W.data);
  }
}

async function analyseLoaded(job: Job, W: WeightInput, s: Settings, skipped: SkippedTensor[], esd?: Map<string, Float64Array>): Promise<LayerResult | null> {
  const { o, metrics } = s;
  const lt = layerTypeOf(job.kind, W.shape.length);
  if (!lt) {
    skipped.push({ name: job.name, reason: `${W.shape.length}-D tensor of kind '${job.kind}' has no matrix view` });
    return null;
  }
  const mo: MatrixOptions = { ...s.matrix, name: job.name, layerType: lt };
  if (job.storedDtype !== undefined) mo.storedDtype = job.storedDtype;
  if (lt === 'conv2d' && job.layout) mo.layout = job.layout;
  let report: LayerReport;
  try {
    report = await analyzeMatrixIn(W, mo, s.run);
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
  const r: LayerResult = Object.assign(report, {
    kind: job.kind,
    layerId: job.layerId,
    ...(job.aliases ? { aliases: [...job.aliases] } : {}),
    ...(job.orientation ? { orientation: job.orientation } : {}),
    ...(job.source ? { source: job.source } : {}),
  });
  const evals = report.esd;
  if (evals && esd) esd.set(job.name, evals);
  // A zero layer has no rank metrics (each divides by Σσ² or σ_max): they stay unset, and its fit says 'failed'.
  if (evals && metrics.has('rank') && evals.some((v) => v > 0)) {
    const sv = Float64Array.from(evals, (v) => Math.sqrt(Math.max(v, 0)));
    // conv2d: the pooled singular values of the kh·kw slices (scale-free metrics, so WW's ×0.5 is harmless)
    const rk = rankFromSvdvals(sv, { shape: [Math.max(report.N, sv.length), sv.length], dtype: rankDtype(report.dtype === 'float32' ? 'float32' : 'float64', job.storedDtype) });
    r.effectiveRank = rk.effectiveRank;
    r.participationRatio = rk.participationRatio;
    r.numericalRank = rk.numericalRank;
    r.energyRank90 = rk.energyRank90;
  }
  if (evals && metrics.has('fit-quality') && report.status === 'success') {
    Object.assign(r, fitQualityColumns(evals, report.xmin, { bootstrap: o.fitQualityBootstrap, seed: o.seed }));
  }
  return r;
}
