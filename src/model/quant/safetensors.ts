// Recognising the quantized layouts the hub ships in safetensors, from tensor names, dtypes and shapes and
// config.json's quantization_config. Layouts (from the official packers):
//   GPTQ (AutoGPTQ/GPTQModel/optimum): P.qweight I32 (in·bits/32, out), packed along `in`, element k of a word
//     at bits·k; P.qzeros I32 (groups, out·bits/32) packed along `out`; P.scales (groups, out); P.g_idx I32 (in)
//     (act-order). w = (q − (z + 1))·s for checkpoint_format 'gptq' (v1 stores zero − 1), (q − z)·s for 'gptq_v2'.
//   AWQ (AutoAWQ GEMM): P.qweight I32 (in, out/8), P.qzeros I32 (groups, out/8), both packed along `out` in the
//     order 0 2 4 6 1 3 5 7; P.scales (groups, out); w = (q − z)·s.
//   compressed-tensors pack-quantized: P.weight_packed I32 (out, in·bits/32) (offset-binary q + 2^(bits−1),
//     element k at bits·k), P.weight_scale (out, groups), P.weight_shape (2), P.weight_zero_point packed along
//     `out` when asymmetric, P.weight_g_idx (act-order). int-quantized: P.weight I8 + P.weight_scale (+ zero point).
//   FP8 (fp8 / DeepSeek-V3 / Qwen3-FP8 / compressed-tensors float-quantized): P.weight F8_E4M3|F8_E5M2 (out, in)
//     and P.weight_scale_inv or P.weight_scale, a grid (1×1, per row, or 128×128 blocks) that multiplies.
//   bitsandbytes 4-bit: P.weight U8 (packed, two per byte, high nibble first), P.weight.absmax,
//     P.weight.quant_map (the 16-entry code), P.weight.quant_state.bitsandbytes__nf4|fp4 (JSON: shape,
//     blocksize, ...), nested double-quant: P.weight.nested_absmax, P.weight.nested_quant_map.
//   bitsandbytes int8 (LLM.int8): P.weight I8 (out, in), P.SCB F32 (out): w = q·SCB/127; P.weight_format.
// Activation / KV-cache scales (input_scale, k_scale, ...) are side tensors too. A side tensor is never a weight.
import type { Opener } from '../bytes.js';
import { formatError } from '../bytes.js';
import type { SafetensorsEntry } from '../types.js';
import type { Elem, Kernel, QuantInput, QuantWeight } from './kernel.js';

export interface StEntry {
  e: SafetensorsEntry;
  file: string;
  open: Opener;
}

export interface StQuant {
  /** Keyed by the stored name of the quantized tensor. */
  weights: Map<string, QuantWeight>;
  /** Side tensor name -> { weight, role, scheme }. */
  side: Map<string, { weight: string; role: string; scheme: string }>;
}

/** Suffixes of side tensors, longest first, with their role. */
const SIDE_SUFFIXES: [string, string][] = [
  ['.weight.quant_state.bitsandbytes__nf4', 'state'],
  ['.weight.quant_state.bitsandbytes__fp4', 'state'],
  ['.weight.nested_quant_map', 'nested code table'],
  ['.weight.nested_absmax', 'nested absmax'],
  ['.weight.quant_map', 'code table'],
  ['.weight.absmax', 'absmax'],
  ['.weight_scale_inv', 'scale'],
  ['.weight_zero_point', 'zero point'],
  ['.weight_global_scale', 'scale'],
  ['.input_global_scale', 'activation scale'],
  ['.weight_g_idx', 'group index'],
  ['.weight_packed', 'packed'],
  ['.weight_format', 'format'],
  ['.weight_shape', 'shape'],
  ['.weight_scale', 'scale'],
  ['.input_zero_point', 'activation zero point'],
  ['.activation_scale', 'activation scale'],
  ['.output_scale', 'output scale'],
  ['.input_scale', 'activation scale'],
  ['.k_scale', 'KV-cache scale'],
  ['.v_scale', 'KV-cache scale'],
  ['.qweight', 'packed'],
  ['.qzeros', 'zero point'],
  ['.scales', 'scale'],
  ['.g_idx', 'group index'],
  ['.SCB', 'scale'],
  ['.weight', 'weight'],
];

