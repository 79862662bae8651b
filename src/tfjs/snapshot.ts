// A consistent snapshot of a tfjs LayersModel's weights (and, optionally, gradients), duck-typed so users
// without tfjs need no tfjs. All reads are started in the call itself, before it returns its promise: each
// variable's current tensor is cloned (a new reference to the same data, so the optimizer's next assign()
// cannot free or change it) and its async data() is requested, so every weight comes from the same step
// even when the training loop runs on while the data arrive. Names are the variables' originalName, which is
// what model.save() writes, so snapshots join with the model read back from disk; orientations and the
// per-gate split of recurrent kernels are those of the file reader (src/model/keras-views.ts).
import { fail } from '../errors.js';
import { dense2d, kerasViews } from '../model/keras-views.js';
import type { NamedWeight } from '../model/analyze.js';
import type { SkippedTensor } from '../model/types.js';

/** The parts of a tfjs Tensor used here. */
export interface TfTensorLike {
  shape: number[];
  dtype?: string;
  data(): Promise<ArrayLike<number>>;
  clone?(): TfTensorLike;
  dispose?(): void;
}

/** The parts of a tfjs LayerVariable used here. */
export interface TfVariableLike {
  name: string;
  originalName?: string;
  shape: number[];
  dtype?: string;
  read(): TfTensorLike;
}

/** The parts of a tfjs Layer / LayersModel used here (nested models are walked). */
export interface TfLayerLike {
  name: string;
  getClassName(): string;
  weights: TfVariableLike[];
  layers?: TfLayerLike[];
}

export interface TfModelLike {
  layers: TfLayerLike[];
}

export interface TfSnapshot {
  /** In model order; analyse with analyze(snapshot.weights) or a Tracker. */
  weights: NamedWeight[];
  /** The gradients given, in the same names, shapes and orientations as the weights. */
  gradients: Map<string, Float32Array>;
  skipped: SkippedTensor[];
}

/** Gradients as tf.variableGrads / optimizer.computeGradients give them: by variable name. */
export type TfGradients = Readonly<Record<string, TfTensorLike>>;

interface Entry {
  name: string;
  cls: string;
  v: TfVariableLike;
}

function isModel(m: unknown): m is TfModelLike {
  return !!m && typeof m === 'object' && Array.isArray((m as TfModelLike).layers);
}

/** Every variable once, with the class of the innermost layer that owns it, in layer order. */
function entries(model: TfModelLike): Entry[] {
  const out: Entry[] = [];
  const seen = new Set<TfVariableLike>();
  const walk = (layers: TfLayerLike[], depth: number): void => {
    if (depth > 32) fail('E_OPTION', 'tfjs snapshot: models nested more than 32 deep');
    for (const l of layers) {
      if (!l || typeof l.getClassName !== 'function' || !Array.isArray(l.weights)) fail('E_OPTION', 'tfjs snapshot: model.layers must be tfjs layers');
      if (Array.isArray(l.layers)) walk(l.layers, depth + 1);
      for (const v of l.weights) {
        if (seen.has(v)) continue;
        seen.add(v);
        out.push({ name: v.originalName ?? v.name, cls: l.getClassName(), v });
      }
    }
  };
  walk(model.layers, 0);
  return out;
}

const isFloat = (dt: string | undefined) => dt === undefined || dt === 'float32';

/** Starts reading one tensor now: a clone pinned until its data arrive. */
function start(t: TfTensorLike): Promise<Float32Array> {
  const c = typeof t.clone === 'function' ? t.clone() : t;
  const p = c.data();
  return p.then(
    (d) => {
      if (c !== t) c.dispose?.();
      return d instanceof Float32Array ? d : Float32Array.from(d);
    },
    (e) => {
      if (c !== t) c.dispose?.();
      throw e;
    },
  );
}

/**
 * Snapshots the model's weights (and the gradients given) as they are at the call. See the file comment.
 */
export function snapshotModel(model: TfModelLike, opts: { gradients?: TfGradients } = {}): Promise<TfSnapshot> {
  if (!isModel(model)) return Promise.reject(new TypeError('snapshotModel: model must be a tfjs LayersModel'));
  let list: Entry[];
  try {
    list = entries(model);
  } catch (e) {
    return Promise.reject(e);
  }
  const grads = opts.gradients ?? {};
  // Started together, synchronously: nothing below awaits before every read has been requested.
  const reads = list.map((e) => (isFloat(e.v.dtype) ? start(e.v.read()) : undefined));
  const gradReads = list.map((e) => {
    const g = grads[e.v.name] ?? (e.v.originalName !== undefined ? grads[e.v.originalName] : undefined);
    return g && isFloat(e.v.dtype) ? start(g) : undefined;
  });
  return finish(list, reads, gradReads);
}

async function finish(list: Entry[], reads: (Promise<Float32Array> | undefined)[], gradReads: (Promise<Float32Array> | undefined)[]): Promise<TfSnapshot> {
  const [data, gdata] = await Promise.all([Promise.all(reads), Promise.all(gradReads)]);
  const weights: NamedWeight[] = [];
  const gradients = new Map<string, Float32Array>();
  const skipped: SkippedTensor[] = [];
  list.forEach((e, i) => {
    const shape = [...e.v.shape];
    if (data[i] === undefined) return void skipped.push({ name: e.name, reason: `dtype ${e.v.dtype}: not a float weight` });
    if (shape.length < 2) return void skipped.push({ name: e.name, reason: `${shape.length}-D tensor (bias, normalisation or scale vector): no matrix` });
    const leaf = e.name.split('/').pop() ?? '';
    const c = kerasViews(e.cls, leaf, shape) ?? (shape.length === 2 ? { views: [dense2d(shape)] } : undefined);
    if (!c) return void skipped.push({ name: e.name, reason: `${shape.length}-D weight of a ${e.cls} layer: no matrix view` });
    if ('skip' in c) return void skipped.push({ name: e.name, reason: c.skip });
    const g = gdata[i];
    if (g && g.length !== data[i]!.length) fail('E_SHAPE', `snapshotModel: gradient of '${e.name}' has ${g.length} entries, the weight ${data[i]!.length}`);
    for (const v of c.views) {
      const name = e.name + v.suffix;
      const d = v.extract(data[i]!);
      const W = v.shape.length === 4
        ? { data: d, shape: v.shape as [number, number, number, number] }
        : { data: d, shape: v.shape as [number, number] };
      weights.push({ name, W, kind: v.kind, ...(v.layout ? { layout: v.layout } : {}) });
      if (g) gradients.set(name, v.extract(g));
    }
  });
  return { weights, gradients, skipped };
}
