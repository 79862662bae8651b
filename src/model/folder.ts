// A folder given as the model: which file in it is the model. Candidates are recognised by content
// (formats.ts), the readable ones chosen in this order: a safetensors index, one safetensors file, a PyTorch
// index, one PyTorch checkpoint (pytorch_model.bin first), a tfjs model.json (or one weights manifest), one
// ONNX file, one NumPy or TFLite file. Several candidates of the chosen kind (two .onnx files,
// three manifests, safetensors files without an index) are an error naming them; other model files in the
// folder are named in the plan's notes ("also here, not analysed: ...").
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatError } from './bytes.js';
import type { PlanContext } from './context.js';
import { detectFile, type FormatEntry } from './formats.js';
import type { ModelTree } from './paths.js';
import type { DraftPlan } from './types.js';

/** File names that may hold a model (the rest — tokenizers, configs, tfjs shards, READMEs — are not opened). */
const CANDIDATE = /\.(safetensors|onnx|pt|pth|bin|ckpt|gguf|ggml|h5|hdf5|keras|tflite|npz|npy|pkl|pickle)$|(^model\.json|weights_manifest\.json|\.index\.json)$/i;
const TFJS_SHARD = /^group\d+-shard\d+of\d+(\.bin)?$/;

interface Candidate {
  name: string;
  file: string;
  format: FormatEntry;
}

/** The folder's model candidates, and the model-named entries refused (links out of the tree, FIFOs, ...). */
function scan(dir: string, tree: ModelTree): { found: Candidate[]; refused: string[] } {
  const found: Candidate[] = [];
  const refused: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    if (!CANDIDATE.test(name) || TFJS_SHARD.test(name)) continue;
    const file = path.join(dir, name);
    try {
      tree.check(file, dir, name);
      const { format } = detectFile(file);
      if (format) found.push({ name, file, format });
    } catch (e) {
      // not a regular file, unreadable, or a link out of the tree: not a candidate, never read
      const msg = (e as Error).message.replace(`${dir}: `, '').replace(`${file}: `, `${name}: `);
      refused.push(/is a link to/.test(msg) ? `${msg} — pass the file's own path to follow it` : msg);
    }
  }
  return { found, refused };
}

const JSON_KIND = (c: Candidate): 'index' | 'tfjs' | null =>
  c.format.id !== 'json' ? null : /\.index\.json$/i.test(c.name) ? 'index' : /^model\.json$|weights_manifest\.json$/i.test(c.name) ? 'tfjs' : null;

function one(dir: string, list: Candidate[], what: string): Candidate {
  if (list.length > 1) {
    throw formatError(dir, `folder holds several ${what}: ${list.map((c) => c.name).join(', ')} — pass one of them`);
  }
  return list[0];
}

/** Chooses the model of a folder and plans it. */
export function planFolder(dir: string, ctx: PlanContext): DraftPlan {
  const { found: all, refused } = scan(dir, ctx.tree);
  const readable = all.filter((c) => c.format.plan);
  const isTorchIndex = (c: Candidate): boolean => /^pytorch_model.*\.index\.json$/i.test(c.name);
  const indexes = readable.filter((c) => JSON_KIND(c) === 'index' && !isTorchIndex(c));
  const safetensors = readable.filter((c) => c.format.id === 'safetensors');
  const torchIndexes = readable.filter((c) => JSON_KIND(c) === 'index' && isTorchIndex(c));
  const torch = readable.filter((c) => c.format.id === 'pytorch' || c.format.id === 'pytorch-legacy');
  const tfjs = readable.filter((c) => JSON_KIND(c) === 'tfjs');
  const onnx = readable.filter((c) => c.format.id === 'onnx' && /\.onnx$/i.test(c.name));
  const rest = readable.filter((c) => c.format.id === 'npz' || c.format.id === 'npy' || c.format.id === 'tflite');
  let chosen: Candidate | undefined;
  if (indexes.length > 0) chosen = indexes.find((c) => c.name === 'model.safetensors.index.json') ?? one(dir, indexes, 'safetensors indexes');
  else if (safetensors.length > 0) {
    chosen = safetensors.find((c) => c.name === 'model.safetensors') ?? one(dir, safetensors, 'safetensors files and no model.safetensors.index.json');
  } else if (torchIndexes.length > 0) chosen = one(dir, torchIndexes, 'PyTorch indexes');
  else if (torch.length > 0) chosen = torch.find((c) => c.name === 'pytorch_model.bin') ?? one(dir, torch, 'PyTorch checkpoints and no pytorch_model.bin.index.json');
  else if (tfjs.length > 0) chosen = tfjs.find((c) => c.name === 'model.json') ?? one(dir, tfjs, 'tfjs weights manifests');
  else if (onnx.length > 0) chosen = one(dir, onnx, 'ONNX models');
  else if (readable.some((c) => c.format.id === 'gguf')) chosen = one(dir, readable.filter((c) => c.format.id === 'gguf'), 'GGUF files');
  else if (rest.length > 0) chosen = one(dir, rest, 'NumPy or TFLite files');
  if (!chosen) {
    if (all.length === 0) {
      const why = refused.length > 0 ? `; refused: ${refused.join('; ')}` : '';
      throw formatError(dir, `folder holds no model file (safetensors, model.json, weights manifest, .onnx)${why}`);
    }
    const c = all.find((x) => x.format.hint) ?? all[0];
    throw formatError(dir, `folder holds ${all.map((x) => `${x.name} (${x.format.label})`).join(', ')}: ${c.format.hint ?? 'not a model weightscope reads'}`);
  }
  const plan = chosen.format.plan!(chosen.file, ctx);
  const used = new Set(plan.files.map((f) => path.resolve(f)));
  const others = all.filter((c) => !used.has(path.resolve(c.file)) && c.format.id !== 'json');
  const notes = [...(plan.notes ?? [])];
  const kind = JSON_KIND(chosen);
  const label = kind === 'index' ? (isTorchIndex(chosen) ? 'a sharded PyTorch index' : 'a sharded safetensors index') : kind === 'tfjs' ? 'a tfjs model' : chosen.format.label;
  notes.unshift(`analysed ${chosen.name} (${label}) from folder ${dir}`);
  if (others.length > 0) notes.push(`also in the folder, not analysed: ${others.map((c) => `${c.name} (${c.format.label})`).join(', ')}`);
  for (const r of refused) notes.push(`not read: ${r}`);
  return { ...plan, notes };
}
