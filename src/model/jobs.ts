// What analyze() analyses, whatever the source: one job per weight, in model order, with its identity and
// a loader (nothing is read until the job runs). Sources: a model path or bytes (the readers' plan), an
// in-memory list [{ name, W }], or a tfjs LayersModel (duck-typed).
import type { WeightInput } from '../esd/weights.js';
import { fail } from '../errors.js';
import type { Matrix } from '../linalg/matrix.js';
import { adopt, decodeTensor, isAdopted, release, snapshotInSlices } from '../linalg/internal.js';
import { planModel } from './reader.js';
import { compareNames } from './order.js';
import { dense2d, kerasViews } from './keras-views.js';
import type { LoadWant, SkippedTensor, TensorSource, WeightKind, WeightTensor } from './types.js';

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
    getWeights: () => { shape: number[]; dataSync: () => ArrayLike<number>; data?: () => Promise<ArrayLike<number>>; name?: string; dtype?: string }[];
    /** The layer's variables, in getWeights() order: their originalName is the name model.save writes. */
    weights?: { originalName?: string; name?: string }[];
  }[];
}

export type AnalyzeSource = string | Uint8Array | readonly NamedWeight[] | LayersModelLike;

export interface Job {
  name: string;
  layerId: number;
  kind: WeightKind;
  layout?: 'oihw' | 'hwio';
  /** Shape as it will be analysed, known before loading (so size limits skip without reading data). */
  shape: readonly number[];
  /** The dtype the weights were stored in (sets the eigenvalues' resolution: see heavytail/resolution). */
  storedDtype?: string;
  orientation?: string;
  aliases?: string[];
  source?: TensorSource;
  /** Reads the data; `want` is a hint (the pipeline converts what does not match). */
  load: (want?: LoadWant) => Promise<WeightInput>;
}

export interface Jobs {
  jobs: Job[];
  skipped: SkippedTensor[];
  format: string;
  label: string;
  files: string[];
  notes: string[];
}

function fromTensor(t: WeightTensor): WeightInput {
  return t.shape.length === 4
    ? { data: t.data, shape: t.shape as [number, number, number, number] }
    : { data: t.data, shape: t.shape as unknown as [number, number] };
}

/** A tfjs weight's values as owned float32/float64 memory of its analysed shape (Dense kernels transposed). */
async function tfjsWeight(values: ArrayLike<number>, shape: number[], transpose: boolean, want?: LoadWant): Promise<WeightInput> {
  const f32 = values instanceof Float32Array ? values : Float32Array.from(values);
  // data()'s array is V8 memory: an async native call would copy it at the call, in one go on the event
  // loop (16 MiB into fresh pages: ~80 ms); copied in slices instead, the decode then reads it in place
  const own = isAdopted(f32) ? f32 : ((await snapshotInSlices(f32)) as Float32Array);
  if (!transpose && want?.as !== 'float64') return { data: own, shape } as unknown as WeightInput;
  const bytes = adopt(new Uint8Array(own.buffer, own.byteOffset, own.byteLength));
  let t;
  try {
    t = await decodeTensor(bytes, { dtype: 'F32', shape, ...(transpose ? { layout: 'transpose' as const } : {}), ...(want?.as ? { as: want.as } : {}), ...(want?.signal ? { signal: want.signal } : {}) });
  } finally {
    if (own !== f32) release(own); // the copy made here: its block back to the pool once decoded
  }
  return { data: t.data, shape: t.shape } as unknown as WeightInput;
}

function isLayersModel(s: unknown): s is LayersModelLike {
  return !!s && typeof s === 'object' && Array.isArray((s as LayersModelLike).layers) &&
    (s as LayersModelLike).layers.every((l) => typeof l?.getWeights === 'function');
}

/**
 * tfjs LayersModel, named and oriented as the same model saved with model.save and read back (keras-views.ts):
 * names are the variables' originalName ('dense_Dense1/kernel', not the tensor's doubled
 * 'dense_Dense1/dense_Dense1/kernel'); Dense kernels (in, out) -> (out, in); Conv2D stays (kh, kw, in, out);
 * Conv1D becomes (1, k, in, out); recurrent kernels are split per gate.
 */
