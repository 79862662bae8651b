// The randomized top of the spectrum (esd/randomized.ts) and the tail-only α (metrics/tail-only.ts), issue 17
// item 3. References: matrices with a known spectrum in closed form, A = H₁·diag(s)·H₂ with Householder
// reflections H (orthogonal, so the singular values are exactly s), and the full gesdd ESD (which
// test/10-svdvals checks against numpy) for the power-law fit.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './helpers/child.js';
import { fixturesDir } from './helpers/reference.js';
import { randomizedTopEvals } from '../src/esd/randomized.js';
import { fitPowerLaw } from '../src/fit/powerlaw.js';
import { svdvals } from '../src/index.js';
import { tailOnlyAlpha, tailOnlySummary } from '../src/metrics/tail-only.js';

/** r × c, row-major, with singular values s (descending, length ≤ c): H₁ · diag(s) · H₂. */
function knownSpectrum(r: number, c: number, s: number[], seed: number): Float64Array {
  const A = new Float64Array(r * c);
  s.forEach((v, j) => (A[j * c + j] = v));
  const vec = (n: number, k: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(1 + i * 0.7 + k * 3.1) + Math.cos(i * i * 0.013 + k));
  const u = vec(r, seed);
  const uu = u.reduce((a, b) => a + b * b, 0);
  for (let j = 0; j < c; j++) {
    let d = 0;
    for (let i = 0; i < r; i++) d += u[i] * A[i * c + j];
    for (let i = 0; i < r; i++) A[i * c + j] -= ((2 * d) / uu) * u[i];
  }
  const v = vec(c, seed + 1);
  const vv = v.reduce((a, b) => a + b * b, 0);
  for (let i = 0; i < r; i++) {
    let d = 0;
    for (let j = 0; j < c; j++) d += A[i * c + j] * v[j];
    for (let j = 0; j < c; j++) A[i * c + j] -= ((2 * d) / vv) * v[j];
  }
  return A;
}

describe('randomizedTopEvals', () => {
  it('on a slowly decaying spectrum (σ_j = j^-0.8): never above the truth, within the residual bound, trusted ones within relTol', async () => {
    const [r, c, k] = [1200, 240, 30];
    const s = Array.from({ length: c }, (_, j) => (j + 1) ** -0.8);
    const t = await randomizedTopEvals({ data: knownSpectrum(r, c, s, 1), shape: [r, c] }, { k, seed: 3 });
    expect(t.evals).toHaveLength(k);
    const truth = s.slice(0, k).map((x) => x * x).reverse(); // ascending like evals
    for (let j = 0; j < k; j++) {
      expect(t.evals[j]).toBeLessThanOrEqual(truth[j] * (1 + 1e-12)); // interlacing
      // the residual bound (an eigenvalue within r_j; the top ones are separated, so it is λ_j)
      expect(truth[j] - t.evals[j]).toBeLessThanOrEqual(t.residuals[j] * (1 + 1e-9) + 1e-14);
      if (j >= k - t.trusted) expect((truth[j] - t.evals[j]) / truth[j]).toBeLessThan(1e-3);
    }
    expect(t.trusted).toBeGreaterThanOrEqual(10);
    // seeded: the same seed gives the same numbers, another seed other (still bounded) numbers
    const again = await randomizedTopEvals({ data: knownSpectrum(r, c, s, 1), shape: [r, c] }, { k, seed: 3 });
    expect(Array.from(again.evals)).toEqual(Array.from(t.evals));
  });

  it('on a fast decaying spectrum (σ_j = 0.8^j) and on float32 data: the top eigenvalues to ~1e-10 relative', async () => {
    const [r, c, k] = [900, 200, 20];
    const s = Array.from({ length: c }, (_, j) => 0.8 ** j);
    const A = knownSpectrum(r, c, s, 5);
    const t = await randomizedTopEvals({ data: A, shape: [r, c] }, { k });
    for (let j = 0; j < 10; j++) expect(Math.abs(t.evals[k - 1 - j] - s[j] ** 2) / s[j] ** 2).toBeLessThan(1e-10);
    // float32 storage: the reference is the full gesdd of the same float32 matrix
    const A32 = Float32Array.from(A);
    const t32 = await randomizedTopEvals({ data: A32, shape: [r, c] }, { k });
    const full = await svdvals({ data: Float64Array.from(A32), shape: [r, c] });
    for (let j = 0; j < 10; j++) expect(Math.abs(t32.evals[k - 1 - j] - full[j] ** 2) / full[j] ** 2).toBeLessThan(1e-9);
  });

  it('bad input: typed errors', async () => {
    const W = { data: new Float64Array(50 * 20).fill(1), shape: [50, 20] as const };
    await expect(randomizedTopEvals(W, { k: 21 })).rejects.toMatchObject({ code: 'E_OPTION' });
    await expect(randomizedTopEvals(W, { k: 0 })).rejects.toMatchObject({ code: 'E_OPTION' });
    await expect(randomizedTopEvals(W, { k: 3, powerIters: -1 })).rejects.toMatchObject({ code: 'E_OPTION' });
    await expect(randomizedTopEvals({ data: new Float64Array(10), shape: [50, 20] }, { k: 3 })).rejects.toMatchObject({ code: 'E_SHAPE' });
    const nan = new Float64Array(50 * 20).fill(1);
    nan[7] = NaN;
    await expect(randomizedTopEvals({ data: nan, shape: [50, 20] }, { k: 3 })).rejects.toMatchObject({ code: 'E_NONFINITE' });
  });
});

