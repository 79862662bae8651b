// Helpers comparing a read tensor with the numpy expectations in test/fixtures/models/expected.json.
import * as fs from 'node:fs';
import { expect } from 'vitest';
import { svdvalsSync } from '../../src/index.js';

export interface Stats {
  sum: number;
  norm: number;
  entries: [number, number][];
  svd_top5: number[];
}
export interface ExpectedTensor {
  model?: string;
  kind: string;
  shape: number[];
  F32: Stats;
  F16: Stats;
  BF16: Stats;
  F64: Stats;
}
export const FIXTURES = new URL('../fixtures/models/', import.meta.url).pathname;
export const expected: { onnx_check: string | null; tensors: Record<string, ExpectedTensor> } = JSON.parse(
  fs.readFileSync(FIXTURES + 'expected.json', 'utf8'),
);

/** The matrix the expectations' svd_top5 was computed on: 2-D itself; conv2d slice [.., .., 0, 0] (or [0, 0, .., ..] for hwio). */
export function matrixView(data: Float32Array | Float64Array, shape: number[], layout?: string): { data: Float64Array; shape: [number, number] } {
  if (shape.length === 2) return { data: Float64Array.from(data), shape: [shape[0], shape[1]] };
  if (layout === 'hwio') {
    const [, , i, o] = shape;
    return { data: Float64Array.from(data.subarray(0, i * o)), shape: [i, o] };
  }
  const [o, i, kh, kw] = shape;
  const out = new Float64Array(o * i);
  for (let r = 0; r < o * i; r++) out[r] = data[r * kh * kw];
  return { data: out, shape: [o, i] };
}

/** Checks sum, norm, svd (and entries when the layout matches numpy's) against expectations. */
export function checkStats(
  t: { name: string; data: Float32Array | Float64Array; shape: number[]; layout?: string },
  want: Stats,
  opts: { entries?: boolean; rtol?: number } = {},
): void {
  const rtol = opts.rtol ?? 1e-6;
  let sum = 0;
  let sq = 0;
  for (const v of t.data) {
    sum += v;
    sq += v * v;
  }
  expect(Math.abs(sum - want.sum), `${t.name} sum`).toBeLessThanOrEqual(rtol * Math.sqrt(sq) * Math.sqrt(t.data.length) + 1e-12);
  expect(Math.sqrt(sq), `${t.name} norm`).toBeCloseTo(want.norm, 5);
  if (opts.entries !== false) for (const [i, v] of want.entries) expect(t.data[i], `${t.name}[${i}]`).toBe(v);
  const s = svdvalsSync(matrixView(t.data, t.shape, t.layout));
  want.svd_top5.forEach((v, k) => expect(Math.abs(s[k] - v) / want.svd_top5[0], `${t.name} σ${k}`).toBeLessThan(1e-9));
}
