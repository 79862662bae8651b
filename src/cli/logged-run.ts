// `weightscope analyze --shard i/n` and `--resume`: the analysis runs with a per-layer log under --out
// (journal.ts). A part (--shard) analyses its share of the layers (shard.ts: LPT by Σ n²m) into
// part-<i>-of-<n>.jsonl, for `weightscope merge`; a run without --shard logs into layers.jsonl and then writes
// its outputs as a plain run does. With --resume, layers already in the log are not analysed again.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyze, type LayerDone, type ModelReport, type PlannedLayer } from '../model/analyze.js';
import { assembleReport, layerRecord, type LoggedLayer } from '../model/layer-log.js';
import { layerCost, modelFingerprint, optionsFingerprint, resultOptions, shardLayers } from '../model/shard.js';
import type { SkippedTensor } from '../model/types.js';
import { LOG_VERSION, openJournal, type Journal } from './journal.js';
import type { AnalyzeContext } from './options.js';
import { createProgress } from './progress.js';
import { partFileName } from './shard-env.js';

/** `emit` writes the assembled report as a plain run does (cli/analyze.ts passes its own: no import back). */
export async function runLogged(path: string, ctx: AnalyzeContext, generator: string, emit: (report: ModelReport, ctx: AnalyzeContext, generator: string) => void): Promise<void> {
  const shard = ctx.shard ?? { index: 0, count: 1 };
  const dir = resolve(ctx.out as string);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, ctx.shard ? partFileName(shard) : 'layers.jsonl');
  const keepEvals = !!ctx.analyze.keepEsd;
  let journal: Journal | undefined;
  let share = { layers: 0, planned: 0, cost: 0, total: 0 };
  const mine: LoggedLayer[] = [];
  const runtimeSkips = new Set<SkippedTensor>();
  const select = (layers: readonly PlannedLayer[]): ReadonlySet<number> => {
    const owned = ctx.shard ? shardLayers(layers, shard, ctx.analyze) : layers.map((l) => l.layerId);
    journal = openJournal(file, {
      weightscope_log: LOG_VERSION,
      model: modelFingerprint(layers),
      options: resultOptions(ctx.analyze),
      options_key: optionsFingerprint(ctx.analyze),
      shard,
      planned: layers.length,
      owned,
    }, ctx.resume);
    const ownedSet = new Set(owned);
    share = { layers: owned.length, planned: layers.length, cost: 0, total: 0 };
    for (const l of layers) {
      const c = layerCost(l, ctx.analyze);
      share.total += c;
      if (ownedSet.has(l.layerId)) share.cost += c;
    }
    const done = new Set(journal.done.map((l) => l.layerId));
    return new Set(owned.filter((id) => !done.has(id)));
  };
  const onLayer = (e: LayerDone) => {
    const record = layerRecord(e, keepEvals);
    (journal as Journal).append(record);
    for (const s of e.skipped) runtimeSkips.add(s);
    // the live result: assembleReport resets its aliases to the plan's, whatever copies added since
    const evals = keepEvals ? e.result?.esd : undefined;
    mine.push({ layerId: e.layer.layerId, name: e.layer.name, key: e.key, aliases: e.layer.aliases, result: e.result, ...(evals ? { evals } : {}), skipped: e.skipped });
  };
  const progress = createProgress(ctx.progress);
  const report = await analyze(path, { ...ctx.analyze, select, onLayer, onProgress: (p) => progress.update(p.done, p.total, p.name) }).finally(() => progress.stop());
  const j = journal as Journal;
  const meta = {
    source: report.source,
    format: report.format,
    files: report.files,
    notes: report.notes,
    planSkipped: report.skipped.filter((s) => !runtimeSkips.has(s)),
    seconds: report.seconds,
  };
  j.finish({ source: meta.source, format: meta.format, files: meta.files, notes: meta.notes, plan_skipped: meta.planSkipped, seconds: meta.seconds });
  if (ctx.shard) {
    const pct = share.total > 0 ? ((100 * share.cost) / share.total).toFixed(1) : '0';
    const resumed = j.done.length ? `, ${j.done.length} from the previous run` : '';
    const line = `part ${shard.index}/${shard.count}: ${share.layers} of ${share.planned} layers (${pct}% of Σ n²m)${resumed}; wrote ${file}`;
    if (ctx.format === 'table') process.stdout.write(line + '\n');
    else if (ctx.progress) process.stderr.write(line + '\n');
    return;
  }
  emit(assembleReport({ ...meta, keepEsd: keepEvals }, [...j.done, ...mine]), ctx, generator);
}
