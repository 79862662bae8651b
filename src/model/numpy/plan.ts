// NumPy reader: one .npy array, or an .npz archive (numpy.savez: stored entries, read in place; savez_compressed:
// deflated entries, inflated asynchronously with node:zlib when read, the header from the entry's first bytes
// at plan time). dtypes '<f2' '<f4' '<f8' (big-endian '>' forms byte-swapped); fortran_order arrays are
// gathered to row-major; other dtypes (integers, bool, complex, object/pickled, structured) are skipped with a
// reason. Layout from the names (layout.ts: Flax/JAX 'kernel' is (in, out)).
import * as path from 'node:path';
import { promisify } from 'node:util';
import { constants as zc, inflateRaw, inflateRawSync } from 'node:zlib';
import { fileOpener, formatError, memoryOpener, type ByteSource } from '../bytes.js';
import { finalSkip, SKIP } from '../classify.js';
import type { PlanContext } from '../context.js';
import { MAX_ELEMENTS, product } from '../decode.js';
import { contiguousStrides, loadView } from '../stored.js';
import { readZipDirectory, type ZipEntry } from '../zip.js';
import type { DraftPlan, DraftTensor, ReadOptions, SkippedTensor } from '../types.js';
import { numpyLayout } from './layout.js';
import { parseNpyHeader, type NpyHeader } from './npy-header.js';

const inflateRawAsync = promisify(inflateRaw);
/** Compressed bytes inflated at plan time to find a deflated member's header (headers are a few hundred bytes). */
const HEADER_PROBE = 16 * 1024;

/** Where a member's .npy bytes are: in place in the file, or to be inflated from a deflated entry. */
type Member = { kind: 'stored'; start: number } | { kind: 'deflated'; entry: ZipEntry };

interface Ctx {
  file: string;
  source: string | Uint8Array;
  opts: ReadOptions;
  drafts: DraftTensor[];
  skipped: SkippedTensor[];
}

function skipReason(h: NpyHeader): string | undefined {
  if (h.float) return undefined;
  const code = h.descr.replace(/^[<>|=]/, '');
  if (/^O/.test(code)) return 'object array (pickled Python objects): never unpickled, not a weight';
  if (/^[iub]/.test(code)) return SKIP.integer(h.descr);
  if (/^c/.test(code)) return `complex dtype ${h.descr}: not a real weight`;
  return `dtype ${h.descr} is not read (float16/32/64 are)`;
}

function planArray(c: Ctx, name: string, h: NpyHeader, member: Member, key: string): void {
  const reason = skipReason(h);
  if (reason) return void c.skipped.push({ name, reason });
  const count = product(h.shape);
  if (count === undefined || count > MAX_ELEMENTS) return void c.skipped.push({ name, reason: SKIP.tooLarge(count ?? Infinity) });
  const lay = numpyLayout(name, h.shape);
  if (lay.cls.skip) return void c.skipped.push({ name, reason: lay.cls.skip });
  const float = h.float!;
  const shape = lay.transpose ? [lay.viewShape[1], lay.viewShape[0]] : lay.viewShape;
  const byteLength = count * h.itemSize;
  const inPlace = member.kind === 'stored';
  const notes = [h.fortranOrder ? 'gathered from Fortran (column-major) order' : '', h.bigEndian ? 'byte-swapped from big-endian' : '', lay.transform ?? ''].filter(Boolean);
  const info = {
    name,
    key,
    dtype: float,
    shape,
    kind: lay.cls.kind,
    ...(lay.cls.layout ? { layout: lay.cls.layout } : {}),
    ...(lay.orientation ? { orientation: lay.orientation } : {}),
    source: {
      format: 'numpy' as const,
      file: c.file,
      ...(inPlace ? { offset: member.start + h.dataOffset, byteLength } : {}),
      storedDtype: h.descr,
      ...(shape.join() !== h.shape.join() ? { storedShape: h.shape } : {}),
      ...(notes.length > 0 ? { transform: notes.join('; ') } : {}),
    },
  };
  const skip = finalSkip(info, float === 'float64' ? 8 : 4, c.opts);
  if (skip) return void c.skipped.push({ name, reason: skip });
  if (h.fortranOrder && lay.viewShape.length !== h.shape.length) {
    return void c.skipped.push({ name, reason: 'Fortran-order 3-D attention kernel: not read (re-save it in C order)' });
  }
  // Fortran order: element (i, j, ...) is at i + j·d0 + ...: the strides of the reversed shape, reversed
  const size = lay.viewShape;
  const stride = h.fortranOrder ? contiguousStrides([...h.shape].reverse()).reverse() : contiguousStrides(size);
  const what = `array '${name}'`;
  const view = { dtype: float, offset: 0, size, stride, bigEndian: h.bigEndian, transpose: lay.transpose, what };
  const load =
    member.kind === 'stored'
      ? () => loadView({ ...view, source: c.source, base: member.start + h.dataOffset })
      : async () => loadView({ ...view, source: await inflateMember(c, member.entry, h.dataOffset + byteLength), base: h.dataOffset });
  c.drafts.push({ info, load });
}

