// Which columns the terminal table shows. The default set fits 100 columns with room for the name; the
// metrics asked for (--metrics traps, --farms) add their columns; a failed fit adds status. On a
// narrower terminal the default columns of lowest priority are dropped (and the footer says which)
// before the name is elided below 16 characters. --columns picks exactly, `all` shows every column.
import { COLUMNS, minTableWidth, type Row } from '../report/index.js';
import { UsageError } from './errors.js';

/** Display order of the default table. */
const DEFAULT = ['name', 'layer_type', 'shape', 'alpha', 'D', 'stable_rank', 'mp_softrank', 'status', 'warning'] as const;
/** Dropped first when the terminal is narrow. */
const DROP_ORDER = ['mp_softrank', 'layer_type', 'stable_rank', 'shape', 'D'] as const;
/** Columns the asked-for metric groups add (after alpha). */
const METRIC_COLUMNS: Record<string, readonly string[]> = { traps: ['rand_num_spikes'], farms: ['farms_alpha'], 'fit-quality': ['pl_vs_tpl_r', 'pl_vs_lognormal_r', 'pl_vs_exponential_r'] };

export interface ColumnChoice {
  columns: string[];
  /** Default columns left out to fit the width. */
  hidden: string[];
}

/** Parses --columns: a comma list of column names, `default` (the default set) or `all`. */
export function parseColumns(spec: string | undefined): string[] | undefined {
  if (spec === undefined) return undefined;
  const known = new Set(COLUMNS.map((c) => c.key));
  const names = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('--columns needs at least one column name (or default, or all)');
  for (const n of names)
    if (n !== 'default' && n !== 'all' && !known.has(n))
      throw new UsageError(`--columns: unknown column '${n}' (known: default, all, ${[...known].join(', ')})`);
  return names;
}

const hasValue = (rows: readonly Row[], c: string) => rows.some((r) => r[c] !== undefined && r[c] !== null && r[c] !== '');

export function chooseColumns(rows: readonly Row[], opts: { requested?: string[]; metrics: readonly string[]; width: number }): ColumnChoice {
  const withMetrics = (): string[] => {
    const extra = opts.metrics.flatMap((m) => METRIC_COLUMNS[m] ?? []);
    const cols: string[] = [...DEFAULT];
    cols.splice(cols.indexOf('D') + 1, 0, ...extra);
    return cols;
  };
  if (opts.requested) {
    const cols = opts.requested.flatMap((n) => (n === 'all' ? COLUMNS.map((c) => c.key) : n === 'default' ? withMetrics() : [n]));
    const explicit = new Set(opts.requested);
    // `all` and `default` expand to the columns that have values; named columns always show
    return { columns: [...new Set(cols)].filter((c) => explicit.has(c) || hasValue(rows, c)), hidden: [] };
  }
  let columns = withMetrics().filter((c) => hasValue(rows, c) && (c !== 'status' || rows.some((r) => r.status !== 'success')));
  const hidden: string[] = [];
  for (const c of DROP_ORDER) {
    if (minTableWidth(rows, columns, { minElided: 20 }) <= opts.width) break;
    if (columns.includes(c)) {
      columns = columns.filter((x) => x !== c);
      hidden.push(c);
    }
  }
  return { columns, hidden };
}
