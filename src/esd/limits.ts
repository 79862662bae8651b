// Size limits that skip a layer (formulas.md §1). WeightWatcher skips silently in its logs ("all layers
// skipped" is a common complaint); we always return the reason.
import { fail } from '../errors.js';

export interface LimitOptions {
  /** Skip when M (the smaller slice dimension) < minEvals. WW default 10. */
  minEvals?: number;
  /** Skip when M > maxEvals. WW default 15000. */
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

/** The reason a layer with these dimensions is skipped, or null when it is analysed. */
export function skipReason(N: number, M: number, opts: LimitOptions, fn: string): string | null {
  const minEvals = limit(opts.minEvals, DEFAULT_LIMITS.minEvals, 'minEvals', fn);
  const maxEvals = limit(opts.maxEvals, DEFAULT_LIMITS.maxEvals, 'maxEvals', fn);
  const maxN = limit(opts.maxN, DEFAULT_LIMITS.maxN, 'maxN', fn);
  if (M < minEvals) return `M = ${M} < minEvals = ${minEvals} (too few eigenvalues; lower minEvals to analyse it)`;
  if (M > maxEvals) return `M = ${M} > maxEvals = ${maxEvals} (raise maxEvals to analyse it)`;
  if (N > maxN) return `N = ${N} > maxN = ${maxN} (raise maxN to analyse it)`;
  return null;
}
