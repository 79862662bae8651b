// Issue 19 items 4, 9, 10 and 11 in esd and the metrics: a huge class label or numClasses is refused before
// anything of that size is allocated (it ended in a fatal V8 error: run in a child process here); a Proxy as
// `data` is E_DTYPE, not a TypeError; options inherited through the prototype are ignored; errors name the
// function the user called.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  analyzeMatrix,
  analyzeMatrixSync,
  esd,
  gradientAlignment,
  principalAnglesSync,
  rankFromSvdvals,
  rankReport,
  type Matrix,
} from '../src/index.js';
import { stableRankSync } from '../src/metrics/index.js'; // internal: rankReport is the public form
import { expectCode, expectReject, randn } from './helpers/metrics.js';
import { run } from './helpers/child.js';

const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** Runs `body` (an async function body using `w`, the package) in a fresh Node; returns its JSON output. */
async function child(body: string): Promise<{ status: number | null; signal: string | null; out: unknown; stderr: string }> {
  const src = `const w = await import(${JSON.stringify(DIST)}); const r = await (async () => { ${body} })(); console.log(JSON.stringify(r));`;
  const r = await run(process.execPath, ['--input-type=module', '--max-old-space-size=256', '-e', src], { timeoutMs: 60_000 });
  let out: unknown = null;
  try {
    out = JSON.parse(r.stdout.trim().split('\n').pop() ?? 'null');
  } catch {}
  return { status: r.status, signal: r.signal, out, stderr: r.stderr };
}

const errOf = `const err = async (f) => { try { await f(); return 'no error'; } catch (e) { return [e.name, e.code, e.message]; } };`;

describe('item 4: class labels bounded by the number of samples', () => {
  it('label 2^31−1 and numClasses 1e9 in neuralCollapse and richness: E_SHAPE, the process survives', async () => {
    const r = (await child(`${errOf}
      const H = { data: Float64Array.from({ length: 40 }, (_, i) => Math.sin(i)), shape: [10, 4] };
      const F = { data: Float64Array.from({ length: 20 }, (_, i) => Math.cos(i)), shape: [10, 2] };
      const labels = [0, 1, 0, 1, 0, 1, 0, 1, 0, 2 ** 31 - 1];
      const ok = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1];
      return [
        await err(() => w.neuralCollapse(H, labels)),
        await err(() => w.neuralCollapseSync(H, ok, { numClasses: 1e9 })),
        await err(() => w.richness(H, F, { labels })),
        await err(() => w.richnessSync(H, F, { labels: ok, numClasses: 1e9 })),
      ];`));
    expect(r.signal).toBeNull();
    expect(r.status, r.stderr.slice(-500)).toBe(0);
    const out = r.out as [string, string, string][];
    expect(out.map((e) => [e[0], e[1]])).toEqual(Array(4).fill(['WeightscopeError', 'E_SHAPE']));
    expect(out[0][2]).toMatch(/label 9 is 2147483647, but 10 samples can hold at most 10 classes/);
    expect(out[1][2]).toMatch(/numClasses = 1000000000 but 10 samples/);
  });
});

describe('item 9: a Proxy as data is E_DTYPE', () => {
  const W = randn(6, 4, 1);
  const proxied = (m: Matrix): Matrix => ({ data: new Proxy(m.data, {}) as Float64Array, shape: m.shape });
  it('esd, rankReport, analyzeMatrix, stableRank, principalAngles, gradientAlignment, rankFromSvdvals', async () => {
    await expectReject(esd(proxied(W), { minEvals: 1 }), 'E_DTYPE');
    await expectReject(rankReport(proxied(W)), 'E_DTYPE');
    await expectReject(analyzeMatrix(proxied(W), { minEvals: 1 }), 'E_DTYPE');
    expectCode(() => stableRankSync(proxied(W)), 'E_DTYPE');
    expectCode(() => principalAnglesSync(W, proxied(W)), 'E_DTYPE');
    expectCode(() => gradientAlignment(proxied(W), W), 'E_DTYPE');
    expectCode(() => gradientAlignment(new Proxy(W.data, {}), W.data), 'E_DTYPE');
    expectCode(() => rankFromSvdvals(new Proxy(Float64Array.of(1, 2), {})), 'E_DTYPE');
  });
  it('an object whose prototype is Float64Array.prototype is not a Float64Array either', async () => {
    const fake = Object.create(Float64Array.prototype);
    await expectReject(esd({ data: fake, shape: [6, 4] }), 'E_DTYPE');
    expectCode(() => stableRankSync({ data: fake, shape: [6, 4] }), 'E_DTYPE');
  });
});

describe('item 11: errors name the function the user called', () => {
  const W = randn(20, 20, 2);
  it('analyzeMatrix, not correlationTraps or esd', async () => {
    expect(() => analyzeMatrixSync(W, { randomize: true, seed: 1.5 })).toThrow(/^analyzeMatrixSync: seed must be an integer/);
    await expect(analyzeMatrix(W, { randomize: true, shuffles: 0 })).rejects.toThrow(/^analyzeMatrix: shuffles/);
    await expect(analyzeMatrix(W, { normalize: 'X' as never })).rejects.toThrow(/^analyzeMatrix: normalize/);
    await expect(analyzeMatrix({ data: W.data, shape: [20, 21] })).rejects.toThrow(/^analyzeMatrix: weight.data/);
  });
  it('metrics name themselves in shape and value errors', async () => {
    expect(() => stableRankSync({ data: Float64Array.of(1, NaN), shape: [1, 2] })).toThrow(/^stableRankSync: W has a non-finite entry/);
  });
});

describe('item 10: options are own properties only (run in a child: the prototype is polluted there)', () => {
  it('Object.prototype.k / side / layout / normalize / weightDecay / numClasses change nothing', async () => {
    const r = (await child(`
      const A = { data: Float64Array.from({ length: 24 }, (_, i) => Math.sin(i * i + 1)), shape: [6, 4] };
      const B = { data: Float64Array.from({ length: 24 }, (_, i) => Math.cos(1.3 * i * i)), shape: [6, 4] };
      const H = { data: Float64Array.from({ length: 40 }, (_, i) => Math.sin(i)), shape: [10, 4] };
      const labels = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1];
      const run = () => [
        w.principalAnglesSync(A, B).angles.length,
        w.subspaceOverlapSync(A, B),
        w.layerAlignmentSync(A, { data: B.data.slice(0, 18), shape: [3, 6] }).angles.length,
        w.balancednessSync([A, { data: B.data.slice(0, 18), shape: [3, 6] }]).imbalance[0],
        w.esdSync(A, { minEvals: 1 }).evals[3],
        w.gradientAlignment(A, B).residual === undefined,
        w.neuralCollapseSync(H, labels).numClasses,
        w.rankFromSvdvals([3, 2, 1]).numericalRank,
      ];
      const clean = run();
      Object.assign(Object.prototype, { k: 1, side: 'right', layout: 'in-out', normalize: 'N', weightDecay: 2, numClasses: 5, shape: [9, 9], dtype: 'float32' });
      let polluted;
      try { polluted = run(); } catch (e) { polluted = [e.name, e.code, e.message]; }
      for (const k of ['k', 'side', 'layout', 'normalize', 'weightDecay', 'numClasses', 'shape', 'dtype']) delete Object.prototype[k];
      return { clean, polluted };`));
    expect(r.status, r.stderr.slice(-500)).toBe(0);
    const { clean, polluted } = r.out as { clean: unknown[]; polluted: unknown[] };
    expect(clean[0]).toBe(4);
    expect(polluted).toEqual(clean);
  });
});
