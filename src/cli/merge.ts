// `weightscope merge <parts...>`: the parts that `analyze --shard i/n` wrote, checked to be one complete
// analysis (the same model plan and options, every part 0..n-1 exactly once, each finished), combined into the
// report a single run gives: the same table/JSON/CSV on stdout, and layers.json, layers.csv, report.html, plots/
// under --out. `seconds` is the sum of the parts' times (the compute spent, not the wall time).
import { fail } from '../errors.js';
import type { Metric, ModelAnalyzeOptions } from '../model/analyze.js';
import { assembleReport, type LoggedLayer } from '../model/layer-log.js';
import { emitReport } from './analyze.js';
import { UsageError } from './errors.js';
import { outputFormat, type OutputFlags } from './options.js';
import { headerMismatch, readLog, type LogContents } from './journal.js';
import { parseColumns } from './table-columns.js';


/** The parts, checked: one line naming the first problem (E_FORMAT, exit 1). */
export function checkParts(parts: readonly LogContents[]): void {
  const first = parts[0];
  const n = first.header.shard.count;
  for (const p of parts.slice(1)) {
    const why = headerMismatch(first.header, p.header);
    if (why) fail('E_FORMAT', `merge: ${p.file} is a part of ${why} than ${first.file}`);
  }
  const byIndex = new Map<number, string>();
  for (const p of parts) {
    const i = p.header.shard.index;
    const other = byIndex.get(i);
    if (other !== undefined) fail('E_FORMAT', `merge: part ${i}/${n} is given twice (${other} and ${p.file})`);
    byIndex.set(i, p.file);
  }
  const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length) fail('E_FORMAT', `merge: missing part${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${n}`).join(', ')} (got ${parts.length} of ${n})`);
  const owner = new Map<number, number>();
  for (const p of parts) {
    const done = new Set(p.layers.map((l) => l.layerId));
    const left = p.header.owned.filter((id) => !done.has(id)).length;
    if (!p.end || left > 0)
      fail('E_FORMAT', `merge: part ${p.header.shard.index}/${n} (${p.file}) is unfinished: ${p.header.owned.length - left} of ${p.header.owned.length} layers done (rerun it with --resume)`);
    for (const id of p.header.owned) {
      if (owner.has(id)) fail('E_FORMAT', `merge: layer ${id} is owned by parts ${owner.get(id)} and ${p.header.shard.index} (parts of different splits)`);
      owner.set(id, p.header.shard.index);
    }
  }
  if (owner.size !== first.header.planned) fail('E_FORMAT', `merge: the parts own ${owner.size} layers, the plan has ${first.header.planned}`);
}

export async function runMerge(files: string[], f: OutputFlags, generator: string): Promise<void> {
  const format = outputFormat(f);
  const parts = files.map(readLog);
  checkParts(parts);
  const options = parts[0].header.options as ModelAnalyzeOptions;
  if ((f.html || f.plots) && !options.keepEsd) throw new UsageError('--html and --plots need parts analysed with --html or --plots (they keep the eigenvalues)');
  const byIndex = parts.slice().sort((a, b) => a.header.shard.index - b.header.shard.index);
  const end = byIndex[0].end!;
  const owned = (p: LogContents): LoggedLayer[] => {
    const ids = new Set(p.header.owned);
    return p.layers.filter((l) => ids.has(l.layerId));
  };
  const report = assembleReport(
    {
      source: end.source,
      format: end.format,
      files: end.files,
      notes: end.notes,
      planSkipped: end.plan_skipped,
      seconds: parts.reduce((a, p) => a + p.end!.seconds, 0),
      keepEsd: !!options.keepEsd,
    },
    byIndex.flatMap(owned),
  );
  const metrics = (options.metrics ?? ['mp', 'rank']) as Metric[];
  emitReport(report, { path: end.source, format, out: f.out, html: !!f.html, plots: !!f.plots, columns: parseColumns(f.columns), metrics, progress: true, resume: false, analyze: options }, generator);
}
