// A model.fit callback that tracks the weights' spectra during training. At every N-th epoch (or batch) end it
// takes a snapshot (snapshot.ts: every read requested before the hook returns, so all weights come from that
// step) and returns at once: the analysis runs on the native threads while training goes on, records are made
// in step order, and done() waits for them. tfjs passes no model to callback hooks, so it is given here.
import { fail } from '../errors.js';
import { Tracker, type TrackerOptions, type TrackRecord } from '../workflows/tracker.js';
import { snapshotModel, type TfModelLike } from './snapshot.js';

export interface FitTrackerOptions extends TrackerOptions {
  /** Analyse every N epochs (or batches). Default 1. */
  every?: number;
  /** What `every` counts. Default 'epoch'. */
  unit?: 'epoch' | 'batch';
  /** Also record the initial weights (step 0) at onTrainBegin. Default false. */
  atStart?: boolean;
  /**
   * Snapshots waiting for analysis at most; past it a step is not recorded (counted in `dropped`) rather than
   * holding more copies of the weights. Default 4.
   */
  maxPending?: number;
  /** Records into this tracker instead of a new one (the tracker options are then ignored). */
  tracker?: Tracker;
}

/** What trackFit returns: pass it in model.fit's callbacks. */
export interface FitTracker {
  onTrainBegin: (logs?: unknown) => void;
  onEpochEnd: (epoch: number, logs?: Record<string, number>) => void;
  onBatchEnd: (batch: number, logs?: Record<string, number>) => void;
  readonly tracker: Tracker;
  /** The records made so far (the tracker's history). */
  readonly history: TrackRecord[];
  /** Steps not recorded because maxPending snapshots were waiting. */
  readonly dropped: number[];
  /** Snapshots taken but not yet recorded. */
  readonly pending: number;
  /** Resolves when every snapshot taken is recorded; rejects with the first analysis error. */
  done(): Promise<TrackRecord[]>;
}

const OWN = ['every', 'unit', 'atStart', 'maxPending', 'tracker'];

export function trackFit(model: TfModelLike, opts: FitTrackerOptions = {}): FitTracker {
  if (!model || typeof model !== 'object' || !Array.isArray((model as TfModelLike).layers)) fail('E_OPTION', 'trackFit: model must be a tfjs LayersModel');
  const every = opts.every ?? 1;
  if (!Number.isSafeInteger(every) || every < 1) fail('E_OPTION', 'trackFit: every must be a positive integer');
  const unit = opts.unit ?? 'epoch';
  if (unit !== 'epoch' && unit !== 'batch') fail('E_OPTION', "trackFit: unit must be 'epoch' or 'batch'");
  const maxPending = opts.maxPending ?? 4;
  if (!Number.isSafeInteger(maxPending) || maxPending < 1) fail('E_OPTION', 'trackFit: maxPending must be a positive integer');
  const trackerOpts: TrackerOptions = {};
  for (const [k, v] of Object.entries(opts)) if (!OWN.includes(k)) (trackerOpts as Record<string, unknown>)[k] = v;
  const tracker = opts.tracker ?? new Tracker(trackerOpts);
  let chain: Promise<unknown> = Promise.resolve();
  let error: unknown;
  let pending = 0;
  let batches = 0;
  let epoch = 0;
  const dropped: number[] = [];

  const take = (step: number, meta: Record<string, unknown>) => {
    if (pending >= maxPending) return void dropped.push(step);
    pending++;
    const snap = snapshotModel(model); // reads requested now, before training resumes
    chain = chain.then(async () => {
      try {
        const s = await snap;
        if (error === undefined) await tracker.record(step, s.weights, { meta });
      } catch (e) {
        error ??= e;
      } finally {
        pending--;
      }
    });
  };

  return {
    onTrainBegin: () => {
      if (opts.atStart) take(0, { epoch: 0, batch: 0 });
    },
    onEpochEnd: (e, logs) => {
      epoch = e + 1;
      if (unit === 'epoch' && epoch % every === 0) take(epoch, { epoch, ...(logs ? { logs: { ...logs } } : {}) });
    },
    onBatchEnd: (b, logs) => {
      batches++;
      if (unit === 'batch' && batches % every === 0) take(batches, { epoch, batch: b, ...(logs ? { logs: { ...logs } } : {}) });
    },
    tracker,
    history: tracker.history,
    dropped,
    get pending() {
      return pending;
    },
    async done() {
      // a hook may add to the chain while it runs: wait until it is stable
      for (let c = chain; ; c = chain) {
        await c;
        if (c === chain) break;
      }
      if (error !== undefined) throw error;
      return tracker.history;
    },
  };
}
