// GGUF container (llama.cpp): "GGUF", u32 version (2 or 3; v1 had u32 counts and is refused), u64 tensor count,
// u64 metadata count, the metadata key/values (string key, u32 value type, value; arrays hold a u32 item type, a
// u64 count and the items, arrays of arrays included), the tensor infos (name, u32 n_dims, u64 ne[n_dims] with
// ne[0] the fastest axis, u32 ggml type, u64 offset into the data section), then the data section at the next
// multiple of general.alignment (default 32). Little-endian.
//
// Every count and length is checked against the bytes left in the file before it is used, so a hostile header
// is refused in time and memory bounded by the file's size; only the values needed (scalars, short strings)
// are kept, the rest is skipped.
import { formatError, type ByteSource } from '../bytes.js';
import { GGML_TYPES } from './types.js';

export const GGUF_DEFAULT_ALIGNMENT = 32;
/** ggml's GGML_MAX_DIMS. */
const MAX_DIMS = 4;
/** Arrays nested deeper than this are refused (gguf-py writes one level; the spec allows any). */
const MAX_ARRAY_DEPTH = 8;
/** Keys and tensor names longer than this are refused (ggml limits names to 64 bytes). */
const MAX_NAME_BYTES = 65536;
/** String values up to this length are kept in `metadata`; longer ones are skipped. */
const KEEP_STRING_BYTES = 4096;
const WINDOW = 1 << 20;

export interface GgufTensorEntry {
  name: string;
  /** ggml dimensions, ne[0] fastest. */
  ne: number[];
  type: number;
  /** Absolute byte offset in the file, and stored length (undefined length: unknown type). */
  offset: number;
  byteLength?: number;
  /** Position in the file's tensor table. */
  index: number;
}

export type GgufValue = number | bigint | boolean | string | { array: string; count: number };

export interface GgufHeader {
  version: number;
  metadata: Map<string, GgufValue>;
  alignment: number;
  dataStart: number;
  tensors: GgufTensorEntry[];
}

const VALUE_TYPES = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'bool', 'string', 'array', 'uint64', 'int64', 'float64'];
const FIXED_SIZE: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

/** A forward reader over a ByteSource through a window of at most WINDOW bytes (or one item's size). */
class Cursor {
  pos = 0;
  private buf: Uint8Array = new Uint8Array(0);
  private dv = new DataView(this.buf.buffer);
  private start = 0;
  constructor(private readonly src: ByteSource) {}

