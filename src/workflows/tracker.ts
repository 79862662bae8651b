// A training tracker for any loop: record(step, weights[, gradients]) analyses the weights (analyze(): power
// law, norms, rank metrics, optional correlation traps), keeps per-layer series of alpha, D, stable_rank,
// effective rank, spectral norm, trap count and cos(W, ∇L), warns when a layer's alpha crosses out of [2, 6]
// (HTSR: < 2 over-trained / very heavy tailed, > 6 under-trained / random-like), and appends one JSON line per
// record to a file, written and fdatasync'ed before record() resolves, so a crash loses no finished record.
import fs from 'node:fs';
import { fail } from '../errors.js';
import { gradientAlignment } from '../metrics/alignment.js';
import type { FloatArray } from '../linalg/matrix.js';
import { analyze, type AnalyzeSource, type LayerResult, type ModelAnalyzeOptions, type NamedWeight } from '../model/analyze.js';

/** The per-layer numbers a record keeps (null: not computed or the fit failed). */
export interface TrackedLayer {
  name: string;
  status: 'success' | 'failed';
  alpha: number | null;
  D: number | null;
  stableRank: number | null;
  effectiveRank: number | null;
  spectralNorm: number | null;
  /** Correlation traps (rand_num_spikes), when the tracker runs with traps: true. */
  traps: number | null;
  /** cos(W, ∇L) (Frobenius), when gradients were given for this layer. */
  cosGrad: number | null;
}

export interface TrackWarning {
  step: number;
  layer: string;
  /** 'alpha<2' or 'alpha>6' (with the tracker's bounds): the layer entered that region at this step. */
  kind: string;
  alpha: number;
  /** The layer's alpha at its previous record (null: first record). */
  previous: number | null;
}

export interface TrackRecord {
  step: number;
  /** ISO time the record was made. */
  time: string;
  /** Whatever the caller attached (epoch, batch, loss, ...). */
  meta?: Record<string, unknown>;
  layers: TrackedLayer[];
  warnings: TrackWarning[];
}

export interface TrackerOptions {
  /** Append each record as one JSON line to this file (created if absent). */
  path?: string;
  /** Also count correlation traps per layer (randomised ESD: about doubles the cost). Default false. */
  traps?: boolean;
  /** alpha bounds of the warnings. Default [2, 6]. */
  alphaRange?: readonly [number, number];
  /** analyze() options for each record (metrics are the tracker's: rank, and traps when asked). */
  analyze?: Omit<ModelAnalyzeOptions, 'metrics' | 'keepEsd'>;
  /** Called for each warning as it is found. */
  onWarning?: (w: TrackWarning) => void;
}

/** Gradients by layer name (the weights' names), as Float32Array/Float64Array or anything with `data`. */
export type Gradients = ReadonlyMap<string, FloatArray | { data: FloatArray }> | Readonly<Record<string, FloatArray | { data: FloatArray }>>;

const OPTS = ['path', 'traps', 'alphaRange', 'analyze', 'onWarning'];
const num = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : v);

function flatOf(v: unknown): FloatArray | undefined {
  if (v instanceof Float32Array || v instanceof Float64Array) return v;
  const d = (v as { data?: unknown } | null)?.data;
  return d instanceof Float32Array || d instanceof Float64Array ? d : undefined;
}

export class Tracker {
  readonly history: TrackRecord[] = [];
  readonly warnings: TrackWarning[] = [];
  private readonly o: TrackerOptions;
  private readonly range: readonly [number, number];
  private readonly last = new Map<string, number>();
  private fd: number | undefined;
  private lastStep = -Infinity;

  constructor(opts: TrackerOptions = {}) {
    if (opts === null || typeof opts !== 'object') fail('E_OPTION', 'tracker: options must be an object');
    for (const k of Object.keys(opts)) if (!OPTS.includes(k)) fail('E_OPTION', `tracker: unknown option '${k}' (allowed: ${OPTS.join(', ')})`);
    const r = opts.alphaRange ?? [2, 6];
    if (!Array.isArray(r) || r.length !== 2 || !(r[0] < r[1]) || !r.every(Number.isFinite)) fail('E_OPTION', 'tracker: alphaRange must be [low, high] with low < high');
    if (opts.path !== undefined && typeof opts.path !== 'string') fail('E_OPTION', 'tracker: path must be a string');
    this.o = opts;
    this.range = r;
    if (opts.path !== undefined) this.fd = fs.openSync(opts.path, 'a');
  }

  /**
   * Analyses the weights at `step` (steps increase) and appends the record. `source` is anything analyze()
   * reads; gradients need the weights in memory ([{ name, W }]) and are matched by name.
   */
  async record(step: number, source: AnalyzeSource, extra: { gradients?: Gradients; meta?: Record<string, unknown> } = {}): Promise<TrackRecord> {
    if (!Number.isFinite(step) || step <= this.lastStep) fail('E_OPTION', `tracker: step ${step} must be a number above the previous step (${this.lastStep})`);
    this.lastStep = step;
    const grads = extra.gradients === undefined ? undefined : extra.gradients instanceof Map ? extra.gradients : new Map(Object.entries(extra.gradients));
    if (grads && !Array.isArray(source)) fail('E_OPTION', 'tracker: gradients need the weights as a list [{ name, W }]');
    const metrics = this.o.traps ? (['rank', 'traps'] as const) : (['rank'] as const);
    const rep = await analyze(source, { ...this.o.analyze, metrics: [...metrics] });
    const weights = Array.isArray(source) ? new Map((source as readonly NamedWeight[]).map((w) => [w.name, flatOf(w.W)])) : undefined;
    const layers = rep.layers.map((r) => this.layer(r, weights, grads));
    const warnings = this.check(step, layers);
    const rec: TrackRecord = { step, time: new Date().toISOString(), ...(extra.meta ? { meta: extra.meta } : {}), layers, warnings };
    this.history.push(rec);
    if (this.fd !== undefined) {
      fs.writeSync(this.fd, JSON.stringify(trackRecordToJson(rec)) + '\n');
      fs.fdatasyncSync(this.fd);
    }
    return rec;
  }

