// safetensors reader. Format: u64 little-endian header length N, N bytes of JSON
// { name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: {...} }, then the data section; offsets
// are relative to the data section. Sharded checkpoints: model.safetensors.index.json { weight_map: {name: file} }.
import * as path from 'node:path';
import { formatError, fileOpener, memoryOpener, type ByteSource, type Opener } from './bytes.js';
import { classifyByName, finalSkip, SKIP } from './classify.js';
import { isValidShape, product, type FloatDtype } from './decode.js';
import { orienter, readHfConfig, type Orienter } from './hf-config.js';
import { readFloats, transpose2d } from './load.js';
import { loadRange } from './native-load.js';
import type { PlanContext } from './context.js';
import { sideReason } from './quant/kernel.js';
import { quantDraft } from './quant/draft.js';
import { recognizeSafetensorsQuant, type StQuant } from './quant/safetensors.js';
import type { DraftPlan, DraftTensor, ReadOptions, SafetensorsEntry, SkippedTensor } from './types.js';

/** The official implementation's header limit; bigger headers are refused before anything is allocated. */
export const MAX_HEADER_BYTES = 100_000_000;

/** Stored size of each dtype in bits (F4/F6 are packed sub-byte floats). */
const DTYPE_BITS: Record<string, number> = {
  F64: 64, F32: 32, F16: 16, BF16: 16,
  I64: 64, U64: 64, I32: 32, U32: 32, I16: 16, U16: 16, I8: 8, U8: 8, BOOL: 8,
  F8_E4M3: 8, F8_E5M2: 8, F8_E8M0: 8, F6_E2M3: 6, F6_E3M2: 6, F4: 4, C64: 64,
};
const FLOATS: Record<string, FloatDtype> = { F64: 'float64', F32: 'float32', F16: 'float16', BF16: 'bfloat16' };

export type { SafetensorsEntry } from './types.js';

export interface SafetensorsHeader {
  /** Entries in file-offset order. */
  entries: SafetensorsEntry[];
  metadata: Record<string, unknown> | undefined;
  dataStart: number;
}

/** Reads and validates the header of one safetensors file (no tensor data is read). */
export function readSafetensorsHeader(src: ByteSource): SafetensorsHeader {
  const file = src.name;
  if (src.size < 8) throw formatError(file, `file has ${src.size} bytes, shorter than the 8-byte header length`);
  const lenBytes = src.readSync(0, 8, 'header length');
  const n = Number(new DataView(lenBytes.buffer, lenBytes.byteOffset, 8).getBigUint64(0, true));
  if (n > src.size - 8) {
    throw formatError(file, `header length ${n} runs past the end of the file (${src.size} bytes)`);
  }
  if (n > MAX_HEADER_BYTES) throw formatError(file, `header length ${n} exceeds ${MAX_HEADER_BYTES} bytes`);
  if (n < 2) throw formatError(file, `header length ${n} is too short for a JSON object`);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(src.readSync(8, n, 'header'));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw formatError(file, `header is not valid JSON (${(e as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw formatError(file, 'header is not a JSON object');
  }
  const dataStart = 8 + n;
  const dataSize = src.size - dataStart;
  let metadata: Record<string, unknown> | undefined;
  const entries: SafetensorsEntry[] = [];
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
        throw formatError(file, '__metadata__ is not an object');
      }
      metadata = raw as Record<string, unknown>;
      continue;
    }
    const where = `tensor '${name}'`;
    if (raw === null || typeof raw !== 'object') throw formatError(file, `${where}: entry is not an object`);
    const { dtype, shape, data_offsets: offs } = raw as Record<string, unknown>;
    if (typeof dtype !== 'string' || !(dtype in DTYPE_BITS)) {
      throw formatError(file, `${where}: unknown dtype ${JSON.stringify(dtype)}`);
    }
    if (!isValidShape(shape)) {
      throw formatError(file, `${where}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
    }
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      throw formatError(file, `${where}: data_offsets ${JSON.stringify(offs)} is not [begin, end]`);
    }
    const [begin, end] = offs as [number, number];
    if (begin > end || end > dataSize) {
      throw formatError(file, `${where}: data_offsets [${begin}, ${end}] outside the data section (${dataSize} bytes)`);
    }
    const count = product(shape);
    const bits = count === undefined ? undefined : count * DTYPE_BITS[dtype];
    if (bits === undefined || !Number.isSafeInteger(bits) || bits % 8 !== 0 || bits / 8 !== end - begin) {
      throw formatError(
        file,
        `${where}: shape [${shape.join(', ')}] × ${dtype} needs ${bits === undefined ? 'too many' : bits / 8} bytes ` +
          `but data_offsets span ${end - begin}`,
      );
    }
    entries.push({ name, dtype, shape, offset: dataStart + begin, byteLength: end - begin });
  }
  entries.sort((a, b) => a.offset - b.offset || a.byteLength - b.byteLength);
  for (let i = 1; i < entries.length; i++) {
    const prev = entries[i - 1];
    // Zero-length tensors overlap nothing.
    if (entries[i].byteLength > 0 && prev.offset + prev.byteLength > entries[i].offset) {
      throw formatError(file, `tensors '${prev.name}' and '${entries[i].name}' overlap in the data section`);
    }
  }
  return { entries, metadata, dataStart };
}

