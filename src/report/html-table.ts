// The report's per-layer table: a sticky name column, sortable headers (numbers numerically, names and
// text naturally, shapes by element count, empty cells last in either direction), failed fits and
// warnings marked, and a legend that explains every column shown.
import { columnInfo } from './catalog.js';
import { formatCell, type Row } from './columns.js';
import { escapeControl, shortenName } from './terminal.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Text from a file, shown in HTML: control characters visible, markup escaped. */
export const escText = (s: string) => esc(escapeControl(s));

/** Columns of the HTML table, in order; those with no value in any row are left out. */
export const HTML_COLUMNS = [
  'name', 'depth', 'layer_id', 'layer_type', 'shape', 'status', 'warning', 'alpha', 'D', 'xmin', 'num_pl_spikes', 'alpha_weighted',
  'lambda_max', 'log_spectral_norm', 'log_norm', 'stable_rank', 'mp_softrank', 'num_spikes', 'rand_num_spikes',
  'rand_distance', 'farms_alpha', 'effective_rank', 'numerical_rank', 'num_evals', 'N', 'M', 'reason',
] as const;

const DEPTH_MEANING = 'position in depth order (model order; click to restore it)';

function sortKey(col: string, v: Row[string]): { v: string; numeric: boolean } {
  if (v === null || v === undefined || v === '' || (typeof v === 'number' && !Number.isFinite(v))) return { v: '', numeric: typeof v === 'number' };
  if (typeof v === 'number') return { v: String(v), numeric: true };
  if (col === 'shape') {
    // shapes by element count
    const dims = String(v).split('x').map(Number);
    if (dims.every(Number.isFinite)) return { v: String(dims.reduce((a, b) => a * b, 1)), numeric: true };
  }
  return { v: String(v), numeric: false };
}

function cell(col: string, v: Row[string], href: string, numericColumn: boolean): string {
  const k = sortKey(col, v);
  const attrs = `data-v="${escText(k.v)}"${k.numeric || numericColumn ? ' data-t="n"' : ''}`;
  const text = typeof v === 'string' ? v : formatCell(v);
  if (col === 'name') {
    return `<th scope="row" class="name" ${attrs} title="${escText(text)}"><a href="${href}">${escText(shortenName(escapeControl(text), 64))}</a></th>`;
  }
  const cls = [numericColumn ? '' : 'text', col === 'reason' ? 'reason' : '', col === 'warning' && text ? `warn-${text.split('-')[0]}` : '', col === 'status' && text !== 'success' ? 'bad' : '']
    .filter(Boolean).join(' ');
  return `<td ${attrs}${cls ? ` class="${cls}"` : ''}>${escText(text)}</td>`;
}

/** The layers table; rows come in depth order, `hrefs[i]` links row i to its ESD panel. */
export function layersTable(rows: readonly Row[], hrefs: readonly string[], columns?: readonly string[]): { html: string; columns: string[] } {
  const withDepth: Row[] = rows.map((r, i) => ({ ...r, depth: i }));
  const cols = (columns ?? HTML_COLUMNS).filter((c) => withDepth.some((r) => r[c] !== undefined && r[c] !== null && r[c] !== ''));
  const head = cols.map((c) => `<th scope="col"${c === 'name' ? ' class="name"' : ''} title="${esc(c === 'depth' ? DEPTH_MEANING : columnInfo(c)?.meaning ?? '')}">${esc(c)}</th>`).join('');
  // a column is numeric when every value it has is a number (failed fits leave empty cells in it)
  const numeric = cols.map((c) => withDepth.every((r) => r[c] === undefined || r[c] === null || typeof r[c] === 'number'));
  const body = withDepth.map((r, i) =>
    `<tr${r.status && r.status !== 'success' ? ' class="failed"' : ''}>${cols.map((c, j) => cell(c, r[c], hrefs[i], numeric[j])).join('')}</tr>`).join('\n');
  return {
    html: `<div class="tablebox"><table class="layers" id="layers"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`,
    columns: cols,
  };
}

/** What each shown column means (from the column catalogue). */
export function columnLegend(columns: readonly string[]): string {
  const items = columns.map((c) => `<dt>${esc(c)}</dt><dd>${esc(c === 'depth' ? DEPTH_MEANING : columnInfo(c)?.meaning ?? '')}</dd>`).join('');
  return `<details class="legend" open><summary>What the columns mean</summary><dl>${items}</dl></details>`;
}
