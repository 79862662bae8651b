// The JSON document of a whole-model analysis, as layers.json and `--json` write it: snake_case keys at
// every level (the layer fields are WeightWatcher's details() column names: alpha, num_pl_spikes, D, ...),
// layers in depth order, NaN and ±Infinity as null. README "JSON naming" maps each key to its JS field.
// The flat per-layer rows of the table, CSV and HTML report come from the same document.
import { fail } from '../errors.js';
import { snakeCase } from '../metrics/heavytail/index.js';
import type { LayerResult, ModelReport } from '../model/analyze.js';
import type { Row } from './columns.js';
import { depthOrder } from './order.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A plain JSON value: snake_case keys, typed arrays as arrays, non-finite numbers as null; Maps, functions dropped. */
export function toPlainJson(v: unknown): Json | undefined {
  if (v === null) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v !== 'object') return undefined;
  if (ArrayBuffer.isView(v)) return v instanceof DataView ? undefined : Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : null));
  if (Array.isArray(v)) return v.map((x) => toPlainJson(x) ?? null);
  if (v instanceof Map || v instanceof Set) return undefined;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    const p = toPlainJson(x);
    if (p !== undefined) out[snakeCase(k)] = p;
  }
  return out;
}

/**
 * One layer as JSON. A single `layer_type` field holds the reader's kind (dense, conv2d, embedding,
 * recurrent, other): LayerResult.layerType, the matrix treatment, follows from it and the shape.
 */
export function layerJson(l: LayerResult): JsonObject {
  const o = toPlainJson(l) as JsonObject;
  if ('kind' in o) {
    o.layer_type = o.kind;
    delete o.kind;
  }
  return o;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The public writers take analyze()'s result; anything else is E_OPTION, never a TypeError further in. */
export function checkReport(r: unknown, fn: string): asserts r is ModelReport {
  const ok =
    isObject(r) &&
    Array.isArray(r.layers) &&
    r.layers.every((l) => isObject(l) && typeof l.name === 'string' && Array.isArray(l.shape)) &&
    isObject(r.summary) &&
    isObject(r.summary.means) &&
    Array.isArray(r.summary.excluded) &&
    Array.isArray(r.skipped) &&
    r.skipped.every((s) => isObject(s) && typeof s.name === 'string' && typeof s.reason === 'string');
  if (!ok) fail('E_OPTION', `${fn}: expects the result of analyze() ({ layers, summary, skipped, ... })`);
}

/** The whole report as layers.json holds it: metadata, summary, layers (depth order), skipped tensors. */
export function reportToJson(r: ModelReport): JsonObject {
  checkReport(r, 'reportToJson');
  const { layers, summary, skipped, esd: _esd, ...meta } = r;
  return {
    ...(toPlainJson(meta) as JsonObject),
    summary: toPlainJson(summary) as JsonObject,
    layers: depthOrder(layers).map(layerJson),
    skipped: toPlainJson(skipped) as Json[],
  };
}

/** A layer as one flat row: shapes as 768x3072, nested objects as parent_key columns, no arrays of numbers. */
export function layerRow(l: LayerResult): Row {
  const row: Row = {};
  const put = (key: string, v: Json) => {
    if (v === null || typeof v !== 'object') row[key] = v;
    else if (Array.isArray(v)) row[key] = v.every((x) => typeof x === 'number') ? v.join('x') : JSON.stringify(v);
    else for (const [k, x] of Object.entries(v)) put(`${key}_${k}`, x);
  };
  for (const [k, v] of Object.entries(layerJson(l))) put(k, v);
  return row;
}
