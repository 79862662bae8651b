// ONNX reader. Weights come from graph.initializer and from Constant nodes (value attribute), in the main graph
// and in every subgraph (If/Loop/Scan bodies). The op that consumes a weight decides its orientation:
//   Gemm B: transB=1 -> stored (out, in), kept; transB=0 -> stored (in, out), transposed to (out, in).
//   MatMul: B (input 1, y = x·B) is (in, out) -> transposed; A (input 0, y = W·x) is (out, in) -> kept.
//   Conv W: (out, in/group, kh, kw) -> conv2d 'oihw'; 1-D conv (out, in, k) is viewed as (out, in, 1, k);
//     depthwise (group > 1 and one input channel per group) is skipped.
//   ConvTranspose W: (in, out/group, kh, kw) -> axes 0 and 1 swapped to 'oihw'.
//   LSTM/GRU/RNN W [dirs, gates·hidden, input] and R [dirs, gates·hidden, hidden]: split into one 2-D
//     (hidden × input|hidden) matrix per direction and gate, named `<node>.W.<gate>` (gates: LSTM i,o,f,c;
//     GRU z,r,h; RNN one matrix `<node>.W`); bidirectional adds the direction: `<node>.W.forward.i`.
//   Gather data (input 0) of rank 2 -> embedding.
// Identity/Cast between a weight and its consumer are looked through. Other float tensors of rank >= 2 are
// yielded as kind 'other' with their stored shape.
import { fileOpener, formatError, memoryOpener, type ByteSource, type Opener } from './bytes.js';
import { EMBED, finalSkip, RECURRENT, SKIP } from './classify.js';
import type { PlanContext } from './context.js';
import { decodeFloats, halfToFloat, isValidShape, product, type FloatDtype } from './decode.js';
import { readFloats, transpose2d } from './load.js';
import { loadRange } from './native-load.js';
import { collect, consumer, otherUses, type Found, type Use, type Walk } from './onnx-graph.js';
import { readModel, type OnnxGraph, type OnnxNode, type OnnxTensor } from './onnx-proto.js';
import { quantDraft } from './quant/draft.js';
import { sideReason } from './quant/kernel.js';
import { OnnxQuantCollector } from './quant/onnx.js';
import { planOnnxQuant } from './quant/onnx-plan.js';
import { decodePackedVarints, MessageReader, Window } from './protobuf.js';
import type { ConvLayout, DraftPlan, DraftTensor, LoadWant, SkippedTensor, WeightKind } from './types.js';

/** TensorProto.DataType names (onnx.proto), for messages and skip reasons. */
const DATA_TYPES: Record<number, string> = {
  1: 'FLOAT', 2: 'UINT8', 3: 'INT8', 4: 'UINT16', 5: 'INT16', 6: 'INT32', 7: 'INT64', 8: 'STRING', 9: 'BOOL',
  10: 'FLOAT16', 11: 'DOUBLE', 12: 'UINT32', 13: 'UINT64', 14: 'COMPLEX64', 15: 'COMPLEX128', 16: 'BFLOAT16',
  17: 'FLOAT8E4M3FN', 18: 'FLOAT8E4M3FNUZ', 19: 'FLOAT8E5M2', 20: 'FLOAT8E5M2FNUZ', 21: 'UINT4', 22: 'INT4',
  23: 'FLOAT4E2M1', 24: 'FLOAT8E8M0',
};
const FLOATS: Record<number, FloatDtype> = { 1: 'float32', 11: 'float64', 10: 'float16', 16: 'bfloat16' };
const SIZES: Record<FloatDtype, number> = { float32: 4, float64: 8, float16: 2, bfloat16: 2 };
const QUANT_OPS = new Set(['DequantizeLinear', 'QLinearConv', 'QLinearMatMul', 'MatMulInteger', 'ConvInteger', 'DynamicQuantizeLinear']);
const GATES: Record<string, string[]> = { LSTM: ['i', 'o', 'f', 'c'], GRU: ['z', 'r', 'h'], RNN: [''] };

function attrInt(node: OnnxNode, name: string, dflt: number): number {
  return node.attributes.find((a) => a.name === name)?.i ?? dflt;
}

interface Part {
  name: string;
  shape: number[];
  kind: WeightKind;
  layout?: ConvLayout;
  /** Element range of the stored tensor. */
  first: number;
  count: number;
  transform?: 'transpose' | 'swap01';
  note?: string;
  /** 2-D parts: the layout assumed, in words (TensorInfo.orientation). */
  orient?: string;
  skip?: string;
}

