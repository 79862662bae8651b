// FARMS α of a layer (formulas.md §6): the power-law fit (§2) of the FARMS ESD with the preset's xmin
// rule and every eigenvalue kept (threshold 0, as the FARMS code); for conv2d the mean of the per-block α.
import { farmsEsd, farmsEsdSync, type FarmsEsd, type FarmsOptions } from '../../esd/farms.js';
import { fail } from '../../errors.js';
import { fitPowerLaw, type PowerLawFit, type XminRule } from '../../fit/powerlaw.js';

export interface FarmsFitOptions extends FarmsOptions {
  /** Override the preset's xmin rule. */
  xmin?: XminRule;
  /** Eigenvalues ≤ threshold dropped before the fit. Default 0 (FARMS keeps them all). */
  threshold?: number;
  /** Relative accuracy of the eigenvalues (fitPowerLaw's `resolution`). Default: float64's eps. */
  resolution?: number;
}

export interface FarmsFit {
  status: 'success' | 'failed';
  reason: string | null;
  /** Layer α: the fit's α (dense) or the mean of the successful per-block α (conv2d). */
  alpha: number;
  /** D of the fit (dense) or the mean D of the blocks (conv2d). */
  D: number;
  /** Dense: the fit of the concatenated ESD. Conv2d: one fit per block. */
  fits: PowerLawFit[];
  numEigenvalues: number;
  numSubmatrices: number;
  esd: FarmsEsd;
}

interface FitOpts {
  xmin: XminRule | undefined;
  threshold: number;
  resolution: number | undefined;
}

function split(opts: FarmsFitOptions | undefined): [FarmsOptions, FitOpts] {
  if (opts !== undefined && (opts === null || typeof opts !== 'object')) fail('E_OPTION', 'farmsFit: options must be an object');
  const { xmin, threshold, resolution, ...rest } = opts ?? {};
  return [rest, { xmin, threshold: threshold ?? 0, resolution }];
}

function fitAll(e: FarmsEsd, f: FitOpts): FarmsFit {
  const rule = f.xmin ?? e.xmin;
  const fits = (e.blocks ?? [e.evals]).map((v) => fitPowerLaw(v, { xmin: rule, threshold: f.threshold, resolution: f.resolution }));
  const ok = fits.filter((f) => f.status === 'success');
  const mean = (k: 'alpha' | 'D') => ok.reduce((s, f) => s + f[k], 0) / ok.length;
  const base = { fits, numEigenvalues: e.evals.length, numSubmatrices: e.numSubmatrices, esd: e };
  if (ok.length === 0)
    return { ...base, status: 'failed', reason: fits[0]?.reason ?? 'no FARMS blocks (N < M?)', alpha: NaN, D: NaN };
  const reason = ok.length < fits.length ? `${fits.length - ok.length} of ${fits.length} block fits failed and are left out of the mean` : null;
  return { ...base, status: 'success', reason, alpha: mean('alpha'), D: mean('D') };
}

export async function farmsFit(W: unknown, opts?: FarmsFitOptions): Promise<FarmsFit> {
  const [o, f] = split(opts);
  return fitAll(await farmsEsd(W as never, o), f);
}

export function farmsFitSync(W: unknown, opts?: FarmsFitOptions): FarmsFit {
  const [o, f] = split(opts);
  return fitAll(farmsEsdSync(W as never, o), f);
}