const SCALE_ELEMS: Record<string, Elem> = { F32: 'f32', F16: 'f16', BF16: 'bf16' };
const INT_ELEMS: Record<string, Elem> = { I8: 'i8', U8: 'u8', I16: 'i16', U16: 'u16', I32: 'i32' };

function split(name: string): { module: string; role: string } | null {
  for (const [suffix, role] of SIDE_SUFFIXES) {
    if (name.endsWith(suffix) && name.length > suffix.length) return { module: name.slice(0, -suffix.length), role };
  }
  return null;
}

/** quantization_config fields we use (config.json). */
export interface QuantConfig {
  quant_method?: unknown;
  bits?: unknown;
  group_size?: unknown;
  checkpoint_format?: unknown;
  version?: unknown;
  format?: unknown;
  weight_block_size?: unknown;
  config_groups?: unknown;
}

const int = (v: unknown): number | undefined => (Number.isSafeInteger(v) ? (v as number) : undefined);

function input(s: StEntry): QuantInput {
  return { name: s.e.name, open: s.open, offset: s.e.offset, byteLength: s.e.byteLength };
}

/** Small integer tensors read at plan time (weight_shape, bnb quant_state): at most 1 MiB. */
function readSmall(s: StEntry): Uint8Array {
  if (s.e.byteLength > 1 << 20) throw formatError(s.file, `tensor '${s.e.name}': ${s.e.byteLength} bytes, too large for its role`);
  const src = s.open();
  try {
    return src.readSync(s.e.offset, s.e.byteLength, `tensor '${s.e.name}'`).slice();
  } finally {
    src.close();
  }
}

function gptqOrAwq(mod: string, parts: Map<string, StEntry>, qc: QuantConfig | null): QuantWeight | null {
  const qw = parts.get('.qweight');
  const sc = parts.get('.scales');
  const qz = parts.get('.qzeros');
  if (!qw || !sc || qw.e.dtype !== 'I32' || qw.e.shape.length !== 2 || sc.e.shape.length !== 2) return null;
  const gi = parts.get('.g_idx');
  const method = typeof qc?.quant_method === 'string' ? qc.quant_method.toLowerCase() : undefined;
  const [q0, q1] = qw.e.shape;
  const [groups, outS] = sc.e.shape;
  // GPTQ packs along `in` (qweight's second dim is out); AWQ along `out` (its second dim is out/8)
  const awq = method === 'awq' || (method !== 'gptq' && !gi && q1 * 8 === outS && q1 !== outS);
  const scale = SCALE_ELEMS[sc.e.dtype];
  const side = [...parts.entries()].filter(([k]) => k !== '.qweight').map(([, s]) => ({ name: s.e.name, role: split(s.e.name)!.role }));
  const base = { name: `${mod}.weight`, storedName: qw.e.name, side };
  if (awq) {
    const bits = int(qc?.bits) ?? 4;
    const version = typeof qc?.version === 'string' ? qc.version.toLowerCase() : 'gemm';
    const rows = outS, cols = q0;
    const scheme = `AWQ int${bits} ${version} (group ${groups > 0 ? cols / groups : '?'})`;
    const w: QuantWeight = { ...base, scheme, shape: [rows, cols], dtype: 'float32', inputs: [] };
    if (bits !== 4 || version !== 'gemm') return { ...w, why: `only the 4-bit GEMM layout is dequantized` };
    if (!qz || qz.e.dtype !== 'I32' || !scale || q1 * 8 !== outS || groups < 1 || cols % groups !== 0 ||
        qz.e.shape.join() !== [groups, outS / 8].join()) {
      return { ...w, why: `shapes do not fit the AWQ layout (qweight [${qw.e.shape}], scales [${sc.e.shape}], qzeros [${qz?.e.shape ?? 'absent'}])` };
    }
    return { ...w, inputs: [input(qw), input(qz), input(sc)], kernel: { op: 'awq', rows, cols, groups, scale } };
  }
  const bits = int(qc?.bits) ?? (gi && gi.e.shape.length === 1 && q0 > 0 ? (32 * q0) / gi.e.shape[0] : 4);
  const v2 = qc?.checkpoint_format === 'gptq_v2';
  const cols = gi?.e.shape[0] ?? (q0 * 32) / bits;
  const rows = q1;
  const scheme = `GPTQ int${bits} (group ${groups > 0 && Number.isInteger(cols / groups) ? cols / groups : '?'}${gi ? ', g_idx' : ''}${v2 ? ', gptq_v2 zeros' : ''})`;
  const w: QuantWeight = { ...base, scheme, shape: [rows, Number.isSafeInteger(cols) ? cols : 0], dtype: bits <= 4 ? 'float32' : 'int8', inputs: [] };
  if (![2, 4, 8].includes(bits)) return { ...w, why: `${bits}-bit GPTQ packs values across words: no dequantizer` };
  const per = 32 / bits;
  if (!qz || qz.e.dtype !== 'I32' || !scale || outS !== rows || !Number.isSafeInteger(cols) || q0 * per !== cols ||
      qz.e.shape.join() !== [groups, rows / per].join() || groups < 1 || (gi && (gi.e.dtype !== 'I32' || gi.e.shape.length !== 1))) {
    return { ...w, why: `shapes do not fit the GPTQ layout (qweight [${qw.e.shape}], scales [${sc.e.shape}], qzeros [${qz?.e.shape ?? 'absent'}])` };
  }
  if (!gi && cols % groups !== 0) return { ...w, why: `${cols} input features do not split into ${groups} groups` };
  const inputs = [input(qw), input(qz), input(sc), ...(gi ? [input(gi)] : [])];
  return { ...w, inputs, kernel: { op: 'gptq', bits, rows, cols, groups, scale, zeroOffset: v2 ? 0 : 1, gIdx: !!gi } };
}

