// The per-layer log file of --shard and --resume (JSON Lines): a header line with the analysis' fingerprint,
// one line per done layer, written and flushed (fdatasync) as each layer finishes, and an end line with the
// model's metadata when the run finished. A killed run leaves at most a partial last line, which is dropped.
import { closeSync, existsSync, fdatasyncSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { fail } from '../errors.js';
import { decodeLine, encodeLine, loggedLayer, type LoggedLayer } from '../model/layer-log.js';
import type { ShardSpec } from '../model/shard.js';
import type { SkippedTensor } from '../model/types.js';

export const LOG_VERSION = 1;

export interface LogHeader {
  weightscope_log: number;
  /** modelFingerprint of the selected plan. */
  model: string;
  /** The options that change a result (resultOptions), and their fingerprint. */
  options: Record<string, unknown>;
  options_key: string;
  shard: ShardSpec;
  /** How many layers the whole analysis has (all parts), and the layerIds this part owns. */
  planned: number;
  owned: number[];
}

export interface LogEnd {
  source: string;
  format: string;
  files: string[];
  notes: string[];
  plan_skipped: SkippedTensor[];
  seconds: number;
}

export interface LogContents {
  file: string;
  header: LogHeader;
  /** Each layer once (the first record of a layerId wins). */
  layers: LoggedLayer[];
  /** The last end line, when a run finished. */
  end?: LogEnd;
  /** Bytes up to the last complete line. */
  validBytes: number;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkHeader(v: unknown, file: string): LogHeader {
  const h = v as LogHeader;
  const ok = isObj(v) && h.weightscope_log === LOG_VERSION && typeof h.model === 'string' && typeof h.options_key === 'string' && isObj(h.options) &&
    isObj(h.shard) && Number.isSafeInteger(h.shard.index) && Number.isSafeInteger(h.shard.count) && Number.isSafeInteger(h.planned) &&
    Array.isArray(h.owned) && h.owned.every((x) => Number.isSafeInteger(x));
  if (!ok) fail('E_FORMAT', `${file}: not a weightscope part or resume log (no valid header line)`);
  return h;
}

function checkEnd(v: unknown, file: string): LogEnd {
  const e = v as LogEnd;
  const ok = isObj(v) && typeof e.source === 'string' && typeof e.format === 'string' && Array.isArray(e.files) && Array.isArray(e.notes) &&
    Array.isArray(e.plan_skipped) && typeof e.seconds === 'number';
  if (!ok) fail('E_FORMAT', `${file}: a malformed end line`);
  return e;
}

/** Reads a log; a partial last line (a run killed while writing it) is ignored, any other bad line is E_FORMAT. */
export function readLog(file: string): LogContents {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return fail('E_FORMAT', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const complete = text.lastIndexOf('\n') + 1;
  const lines = text.slice(0, complete).split('\n').slice(0, -1);
  if (lines.length === 0) fail('E_FORMAT', `${file}: empty (not a weightscope part or resume log)`);
  const parse = (s: string, i: number): unknown => {
    try {
      return decodeLine(s);
    } catch {
      return fail('E_FORMAT', `${file}:${i + 1}: not a JSON line`);
    }
  };
  const header = checkHeader(parse(lines[0], 0), file);
  const seen = new Set<number>();
  const layers: LoggedLayer[] = [];
  let end: LogEnd | undefined;
  lines.slice(1).forEach((s, i) => {
    const v = parse(s, i + 1);
    if (isObj(v) && 'end' in v) end = checkEnd(v.end, file);
    else {
      const l = loggedLayer(v, `${file}:${i + 2}`);
      if (!seen.has(l.layerId)) layers.push(l);
      seen.add(l.layerId);
    }
  });
  return { file, header, layers, end, validBytes: Buffer.byteLength(text.slice(0, complete)) };
}

/** What differs between two headers, in words (empty: the same analysis and part). */
export function headerMismatch(a: LogHeader, b: LogHeader): string {
  if (a.model !== b.model) return 'another model (its layer plan differs)';
  if (a.options_key !== b.options_key) {
    const keys = [...new Set([...Object.keys(a.options), ...Object.keys(b.options)])].filter((k) => JSON.stringify(a.options[k]) !== JSON.stringify(b.options[k]));
    return `other options (${keys.join(', ')})`;
  }
  if (a.shard.count !== b.shard.count) return `another shard count (${a.shard.count} vs ${b.shard.count})`;
  return '';
}

export interface Journal {
  /** Layers a previous run of this part already did. */
  done: LoggedLayer[];
  append(record: Record<string, unknown>): void;
  finish(end: LogEnd): void;
}

/** Opens the log for a run: a fresh file, or with `resume` the existing one when it has the same header. */
export function openJournal(file: string, header: LogHeader, resume: boolean): Journal {
  let done: LoggedLayer[] = [];
  let fd: number;
  if (resume && existsSync(file)) {
    const old = readLog(file);
    const why = headerMismatch(old.header, header) || (old.header.shard.index !== header.shard.index ? `another part (${old.header.shard.index}/${old.header.shard.count})` : '');
    if (why) fail('E_FORMAT', `--resume: ${file} was written for ${why}; remove it or choose another --out`);
    const owned = new Set(header.owned);
    done = old.layers.filter((l) => owned.has(l.layerId));
    truncateSync(file, old.validBytes); // drop a partial last line before appending
    fd = openSync(file, 'a');
  } else {
    fd = openSync(file, 'w');
    writeLine(fd, header);
  }
  return {
    done,
    append: (record) => writeLine(fd, record),
    finish: (end) => {
      writeLine(fd, { end });
      closeSync(fd);
    },
  };
}

function writeLine(fd: number, v: unknown): void {
  writeSync(fd, encodeLine(v) + '\n');
  fdatasyncSync(fd);
}
