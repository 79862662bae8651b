// What a model file is, from its content (never its extension alone): one table, first match wins. A
// format weightscope reads has a `plan`; one it does not read (yet) has a `hint`, one line saying what to do.
// Adding a reader = setting `plan` on its row.
import { formatError, FileSource, readJsonFile } from './bytes.js';
import type { PlanContext } from './context.js';
import { planGguf } from './gguf/plan.js';
import { planNumpy } from './numpy/plan.js';
import { planOnnx } from './onnx.js';
import { planPytorch, planPytorchIndex } from './pytorch/plan.js';
import { planSafetensors, planSafetensorsIndex } from './safetensors.js';
import { planTfjs } from './tfjs.js';
import { planTflite } from './tflite/plan.js';
import type { DraftPlan } from './types.js';

/** Bytes read from the start of a file to recognise it. */
export const HEAD_BYTES = 512;

export interface FormatEntry {
  id: string;
  /** What the file is, in words. */
  label: string;
  /** Whether the file's first bytes (up to HEAD_BYTES) and size are this format's. */
  sniff: (head: Uint8Array, size: number) => boolean;
  /** The reader, for formats weightscope reads. `source` is a path, or bytes in memory. */
  plan?: (source: string | Uint8Array, ctx: PlanContext) => DraftPlan;
  /** For a format not read: what to do instead, in one line. */
  hint?: string;
}

const ascii = (head: Uint8Array, at: number, s: string): boolean =>
  head.length >= at + s.length && [...s].every((c, i) => head[at + i] === c.charCodeAt(0));

const u32 = (h: Uint8Array, at: number): number => h[at] | (h[at + 1] << 8) | (h[at + 2] << 16) | (h[at + 3] * 2 ** 24);

/** The name of a zip archive's first entry (its first local file header), or null. */
function firstZipEntry(h: Uint8Array): string | null {
  if (!ascii(h, 0, 'PK\x03\x04') || h.length < 30) return null;
  const len = h[26] | (h[27] << 8);
  return h.length >= 30 + len ? new TextDecoder().decode(h.subarray(30, 30 + len)) : null;
}

/** safetensors: u64 LE header length n that fits in the file, then a JSON object. */
function isSafetensors(h: Uint8Array, size: number): boolean {
  if (h.length < 9) return false;
  const n = u32(h, 0) + u32(h, 4) * 2 ** 32;
  return n >= 2 && n <= size - 8 && h[8] === 0x7b; /* '{' */
}

/** JSON text (a tfjs model.json / manifest, or a safetensors index): the first non-blank byte opens one. */
function isJson(h: Uint8Array): boolean {
  for (const b of h) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue;
    if (b === 0xef) continue; // a UTF-8 BOM's first byte (then 0xbb 0xbf)
    if (b === 0xbb || b === 0xbf) continue;
    return b === 0x7b || b === 0x5b;
  }
  return false;
}

/**
 * ONNX ModelProto: protobuf that starts with field 1, ir_version, a small varint (protobuf writers emit fields
 * in number order and ONNX requires ir_version, so torch.onnx, onnx.save and onnxruntime files all start so).
 * A file named .onnx that does not is still given to the ONNX reader, which says what is wrong with it.
 */
function isOnnx(h: Uint8Array): boolean {
  return h.length > 2 && h[0] === 0x08 && h[1] >= 1 && h[1] <= 30;
}

/** A JSON model file: a safetensors index, or a tfjs model.json / weights manifest. */
function planJson(source: string | Uint8Array, ctx: PlanContext): DraftPlan {
  if (typeof source !== 'string') throw formatError('<memory>', 'JSON in memory names files that cannot be opened: pass the path');
  const json = readJsonFile(source, 'JSON file');
  const obj = json !== null && typeof json === 'object';
  // by content; the file name only picks the reader that explains what is missing
  const firstShard = obj && 'weight_map' in json ? Object.values((json as { weight_map: object }).weight_map ?? {})[0] : undefined;
  if (/(^|[\\/])pytorch_model[^\\/]*\.index\.json$/i.test(source) || /\.(bin|pt|pth|ckpt)$/i.test(String(firstShard))) {
    return planPytorchIndex(source, json, ctx);
  }
  if ((obj && 'weight_map' in json) || /\.index\.json$/i.test(source)) return planSafetensorsIndex(source, json, ctx);
  if (Array.isArray(json) || (obj && 'weightsManifest' in json) || /(^|[\\/])model\.json$|manifest\.json$/i.test(source)) {
    return planTfjs(source, json, ctx);
  }
  if (obj && ('model_type' in json || 'architectures' in json)) {
    throw formatError(source, 'is a transformers config.json, not weights: pass the folder that holds it and the checkpoint');
  }
  throw formatError(source, 'JSON, but neither a safetensors index (weight_map) nor a tfjs model.json or weights manifest');
}