  get left(): number {
    return this.src.size - this.pos;
  }
  fail(what: string): never {
    throw formatError(this.src.name, `GGUF header: ${what}`);
  }
  private need(n: number, what: string): number {
    if (n > this.left) this.fail(`${what} at byte ${this.pos} runs past the end of the file (${this.src.size} bytes; truncated?)`);
    if (this.pos < this.start || this.pos + n > this.start + this.buf.length) {
      const len = Math.min(Math.max(n, WINDOW), this.left);
      this.buf = this.src.readSync(this.pos, len, 'GGUF header');
      this.dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
      this.start = this.pos;
    }
    const at = this.pos - this.start;
    this.pos += n;
    return at;
  }
  u8(what: string): number {
    const at = this.need(1, what); // before reading this.buf: need() may replace it
    return this.buf[at];
  }
  u32(what: string): number {
    const at = this.need(4, what);
    return this.dv.getUint32(at, true);
  }
  /** A u64 that must be a safe integer (every count, length and offset). */
  u64(what: string): number {
    const at = this.need(8, what);
    const v = this.dv.getBigUint64(at, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what} ${v} is too large`);
    return Number(v);
  }
  skip(n: number, what: string): void {
    if (n > this.left) this.fail(`${what} at byte ${this.pos} (${n} bytes) runs past the end of the file (${this.src.size} bytes; truncated?)`);
    this.pos += n;
  }
  bytes(n: number, what: string): Uint8Array {
    const at = this.need(n, what);
    return this.buf.subarray(at, at + n);
  }
  scalar(type: number, what: string): number | bigint | boolean {
    const at = this.need(FIXED_SIZE[type], what);
    const d = this.dv;
    switch (type) {
      case 0: return d.getUint8(at);
      case 1: return d.getInt8(at);
      case 2: return d.getUint16(at, true);
      case 3: return d.getInt16(at, true);
      case 4: return d.getUint32(at, true);
      case 5: return d.getInt32(at, true);
      case 6: return d.getFloat32(at, true);
      case 7: return d.getUint8(at) !== 0;
      case 10: return d.getBigUint64(at, true);
      case 11: return d.getBigInt64(at, true);
      default: return d.getFloat64(at, true);
    }
  }
}

const utf8 = new TextDecoder('utf-8');

function name(c: Cursor, what: string): string {
  const n = c.u64(`${what} length`);
  if (n > MAX_NAME_BYTES) c.fail(`${what} is ${n} bytes long (more than ${MAX_NAME_BYTES})`);
  return utf8.decode(c.bytes(n, what));
}

/** Reads (or skips) one value of `type`; `depth` counts enclosing arrays. */
function value(c: Cursor, type: number, what: string, depth: number): GgufValue | undefined {
  if (type === 8) {
    const n = c.u64(`${what}: string length`);
    if (n <= KEEP_STRING_BYTES) return utf8.decode(c.bytes(n, `${what}: string`));
    c.skip(n, `${what}: string`);
    return undefined;
  }
  if (type === 9) {
    if (depth >= MAX_ARRAY_DEPTH) c.fail(`${what}: arrays nested more than ${MAX_ARRAY_DEPTH} deep`);
    const item = c.u32(`${what}: array item type`);
    if (item >= VALUE_TYPES.length) c.fail(`${what}: unknown array item type ${item}`);
    const count = c.u64(`${what}: array length`);
    const min = FIXED_SIZE[item] ?? (item === 8 ? 8 : 12); // a string: its u64 length; an array: type + length
    if (count > c.left / min) c.fail(`${what}: array of ${count} ${VALUE_TYPES[item]} items cannot fit in the ${c.left} bytes left`);
    if (FIXED_SIZE[item] !== undefined) c.skip(count * min, `${what}: array items`);
    else for (let i = 0; i < count; i++) value(c, item, `${what}[${i}]`, depth + 1);
    return { array: VALUE_TYPES[item], count };
  }
  if (FIXED_SIZE[type] === undefined) c.fail(`${what}: unknown value type ${type}`);
  return c.scalar(type, what);
}

/** Reads and validates the header and tensor table of a GGUF file (no tensor data is read). */
export function readGgufHeader(src: ByteSource): GgufHeader {
  const c = new Cursor(src);
  if (src.size < 24) c.fail(`the file has ${src.size} bytes, fewer than the 24-byte GGUF header`);
  c.skip(4, 'magic');
  const version = c.u32('version');
  if (version === 1) c.fail('GGUF version 1 (2023, 32-bit counts) is not read: convert the model again with a current llama.cpp');
  if (version === 0x02000000 || version === 0x03000000) c.fail('a big-endian GGUF file: not read (convert it to little-endian with gguf-py)');
  if (version !== 2 && version !== 3) c.fail(`unknown GGUF version ${version} (2 and 3 are read)`);
  const nTensors = c.u64('tensor count');
  const nKv = c.u64('metadata count');
  if (nKv > c.left / 13) c.fail(`metadata count ${nKv} cannot fit in the ${c.left} bytes left`);
  if (nTensors > c.left / 24) c.fail(`tensor count ${nTensors} cannot fit in the ${c.left} bytes left`);
  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < nKv; i++) {
    const key = name(c, `metadata key #${i}`);
    if (metadata.has(key)) c.fail(`metadata key '${key}' appears twice`);
    const type = c.u32(`metadata '${key}': value type`);
    const v = value(c, type, `metadata '${key}'`, 0);
    metadata.set(key, v ?? { array: 'long string', count: 1 });
  }
  let alignment = GGUF_DEFAULT_ALIGNMENT;
  const a = metadata.get('general.alignment');
  if (a !== undefined) {
    if (typeof a !== 'number' || !Number.isInteger(a) || a <= 0 || (a & (a - 1)) !== 0) {
      c.fail(`general.alignment ${JSON.stringify(typeof a === 'bigint' ? String(a) : a)} is not a power of two`);
    }
    alignment = a as number;
  }
  const infos: { name: string; ne: number[]; type: number; rel: number }[] = [];
  const names = new Set<string>();
  for (let i = 0; i < nTensors; i++) {
    const tn = name(c, `tensor #${i} name`);
    if (names.has(tn)) c.fail(`tensor '${tn}' appears twice`);
    names.add(tn);
    const nDims = c.u32(`tensor '${tn}': n_dims`);
    if (nDims > MAX_DIMS) c.fail(`tensor '${tn}' has ${nDims} dimensions (at most ${MAX_DIMS})`);
    const ne: number[] = [];
    for (let k = 0; k < nDims; k++) ne.push(c.u64(`tensor '${tn}': ne[${k}]`));
    const type = c.u32(`tensor '${tn}': type`);
    const rel = c.u64(`tensor '${tn}': offset`);
    infos.push({ name: tn, ne, type, rel });
  }
  const dataStart = Math.ceil(c.pos / alignment) * alignment;
  const dataSize = src.size - dataStart;
  const tensors: GgufTensorEntry[] = infos.map((t, index) => {
    const where = `tensor '${t.name}'`;
    let count = 1;
    for (const d of t.ne) {
      count *= d;
      if (!Number.isSafeInteger(count)) c.fail(`${where}: ne [${t.ne.join(', ')}] has too many elements`);
    }
    if (t.rel % alignment !== 0) c.fail(`${where}: offset ${t.rel} is not a multiple of the alignment ${alignment}`);
    const info = GGML_TYPES[t.type];
    if (info === undefined) return { name: t.name, ne: t.ne, type: t.type, offset: dataStart + t.rel, index };
    if ((t.ne[0] ?? 1) % info.blockElems !== 0) {
      c.fail(`${where}: ne[0] = ${t.ne[0]} is not a multiple of the ${info.name} block size ${info.blockElems}`);
    }
    const byteLength = (count / info.blockElems) * info.blockBytes;
    if (t.rel + byteLength > dataSize) {
      c.fail(`${where}: bytes [${t.rel}, ${t.rel + byteLength}) of the data section run past its end (${Math.max(0, dataSize)} bytes; truncated?)`);
    }
    return { name: t.name, ne: t.ne, type: t.type, offset: dataStart + t.rel, byteLength, index };
  });
  const sized = tensors.filter((t) => t.byteLength !== undefined && t.byteLength > 0).sort((x, y) => x.offset - y.offset);
  for (let i = 1; i < sized.length; i++) {
    const p = sized[i - 1];
    if (p.offset + p.byteLength! > sized[i].offset) c.fail(`tensors '${p.name}' and '${sized[i].name}' overlap in the data section`);
  }
  return { version, metadata, alignment, dataStart, tensors };
}
