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

/**
 * Which layer holds each content key, claimed in model order. Layers run side by side and their digests
 * finish in any order; so that "the first in model order" is analysed whatever the timing, layer i looks a
 * key up only once every layer before it has claimed its key or passed (`pass`: no key, or done).
 */
export class Seen<T = unknown> {
  private readonly byKey = new Map<string, { name: string; result: T }>();
  private readonly turns: { done: Promise<void>; open: () => void }[];

  constructor(count: number) {
    this.turns = Array.from({ length: count }, () => {
      let open!: () => void;
      const done = new Promise<void>((resolve) => (open = resolve));
      return { done, open };
    });
  }

  /** The layer before `i` that holds `key`, once every layer before `i` has had its turn. */
  async firstOf(i: number, key: string): Promise<{ name: string; result: T } | undefined> {
    if (i > 0) await this.turns[i - 1].done;
    const first = this.byKey.get(key);
    if (first) this.pass(i);
    return first;
  }

  /** Layer `i` holds `key` (after firstOf(i, key) found none); the next layer may look. */
  claim(i: number, key: string, entry: { name: string; result: T }): void {
    this.byKey.set(key, entry);
    this.pass(i);
  }

  /** Layer `i` claims no key (skipped, failed, or a copy); idempotent. Waits on layer i-1 so turns stay ordered. */
  pass(i: number): void {
    const t = this.turns[i];
    if (i === 0) t.open();
    else void this.turns[i - 1].done.then(t.open);
  }
}
