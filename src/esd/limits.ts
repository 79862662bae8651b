// Size limits that skip a layer (formulas.md §1). WeightWatcher skips silently in its logs ("all layers
// skipped" is a common complaint); we always return the reason.
// The eigenvalue limits count the layer's eigenvalues: M for a matrix, M·rf for a conv2d kernel whose rf =
// kh·kw slices are pooled (WW layer_supported with pool=True, its default: M * rf < min_evals, M * rf >
// max_evals; N > max_N per slice). So a 7×7 conv from 3 channels (147 eigenvalues) is analysed and a 3×3 conv
// of 1700 channels (15300) is skipped, as in WW.
import { fail } from '../errors.js';

export interface LimitOptions {
  /** Skip when the layer has fewer eigenvalues (M, or M·rf for conv2d) than this. WW default 10. */
  minEvals?: number;
  /** Skip when the layer has more eigenvalues (M, or M·rf for conv2d) than this. WW default 15000. */
  maxEvals?: number;
  /** Skip when N (the larger slice dimension) > maxN. WW default 50000. */
  maxN?: number;
}

export const DEFAULT_LIMITS = { minEvals: 10, maxEvals: 15000, maxN: 50000 } as const;

function limit(v: unknown, dflt: number, name: string, fn: string): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0)
    fail('E_OPTION', `${fn}: ${name} must be a non-negative number (Infinity for no limit), got ${String(v)}`);
  return v;
}

/**
 * The reason a layer is skipped, or null when it is analysed: N, M of one slice and rf slices pooled
 * (1 for a matrix, kh·kw for conv2d).
 */
export function skipReason(N: number, M: number, opts: LimitOptions, fn: string, rf = 1): string | null {
  const minEvals = limit(opts.minEvals, DEFAULT_LIMITS.minEvals, 'minEvals', fn);
  const maxEvals = limit(opts.maxEvals, DEFAULT_LIMITS.maxEvals, 'maxEvals', fn);
  const maxN = limit(opts.maxN, DEFAULT_LIMITS.maxN, 'maxN', fn);
  const count = M * rf;
  const what = rf === 1 ? `M = ${M}` : `M·rf = ${M}·${rf} = ${count} eigenvalues`;
  if (count < minEvals) return `${what} < minEvals = ${minEvals} (too few eigenvalues; lower minEvals to analyse it)`;
  if (count > maxEvals) return `${what} > maxEvals = ${maxEvals} (raise maxEvals to analyse it)`;
  if (N > maxN) return `N = ${N} > maxN = ${maxN} (raise maxN to analyse it)`;
  return null;
}
