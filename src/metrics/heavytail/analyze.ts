// analyzeMatrix: one weight -> one LayerReport with every per-layer metric of formulas.md §1-§6, in
// WeightWatcher's order: ESD, power-law fit, norm metrics, MP fit, randomisation, (FARMS α).
import { esdAs, esdSyncAs, type EsdOptions, type EsdResult, type EsdRun } from '../../esd/esd.js';
import type { FarmsPreset } from '../../esd/farms.js';
import { gramUncertainty } from '../../esd/gram-bound.js';
import type { WeightInput } from '../../esd/weights.js';
import { fail, WeightscopeError } from '../../errors.js';
import { eigenvalueResolution, rankDtype, STORED_DTYPES } from '../../esd/resolution.js';
import { fitMarchenkoPastur, type MpFit } from '../../fit/mp.js';
import { fitPowerLaw, type PowerLawOptions } from '../../fit/powerlaw.js';
import { checkOptions } from '../../linalg/options.js';
import { yieldToLoop } from '../../linalg/internal.js';
import { farmsFit, farmsFitSync, type FarmsFit, type FarmsFitOptions } from './farms.js';
import { matrixRank, normMetrics } from './norms.js';
import { withJSON, type LayerReport } from './report.js';
import { correlationTrapsAs, correlationTrapsSyncAs, type CorrelationTraps } from './traps.js';

export interface AnalyzeOptions extends EsdOptions, Omit<PowerLawOptions, 'threshold'> {
  /** Layer name in the report. */
  name?: string;
  /** Marchenko–Pastur fit (§4). Default true (no extra SVD). */
  mpFit?: boolean;
  /** Randomisation / correlation traps (§5): 2-6 more SVDs. Default false, as WW's analyze(). */
  randomize?: boolean;
  seed?: number;
  shuffles?: number;
  /** FARMS α (§6) with a preset or full options. Default false. */
  farms?: false | FarmsPreset | FarmsFitOptions;
  /**
   * Attach the layer's eigenvalues (ascending, all of them) as `report.esd`, for plots and rank metrics.
   * Not enumerable, so JSON output stays WeightWatcher's columns. Default false.
   */
  keepEsd?: boolean;
  /**
   * The dtype the weights were stored in, when they were widened before this call ('float16', 'bfloat16',
   * 'float32', 'uint8', ...). It bounds how well the eigenvalues are known (esd/resolution.ts), below which a
   * tail is not fitted. Default: the dtype of `W.data`.
   */
  storedDtype?: string;
}

const ESD_KEYS = ['layerType', 'layout', 'conv2dNorm', 'minEvals', 'maxEvals', 'maxN', 'normalize', 'threshold', 'preset', 'method', 'backend'] as const;
const PL_KEYS = ['xmin', 'xminPos', 'fixFingers', 'maxFingers', 'fingerThresh'] as const;
const OPTS = [...ESD_KEYS, ...PL_KEYS, 'name', 'mpFit', 'randomize', 'seed', 'shuffles', 'farms', 'keepEsd', 'storedDtype'] as const;

interface Parsed {
  name: string;
  esdOpts: EsdOptions;
  plOpts: PowerLawOptions;
  mpFit: boolean;
  randomize: boolean;
  seed: number | undefined;
  shuffles: number | undefined;
  farms: FarmsFitOptions | null;
  keepEsd: boolean;
  storedDtype: string | undefined;
}

function pick<T extends object>(o: Record<string, unknown>, keys: readonly string[]): T {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out as T;
}