/** How the planned tensors of one file are named, oriented and read (shared by a single file and the shards). */
interface FileCtx {
  file: string;
  open: Opener;
  /** The bytes are a file on disk (read natively), not bytes in memory. */
  onDisk: boolean;
  opts: ReadOptions;
  orient: Orienter;
  /** The checkpoint's quantized weights and their side tensors (quant/safetensors.ts). */
  quant: StQuant;
}

function planEntries(entries: SafetensorsEntry[], c: FileCtx, drafts: DraftTensor[], skipped: SkippedTensor[]): void {
  for (const e of entries) {
    const side = c.quant.side.get(e.name);
    if (side) {
      skipped.push({ name: e.name, reason: sideReason(side.role, side.weight, side.scheme) });
      continue;
    }
    const qw = c.quant.weights.get(e.name);
    if (qw) {
      const source = { format: 'safetensors' as const, file: c.file, offset: e.offset, byteLength: e.byteLength, storedDtype: e.dtype, storedShape: e.shape };
      const r = quantDraft(qw, `${c.file}@${e.offset}:${e.byteLength}`, source, c.opts);
      if (r.draft) drafts.push(r.draft);
      else skipped.push({ name: qw.name, reason: r.skip! });
      continue;
    }
    const dtype = FLOATS[e.dtype];
    if (dtype === undefined) {
      skipped.push({ name: e.name, reason: e.dtype.startsWith('F') || e.dtype === 'C64' ? SKIP.float8(e.dtype) : SKIP.integer(e.dtype) });
      continue;
    }
    const cls = classifyByName(e.name, e.shape, 'oihw');
    if (cls.skip) {
      skipped.push({ name: e.name, reason: cls.skip });
      continue;
    }
    const o = e.shape.length === 2 && cls.kind !== 'embedding' ? c.orient(e.name, e.shape) : null;
    const shape = o?.transpose ? [e.shape[1], e.shape[0]] : e.shape;
    const info = {
      name: e.name,
      key: `${c.file}@${e.offset}:${e.byteLength}`,
      dtype,
      shape,
      kind: cls.kind,
      ...(cls.layout ? { layout: cls.layout } : {}),
      ...(o ? { orientation: o.orientation } : {}),
      source: {
        format: 'safetensors' as const,
        file: c.file,
        offset: e.offset,
        byteLength: e.byteLength,
        storedDtype: e.dtype,
        ...(o?.transpose ? { storedShape: e.shape, transform: 'transposed (in, out) -> (out, in)' } : {}),
      },
    };
    const reason = finalSkip(info, dtype === 'float64' ? 8 : 4, c.opts);
    if (reason) {
      skipped.push({ name: e.name, reason });
      continue;
    }
    const count = product(e.shape)!;
    if (c.onDisk) {
      const range = { what: `tensor '${e.name}'`, file: c.file, offset: e.offset, byteLength: e.byteLength, dtype, shape: e.shape, ...(o?.transpose ? { layout: 'transpose' as const } : {}) };
      drafts.push({ info, load: (want) => loadRange(range, want) });
      continue;
    }
    const read = () => readFloats(c.open, e.offset, dtype, count, `tensor '${e.name}'`);
    const [rows, cols] = e.shape;
    drafts.push({ info, load: o?.transpose ? async () => transpose2d(await read(), rows, cols) : read });
  }
}

