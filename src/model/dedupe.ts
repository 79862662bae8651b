// One weight stored twice is analysed once. Exporters copy a weight into each subgraph that uses it (Silero
// VAD's If branches hold byte-identical LSTM weights under different names), and hand-written checkpoints can
// store tied weights twice; counting both would weigh that weight twice in every model mean. Tensors whose
// analysed data is identical (same values, shape, kind and layout, so the same spectrum) are one weight: the
// first in model order is analysed, the others are listed as its aliases.
import type { WeightInput } from '../esd/weights.js';
import { contentDigest } from '../linalg/internal.js';

/**
 * A key of everything the analysis of a weight depends on: its values (a 128-bit digest of the analysed
 * data, native/core/digest.h), shape, kind and layout. The digest runs as a native I/O job, off the event
 * loop and beside the previous layer's LAPACK work (SHA-256 on the main thread cost ~17 ms a 768×3072
 * float64 layer, a fifth of the whole analysis through the Gram route). Not cryptographic, and need not be:
 * a checkpoint's author controls its values anyway, and unrelated tensors collide with probability ~2^-128.
 */
let unkeyed = 0;

export async function contentKey(W: WeightInput, kind: string, layout: string | undefined): Promise<string> {
  const d = W.data;
  // not a typed array: no key of its content (analyzeMatrix refuses it with its own message)
  if (!ArrayBuffer.isView(d)) return `unkeyed|${++unkeyed}`;
  const digest = await contentDigest(d);
  return `${d instanceof Float64Array ? 'f64' : 'f32'}|${W.shape.join('x')}|${kind}|${layout ?? ''}|${digest}`;
}

/** The skip reason of a copy whose original was not analysed (analyze() and the merge of parts say the same). */
export function sameDataReason(first: string): string {
  return `the same data as '${first}' (analysed once; see its entry)`;
}
