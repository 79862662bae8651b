// A minimal protobuf wire-format reader over a random-access byte source. It reads the structure through a
// small window (64 KiB), so big `bytes` fields (ONNX raw_data) are recorded as (offset, length) and skipped,
// never copied: peak memory stays at one tensor even for a 2 GB model. Every length is checked against the
// enclosing message before use; wire types 3/4 (groups) are refused; nesting depth is bounded by the caller.
import type { ByteSource } from './bytes.js';
import { formatError } from './bytes.js';

export const WIRE = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const;

const WINDOW = 1 << 16;

/** A byte range [start, end) inside the source. */
export interface Span {
  start: number;
  end: number;
}

export class Window {
  private buf: Uint8Array = new Uint8Array(0);
  private bufStart = 0;
  constructor(readonly src: ByteSource) {}

  byte(pos: number, what: string): number {
    if (pos < this.bufStart || pos >= this.bufStart + this.buf.length) {
      if (pos >= this.src.size) throw formatError(this.src.name, `${what}: truncated protobuf at byte ${pos}`);
      this.bufStart = pos;
      this.buf = this.src.readSync(pos, Math.min(WINDOW, this.src.size - pos), what);
    }
    return this.buf[pos - this.bufStart];
  }

  bytes(span: Span, what: string): Uint8Array {
    if (span.start >= this.bufStart && span.end <= this.bufStart + this.buf.length) {
      return this.buf.subarray(span.start - this.bufStart, span.end - this.bufStart);
    }
    return this.src.readSync(span.start, span.end - span.start, what);
  }
}

/** Reads the fields of one message (the bytes in `span`). */
export class MessageReader {
  pos: number;
  constructor(
    private readonly win: Window,
    readonly span: Span,
    private readonly what: string,
  ) {
    this.pos = span.start;
  }

  fail(msg: string): never {
    throw formatError(this.win.src.name, `${this.what}: ${msg} (protobuf byte ${this.pos})`);
  }

  done(): boolean {
    return this.pos >= this.span.end;
  }

  /** Varint as [low 32 bits, high 32 bits]. */
  private varint64(): [number, number] {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.span.end) this.fail('truncated varint');
      const b = this.win.byte(this.pos++, this.what);
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if ((b & 0x80) === 0) return [lo >>> 0, hi >>> 0];
    }
    this.fail('varint longer than 10 bytes');
  }

  /** Varint as an int64 that must be a safe integer (negative int64 allowed). */
  int64(): number {
    const [lo, hi] = this.varint64();
    if (hi & 0x80000000) {
      // two's complement negative
      const nlo = ~lo >>> 0;
      const nhi = ~hi >>> 0;
      const v = -(nhi * 2 ** 32 + nlo + 1);
      if (!Number.isSafeInteger(v)) this.fail('int64 value out of the safe integer range');
      return v;
    }
    const v = hi * 2 ** 32 + lo;
    if (!Number.isSafeInteger(v)) this.fail('int64 value out of the safe integer range');
    return v;
  }

  /** int32 fields are varints whose low 32 bits matter (negative int32 is sign-extended to 10 bytes). */
  int32(): number {
    return this.varint64()[0] | 0;
  }

  tag(): { field: number; wire: number } {
    const t = this.int64();
    const field = Math.floor(t / 8);
    const wire = t % 8;
    if (field === 0) this.fail('field number 0');
    return { field, wire };
  }

  /** A length-delimited field's span, checked to lie inside this message. */
  len(): Span {
    const n = this.int64();
    if (n < 0 || this.pos + n > this.span.end) this.fail(`length ${n} runs past the end of the enclosing message`);
    const s = { start: this.pos, end: this.pos + n };
    this.pos += n;
    return s;
  }

  fixed32(): number {
    if (this.pos + 4 > this.span.end) this.fail('truncated fixed32');
    const b = this.win.bytes({ start: this.pos, end: this.pos + 4 }, this.what);
    this.pos += 4;
    return new DataView(b.buffer, b.byteOffset, 4).getFloat32(0, true);
  }

  fixed64(): number {
    if (this.pos + 8 > this.span.end) this.fail('truncated fixed64');
    const b = this.win.bytes({ start: this.pos, end: this.pos + 8 }, this.what);
    this.pos += 8;
    return new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
  }

  string(maxBytes = 1 << 20): string {
    const s = this.len();
    if (s.end - s.start > maxBytes) this.fail(`string of ${s.end - s.start} bytes is too long`);
    return new TextDecoder().decode(this.win.bytes(s, this.what));
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE.VARINT:
        this.varint64();
        return;
      case WIRE.I64:
        if (this.pos + 8 > this.span.end) this.fail('truncated fixed64');
        this.pos += 8;
        return;
      case WIRE.LEN:
        this.len();
        return;
      case WIRE.I32:
        if (this.pos + 4 > this.span.end) this.fail('truncated fixed32');
        this.pos += 4;
        return;
      default:
        this.fail(`unsupported wire type ${wire}`);
    }
  }

  sub(span: Span, what: string): MessageReader {
    return new MessageReader(this.win, span, what);
  }

  /** Fails unless `wire` is the expected wire type for a field. */
  expect(wire: number, expected: number, field: string): void {
    if (wire !== expected) this.fail(`field ${field} has wire type ${wire}, expected ${expected}`);
  }
}

/** Decodes a packed run of varints (e.g. int32_data) from bytes; `signed` sign-extends to int32. */
export function decodePackedVarints(bytes: Uint8Array, file: string, what: string): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    let lo = 0;
    let shift = 0;
    let b: number;
    let n = 0;
    do {
      if (i >= bytes.length || n >= 10) throw formatError(file, `${what}: malformed packed varint`);
      b = bytes[i++];
      if (shift < 32) lo |= (b & 0x7f) << shift;
      shift += 7;
      n++;
    } while (b & 0x80);
    out.push(lo | 0);
  }
  return out;
}
