// Model-level summary (formulas.md §3; WW get_summary): means over layers of the layer metrics.
// WW averages every layer including failed fits (α = −1); we leave out failed and skipped layers and say
// which and why.
import { fail } from '../../errors.js';
import type { LayerReport } from './report.js';

export const SUMMARY_METRICS = [
  'logNorm',
  'alpha',
  'alphaWeighted',
  'logAlphaNorm',
  'logSpectralNorm',
  'stableRank',
  'mpSoftrank',
] as const;

export type SummaryMetric = (typeof SUMMARY_METRICS)[number];

export interface Summary {
  /** Mean of each metric over the included layers where it is a number (NaN when none). */
  means: Record<SummaryMetric, number>;
  /** How many layers each mean is over. */
  counts: Record<SummaryMetric, number>;
  numLayers: number;
  numIncluded: number;
  numExcluded: number;
  excluded: { name: string; status: string; reason: string }[];
}

export function summarize(reports: readonly LayerReport[]): Summary {
  if (!Array.isArray(reports)) fail('E_DTYPE', 'summarize: reports must be an array of layer reports');
  reports.forEach((r, i) => {
    if (r === null || typeof r !== 'object' || typeof (r as { status?: unknown }).status !== 'string')
      fail('E_DTYPE', `summarize: reports[${i}] is not a layer report (analyzeMatrix's result)`);
  });
  const means = {} as Record<SummaryMetric, number>;
  const counts = {} as Record<SummaryMetric, number>;
  const included = reports.filter((r) => r.status === 'success');
  for (const m of SUMMARY_METRICS) {
    let s = 0;
    let c = 0;
    for (const r of included)
      if (Number.isFinite(r[m])) {
        s += r[m];
        c++;
      }
    means[m] = c > 0 ? s / c : NaN;
    counts[m] = c;
  }
  const excluded = reports
    .filter((r) => r.status !== 'success')
    .map((r) => ({ name: r.name, status: r.status, reason: r.reason ?? '' }));
  return {
    means,
    counts,
    numLayers: reports.length,
    numIncluded: included.length,
    numExcluded: excluded.length,
    excluded,
  };
}
