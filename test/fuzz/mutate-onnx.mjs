// ONNX mutations on the decoded protobuf tree: boundary varints (dims, data_type, data_location, attribute
// ints), dims made huge/negative/many, raw_data cut or moved to typed fields, external-data entries, lengths
// set to lies (huge or off by one), fields duplicated/removed/re-typed, nodes re-wired to other op types,
// deeply nested subgraphs; plus plain byte noise.
import { BOUNDARY_INTS, mutateBytes } from './mutate-bytes.mjs';
import { clone, decode, encode, intField, lenField, msgField, strField, varint, walk } from './protobuf-tree.mjs';

const BIG_VARINTS = [...BOUNDARY_INTS, 2n ** 64n - 1n /* -1 as int64 */, 2n ** 64n - 2n ** 31n, 2n ** 62n];
const OPS = ['Gemm', 'MatMul', 'Conv', 'ConvTranspose', 'LSTM', 'GRU', 'RNN', 'Gather', 'Identity', 'Cast', 'Constant', 'DequantizeLinear', 'If', 'Loop'];
const HUGE_DIMS = [[30000, 30000], [2 ** 31, 2 ** 31], [2 ** 40, 2 ** 40], [1e9, 4, 0], [1e6, 4, 1], [0, 2 ** 53 - 1], [2 ** 62], [-1, 4], Array(1000).fill(1), [5, 4, 3], [2, 8, 8]];

function dimsFields(r, dims) {
  if (r.chance(0.5)) return dims.map((d) => intField(1, BigInt.asUintN(64, BigInt(d))));
  const packed = [];
  for (const d of dims) packed.push(...varint(BigInt.asUintN(64, BigInt(d))));
  return [lenField(1, Uint8Array.from(packed))];
}

function f32Packed(n, r) {
  const b = new Uint8Array(4 * n);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < n; i++) dv.setFloat32(4 * i, r.chance(0.05) ? NaN : r.next() - 0.5, true);
  return b;
}

function editTensor(r, t) {
  const kids = t.children;
  const without = (field) => kids.filter((c) => c.field !== field);
  switch (r.int(8)) {
    case 0: case 7: { // dims: huge, negative, many, or the right count in another arrangement
      const dims = r.pick(HUGE_DIMS);
      t.children = [...dimsFields(r, dims), ...without(1)];
      // a tiny file claiming a huge tensor: keep only a few typed values (nothing may be sized from dims)
      const few = r.chance(0.5);
      if (few) t.children = [...t.children.filter((c) => c.field !== 9 && c.field !== 4), lenField(4, f32Packed(r.int(4), r))];
      return `dims=[${dims.length > 8 ? `${dims.length} dims` : dims}]${few ? '+few-values' : ''}`;
    }
    case 1: t.children = [...without(2), intField(2, r.pick([0, 1, 2, 7, 8, 10, 11, 14, 16, 17, 23, 25, 99, -1]))]; return 'data_type';
    case 2: { // raw_data: cut, removed, or replaced by typed float_data with fewer/more values than dims say
      const raw = kids.find((c) => c.field === 9);
      const n = raw ? Math.floor(raw.bytes.length / 4) : 4;
      const m = r.pick([0, 1, Math.max(0, n - 1), n, n + 1]);
      if (r.chance(0.3) && raw) raw.bytes = raw.bytes.subarray(0, r.int(raw.bytes.length + 1));
      else t.children = [...without(9), r.chance(0.7) ? lenField(4, f32Packed(m, r)) : { field: 4, wire: 5, bytes: f32Packed(1, r) }];
      return `raw->float_data(${m})`;
    }
    case 3: { // external data with hostile location/offset/length
      const entry = (k, v) => msgField(13, 'entry', [strField(1, k), strField(2, v)]);
      t.children = [...without(9), intField(14, r.pick([1, 1, 2, -1])),
        entry('location', r.pick(['x.bin', '../../etc/passwd', '/etc/passwd', '', 'a\u0000b', '.', 'model.onnx'])),
        entry('offset', r.pick(['0', '-1', '1e3', 'abc', String(2 ** 60), '4'])),
        entry('length', r.pick(['0', '16', '-4', String(2 ** 53), 'NaN']))];
      return 'external';
    }
    case 4: { // int32_data packed varints for a float16 tensor (malformed varints included)
      const bytes = r.chance(0.5) ? Uint8Array.from([0x80, 0x80, 0x80]) : Uint8Array.from({ length: 1 + r.int(32) }, () => r.int(256));
      t.children = [...without(9), intField(2, 10), lenField(5, bytes)];
      return 'int32_data';
    }
    case 5: t.children = [...kids, ...kids.filter((c) => c.field === 9 || c.field === 1)]; return 'raw/dims-duplicated';
    default: t.children = without(r.pick([1, 2, 8, 9])); return 'field-removed';
  }
}

