// Planning a recognised quantized ONNX weight (quant/onnx.ts): where its tensors' bytes are, its orientation
// from the consumer of the dequantized value, and the kernel (a scale grid, or MatMulNBits blocks).
import { fileOpener, formatError, memoryOpener, type Opener } from '../bytes.js';
import type { PlanContext } from '../context.js';
import { product } from '../decode.js';
import type { Found } from '../onnx-graph.js';
import type { OnnxTensor } from '../onnx-proto.js';
import { decodePackedVarints, Window } from '../protobuf.js';
import type { WeightKind } from '../types.js';
import { ELEM_BITS, type Elem, type Kernel, type QuantInput, type QuantWeight } from './kernel.js';
import type { OnnxQuantWeight } from './onnx.js';

/** TensorProto.DataType -> kernel element. */
const ELEMS: Record<number, Elem> = { 1: 'f32', 10: 'f16', 16: 'bf16', 3: 'i8', 2: 'u8', 5: 'i16', 4: 'u16', 6: 'i32', 17: 'f8e4m3', 19: 'f8e5m2', 22: 'i4', 21: 'u4' };
const RESOLUTION: Partial<Record<Elem, string>> = { i8: 'int8', u8: 'uint8', i16: 'int16', u16: 'uint16', i4: 'float32', u4: 'float32', f8e4m3: 'float32', f8e5m2: 'float32' };

export interface OnnxFile {
  file: string;
  open: Opener;
  inMemory: boolean;
  ctx: PlanContext;
  files: Set<string>;
}

/** The bytes of a tensor: raw_data, external data, or (small tensors) typed fields re-encoded little-endian. */
function locate(f: Found, elem: Elem, o: OnnxFile): QuantInput {
  const t: OnnxTensor = f.tensor;
  const where = `tensor '${f.name}'`;
  const count = product(t.dims);
  if (count === undefined) throw formatError(o.file, `${where}: dims overflow`);
  const bytes = Math.ceil((count * ELEM_BITS[elem]) / 8);
  if (t.dataLocation === 1) {
    if (o.inMemory) throw formatError(o.file, `${where}: external data cannot be resolved for an in-memory model`);
    const file = o.ctx.tree.resolve(t.external.get('location'), o.file, `${where} external location`);
    const off = Number(t.external.get('offset') ?? '0');
    const len = t.external.has('length') ? Number(t.external.get('length')) : bytes;
    if (!Number.isSafeInteger(off) || off < 0 || len !== bytes) throw formatError(o.file, `${where}: external offset/length do not fit [${t.dims}]`);
    o.files.add(file);
    return { name: f.name, open: fileOpener(file), offset: off, byteLength: bytes };
  }
  if (t.raw) {
    if (t.raw.end - t.raw.start !== bytes) throw formatError(o.file, `${where}: raw_data has ${t.raw.end - t.raw.start} bytes, dims [${t.dims}] need ${bytes}`);
    return { name: f.name, open: o.open, offset: t.raw.start, byteLength: bytes };
  }
  // typed fields: int32_data (8/16-bit ints, f16/bf16 bits), float_data; only small tensors are stored so
  if (count > 1 << 20) throw formatError(o.file, `${where}: ${count} values in typed fields (raw_data expected)`);
  const src = o.open();
  let vals: number[];
  try {
    const win = new Window(src);
    const segs = elem === 'f32' ? t.floatData : t.int32Data;
    vals = [];
    for (const s of segs) {
      if ('value' in s) vals.push(s.value);
      else if (elem === 'f32') {
        const b = win.bytes(s.span, where);
        const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
        for (let k = 0; k + 4 <= b.length; k += 4) vals.push(dv.getFloat32(k, true));
      } else for (const v of decodePackedVarints(win.bytes(s.span, where), o.file, where)) vals.push(v);
    }
  } finally {
    src.close();
  }
  if (vals.length !== count || elem === 'i4' || elem === 'u4') throw formatError(o.file, `${where}: ${vals.length} stored values, dims [${t.dims}] need ${count}`);
  const out = new Uint8Array(bytes);
  const dv = new DataView(out.buffer);
  vals.forEach((v, k) => {
    if (elem === 'f32') dv.setFloat32(4 * k, v, true);
    else if (ELEM_BITS[elem] === 8) dv.setUint8(k, v & 0xff);
    else if (ELEM_BITS[elem] === 16) dv.setUint16(2 * k, v & 0xffff, true);
    else dv.setInt32(4 * k, v, true);
  });
  return { name: f.name, open: memoryOpener(out), offset: 0, byteLength: bytes };
}

