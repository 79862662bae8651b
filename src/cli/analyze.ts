// `weightscope analyze <path>`: runs analyze() and prints the per-layer table (or JSON/CSV) on stdout.
// The table fits the terminal (one line per layer), in depth order; every name is escaped.
import { existsSync } from 'node:fs';
import { analyze, type ModelReport } from '../model/analyze.js';
import { tailOnlySummary } from '../metrics/tail-only.js';
import { setThreads } from '../linalg/backends.js';
import { depthOrder, elideMiddle, escapeControl, formatTable, layerRow, reportToJson, toCsv, toJson } from '../report/index.js';
import { UsageError } from './errors.js';
import { resolveAnalyze, type AnalyzeContext, type AnalyzeFlags } from './options.js';
import { writeOutputs, writtenLine } from './outputs.js';
import { createProgress } from './progress.js';
import { summaryRows } from './rows.js';
import { chooseColumns } from './table-columns.js';

/** API option names that skip reasons mention, and the flag that changes each. */
const LIMIT_FLAGS: Record<string, string> = { minEvals: '--min-evals', maxEvals: '--max-evals', maxN: '--max-n' };

function terminalWidth(): number {
  if (process.stdout.isTTY && process.stdout.columns) return process.stdout.columns;
  const env = Number(process.env.COLUMNS);
  return Number.isSafeInteger(env) && env >= 40 ? env : 100;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Skip reasons by how often they occur; reasons that differ only in their numbers form one group. */
function skippedLines(r: ModelReport, width: number): string[] {
  if (r.skipped.length === 0) return [];
  const groups = new Map<string, { n: number; example: string; distinct: Set<string> }>();
  for (const s of r.skipped) {
    const key = s.reason.replace(/\d+(\.\d+)?(e[-+]?\d+)?/g, '#');
    const g = groups.get(key) ?? { n: 0, example: s.reason, distinct: new Set<string>() };
    g.n++;
    g.distinct.add(s.reason);
    groups.set(key, g);
  }
  const top = [...groups.values()].sort((a, b) => b.n - a.n);
  const lines = top.slice(0, 4).map((g) => `  ${String(g.n).padStart(5)}  ${elideMiddle(escapeControl((g.distinct.size > 1 ? 'e.g. ' : '') + g.example), width - 9)}`);
  if (top.length > 4) lines.push(`  ${String(top.slice(4).reduce((a, g) => a + g.n, 0)).padStart(5)}  for ${top.length - 4} other reasons (every name and reason: --format json, or layers.json with --out)`);
  const flags = Object.entries(LIMIT_FLAGS).filter(([opt]) => r.skipped.some((s) => s.reason.includes(opt))).map(([, flag]) => flag);
  if (flags.length) lines.push(`  (${flags.join(', ')} ${flags.length === 1 ? 'changes that limit' : 'change those limits'})`);
  return lines;
}

/** --tail-only: the layers too large for a full ESD, with their tail-only alpha, apart from the summary. */
function tailOnlyLines(r: ModelReport): string[] {
  const fits = r.skipped.filter((s) => s.tailOnly).map((s) => ({ name: s.name, fit: s.tailOnly! }));
  if (fits.length === 0) return [];
  const mean = tailOnlySummary(fits.map((f) => f.fit));
  const lines = ['', `tail-only alpha (top eigenvalues, randomized; not in the summary): mean ${mean.layers ? mean.alpha.toPrecision(4) : 'n/a'} over ${plural(mean.layers, 'layer')}`];
  for (const { name, fit } of fits.slice(0, 10))
    lines.push(`  ${elideMiddle(escapeControl(name), 40)}: ${fit.status === 'success' ? `alpha ${fit.alpha.toPrecision(4)} from the top ${fit.k}` : escapeControl(fit.reason ?? 'failed')}`);
  if (fits.length > 10) lines.push(`  ... ${fits.length - 10} more (--format json: skipped[].tail_only)`);
  return lines;
}

function printTable(r: ModelReport, ctx: AnalyzeContext): void {
  const width = terminalWidth();
  const rows = depthOrder(r.layers).map(layerRow);
  const choice = chooseColumns(rows, { requested: ctx.columns, metrics: ctx.metrics, width });
  const out: string[] = [formatTable(rows, choice.columns, { width, minElided: 20 })];
  out.push(`${plural(r.layers.length, 'layer')} analysed, ${plural(r.skipped.length, 'tensor')} not analysed, ${r.seconds.toFixed(2)} s`);
  out.push(...skippedLines(r, width), ...tailOnlyLines(r));
  const s = r.summary;
  out.push('', `summary (means over ${plural(s.numIncluded, 'fitted layer')}${s.numExcluded ? `; ${plural(s.numExcluded, 'failed fit')} left out` : ''}):`);
  out.push(formatTable(summaryRows(s)).trimEnd());
  if (s.excluded.length) {
    out.push('', 'failed fits (left out of the means):');
    for (const e of s.excluded) out.push(`  ${elideMiddle(escapeControl(e.name), 40)}: ${escapeControl(e.reason)}`);
  }
  if (choice.hidden.length) out.push("", `hidden to fit ${width} columns: ${choice.hidden.join(", ")} (--columns all)`);
  process.stdout.write(out.join('\n') + '\n');
}

export async function runAnalyze(path: string, flags: AnalyzeFlags, generator: string): Promise<void> {
  const ctx = resolveAnalyze(path, flags);
  if (!existsSync(path)) throw new UsageError(`no such file or folder: ${escapeControl(path)}`);
  if (ctx.threads !== undefined) setThreads(ctx.threads);
  if (ctx.shard || ctx.resume) return (await import('./logged-run.js')).runLogged(path, ctx, generator, emitReport);
  const progress = createProgress(ctx.progress);
  let report: ModelReport;
  try {
    report = await analyze(path, { ...ctx.analyze, onProgress: (p) => progress.update(p.done, p.total, p.name) });
  } finally {
    progress.stop();
  }
  emitReport(report, ctx, generator);
}

/** stdout (table, JSON or CSV) and the --out files of a report: a single run's, or one merged from parts. */
export function emitReport(report: ModelReport, ctx: AnalyzeContext, generator: string): void {
  if (ctx.format === 'json') process.stdout.write(toJson(reportToJson(report)) + '\n');
  else if (ctx.format === 'csv') process.stdout.write(toCsv(depthOrder(report.layers).map(layerRow)));
  else printTable(report, ctx);
  const written = writeOutputs(report, ctx, generator);
  if (!written) return;
  // where the outputs went: part of the table's report; on stderr next to JSON/CSV, unless asked for quiet
  if (ctx.format === 'table') process.stdout.write(`\n${writtenLine(written)}\n`);
  else if (ctx.progress) process.stderr.write(`${writtenLine(written)}\n`);
}
