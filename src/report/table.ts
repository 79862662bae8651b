// Aligned plain-text table, like WeightWatcher's details() printout: numbers right-aligned, every cell
// escaped for the terminal, and optionally one column (the name) elided in the middle so that each row
// stays on one line of a terminal `width` cells wide.
import { columnsOf, formatCell, type Cell, type Row } from './columns.js';
import { displayWidth, escapeControl, padCells, shortenName } from './terminal.js';

export interface TableOptions {
  /** Terminal width to fit (cells); without it the table takes its natural width. */
  width?: number;
  /** The column shortened to fit `width` (default 'name'; see shortenName). */
  elide?: string;
  /** Narrowest the elided column gets, even when the line then exceeds `width`. Default 16. */
  minElided?: number;
}

const GAP = 2;

const cellText = (v: Cell) => escapeControl(formatCell(v));

function isNumeric(rows: readonly Row[], c: string): boolean {
  return rows.every((r) => r[c] === undefined || r[c] === null || typeof r[c] === 'number');
}

/** Natural width of each column: its longest cell or header. */
export function columnWidths(rows: readonly Row[], columns: readonly string[]): number[] {
  // a loop, not Math.max(...rows): a model can have more layers than a call has arguments
  return columns.map((c) => rows.reduce((w, r) => Math.max(w, displayWidth(cellText(r[c]))), displayWidth(escapeControl(c))));
}

/** Width of the table's lines when the elided column is at its narrowest allowed width. */
export function minTableWidth(rows: readonly Row[], columns: readonly string[], opts: TableOptions = {}): number {
  const elide = opts.elide ?? 'name';
  const widths = columnWidths(rows, columns);
  return widths.reduce((s, w, j) => s + (columns[j] === elide ? Math.min(w, opts.minElided ?? 16) : w), 0) + GAP * Math.max(0, columns.length - 1);
}

export function formatTable(rows: readonly Row[], columns: readonly string[] = columnsOf(rows), opts: TableOptions = {}): string {
  const elide = opts.elide ?? 'name';
  const numeric = columns.map((c) => isNumeric(rows, c));
  const widths = columnWidths(rows, columns);
  const e = columns.indexOf(elide);
  if (opts.width !== undefined && e >= 0) {
    const others = widths.reduce((s, w, j) => (j === e ? s : s + w), 0) + GAP * (columns.length - 1);
    widths[e] = Math.min(widths[e], Math.max(opts.minElided ?? 16, opts.width - others));
  }
  const line = (cells: string[]) =>
    cells.map((s, j) => padCells(j === e ? shortenName(s, widths[j]) : s, widths[j], numeric[j])).join(' '.repeat(GAP)).trimEnd();
  const lines = [
    line(columns.map(escapeControl)),
    widths.map((w) => '-'.repeat(w)).join(' '.repeat(GAP)),
    ...rows.map((r) => line(columns.map((c) => cellText(r[c])))),
  ];
  return lines.join('\n') + '\n';
}
