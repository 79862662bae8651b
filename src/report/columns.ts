// Cell formatting shared by the table and CSV writers.

export type Cell = string | number | boolean | null | undefined;
export type Row = Record<string, Cell>;

/** Columns in first-seen order over all rows (so optional fields appear once any layer has them). */
export function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

/** Numbers with 4 significant digits in tables (integers exactly); '' for missing; NaN shown as 'nan'. */
export function formatCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a >= 1e6 || a < 1e-3) ? v.toExponential(3) : v.toPrecision(4).replace(/\.?0+$/, '');
  }
  return String(v);
}
