// Property suite, model and report layers: halfToFloat (all 65 536 half-precision patterns), decodeFloats
// (float16, bfloat16, float32, float64 from random bytes), dequantize, safetensors files read back by
// listTensors/readWeights, report.toJson round trips, the report's ESD histogram bins, warningFor — against numpy.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { arraysAbs, closeAbs, first, num } from './lib/checks.js';
import { draw, materialize, matrixSpecArb, runs, seedOf } from './lib/gen.js';
import { findPython, judge, NO_PYTHON, type Case, type Check } from './lib/harness.js';
import { KNOWN } from './lib/known.js';
import { expectVerdict } from './lib/verdict.js';
import { mulberry32 } from '../helpers/prng.js';

const SEED = seedOf(5023);
const N = runs(30);

function randomBytes(n: number, seed: number): string {
  const u = mulberry32(seed);
  return Buffer.from(Array.from({ length: n }, () => Math.floor(u() * 256))).toString('base64');
}

/** A safetensors file of 2-D tensors (F32/F64) built from generated matrices. */
function safetensorsFile(specs: ReturnType<typeof draw<import('./lib/gen.js').MatrixSpec>>): string {
  const header: Record<string, unknown> = {};
  const parts: Buffer[] = [];
  let off = 0;
  specs.forEach((s, i) => {
    const data = materialize(s);
    const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    header[`layers.${i}.weight`] = { dtype: s.dtype === 'float32' ? 'F32' : 'F64', shape: [s.rows, s.cols], data_offsets: [off, off + b.length] };
    parts.push(b);
    off += b.length;
  });
  const h = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  return Buffer.concat([len, h, ...parts]).toString('base64');
}

function cases(): Case[] {
  const out: Case[] = [{ id: 'halfToFloat', fam: 'halfToFloat', args: {} }];
  draw(fc.record({ n: fc.integer({ min: 0, max: 64 }), dtype: fc.constantFrom('float16', 'bfloat16', 'float32', 'float64'), seed: fc.integer({ min: 1, max: 1e9 }) }), N, SEED).forEach((r, i) => {
    const size = { float16: 2, bfloat16: 2, float32: 4, float64: 8 }[r.dtype];
    out.push({ id: `decode-${i}`, fam: 'decodeFloats', args: { b64: randomBytes(r.n * size, r.seed), dtype: r.dtype, count: r.n } });
  });
  draw(fc.record({ n: fc.integer({ min: 0, max: 64 }), q: fc.constantFrom('uint8', 'uint16'), scale: fc.double({ min: -1e3, max: 1e3, noNaN: true }), min: fc.double({ min: -1e3, max: 1e3, noNaN: true }), seed: fc.integer({ min: 1, max: 1e9 }) }), N, SEED + 1).forEach((r, i) =>
    out.push({ id: `dequant-${i}`, fam: 'dequantize', args: { b64: randomBytes(r.n * (r.q === 'uint8' ? 1 : 2), r.seed), qdtype: r.q, count: r.n, scale: r.scale, min: r.min } }),
  );
  draw(fc.array(matrixSpecArb({ max: 8 }), { minLength: 1, maxLength: 4 }), N, SEED + 2).forEach((specs, i) =>
    out.push({ id: `safetensors-${i}`, fam: 'safetensors', args: { file: safetensorsFile(specs) } }),
  );
  const jsonArb = fc.jsonValue({ maxDepth: 3 });
  draw(jsonArb, N, SEED + 3).forEach((value, i) => out.push({ id: `toJson-${i}`, fam: 'toJson', args: { value } }));
  // positive eigenvalues over any range, at least two distinct ones (what an ESD plot is drawn from)
  const histArb = fc.array(fc.oneof(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), fc.double({ min: 1e-6, max: 5, noNaN: true })), { minLength: 2, maxLength: 300 })
    .filter((v) => new Set(v).size > 1);
  draw(histArb, N, SEED + 4).forEach((values, i) => out.push({ id: `esdHistogram-${i}`, fam: 'esdHistogram', args: { values } }));
  // a whole ESD of a large embedding: 200 000 eigenvalues
  const u = mulberry32(SEED);
  out.push({ id: 'esdHistogram-large', fam: 'esdHistogram', args: { values: Array.from({ length: 200_000 }, () => 10 ** (u() * 6 - 3)) } });
  draw(fc.double({ min: -10, max: 20, noNaN: true }), N, SEED + 5).forEach((alpha, i) => out.push({ id: `warningFor-${i}`, fam: 'warningFor', args: { alpha } }));
  return out;
}