function parse(opts: AnalyzeOptions | undefined, fn: string): Parsed {
  const o = checkOptions(opts, OPTS, fn) as Record<string, unknown>;
  const bool = (k: string, d: boolean): boolean => {
    const v = o[k] ?? d;
    if (typeof v !== 'boolean') fail('E_OPTION', `${fn}: ${k} must be a boolean`);
    return v;
  };
  const name = o.name ?? '';
  if (typeof name !== 'string') fail('E_OPTION', `${fn}: name must be a string`);
  const f = o.farms ?? false;
  let farms: FarmsFitOptions | null = null;
  if (typeof f === 'string') farms = { preset: f as FarmsPreset };
  else if (f !== false) {
    if (f === null || typeof f !== 'object') fail('E_OPTION', `${fn}: farms must be false, a preset name or FARMS options`);
    farms = f as FarmsFitOptions;
  }
  if (o.normalize === 'N' && o.randomize === true)
    fail('E_OPTION', `${fn}: randomize with normalize 'N' is not supported (the shuffled ESD is unnormalised)`);
  return {
    name,
    esdOpts: pick<EsdOptions>(o, ESD_KEYS),
    plOpts: pick<PowerLawOptions>(o, PL_KEYS),
    mpFit: bool('mpFit', true),
    randomize: bool('randomize', false),
    seed: o.seed as number | undefined,
    shuffles: o.shuffles as number | undefined,
    farms,
    keepEsd: bool('keepEsd', false),
    storedDtype: storedDtype(o.storedDtype, fn),
  };
}

function storedDtype(v: unknown, fn: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !STORED_DTYPES.includes(v))
    fail('E_OPTION', `${fn}: storedDtype must be one of ${STORED_DTYPES.join(', ')}, got ${JSON.stringify(v)}`);
  return v;
}

const EPS = { float32: 2 ** -23, float64: 2 ** -52 } as const;

/** The MP numbers of a fit that is a measurement; NaN (with its status and reason) otherwise. */
function mpColumns(mp: MpFit) {
  const ok = mp.status === 'success';
  return {
    mpStatus: mp.status,
    mpReason: mp.reason,
    numSpikes: ok ? mp.numSpikes : NaN,
    sigmaMp: ok ? mp.sigmaMp : NaN,
    mpSoftrank: ok ? mp.mpSoftrank : NaN,
    bulkMin: ok ? mp.bulkMin : NaN,
    bulkMax: ok ? mp.bulkMax : NaN,
    wScale: Math.sqrt(mp.scale),
  };
}

function trapColumns(t: CorrelationTraps) {
  const ok = t.randMpFit.status === 'success';
  return {
    randMpStatus: t.randMpFit.status,
    randNumSpikes: ok ? t.randNumSpikes : NaN,
    randSigmaMp: ok ? t.randSigmaMp : NaN,
    randMpSoftrank: ok ? t.randMpSoftrank : NaN,
    randBulkMin: ok ? t.randBulkMin : NaN,
    randBulkMax: ok ? t.randBulkMax : NaN,
    maxRandEval: t.maxRandEval,
    randDistance: t.randDistance,
    wwSoftrank: t.wwSoftrank,
    wwMaxdist: t.wwMaxdist,
    randMpKsD: ok ? t.mpKs.D : NaN,
    randMpKsPvalue: ok ? t.mpKs.pValue : NaN,
  };
}

/** The fits of one ESD, computed apart so the async path can yield to the event loop between them. */
interface Fits {
  fit: ReturnType<typeof fitPowerLaw>;
  mp: MpFit | null;
}

function powerLawOf(p: Parsed, e: EsdResult): Fits['fit'] {
  return fitPowerLaw(e.evals, { ...p.plOpts, threshold: e.threshold, resolution: resolutionOf(p, e) });
}

function mpOf(p: Parsed, e: EsdResult): MpFit | null {
  return p.mpFit ? fitMarchenkoPastur(e.evals, { Q: e.Q, M: e.M }) : null;
}

/** The fits with a yield before each: each is a few ms of JavaScript on a 2048-eigenvalue ESD. */
async function fitsAsync(p: Parsed, e: EsdResult): Promise<Fits | null> {
  if (e.skipped) return null;
  await yieldToLoop();
  const fit = powerLawOf(p, e);
  await yieldToLoop();
  const mp = mpOf(p, e);
  await yieldToLoop();
  return { fit, mp };
}

function build(p: Parsed, e: EsdResult, traps: CorrelationTraps | null, farms: FarmsFit | null, fits?: Fits | null): LayerReport {
  const r = buildReport(p, e, traps, farms, fits ?? (e.skipped ? null : { fit: powerLawOf(p, e), mp: mpOf(p, e) }));
  if (p.keepEsd && !e.skipped) Object.defineProperty(r, 'esd', { value: e.evals, enumerable: false });
  if (p.keepEsd && traps) Object.defineProperty(r, 'randEsd', { value: traps.randEsd, enumerable: false });
  return r;
}