function ctPacked(mod: string, parts: Map<string, StEntry>, qc: QuantConfig | null): QuantWeight | null {
  const wp = parts.get('.weight_packed');
  if (!wp) return null;
  const sc = parts.get('.weight_scale');
  const ws = parts.get('.weight_shape');
  const zp = parts.get('.weight_zero_point');
  const gi = parts.get('.weight_g_idx');
  const side = [...parts.entries()].filter(([k]) => k !== '.weight_packed').map(([, s]) => ({ name: s.e.name, role: split(s.e.name)!.role }));
  const fmt = typeof qc?.format === 'string' ? qc.format : 'pack-quantized';
  let rows = wp.e.shape[0] ?? 0, cols = 0;
  if (ws && (ws.e.dtype === 'I64' || ws.e.dtype === 'I32') && ws.e.shape.join() === '2') {
    const b = readSmall(ws);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const at = (k: number): number => (ws.e.dtype === 'I64' ? Number(dv.getBigInt64(8 * k, true)) : dv.getInt32(4 * k, true));
    rows = at(0);
    cols = at(1);
  }
  const bits = wp.e.dtype === 'I32' && wp.e.shape.length === 2 && cols > 0 ? Math.round(32 / Math.ceil((cols * 1) / wp.e.shape[1])) : 0;
  const groups = sc?.e.shape.length === 2 ? sc.e.shape[1] : 0;
  const groupSize = ctGroupSize(qc, cols, groups);
  const scheme = wp.e.dtype === 'I32'
    ? `compressed-tensors ${fmt} int${bits || '?'} (${groups === 1 ? 'per channel' : `group ${groupSize || '?'}`}${zp ? ', asymmetric' : ''}${gi ? ', g_idx' : ''})`
    : `compressed-tensors ${fmt} (${wp.e.dtype} packed)`;
  const w: QuantWeight = { name: `${mod}.weight`, storedName: wp.e.name, scheme, shape: [rows, cols], dtype: bits === 8 ? 'int8' : 'float32', inputs: [], side };
  if (wp.e.dtype !== 'I32') return { ...w, why: 'only int32 pack-quantized weights are dequantized' };
  const scale = sc ? SCALE_ELEMS[sc.e.dtype] : undefined;
  const per = 32 / bits;
  if (![4, 8].includes(bits) || !scale || !sc || rows < 1 || cols < 1 || wp.e.shape.join() !== [rows, Math.ceil(cols / per)].join() ||
      sc.e.shape.join() !== [rows, groups].join() || groups < 1 ||
      (zp && (zp.e.dtype !== 'I32' || zp.e.shape.join() !== [Math.ceil(rows / per), groups].join())) ||
      (gi && (gi.e.dtype !== 'I32' || gi.e.shape.join() !== String(cols))) || (!gi && !groupSize)) {
    return { ...w, why: `shapes do not fit the pack-quantized layout (weight_packed [${wp.e.shape}], weight_shape [${rows}, ${cols}], weight_scale [${sc?.e.shape ?? 'absent'}])` };
  }
  const inputs = [input(wp), input(sc), ...(zp ? [input(zp)] : []), ...(gi ? [input(gi)] : [])];
  return { ...w, inputs, kernel: { op: 'ct-pack', bits, rows, cols, groups, groupSize: groupSize || 1, scale, zp: !!zp, gIdx: !!gi } };
}

