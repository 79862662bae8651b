// Zip archives (PyTorch's torch.save format, NumPy .npz), read from the central directory at the end of the
// file (the local headers may lie; the central directory is what unzip and torch's reader trust). zip64 sizes,
// offsets and entry counts are followed. Only the directory is read here; an entry's data is located (its
// absolute byte offset in the file) but not read. Every count, size and offset is checked against the file
// before it is used, so a hostile directory can neither allocate past the file nor point outside it.
import { formatError, type ByteSource } from './bytes.js';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated (others are refused by the readers that meet them). */
  method: number;
  compressedSize: number;
  size: number;
  /** Absolute offset of the entry's (compressed) data in the file. */
  dataOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** Largest central directory read (10^6 entries of a few hundred bytes); past it the archive is refused. */
const MAX_DIRECTORY_BYTES = 256 * 1024 * 1024;

function dv(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function u64(d: DataView, at: number, file: string, what: string): number {
  const v = d.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw formatError(file, `zip: ${what} ${v} is out of range`);
  return Number(v);
}

/** The end-of-central-directory record: searched backwards over the last 64 KiB + 22 bytes (its comment). */
function findEocd(src: ByteSource): { at: number; d: DataView } {
  const tail = Math.min(src.size, 0xffff + 22);
  const bytes = src.readSync(src.size - tail, tail, 'zip end of central directory');
  const d = dv(bytes);
  for (let i = tail - 22; i >= 0; i--) {
    if (d.getUint32(i, true) === EOCD && i + 22 + d.getUint16(i + 20, true) <= tail) {
      return { at: src.size - tail + i, d: dv(bytes.subarray(i, i + 22)) };
    }
  }
  throw formatError(src.name, 'zip: no end of central directory record (truncated archive?)');
}

/** Reads an archive's central directory: every entry with the absolute offset of its data. */
export function readZipDirectory(src: ByteSource): ZipEntry[] {
  const file = src.name;
  if (src.size < 22) throw formatError(file, `zip: ${src.size} bytes, shorter than an end of central directory record`);
  const { at, d } = findEocd(src);
  let count = d.getUint16(10, true);
  let dirSize = d.getUint32(12, true);
  let dirOffset = d.getUint32(16, true);
  if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
    if (at < 20) throw formatError(file, 'zip: zip64 values but no zip64 locator');
    const loc = dv(src.readSync(at - 20, 20, 'zip64 locator'));
    if (loc.getUint32(0, true) !== ZIP64_LOCATOR) throw formatError(file, 'zip: zip64 values but no zip64 locator');
    const recAt = u64(loc, 8, file, 'zip64 record offset');
    const rec = dv(src.readSync(recAt, 56, 'zip64 end of central directory'));
    if (rec.getUint32(0, true) !== ZIP64_EOCD) throw formatError(file, 'zip: bad zip64 end of central directory signature');
    count = u64(rec, 32, file, 'entry count');
    dirSize = u64(rec, 40, file, 'central directory size');
    dirOffset = u64(rec, 48, file, 'central directory offset');
  }
  if (dirSize > MAX_DIRECTORY_BYTES) throw formatError(file, `zip: central directory of ${dirSize} bytes is more than ${MAX_DIRECTORY_BYTES}: refused`);
  if (count > dirSize / 46) throw formatError(file, `zip: ${count} entries cannot fit in a ${dirSize}-byte central directory`);
  const dir = src.readSync(dirOffset, dirSize, 'zip central directory');
  const cd = dv(dir);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > dirSize || cd.getUint32(p, true) !== CENTRAL) throw formatError(file, `zip: central directory entry ${i} is malformed`);
    const flags = cd.getUint16(p + 8, true);
    const method = cd.getUint16(p + 10, true);
    let compressedSize = cd.getUint32(p + 20, true);
    let size = cd.getUint32(p + 24, true);
    const nameLen = cd.getUint16(p + 28, true);
    const extraLen = cd.getUint16(p + 30, true);
    const commentLen = cd.getUint16(p + 32, true);
    let local = cd.getUint32(p + 42, true);
    const end = p + 46 + nameLen + extraLen + commentLen;
    if (end > dirSize) throw formatError(file, `zip: central directory entry ${i} runs past the directory`);
    const name = new TextDecoder().decode(dir.subarray(p + 46, p + 46 + nameLen));
    // zip64 extended information (header id 1): the 64-bit values of the fields saturated at 0xffffffff, in order
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen; ) {
      const id = cd.getUint16(e, true);
      const len = cd.getUint16(e + 2, true);
      if (e + 4 + len > p + 46 + nameLen + extraLen) break;
      if (id === 1) {
        let q = e + 4;
        const next = (what: string): number => {
          if (q + 8 > e + 4 + len) throw formatError(file, `zip: entry '${name}': zip64 field ${what} missing`);
          const v = u64(cd, q, file, what);
          q += 8;
          return v;
        };
        if (size === 0xffffffff) size = next('size');
        if (compressedSize === 0xffffffff) compressedSize = next('compressed size');
        if (local === 0xffffffff) local = next('local header offset');
      }
      e += 4 + len;
    }
    if (flags & 1) throw formatError(file, `zip: entry '${name}' is encrypted: refused`);
    p = end;
    entries.push({ name, method, compressedSize, size, dataOffset: local });
  }
  // the data starts after the local header, whose name and extra field lengths may differ from the directory's
  for (const e of entries) {
    const h = dv(src.readSync(e.dataOffset, 30, `zip local header of '${e.name}'`));
    if (h.getUint32(0, true) !== LOCAL) throw formatError(file, `zip: entry '${e.name}': bad local header signature`);
    e.dataOffset += 30 + h.getUint16(26, true) + h.getUint16(28, true);
    if (e.dataOffset + e.compressedSize > src.size) {
      throw formatError(file, `zip: entry '${e.name}' needs bytes up to ${e.dataOffset + e.compressedSize} but the file has ${src.size} (truncated?)`);
    }
    if (e.method === 0 && e.compressedSize !== e.size) throw formatError(file, `zip: stored entry '${e.name}' has different sizes`);
  }
  return entries;
}