function rewireNode(r, node, names) {
  const kids = node.children.filter((c) => c.field !== 4 && (c.field !== 1 || r.chance(0.5)));
  const ins = [];
  for (let i = 0; i < 1 + r.int(4); i++) ins.push(strField(1, r.chance(0.8) && names.length ? r.pick(names) : ''));
  const attrs = [];
  if (r.chance(0.5)) attrs.push(msgField(5, 'attr', [strField(1, r.pick(['group', 'transB'])), intField(3, r.pick([0, 1, 2, 2 ** 31, 2n ** 64n - 1n]))]));
  node.children = [...ins, ...kids, strField(4, r.pick(OPS)), ...attrs];
  return 'node-rewired';
}

/** Wraps the main graph in `depth` If nodes (then_branch subgraphs). */
function nest(r, tree) {
  const g = tree.find((f) => f.field === 7 && f.children);
  if (!g) return 'none';
  const depth = r.pick([8, 31, 33, 200]);
  let inner = g.children;
  for (let i = 0; i < depth; i++) {
    const node = msgField(1, 'node', [strField(1, 'c'), strField(2, `o${i}`), strField(4, 'If'), msgField(5, 'attr', [strField(1, 'then_branch'), msgField(6, 'graph', inner)])]);
    inner = [node];
  }
  g.children = inner;
  return `nested-${depth}`;
}

function treeEdit(r, tree) {
  const all = walk(tree);
  const of = (type) => all.filter((x) => x.f.children && x.f.type === type);
  const names = of('tensor').flatMap((x) => x.f.children.filter((c) => c.field === 8).map((c) => new TextDecoder().decode(c.bytes)));
  switch (r.int(10)) {
    case 0: { // a varint anywhere set to a boundary value
      const vs = all.filter((x) => x.f.wire === 0);
      if (!vs.length) return 'none';
      const x = r.pick(vs);
      x.f.value = r.pick(BIG_VARINTS);
      return `varint(${x.type}.${x.f.field})=${x.f.value}`;
    }
    case 1: case 2: case 8: case 9: {
      // half the time a tensor some node consumes (its op decides how it is split, transposed, skipped)
      const ts = of('tensor');
      const used = new Set(of('node').flatMap((x) => x.f.children.filter((c) => c.field === 1).map((c) => new TextDecoder().decode(c.bytes))));
      const consumed = ts.filter((x) => x.f.children.some((c) => c.field === 8 && used.has(new TextDecoder().decode(c.bytes))));
      const pool = consumed.length && r.chance(0.5) ? consumed : ts;
      return pool.length ? editTensor(r, r.pick(pool).f) : 'none';
    }
    case 3: { // a length that lies
      const ls = all.filter((x) => x.f.wire === 2);
      if (!ls.length) return 'none';
      const x = r.pick(ls);
      const real = x.f.children ? encode(x.f.children).length : x.f.bytes.length;
      x.f.lenLie = r.pick([real + 1, Math.max(0, real - 1), 2 ** 31, 2 ** 32 + real, 2n ** 62n, 2n ** 64n - 1n]);
      return `len-lie(${x.type}.${x.f.field})`;
    }
    case 4: { // duplicate / remove a field, or change its wire type
      const x = r.pick(all);
      const i = x.list.indexOf(x.f);
      const k = r.int(3);
      if (k === 0) x.list.splice(i, 0, x.f);
      else if (k === 1) x.list.splice(i, 1);
      else x.f.wire = r.pick([0, 1, 3, 4, 5, 6, 7]);
      return ['field-duplicated', 'field-removed', 'wire-type'][k] + `(${x.type}.${x.f.field})`;
    }
    case 5: { const ns = of('node'); return ns.length ? rewireNode(r, r.pick(ns).f, names) : 'none'; }
    case 6: return nest(r, tree);
    default: { // an initializer moved into a Constant node (or the other way)
      const gs = of('graph');
      const ts = of('tensor');
      if (!gs.length || !ts.length) return 'none';
      const t = r.pick(ts).f;
      const name = t.children.find((c) => c.field === 8);
      r.pick(gs).f.children.push(msgField(1, 'node', [strField(2, name ? new TextDecoder().decode(name.bytes) : 'k'), strField(4, 'Constant'), msgField(5, 'attr', [strField(1, 'value'), msgField(5, 'tensor', t.children)])]));
      return 'constant-added';
    }
  }
}

const decoded = new WeakMap();

/** One mutated ONNX file from `b` (decoded once per seed model; each input mutates a private copy). */
export function mutateOnnx(r, b) {
  if (r.chance(0.25)) return mutateBytes(r, b);
  if (!decoded.has(b)) decoded.set(b, decode(b, 'model'));
  const tree = clone(decoded.get(b));
  const what = [];
  for (let k = 1 + r.int(3); k > 0; k--) what.push(treeEdit(r, tree));
  let out = encode(tree);
  if (r.chance(0.1)) {
    const [o, w] = mutateBytes(r, out, ['flipBits', 'boundaryBytes', 'truncate']);
    out = o;
    what.push(...w);
  }
  return [out, what];
}