/**
 * The group size of a pack-quantized weight with `groups` scale columns: a config group's weights.group_size
 * that gives that many groups (the last group is short when it does not divide `cols`), else the one size
 * that does; 0 when none fits.
 */
function ctGroupSize(qc: QuantConfig | null, cols: number, groups: number): number {
  if (groups < 1 || cols < 1) return 0;
  if (groups === 1) return cols;
  const cg = qc?.config_groups;
  if (cg && typeof cg === 'object') {
    for (const g of Object.values(cg as Record<string, unknown>)) {
      const gs = int((g as { weights?: { group_size?: unknown } } | null)?.weights?.group_size);
      if (gs && gs > 0 && Math.ceil(cols / gs) === groups) return gs;
    }
  }
  const gs = Math.ceil(cols / groups);
  return Math.ceil(cols / gs) === groups ? gs : 0;
}

/** A 2-D grid of scales over (rows, cols): its block sizes, or undefined when it does not tile the matrix. */
function gridOf(rows: number, cols: number, sshape: number[], block?: number[]): { sr: number; sc: number; br: number; bc: number } | undefined {
  const dims = sshape.filter((d, k) => !(d === 1 && k < sshape.length - 2));
  const [sr, sc] = dims.length === 0 ? [1, 1] : dims.length === 1 ? (dims[0] === 1 ? [1, 1] : [dims[0], 1]) : dims.length === 2 ? dims : [0, 0];
  if (sr < 1 || sc < 1 || sr > rows || sc > cols) return undefined;
  const br = block?.[0] ?? Math.ceil(rows / sr);
  const bc = block?.[1] ?? Math.ceil(cols / sc);
  if (Math.ceil(rows / br) !== sr || Math.ceil(cols / bc) !== sc) return undefined;
  return { sr, sc, br, bc };
}

function gridWords(g: { sr: number; sc: number; br: number; bc: number }, rows: number, cols: number): string {
  if (g.sr === 1 && g.sc === 1) return 'per-tensor scale';
  if (g.sc === 1 && g.br === 1) return 'per-row scales';
  if (g.sr === rows && g.br === 1) return `group ${g.bc}`;
  return `${g.br}×${g.bc} block scales`;
}

