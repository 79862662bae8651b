// safetensors mutations: header-length lies, header JSON edits (shape, data_offsets, dtype, duplicated and
// removed entries, overlaps), non-finite values written into the data section, and byte-level noise.
import { BOUNDARY_INTS, mutateBytes } from './mutate-bytes.mjs';
import { badNumber, badShape, dec, deepJson, enc } from './mutate-json.mjs';

const DTYPES = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I8', 'U8', 'BOOL', 'F8_E4M3', 'F4', 'C64', 'F12', 'f32', '', 5, null];

function split(b) {
  if (b.length < 8) return undefined;
  const n = Number(new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true));
  if (n > b.length - 8) return undefined;
  let header;
  try {
    header = JSON.parse(dec(b.subarray(8, 8 + n)));
  } catch {
    return undefined;
  }
  return { header, data: b.subarray(8 + n) };
}

function join(headerText, data, lenOverride) {
  const h = enc(headerText);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lenOverride ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function editEntry(r, header) {
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  if (names.length === 0) return 'none';
  const name = r.pick(names);
  const e = header[name];
  if (e === null || typeof e !== 'object') return 'none';
  switch (r.int(10)) {
    case 0: e.shape = badShape(r, e.shape); return 'shape';
    case 1: { // data_offsets: huge, negative, swapped, past the end, wrong arity or type
      const [a, b] = Array.isArray(e.data_offsets) ? e.data_offsets : [0, 0];
      e.data_offsets = r.pick([[b, a], [a, b + 1], [a - 1, b], [a, 2 ** 53], [0, 2 ** 62], [badNumber(r), b], [a, badNumber(r)], [a], [a, b, b], badNumber(r)]);
      return 'data_offsets';
    }
    case 2: e.dtype = r.pick(DTYPES); return 'dtype';
    case 3: delete e[r.pick(['dtype', 'shape', 'data_offsets'])]; return 'field-removed';
    case 4: delete header[name]; return 'entry-removed';
    case 5: { // duplicate under a new name: overlaps the original
      header[`${name}.dup${r.int(100)}`] = JSON.parse(JSON.stringify(e));
      return 'entry-duplicated';
    }
    case 6: { // overlap a neighbour: take another entry's offsets
      const other = header[r.pick(names)];
      if (other && typeof other === 'object') e.data_offsets = other.data_offsets;
      return 'offsets-shared';
    }
    case 7: header[name] = r.pick([null, 1, 'x', [], [e]]); return 'entry-not-object';
    case 8: { // shape and dtype changed together so the byte count may still match (reinterpretation)
      const elems = Array.isArray(e.shape) ? e.shape.reduce((x, y) => x * y, 1) : 1;
      e.dtype = r.pick(['F16', 'BF16', 'F32', 'F64']);
      e.shape = r.pick([[elems], [1, elems], [elems, 1], [2, Math.floor(elems / 2)]]);
      return 'reinterpreted';
    }
    default:
      header.__metadata__ = r.pick([[], 1, null, { a: { b: [] } }, 'x']);
      return 'metadata';
  }
}

/** Writes NaN / ±Inf / huge / subnormal values over some float32-aligned words of the data section. */
function poisonData(r, data) {
  const out = data.slice();
  const dv = new DataView(out.buffer);
  for (let k = 1 + r.int(8); k > 0 && out.length >= 4; k--) {
    const at = 4 * r.int(Math.floor(out.length / 4));
    dv.setFloat32(at, r.pick([NaN, Infinity, -Infinity, 3e38, 1e-45, -0]), true);
  }
  return out;
}

/** One mutated safetensors file from `b`; returns [bytes, operator description]. */
export function mutateSafetensors(r, b) {
  const parts = split(b);
  const op = r.int(10);
  if (!parts || op >= 8) return mutateBytes(r, b);
  const { header, data } = parts;
  const n = b.length - 8 - data.length;
  if (op === 0) { // header length lies, JSON unchanged
    const lie = r.pick([0n, 1n, 2n, BigInt(n - 1), BigInt(n + 1), BigInt(b.length - 8), BigInt(b.length), ...BOUNDARY_INTS]);
    const out = b.slice();
    new DataView(out.buffer).setBigUint64(0, lie & (2n ** 64n - 1n), true);
    return [out, [`header-length=${lie}`]];
  }
  if (op === 1) return [join(r.chance(0.5) ? deepJson(r) : JSON.stringify(r.pick([[], 1, 'x', null])), data), ['header-not-object']];
  if (op === 2) return [join(JSON.stringify(header), poisonData(r, data)), ['poisoned-data']];
  const what = [];
  for (let k = 1 + r.int(3); k > 0; k--) what.push(editEntry(r, header));
  let text = JSON.stringify(header);
  if (r.chance(0.3)) text += ' '.repeat(r.int(8)); // the format allows trailing spaces
  // Sometimes keep the old data section size but cut or pad it, so offsets and the file size disagree.
  const d = r.chance(0.2) ? data.subarray(0, r.int(data.length + 1)) : data;
  return [join(text, d), what];
}
