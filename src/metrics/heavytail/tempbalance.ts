// TempBalance: per-layer learning rates from α (formulas.md §7; YG tempbalance.py 329-353).
import { fail } from '../../errors.js';
import { checkOptions } from '../../linalg/options.js';
import { checkLayers, checkPositive } from './layerwise-input.js';

export interface TempBalanceLayer {
  name?: string;
  alpha: number;
  /** Eigenvalues in the layer's ESD (layers with fewer than minEvals keep the base lr). */
  numEvals: number;
}

export interface TempBalanceOptions {
  /** lr range [lrMinRatio·lr, lrMaxRatio·lr]. Defaults 0.5 and 1.5. */
  lrMinRatio?: number;
  lrMaxRatio?: number;
  /** Leave the first / last layer at the base lr. Defaults true (TempBalance). */
  removeFirst?: boolean;
  removeLast?: boolean;
  /** Layers with fewer eigenvalues keep the base lr. Default 50. */
  minEvals?: number;
}

export interface LayerLr {
  name: string;
  alpha: number;
  lr: number;
  /** False for layers left at the base lr; `reason` says why. */
  tuned: boolean;
  reason: string | null;
}

/**
 * lr_l = interp(α_l, [min α, max α], [lrMinRatio·lr, lrMaxRatio·lr]) over the tuned layers (higher α ->
 * higher lr). Edge cases: a layer with a non-finite α (failed fit) keeps lr; when the tuned layers' α are
 * all equal — including a single tuned layer — there is no spread to map, and numpy.interp would give them
 * all the top of the range; we give them lr instead.
 */
export function tempBalance(layers: readonly TempBalanceLayer[], lr: number, opts?: TempBalanceOptions): LayerLr[] {
  const fn = 'tempBalance';
  const ls = checkLayers<TempBalanceLayer>(layers, fn);
  checkPositive(lr, 'lr', fn);
  const o = checkOptions(opts, ['lrMinRatio', 'lrMaxRatio', 'removeFirst', 'removeLast', 'minEvals'], fn);
  const lo = checkPositive(o.lrMinRatio ?? 0.5, 'lrMinRatio', fn);
  const hi = checkPositive(o.lrMaxRatio ?? 1.5, 'lrMaxRatio', fn);
  if (lo > hi) fail('E_OPTION', `${fn}: lrMinRatio (${lo}) must not exceed lrMaxRatio (${hi})`);
  const minEvals = o.minEvals ?? 50;
  if (typeof minEvals !== 'number' || !(minEvals >= 0)) fail('E_OPTION', `${fn}: minEvals must be a number >= 0`);
  const out: LayerLr[] = ls.map((l, i) => {
    let reason: string | null = null;
    if (i === 0 && (o.removeFirst ?? true)) reason = 'first layer (removeFirst)';
    else if (i === ls.length - 1 && (o.removeLast ?? true)) reason = 'last layer (removeLast)';
    else if (!(l.numEvals >= minEvals)) reason = `${l.numEvals} eigenvalues < minEvals = ${minEvals}`;
    else if (!Number.isFinite(l.alpha)) reason = 'alpha is not a number (failed fit)';
    return { name: l.name ?? `layer ${i}`, alpha: l.alpha, lr, tuned: reason === null, reason };
  });
  const tuned = out.filter((l) => l.tuned);
  if (tuned.length === 0) return out;
  // loops, not Math.min(...xs): a spread of 10^5+ arguments overflows the stack
  let amin = Infinity;
  let amax = -Infinity;
  for (const l of tuned) {
    amin = Math.min(amin, l.alpha);
    amax = Math.max(amax, l.alpha);
  }
  for (const l of tuned) {
    if (amax === amin) {
      l.reason = tuned.length === 1 ? 'only one tuned layer: no α spread, base lr' : 'all α equal: no spread, base lr';
      continue;
    }
    l.lr = lo * lr + ((l.alpha - amin) / (amax - amin)) * (hi * lr - lo * lr);
  }
  return out;
}
