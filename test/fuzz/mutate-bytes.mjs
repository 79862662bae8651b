// Format-blind byte mutations: bit flips, boundary bytes and integers, truncation, extension, and removed,
// duplicated or overwritten chunks. Each returns a new Uint8Array.

const BOUNDARY_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];
/** Little-endian integers a length or offset field should never trust. */
export const BOUNDARY_INTS = [0n, 1n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n];

function flipBits(r, b) {
  const out = b.slice();
  for (let k = 1 + r.int(8); k > 0 && out.length; k--) out[r.pos(out.length)] ^= 1 << r.int(8);
  return out;
}

function boundaryBytes(r, b) {
  const out = b.slice();
  for (let k = 1 + r.int(4); k > 0 && out.length; k--) out[r.pos(out.length)] = r.pick(BOUNDARY_BYTES);
  return out;
}

function boundaryInt(r, b) {
  const out = b.slice();
  const width = r.pick([4, 8]);
  if (out.length < width) return out;
  const at = Math.min(r.pos(out.length), out.length - width);
  const v = r.pick(BOUNDARY_INTS) & ((1n << BigInt(8 * width)) - 1n);
  for (let i = 0; i < width; i++) out[at + i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
}

function truncate(r, b) {
  return b.slice(0, r.pos(b.length + 1));
}

function extend(r, b) {
  const extra = new Uint8Array(1 + r.int(r.chance(0.5) ? 16 : 4096));
  if (r.chance(0.5)) for (let i = 0; i < extra.length; i++) extra[i] = r.int(256);
  const out = new Uint8Array(b.length + extra.length);
  out.set(b);
  out.set(extra, b.length);
  return out;
}

function chunk(r, b) {
  const a = r.pos(b.length);
  return [a, Math.min(b.length, a + 1 + r.int(r.chance(0.7) ? 64 : 8192))];
}

function removeChunk(r, b) {
  const [a, e] = chunk(r, b);
  const out = new Uint8Array(b.length - (e - a));
  out.set(b.subarray(0, a));
  out.set(b.subarray(e), a);
  return out;
}

function duplicateChunk(r, b) {
  const [a, e] = chunk(r, b);
  const at = r.pos(b.length + 1);
  const out = new Uint8Array(b.length + (e - a));
  out.set(b.subarray(0, at));
  out.set(b.subarray(a, e), at);
  out.set(b.subarray(at), at + (e - a));
  return out;
}

function overwriteChunk(r, b) {
  const out = b.slice();
  const [a, e] = chunk(r, b);
  const at = Math.min(r.pos(b.length), Math.max(0, b.length - (e - a)));
  out.set(b.subarray(a, e).slice(0, b.length - at), at);
  return out;
}

function randomBytes(r, b) {
  const keep = r.chance(0.5) ? Math.min(b.length, 8 + r.int(64)) : 0;
  const out = new Uint8Array(keep + r.int(r.chance(0.8) ? 256 : 65536));
  out.set(b.subarray(0, keep));
  for (let i = keep; i < out.length; i++) out[i] = r.int(256);
  return out;
}

export const BYTE_OPS = { flipBits, boundaryBytes, boundaryInt, truncate, extend, removeChunk, duplicateChunk, overwriteChunk, randomBytes };

/** Applies 1-3 random byte operators; returns [bytes, names of the operators]. */
export function mutateBytes(r, b, ops = Object.keys(BYTE_OPS)) {
  const names = [];
  let out = b;
  for (let k = 1 + r.int(3); k > 0; k--) {
    const name = r.pick(ops);
    names.push(name);
    out = BYTE_OPS[name](r, out);
  }
  return [out, names];
}