/** FP8 weights with their scale grid, int8 compressed-tensors weights, bitsandbytes int8. */
function affineWeight(mod: string, parts: Map<string, StEntry>, qc: QuantConfig | null): QuantWeight | null {
  const wt = parts.get('.weight');
  if (!wt || wt.e.shape.length !== 2) return null;
  const fp8 = wt.e.dtype === 'F8_E4M3' || wt.e.dtype === 'F8_E5M2';
  const scb = parts.get('.SCB');
  const sc = parts.get('.weight_scale_inv') ?? parts.get('.weight_scale') ?? scb;
  if (!fp8 && !(INT_ELEMS[wt.e.dtype] && sc)) return null;
  const [rows, cols] = wt.e.shape;
  const zp = scb ? undefined : parts.get('.weight_zero_point');
  const side = [...parts.entries()].filter(([k]) => k !== '.weight').map(([, s]) => ({ name: s.e.name, role: split(s.e.name)!.role }));
  const q: Elem = fp8 ? (wt.e.dtype === 'F8_E4M3' ? 'f8e4m3' : 'f8e5m2') : INT_ELEMS[wt.e.dtype];
  const block = Array.isArray(qc?.weight_block_size) && qc.weight_block_size.length === 2 && qc.weight_block_size.every((b) => int(b) && (b as number) > 0)
    ? (qc.weight_block_size as number[]) : undefined;
  const g = sc ? gridOf(rows, cols, sc.e.shape, sc.e.name.endsWith('_inv') ? block : undefined) : { sr: 1, sc: 1, br: rows, bc: cols };
  const label = fp8 ? `FP8 ${wt.e.dtype.slice(3)}` : scb ? 'bitsandbytes int8' : `${wt.e.dtype} int-quantized`;
  const method = typeof qc?.quant_method === 'string' ? `${qc.quant_method} ` : '';
  const scheme = `${scb ? '' : method}${label} (${!sc ? 'no scale' : scb ? 'SCB row scales' : g ? gridWords(g, rows, cols) : 'scale grid'}${zp ? ', zero point' : ''})`;
  const w: QuantWeight = { name: wt.e.name, storedName: wt.e.name, scheme, shape: [rows, cols], dtype: fp8 ? 'float32' : wt.e.dtype === 'U8' ? 'uint8' : 'int8', inputs: [], side };
  const scale: Elem | undefined = sc ? SCALE_ELEMS[sc.e.dtype] : 'f32';
  const zpElem = zp ? (INT_ELEMS[zp.e.dtype] ?? SCALE_ELEMS[zp.e.dtype]) : undefined;
  if (!g || !scale || (zp && (!zpElem || zp.e.shape.reduce((a, b) => a * b, 1) !== g.sr * g.sc)) || (scb && (scb.e.shape.join() !== String(rows)))) {
    return { ...w, why: `scale shape [${sc?.e.shape}] does not tile the (${rows}, ${cols}) weight` };
  }
  const inputs = [input(wt), ...(sc ? [input(sc)] : []), ...(zp ? [input(zp)] : [])];
  const kernel: Kernel = {
    op: 'grid', rows, cols, q, scale, ...(zpElem ? { zp: zpElem } : {}), scaleRows: g.sr, scaleCols: g.sc,
    blockRows: g.br, blockCols: g.bc, mul: scb ? 1 / 127 : 1, transpose: false,
  };
  // no scale tensor: the kernel gets a one-element 1.0 scale (load.ts)
  return { ...w, inputs, kernel };
}