function buildReport(p: Parsed, e: EsdResult, traps: CorrelationTraps | null, farms: FarmsFit | null, fits: Fits | null): LayerReport {
  const base = {
    name: p.name,
    layerType: e.layerType,
    shape: e.shape,
    N: e.N,
    M: e.M,
    Q: e.Q,
    rf: e.rf,
    route: e.route,
    dtype: e.dtype,
  };
  const nan = {
    numEvals: 0, hasEsd: false, svMax: NaN, svMin: NaN, rankLoss: NaN, weakRankLoss: NaN, lambdaMax: NaN,
    alpha: NaN, alphaWeighted: NaN, D: NaN, xmin: NaN, xmax: NaN, sigma: NaN, numPlSpikes: NaN, warning: '' as const,
    xminRule: '', numFingers: NaN, rawAlpha: NaN, norm: NaN, logNorm: NaN, spectralNorm: NaN, logSpectralNorm: NaN,
    logAlphaNorm: NaN, stableRank: NaN, matrixRank: NaN, entropy: NaN, detXNum: NaN, detXVal: NaN, numSpikes: NaN,
    sigmaMp: NaN, mpSoftrank: NaN, bulkMin: NaN, bulkMax: NaN, wScale: NaN, randNumSpikes: NaN, randSigmaMp: NaN,
    randMpSoftrank: NaN, randBulkMin: NaN, randBulkMax: NaN, maxRandEval: NaN, randDistance: NaN, wwSoftrank: NaN,
    wwMaxdist: NaN, randMpKsD: NaN, randMpKsPvalue: NaN, farmsAlpha: NaN, farmsD: NaN,
    mpStatus: null, mpReason: null, randMpStatus: null,
  };
  if (e.skipped || !fits) return withJSON({ ...base, ...nan, status: 'skipped', reason: e.skipped });
  const eps = EPS[rankDtype(e.dtype, p.storedDtype)];
  const { fit, mp } = fits;
  const norms = normMetrics(e.evals, fit.alpha, e.N, eps);
  let svMax = 0;
  let svMin = 0;
  let rankLoss = 0;
  for (const sv of e.sliceSvals) {
    svMax = Math.max(svMax, sv[0]);
    svMin = Math.max(svMin, sv[sv.length - 1]); // WW keeps the max over slices of each slice's min
    rankLoss += sv.length - matrixRank(sv, e.N, eps);
  }
  let weak = 0;
  for (const v of e.evals) if (v < 1e-6) weak++;
  return withJSON({
    ...base,
    ...nan,
    status: fit.status,
    reason: fit.reason,
    numEvals: e.evals.length,
    hasEsd: true,
    svMax,
    svMin,
    rankLoss,
    weakRankLoss: weak,
    lambdaMax: norms.spectralNorm,
    alpha: fit.alpha,
    alphaWeighted: norms.alphaWeighted,
    D: fit.D,
    xmin: fit.xmin,
    xmax: fit.xmax,
    sigma: fit.sigma,
    numPlSpikes: fit.numPlSpikes,
    warning: fit.warning,
    xminRule: fit.xminRule,
    numFingers: p.plOpts.fixFingers === 'clip_xmax' ? fit.numFingers : NaN,
    rawAlpha: fit.rawAlpha,
    norm: norms.norm,
    logNorm: norms.logNorm,
    spectralNorm: norms.spectralNorm,
    logSpectralNorm: norms.logSpectralNorm,
    logAlphaNorm: norms.logAlphaNorm,
    stableRank: norms.stableRank,
    matrixRank: norms.matrixRank,
    entropy: norms.entropy,
    detXNum: norms.detXNum,
    detXVal: norms.detXVal,
    ...(mp && mpColumns(mp)),
    ...(traps && trapColumns(traps)),
    ...(farms && { farmsAlpha: farms.alpha, farmsD: farms.D }),
  });
}

/**
 * The Gram route's rule (esd/gram-bound.ts): a layer whose small-eigenvalue counts (matrix rank, the fit
 * threshold, the weak rank) the Gram route's error bound cannot decide is recomputed by gesdd, so those
 * numbers always equal the gesdd route's; `route` then says 'gesdd'.
 */
