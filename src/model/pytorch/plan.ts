// PyTorch reader: a torch.save checkpoint (pytorch_model.bin, *.pt, *.pth; zip or legacy, archive.ts) or a
// sharded pytorch_model.bin.index.json. Each state_dict tensor is a view (storage offset, size, stride) of a
// storage: a contiguous view is one byte range read natively; a non-contiguous one is gathered (stored.ts).
// Tensors that share a storage with the same view (tied weights: lm_head.weight = wte.weight) have one key
// and are analysed once, the other names as aliases. 2-D weights are (out, in) as nn.Linear stores them,
// except transformers Conv1D, oriented from config.json (hf-config.ts). Conv kernels are (out, in, kh, kw).
import * as path from 'node:path';
import { formatError } from '../bytes.js';
import { classifyByName, finalSkip, SKIP } from '../classify.js';
import type { PlanContext } from '../context.js';
import { product } from '../decode.js';
import { orienter, readHfConfig, type Orienter } from '../hf-config.js';
import { isContiguous, loadView, viewSpan } from '../stored.js';
import type { DraftPlan, DraftTensor, ReadOptions, SkippedTensor } from '../types.js';
import { openCheckpoint, type OpenedCheckpoint } from './archive.js';
import type { TensorRef } from './torch-globals.js';

interface Ctx {
  file: string;
  source: string | Uint8Array;
  opts: ReadOptions;
  orient: Orienter;
  /** Whether the state_dict's own order (module registration: the forward order) is the model order. */
  ordered: boolean;
  /** Names to plan (a shard of an index plans only what the index puts there); others are skipped with this reason. */
  only?: (name: string) => string | undefined;
}

function planTensors(ck: OpenedCheckpoint, c: Ctx, drafts: DraftTensor[], skipped: SkippedTensor[]): void {
  ck.stateDict.tensors.forEach(({ name, tensor: t }, position) => planTensor(ck, c, name, t, position, drafts, skipped));
}

function planTensor(ck: OpenedCheckpoint, c: Ctx, name: string, t: TensorRef, position: number, drafts: DraftTensor[], skipped: SkippedTensor[]): void {
  {
    const notHere = c.only?.(name);
    if (notHere) {
      skipped.push({ name, reason: notHere });
      return;
    }
    const float = t.dtype.float;
    if (!float) {
      skipped.push({ name, reason: t.dtype.name.startsWith('float8') ? SKIP.float8(t.dtype.name) : t.dtype.name.startsWith('q') ? `quantized torch dtype ${t.dtype.name}: not read` : SKIP.integer(t.dtype.name) });
      return;
    }
    const where = `tensor '${name}'`;
    const loc = ck.storage(t.storage);
    const count = product(t.size);
    const span = viewSpan(t.size, t.stride);
    const storageElements = Math.floor(loc.byteLength / t.dtype.size);
    if (count === undefined || !Number.isSafeInteger(span) || t.offset + span > storageElements) {
      throw formatError(c.file, `${where}: view (offset ${t.offset}, size [${t.size}], stride [${t.stride}]) runs past its storage of ${storageElements} elements`);
    }
    const cls = classifyByName(name, t.size, 'oihw');
    if (cls.skip) {
      skipped.push({ name, reason: cls.skip });
      return;
    }
    const o = t.size.length === 2 && cls.kind !== 'embedding' ? c.orient(name, t.size) : null;
    const shape = o?.transpose ? [t.size[1], t.size[0]] : [...t.size];
    const contiguous = isContiguous(t.size, t.stride);
    const start = loc.base + t.offset * t.dtype.size;
    const bytes = count * t.dtype.size;
    const info = {
      name,
      key: contiguous ? `${c.file}@${start}:${bytes}` : `${c.file}#${t.storage.key}@${t.offset}:${t.size}:${t.stride}`,
      dtype: float,
      shape,
      kind: cls.kind,
      ...(cls.layout ? { layout: cls.layout } : {}),
      ...(o ? { orientation: o.orientation } : {}),
      source: {
        format: 'pytorch' as const,
        file: c.file,
        ...(contiguous ? { offset: start, byteLength: bytes } : {}),
        storedDtype: t.dtype.name,
        ...(o?.transpose ? { storedShape: [...t.size] } : {}),
        ...(o?.transpose || !contiguous || ck.bigEndian
          ? {
              transform: [
                !contiguous ? `gathered from a strided view (stride [${t.stride}]) of storage ${t.storage.key}` : '',
                ck.bigEndian ? 'byte-swapped from big-endian' : '',
                o?.transpose ? 'transposed (in, out) -> (out, in)' : '',
              ].filter(Boolean).join('; '),
            }
          : {}),
      },
    };
    const reason = finalSkip(info, float === 'float64' ? 8 : 4, c.opts);
    if (reason) {
      skipped.push({ name, reason });
      return;
    }
    const view = { source: c.source, base: loc.base, dtype: float, offset: t.offset, size: t.size, stride: t.stride, bigEndian: ck.bigEndian, transpose: o?.transpose, what: where };
    drafts.push({ info, ...(c.ordered ? { order: position } : {}), load: () => loadView(view) });
  }
}

