// A tiny protobuf writer for hand-made ONNX test models (field numbers from onnx.proto).
type Bytes = Uint8Array;

export function varint(v: number | bigint): number[] {
  let x = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x > 0n) b |= 0x80;
    out.push(b);
  } while (x > 0n);
  return out;
}
const cat = (parts: (Bytes | number[])[]): Bytes => {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
export const fVarint = (field: number, v: number | bigint): Bytes => cat([varint(field * 8), varint(v)]);
export const fBytes = (field: number, b: Bytes): Bytes => cat([varint(field * 8 + 2), varint(b.length), b]);
export const fString = (field: number, s: string): Bytes => fBytes(field, new TextEncoder().encode(s));
export const msg = (...fields: Bytes[]): Bytes => cat(fields);

export interface TensorSpec {
  name: string;
  dims: number[];
  dataType?: number; // default FLOAT
  raw?: Bytes;
  floatData?: number[]; // packed
  doubleData?: number[];
  int32Data?: number[];
  external?: Record<string, string>;
}

export function tensor(t: TensorSpec): Bytes {
  const f: Bytes[] = [];
  if (t.dims.length) f.push(fBytes(1, cat(t.dims.map((d) => varint(d)))));
  f.push(fVarint(2, t.dataType ?? 1));
  if (t.floatData) f.push(fBytes(4, new Uint8Array(new Float32Array(t.floatData).buffer)));
  if (t.int32Data) f.push(fBytes(5, cat(t.int32Data.map((v) => varint(v)))));
  f.push(fString(8, t.name));
  if (t.raw) f.push(fBytes(9, t.raw));
  if (t.doubleData) f.push(fBytes(10, new Uint8Array(new Float64Array(t.doubleData).buffer)));
  if (t.external) {
    for (const [k, v] of Object.entries(t.external)) f.push(fBytes(13, msg(fString(1, k), fString(2, v))));
    f.push(fVarint(14, 1));
  }
  return msg(...f);
}

export interface AttrSpec {
  name: string;
  i?: number;
  s?: string;
  t?: Bytes;
  g?: Bytes;
}
export function attr(a: AttrSpec): Bytes {
  const f: Bytes[] = [fString(1, a.name)];
  if (a.i !== undefined) f.push(fVarint(3, a.i), fVarint(20, 2));
  if (a.s !== undefined) f.push(fString(4, a.s), fVarint(20, 3));
  if (a.t) f.push(fBytes(5, a.t), fVarint(20, 4));
  if (a.g) f.push(fBytes(6, a.g), fVarint(20, 5));
  return msg(...f);
}

export function node(op: string, inputs: string[], outputs: string[], name = '', attrs: AttrSpec[] = []): Bytes {
  return msg(
    ...inputs.map((i) => fString(1, i)),
    ...outputs.map((o) => fString(2, o)),
    ...(name ? [fString(3, name)] : []),
    fString(4, op),
    ...attrs.map((a) => fBytes(5, attr(a))),
  );
}

export function graph(nodes: Bytes[], initializers: Bytes[], name = 'g'): Bytes {
  return msg(...nodes.map((n) => fBytes(1, n)), fString(2, name), ...initializers.map((t) => fBytes(5, t)));
}

export function model(g: Bytes): Bytes {
  return msg(fVarint(1, 8), fString(2, 'weightscope-test'), fBytes(7, g));
}

export const f32bytes = (a: number[]): Bytes => new Uint8Array(new Float32Array(a).buffer);
