// Randomisation and correlation traps (formulas.md §5; WeightWatcher weightwatcher.py 2944-2994 and
// 4038-4083; Prakash & Martin 2025). Shuffling the entries of W destroys its correlations; what survives
// as spikes above the MP bulk of the shuffled matrix are "correlation traps" — a few large entries.
import { toSlices, type WeightOptions, type WeightSlices } from '../../esd/weights.js';
import { fail } from '../../errors.js';
import { fitMarchenkoPastur, type MpFit } from '../../fit/mp.js';
import { mpCdf, mpEdges } from '../../fit/mplaw.js';
import { svdvalsBatch, svdvalsBatchSync, type FloatArray, type Matrix } from '../../linalg/index.js';
import { checkOptions, type BackendOptions } from '../../linalg/options.js';
import { shuffled, xoshiro128 } from './prng.js';

export interface TrapsOptions extends WeightOptions, BackendOptions {
  /** Seed of the shuffles (WW uses numpy's unseeded global generator). Default 0. */
  seed?: number;
  /** Shuffled copies pooled for the MP fit. Default 5 when M < 100, else 1 (WW). */
  shuffles?: number;
  /**
   * The layer's own ESD (all eigenvalues, as esd() returns them) for rand_distance / ww_softrank; computed
   * here when absent.
   */
  evals?: ArrayLike<number>;
}

/** One-sample KS test of the shuffled ESD against the fitted MP law. Our addition, not WW's. */
export interface MpKsTest {
  D: number;
  /** Asymptotic Kolmogorov p-value (with Stephens' small-sample correction). */
  pValue: number;
  n: number;
  note: string;
}

export interface CorrelationTraps {
  /** Eigenvalues of the shuffled matrix above λ₊ + √TW of its MP fit: the correlation-trap count. */
  randNumSpikes: number;
  randSigmaMp: number;
  randMpSoftrank: number;
  randBulkMax: number;
  randBulkMin: number;
  /** Largest eigenvalue of the pooled shuffled ESD. */
  maxRandEval: number;
  /** Jensen–Shannon distance between the sorted eigenvalue vectors of W and of a fresh shuffle. */
  randDistance: number;
  /** max λ_rand / λ_max (fresh shuffle). */
  wwSoftrank: number;
  /** λ_max − max λ_rand (fresh shuffle). */
  wwMaxdist: number;
  /** The pooled shuffled ESD, ascending. */
  randEsd: Float64Array;
  randMpFit: MpFit;
  mpKs: MpKsTest;
  seed: number;
  shuffles: number;
}

const OPTS = ['seed', 'shuffles', 'evals', 'layerType', 'layout', 'conv2dNorm', 'backend'] as const;

interface Job {
  w: WeightSlices;
  mats: Matrix[];
  shuffles: number;
  seed: number;
  given: Float64Array | null;
}

function plan(W: unknown, opts: TrapsOptions | undefined, fn: string): Job {
  const o = checkOptions(opts, OPTS, fn);
  const seed = o.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) fail('E_OPTION', `${fn}: seed must be an integer, got ${String(seed)}`);
  const w = toSlices(W, o, fn);
  const shuffles = o.shuffles ?? (w.M < 100 ? 5 : 1);
  if (!Number.isSafeInteger(shuffles) || shuffles < 1 || shuffles > 100)
    fail('E_OPTION', `${fn}: shuffles must be an integer in 1..100, got ${String(shuffles)}`);
  let given: Float64Array | null = null;
  if (o.evals !== undefined) {
    const e = o.evals;
    if (e === null || typeof e !== 'object' || typeof e.length !== 'number') fail('E_DTYPE', `${fn}: evals must be an array of numbers`);
    given = Float64Array.from(e).sort();
    if (given.length !== w.M * w.rf)
      fail('E_SHAPE', `${fn}: evals has ${given.length} values, the layer has ${w.M * w.rf} eigenvalues`);
    if (given.some((v) => !Number.isFinite(v))) fail('E_NONFINITE', `${fn}: evals contains NaN or Infinity`);
  }
  const rng = xoshiro128(seed);
  const mats: Matrix[] = [];
  // shuffles pooled copies, then one fresh copy for the distance, each slice shuffled on its own (WW).
  for (let r = 0; r <= shuffles; r++) for (const s of w.slices) mats.push({ data: shuffled(s.data, rng), shape: s.shape });
  if (!given) mats.push(...w.slices);
  return { w, mats, shuffles, seed, given };
}

function evalsOf(svals: FloatArray[], scale: number): Float64Array {
  let total = 0;
  for (const s of svals) total += s.length;
  const out = new Float64Array(total);
  let k = 0;
  for (const s of svals) for (const v of s) out[k++] = v * v * scale;
  return out.sort();
}

