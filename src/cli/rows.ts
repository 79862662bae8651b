// The model summary as table rows: metric (WeightWatcher's column name), mean over the fitted layers, how many.
import { snakeCase, SUMMARY_METRICS, type Summary } from '../metrics/heavytail/index.js';
import type { Row } from '../report/index.js';

export function summaryRows(s: Summary): Row[] {
  return SUMMARY_METRICS.map((m) => ({ metric: snakeCase(m), mean: s.means[m], layers: s.counts[m] }));
}
