// GGUF mutations: one header field (version, counts, a string length, a value or array item type, an array
// length, n_dims, a dimension, a tensor type, a data offset, general.alignment) set to a boundary or nearby
// value, non-finite fp16 scales / float32 values written into the data section, and byte-level noise.
import { BOUNDARY_INTS, mutateBytes } from './mutate-bytes.mjs';

const FIXED = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

/** The header's fields: { at, size, what } (size 4 or 8 bytes); stops where the header stops making sense. */
function fields(b) {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = [];
  let p = 0;
  const u32 = (what) => (out.push({ at: p, size: 4, what }), (p += 4), dv.getUint32(p - 4, true));
  const u64 = (what) => (out.push({ at: p, size: 8, what }), (p += 8), Number(dv.getBigUint64(p - 8, true)));
  const str = (what) => {
    const n = u64(what);
    p += n;
    return n;
  };
  const value = (t, depth) => {
    if (t === 8) return void str('string-length');
    if (t === 9) {
      const item = u32('array-item-type');
      const n = u64('array-length');
      if (FIXED[item] !== undefined) p += n * FIXED[item];
      else for (let i = 0; i < n && p < b.length; i++) value(item, depth + 1);
      return;
    }
    if (FIXED[t] === undefined) throw new Error('bad type');
    if (t === 4) out.push({ at: p, size: 4, what: 'u32-value' });
    p += FIXED[t];
  };
  try {
    p = 4;
    u32('version');
    const nt = u64('tensor-count');
    const nkv = u64('kv-count');
    for (let i = 0; i < nkv; i++) {
      str('key-length');
      value(u32('value-type'), 0);
    }
    for (let i = 0; i < nt; i++) {
      str('name-length');
      const nd = u32('n_dims');
      for (let k = 0; k < nd; k++) u64(`ne[${k}]`);
      u32('tensor-type');
      u64('tensor-offset');
    }
  } catch {
    // a truncated or odd header: the fields found so far
  }
  return { fields: out.filter((f) => f.at + f.size <= b.length), end: Math.min(p, b.length) };
}

const TYPES = [0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 23, 24, 26, 28, 30, 34, 39, 41, 42, 255, 2 ** 31];

function setField(r, b, f) {
  const out = b.slice();
  const dv = new DataView(out.buffer);
  const old = f.size === 4 ? BigInt(dv.getUint32(f.at, true)) : dv.getBigUint64(f.at, true);
  let v;
  if (/type/.test(f.what) && r.chance(0.6)) v = BigInt(r.pick(f.what === 'tensor-type' ? TYPES : [0, 4, 7, 8, 9, 10, 12, 13, 99]));
  else v = r.pick([...BOUNDARY_INTS, old + 1n, old - 1n, old * 2n, old + 32n, old - 32n, old + 1024n, 0n, 1n, 3n, 5n, 48n]);
  v = ((v % 2n ** 64n) + 2n ** 64n) % 2n ** 64n;
  if (f.size === 4) dv.setUint32(f.at, Number(v % 2n ** 32n), true);
  else dv.setBigUint64(f.at, v, true);
  return [out, [`${f.what}@${f.at}=${v}`]];
}

/** Writes non-finite / extreme halves and floats over some aligned words of the data section. */
function poison(r, b, from) {
  const out = b.slice();
  const dv = new DataView(out.buffer);
  for (let k = 1 + r.int(8); k > 0 && out.length - from >= 4; k--) {
    const at = from + 2 * r.int(Math.floor((out.length - from - 4) / 2));
    if (r.chance(0.5)) dv.setUint16(at, r.pick([0x7c00, 0xfc00, 0x7e00, 0x7bff, 0x0001, 0x8000]), true);
    else dv.setFloat32(at, r.pick([NaN, Infinity, -Infinity, 3e38, 1e-45]), true);
  }
  return out;
}

/** One mutated GGUF file from `b`; returns [bytes, operator description]. */
export function mutateGguf(r, b) {
  const { fields: fs, end } = fields(b);
  const op = r.int(10);
  if (op < 5 && fs.length) return setField(r, b, r.pick(fs));
  if (op === 5) return [poison(r, b, end), ['poisoned-data']];
  if (op === 6 && fs.length) { // two fields at once: counts and a length or offset disagree together
    const [x] = setField(r, b, r.pick(fs));
    return [setField(r, x, r.pick(fs))[0], ['two-fields']];
  }
  if (op === 7) { // noise inside the header only
    const out = b.slice();
    for (let k = 1 + r.int(4); k > 0; k--) out[r.int(Math.max(1, end))] ^= 1 << r.int(8);
    return [out, ['header-bitflips']];
  }
  return mutateBytes(r, b);
}