/** How a stored tensor becomes yielded part(s), from its consumer. */
function shapeParts(f: Found, dims: number[], use: Use | undefined): Part[] {
  const whole = (p: Omit<Part, 'name' | 'first' | 'count'>): Part[] => [{ name: f.name, first: 0, count: product(dims)!, ...p }];
  if (dims.length === 0) return whole({ shape: dims, kind: 'other', skip: SKIP.scalar });
  if (dims.length === 1) return whole({ shape: dims, kind: 'other', skip: SKIP.vector });
  const op = use?.node.opType;
  if (op === 'Gemm' && use!.input === 1 && dims.length === 2) {
    return attrInt(use!.node, 'transB', 0)
      ? whole({ shape: dims, kind: 'dense', orient: '(out, in) as stored (Gemm B with transB=1)' })
      : whole({ shape: [dims[1], dims[0]], kind: 'dense', transform: 'transpose', note: 'Gemm transB=0: (in, out) transposed to (out, in)' });
  }
  if (op === 'MatMul' && dims.length === 2) {
    return use!.input === 1
      ? whole({ shape: [dims[1], dims[0]], kind: 'dense', transform: 'transpose', note: 'MatMul B: (in, out) transposed to (out, in)' })
      : whole({ shape: dims, kind: 'dense', orient: '(out, in) as stored (MatMul A: y = W·x)' });
  }
  if (op === 'Conv' && use!.input === 1 && (dims.length === 3 || dims.length === 4)) {
    const shape = dims.length === 3 ? [dims[0], dims[1], 1, dims[2]] : dims;
    const group = attrInt(use!.node, 'group', 1);
    if (group > 1 && shape[1] === 1) return whole({ shape, kind: 'conv2d', layout: 'oihw', skip: SKIP.depthwise });
    if (shape[1] === 1 && shape[0] > 1) return whole({ shape, kind: 'conv2d', layout: 'oihw', skip: SKIP.oneChannel });
    return whole({ shape, kind: 'conv2d', layout: 'oihw', ...(dims.length === 3 ? { note: '1-D conv (out, in, k) viewed as (out, in, 1, k)' } : {}) });
  }
  if (op === 'ConvTranspose' && use!.input === 1 && dims.length === 4) {
    return whole({ shape: [dims[1], dims[0], dims[2], dims[3]], kind: 'conv2d', layout: 'oihw', transform: 'swap01', note: 'ConvTranspose (in, out, kh, kw): axes 0 and 1 swapped' });
  }
  if (op && op in GATES && (use!.input === 1 || use!.input === 2) && dims.length === 3) {
    const gates = GATES[op];
    const [dirs, rows, cols] = dims;
    // num_directions is 1 or 2; any other count would make us plan one part per direction (a 1e9 from a
    // 50-byte file)
    if (dirs !== 1 && dirs !== 2) return whole({ shape: dims, kind: 'recurrent', skip: `${op} weight has ${dirs} directions (ONNX allows 1 or 2)` });
    if (rows % gates.length !== 0) return whole({ shape: dims, kind: 'recurrent', skip: `${op} weight rows ${rows} not divisible by ${gates.length} gates` });
    const hidden = rows / gates.length;
    const base = use!.node.name || f.name;
    const which = use!.input === 1 ? 'W' : 'R';
    const dirNames = dirs === 2 ? ['forward', 'reverse'] : [''];
    const parts: Part[] = [];
    for (let d = 0; d < dirs; d++) {
      gates.forEach((gate, g) => {
        const name = [base, which, dirNames[d] ?? String(d), gate].filter((s) => s !== '').join('.');
        parts.push({
          name, shape: [hidden, cols], kind: 'recurrent', first: (d * gates.length + g) * hidden * cols, count: hidden * cols,
          note: `${op} ${which}[${d}] gate ${gate || '(single)'}`, orient: `(hidden, ${which === 'W' ? 'input' : 'hidden'}) as stored per gate`,
        });
      });
    }
    return parts;
  }
  if (op && op in GATES && use!.input === 3) return whole({ shape: dims, kind: 'recurrent', skip: `${op} bias B: not a weight matrix` });
  if (op === 'Gather' && use!.input === 0 && dims.length === 2) return whole({ shape: dims, kind: 'embedding', orient: '(vocabulary, dim) as stored (Gather data)' });
  // No consumer we understand: names can still tell a recurrent cell (e.g. LSTMCell exported as MatMuls of
  // weight_ih (gates·hidden, input), which PyTorch stores (out, in)) or an embedding.
  const asStored = `(rows, cols) as stored${op ? ` (consumer ${op} input ${use!.input})` : ' (no consumer)'}`;
  if (dims.length === 2 && RECURRENT.test(f.name)) return whole({ shape: dims, kind: 'recurrent', orient: asStored });
  if (dims.length === 2 && EMBED.test(f.name)) return whole({ shape: dims, kind: 'embedding', orient: asStored });
  if (dims.length === 2) return whole({ shape: dims, kind: 'other', orient: asStored });
  return whole({ shape: dims, kind: 'other' });
}

