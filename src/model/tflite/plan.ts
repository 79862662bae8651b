// TFLite reader (FlatBuffers, schema.ts). Weights are the constant inputs of the ops that carry them, in
// operator order: FULLY_CONNECTED weights (out, in), CONV_2D and TRANSPOSE_CONV filters (out, kh, kw, in) —
// OHWI, permuted to (out, in, kh, kw) 'oihw' — EMBEDDING_LOOKUP / GATHER tables, LSTM weight matrices;
// DEPTHWISE_CONV_2D filters are skipped (each slice is a vector). A weight behind a DEQUANTIZE op (float16
// weights, or int8 weights of dynamic-range quantization) is read from the DEQUANTIZE input. int8/uint8
// weights are dequantized: value = (q − zero_point[c]) · scale[c], c along quantized_dimension (per-channel)
// or one scale for the tensor. Buffers live inside the flatbuffer or after it (offset/size).
import { fileOpener, formatError, memoryOpener } from '../bytes.js';
import { finalSkip, SKIP } from '../classify.js';
import type { PlanContext } from '../context.js';
import { product, type FloatDtype } from '../decode.js';
import { gather, loadView } from '../stored.js';
import type { ConvLayout, DraftPlan, DraftTensor, SkippedTensor, WeightKind } from '../types.js';
import { OP, OP_NAMES, readTfliteModel, TENSOR_TYPES, type BufferRange, type TfliteModel, type TfliteSubgraph, type TfliteTensor } from './schema.js';

const FLOATS: Record<number, FloatDtype> = { 0: 'float32', 1: 'float16', 10: 'float64', 18: 'bfloat16' };
const SIZES: Record<FloatDtype, number> = { float32: 4, float16: 2, float64: 8, bfloat16: 2 };
const QUANTIZED: Record<number, 'int8' | 'uint8'> = { 9: 'int8', 3: 'uint8' };

interface Role {
  kind: WeightKind;
  ohwi?: boolean;
  skip?: string;
}

/** Which inputs of an op are weights, and what they are. */
function weightInputs(op: number, inputs: number[]): [number, Role][] {
  switch (op) {
    case OP.FULLY_CONNECTED:
      return [[inputs[1], { kind: 'dense' }]];
    case OP.CONV_2D:
    case OP.TRANSPOSE_CONV:
      return [[inputs[1], { kind: 'conv2d', ohwi: true }]];
    case OP.DEPTHWISE_CONV_2D:
      return [[inputs[1], { kind: 'conv2d', skip: SKIP.depthwise }]];
    case OP.EMBEDDING_LOOKUP:
      return [[inputs[1], { kind: 'embedding' }]];
    case OP.GATHER:
      return [[inputs[0], { kind: 'embedding' }]];
    case OP.LSTM:
    case OP.UNIDIRECTIONAL_SEQUENCE_LSTM:
    case OP.BIDIRECTIONAL_SEQUENCE_LSTM:
      return inputs.slice(1).map((i) => [i, { kind: 'recurrent' }] as [number, Role]);
    default:
      return [];
  }
}

interface Ctx {
  file: string;
  source: string | Uint8Array;
  model: TfliteModel;
  drafts: DraftTensor[];
  skipped: SkippedTensor[];
  seen: Set<string>;
  opts: PlanContext['opts'];
}

/** The tensor holding the weight's bytes: itself, or the constant input of the DEQUANTIZE that produces it. */
function constantOf(g: TfliteSubgraph, producers: Map<number, number[]>, t: TfliteTensor, buffers: (BufferRange | null)[]): { t: TfliteTensor; via?: string } | null {
  if (buffers[t.buffer]) return { t };
  const inputs = producers.get(t.index);
  const src = inputs ? g.tensors[inputs[0]] : undefined;
  if (src && buffers[src.buffer]) return { t: src, via: `DEQUANTIZE of '${src.name}' (${TENSOR_TYPES[src.type]})` };
  return null;
}

function dequantize(bytes: Uint8Array, t: TfliteTensor, signed: boolean, file: string): Float32Array {
  const n = bytes.length;
  const out = new Float32Array(n);
  const channels = t.scale.length;
  const dim = t.quantizedDimension;
  if (channels > 1 && (dim < 0 || dim >= t.shape.length || t.shape[dim] !== channels)) {
    throw formatError(file, `tensor '${t.name}': ${channels} scales but quantized_dimension ${dim} of shape [${t.shape}]`);
  }
  const inner = channels > 1 ? product(t.shape.slice(dim + 1))! : n;
  for (let i = 0; i < n; i++) {
    const c = channels > 1 ? Math.floor(i / inner) % channels : 0;
    const q = signed ? (bytes[i] << 24) >> 24 : bytes[i];
    out[i] = (q - (t.zeroPoint[c] ?? 0)) * t.scale[c];
  }
  return out;
}

