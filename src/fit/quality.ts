// Fit quality of a power-law tail (Clauset, Shalizi & Newman 2009, as the python `powerlaw` package and
// WeightWatcher's users run it): the power law, truncated power law, lognormal and exponential fitted by
// maximum likelihood on the same tail (xmin from the power-law fit); log-likelihood ratios R = Σ(ℓ_PL − ℓ_alt)
// (R > 0 favours the power law) with Vuong's p-value erfc(|R| / (√(2n)·σ)) (σ: the standard deviation of the
// per-point differences) for the non-nested alternatives, and the nested χ²₁ test p = P(χ²₁ > 2|R|) =
// erfc(√|R|) for power law vs truncated power law; and Clauset's bootstrap goodness-of-fit p-value: the share
// of synthetic data sets (tail drawn from the fitted power law with probability n_tail/n, else resampled
// from the data below xmin), refitted the same way, whose KS distance is at least the data's.
import { fail } from '../errors.js';
import { sortedEvals } from './data.js';
import { fitExponential, fitLognormal, fitTruncatedPowerLaw, powerLawLogLiks, type TailFit } from './alternatives.js';
import { fitPowerLaw, type PowerLawFit, type PowerLawOptions } from './powerlaw.js';
import { erfc } from './special.js';

export interface LikelihoodRatio {
  /** Σ(ℓ_PL − ℓ_alt): > 0 favours the power law, < 0 the alternative. */
  R: number;
  /** The significance of R's sign (small: trust the sign). */
  p: number;
  /** true for the nested χ² test (truncated power law), false for Vuong's. */
  nested: boolean;
}

export interface FitQuality {
  status: 'success' | 'failed';
  reason: string | null;
  alpha: number;
  xmin: number;
  /** Tail size. */
  n: number;
  D: number;
  logLik: { powerLaw: number; truncatedPowerLaw: number; lognormal: number; exponential: number };
  truncatedPowerLaw: { alpha: number; lambda: number };
  lognormal: { mu: number; sigma: number };
  exponential: { lambda: number };
  vsTruncatedPowerLaw: LikelihoodRatio;
  vsLognormal: LikelihoodRatio;
  vsExponential: LikelihoodRatio;
  /** Clauset's bootstrap p-value (with `bootstrap` > 0): large (> 0.1) means a power law is plausible. */
  gof?: { p: number; bootstraps: number; seed: number };
}

export interface FitQualityOptions {
  /** The power-law fit's options (xmin rule, ...), used for the data and every bootstrap sample. */
  powerLaw?: PowerLawOptions;
  /** Bootstrap samples for the goodness-of-fit p-value (0: none, the default; Clauset uses 2500 for ±0.01). */
  bootstrap?: number;
  seed?: number;
}

/** Vuong's test for non-nested models, or the χ²₁ test for nested ones, on per-point log-likelihoods. */
export function likelihoodRatio(l1: Float64Array, l2: Float64Array, nested: boolean): LikelihoodRatio {
  const n = l1.length;
  let R = 0;
  for (let i = 0; i < n; i++) R += l1[i] - l2[i];
  if (nested) return { R, p: erfc(Math.sqrt(Math.abs(R))), nested };
  const mean = R / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (l1[i] - l2[i] - mean) ** 2;
  const sigma = Math.sqrt(v / n);
  return { R, p: sigma > 0 ? erfc(Math.abs(R) / (Math.sqrt(2 * n) * sigma)) : R === 0 ? 1 : 0, nested };
}

/** mulberry32: a small seeded generator, so bootstrap p-values are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

function failed(reason: string, fit?: PowerLawFit): FitQuality {
  const lr = { R: NaN, p: NaN, nested: false };
  return {
    status: 'failed', reason, alpha: fit?.alpha ?? NaN, xmin: fit?.xmin ?? NaN, n: 0, D: fit?.D ?? NaN,
    logLik: { powerLaw: NaN, truncatedPowerLaw: NaN, lognormal: NaN, exponential: NaN },
    truncatedPowerLaw: { alpha: NaN, lambda: NaN }, lognormal: { mu: NaN, sigma: NaN }, exponential: { lambda: NaN },
    vsTruncatedPowerLaw: { ...lr, nested: true }, vsLognormal: lr, vsExponential: lr,
  };
}

/** Fit quality of the power-law tail of `evals` (eigenvalues, any order); see the file comment. */
export function fitQuality(evals: ArrayLike<number>, opts: FitQualityOptions = {}): FitQuality {
  for (const k of Object.keys(opts)) if (!['powerLaw', 'bootstrap', 'seed'].includes(k)) fail('E_OPTION', `fitQuality: unknown option '${k}' (allowed: powerLaw, bootstrap, seed)`);
  const B = opts.bootstrap ?? 0;
  if (!Number.isSafeInteger(B) || B < 0) fail('E_OPTION', 'fitQuality: bootstrap must be an integer >= 0');
  const seed = opts.seed ?? 0;
  if (!Number.isSafeInteger(seed)) fail('E_OPTION', 'fitQuality: seed must be an integer');
  const x = sortedEvals(evals, 'fitQuality');
  const fit = fitPowerLaw(x, opts.powerLaw);
  if (fit.status !== 'success') return failed(`power-law fit failed: ${fit.reason}`, fit);
  const tail = x.filter((v) => v >= fit.xmin && v <= fit.xmax);
  if (tail.length < 3) return failed(`tail of ${tail.length} values: too few to compare fits`, fit);
  const pl: TailFit = powerLawLogLiks(tail, fit.xmin, fit.alpha);
  const tpl = fitTruncatedPowerLaw(tail, fit.xmin, fit.alpha);
  const ln = fitLognormal(tail, fit.xmin);
  const ex = fitExponential(tail, fit.xmin);
  const out: FitQuality = {
    status: 'success', reason: null, alpha: fit.alpha, xmin: fit.xmin, n: tail.length, D: fit.D,
    logLik: { powerLaw: pl.logLik, truncatedPowerLaw: tpl.logLik, lognormal: ln.logLik, exponential: ex.logLik },
    truncatedPowerLaw: { alpha: tpl.alpha, lambda: tpl.lambda },
    lognormal: { mu: ln.mu, sigma: ln.sigma },
    exponential: { lambda: ex.lambda },
    vsTruncatedPowerLaw: likelihoodRatio(pl.logLiks, tpl.logLiks, true),
    vsLognormal: likelihoodRatio(pl.logLiks, ln.logLiks, false),
    vsExponential: likelihoodRatio(pl.logLiks, ex.logLiks, false),
  };
  if (B > 0) {
    // the data the fit saw (above its threshold): the tail, and the rest resampled as it is
    const threshold = opts.powerLaw?.threshold ?? 1e-5;
    const below = x.filter((v) => v > threshold && v < fit.xmin);
    const pos = fit.n;
    const pTail = tail.length / Math.max(pos, tail.length);
    const u = rng(seed);
    let atLeast = 0;
    let done = 0;
    for (let b = 0; b < B; b++) {
      const s = new Float64Array(Math.max(pos, tail.length));
      for (let i = 0; i < s.length; i++) {
        s[i] = below.length === 0 || u() < pTail ? fit.xmin * (1 - u()) ** (-1 / (fit.alpha - 1)) : below[Math.floor(u() * below.length)];
      }
      const f = fitPowerLaw(s, opts.powerLaw);
      if (f.status !== 'success') continue;
      done++;
      if (f.D >= fit.D) atLeast++;
    }
    out.gof = { p: done > 0 ? atLeast / done : NaN, bootstraps: done, seed };
  }
  return out;
}
