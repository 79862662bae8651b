// How analyze() gets each layer's data: loaded into memory weightscope owns (native, adopted: the layer's
// SVD/Gram calls read it in place, no second snapshot), converted to the analysis precision on the way,
// and read one layer ahead (the next layer's read overlaps the current layer's compute; at most one
// layer is read ahead, so peak memory stays ≈ the layers in flight plus one).
//
// Sources: file tensors come from the native reader (loadRange) already owned; any other array (an
// in-memory list, a tfjs model's data, a reader that decodes in JavaScript) is copied once, by a native
// snapshot, into owned memory.
import type { WeightInput } from '../esd/weights.js';
import { isAdopted, snapshotInSlices, yieldToLoop } from '../linalg/internal.js';
import type { Job } from './jobs.js';

export type Precision = 'float32' | 'float64' | undefined;

/**
 * `W` as owned memory of the wanted precision: as is when it already is, else one native copy, filled a
 * slice at a time with turns of the event loop in between (an in-memory 2048² float32 layer, or a tfjs
 * weight's data(), copied in one go held the loop ~100 ms: its pages are fresh).
 */
export async function owned(W: WeightInput, precision: Precision): Promise<WeightInput> {
  const d = W.data;
  // anything else is left for analyzeMatrix to refuse with its own message
  if (!(d instanceof Float32Array || d instanceof Float64Array) || !Array.isArray(W.shape) || (W.shape as readonly number[]).length === 0) return W;
  if (!W.shape.every((v) => Number.isSafeInteger(v) && v > 0) || W.shape.reduce((a, b) => a * b, 1) !== d.length) return W;
  const same = precision === undefined || (precision === 'float64') === d instanceof Float64Array;
  if (same && isAdopted(d)) return W;
  return { data: await snapshotInSlices(d, precision), shape: W.shape } as WeightInput;
}

/**
 * Loads the jobs' data in order, one ahead: take(i) returns job i's data (started earlier by take(i - 1)
 * when job i was next), and starts reading the next job that `wanted` accepts. A read ahead that is
 * never taken (the analysis stopped) is dropped and its error, if any, ignored.
 */
export class Prefetcher {
  private ahead: { index: number; data: Promise<WeightInput> } | null = null;
  private cursor = 0;

  constructor(
    private readonly jobs: readonly Job[],
    private readonly precision: Precision,
    private readonly wanted: (job: Job) => boolean,
    private readonly signal?: AbortSignal,
  ) {}

  private start(i: number): Promise<WeightInput> {
    const want = { ...(this.precision ? { as: this.precision } : {}), ...(this.signal ? { signal: this.signal } : {}) };
    // The load and the copy (owned) each get their own turn of the event loop: an in-memory source (a
    // list, a tfjs model) copies synchronously and resolves at once, and the copies of this layer and of
    // the one read ahead must not run back to back in one task.
    return yieldToLoop()
      .then(() => this.jobs[i].load(want))
      .then(async (W) => {
        await yieldToLoop();
        return owned(W, this.precision);
      });
  }

  take(i: number): Promise<WeightInput> {
    let p: Promise<WeightInput>;
    if (this.ahead?.index === i) p = this.ahead.data;
    else p = this.start(i);
    this.ahead = null;
    this.cursor = Math.max(this.cursor, i + 1);
    let j = this.cursor;
    while (j < this.jobs.length && !this.wanted(this.jobs[j])) j++;
    if (j < this.jobs.length && !this.signal?.aborted) {
      const data = this.start(j);
      data.catch(() => {}); // observed when taken; unobserved when the analysis stops first
      this.ahead = { index: j, data };
    }
    return p;
  }

  /** Drops the read ahead (the analysis stopped). */
  close(): void {
    this.ahead = null;
  }
}