export interface PlannedQuant {
  weight: QuantWeight;
  kind: WeightKind;
  layout?: 'oihw';
  /** The analysed shape (4-D for conv). */
  shape: number[];
  orientation: string;
}

function elemOf(f: Found | undefined): Elem | undefined {
  return f ? ELEMS[f.tensor.dataType] : undefined;
}

/** Plans one recognised weight, or says why it is not dequantized (`weight.why`, no kernel). */
export function planOnnxQuant(w: OnnxQuantWeight, o: OnnxFile): PlannedQuant {
  const dims = w.q.tensor.dims;
  const q = elemOf(w.q);
  const scale = elemOf(w.scale);
  const zp = elemOf(w.zp);
  const side = [w.scale, w.zp].filter((s): s is Found => !!s).map((s) => ({ name: s.name, role: s === w.scale ? 'scale' : 'zero point' }));
  const base = { name: w.q.name, storedName: w.q.name, scheme: w.scheme, side, inputs: [] as QuantInput[] };
  const no = (why: string, shape: [number, number] = [dims[0] ?? 0, dims[1] ?? 0]): PlannedQuant => ({
    weight: { ...base, shape, dtype: 'int8', why: w.why ?? why }, kind: 'other', shape, orientation: '',
  });
  if (w.why) return no(w.why);
  if (!q || !scale || scale === 'i32' || (w.zp && !zp)) return no(`element types ${w.q.tensor.dataType}/${w.scale?.tensor.dataType}/${w.zp?.tensor.dataType} not dequantized`);
  if (w.op === 'nbits') return planNbits(w, o, base, q, scale, zp);
  // orientation from the consumer of the dequantized value
  const use = w.orientUse;
  const op = use?.node.opType;
  let kind: WeightKind = 'other';
  let transpose = false;
  let layout: 'oihw' | undefined;
  let orientation = '(rows, cols) as stored';
  if (w.embedding && dims.length === 2) [kind, orientation] = ['embedding', '(vocabulary, dim) as stored (Gather data)'];
  else if ((op === 'MatMul' || op === 'MatMulInteger') && use!.input === 1 && dims.length === 2) [kind, transpose, orientation] = ['dense', true, 'MatMul B: (in, out) transposed to (out, in)'];
  else if (op === 'Gemm' && use!.input === 1 && dims.length === 2) {
    transpose = !(use!.node.attributes.find((a) => a.name === 'transB')?.i ?? 0);
    [kind, orientation] = ['dense', transpose ? 'Gemm transB=0: (in, out) transposed to (out, in)' : '(out, in) as stored (Gemm B with transB=1)'];
  } else if ((op === 'Conv' || op === 'ConvInteger') && use!.input === 1 && dims.length === 4) [kind, layout, orientation] = ['conv2d', 'oihw', '(out, in, kh, kw)'];
  else if (dims.length !== 2) return no(`a ${dims.length}-D quantized tensor feeding ${op ?? 'nothing'} is not dequantized`);
  if (kind === 'conv2d' && dims[1] === 1) return no('depthwise / one-input-channel kernel: each kernel slice is a vector');
  // the scale grid over the stored tensor viewed as 2-D
  const rank = dims.length;
  const n = product(dims)!;
  const sCount = product(w.scale!.tensor.dims) ?? 0;
  const axis = w.axis === undefined ? undefined : w.axis < 0 ? w.axis + rank : w.axis;
  let rows = dims[0], cols = n / dims[0];
  let g: { sr: number; sc: number; br: number; bc: number } | undefined;
  if (sCount === 1) g = { sr: 1, sc: 1, br: rows, bc: cols };
  else if (w.blockSize > 0 && rank === 2 && (axis === 0 || axis === 1)) {
    const sd = w.scale!.tensor.dims;
    const b = w.blockSize;
    if (sd.length === 2 && sd[axis] === Math.ceil(dims[axis] / b) && sd[1 - axis] === dims[1 - axis]) {
      g = axis === 0 ? { sr: sd[0], sc: sd[1], br: b, bc: 1 } : { sr: sd[0], sc: sd[1], br: 1, bc: b };
    }
  } else if (axis === 0 && sCount === dims[0]) g = { sr: rows, sc: 1, br: 1, bc: cols };
  else if (axis === rank - 1 && sCount === dims[rank - 1]) {
    cols = dims[rank - 1];
    rows = n / cols;
    g = { sr: 1, sc: cols, br: rows, bc: 1 };
  }
  if (!g) return no(`scale [${w.scale!.tensor.dims}] on axis ${axis} of [${dims}] is not a grid weightscope dequantizes`);
  if (w.zp && (product(w.zp.tensor.dims) ?? -1) !== sCount) return no(`zero point [${w.zp.tensor.dims}] does not match scale [${w.scale!.tensor.dims}]`);
  const kernel: Kernel = { op: 'grid', rows, cols, q, scale, ...(zp ? { zp } : {}), scaleRows: g.sr, scaleCols: g.sc, blockRows: g.br, blockCols: g.bc, mul: 1, transpose };
  const inputs = [locate(w.q, q, o), locate(w.scale!, scale, o), ...(w.zp ? [locate(w.zp, zp!, o)] : [])];
  const shape = kind === 'conv2d' ? [...dims] : transpose ? [dims[1], dims[0]] : [...dims];
  const out: [number, number] = transpose ? [cols, rows] : [rows, cols];
  return { weight: { ...base, shape: out, dtype: RESOLUTION[q] ?? 'int8', kernel, inputs }, kind, ...(layout ? { layout } : {}), shape, orientation };
}