function needsGesdd(p: Parsed, e: EsdResult): boolean {
  return e.route === 'gram' && !e.skipped && gramUncertainty(e, EPS[e.dtype], EPS[rankDtype(e.dtype, p.storedDtype)]) !== null;
}

/**
 * The Gram route refused the layer as non-finite (σ² past its range after scaling, or NaN/Inf input):
 * gesdd then gives the answer, or the error, every method would (a NaN layer is refused again there).
 */
function outOfGramRange(p: Parsed, err: unknown): boolean {
  return p.esdOpts.method === 'gram' && err instanceof WeightscopeError && err.code === 'E_NONFINITE';
}

/** How well this ESD's eigenvalues are known (relative to λ_max), for the power-law fits. */
function resolutionOf(p: Parsed, e: EsdResult): number {
  return eigenvalueResolution(e.dtype, p.storedDtype, e.route);
}

function farmsOpts(p: Parsed, e: EsdResult): FarmsFitOptions {
  return { layerType: p.esdOpts.layerType, layout: p.esdOpts.layout, backend: p.esdOpts.backend, resolution: resolutionOf(p, { ...e, route: 'gesdd' }), ...p.farms };
}

function trapsOpts(p: Parsed, e: EsdResult) {
  return {
    seed: p.seed,
    shuffles: p.shuffles,
    evals: e.evals,
    layerType: p.esdOpts.layerType,
    layout: p.esdOpts.layout,
    conv2dNorm: p.esdOpts.conv2dNorm,
    backend: p.esdOpts.backend,
  };
}

/**
 * Every per-layer heavy-tail metric of one weight (2-D, or 4-D conv2d), float32 or float64. A layer
 * outside the size limits comes back with status 'skipped' and the reason; a failed power-law fit with
 * status 'failed' and the reason. Runs its SVDs on the libuv pool.
 */
export async function analyzeMatrix(W: WeightInput, opts?: AnalyzeOptions): Promise<LayerReport> {
  return analyzeMatrixIn(W, opts, {});
}

/** analyzeMatrix() whose ESD calls run as `run` says (analyze(): shared, one layer per slot). Internal. */
export async function analyzeMatrixIn(W: WeightInput, opts: AnalyzeOptions | undefined, run: EsdRun): Promise<LayerReport> {
  const p = parse(opts, 'analyzeMatrix');
  const gesdd = () => esdAs(W, { ...p.esdOpts, method: 'gesdd' }, 'analyzeMatrix', run);
  let e = await esdAs(W, p.esdOpts, 'analyzeMatrix', run).catch((err: unknown) => (outOfGramRange(p, err) ? gesdd() : Promise.reject(err)));
  if (needsGesdd(p, e)) e = await gesdd();
  if (e.skipped) return build(p, e, null, null);
  const traps = p.randomize ? await correlationTrapsAs(W, trapsOpts(p, e), 'analyzeMatrix') : null;
  const farms = p.farms ? await farmsFit(W, farmsOpts(p, e)) : null;
  return build(p, e, traps, farms, await fitsAsync(p, e));
}

/** Synchronous analyzeMatrix(): blocks the event loop for the SVDs. */
export function analyzeMatrixSync(W: WeightInput, opts?: AnalyzeOptions): LayerReport {
  const p = parse(opts, 'analyzeMatrixSync');
  const gesdd = () => esdSyncAs(W, { ...p.esdOpts, method: 'gesdd' }, 'analyzeMatrixSync');
  let e: EsdResult;
  try {
    e = esdSyncAs(W, p.esdOpts, 'analyzeMatrixSync');
  } catch (err) {
    if (!outOfGramRange(p, err)) throw err;
    e = gesdd();
  }
  if (needsGesdd(p, e)) e = gesdd();
  if (e.skipped) return build(p, e, null, null);
  const traps = p.randomize ? correlationTrapsSyncAs(W, trapsOpts(p, e), 'analyzeMatrixSync') : null;
  const farms = p.farms ? farmsFitSync(W, farmsOpts(p, e)) : null;
  return build(p, e, traps, farms);
}
