// Finishing a reader's plan, the same way for every format:
// - one stored tensor is planned once: drafts with the same `key` (the same bytes of the same file) become
//   one tensor, the other names listed in its `aliases`;
// - names are made unique: a repeated name takes the reader's qualified name (an ONNX subgraph's
//   '<graph path>/<name>') when that is free, else a '#2', '#3', ... suffix, in model order;
// - layer ids: model order is the format's own order where it has one (ONNX graph order, tfjs manifest order),
//   else the order of the names (order.ts), and the plan is sorted by it.
import { SKIP } from './classify.js';
import { compareNameSegments, nameSegments } from './order.js';
import { makeUnique } from './unique.js';
import type { DraftPlan, DraftTensor, ModelPlan, PlannedTensor, ReadOptions } from './types.js';

/** The format's order first; tensors without one after, by name. Ties keep the reader's order (parts of one tensor). */
function byModelOrder(a: Keyed, b: Keyed): number {
  if (a.d.order !== undefined && b.d.order !== undefined) return a.d.order - b.d.order;
  if (a.d.order !== undefined || b.d.order !== undefined) return a.d.order !== undefined ? -1 : 1;
  return compareNameSegments(a.d.info.name, a.segs, b.d.info.name, b.segs);
}

/** A draft with its name split once (a sort compares each name ~log n times). */
interface Keyed {
  d: DraftTensor;
  segs: string[];
}

export function finishPlan(draft: DraftPlan, opts: ReadOptions): ModelPlan {
  // Stable sort (Array.prototype.sort is stable): equal keys keep the reader's order.
  const drafts = draft.drafts
    .map((d): Keyed => ({ d, segs: d.order === undefined ? nameSegments(d.info.name) : [] }))
    .sort(byModelOrder)
    .map((k) => k.d);
  const byKey = new Map<string, { draft: DraftTensor; aliases: string[] }>();
  const kept: { draft: DraftTensor; aliases: string[] }[] = [];
  for (const d of drafts) {
    const first = byKey.get(d.info.key);
    if (first) first.aliases.push(d.info.name);
    else {
      const entry = { draft: d, aliases: [] };
      byKey.set(d.info.key, entry);
      kept.push(entry);
    }
  }
  const names = makeUnique(
    kept.map((k) => k.draft.info.name),
    kept.map((k) => k.draft.qualifiedName),
  );
  const all: PlannedTensor[] = kept.map(({ draft: d, aliases }, layerId) => {
    const name = names[layerId];
    const uniqueAliases = aliases.filter((a) => a !== name);
    return {
      info: {
        ...d.info,
        name,
        layerId,
        ...(uniqueAliases.length > 0 ? { aliases: uniqueAliases } : {}),
        ...(name !== d.info.name && d.info.source.storedName === undefined ? { source: { ...d.info.source, storedName: d.info.name } } : {}),
      },
      load: d.load,
    };
  });
  const skipped = draft.skipped;
  const planned = opts.filter ? [] : all;
  if (opts.filter) {
    for (const p of all) {
      if (opts.filter(p.info)) planned.push(p);
      else skipped.push({ name: p.info.name, reason: SKIP.filtered });
    }
  }
  return { format: draft.format, files: draft.files, planned, skipped, notes: draft.notes ?? [] };
}
