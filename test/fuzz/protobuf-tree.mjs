// A generic protobuf tree for structure-aware ONNX mutations: decode the messages we know the layout of
// (ModelProto -> GraphProto -> NodeProto/TensorProto/AttributeProto -> subgraphs), keep every other field as
// raw bytes, and re-encode with consistent lengths (or with one length deliberately wrong).

/** Which length-delimited fields hold which message type (onnx.proto field numbers). */
const SCHEMA = {
  model: { 7: 'graph' },
  graph: { 1: 'node', 5: 'tensor' },
  node: { 5: 'attr' },
  attr: { 5: 'tensor', 6: 'graph', 10: 'tensor', 11: 'graph' },
  tensor: { 13: 'entry' },
  entry: {},
};

function readVarint(b, pos) {
  let v = 0n;
  for (let i = 0; i < 10; i++) {
    if (pos >= b.length) throw new Error('truncated varint');
    const x = b[pos++];
    v |= BigInt(x & 0x7f) << BigInt(7 * i);
    if (!(x & 0x80)) return [v, pos];
  }
  throw new Error('long varint');
}

/** Decodes `b` as message `type`; throws on anything malformed (callers keep such bytes raw). */
export function decode(b, type) {
  const fields = [];
  let pos = 0;
  while (pos < b.length) {
    let tag;
    [tag, pos] = readVarint(b, pos);
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    const f = { field, wire };
    if (wire === 0) [f.value, pos] = readVarint(b, pos);
    else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (pos + n > b.length) throw new Error('truncated fixed');
      f.bytes = b.subarray(pos, pos + n);
      pos += n;
    } else if (wire === 2) {
      let n;
      [n, pos] = readVarint(b, pos);
      if (pos + Number(n) > b.length) throw new Error('length past end');
      f.bytes = b.subarray(pos, pos + Number(n));
      pos += Number(n);
      const sub = SCHEMA[type]?.[field];
      if (sub) {
        try {
          f.children = decode(f.bytes, sub);
          f.type = sub;
        } catch {
          /* keep raw */
        }
      }
    } else throw new Error(`wire type ${wire}`);
    fields.push(f);
  }
  return fields;
}

export function varint(v) {
  if (typeof v === 'bigint' && v >= 0n && v < 0x80000000n) v = Number(v);
  if (typeof v === 'number' && v >= 0 && v < 0x80000000) {
    const out = [];
    while (v >= 0x80) {
      out.push((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.push(v);
    return Uint8Array.from(out);
  }
  let x = BigInt.asUintN(64, BigInt(v));
  const out = [];
  do {
    let byte = Number(x & 0x7fn);
    x >>= 7n;
    if (x) byte |= 0x80;
    out.push(byte);
  } while (x);
  return Uint8Array.from(out);
}

/** Bytes of each field: its tag (and length) prefix and its payload; nested messages are sized first. */
function plan(fields) {
  let n = 0;
  const out = [];
  for (const f of fields) {
    const tag = varint(f.field < 2 ** 27 ? f.field * 8 + f.wire : (BigInt(f.field) << 3n) | BigInt(f.wire));
    let prefix = tag;
    let payload = null;
    let size = 0;
    if (f.wire === 0) payload = varint(f.value ?? 0n);
    else if (f.wire === 2) {
      if (f.children) {
        const sub = plan(f.children);
        payload = sub;
        size = sub.size;
      } else {
        payload = f.bytes ?? new Uint8Array(0);
      }
      const len = varint(f.lenLie ?? (f.children ? size : payload.length));
      prefix = new Uint8Array(tag.length + len.length);
      prefix.set(tag);
      prefix.set(len, tag.length);
    } else if (f.bytes) payload = f.bytes;
    else if (f.value !== undefined) payload = varint(f.value); // a varint written under a changed wire type
    if (payload && !payload.parts) size = payload.length;
    out.push([prefix, payload]);
    n += prefix.length + size;
  }
  return { parts: out, size: n };
}

function write(p, buf, o) {
  for (const [prefix, payload] of p.parts) {
    buf.set(prefix, o);
    o += prefix.length;
    if (payload?.parts) o = write(payload, buf, o);
    else if (payload) {
      buf.set(payload, o);
      o += payload.length;
    }
  }
  return o;
}

/** Encodes a field list; a field with `lenLie` gets that length written instead of its real one. */
export function encode(fields) {
  const p = plan(fields);
  const buf = new Uint8Array(p.size);
  write(p, buf, 0);
  return buf;
}

/** A private copy of a tree to mutate (byte payloads are shared: mutations replace them, never write into them). */
export function clone(fields) {
  return fields.map((f) => (f.children ? { ...f, children: clone(f.children) } : { ...f }));
}

/** Every field in the tree, with its parent list and the parent's message type. */
export function walk(fields, type = 'model', out = []) {
  for (const f of fields) {
    out.push({ f, list: fields, type });
    if (f.children) walk(f.children, f.type, out);
  }
  return out;
}

export const lenField = (field, bytes) => ({ field, wire: 2, bytes });
export const msgField = (field, type, children) => ({ field, wire: 2, type, children });
export const intField = (field, v) => ({ field, wire: 0, value: BigInt(v) });
export const strField = (field, s) => lenField(field, new TextEncoder().encode(s));
