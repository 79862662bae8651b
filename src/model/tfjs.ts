// TensorFlow.js reader: model.json ({ modelTopology?, weightsManifest }) or a bare weights manifest
// (face-api's *-weights_manifest.json: an array of groups). Each group { paths, weights } stores its weights
// back to back across the concatenation of its shard files, in manifest order.
//
// Dtypes: float32 as is; float16 widened; affine-quantized uint8/uint16 (`quantization: {dtype, scale, min}`)
// dequantised as value = q·scale + min, which is what tfjs itself does (io_utils decodeWeights); quantization
// dtype 'float16' is plain f16. int32/bool/string/complex64 are skipped (strings are variable-length: their
// byte counts are read from the shard so the following offsets stay right).
// Orientation (keras-views.ts, shared with the in-memory tfjs snapshot): Dense kernels (in, out) are transposed
// to (out, in) like every other reader; conv kernels stay (kh, kw, in, out) with layout 'hwio'; Conv1D kernels
// (k, in, out) become (1, k, in, out); LSTM/GRU/SimpleRNN kernels are split per gate ('<name>.<gate>');
// depthwise kernels (kh, kw, in, multiplier) are skipped: each slice is an (in × 1) vector.
import { FileSource, formatError } from './bytes.js';
import { classifyByName, finalSkip, SKIP } from './classify.js';
import type { PlanContext } from './context.js';
import { decodeFloats, dequantize, isValidShape, product } from './decode.js';
import { dense2d, kerasViews, type KerasViews } from './keras-views.js';
import { loadRange } from './native-load.js';
import type { DraftPlan, DraftTensor, LoadWant, SkippedTensor, TensorSource } from './types.js';

interface Part {
  file: string;
  start: number; // offset of this shard in the group's concatenated bytes
  size: number;
}