  /** One metric of one layer over the records: steps and values (null where it was not computed). */
  series(layer: string, metric: keyof Omit<TrackedLayer, 'name' | 'status'>): { steps: number[]; values: (number | null)[] } {
    const steps: number[] = [];
    const values: (number | null)[] = [];
    for (const r of this.history) {
      const l = r.layers.find((x) => x.name === layer);
      if (!l) continue;
      steps.push(r.step);
      values.push(l[metric]);
    }
    return { steps, values };
  }

  /** Closes the JSONL file (records already written stay). */
  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private layer(r: LayerResult, weights?: Map<string, FloatArray | undefined>, grads?: ReadonlyMap<string, unknown>): TrackedLayer {
    const ok = r.status === 'success';
    let cosGrad: number | null = null;
    const g = grads?.get(r.name);
    if (g !== undefined) {
      const G = flatOf(g);
      const W = weights?.get(r.name);
      if (!G || !W) fail('E_OPTION', `tracker: gradient of '${r.name}' must be a Float32Array/Float64Array or { data } (and its weight in memory)`);
      if (G.length !== W.length) fail('E_SHAPE', `tracker: gradient of '${r.name}' has ${G.length} entries, its weight ${W.length}`);
      cosGrad = gradientAlignment([W], [G]).layers[0].cos;
    }
    return {
      name: r.name,
      status: ok ? 'success' : 'failed',
      alpha: ok ? num(r.alpha) : null,
      D: ok ? num(r.D) : null,
      stableRank: num(r.stableRank),
      effectiveRank: num(r.effectiveRank),
      spectralNorm: num(r.spectralNorm),
      traps: this.o.traps ? num(r.randNumSpikes) : null,
      cosGrad,
    };
  }

  private check(step: number, layers: TrackedLayer[]): TrackWarning[] {
    const [lo, hi] = this.range;
    const region = (a: number) => (a < lo ? -1 : a > hi ? 1 : 0);
    const out: TrackWarning[] = [];
    for (const l of layers) {
      if (l.alpha === null) continue;
      const prev = this.last.get(l.name);
      this.last.set(l.name, l.alpha);
      const now = region(l.alpha);
      if (now === 0 || (prev !== undefined && region(prev) === now)) continue;
      const w: TrackWarning = { step, layer: l.name, kind: now < 0 ? `alpha<${lo}` : `alpha>${hi}`, alpha: l.alpha, previous: prev ?? null };
      out.push(w);
      this.warnings.push(w);
      this.o.onWarning?.(w);
    }
    return out;
  }
}

/** A tracker (see Tracker). */
export function createTracker(opts?: TrackerOptions): Tracker {
  return new Tracker(opts);
}

/** The JSON line of a record: snake_case names as the rest of weightscope's JSON. */
export function trackRecordToJson(r: TrackRecord): Record<string, unknown> {
  return {
    step: r.step,
    time: r.time,
    ...(r.meta ? { meta: r.meta } : {}),
    layers: r.layers.map((l) => ({
      name: l.name, status: l.status, alpha: l.alpha, D: l.D, stable_rank: l.stableRank, effective_rank: l.effectiveRank,
      spectral_norm: l.spectralNorm, traps: l.traps, cos_grad: l.cosGrad,
    })),
    warnings: r.warnings,
  };
}

/**
 * Reads a tracker's JSONL file back into records. A last line cut short (the process died while writing it) is
 * dropped and reported in `truncated`; any other bad line is an E_FORMAT error.
 */
export function readTrack(path: string): { records: TrackRecord[]; truncated: boolean } {
  const lines = fs.readFileSync(path, 'utf8').split('\n');
  const records: TrackRecord[] = [];
  let truncated = false;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let j: Record<string, unknown>;
    try {
      j = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) return void (truncated = true);
      return fail('E_FORMAT', `${path}: line ${i + 1} is not JSON`);
    }
    if (typeof j.step !== 'number' || !Array.isArray(j.layers)) fail('E_FORMAT', `${path}: line ${i + 1} is not a tracker record`);
    records.push({
      step: j.step,
      time: String(j.time),
      ...(j.meta ? { meta: j.meta as Record<string, unknown> } : {}),
      layers: (j.layers as Record<string, unknown>[]).map((l) => ({
        name: String(l.name), status: l.status === 'success' ? 'success' : 'failed',
        alpha: l.alpha as number | null, D: l.D as number | null, stableRank: l.stable_rank as number | null,
        effectiveRank: l.effective_rank as number | null, spectralNorm: l.spectral_norm as number | null,
        traps: l.traps as number | null, cosGrad: l.cos_grad as number | null,
      })),
      warnings: (j.warnings as TrackWarning[]) ?? [],
    });
  });
  return { records, truncated };
}
