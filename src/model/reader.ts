// The format-independent part: detect the format of a path, build its plan, and stream the planned tensors.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WeightscopeError } from '../errors.js';
import { formatError } from './bytes.js';
import { checkReadOptions } from './classify.js';
import { planOnnx } from './onnx.js';
import { planSafetensors, planSafetensorsIndex } from './safetensors.js';
import { planTfjs } from './tfjs.js';
import type { ModelPlan, ModelReader, ReadOptions, TensorListing, WeightTensor } from './types.js';

/** A model on disk (file or folder) or safetensors/ONNX bytes in memory. */
export type ModelSource = string | Uint8Array;

function planFolder(dir: string, opts: ReadOptions): ModelPlan {
  const names = fs.readdirSync(dir);
  const pick = (n: string): string => path.join(dir, n);
  if (names.includes('model.safetensors.index.json')) return planSafetensorsIndex(pick('model.safetensors.index.json'), opts);
  if (names.includes('model.safetensors')) return planSafetensors(pick('model.safetensors'), opts);
  if (names.includes('model.json')) return planTfjs(pick('model.json'), opts);
  const onnx = names.filter((n) => n.endsWith('.onnx'));
  if (onnx.length === 1) return planOnnx(pick(onnx[0]), opts);
  const st = names.filter((n) => n.endsWith('.safetensors'));
  if (st.length === 1) return planSafetensors(pick(st[0]), opts);
  throw formatError(dir, 'folder holds no single recognisable model (model.safetensors[.index.json], model.json, one *.onnx)');
}

/**
 * safetensors bytes start with a u64 LE header length (< 100 MB, so its upper four bytes are zero); an ONNX
 * ModelProto starts with field tags and text (first tag 0x08: ir_version), never four zero bytes there.
 */
function planBytes(bytes: Uint8Array, opts: ReadOptions): ModelPlan {
  const looksSafetensors =
    bytes.byteLength < 8
      ? bytes[0] !== 0x08
      : (bytes[4] === 0 && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0) || bytes[8] === 0x7b; /* '{' */
  return looksSafetensors ? planSafetensors(bytes, opts) : planOnnx(bytes, opts);
}

/** Builds the plan (headers, manifests and graphs are read; no tensor data). */
export function planModel(source: ModelSource, options?: ReadOptions): ModelPlan {
  const opts = checkReadOptions(options);
  if (source instanceof Uint8Array) return planBytes(source, opts);
  if (typeof source !== 'string') throw new WeightscopeError('model source must be a path or a Uint8Array', 'E_OPTION');
  let st: fs.Stats;
  try {
    st = fs.statSync(source);
  } catch (e) {
    throw formatError(source, `cannot open: ${(e as Error).message}`);
  }
  if (st.isDirectory()) return planFolder(source, opts);
  const base = path.basename(source);
  if (base.endsWith('.safetensors.index.json')) return planSafetensorsIndex(source, opts);
  if (base.endsWith('.safetensors')) return planSafetensors(source, opts);
  if (base.endsWith('.json')) return planTfjs(source, opts);
  if (base.endsWith('.onnx')) return planOnnx(source, opts);
  throw formatError(source, 'unknown model format (expected .safetensors, .safetensors.index.json, model.json, *-weights_manifest.json or .onnx)');
}

function readerFromPlan(plan: ModelPlan): ModelReader {
  const byName = new Map(plan.planned.map((p) => [p.info.name, p]));
  const load = async (name: string): Promise<WeightTensor> => {
    const p = byName.get(name);
    if (!p) throw new WeightscopeError(`no planned tensor named '${name}'`, 'E_OPTION');
    return { ...p.info, data: await p.load() };
  };
  return {
    format: plan.format,
    files: plan.files,
    tensors: plan.planned.map((p) => p.info),
    skipped: plan.skipped,
    read: load,
    async *[Symbol.asyncIterator]() {
      for (const p of plan.planned) yield { ...p.info, data: await p.load() };
    },
  };
}

/**
 * Opens a model: a .safetensors file, a sharded model.safetensors.index.json, a tfjs model.json or
 * *-weights_manifest.json, an .onnx file, a folder holding one of those, or safetensors/ONNX bytes.
 * Iterate the result with `for await` to get one tensor at a time.
 */
export async function openModel(source: ModelSource, options?: ReadOptions): Promise<ModelReader> {
  return readerFromPlan(planModel(source, options));
}

/** Streams the model's weight tensors one at a time (peak memory ≈ the largest tensor). */
export async function* readWeights(source: ModelSource, options?: ReadOptions): AsyncGenerator<WeightTensor> {
  yield* await openModel(source, options);
}

/** The tensors a model would yield and the ones it skips, with reasons; reads no tensor data. */
export async function listTensors(source: ModelSource, options?: ReadOptions): Promise<TensorListing> {
  const plan = planModel(source, options);
  return { format: plan.format, files: plan.files, tensors: plan.planned.map((p) => p.info), skipped: plan.skipped };
}