async function inflateMember(c: Ctx, e: ZipEntry, need: number): Promise<Uint8Array> {
  const src = (typeof c.source === 'string' ? fileOpener(c.source) : memoryOpener(c.source))();
  let raw: Uint8Array;
  try {
    raw = await src.read(e.dataOffset, e.compressedSize, `npz member '${e.name}'`);
  } finally {
    src.close();
  }
  let out: Uint8Array;
  try {
    out = await inflateRawAsync(raw, { maxOutputLength: Math.max(1, e.size) });
  } catch (err) {
    throw formatError(c.file, `npz member '${e.name}': cannot inflate (${(err as Error).message})`);
  }
  if (out.length !== e.size || out.length < need) throw formatError(c.file, `npz member '${e.name}': inflated to ${out.length} bytes, the directory says ${e.size}`);
  return out;
}

function memberHeader(src: ByteSource, e: ZipEntry): NpyHeader {
  if (e.method === 0) return parseNpyHeader(src.readSync(e.dataOffset, Math.min(e.size, 12 + (1 << 16)), `npz member '${e.name}'`), `${src.name}:${e.name}`);
  if (e.method !== 8) throw formatError(src.name, `npz member '${e.name}': zip compression method ${e.method} is not supported`);
  const head = src.readSync(e.dataOffset, Math.min(e.compressedSize, HEADER_PROBE), `npz member '${e.name}'`);
  let out: Uint8Array;
  try {
    out = inflateRawSync(head, { finishFlush: zc.Z_SYNC_FLUSH, maxOutputLength: 64 * HEADER_PROBE });
  } catch (err) {
    // more output than the probe allows is fine: the header is at the start; anything else is corrupt
    if ((err as { code?: string }).code !== 'ERR_BUFFER_TOO_LARGE') throw formatError(src.name, `npz member '${e.name}': cannot inflate (${(err as Error).message})`);
    out = inflateRawSync(head.subarray(0, 1024), { finishFlush: zc.Z_SYNC_FLUSH });
  }
  return parseNpyHeader(out, `${src.name}:${e.name}`);
}

/** Plans a .npy file or an .npz archive (told apart by their first bytes), on disk or in memory. */
export function planNumpy(source: string | Uint8Array, ctx: PlanContext): DraftPlan {
  const file = typeof source === 'string' ? source : '<memory>';
  const c: Ctx = { file, source, opts: ctx.opts, drafts: [], skipped: [] };
  const src = (typeof source === 'string' ? fileOpener(source) : memoryOpener(source))();
  try {
    const head = src.readSync(0, Math.min(src.size, 12 + (1 << 16)), 'first bytes');
    if (head[0] === 0x93) {
      const h = parseNpyHeader(head, file);
      const name = typeof source === 'string' ? path.parse(source).name : 'array';
      checkLength(file, h, src.size);
      planArray(c, name, h, { kind: 'stored', start: 0 }, `${file}@${h.dataOffset}:${src.size - h.dataOffset}`);
    } else {
      const entries = readZipDirectory(src);
      if (entries.length === 0) throw formatError(file, 'npz archive with no arrays (empty model)');
      for (const e of entries) {
        if (!/\.npy$/i.test(e.name)) {
          c.skipped.push({ name: e.name, reason: 'not a .npy member of the archive' });
          continue;
        }
        const h = memberHeader(src, e);
        checkLength(`${file}:${e.name}`, h, e.size);
        const member: Member = e.method === 0 ? { kind: 'stored', start: e.dataOffset } : { kind: 'deflated', entry: e };
        const key = e.method === 0 ? `${file}@${e.dataOffset + h.dataOffset}:${e.size - h.dataOffset}` : `${file}#${e.name}`;
        planArray(c, e.name.replace(/\.npy$/i, ''), h, member, key);
      }
    }
  } finally {
    src.close();
  }
  return { format: 'numpy', files: [file], drafts: c.drafts, skipped: c.skipped };
}

/** The data after the header must be exactly shape × itemsize bytes (NumPy writes nothing after it). */
function checkLength(where: string, h: NpyHeader, total: number): void {
  if (!h.float) return;
  const count = product(h.shape);
  if (count === undefined) throw formatError(where, `.npy shape (${h.shape.join(', ')}) has more elements than any file can hold`);
  const need = h.dataOffset + count * h.itemSize;
  if (need > total) throw formatError(where, `.npy shape (${h.shape.join(', ')}) × ${h.descr} needs ${need} bytes, the array has ${total} (truncated?)`);
}
