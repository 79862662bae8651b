// A recognised quantized weight as a reader's draft: yielded dequantized, (out, in), with its scheme in
// source.quantScheme and its side tensors in source.quantParts; or skipped "quantized (<scheme>)" when there
// is no dequantizer for it. Its side tensors are listed as skipped by the reader, never analysed.
import { classifyByName, finalSkip } from '../classify.js';
import type { ConvLayout, DraftTensor, ReadOptions, TensorSource, WeightKind } from '../types.js';
import { quantizedReason, type QuantWeight } from './kernel.js';
import { loadQuantized } from './load.js';

export function quantDraft(
  w: QuantWeight,
  key: string,
  source: TensorSource,
  opts: ReadOptions,
  extra?: Pick<DraftTensor, 'order' | 'qualifiedName'> & { kind?: WeightKind; layout?: ConvLayout; shape?: number[]; orientation?: string },
): { draft?: DraftTensor; skip?: string } {
  if (!w.kernel) return { skip: quantizedReason(w) };
  const kind = extra?.kind ?? classifyByName(w.name, w.shape, 'oihw').kind;
  const shape = extra?.shape ?? [...w.shape];
  const info = {
    name: w.name,
    key,
    dtype: w.dtype,
    shape,
    kind,
    ...(extra?.layout ? { layout: extra.layout } : {}),
    ...(shape.length === 2 ? { orientation: `${extra?.orientation ? `${extra.orientation}, ` : ''}(out, in) as dequantized (${w.scheme})` } : {}),
    source: {
      ...source,
      quantScheme: w.scheme,
      quantParts: w.side.map((s) => s.name),
      ...(w.storedName !== w.name ? { storedName: w.storedName } : {}),
      transform: `dequantized (${w.scheme})`,
    },
  };
  const reason = finalSkip(info, 4, opts);
  if (reason) return { skip: reason };
  const order = extra?.order;
  const qualifiedName = extra?.qualifiedName;
  return { draft: { info, load: () => loadQuantized(w), ...(order !== undefined ? { order } : {}), ...(qualifiedName ? { qualifiedName } : {}) } };
}
