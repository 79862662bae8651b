// Tables rendered two ways from the same cells: aligned text for the terminal, markdown for the README.

export function fmtMs(ms) {
  if (ms === undefined || ms === null || Number.isNaN(ms)) return '—';
  if (ms >= 10000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function fmtRatio(x) {
  if (x === undefined || x === null || !Number.isFinite(x)) return '—';
  return x >= 100 ? `${x.toFixed(0)}×` : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`;
}

export function fmtSci(x) {
  if (x === undefined || x === null || Number.isNaN(x)) return '—';
  if (x === 0) return '0';
  return x.toExponential(1);
}

export function renderText({ title, headers, rows, notes = [] }) {
  const widths = headers.map((h, c) => Math.max(String(h).length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells) => cells.map((x, c) => (c === 0 ? String(x).padEnd(widths[c]) : String(x).padStart(widths[c]))).join('  ');
  return [`${title}`, line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), ...notes.map((n) => `  ${n}`), ''].join('\n');
}

export function renderMarkdown({ title, headers, rows, notes = [] }) {
  const esc = (x) => String(x).replace(/\|/g, '\\|');
  return [
    `### ${title}`,
    '',
    `| ${headers.map(esc).join(' | ')} |`,
    `| ${headers.map((_, c) => (c === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
    '',
    ...notes.map((n) => `${n}  `),
    notes.length ? '' : null,
  ]
    .filter((x) => x !== null)
    .join('\n');
}