/** Decodes a tensor kept in typed fields (float_data, double_data, int32_data) — small tensors in practice. */
function typedValues(t: OnnxTensor, dtype: FloatDtype, src: ByteSource, count: number, where: string): Float32Array | Float64Array {
  const win = new Window(src);
  const segs = dtype === 'float32' ? t.floatData : dtype === 'float64' ? t.doubleData : t.int32Data;
  // Count what is stored before allocating: `count` comes from dims, which a small file can set to 1e9.
  const stored = storedCount(segs, dtype, win, src.name, where);
  if (stored !== count) throw formatError(src.name, `${where}: ${stored} stored values but the shape needs ${count}`);
  const out = dtype === 'float64' ? new Float64Array(count) : new Float32Array(count);
  let k = 0;
  const put = (v: number): void => {
    if (k >= count) throw formatError(src.name, `${where}: more stored values than shape [..] × 1 = ${count}`);
    out[k++] = v;
  };
  for (const s of segs) {
    if ('value' in s) {
      put(dtype === 'float16' ? halfToFloat(s.value) : dtype === 'bfloat16' ? bf16(s.value) : s.value);
      continue;
    }
    const bytes = win.bytes(s.span, where);
    if (dtype === 'float32' || dtype === 'float64') {
      const size = SIZES[dtype];
      if (bytes.length % size !== 0) throw formatError(src.name, `${where}: packed data length ${bytes.length} is not a multiple of ${size}`);
      const vals = decodeFloats(bytes, dtype, bytes.length / size);
      for (let i = 0; i < vals.length; i++) put(vals[i]);
    } else {
      for (const v of decodePackedVarints(bytes, src.name, where)) put(dtype === 'float16' ? halfToFloat(v) : bf16(v));
    }
  }
  if (k !== count) throw formatError(src.name, `${where}: ${k} stored values but the shape needs ${count}`);
  return out;
}

/** Number of values in typed-field segments: packed fixed-size runs by length, packed varints by end bytes. */
function storedCount(segs: OnnxTensor['floatData'], dtype: FloatDtype, win: Window, file: string, where: string): number {
  let n = 0;
  for (const s of segs) {
    if ('value' in s) n++;
    else if (dtype === 'float32' || dtype === 'float64') {
      const len = s.span.end - s.span.start;
      if (len % SIZES[dtype] !== 0) throw formatError(file, `${where}: packed data length ${len} is not a multiple of ${SIZES[dtype]}`);
      n += len / SIZES[dtype];
    } else for (const b of win.bytes(s.span, where)) if (b < 0x80) n++; // a varint ends at a byte < 0x80
  }
  return n;
}

function bf16(bits: number): number {
  const b = new Uint32Array([(bits & 0xffff) << 16]);
  return new Float32Array(b.buffer)[0];
}

function swap01(a: Float32Array | Float64Array, d: number[]): Float32Array | Float64Array {
  const [d0, d1, d2, d3] = d;
  const inner = d2 * d3;
  const t = a instanceof Float64Array ? new Float64Array(a.length) : new Float32Array(a.length);
  for (let i = 0; i < d0; i++) for (let j = 0; j < d1; j++) t.set(a.subarray((i * d1 + j) * inner, (i * d1 + j + 1) * inner), (j * d0 + i) * inner);
  return t;
}

