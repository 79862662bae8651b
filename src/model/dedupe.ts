// One weight stored twice is analysed once. Exporters copy a weight into each subgraph that uses it (Silero
// VAD's If branches hold byte-identical LSTM weights under different names), and hand-written checkpoints can
// store tied weights twice; counting both would weigh that weight twice in every model mean. Tensors whose
// analysed data is identical (same values, shape, kind and layout, so the same spectrum) are one weight: the
// first in model order is analysed, the others are listed as its aliases.
import { createHash } from 'node:crypto';
import type { WeightInput } from '../esd/weights.js';

/** A digest of everything the analysis of a weight depends on: its values, shape, kind and layout. */
export function contentKey(W: WeightInput, kind: string, layout: string | undefined): string {
  const d = W.data;
  const h = createHash('sha256');
  h.update(`${d instanceof Float64Array ? 'f64' : 'f32'}|${W.shape.join('x')}|${kind}|${layout ?? ''}|`);
  h.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  return h.digest('hex');
}

/** The skip reason of a copy whose original was not analysed (analyze() and the merge of parts say the same). */
export function sameDataReason(first: string): string {
  return `the same data as '${first}' (analysed once; see its entry)`;
}
