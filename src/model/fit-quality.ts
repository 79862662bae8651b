// analyze()'s 'fit-quality' metric: fitQuality() (fit/quality.ts) on each layer's eigenvalues, with the xmin of
// the layer's own power-law fit, flattened into per-layer columns (JSON pl_vs_tpl_r, ... like WeightWatcher's).
import { fitQuality } from '../fit/quality.js';

/** Per-layer fit-quality columns (R > 0 favours the power law; p: the significance of R's sign). */
export interface FitQualityColumns {
  plVsTplR: number;
  plVsTplP: number;
  plVsLognormalR: number;
  plVsLognormalP: number;
  plVsExponentialR: number;
  plVsExponentialP: number;
  tplAlpha: number;
  tplLambda: number;
  /** Clauset's bootstrap goodness-of-fit p-value (with fitQualityBootstrap > 0). */
  plGofP?: number;
}

export function fitQualityColumns(evals: Float64Array, xmin: number, opts: { bootstrap?: number; seed?: number }): FitQualityColumns | undefined {
  if (!Number.isFinite(xmin)) return undefined;
  const q = fitQuality(evals, { powerLaw: { xmin }, bootstrap: opts.bootstrap ?? 0, seed: opts.seed ?? 0 });
  if (q.status !== 'success') return undefined;
  return {
    plVsTplR: q.vsTruncatedPowerLaw.R,
    plVsTplP: q.vsTruncatedPowerLaw.p,
    plVsLognormalR: q.vsLognormal.R,
    plVsLognormalP: q.vsLognormal.p,
    plVsExponentialR: q.vsExponential.R,
    plVsExponentialP: q.vsExponential.p,
    tplAlpha: q.truncatedPowerLaw.alpha,
    tplLambda: q.truncatedPowerLaw.lambda,
    ...(q.gof ? { plGofP: q.gof.p } : {}),
  };
}
