// The format-independent part: recognise what a path or bytes hold (by content), build its plan, finish it
// (unique names, layer ids, aliases: plan.ts) and stream the planned tensors.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WeightscopeError } from '../errors.js';
import { disown } from '../linalg/internal.js';
import { formatError } from './bytes.js';
import { checkReadOptions } from './classify.js';
import type { PlanContext } from './context.js';
import { planFolder } from './folder.js';
import { detectFile, detectFormat, formatByExtension, FORMATS, HEAD_BYTES, type FormatEntry } from './formats.js';
import { ModelTree } from './paths.js';
import { finishPlan } from './plan.js';
import type { DraftPlan, ModelPlan, ModelReader, ReadOptions, TensorListing, WeightTensor } from './types.js';

/** A model on disk (file or folder) or safetensors/ONNX bytes in memory. */
export type ModelSource = string | Uint8Array;

/** ' (despite its .x extension)' when the extension claims another format than the content. */
function despite(file: string, f: FormatEntry): string {
  const claimed = formatByExtension(file);
  const ext = path.extname(file);
  return claimed && claimed.id !== f.id ? `, despite its ${ext} extension` : '';
}

function unreadable(what: string, f: FormatEntry, extra = ''): never {
  throw formatError(what, `is ${f.label}${extra}: ${f.hint ?? 'not a format weightscope reads'}`);
}

/** Plans one file by what its content is (the extension only decides for content that matches nothing). */
function planFile(file: string, ctx: PlanContext): DraftPlan {
  const { format } = detectFile(file);
  const f = format ?? formatByExtension(file);
  if (!f) {
    throw formatError(file, 'not a model file weightscope recognises (neither safetensors, ONNX nor tfjs JSON, and no known format\'s signature)');
  }
  if (!f.plan) unreadable(file, f, despite(file, f));
  return f.plan(file, ctx);
}

/**
 * Bytes whose content matches no signature: the two formats taken in memory, told apart as before so their
 * reader can say what is wrong (a safetensors length prefix below 2^32 has four zero bytes, or a '{' follows).
 */
function guessBytes(b: Uint8Array): FormatEntry | null {
  const st = b.byteLength < 8 ? b[0] !== 0x08 : (b[4] === 0 && b[5] === 0 && b[6] === 0 && b[7] === 0) || b[8] === 0x7b;
  return FORMATS.find((f) => f.id === (st ? 'safetensors' : 'onnx')) ?? null;
}

function planBytes(bytes: Uint8Array, ctx: PlanContext): DraftPlan {
  const f = detectFormat(bytes.subarray(0, HEAD_BYTES), bytes.byteLength) ?? guessBytes(bytes);
  if (!f) throw formatError('<memory>', 'the bytes are not a model weightscope recognises (safetensors or ONNX)');
  if (!f.plan) unreadable('<memory>', f);
  return f.plan(bytes, ctx);
}

/** Builds the plan (headers, manifests and graphs are read; no tensor data). */
export function planModel(source: ModelSource, options?: ReadOptions): ModelPlan {
  const opts = checkReadOptions(options);
  if (source instanceof Uint8Array) return finishPlan(planBytes(source, { opts, tree: ModelTree.none() }), opts);
  if (typeof source !== 'string') throw new WeightscopeError('model source must be a path or a Uint8Array', 'E_OPTION');
  let st: fs.Stats;
  try {
    st = fs.statSync(source);
  } catch (e) {
    throw formatError(source, `cannot open: ${(e as Error).message}`);
  }
  if (st.isDirectory()) return finishPlan(planFolder(source, { opts, tree: ModelTree.of(source) }), opts);
  return finishPlan(planFile(source, { opts, tree: ModelTree.of(path.dirname(source)) }), opts);
}

function readerFromPlan(plan: ModelPlan): ModelReader {
  const byName = new Map(plan.planned.map((p) => [p.info.name, p]));
  const load = async (name: string): Promise<WeightTensor> => {
    const p = byName.get(name);
    if (!p) throw new WeightscopeError(`no planned tensor named '${name}'`, 'E_OPTION');
    return { ...p.info, data: disown(await p.load()) };
  };
  return {
    format: plan.format,
    files: plan.files,
    tensors: plan.planned.map((p) => p.info),
    skipped: plan.skipped,
    notes: plan.notes,
    read: load,
    async *[Symbol.asyncIterator]() {
      for (const p of plan.planned) yield { ...p.info, data: disown(await p.load()) };
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
  return { format: plan.format, files: plan.files, tensors: plan.planned.map((p) => p.info), skipped: plan.skipped, notes: plan.notes };
}