function bnb4(mod: string, parts: Map<string, StEntry>): QuantWeight | null {
  const wt = parts.get('.weight');
  const stateKey = [...parts.keys()].find((k) => k.startsWith('.weight.quant_state.'));
  if (!wt || !stateKey) return null;
  const state = parts.get(stateKey)!;
  const absmax = parts.get('.weight.absmax');
  const code = parts.get('.weight.quant_map');
  const nAbs = parts.get('.weight.nested_absmax');
  const nCode = parts.get('.weight.nested_quant_map');
  const side = [...parts.entries()].filter(([k]) => k !== '.weight').map(([, s]) => ({ name: s.e.name, role: split(s.e.name)!.role }));
  const type = stateKey.endsWith('fp4') ? 'fp4' : 'nf4';
  let st: Record<string, unknown> = {};
  try {
    st = JSON.parse(new TextDecoder().decode(readSmall(state))) as Record<string, unknown>;
  } catch {
    /* reported below */
  }
  const shape = Array.isArray(st.shape) && st.shape.length === 2 && st.shape.every((d) => int(d) && (d as number) > 0) ? (st.shape as number[]) : undefined;
  const blockSize = int(st.blocksize) ?? 0;
  const nested = !!nAbs;
  const scheme = `bitsandbytes ${type} (blocksize ${blockSize || '?'}${nested ? ', nested absmax' : ''})`;
  const [rows, cols] = shape ?? [0, 0];
  const w: QuantWeight = { name: wt.e.name, storedName: wt.e.name, scheme, shape: [rows, cols], dtype: 'float32', inputs: [], side };
  const n = rows * cols;
  const nBlocks = blockSize > 0 ? Math.ceil(n / blockSize) : 0;
  const nbs = int(st.nested_blocksize) ?? 0;
  const nOff = typeof st.nested_offset === 'number' && Number.isFinite(st.nested_offset) ? st.nested_offset : 0;
  if (!shape || blockSize < 1 || wt.e.dtype !== 'U8' || wt.e.byteLength !== Math.ceil(n / 2) || !absmax || !code ||
      code.e.dtype !== 'F32' || code.e.byteLength !== 64 ||
      (!nested && (absmax.e.dtype !== 'F32' || absmax.e.byteLength !== 4 * nBlocks)) ||
      (nested && (absmax.e.dtype !== 'U8' || absmax.e.byteLength !== nBlocks || nbs < 1 || !nCode || nCode.e.dtype !== 'F32' ||
        nCode.e.byteLength !== 1024 || nAbs!.e.dtype !== 'F32' || nAbs!.e.byteLength !== 4 * Math.ceil(nBlocks / nbs)))) {
    return { ...w, why: `the quant state (${state.e.name}) does not fit the stored tensors` };
  }
  const inputs = [input(wt), input(absmax), input(code), ...(nested ? [input(nAbs!), input(nCode!)] : [])];
  return { ...w, inputs, kernel: { op: 'bnb4', rows, cols, blockSize, nested, nestedBlockSize: nbs, nestedOffset: nOff } };
}

/**
 * Groups each quantized weight with its side tensors. `qc` is config.json's quantization_config (or null).
 * Side-looking names (`.scales`, `.weight_scale`, ...) count as side tensors only next to a recognised
 * quantized weight or when the config says the checkpoint is quantized.
 */
export function recognizeSafetensorsQuant(entries: StEntry[], qc: QuantConfig | null): StQuant {
  const modules = new Map<string, Map<string, StEntry>>();
  for (const s of entries) {
    const sp = split(s.e.name);
    if (!sp) continue;
    const suffix = s.e.name.slice(sp.module.length);
    let m = modules.get(sp.module);
    if (!m) modules.set(sp.module, (m = new Map()));
    m.set(suffix, s);
  }
  const out: StQuant = { weights: new Map(), side: new Map() };
  for (const [mod, parts] of modules) {
    if (parts.size === 1 && parts.has('.weight')) continue;
    const w = gptqOrAwq(mod, parts, qc) ?? ctPacked(mod, parts, qc) ?? bnb4(mod, parts) ?? affineWeight(mod, parts, qc);
    if (w) {
      out.weights.set(w.storedName, w);
      for (const s of w.side) out.side.set(s.name, { weight: w.name, role: s.role, scheme: w.scheme });
      continue;
    }
    // activation / KV-cache scales next to a float weight, in a checkpoint config.json calls quantized
    if (!qc) continue;
    const method = typeof qc.quant_method === 'string' ? qc.quant_method : 'quantized';
    for (const [suffix, s] of parts) {
      if (suffix === '.weight') continue;
      out.side.set(s.e.name, { weight: parts.has('.weight') ? `${mod}.weight` : mod, role: split(s.e.name)!.role, scheme: `${method}` });
    }
  }
  return out;
}