const CONVERT_TO_SAFETENSORS =
  'convert it: python -c "import torch; from safetensors.torch import save_file; ' +
  "save_file(torch.load('IN', map_location='cpu'), 'model.safetensors')\" (a state_dict), or export to ONNX";

export const FORMATS: FormatEntry[] = [
  { id: 'safetensors', label: 'a safetensors file', sniff: isSafetensors, plan: planSafetensors },
  {
    id: 'pytorch',
    label: 'a PyTorch checkpoint (torch.save / TorchScript zip archive)',
    sniff: (h) => /^[^/]+\/(data\.pkl|data\/\d|constants\.pkl|code\/|version|\.data\/)/.test(firstZipEntry(h) ?? ''),
    plan: planPytorch,
  },
  {
    id: 'npz',
    label: 'a NumPy .npz archive',
    sniff: (h) => /\.npy$/.test(firstZipEntry(h) ?? ''),
    plan: planNumpy,
  },
  {
    id: 'keras',
    label: 'a Keras v3 .keras archive',
    sniff: (h) => /^(metadata\.json|config\.json|model\.weights\.h5)$/.test(firstZipEntry(h) ?? ''),
    hint: 'Keras archives are not read: convert with tensorflowjs_converter --input_format keras (to a tfjs model.json), or export to ONNX with tf2onnx',
  },
  {
    id: 'zip',
    label: 'a zip archive',
    sniff: (h) => ascii(h, 0, 'PK\x03\x04'),
    hint: 'not a model format weightscope knows: unpack it and pass the model file or folder',
  },
  {
    id: 'pytorch-legacy',
    label: 'a legacy PyTorch checkpoint (pickle, torch.save before 1.6)',
    sniff: (h) => h[0] === 0x80 && h[1] === 0x02 && h[2] === 0x8a && h[3] === 0x0a,
    plan: planPytorch,
  },
  {
    id: 'pickle',
    label: 'a Python pickle',
    sniff: (h) => h[0] === 0x80 && h[1] >= 2 && h[1] <= 5,
    hint: `pickles are not read (they can run code): if it is a PyTorch checkpoint, ${CONVERT_TO_SAFETENSORS}`,
  },
  {
    id: 'gguf',
    label: 'a GGUF file (llama.cpp)',
    sniff: (h) => ascii(h, 0, 'GGUF'),
    plan: planGguf,
  },
  {
    id: 'ggml',
    label: 'a legacy GGML file (llama.cpp before GGUF)',
    sniff: (h) => ['lmgg', 'fmgg', 'tjgg', 'algg'].some((m) => ascii(h, 0, m)),
    hint: 'legacy GGML files are not read: analyse the original checkpoint',
  },
  {
    id: 'tflite',
    label: 'a TensorFlow Lite model',
    sniff: (h) => ascii(h, 4, 'TFL3'),
    plan: planTflite,
  },
  {
    id: 'hdf5',
    label: 'an HDF5 file (Keras .h5 weights?)',
    sniff: (h) => ascii(h, 0, '\x89HDF\r\n\x1a\n'),
    hint: 'HDF5 is not read: convert a Keras .h5 with tensorflowjs_converter --input_format keras model.h5 out/ and pass out/model.json',
  },
  {
    id: 'npy',
    label: 'a NumPy .npy array',
    sniff: (h) => ascii(h, 0, '\x93NUMPY'),
    plan: planNumpy,
  },
  { id: 'json', label: 'a JSON model file', sniff: (h) => isJson(h), plan: planJson },
  { id: 'onnx', label: 'an ONNX model', sniff: (h) => isOnnx(h), plan: planOnnx },
];

/** The format of a file or of bytes, from their first bytes and size; null when none matches. */
export function detectFormat(head: Uint8Array, size: number): FormatEntry | null {
  return FORMATS.find((f) => f.sniff(head, size)) ?? null;
}

/** Reads a file's first bytes (FIFOs and devices refused, never blocked on) and detects its format. */
export function detectFile(file: string): { format: FormatEntry | null; size: number } {
  const src = FileSource.open(file);
  try {
    const head = src.readSync(0, Math.min(HEAD_BYTES, src.size), 'first bytes');
    return { format: detectFormat(head, src.size), size: src.size };
  } finally {
    src.close();
  }
}

/** The format an extension claims, for files whose content matches nothing (so their reader can say why). */
export function formatByExtension(file: string): FormatEntry | null {
  const id = /\.safetensors$/i.test(file) ? 'safetensors' : /\.onnx$/i.test(file) ? 'onnx' : /\.json$/i.test(file) ? 'json' : null;
  return FORMATS.find((f) => f.id === id) ?? null;
}
