// Self-contained HTML report: summary, a sortable per-layer table and the ESD plots (inline SVG).
import { columnsOf, formatCell, type Row } from './columns.js';

export interface HtmlReportInput {
  title: string;
  summary: Row;
  layers: readonly Row[];
  columns?: readonly string[];
  plots?: readonly { name: string; svg: string }[];
  skipped?: readonly { name: string; reason: string }[];
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const SORT_SCRIPT = `
document.querySelectorAll('table.sortable th').forEach((th, col) => th.addEventListener('click', () => {
  const body = th.closest('table').tBodies[0];
  const asc = th.dataset.dir !== 'asc';
  th.parentNode.querySelectorAll('th').forEach(h => delete h.dataset.dir);
  th.dataset.dir = asc ? 'asc' : 'desc';
  const key = r => { const t = r.cells[col].dataset.v ?? r.cells[col].textContent; const n = parseFloat(t); return isNaN(n) ? t : n; };
  [...body.rows].sort((a, b) => { const x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1); })
    .forEach(r => body.appendChild(r));
}));`;

export function htmlReport(r: HtmlReportInput): string {
  const cols = r.columns ?? columnsOf(r.layers);
  const summary = Object.entries(r.summary)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(formatCell(v))}</td></tr>`)
    .join('');
  const head = cols.map((c) => `<th>${esc(c)}</th>`).join('');
  const body = r.layers
    .map((row) => `<tr>${cols.map((c) => `<td data-v="${esc(String(row[c] ?? ''))}">${esc(formatCell(row[c]))}</td>`).join('')}</tr>`)
    .join('\n');
  const plots = (r.plots ?? []).map((p) => `<figure>${p.svg}<figcaption>${esc(p.name)}</figcaption></figure>`).join('\n');
  const skipped = (r.skipped ?? []).map((s) => `<li><code>${esc(s.name)}</code>: ${esc(s.reason)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;font-size:12px;margin-bottom:24px}
th,td{border:1px solid #ddd;padding:3px 6px;text-align:right}
th{background:#f4f4f4;cursor:pointer;position:sticky;top:0}
td:first-child,th:first-child{text-align:left}
th[data-dir=asc]::after{content:" ▲"} th[data-dir=desc]::after{content:" ▼"}
.plots{display:flex;flex-wrap:wrap;gap:12px} figure{margin:0} figcaption{font-size:11px;text-align:center}
</style></head><body>
<h1>${esc(r.title)}</h1>
<h2>Summary</h2><table class="summary">${summary}</table>
<h2>Layers (${r.layers.length})</h2>
<table class="sortable" id="layers"><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table>
${skipped ? `<h2>Not analysed</h2><details><summary>${r.skipped!.length} tensors not analysed (click to list, with reasons)</summary><ul>${skipped}</ul></details>` : ''}
${plots ? `<h2>Empirical spectral densities</h2><div class="plots">${plots}</div>` : ''}
<script>${SORT_SCRIPT}</script>
</body></html>
`;
}
