// A bounds-checked FlatBuffers reader over a byte source, for the TFLite schema (schema.fbs) read by hand.
// The file is read in 64 KiB pages on demand, so only the pages the structure touches are read (a model's
// weight bytes are located, never read here). Every offset is checked against the file before it is
// followed; a table's vtable, a vector's length × element size and a string's length must fit in the file.
import { formatError, type ByteSource } from '../bytes.js';

const PAGE = 1 << 16;
/** Pages kept (structure only: tables, vtables, small vectors); beyond it the oldest are dropped. */
const MAX_PAGES = 4096;

export class FlatReader {
  private readonly pages = new Map<number, Uint8Array>();
  constructor(
    readonly src: ByteSource,
    readonly file: string,
  ) {}

  fail(msg: string): never {
    throw formatError(this.file, `TFLite flatbuffer: ${msg}`);
  }

  /** `n` bytes at `pos` (copied when they straddle pages). */
  bytes(pos: number, n: number): Uint8Array {
    if (!Number.isSafeInteger(pos) || pos < 0 || n < 0 || pos + n > this.src.size) this.fail(`offset ${pos} (+${n}) is outside the file (${this.src.size} bytes)`);
    const first = Math.floor(pos / PAGE);
    const last = Math.floor((pos + n - 1) / PAGE);
    if (n > 0 && first === last) {
      const p = this.page(first);
      return p.subarray(pos - first * PAGE, pos - first * PAGE + n);
    }
    const out = new Uint8Array(n);
    for (let i = first; i <= last && n > 0; i++) {
      const p = this.page(i);
      const a = Math.max(pos, i * PAGE);
      const b = Math.min(pos + n, i * PAGE + p.length);
      out.set(p.subarray(a - i * PAGE, b - i * PAGE), a - pos);
    }
    return out;
  }

  private page(i: number): Uint8Array {
    let p = this.pages.get(i);
    if (!p) {
      if (this.pages.size >= MAX_PAGES) this.pages.delete(this.pages.keys().next().value!);
      p = this.src.readSync(i * PAGE, Math.min(PAGE, this.src.size - i * PAGE), 'TFLite structure');
      this.pages.set(i, p);
    }
    return p;
  }

  private dv(pos: number, n: number): DataView {
    const b = this.bytes(pos, n);
    return new DataView(b.buffer, b.byteOffset, n);
  }
  u8(pos: number): number {
    return this.bytes(pos, 1)[0];
  }
  u16(pos: number): number {
    return this.dv(pos, 2).getUint16(0, true);
  }
  i32(pos: number): number {
    return this.dv(pos, 4).getInt32(0, true);
  }
  u32(pos: number): number {
    return this.dv(pos, 4).getUint32(0, true);
  }
  f32(pos: number): number {
    return this.dv(pos, 4).getFloat32(0, true);
  }
  u64(pos: number): number {
    const v = this.dv(pos, 8).getBigUint64(0, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`64-bit value ${v} out of range`);
    return Number(v);
  }
  i64(pos: number): number {
    const v = this.dv(pos, 8).getBigInt64(0, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) this.fail(`64-bit value ${v} out of range`);
    return Number(v);
  }
  /** Follows a uoffset stored at `pos`. */
  deref(pos: number): number {
    return pos + this.u32(pos);
  }
  root(): Table {
    return new Table(this, this.deref(0));
  }
}

/** A table: fields by their index in the schema (vtable slot). */
export class Table {
  private readonly vt: number;
  private readonly vtSize: number;
  constructor(
    readonly r: FlatReader,
    readonly pos: number,
  ) {
    this.vt = pos - r.i32(pos);
    this.vtSize = r.u16(this.vt);
    if (this.vtSize < 4 || this.vtSize % 2 !== 0) r.fail(`vtable at ${this.vt} has size ${this.vtSize}`);
    r.bytes(this.vt, this.vtSize);
  }

  /** Absolute position of field `i`, or 0 when absent. */
  field(i: number): number {
    const at = 4 + 2 * i;
    if (at + 2 > this.vtSize) return 0;
    const off = this.r.u16(this.vt + at);
    return off === 0 ? 0 : this.pos + off;
  }
  u8(i: number, dflt = 0): number {
    const f = this.field(i);
    return f ? this.r.u8(f) : dflt;
  }
  i32(i: number, dflt = 0): number {
    const f = this.field(i);
    return f ? this.r.i32(f) : dflt;
  }
  u32(i: number, dflt = 0): number {
    const f = this.field(i);
    return f ? this.r.u32(f) : dflt;
  }
  u64(i: number, dflt = 0): number {
    const f = this.field(i);
    return f ? this.r.u64(f) : dflt;
  }
  string(i: number): string | undefined {
    const f = this.field(i);
    if (!f) return undefined;
    const p = this.r.deref(f);
    const n = this.r.u32(p);
    if (n > 1 << 20) this.r.fail(`string of ${n} bytes at ${p}`);
    return new TextDecoder().decode(this.r.bytes(p + 4, n));
  }
  table(i: number): Table | undefined {
    const f = this.field(i);
    return f ? new Table(this.r, this.r.deref(f)) : undefined;
  }
  /** A vector field: its element count and where element 0 is (count × elemSize checked to fit). */
  vector(i: number, elemSize: number): { length: number; start: number } {
    const f = this.field(i);
    if (!f) return { length: 0, start: 0 };
    const p = this.r.deref(f);
    const length = this.r.u32(p);
    if (p + 4 + length * elemSize > this.r.src.size) this.r.fail(`vector of ${length} × ${elemSize} bytes at ${p} runs past the end of the file`);
    return { length, start: p + 4 };
  }
  tables(i: number): Table[] {
    const v = this.vector(i, 4);
    const out: Table[] = [];
    for (let k = 0; k < v.length; k++) out.push(new Table(this.r, this.r.deref(v.start + 4 * k)));
    return out;
  }
  ints(i: number): number[] {
    const v = this.vector(i, 4);
    const b = this.r.bytes(v.start, 4 * v.length);
    const d = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return Array.from({ length: v.length }, (_, k) => d.getInt32(4 * k, true));
  }
  floats(i: number): number[] {
    const v = this.vector(i, 4);
    const b = this.r.bytes(v.start, 4 * v.length);
    const d = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return Array.from({ length: v.length }, (_, k) => d.getFloat32(4 * k, true));
  }
  longs(i: number): number[] {
    const v = this.vector(i, 8);
    return Array.from({ length: v.length }, (_, k) => this.r.i64(v.start + 8 * k));
  }
}