/** Equal bit patterns, NaN matching any NaN (payloads are not specified). */
const bitsCheck: Check = (js, ref) => {
  const a = js as number[];
  const b = ref as number[];
  if (!Array.isArray(a) || a.length !== b.length) return `${Array.isArray(a) ? a.length : 'no'} values, numpy ${b.length}`;
  const isNaN32 = (x: number) => (x & 0x7f800000) === 0x7f800000 && (x & 0x007fffff) !== 0;
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i] && !(isNaN32(a[i] >>> 0) && isNaN32(b[i] >>> 0))) return `word ${i}: 0x${(a[i] >>> 0).toString(16)}, numpy 0x${(b[i] >>> 0).toString(16)}`;
  return null;
};

const CHECKS: Record<string, Check> = {
  halfToFloat: bitsCheck,
  decodeFloats: (js, ref, c) => (c.args.dtype === 'float64' ? bitsCheck64(js, ref) : bitsCheck(js, ref, c)),
  dequantize: bitsCheck,
  safetensors: (js, ref) => {
    const o = num(js) as { names: string[]; read: { name: string; shape: number[]; data: number[] }[] };
    const r = ref as { read: { name: string; shape: number[]; data: number[] }[] };
    const names = r.read.map((t) => t.name);
    if (JSON.stringify(o.names) !== JSON.stringify(names)) return `listTensors: ${o.names}, numpy ${names}`;
    return first(...r.read.map((t, i) => (JSON.stringify(o.read[i]?.shape) !== JSON.stringify(t.shape) ? `${t.name} shape ${o.read[i]?.shape}` : arraysAbs(t.name, o.read[i].data, t.data, 0))));
  },
  toJson: (js, ref) => (JSON.stringify(js) === JSON.stringify(ref) ? null : `round trip ${JSON.stringify(js).slice(0, 80)} ≠ ${JSON.stringify(ref).slice(0, 80)}`),
  esdHistogram: (js, ref) => {
    const o = num(js) as { count: number; counts: number[] };
    const r = ref as typeof o;
    const total = r.counts.reduce((a, b) => a + b, 0);
    // values on a bin edge may land in the neighbour (log10 rounding): counts agree to that
    let moved = 0;
    for (let i = 0; i < r.counts.length; i++) moved += Math.abs((o.counts[i] ?? 0) - r.counts[i]);
    return first(o.count === r.count ? null : `${o.count} bins, numpy's rule ${r.count}`, moved <= 2 + total * 1e-4 ? null : `counts differ by ${moved}: ${o.counts} vs ${r.counts}`);
  },
  warningFor: (js, ref) => (js === ref ? null : `warningFor = '${js}', expected '${ref}'`),
};

function bitsCheck64(js: unknown, ref: unknown): string | null {
  const a = js as number[];
  const b = ref as number[];
  if (!Array.isArray(a) || a.length !== b.length) return `${Array.isArray(a) ? a.length : 'no'} words, numpy ${b.length}`;
  for (let i = 0; i < b.length; i += 2) {
    const nan = (lo: number, hi: number) => (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) !== 0 || lo !== 0);
    if ((a[i] !== b[i] || a[i + 1] !== b[i + 1]) && !(nan(a[i], a[i + 1] >>> 0) && nan(b[i], b[i + 1] >>> 0))) return `value ${i / 2} differs`;
  }
  return null;
}

describe.skipIf(!findPython())(`property: model and report vs numpy${findPython() ? '' : ` (skipped: ${NO_PYTHON})`}`, () => {
  it('every case equals numpy where defined, else a typed WeightscopeError', async () => {
    const cs = cases();
    const v = await judge(cs, CHECKS, { known: KNOWN });
    expectVerdict('model/report', v, cs, KNOWN, SEED === 5023);
  }, 600_000);
});
