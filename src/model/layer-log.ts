// What one analysed layer leaves behind, as a line of text (the per-layer log that --shard parts and --resume
// journals are made of), and the whole-model report rebuilt from such lines.
// The encoding is lossless: NaN/±Infinity and typed arrays are tagged (plain JSON has neither), so a rebuilt
// row equals the row of a single run bit for bit. Rebuilding repeats analyze()'s own rules in model order:
// a layer whose data (content key) equals an earlier one's becomes that layer's alias (or, when the earlier one
// was not analysed, a skipped tensor with the same reason), so copies split over parts or runs still count once.
import { fail } from '../errors.js';
import { summarize } from '../metrics/heavytail/index.js';
import { withJSON } from '../metrics/heavytail/report.js';
import type { LayerDone } from './analyze-options.js';
import type { LayerResult, ModelReport } from './analyze.js';
import { sameDataReason } from './dedupe.js';
import type { SkippedTensor } from './types.js';

/** A done layer, decoded. */
export interface LoggedLayer {
  layerId: number;
  name: string;
  key?: string;
  /** The plan's aliases (the same stored bytes under other names). */
  aliases?: string[];
  result: LayerResult | null;
  /** The layer's eigenvalues (LayerResult.esd), when the log keeps them. */
  evals?: Float64Array;
  skipped: SkippedTensor[];
}

function b64(a: Float64Array | Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function fromB64<T extends Float64Array | Float32Array>(s: string, C: { new (b: ArrayBuffer): T; BYTES_PER_ELEMENT: number }): T {
  const b = Buffer.from(s, 'base64');
  if (b.byteLength % C.BYTES_PER_ELEMENT !== 0) fail('E_FORMAT', 'layer log: a typed array has a partial element');
  const out = new C(new ArrayBuffer(b.byteLength));
  new Uint8Array(out.buffer).set(b);
  return out;
}

function replacer(_k: string, v: unknown): unknown {
  if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return { $num: Object.is(v, -0) ? '-0' : String(v) };
  if (v instanceof Float64Array) return { $f64: b64(v) };
  if (v instanceof Float32Array) return { $f32: b64(v) };
  return v;
}

function reviver(_k: string, v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  if (typeof o.$num === 'string') return Number(o.$num);
  if (typeof o.$f64 === 'string') return fromB64(o.$f64, Float64Array);
  if (typeof o.$f32 === 'string') return fromB64(o.$f32, Float32Array);
  return v;
}

/** JSON text that decodeLine reads back exactly. */
export function encodeLine(v: unknown): string {
  return JSON.stringify(v, replacer);
}

export function decodeLine(s: string): unknown {
  return JSON.parse(s, reviver);
}

/** One done layer as a plain object for encodeLine; `keepEvals` stores its eigenvalues too (for plots). */
export function layerRecord(e: LayerDone, keepEvals: boolean): Record<string, unknown> {
  const evals = keepEvals ? e.result?.esd : undefined;
  return {
    layer_id: e.layer.layerId,
    name: e.layer.name,
    ...(e.key ? { key: e.key } : {}),
    ...(e.layer.aliases?.length ? { aliases: e.layer.aliases } : {}),
    // own fields only: not the snake_case toJSON analyzeMatrix attaches (it turns NaN into null)
    result: e.result ? { ...e.result } : null,
    ...(evals ? { evals } : {}),
    skipped: e.skipped,
  };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A decoded record back as a LoggedLayer; anything malformed is E_FORMAT (the log is a file someone can edit). */
export function loggedLayer(v: unknown, where: string): LoggedLayer {
  const bad = (what: string): never => fail('E_FORMAT', `${where}: ${what}`);
  if (!isObj(v) || !Number.isSafeInteger(v.layer_id) || typeof v.name !== 'string') return bad('a layer record needs layer_id and name');
  if (v.result !== null && !(isObj(v.result) && v.result.name === v.name && typeof v.result.status === 'string')) bad(`layer '${v.name}': result is not a layer report`);
  if (!Array.isArray(v.skipped) || !v.skipped.every((s) => isObj(s) && typeof s.name === 'string' && typeof s.reason === 'string')) bad(`layer '${v.name}': bad skipped list`);
  if (v.evals !== undefined && !(v.evals instanceof Float64Array)) bad(`layer '${v.name}': bad evals`);
  const result = v.result ? withJSON(v.result as unknown as LayerResult) : null; // as analyzeMatrix returns it
  if (result && v.evals) Object.defineProperty(result, 'esd', { value: v.evals, enumerable: false });
  return {
    layerId: v.layer_id as number,
    name: v.name,
    ...(typeof v.key === 'string' ? { key: v.key } : {}),
    ...(Array.isArray(v.aliases) ? { aliases: v.aliases.map(String) } : {}),
    result,
    ...(v.evals ? { evals: v.evals as Float64Array } : {}),
    skipped: v.skipped as SkippedTensor[],
  };
}

export interface ReportMeta {
  source: string;
  format: string;
  files: string[];
  notes: string[];
  /** Tensors the plan itself skipped (before any layer ran). */
  planSkipped: SkippedTensor[];
  seconds: number;
  keepEsd: boolean;
}

/** The report a single run would have returned, from its layers' records (any order, each layer once). */
export function assembleReport(meta: ReportMeta, logged: readonly LoggedLayer[]): ModelReport {
  const sorted = logged.slice().sort((a, b) => a.layerId - b.layerId);
  const layers: LayerResult[] = [];
  const skipped: SkippedTensor[] = meta.planSkipped.slice();
  const esd = meta.keepEsd ? new Map<string, Float64Array>() : undefined;
  const byKey = new Map<string, LoggedLayer>();
  for (const l of sorted) {
    const first = l.key ? byKey.get(l.key) : undefined;
    if (first) {
      // the copy of an earlier layer: joins its row, as analyze() does within one run
      if (first.result) first.result.aliases = [...(first.result.aliases ?? []), l.name, ...(l.aliases ?? [])];
      else skipped.push({ name: l.name, reason: sameDataReason(first.name) });
      continue;
    }
    if (l.key) byKey.set(l.key, l);
    const r = l.result;
    if (r) {
      // only the plan's aliases: copies are added back above, in model order, whatever the log saw
      if (l.aliases?.length) r.aliases = [...l.aliases];
      else delete r.aliases;
      layers.push(r);
      if (esd && l.evals) esd.set(l.name, l.evals);
    }
    for (const s of l.skipped) skipped.push(s);
  }
  return {
    source: meta.source,
    format: meta.format,
    files: meta.files,
    notes: meta.notes,
    layers,
    summary: summarize(layers),
    skipped,
    esd,
    seconds: meta.seconds,
  };
}