/** Jensen–Shannon distance (natural log) between two non-negative vectors, each normalised to sum 1. */
export function jensenShannonDistance(p: Float64Array, q: Float64Array): number {
  let sp = 0;
  let sq = 0;
  for (const v of p) sp += v;
  for (const v of q) sq += v;
  let kl = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] / sp;
    const b = q[i] / sq;
    const m = (a + b) / 2;
    if (a > 0) kl += a * Math.log(a / m);
    if (b > 0) kl += b * Math.log(b / m);
  }
  return Math.sqrt(Math.max(kl / 2, 0));
}

/** Kolmogorov distribution tail P(K > λ). */
function kolmogorovQ(lambda: number): number {
  if (lambda <= 0) return 1;
  if (lambda < 1.18) {
    // small λ: the θ-function form converges fast
    let s = 0;
    for (let k = 1; k <= 50; k++) s += Math.exp(-((2 * k - 1) ** 2) * Math.PI ** 2 / (8 * lambda * lambda));
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * s));
  }
  let s = 0;
  for (let k = 1; k <= 100; k++) s += (k % 2 ? 2 : -2) * Math.exp(-2 * k * k * lambda * lambda);
  return Math.min(1, Math.max(0, s));
}

/** KS test of eigenvalues (ascending, rescaled to the MP fit's units) against MP(Q, σ). */
export function mpKsTest(x: Float64Array, Q: number, sigma: number): MpKsTest {
  const note = 'weightscope addition: one-sample KS test of the shuffled ESD against the fitted MP law';
  const n = x.length;
  const { b } = mpEdges(Q, sigma);
  if (!(b > 0) || n === 0) return { D: NaN, pValue: NaN, n, note };
  const F = mpCdf(Q, sigma);
  let D = 0;
  for (let i = 0; i < n; i++) {
    const f = F(x[i]);
    D = Math.max(D, (i + 1) / n - f, f - i / n);
  }
  const sn = Math.sqrt(n);
  return { D, pValue: kolmogorovQ((sn + 0.12 + 0.11 / sn) * D), n, note };
}

function finish(job: Job, svals: FloatArray[]): CorrelationTraps {
  const { w, shuffles } = job;
  const rf = w.rf;
  const pooled = evalsOf(svals.slice(0, shuffles * rf), w.evalScale);
  const fresh = evalsOf(svals.slice(shuffles * rf, (shuffles + 1) * rf), w.evalScale);
  const evals = job.given ?? evalsOf(svals.slice((shuffles + 1) * rf), w.evalScale);
  const mp = fitMarchenkoPastur(pooled, { Q: w.N / w.M, M: w.M });
  const scaled = pooled.map((v) => v * mp.scale);
  const lmax = evals[evals.length - 1];
  const rmax = fresh[fresh.length - 1];
  return {
    randNumSpikes: mp.numSpikes,
    randSigmaMp: mp.sigmaMp,
    randMpSoftrank: mp.mpSoftrank,
    randBulkMax: mp.bulkMax,
    randBulkMin: mp.bulkMin,
    maxRandEval: pooled[pooled.length - 1],
    randDistance: jensenShannonDistance(evals, fresh),
    wwSoftrank: rmax / lmax,
    wwMaxdist: lmax - rmax,
    randEsd: pooled,
    randMpFit: mp,
    mpKs: mp.status === 'success' ? mpKsTest(scaled, w.N / w.M, mp.sigmaMp) : mpKsTest(new Float64Array(0), 1, NaN),
    seed: job.seed,
    shuffles,
  };
}

/** Correlation traps of a dense or conv2d weight (formulas.md §5). Runs on the libuv pool. */
export async function correlationTraps(W: unknown, opts?: TrapsOptions): Promise<CorrelationTraps> {
  return correlationTrapsAs(W, opts, 'correlationTraps');
}

export function correlationTrapsSync(W: unknown, opts?: TrapsOptions): CorrelationTraps {
  return correlationTrapsSyncAs(W, opts, 'correlationTrapsSync');
}

/** The same, with errors naming `fn`, the function the user called (analyzeMatrix). Internal. */
export async function correlationTrapsAs(W: unknown, opts: TrapsOptions | undefined, fn: string): Promise<CorrelationTraps> {
  const job = plan(W, opts, fn);
  return finish(job, await svdvalsBatch(job.mats, { backend: opts?.backend }));
}

export function correlationTrapsSyncAs(W: unknown, opts: TrapsOptions | undefined, fn: string): CorrelationTraps {
  const job = plan(W, opts, fn);
  return finish(job, svdvalsBatchSync(job.mats, { backend: opts?.backend }));
}
