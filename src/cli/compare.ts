// `weightscope compare <a> <b>`: two checkpoints layer by layer (workflows/compare.ts) as a table, JSON, CSV
// or a self-contained HTML page; what did not match (names in one model only, shape changes) is listed too.
import { existsSync, writeFileSync } from 'node:fs';
import type { Row } from '../report/columns.js';
import { toCsv } from '../report/csv.js';
import { STYLE } from '../report/html-assets.js';
import { escText } from '../report/html-table.js';
import { formatTable } from '../report/table.js';
import { escapeControl } from '../report/terminal.js';
import { compare, compareToJson, type CompareReport } from '../workflows/compare.js';
import { UsageError } from './errors.js';

export interface CompareFlags {
  format: 'table' | 'json' | 'csv';
  json?: boolean;
  csv?: boolean;
  html?: string;
  k?: number;
  layers?: string;
  minEvals?: number;
}

const COLUMNS = ['name', 'shape', 'rel_delta', 'alpha_a', 'alpha_b', 'd_alpha', 'd_stable_rank', 'cka', 'subspace_overlap', 'delta_alpha', 'delta_rank'];

export function compareRows(r: CompareReport): Row[] {
  return r.layers.map((l) => ({
    name: l.name, shape: l.shape.join('x'), rel_delta: l.relDelta, alpha_a: l.alphaA, alpha_b: l.alphaB, d_alpha: l.dAlpha,
    d_stable_rank: l.dStableRank, cka: l.cka, subspace_overlap: l.subspaceOverlap, delta_alpha: l.deltaAlpha, delta_rank: l.deltaRank,
  }));
}

/** What did not match, one line each. */
function unmatched(r: CompareReport): string[] {
  return [
    ...r.onlyInA.map((n) => `only in a: ${n}`),
    ...r.onlyInB.map((n) => `only in b: ${n}`),
    ...r.shapeMismatch.map((s) => `shape differs: ${s.name} [${s.shapeA.join(', ')}] vs [${s.shapeB.join(', ')}]`),
  ];
}

export function compareHtml(r: CompareReport, title: string): string {
  const rows = compareRows(r);
  const head = COLUMNS.map((c) => `<th>${escText(c)}</th>`).join('');
  const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : escText(String(v)));
  const body = rows.map((row) => `<tr>${COLUMNS.map((c) => `<td>${cell(row[c])}</td>`).join('')}</tr>`).join('\n');
  const miss = unmatched(r);
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escText(title)}</title><style>${STYLE}</style></head><body><main>
<h1>${escText(title)}</h1>
<p>a: ${escText(r.a)}<br>b: ${escText(r.b)}</p>
<p>rel_delta = ‖W_b − W_a‖_F / ‖W_a‖_F; d_* = b − a; cka: linear centred CKA of the weights; subspace_overlap: mean cos² of
the principal angles between the top-k left singular subspaces; delta_alpha, delta_rank: alpha and numerical rank of ΔW = W_b − W_a.</p>
<table><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table>
${miss.length ? `<h2>Not compared</h2><ul>${miss.map((m) => `<li>${escText(m)}</li>`).join('')}</ul>` : ''}
</main></body></html>
`;
}

export async function runCompare(a: string, b: string, flags: CompareFlags): Promise<void> {
  for (const p of [a, b]) if (!existsSync(p)) throw new UsageError(`no such file or folder: ${escapeControl(p)}`);
  const format = flags.json ? 'json' : flags.csv ? 'csv' : flags.format;
  const r = await compare(a, b, {
    ...(flags.k !== undefined ? { k: flags.k } : {}),
    ...(flags.layers !== undefined ? { layers: flags.layers } : {}),
    ...(flags.minEvals !== undefined ? { minEvals: flags.minEvals } : {}),
  });
  if (format === 'json') process.stdout.write(JSON.stringify(compareToJson(r), null, 2) + '\n');
  else if (format === 'csv') process.stdout.write(toCsv(compareRows(r), COLUMNS));
  else {
    process.stdout.write(formatTable(compareRows(r), COLUMNS, { width: process.stdout.columns }) + '\n');
    for (const m of unmatched(r)) process.stdout.write(escapeControl(m) + '\n');
  }
  if (flags.html) writeFileSync(flags.html, compareHtml(r, `weightscope compare`));
}