function jobsFromLayersModel(model: LayersModelLike, skipped: SkippedTensor[]): Job[] {
  const jobs: Job[] = [];
  for (const layer of model.layers) {
    const cls = layer.getClassName?.() ?? '';
    const vars = Array.isArray(layer.weights) ? layer.weights : undefined;
    layer.getWeights().forEach((w, i) => {
      const stored = vars?.[i]?.originalName ?? w.name ?? `weight_${i}`;
      const name = stored.includes('/') ? stored : `${layer.name}/${stored}`;
      if (w.shape.length < 2) return skipped.push({ name, reason: `${w.shape.length}-D tensor (bias or norm)` });
      const leaf = name.split('/').pop() ?? '';
      const c = kerasViews(cls, leaf, w.shape) ?? (w.shape.length === 2 ? { views: [dense2d(w.shape)] } : undefined);
      if (!c) return skipped.push({ name, reason: `${w.shape.length}-D weight of a ${cls || 'keras'} layer: no matrix view` });
      if ('skip' in c) return skipped.push({ name, reason: c.skip });
      // one data() per stored weight, shared by its views (the gates of a recurrent kernel) and dropped once
      // the last view has taken its part, so a model's values are not all held until the analysis ends
      let values: Promise<ArrayLike<number>> | undefined;
      let pending = c.views.length;
      const read = async () => {
        values ??= typeof w.data === 'function' ? w.data() : Promise.resolve(w.dataSync());
        const v = values;
        if (--pending <= 0) values = undefined;
        return v;
      };
      for (const v of c.views) {
        jobs.push({
          name: name + v.suffix,
          layerId: jobs.length,
          kind: v.kind,
          layout: v.layout,
          shape: v.shape,
          storedDtype: 'float32',
          ...(v.orientation ? { orientation: v.orientation } : {}),
          load: async (want) => {
            // the async data() (a backend may have to download it), not dataSync(); a whole-tensor view is
            // one native copy, transposed and converted in the same pass off the main thread
            const data = await read();
            if (v.native) return tfjsWeight(data, v.native === 'transpose' ? w.shape : v.shape, v.native === 'transpose', want);
            return { data: v.extract(data instanceof Float32Array ? data : Float32Array.from(data)), shape: v.shape } as unknown as WeightInput;
          },
        });
      }
    });
  }
  return jobs;
}

/** The jobs of a source, in model order. */
export function jobsOf(source: AnalyzeSource): Jobs {
  const skipped: SkippedTensor[] = [];
  if (typeof source === 'string' || source instanceof Uint8Array) {
    const plan = planModel(source, { minEvals: 1 });
    // a loop, not skipped.push(...plan.skipped): a spread of 10^5+ arguments overflows the stack
    for (const s of plan.skipped) skipped.push(s);
    const jobs: Job[] = plan.planned.map(({ info: t, load }) => ({
      name: t.name,
      layerId: t.layerId,
      kind: t.kind,
      layout: t.layout,
      shape: t.shape,
      storedDtype: t.dtype,
      ...(t.orientation ? { orientation: t.orientation } : {}),
      ...(t.aliases ? { aliases: t.aliases } : {}),
      source: t.source,
      load: async (want) => fromTensor({ ...t, data: await load(want) }),
    }));
    return { jobs, skipped, format: plan.format, label: typeof source === 'string' ? source : '<memory>', files: plan.files, notes: plan.notes };
  }
  if (Array.isArray(source)) {
    if (source.length === 0) fail('E_OPTION', 'analyze: the list of weights is empty (nothing to analyse)');
    const list = source as readonly NamedWeight[];
    list.forEach((w, i) => {
      if (!w || typeof w.name !== 'string' || !w.W) fail('E_OPTION', `analyze: source[${i}] must be { name, W }`);
    });
    // A list is often a state dict's entries in storage order (h.0, h.1, h.10, h.2): model order comes from
    // the names, as for safetensors; the list's own order breaks ties.
    const order = list.map((_, i) => i).sort((a, b) => compareNames(list[a].name, list[b].name) || a - b);
    const layerIdOf = new Array<number>(list.length);
    order.forEach((i, rank) => (layerIdOf[i] = rank));
    const jobs = list.map((w, i): Job => {
      const shape = (w.W as { shape?: readonly number[] }).shape ?? [];
      return { name: w.name, layerId: layerIdOf[i], kind: w.kind ?? (shape.length === 4 ? 'conv2d' : 'dense'), layout: w.layout, shape, load: async () => w.W as WeightInput };
    });
    jobs.sort((a, b) => a.layerId - b.layerId);
    return { jobs, skipped, format: 'arrays', label: '<arrays>', files: [], notes: [] };
  }
  if (isLayersModel(source)) {
    return { jobs: jobsFromLayersModel(source, skipped), skipped, format: 'tfjs-layers-model', label: '<LayersModel>', files: [], notes: [] };
  }
  return fail('E_OPTION', 'analyze: source must be a path, a Uint8Array, [{ name, W }] or a tfjs LayersModel');
}
