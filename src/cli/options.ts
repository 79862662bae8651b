// `weightscope analyze` flags -> one resolved context: every usage check happens here, once, before any
// file is read, and the analyze() options are built here and nowhere else.
import type { Metric, ModelAnalyzeOptions } from '../model/analyze.js';
import type { WeightKind } from '../model/types.js';
import { parseColumns } from './table-columns.js';
import { UsageError } from './errors.js';
import { resolveShard } from './shard-env.js';
import type { ShardSpec } from '../model/shard.js';

/** The report-output flags that every command writing an analysis report takes (analyze, merge). */
export interface OutputFlags {
  format: string;
  json?: boolean;
  csv?: boolean;
  out?: string;
  html?: boolean;
  plots?: boolean;
  columns?: string;
}

/** The flags as commander hands them over. */
export interface AnalyzeFlags extends OutputFlags {
  farms?: 'llm' | 'image' | 'default';
  metrics?: string;
  fitQuality?: boolean;
  layers?: string;
  types?: string;
  minEvals?: number;
  maxEvals?: number;
  maxN?: number;
  xmin?: string;
  seed?: number;
  method?: 'gesdd' | 'gram';
  precision?: 'float32' | 'float64';
  backend?: 'auto' | 'cpu' | 'cuda';
  threads?: number;
  concurrency?: number;
  progress?: boolean;
  shard?: string;
  shardCount?: number;
  resume?: boolean;
  tailOnly?: boolean;
  tailK?: number;
}

export interface AnalyzeContext {
  path: string;
  format: 'table' | 'json' | 'csv';
  out?: string;
  html: boolean;
  plots: boolean;
  /** --columns, parsed (undefined: the default set). */
  columns?: string[];
  metrics: Metric[];
  progress: boolean;
  threads?: number;
  /** --shard: the part this process analyses (it writes a part file under --out; see shard-env.ts). */
  shard?: ShardSpec;
  /** --resume: continue the per-layer log under --out. */
  resume: boolean;
  /** What analyze() gets (onProgress is added by the caller). */
  analyze: ModelAnalyzeOptions;
}

const METRICS: readonly Metric[] = ['mp', 'rank', 'traps', 'farms', 'fit-quality'];
const KINDS: readonly WeightKind[] = ['dense', 'conv2d', 'embedding', 'recurrent', 'other'];

function list(flag: string, s: string, known: readonly string[]): string[] {
  const items = s.split(',').map((x) => x.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError(`${flag} needs a comma-separated list (${known.join(', ')})`);
  for (const x of items) if (!known.includes(x)) throw new UsageError(`${flag}: unknown value '${x}' (known: ${known.join(', ')})`);
  return [...new Set(items)];
}

function xminRule(s: string | undefined): ModelAnalyzeOptions['xmin'] {
  if (s === undefined) return undefined;
  if (s === 'ks' || s === 'mid' || s === 'peak') return s;
  const v = Number(s);
  if (s.trim() === '' || !Number.isFinite(v) || v <= 0) throw new UsageError(`--xmin must be ks, mid, peak or a positive number, got '${s}'`);
  return v;
}

function regex(s: string | undefined): RegExp | undefined {
  if (s === undefined) return undefined;
  try {
    return new RegExp(s);
  } catch (e) {
    throw new UsageError(`--layers: not a regular expression: ${(e as Error).message}`);
  }
}

/** The stdout format from --format/--json/--csv, with the checks of the flags that depend on it (usage errors). */
export function outputFormat(f: OutputFlags): AnalyzeContext['format'] {
  const format = f.json ? 'json' : f.csv ? 'csv' : f.format;
  if (format !== 'table' && format !== 'json' && format !== 'csv') throw new UsageError(`--format must be table, json or csv, got '${format}'`);
  if ((f.html || f.plots) && !f.out) throw new UsageError('--html and --plots need --out DIR');
  if (f.columns !== undefined && format !== 'table') throw new UsageError('--columns chooses the table columns; JSON and CSV carry every column');
  return format;
}

export function resolveAnalyze(path: string, f: AnalyzeFlags): AnalyzeContext {
  const format = outputFormat(f);
  const shard = resolveShard(f.shard, f.shardCount);
  if ((shard || f.resume) && !f.out) throw new UsageError(`${shard ? '--shard' : '--resume'} needs --out DIR (where the per-layer log goes)`);
  if (f.tailK !== undefined && !f.tailOnly) throw new UsageError('--tail-k goes with --tail-only');
  const metrics = list('--metrics', f.metrics ?? 'mp,rank', METRICS) as Metric[];
  if (f.farms && !metrics.includes('farms')) metrics.push('farms');
  if (f.fitQuality && !metrics.includes('fit-quality')) metrics.push('fit-quality');
  if (f.minEvals !== undefined && f.maxEvals !== undefined && f.minEvals > f.maxEvals)
    throw new UsageError(`--min-evals (${f.minEvals}) is larger than --max-evals (${f.maxEvals})`);
  const analyze: ModelAnalyzeOptions = {
    metrics,
    farms: f.farms,
    layers: regex(f.layers),
    types: f.types === undefined ? undefined : (list('--types', f.types, KINDS) as WeightKind[]),
    minEvals: f.minEvals,
    maxEvals: f.maxEvals,
    maxN: f.maxN,
    xmin: xminRule(f.xmin),
    seed: f.seed,
    method: f.method,
    precision: f.precision,
    backend: f.backend,
    concurrency: f.concurrency,
    keepEsd: !!(f.html || f.plots),
    tailOnly: f.tailOnly ? (f.tailK !== undefined ? { k: f.tailK } : true) : undefined,
  };
  for (const k of Object.keys(analyze) as (keyof ModelAnalyzeOptions)[]) if (analyze[k] === undefined) delete analyze[k];
  return {
    path,
    format,
    out: f.out,
    html: !!f.html,
    plots: !!f.plots,
    columns: parseColumns(f.columns),
    metrics,
    progress: f.progress !== false,
    threads: f.threads,
    ...(shard ? { shard } : {}),
    resume: !!f.resume,
    analyze,
  };
}
