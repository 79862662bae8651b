// Mutations for the container formats read without a schema library: zip archives (torch.save, .npz), pickles
// (data.pkl, the legacy torch format), .npy headers and TFLite flatbuffers. Structure-aware edits (zip
// directory fields, pickle opcodes and lengths, header text, flatbuffer offsets) are mixed with byte noise.
import { BOUNDARY_INTS, mutateBytes } from './mutate-bytes.mjs';

const u8 = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

function findAll(b, sig) {
  const out = [];
  for (let i = b.indexOf(sig[0]); i >= 0 && i + sig.length <= b.length; i = b.indexOf(sig[0], i + 1)) {
    if (sig.every((x, k) => b[i + k] === x)) out.push(i);
  }
  return out;
}

function writeInt(b, at, width, v) {
  const masked = v & ((1n << BigInt(8 * width)) - 1n);
  for (let i = 0; i < width && at + i < b.length; i++) b[at + i] = Number((masked >> BigInt(8 * i)) & 0xffn);
}

/** A zip directory or local-header field (sizes, offsets, counts, name/extra lengths) set to a boundary value. */
function zipField(r, b) {
  const out = b.slice();
  const central = findAll(b, [0x50, 0x4b, 0x01, 0x02]);
  const local = findAll(b, [0x50, 0x4b, 0x03, 0x04]);
  const eocd = findAll(b, [0x50, 0x4b, 0x05, 0x06]);
  const [where, fields] = r.pick([
    [central, [[10, 2], [20, 4], [24, 4], [28, 2], [30, 2], [42, 4]]],
    [local, [[8, 2], [18, 4], [22, 4], [26, 2], [28, 2]]],
    [eocd, [[8, 2], [10, 2], [12, 4], [16, 4], [20, 2]]],
  ]);
  if (where.length === 0) return [out, ['zipField:none']];
  const [off, width] = r.pick(fields);
  writeInt(out, r.pick(where) + off, width, r.chance(0.5) ? r.pick(BOUNDARY_INTS) : BigInt(r.int(1 << 16)));
  return [out, [`zipField:${off}`]];
}

const PICKLE_INSERTS = [
  'cos\nsystem\n', 'cbuiltins\neval\n', 'ctorch._utils\n_rebuild_tensor_v2\n', '\x8c\x02os\x8c\x06system\x93', '(' .repeat(64),
  'X\xff\xff\xff\x7f', '\x8b\xff\xff\xff\x7f', 'r\xff\xff\xff\xff', 'j\xff\xff\xff\xff', 'h\x07', 'R', 'b', 'Q', 'u', 's', 'e', 't', '0', '2',
  ']'.repeat(100), 'J\xff\xff\xff\xff', '\x8a\x08\xff\xff\xff\xff\xff\xff\xff\x7f', 'K\x00', 'N', ')', '}',
];

/** Inserts or overwrites pickle opcodes inside the pickle starting at `start` (ends at its STOP '.'). */
function pickleEdit(r, b, start, end) {
  const at = Math.min(b.length, start + 2 + r.int(Math.max(1, end - start - 2)));
  const ins = u8(r.pick(PICKLE_INSERTS));
  if (r.chance(0.5)) {
    const out = b.slice();
    out.set(ins.subarray(0, Math.max(0, Math.min(ins.length, end - at))), at);
    return [out, ['pickleOverwrite']];
  }
  const out = new Uint8Array(b.length + ins.length);
  out.set(b.subarray(0, at));
  out.set(ins, at);
  out.set(b.subarray(at), at + ins.length);
  return [out, ['pickleInsert']];
}

/** torch.save files: the zip directory, data.pkl's opcodes (in place, so offsets stay valid), or the legacy pickles. */
export function mutateTorch(r, b) {
  if (b[0] === 0x80) return r.chance(0.6) ? pickleEdit(r, b, 0, Math.min(b.length, 4096)) : mutateBytes(r, b);
  const k = r.int(3);
  if (k === 0) return zipField(r, b);
  if (k === 1) {
    const lh = findAll(b, [0x50, 0x4b, 0x03, 0x04]).find((i) => {
      const n = b[i + 26] | (b[i + 27] << 8);
      return new TextDecoder().decode(b.subarray(i + 30, i + 30 + n)).endsWith('data.pkl');
    });
    const start = lh === undefined ? b.length : lh + 30 + (b[lh + 26] | (b[lh + 27] << 8)) + (b[lh + 28] | (b[lh + 29] << 8));
    if (start + 4 < b.length) {
      const [out, ops] = pickleEdit(r, b, start, Math.min(b.length, start + 2048));
      return [out.length === b.length ? out : out.subarray(0, b.length), ops];
    }
  }
  return mutateBytes(r, b);
}

/** .npy headers: dtype, shape and order edits of the header text (same length), and its length field. */
function npyEdit(r, b, at) {
  const out = b.slice();
  const len = out[at + 8] | (out[at + 9] << 8);
  const text = new TextDecoder('latin1').decode(out.subarray(at + 10, at + 10 + len));
  const edits = [
    () => text.replace(/'descr': '[^']*'/, `'descr': '${r.pick(['>f4', '<f2', '<f8', '|O', '<i8', '<c8', '|V4', 'x', "'"])}'`),
    () => text.replace(/'shape': \([^)]*\)/, `'shape': (${r.pick(['', '0', '99999999999', '-1', '1, 1, 1, 1, 1', '4294967296, 4294967296', 'a', '2,'])})`),
    () => text.replace(/'fortran_order': \w+/, `'fortran_order': ${r.pick(['True', 'False', 'None', '1'])}`),
    () => text.replace('{', r.pick(['[', '{{', ' ', '('])),
  ];
  if (r.chance(0.2)) {
    writeInt(out, at + 8, 2, r.pick([0n, 1n, 0xffffn, BigInt(len + 1), BigInt(len - 1)]));
    return [out, ['npyHeaderLength']];
  }
  const edited = u8(r.pick(edits)().padEnd(len, ' ').slice(0, len));
  out.set(edited, at + 10);
  return [out, ['npyHeaderText']];
}

/** NumPy: a member's .npy header, the zip directory, or byte noise. */
export function mutateNumpy(r, b) {
  const npys = findAll(b, [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
  const k = r.int(3);
  if (k === 0 && npys.length > 0) return npyEdit(r, b, r.pick(npys));
  if (k === 1 && b[0] === 0x50) return zipField(r, b);
  return mutateBytes(r, b);
}

/** TFLite: 4-byte fields of the structure (offsets, lengths, vtable entries) set to boundary or nearby values. */
export function mutateTflite(r, b) {
  if (r.chance(0.35)) return mutateBytes(r, b);
  const out = b.slice();
  const n = 1 + r.int(3);
  for (let k = 0; k < n; k++) {
    const at = 4 * r.int(Math.max(1, Math.floor(Math.min(b.length, r.chance(0.5) ? 2048 : b.length) / 4)));
    const width = r.chance(0.7) ? 4 : 2;
    const old = BigInt(out[at] | (out[at + 1] << 8));
    writeInt(out, at, width, r.chance(0.5) ? r.pick(BOUNDARY_INTS) : old + BigInt(r.int(64) - 32));
  }
  return [out, [`flatField×${n}`]];
}