function notes(ck: OpenedCheckpoint, file: string): string[] {
  const n: string[] = [];
  if (ck.stateDict.from) n.push(`${path.basename(file)}: weights read from ${ck.stateDict.from} (the other entries of the checkpoint are not weights)`);
  return n;
}

/** Plans a torch.save file, or its bytes. */
export function planPytorch(source: string | Uint8Array, ctx: PlanContext): DraftPlan {
  const file = typeof source === 'string' ? source : '<memory>';
  const ck = openCheckpoint(source);
  const hf = typeof source === 'string' ? readHfConfig(ctx.tree, file) : null;
  const drafts: DraftTensor[] = [];
  const skipped: SkippedTensor[] = [];
  planTensors(ck, { file, source, opts: ctx.opts, orient: orienter(hf), ordered: true }, drafts, skipped);
  return { format: 'pytorch', files: hf ? [file, hf.file] : [file], drafts, skipped, notes: [...notes(ck, file), ...(hf?.notes ?? [])] };
}

/**
 * Plans a sharded checkpoint from pytorch_model.bin.index.json ({ weight_map: { name: shard } }), as
 * transformers' save_pretrained(safe_serialization=False) writes it: each tensor is read from the shard the
 * index names; a shard's other tensors (stale copies, leftovers) are skipped, never read.
 */
export function planPytorchIndex(indexFile: string, json: unknown, ctx: PlanContext): DraftPlan {
  const map = (json as { weight_map?: unknown } | null)?.weight_map;
  if (map === null || typeof map !== 'object' || Array.isArray(map)) throw formatError(indexFile, 'has no weight_map object');
  const weightMap = map as Record<string, unknown>;
  const shards = new Map<string, Set<string>>();
  for (const [name, rel] of Object.entries(weightMap)) {
    const shard = ctx.tree.resolve(rel, indexFile, `weight_map['${name}']`);
    let names = shards.get(shard);
    if (!names) shards.set(shard, (names = new Set()));
    names.add(name);
  }
  if (shards.size === 0) throw formatError(indexFile, 'no tensors in the model (empty weight_map)');
  const hf = readHfConfig(ctx.tree, indexFile);
  const orient = orienter(hf);
  const index = path.basename(indexFile);
  const drafts: DraftTensor[] = [];
  const skipped: SkippedTensor[] = [];
  const allNotes: string[] = [];
  for (const [shard, names] of shards) {
    const ck = openCheckpoint(shard);
    const present = new Set(ck.stateDict.tensors.map((t) => t.name));
    for (const n of names) if (!present.has(n)) throw formatError(shard, `tensor '${n}' listed in ${index} is missing from this shard`);
    const only = (n: string): string | undefined => (names.has(n) ? undefined : SKIP.notInIndex(path.basename(shard), index, weightMap[n]));
    planTensors(ck, { file: shard, source: shard, opts: ctx.opts, orient, only, ordered: false }, drafts, skipped);
    allNotes.push(...notes(ck, shard));
  }
  return { format: 'pytorch', files: [indexFile, ...shards.keys(), ...(hf ? [hf.file] : [])], drafts, skipped, notes: [...allNotes, ...(hf?.notes ?? [])] };
}