function planWeight(c: Ctx, g: TfliteSubgraph, gi: number, producers: Map<number, number[]>, index: number, role: Role, opName: string, order: number): void {
  const w = g.tensors[index];
  if (!w) throw formatError(c.file, `${opName} in subgraph ${gi} names tensor ${index}, which does not exist`);
  const found = constantOf(g, producers, w, c.model.buffers);
  if (!found) return; // a computed input (activations), not a weight
  const s = found.t;
  const buf = c.model.buffers[s.buffer]!;
  const key = `${c.file}@${buf.offset}:${buf.size}`;
  const name = w.name;
  if (role.skip) return void c.skipped.push({ name, reason: role.skip });
  const float = FLOATS[s.type];
  const quant = QUANTIZED[s.type];
  if (!float && !(quant && s.scale.length > 0)) {
    return void c.skipped.push({ name, reason: quant ? `quantized ${TENSOR_TYPES[s.type]} without scales` : SKIP.integer(TENSOR_TYPES[s.type] ?? `type ${s.type}`) });
  }
  const count = product(s.shape);
  const elem = float ? SIZES[float] : 1;
  if (count === undefined || count * elem !== buf.size) {
    throw formatError(c.file, `tensor '${s.name}': shape [${s.shape}] × ${TENSOR_TYPES[s.type]} needs ${count === undefined ? 'too many' : count * elem} bytes, its buffer holds ${buf.size}`);
  }
  if (s.shape.length < 2) return void c.skipped.push({ name, reason: s.shape.length === 0 ? SKIP.scalar : SKIP.vector });
  if (role.kind === 'conv2d' && s.shape.length !== 4) return void c.skipped.push({ name, reason: `${opName} filter of rank ${s.shape.length}, not 4` });
  const ohwi = role.ohwi === true;
  const [o, h, wd, i] = s.shape;
  const shape = ohwi ? [o, i, h, wd] : s.shape;
  const layout: ConvLayout | undefined = ohwi ? 'oihw' : undefined;
  const transform = [
    found.via ? `read through ${found.via}` : '',
    quant ? `dequantized ${quant} (${s.scale.length > 1 ? `per-channel: ${s.scale.length} scales along dim ${s.quantizedDimension}` : 'one scale'})` : '',
    ohwi ? 'OHWI permuted to (out, in, kh, kw)' : '',
  ].filter(Boolean);
  const info = {
    name,
    key,
    dtype: float ?? quant!,
    shape,
    kind: ohwi && i === 1 && o > 1 ? ('conv2d' as const) : role.kind,
    ...(layout ? { layout } : {}),
    ...(shape.length === 2 && role.kind === 'dense' ? { orientation: '(out, in) as FULLY_CONNECTED stores it' } : {}),
    source: {
      format: 'tflite' as const,
      file: c.file,
      offset: buf.offset,
      byteLength: buf.size,
      storedDtype: TENSOR_TYPES[s.type],
      ...(ohwi ? { storedShape: s.shape } : {}),
      ...(transform.length > 0 ? { transform: transform.join('; ') } : {}),
      opType: opName,
      ...(c.model.subgraphs.length > 1 ? { graph: g.name } : {}),
      ...(s !== w ? { storedName: s.name } : {}),
    },
  };
  if (ohwi && i === 1 && o > 1) return void c.skipped.push({ name, reason: SKIP.oneChannel });
  const skip = finalSkip(info, float === 'float64' ? 8 : 4, c.opts);
  if (skip) return void c.skipped.push({ name, reason: skip });
  if (c.seen.has(`${key}|${name}`)) return; // the same weight used again under the same name
  c.seen.add(`${key}|${name}`);
  const what = `tensor '${name}'`;
  // OHWI -> OIHW: element (o, i, h, w) is at o·H·W·I + h·W·I + w·I + i of the stored order
  const size = ohwi ? shape : s.shape;
  const stride = ohwi ? [h * wd * i, 1, wd * i, i] : undefined;
  const load = async (): Promise<Float32Array | Float64Array> => {
    if (float) return loadView({ source: c.source, base: buf.offset, dtype: float, offset: 0, size, stride: stride ?? contiguous(size), what });
    const src = (typeof c.source === 'string' ? fileOpener(c.source) : memoryOpener(c.source))();
    let bytes: Uint8Array;
    try {
      bytes = await src.read(buf.offset, buf.size, what);
    } finally {
      src.close();
    }
    const values = dequantize(bytes, s, quant === 'int8', c.file);
    return stride ? gather(values, size, stride) : values;
  };
  c.drafts.push({ info, order, load });
}

function contiguous(size: readonly number[]): number[] {
  const s: number[] = [];
  let n = 1;
  for (let k = size.length - 1; k >= 0; k--) {
    s[k] = n;
    n *= size[k];
  }
  return s;
}

/** Plans a .tflite file or its bytes. */
export function planTflite(source: string | Uint8Array, ctx: PlanContext): DraftPlan {
  const file = typeof source === 'string' ? source : '<memory>';
  const src = (typeof source === 'string' ? fileOpener(source) : memoryOpener(source))();
  let model: TfliteModel;
  try {
    model = readTfliteModel(src);
  } finally {
    src.close();
  }
  const c: Ctx = { file, source, model, drafts: [], skipped: [], seen: new Set(), opts: ctx.opts };
  let order = 0;
  model.subgraphs.forEach((g, gi) => {
    const producers = new Map<number, number[]>();
    for (const op of g.operators) if (op.op === OP.DEQUANTIZE) for (const out of op.outputs) producers.set(out, op.inputs);
    for (const op of g.operators) {
      for (const [index, role] of weightInputs(op.op, op.inputs)) {
        if (index === undefined || index < 0) continue; // optional input absent (-1)
        planWeight(c, g, gi, producers, index, role, OP_NAMES[op.op] ?? `op ${op.op}`, order++);
      }
    }
  });
  if (c.drafts.length === 0 && c.skipped.length === 0) throw formatError(file, 'TFLite model with no weights in FULLY_CONNECTED, CONV_2D, EMBEDDING_LOOKUP, GATHER or LSTM ops');
  return { format: 'tflite', files: [file], drafts: c.drafts, skipped: c.skipped };
}