/** Index of the first part that holds bytes at or after `offset` (parts are ordered by start). */
function firstPart(parts: Part[], offset: number): number {
  let lo = 0;
  let hi = parts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (parts[mid].start + parts[mid].size <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The shards that [offset, offset+length) of a group's concatenated bytes overlaps, with the overlap [a, b):
 * a binary search to the first, then only the overlapping ones (a manifest may list 10^5 shard files).
 */
function* overlapping(parts: Part[], offset: number, length: number): Generator<{ p: Part; a: number; b: number }> {
  for (let i = firstPart(parts, offset); i < parts.length && parts[i].start < offset + length; i++) {
    const p = parts[i];
    const a = Math.max(offset, p.start);
    const b = Math.min(offset + length, p.start + p.size);
    if (a < b) yield { p, a, b };
  }
}

/** Reads [offset, offset+length) of a group's concatenated shards into `out`. */
async function readParts(parts: Part[], offset: number, length: number, out: Uint8Array, what: string): Promise<void> {
  for (const { p, a, b } of overlapping(parts, offset, length)) {
    const src = FileSource.open(p.file);
    try {
      await src.read(a - p.start, b - a, what, out.subarray(a - offset, b - offset));
    } finally {
      src.close();
    }
  }
}

function readPartsSync(parts: Part[], offset: number, length: number, what: string): Uint8Array {
  const out = new Uint8Array(length);
  for (const { p, a, b } of overlapping(parts, offset, length)) {
    const src = FileSource.open(p.file);
    try {
      out.set(src.readSync(a - p.start, b - a, what), a - offset);
    } finally {
      src.close();
    }
  }
  return out;
}

/**
 * Stored size of `count` tfjs strings from `offset` (each: u32 LE byte length, then the bytes). The length
 * prefixes are read through a 64 KiB window: one file read per prefix made a shard of empty strings cost a
 * syscall per 4 bytes (a 4 MiB shard took ~10 s). Stops at the end of the group; the caller checks the total.
 */
function stringBytes(parts: Part[], offset: number, count: number, groupBytes: number, what: string): number {
  let bytes = 0;
  let win: Uint8Array = new Uint8Array(0);
  let winStart = 0;
  for (let i = 0; i < count; i++) {
    const at = offset + bytes;
    if (at + 4 > groupBytes) break;
    if (at < winStart || at + 4 > winStart + win.length) {
      winStart = at;
      win = readPartsSync(parts, at, Math.min(1 << 16, groupBytes - at), what);
    }
    const l = win.subarray(at - winStart, at - winStart + 4);
    bytes += 4 + (l[0] | (l[1] << 8) | (l[2] << 16)) + l[3] * 2 ** 24;
  }
  return bytes;
}

const PLAIN_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, float16: 2 };

/** Keras layer class by layer name, from modelTopology when the model.json has one. */
function layerClasses(topology: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (v: unknown, depth: number): void => {
    if (depth > 64 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach((x) => walk(x, depth + 1));
    const o = v as Record<string, unknown>;
    const cfg = o.config as Record<string, unknown> | undefined;
    if (typeof o.class_name === 'string' && cfg && typeof cfg.name === 'string') out.set(cfg.name, o.class_name);
    for (const x of Object.values(o)) walk(x, depth + 1);
  };
  walk(topology, 0);
  return out;
}

/** The views of a stored weight: by its layer's class when modelTopology names it (keras-views.ts), else by name. */
function viewsOf(name: string, shape: number[], classes: Map<string, string>): KerasViews {
  const segs = name.split('/');
  const cls = segs.slice(0, -1).reverse().map((s) => classes.get(s)).find((c) => c !== undefined);
  const byClass = cls === undefined ? undefined : kerasViews(cls, segs[segs.length - 1], shape);
  if (byClass) return byClass;
  const c = classifyByName(name, shape, 'hwio');
  if (c.skip) return { skip: c.skip };
  if (shape.length === 2 && c.kind !== 'embedding') return { views: [{ ...dense2d(shape), kind: c.kind }] };
  const orientation = shape.length === 2 ? '(rows, cols) as stored' : undefined;
  return { views: [{ suffix: '', shape, kind: c.kind, ...(c.layout ? { layout: c.layout } : {}), ...(orientation ? { orientation } : {}), extract: (d) => d }] };
}

/** The size of a shard file (opened, so a FIFO, device or link out of the tree is refused here). */
function shardSize(shard: string, rel: string, file: string): number {
  try {
    const src = FileSource.open(shard);
    src.close();
    return src.size;
  } catch (e) {
    throw formatError(file, `shard '${rel}' cannot be read (${(e as Error).message})`);
  }
}

/** Plans a tfjs model.json or weights manifest (already parsed: `json`). */
export function planTfjs(manifestFile: string, json: unknown, ctx: PlanContext): DraftPlan {
  const file = manifestFile;
  const opts = ctx.opts;
  let groups: unknown;
  let classes = new Map<string, string>();
  if (Array.isArray(json)) groups = json;
  else if (json !== null && typeof json === 'object' && 'weightsManifest' in json) {
    groups = (json as { weightsManifest: unknown }).weightsManifest;
    classes = layerClasses((json as { modelTopology?: unknown }).modelTopology);
  } else throw formatError(file, 'neither a model.json with weightsManifest nor a weights manifest array');
  if (!Array.isArray(groups)) throw formatError(file, 'weightsManifest is not an array');

  const drafts: DraftTensor[] = [];
  const skipped: SkippedTensor[] = [];
  const files = [file];
  let position = 0; // manifest order across groups: the model's layer order as exported
  const sizes = new Map<string, number>(); // a shard listed again is not opened again
  groups.forEach((g, gi) => {
    const grp = g as { paths?: unknown; weights?: unknown } | null;
    if (!grp || !Array.isArray(grp.paths) || !Array.isArray(grp.weights)) {
      throw formatError(file, `weightsManifest[${gi}] needs 'paths' and 'weights' arrays`);
    }
    const parts: Part[] = [];
    let groupBytes = 0;
    for (const rel of grp.paths) {
      const shard = ctx.tree.resolve(rel, file, `weightsManifest[${gi}].paths`);
      const size = sizes.get(shard) ?? shardSize(shard, rel as string, file);
      sizes.set(shard, size);
      parts.push({ file: shard, start: groupBytes, size });
      groupBytes += size;
      files.push(shard);
    }
    let offset = 0;
    (grp.weights as unknown[]).forEach((w, wi) => {
      const order = position++;
      const { name, shape, dtype, quantization: q } = (w ?? {}) as Record<string, unknown>;
      if (typeof name !== 'string') throw formatError(file, `weightsManifest[${gi}]: a weight has no name`);
      const where = `tensor '${name}'`;
      if (!isValidShape(shape)) throw formatError(file, `${where}: shape ${JSON.stringify(shape)} is invalid`);
      if (typeof dtype !== 'string' || !(dtype in PLAIN_BYTES || dtype === 'string')) {
        throw formatError(file, `${where}: unknown dtype ${JSON.stringify(dtype)}`);
      }
      const count = product(shape);
      if (count === undefined) throw formatError(file, `${where}: shape is too large`);
      let quant: { dtype: 'uint8' | 'uint16' | 'float16'; scale: number; min: number } | undefined;
      if (q !== undefined) {
        const qq = q as Record<string, unknown> | null;
        const qd = qq?.dtype;
        if (qd !== 'uint8' && qd !== 'uint16' && qd !== 'float16') {
          throw formatError(file, `${where}: unknown quantization dtype ${JSON.stringify(qd)}`);
        }
        const scale = (qq!.scale ?? 1) as number;
        const min = (qq!.min ?? 0) as number;
        if (qd !== 'float16' && !(Number.isFinite(scale) && Number.isFinite(min))) {
          throw formatError(file, `${where}: quantization scale/min must be finite numbers`);
        }
        quant = { dtype: qd, scale, min };
      }
      let bytes: number;
      if (dtype === 'string') bytes = stringBytes(parts, offset, count, groupBytes, where);
      else bytes = count * (quant ? (quant.dtype === 'uint8' ? 1 : 2) : PLAIN_BYTES[dtype]);
      const start = offset;
      offset += bytes;
      if (offset > groupBytes) {
        throw formatError(
          file,
          `${where}: needs bytes [${start}, ${offset}) of group ${gi} but its shards hold ${groupBytes} bytes (truncated?)`,
        );
      }
      if (dtype !== 'float32' && dtype !== 'float16') return void skipped.push({ name, reason: SKIP.integer(dtype) });
      const c = viewsOf(name, shape, classes);
      if ('skip' in c) return void skipped.push({ name, reason: c.skip });
      // The shard holding the first byte, and how many shard files the tensor spans (not their names: a
      // manifest may list 10^5 shards, and joining them for every weight was quadratic in memory).
      const first = parts[firstPart(parts, start)] ?? parts[parts.length - 1];
      const spans = bytes === 0 ? 1 : firstPart(parts, start + bytes - 1) - firstPart(parts, start) + 1;
      // One read and decode for all the views of a stored tensor (the gates of a recurrent kernel).
      let decoded: Promise<Float32Array> | undefined;
      const decode = async (): Promise<Float32Array> => {
        const raw = new Uint8Array(bytes);
        await readParts(parts, start, bytes, raw, where);
        if (quant && quant.dtype !== 'float16') return dequantize(raw, quant.dtype, count, quant.scale, quant.min);
        return decodeFloats(raw, quant || dtype === 'float16' ? 'float16' : 'float32', count) as Float32Array;
      };
      let pending = c.views.length;
      for (const v of c.views) {
        const source: TensorSource = {
          format: 'tfjs',
          file: first?.file ?? file,
          offset: first ? start - first.start : 0,
          ...(spans > 1 ? { spansFiles: spans } : {}),
          byteLength: bytes,
          storedDtype: dtype,
          ...(quant && quant.dtype !== 'float16' ? { quantization: quant } : {}),
          ...(v.transform ? { storedShape: shape, transform: v.transform } : {}),
          ...(v.suffix ? { storedName: name } : {}),
        };
        const info = {
          name: name + v.suffix,
          key: `${file}#${gi}:${wi}${v.suffix}`,
          dtype: quant ? quant.dtype : dtype,
          shape: v.shape,
          kind: v.kind,
          ...(v.layout ? { layout: v.layout } : {}),
          ...(v.orientation ? { orientation: v.orientation } : {}),
          source,
        };
        const reason = finalSkip(info, 4, opts);
        if (reason) {
          pending--;
          skipped.push({ name: info.name, reason });
          continue;
        }
        const stored = quant || dtype === 'float16' ? 'float16' : 'float32';
        const whole = c.views.length === 1 && v.native && first && spans === 1 && bytes > 0 && !(quant && quant.dtype !== 'float16');
        if (whole) {
          // one range of one shard: read, widened and oriented natively, off the main thread (native-load.ts)
          const range = { what: where, file: first.file, offset: start - first.start, byteLength: bytes, dtype: stored, shape, ...(v.native === 'transpose' ? { layout: 'transpose' as const } : {}) } as const;
          drafts.push({ info, order, load: (want?: LoadWant) => loadRange(range, want) });
          continue;
        }
        const load = async (): Promise<Float32Array> => {
          decoded ??= decode();
          const data = await decoded;
          // the decoded tensor is dropped once every view has taken its part
          if (--pending <= 0) decoded = undefined;
          return v.extract(data);
        };
        drafts.push({ info, order, load });
      }
    });
    if (offset !== groupBytes) {
      throw formatError(
        file,
        `weightsManifest[${gi}] describes ${offset} bytes but its shard files hold ${groupBytes} bytes`,
      );
    }
  });
  if (drafts.length + skipped.length === 0) throw formatError(file, 'no tensors in the model (empty model)');
  return { format: 'tfjs', files, drafts, skipped };
}