/** Plans an .onnx file, or ONNX bytes in memory (external data is then refused: there is no folder). */
export function planOnnx(source: string | Uint8Array, ctx: PlanContext): DraftPlan {
  const opts = ctx.opts;
  const file = typeof source === 'string' ? source : '<memory>';
  const open: Opener = typeof source === 'string' ? fileOpener(source) : memoryOpener(source);
  const src = open();
  let graph: OnnxGraph | undefined;
  try {
    if (src.size === 0) throw formatError(file, 'empty file');
    graph = readModel(new MessageReader(new Window(src), { start: 0, end: src.size }, 'ModelProto'));
  } finally {
    src.close();
  }
  if (!graph) throw formatError(file, 'no graph in the model (not an ONNX ModelProto?)');
  const mainGraph = graph.name || 'main';
  const quantCollector = new OnnxQuantCollector();
  const walk: Walk = { found: [], skipped: [], nodes: 0, onNode: quantCollector.onNode };
  collect(graph, mainGraph, null, walk);
  const { found, skipped } = walk;
  if (found.length === 0) throw formatError(file, 'no initializers or Constant tensors (empty model)');
  const quant = quantCollector.recognize(found);

  const drafts: DraftTensor[] = [];
  const files = new Set([file]);
  for (const f of found) {
    // quantization side tensors are never weights; quantized weights are dequantized (quant/)
    const qs = quant.side.get(f);
    if (qs) {
      skipped.push({ name: f.name, reason: sideReason(qs.role, qs.weight, qs.scheme) });
      continue;
    }
    const qw = quant.weights.get(f);
    if (qw) {
      const p = planOnnxQuant(qw, { file, open, inMemory: typeof source !== 'string', ctx, files });
      const i = p.weight.inputs[0];
      const src = { format: 'onnx' as const, file, storedDtype: DATA_TYPES[f.tensor.dataType], storedShape: f.tensor.dims, graph: f.graph, node: qw.node.name, opType: qw.node.opType };
      const order = (qw.orientUse ?? f.def.use)?.order;
      const r = quantDraft(p.weight, `${file}#${f.index}`, src, opts, {
        kind: p.kind, shape: p.shape, orientation: p.orientation, ...(p.layout ? { layout: p.layout } : {}),
        ...(order !== undefined ? { order: order * 1024 + 1 } : {}), ...(f.graph !== mainGraph ? { qualifiedName: `${f.graph}/${f.name}` } : {}),
      });
      if (r.draft) drafts.push(r.draft);
      else skipped.push({ name: f.name, reason: r.skip! });
      continue;
    }
    const t = f.tensor;
    const where = `tensor '${f.name}'`;
    const typeName = DATA_TYPES[t.dataType];
    if (typeName === undefined) throw formatError(file, `${where}: unknown data_type ${t.dataType}`);
    if (!isValidShape(t.dims)) throw formatError(file, `${where}: dims [${(t.dims as number[]).join(', ')}] has a negative entry`);
    const count = product(t.dims);
    if (count === undefined) throw formatError(file, `${where}: dims [${t.dims.join(', ')}] overflow`);
    const use = consumer(f.def);
    const dtype = FLOATS[t.dataType];
    if (dtype === undefined) {
      const q = use && QUANT_OPS.has(use.node.opType);
      const reason = q
        ? `${typeName} input ${use!.input} of ${use!.node.opType} (a bias or quantization parameter): not a weight matrix`
        : /FLOAT|COMPLEX/.test(typeName) ? SKIP.float8(typeName) : SKIP.integer(typeName);
      skipped.push({ name: f.name, reason });
      continue;
    }
    // Where the bytes are: raw_data in the model, an external file, or typed fields.
    const size = SIZES[dtype];
    let dataFile = file;
    let dataOpen = open;
    let rawOffset: number | undefined;
    if (t.dataLocation === 1) {
      if (typeof source !== 'string') throw formatError(file, `${where}: external data cannot be resolved for an in-memory model`);
      dataFile = ctx.tree.resolve(t.external.get('location'), file, `${where} external location`);
      const off = Number(t.external.get('offset') ?? '0');
      const len = t.external.has('length') ? Number(t.external.get('length')) : count * size;
      if (!Number.isSafeInteger(off) || off < 0 || !Number.isSafeInteger(len) || len < 0) {
        throw formatError(file, `${where}: invalid external offset/length`);
      }
      if (len !== count * size) throw formatError(file, `${where}: external length ${len} ≠ ${count} × ${size} bytes`);
      let ext: ByteSource;
      try {
        ext = fileOpener(dataFile)();
      } catch (e) {
        throw formatError(file, `${where}: external data: ${(e as Error).message}`);
      }
      try {
        if (off + len > ext.size) {
          throw formatError(file, `${where}: external data [${off}, ${off + len}) past the end of ${dataFile} (${ext.size} bytes)`);
        }
      } finally {
        ext.close();
      }
      dataOpen = fileOpener(dataFile);
      rawOffset = off;
      files.add(dataFile);
    } else if (t.dataLocation !== 0) {
      throw formatError(file, `${where}: unknown data_location ${t.dataLocation}`);
    } else if (t.raw) {
      const len = t.raw.end - t.raw.start;
      if (len !== count * size) {
        throw formatError(file, `${where}: raw_data has ${len} bytes but dims [${t.dims.join(', ')}] × ${typeName} needs ${count * size}`);
      }
      rawOffset = t.raw.start;
    } else if (count > 0 && (dtype === 'float32' ? t.floatData : dtype === 'float64' ? t.doubleData : t.int32Data).length === 0) {
      throw formatError(file, `${where}: no data (neither raw_data nor the typed field for ${typeName})`);
    }

    for (const p of shapeParts(f, t.dims, use)) {
      const name = p.name;
      if (p.skip) {
        skipped.push({ name, reason: p.skip });
        continue;
      }
      const byteAt = p.first * size;
      const info = {
        name,
        // one byte range: its file and place; typed fields: the tensor's place among the model's tensors
        key: rawOffset !== undefined ? `${dataFile}@${rawOffset + byteAt}:${p.count * size}` : `${file}#${f.index}.${p.first}`,
        dtype,
        shape: p.shape,
        kind: p.kind,
        ...(p.layout ? { layout: p.layout } : {}),
        ...(p.shape.length === 2 ? { orientation: p.orient ?? p.note } : {}),
        source: {
          format: 'onnx' as const,
          file: dataFile,
          ...(rawOffset !== undefined ? { offset: rawOffset + p.first * size, byteLength: p.count * size } : {}),
          storedDtype: typeName,
          graph: f.graph,
          ...(use ? { node: use.node.name, opType: use.node.opType } : {}),
          ...(f.def.otherCount ? { alsoUsedBy: otherUses(f.def) } : {}),
          ...(f.constNode !== undefined ? { constantNode: f.constNode } : {}),
          ...(dataFile !== file ? { external: dataFile } : {}),
          ...(p.shape !== t.dims ? { storedShape: t.dims } : {}),
          ...(name !== f.name ? { storedName: f.name } : {}),
          ...(p.note ? { transform: p.note } : {}),
        },
      };
      const reason = finalSkip(info, dtype === 'float64' ? 8 : 4, opts);
      if (reason) {
        skipped.push({ name, reason });
        continue;
      }
      // one range of a file (raw_data of an .onnx on disk, or external data): read natively
      const whole = p.transform === 'transpose' || p.transform === 'swap01';
      const range = rawOffset !== undefined && dataFile !== '<memory>'
        ? { what: where, file: dataFile, offset: rawOffset + byteAt, byteLength: p.count * size, dtype, shape: whole ? t.dims : p.shape, ...(whole ? { layout: p.transform as 'transpose' | 'swap01' } : {}) }
        : null;
      const load = async (want?: LoadWant): Promise<Float32Array | Float64Array> => {
        if (range) return loadRange(range, want);
        let data: Float32Array | Float64Array;
        if (rawOffset !== undefined) data = await readFloats(dataOpen, rawOffset + p.first * size, dtype, p.count, where);
        else {
          const s = open();
          try {
            data = typedValues(t, dtype, s, count, where).slice(p.first, p.first + p.count);
          } finally {
            s.close();
          }
        }
        if (p.transform === 'transpose') return transpose2d(data, t.dims[0], t.dims[1]);
        if (p.transform === 'swap01') return swap01(data, t.dims);
        return data;
      };
      // model order: where the weight is first used (a node's inputs in input order: W before R); unused ones
      // after, by name
      const order = use ? use.order * 1024 + Math.min(use.input, 1023) : undefined;
      drafts.push({ info, load, ...(order !== undefined ? { order } : {}), ...(f.graph !== mainGraph ? { qualifiedName: `${f.graph}/${name}` } : {}) });
    }
  }
  return { format: 'onnx', files: [...files], drafts, skipped };
}
