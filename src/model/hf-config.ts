// Orientation of 2-D safetensors weights, from the transformers config.json next to the checkpoint.
// PyTorch's nn.Linear stores (out, in), which is how every dense matrix is yielded. transformers' Conv1D
// (GPT-2 and the models built on its blocks) stores (in, out) — y = x·W + b — under the module names
// c_attn, c_proj, c_fc and q_attn; nanoGPT uses the same names with nn.Linear (out, in), so the names alone
// cannot tell: only config.json (model_type or architectures) does.
import * as path from 'node:path';
import { readJsonFile } from './bytes.js';
import type { ModelTree } from './paths.js';

/** model_type values (and architecture prefixes) of the transformers models whose blocks use Conv1D. */
const CONV1D_MODEL_TYPES = new Set(['gpt2', 'openai-gpt', 'imagegpt', 'decision_transformer', 'clvp']);
const CONV1D_ARCHITECTURES = /^(GPT2|OpenAIGPT|ImageGPT|DecisionTransformer|Clvp)/;
const CONV1D_MODULES = new Set(['c_attn', 'c_proj', 'c_fc', 'q_attn']);

export interface HfConfig {
  file: string;
  modelType: string | null;
  architectures: string[];
  /** Whether the model's c_attn/c_proj/c_fc/q_attn weights are transformers Conv1D, (in, out). */
  conv1d: boolean;
  /** config.json's quantization_config (quant_method, bits, group_size, ...), when present. */
  quantization: Record<string, unknown> | null;
  notes: string[];
}

/** config.json of the model folder, or null when there is none (or it cannot be read: a note says so). */
export function readHfConfig(tree: ModelTree, modelFile: string): HfConfig | null {
  const file = path.join(path.dirname(path.resolve(modelFile)), 'config.json');
  let json: unknown;
  try {
    tree.check(file, modelFile, 'config.json');
    json = readJsonFile(file, 'config.json');
  } catch (e) {
    if ((e as Error).message.includes('ENOENT')) return null;
    return { file, modelType: null, architectures: [], conv1d: false, quantization: null, notes: [`config.json not used: ${(e as Error).message}`] };
  }
  const o = (json ?? {}) as { model_type?: unknown; architectures?: unknown; quantization_config?: unknown };
  const qc = o.quantization_config;
  const quantization = qc !== null && typeof qc === 'object' && !Array.isArray(qc) ? (qc as Record<string, unknown>) : null;
  const modelType = typeof o.model_type === 'string' ? o.model_type : null;
  const architectures = Array.isArray(o.architectures) ? o.architectures.filter((a): a is string => typeof a === 'string') : [];
  const conv1d = (modelType !== null && CONV1D_MODEL_TYPES.has(modelType)) || architectures.some((a) => CONV1D_ARCHITECTURES.test(a));
  return { file, modelType, architectures, conv1d, quantization, notes: [] };
}

export interface Orientation {
  transpose: boolean;
  orientation: string;
}

export type Orienter = (name: string, shape: readonly number[]) => Orientation;

function isConv1dName(name: string): boolean {
  const segs = name.split('.');
  return segs.length >= 2 && segs[segs.length - 1] === 'weight' && CONV1D_MODULES.has(segs[segs.length - 2]);
}

/** How each 2-D weight of a checkpoint with this config is oriented, and the layout assumed, in words. */
export function orienter(hf: HfConfig | null): Orienter {
  const by = hf?.modelType ? `model_type '${hf.modelType}'` : `architectures ${JSON.stringify(hf?.architectures)}`;
  return (name) => {
    if (!isConv1dName(name)) return { transpose: false, orientation: '(out, in) as stored (PyTorch nn.Linear)' };
    if (hf?.conv1d) {
      return { transpose: true, orientation: `(in, out) as transformers Conv1D stores it (config.json ${by}): transposed to (out, in)` };
    }
    if (hf) return { transpose: false, orientation: `(out, in) as stored (config.json ${by} is not a Conv1D model)` };
    return { transpose: false, orientation: 'as stored: (in, out) if this is a transformers Conv1D (GPT-2 family), but no config.json says so' };
  };
}
