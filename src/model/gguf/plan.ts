// GGUF reader: plans the tensors of a GGUF file (llama.cpp, Ollama) from its header. ggml's ne[0] is the fastest
// axis, so ne = [in, out] is the row-major (out, in) matrix as stored: no transpose. Plain floats (F32, F16, BF16,
// F64) are read through readTensor, the quantized types through readGgml (both native, off the main thread);
// quantized types without a dequantizer, and integer tensors, are skipped with the reason. A stacked MoE experts
// tensor (ne = [in, out, n_expert]) is yielded as one (out, in) matrix per expert.
import { formatError, FileSource, MemorySource, type ByteSource } from '../bytes.js';
import { classifyByName, finalSkip, SKIP } from '../classify.js';
import type { PlanContext } from '../context.js';
import type { DraftPlan, DraftTensor, SkippedTensor, TensorInfo } from '../types.js';
import { decodeGgml, decodeTensor, readGgml, readTensor } from '../../linalg/internal.js';
import { readGgufHeader, type GgufHeader, type GgufTensorEntry } from './header.js';
import { compareKeys, ggufKind, isExperts, orderKey, parseGgufName } from './names.js';
import { GGML_FLOATS, GGML_TYPES } from './types.js';

type Load = () => Promise<Float32Array | Float64Array>;

/** How one byte range is turned into floats: from the file (native reads) or from bytes in memory. */
function loader(source: string | Uint8Array, type: number, offset: number, byteLength: number, shape: number[]): Load {
  const float = GGML_FLOATS[type];
  const count = shape.reduce((a, b) => a * b, 1);
  if (typeof source === 'string') {
    if (float) return async () => (await readTensor(source, { offset, byteLength, dtype: float.stored, shape })).data;
    return async () => (await readGgml(source, { offset, byteLength, type, count })).data;
  }
  const bytes = () => source.subarray(offset, offset + byteLength);
  if (float) return async () => (await decodeTensor(bytes(), { dtype: float.stored, shape })).data;
  return async () => (await decodeGgml(bytes(), { type, count })).data;
}

/** Why a tensor of this type is not read, or undefined when it is. */
function typeSkip(t: GgufTensorEntry): string | undefined {
  const info = GGML_TYPES[t.type];
  if (info === undefined) return `unknown ggml type ${t.type}: not read`;
  if (GGML_FLOATS[t.type] || info.dequant) return undefined;
  if (/^I\d+$/.test(info.name)) return SKIP.integer(info.name);
  return `quantized (${info.name}): no dequantizer`;
}

function headerOf(src: ByteSource): GgufHeader {
  try {
    return readGgufHeader(src);
  } finally {
    src.close();
  }
}

export function planGguf(source: string | Uint8Array, ctx: PlanContext): DraftPlan {
  const file = typeof source === 'string' ? source : '<memory>';
  const header = headerOf(typeof source === 'string' ? FileSource.open(source) : new MemorySource(source));
  if (header.tensors.length === 0) throw formatError(file, 'no tensors in the model (empty model)');
  const prefixes: string[] = [];
  const planned: { key: number[]; index: number; draft: DraftTensor }[] = [];
  const skipped: SkippedTensor[] = [];
  for (const t of header.tensors) {
    const n = parseGgufName(t.name);
    if (!prefixes.includes(n.prefix)) prefixes.push(n.prefix);
    const why = typeSkip(t);
    if (why) {
      skipped.push({ name: t.name, reason: why });
      continue;
    }
    const typeName = GGML_TYPES[t.type].name;
    const float = GGML_FLOATS[t.type];
    // Dequantized values are float32 numbers and are what the model computes with: no storage rounding to
    // account for in the eigenvalues' resolution (the quantized type is in source.storedDtype).
    const dtype = float ? float.dtype : 'float32';
    const stored = [...t.ne].reverse(); // row-major shape
    const experts = isExperts(n) && stored.length === 3 ? stored[0] : 0;
    const parts = experts > 0 ? experts : 1;
    const shape = experts > 0 ? stored.slice(1) : stored;
    const cls = shape.length === 2 ? { kind: ggufKind(n) } : classifyByName(t.name, shape, 'oihw');
    if ('skip' in cls && cls.skip) {
      skipped.push({ name: t.name, reason: cls.skip });
      continue;
    }
    const partBytes = t.byteLength! / parts;
    for (let e = 0; e < parts; e++) {
      const name = experts > 0 ? `${t.name}#expert${e}` : t.name;
      const offset = t.offset + e * partBytes;
      const info: Omit<TensorInfo, 'layerId' | 'aliases'> = {
        name,
        key: `${file}@${offset}:${partBytes}`,
        dtype,
        shape,
        kind: cls.kind,
        ...('layout' in cls && cls.layout ? { layout: cls.layout } : {}),
        ...(shape.length === 2 ? { orientation: `GGUF ne = [${t.ne.slice(0, 2).join(', ')}] (ne[0] fastest): row-major (out, in) as stored` } : {}),
        source: {
          format: 'gguf' as const,
          file,
          offset,
          byteLength: partBytes,
          storedDtype: typeName,
          ...(experts > 0 ? { storedShape: stored, storedName: t.name } : {}),
          ...(experts > 0 || !float
            ? { transform: [experts > 0 ? `expert ${e} of ${experts}` : '', float ? '' : `dequantized from ${typeName}`].filter(Boolean).join(', ') }
            : {}),
        },
      };
      const reason = finalSkip(info, float?.dtype === 'float64' ? 8 : 4, ctx.opts);
      if (reason) {
        skipped.push({ name, reason });
        continue;
      }
      planned.push({
        key: [...orderKey(n, prefixes.indexOf(n.prefix)), e],
        index: t.index,
        draft: { info, load: loader(source, t.type, offset, partBytes, shape) },
      });
    }
  }
  planned.sort((a, b) => compareKeys(a.key, b.key) || a.index - b.index);
  const drafts = planned.map((p, order) => ({ ...p.draft, order }));
  const arch = header.metadata.get('general.architecture');
  const notes = typeof arch === 'string' ? [`GGUF v${header.version}, architecture ${arch}`] : [];
  return { format: 'gguf', files: [file], drafts, skipped, notes };
}
