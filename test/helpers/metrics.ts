// Shared test helpers for the metrics tests: reference inputs, small matrix builders, error matchers.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { WeightscopeError } from '../../src/errors.js';
import type { Matrix } from '../../src/linalg/matrix.js';
import { mulberry32 } from './prng.js';

const refDir = new URL('../fixtures/reference/', import.meta.url);
export const reference = JSON.parse(readFileSync(new URL('reference.json', refDir), 'utf8'));

export function referenceInput(name: string): Matrix<Float64Array> {
  const meta = reference.inputs[name];
  const buf = readFileSync(new URL(meta.file, refDir));
  const data = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  return { data, shape: [meta.shape[0], meta.shape[1]] };
}

export function toF32(m: Matrix): Matrix<Float32Array> {
  return { data: Float32Array.from(m.data), shape: m.shape };
}

/** Deterministic standard normals (mulberry32 + Box-Muller). */
export function gaussian(seed: number): () => number {
  const u = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export function randn(rows: number, cols: number, seed: number): Matrix<Float64Array> {
  const g = gaussian(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = g();
  return { data, shape: [rows, cols] };
}

export function expectRel(actual: number, expected: number, tol: number): void {
  const err = Math.abs(actual - expected) / Math.max(Math.abs(expected), Number.MIN_VALUE);
  if (!(err <= tol)) expect.fail(`relative error ${err.toExponential(2)} > ${tol}: ${actual} vs ${expected}`);
}

export function expectCode(f: () => unknown, code: string): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(WeightscopeError);
    expect((e as WeightscopeError).code).toBe(code);
    return;
  }
  expect.fail(`expected a WeightscopeError with code ${code}, nothing was thrown`);
}

/** Awaits `p`, which must reject with a WeightscopeError E_FORMAT; returns its message. */
export async function formatError(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(WeightscopeError);
  expect((e as WeightscopeError).code).toBe('E_FORMAT');
  return (e as Error).message;
}

export async function expectReject(p: Promise<unknown>, code: string): Promise<void> {
  await expect(p).rejects.toBeInstanceOf(WeightscopeError);
  await expect(p).rejects.toMatchObject({ code });
}