function planNbits(w: OnnxQuantWeight, o: OnnxFile, base: Omit<QuantWeight, 'shape' | 'dtype'>, q: Elem, scale: Elem, zp: Elem | undefined): PlannedQuant {
  const a = (k: string): number | undefined => w.node.attributes.find((x) => x.name === k)?.i;
  const K = a('K') ?? 0, N = a('N') ?? 0, bits = a('bits') ?? 4, bs = w.blockSize;
  const dims = w.q.tensor.dims;
  const nb = bs > 0 ? Math.ceil(K / bs) : 0;
  const shape: [number, number] = [N, K];
  const no = (why: string): PlannedQuant => ({ weight: { ...base, shape, dtype: 'float32', why }, kind: 'dense', shape, orientation: '' });
  if (![2, 4, 8].includes(bits) || bs < 16 || (bs & (bs - 1)) !== 0 || K < 1 || N < 1) return no(`bits ${bits}, block_size ${bs}: not a MatMulNBits layout weightscope dequantizes`);
  if (q !== 'u8' || (product(dims) ?? -1) !== N * nb * ((bs * bits) / 8)) return no(`B [${dims}] does not fit N=${N}, K=${K}, block_size ${bs}`);
  if ((product(w.scale!.tensor.dims) ?? -1) !== N * nb) return no(`scales [${w.scale!.tensor.dims}] do not fit N=${N} × ${nb} blocks`);
  let zk: Elem | 'packed' | undefined;
  if (w.zp) {
    const zc = product(w.zp.tensor.dims) ?? -1;
    if (zp === 'u8' && zc === N * Math.ceil((nb * bits) / 8)) zk = 'packed';
    else if (zp === scale && zc === N * nb) return no('float zero points are not dequantized');
    else return no(`zero_points [${w.zp.tensor.dims}] do not fit`);
  }
  const kernel: Kernel = { op: 'nbits', bits, rows: N, cols: K, blockSize: bs, scale, ...(zk ? { zp: zk } : {}) };
  const inputs = [locate(w.q, 'u8', o), locate(w.scale!, scale, o), ...(w.zp ? [locate(w.zp, zp!, o)] : [])];
  return { weight: { ...base, shape, dtype: bits <= 4 ? 'float32' : 'int8', kernel, inputs }, kind: 'dense', shape, orientation: '(N, K) = (out, in) as MatMulNBits stores it' };
}
