// LayerResult -> a flat row of WeightWatcher's details() columns (snake_case), for table/CSV/HTML.
import { snakeCase, SUMMARY_METRICS, type Summary } from '../metrics/heavytail/index.js';
import type { LayerResult } from '../model/analyze.js';
import type { Row } from '../report/columns.js';

/** Column order of the terminal table (the most read ones; CSV/JSON carry every field). */
export const TABLE_COLUMNS = [
  'name', 'kind', 'shape', 'num_evals', 'alpha', 'D', 'xmin', 'num_pl_spikes', 'lambda_max', 'log_norm',
  'log_spectral_norm', 'alpha_weighted', 'stable_rank', 'effective_rank', 'mp_softrank', 'num_spikes', 'warning',
] as const;

export function layerRow(r: LayerResult): Row {
  const json = JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
  const row: Row = {};
  for (const [k, v] of Object.entries(json)) {
    if (k === 'esd') continue;
    if (Array.isArray(v)) row[k] = v.join('x');
    else if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) row[k] = v as Row[string];
  }
  // JSON wrote NaN as null: show "failed"/"skipped" layers' metrics as empty cells, keep the reason.
  return row;
}

/** The model summary as rows: metric (WW column name), mean over the included layers, and how many. */
export function summaryRows(s: Summary): Row[] {
  return SUMMARY_METRICS.map((m) => ({ metric: snakeCase(m), mean: s.means[m], layers: s.counts[m] }));
}

/** The summary as one flat record (HTML report header). */
export function summaryRecord(s: Summary, skipped: number): Row {
  const r: Row = { layers_analysed: s.numLayers, fits_included: s.numIncluded, fits_excluded: s.numExcluded, tensors_skipped: skipped };
  for (const m of SUMMARY_METRICS) r[`mean_${snakeCase(m)}`] = s.means[m];
  return r;
}
