// Files under --out DIR: layers.json (the JSON document), layers.csv, report.html (--html) and one SVG per
// layer (--plots) with portable, bounded, unique names, indexed in plots/index.json and in the report.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ModelReport } from '../model/analyze.js';
import { depthOrder, esdFigureSvg, esdPlotInput, htmlReport, layerEvals, layerRow, plotFileName, reportToJson, toCsv, toJson } from '../report/index.js';
import type { AnalyzeContext } from './options.js';

export interface Written {
  dir: string;
  files: string[];
  plots: number;
}

function writePlots(report: ModelReport, dir: string): { name: string; file: string }[] {
  mkdirSync(join(dir, 'plots'), { recursive: true });
  const used = new Set<string>();
  const index: { name: string; file: string }[] = [];
  depthOrder(report.layers).forEach((l, i) => {
    const evals = layerEvals(l, report);
    if (!evals) return;
    const svg = esdFigureSvg(l.name, esdPlotInput(l, evals, `p${i}`));
    const file = `plots/${plotFileName(l.name, used)}`;
    writeFileSync(join(dir, file), svg);
    index.push({ name: l.name, file });
  });
  writeFileSync(join(dir, 'plots', 'index.json'), toJson(index.map((p) => ({ name: p.name, file: p.file.slice('plots/'.length) }))) + '\n');
  return index;
}

export function writeOutputs(report: ModelReport, ctx: AnalyzeContext, generator: string): Written | null {
  if (!ctx.out) return null;
  const dir = resolve(ctx.out);
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const put = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    files.push(name);
  };
  put('layers.json', toJson(reportToJson(report)) + '\n');
  put('layers.csv', toCsv(depthOrder(report.layers).map(layerRow)));
  const plots = ctx.plots ? writePlots(report, dir) : [];
  if (ctx.html) put('report.html', htmlReport(report, { title: `weightscope: ${ctx.path}`, plotFiles: plots, generator }));
  return { dir, files, plots: plots.length };
}

/** One line saying where the outputs went. */
export function writtenLine(w: Written): string {
  const plots = w.plots ? `, ${w.plots} SVG plot${w.plots === 1 ? '' : 's'} in plots/` : '';
  return `wrote ${w.files.join(', ')}${plots} to ${w.dir}`;
}