function noTensors(file: string): never {
  throw formatError(file, 'no tensors in the model (empty model)');
}

/** Reads and validates the header through a fresh handle from `open`, closing it whatever happens. */
function headerOf(open: Opener): SafetensorsHeader {
  const src = open();
  try {
    return readSafetensorsHeader(src);
  } finally {
    src.close();
  }
}

/** Plans one safetensors file, or in-memory safetensors bytes. */
export function planSafetensors(source: string | Uint8Array, ctx: PlanContext): DraftPlan {
  const file = typeof source === 'string' ? source : '<memory>';
  const open = typeof source === 'string' ? fileOpener(source) : memoryOpener(source);
  const header = headerOf(open);
  if (header.entries.length === 0) noTensors(file);
  const drafts: DraftTensor[] = [];
  const skipped: SkippedTensor[] = [];
  const hf = typeof source === 'string' ? readHfConfig(ctx.tree, file) : null;
  const quant = recognizeSafetensorsQuant(header.entries.map((e) => ({ e, file, open })), hf?.quantization ?? null);
  planEntries(header.entries, { file, open, onDisk: typeof source === 'string', opts: ctx.opts, orient: orienter(hf), quant }, drafts, skipped);
  return { format: 'safetensors', files: hf ? [file, hf.file] : [file], drafts, skipped, notes: hf?.notes };
}

/**
 * Plans a sharded checkpoint from its model.safetensors.index.json: each tensor is read from the shard the
 * index names for it. A shard's tensors that the index does not name there (a stale copy, a leftover) are
 * listed in `skipped`, never read: the index is the checkpoint's table of contents.
 */
export function planSafetensorsIndex(indexFile: string, json: unknown, ctx: PlanContext): DraftPlan {
  const map = (json as { weight_map?: unknown } | null)?.weight_map;
  if (map === null || typeof map !== 'object' || Array.isArray(map)) {
    throw formatError(indexFile, 'has no weight_map object');
  }
  const shards = new Map<string, Set<string>>(); // shard path -> tensor names the index puts there
  for (const [name, rel] of Object.entries(map as Record<string, unknown>)) {
    const shard = ctx.tree.resolve(rel, indexFile, `weight_map['${name}']`);
    let names = shards.get(shard);
    if (!names) shards.set(shard, (names = new Set()));
    names.add(name);
  }
  if (shards.size === 0) noTensors(indexFile);
  const drafts: DraftTensor[] = [];
  const skipped: SkippedTensor[] = [];
  const hf = readHfConfig(ctx.tree, indexFile);
  const orient = orienter(hf);
  const index = path.basename(indexFile);
  // every shard's listed tensors first: a weight's scales may live in another shard
  const listedByShard: { shard: string; open: Opener; listed: SafetensorsEntry[] }[] = [];
  for (const [shard, names] of shards) {
    const open = fileOpener(shard);
    const header = headerOf(open);
    const listed: SafetensorsEntry[] = [];
    for (const e of header.entries) {
      if (names.has(e.name)) listed.push(e);
      else skipped.push({ name: e.name, reason: SKIP.notInIndex(path.basename(shard), index, (map as Record<string, unknown>)[e.name]) });
    }
    if (listed.length !== names.size) {
      const present = new Set(listed.map((e) => e.name));
      for (const n of names) if (!present.has(n)) throw formatError(shard, `tensor '${n}' listed in ${index} is missing from this shard`);
    }
    listedByShard.push({ shard, open, listed });
  }
  const quant = recognizeSafetensorsQuant(
    listedByShard.flatMap(({ shard, open, listed }) => listed.map((e) => ({ e, file: shard, open }))),
    hf?.quantization ?? null,
  );
  for (const { shard, open, listed } of listedByShard) planEntries(listed, { file: shard, open, onDisk: true, opts: ctx.opts, orient, quant }, drafts, skipped);
  return { format: 'safetensors', files: [indexFile, ...shards.keys(), ...(hf ? [hf.file] : [])], drafts, skipped, notes: hf?.notes };
}
