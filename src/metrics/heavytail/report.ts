// The per-layer report: every per-layer column of WeightWatcher's details() (formulas.md §2-§5).
// In TypeScript the fields are camelCase; JSON.stringify(report) writes WW's snake_case column names
// (alpha_weighted, num_pl_spikes, detX_num, ...) with NaN (not computed / failed) written as null.
import { fail } from '../../errors.js';
import type { FitWarning } from '../../fit/powerlaw.js';

export interface LayerReport {
  name: string;
  /** 'success'; 'failed' when the power-law fit failed (see reason); 'skipped' by the size limits. */
  status: 'success' | 'failed' | 'skipped';
  reason: string | null;
  layerType: string;
  shape: number[];
  N: number;
  M: number;
  Q: number;
  rf: number;
  numEvals: number;
  hasEsd: boolean;
  svMax: number;
  svMin: number;
  rankLoss: number;
  weakRankLoss: number;
  lambdaMax: number;
  // power law (§2)
  alpha: number;
  alphaWeighted: number;
  D: number;
  xmin: number;
  xmax: number;
  sigma: number;
  numPlSpikes: number;
  warning: FitWarning;
  xminRule: string;
  numFingers: number;
  rawAlpha: number;
  // norms (§3)
  norm: number;
  logNorm: number;
  spectralNorm: number;
  logSpectralNorm: number;
  logAlphaNorm: number;
  stableRank: number;
  matrixRank: number;
  entropy: number;
  detXNum: number;
  detXVal: number;
  // Marchenko–Pastur (§4): the σ-dependent numbers are NaN unless mpStatus is 'success' (see MpFit.status)
  mpStatus: 'success' | 'failed' | 'at-bound' | null;
  mpReason: string | null;
  numSpikes: number;
  sigmaMp: number;
  mpSoftrank: number;
  bulkMin: number;
  bulkMax: number;
  wScale: number;
  // randomisation (§5): the MP numbers of the shuffled ESD are NaN unless randMpStatus is 'success'
  randMpStatus: 'success' | 'failed' | 'at-bound' | null;
  randNumSpikes: number;
  randSigmaMp: number;
  randMpSoftrank: number;
  randBulkMin: number;
  randBulkMax: number;
  maxRandEval: number;
  randDistance: number;
  wwSoftrank: number;
  wwMaxdist: number;
  randMpKsD: number;
  randMpKsPvalue: number;
  // FARMS (§6)
  farmsAlpha: number;
  farmsD: number;
  /** The layer's eigenvalues (ascending), only with analyzeMatrix's keepEsd; not enumerable. */
  esd?: Float64Array;
  /** The shuffled W's eigenvalues (ascending) when traps ran, only with keepEsd; not enumerable. */
  randEsd?: Float64Array;
  /** Eigenvalue route and dtype, for provenance. */
  route: string;
  dtype: string;
}

/** camelCase field -> WW column name, where they differ by more than case. */
const NAMES: Record<string, string> = {
  detXNum: 'detX_num',
  detXVal: 'detX_val',
  wScale: 'W_scale',
  randMpKsD: 'rand_mp_ks_D',
  randMpKsPvalue: 'rand_mp_ks_pvalue',
  farmsD: 'farms_D',
  N: 'N',
  M: 'M',
  Q: 'Q',
  D: 'D',
};

export function snakeCase(key: string): string {
  if (typeof key !== 'string') fail('E_DTYPE', `snakeCase: key must be a string, got ${typeof key}`);
  return NAMES[key] ?? key.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
}

/** The report as WW-style JSON: snake_case keys, NaN -> null. */
export function layerReportToJSON(r: LayerReport): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) out[snakeCase(k)] = typeof v === 'number' && Number.isNaN(v) ? null : v;
  return out;
}

/** Attaches a non-enumerable toJSON so JSON.stringify(report) gives the snake_case form. */
export function withJSON<T extends LayerReport>(r: T): T {
  Object.defineProperty(r, 'toJSON', { value: () => layerReportToJSON(r), enumerable: false });
  return r;
}