describe('tailOnlyAlpha', () => {
  it('equals the full-ESD power-law fit when the full fit’s xmin lies in the computed tail, and says it is tail-only', async () => {
    // a power-law top (σ_j² ∝ j^-1.2 for 40 values) over a bulk below it: the KS xmin sits at the tail's start.
    // (How well the eigenvalues at xmin converge depends on the gap to the rest of the spectrum: where the tail
    // runs into the bulk, tailRelError says so; here the gap is σ 0.20 vs 0.33.)
    const [r, c] = [1000, 200];
    const s = Array.from({ length: c }, (_, j) => (j < 40 ? 3 * (j + 1) ** -0.6 : 0.15 + 0.05 * ((c - j) / c)));
    const A = knownSpectrum(r, c, s, 9);
    const full = fitPowerLaw(Array.from(await svdvals({ data: A, shape: [r, c] }), (x) => x * x));
    expect(full.status).toBe('success');
    const t = await tailOnlyAlpha({ data: A, shape: [r, c] }, { k: 80 });
    expect(t.esdMode).toBe('tail-only');
    expect(t.status).toBe('success');
    expect(full.numPlSpikes).toBe(40); // xmin inside the top 80
    expect(t.numPlSpikes).toBe(full.numPlSpikes);
    expect(t.tailRelError).toBeLessThan(2e-3);
    expect(Math.abs(t.xmin - full.xmin) / full.xmin).toBeLessThanOrEqual(t.tailRelError);
    expect(Math.abs(t.alpha - full.alpha) / full.alpha).toBeLessThan(1e-5);
    expect(t.note).toMatch(/^tail-only: alpha from the top 80 eigenvalues .*xmin lies inside the computed tail$/);
    // a k too small for the whole tail: xmin can only be among the 20 computed
    const small = await tailOnlyAlpha({ data: A, shape: [r, c] }, { k: 20 });
    expect(small.status).toBe('success');
    expect(small.numPlSpikes).toBeLessThanOrEqual(20);
    expect(small.k).toBe(20);
  });

  it('tail-only means are kept apart from full-ESD ones', () => {
    expect(tailOnlySummary([{ status: 'success', alpha: 2, esdMode: 'tail-only' }, { status: 'success', alpha: 4, esdMode: 'tail-only' }, { status: 'failed', alpha: NaN, esdMode: 'tail-only' }])).toEqual({ alpha: 3, layers: 2 });
    expect(() => tailOnlySummary([{ status: 'success', alpha: 2, esdMode: 'full' as never }])).toThrow(/tail-only/);
  });
});

describe('analyze --tail-only', () => {
  it('layers past --max-n stay out of the means, their skipped entry carries a tail-only alpha', async () => {
    const main = join(process.cwd(), 'dist', 'cli', 'main.js');
    const model = join(fixturesDir, 'scale', 'dups.safetensors');
    const cli = async (args: string[]) => {
      const r = await run(process.execPath, [main, 'analyze', model, '--json', '--no-progress', '--precision', 'float64', ...args], { timeoutMs: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const full = await cli([]);
    const plain = await cli(['--max-n', '90']);
    const tail = await cli(['--max-n', '90', '--tail-only']);
    const big = ['blk.0.weight', 'blk.3.weight', 'blk.12.weight']; // N = 96, 128, 100
    expect(tail.summary).toEqual(plain.summary); // never averaged with the full-ESD layers
    expect(tail.layers).toEqual(plain.layers);
    for (const name of big) {
      const entry = tail.skipped.find((x: { name: string }) => x.name === name);
      expect(entry.reason).toMatch(/> maxN = 90/);
      expect(entry.tail_only.esd_mode).toBe('tail-only');
      expect(entry.tail_only.note).toMatch(/^tail-only: /);
      // these layers are small enough that k is every eigenvalue: the same fit as the full ESD's
      const ref = full.layers.find((l: { name: string }) => l.name === name);
      expect(Math.abs(entry.tail_only.alpha - ref.alpha) / ref.alpha).toBeLessThan(1e-9);
      expect(entry.tail_only.num_pl_spikes).toBe(ref.num_pl_spikes);
      expect(plain.skipped.find((x: { name: string }) => x.name === name).tail_only).toBeUndefined();
    }
    // the table lists them apart from the summary
    const table = await run(process.execPath, [main, 'analyze', model, '--no-progress', '--max-n', '90', '--tail-only'], { timeoutMs: 120_000 });
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/\ntail-only alpha \(top eigenvalues, randomized; not in the summary\): mean [\d.]+ over 3 layers\n  blk\.0\.weight: alpha [\d.]+ from the top 64\n/);
    expect(table.stdout).toMatch(/summary \(means over 7 fitted layers\)/);
    const fewer = await cli(['--max-n', '90', '--tail-only', '--tail-k', '30']);
    expect(fewer.skipped.find((x: { name: string }) => x.name === 'blk.0.weight').tail_only.k).toBe(30);
    // too small is not too large: no tail-only alpha for a minEvals skip
    const few = await cli(['--min-evals', '45', '--tail-only']);
    for (const x of few.skipped) if (/< minEvals/.test(x.reason)) expect(x.tail_only).toBeUndefined();
  });
});
