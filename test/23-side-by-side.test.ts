// analyze() keeps one layer per scheduler slot in flight, and each layer's SVD then runs as a small job
// (one BLAS thread, beside the others) whatever its size: the `shared` call flag (native/binding/
// call_options.h, linalg/context.ts). Asserted here: what the scheduler admits and with how many BLAS
// threads (sampled from its stats), and that the rows equal those of one layer at a time with all
// threads. Never durations: the gain is measured by `npm run bench:model` (bench/README.md).
import { describe, expect, it } from 'vitest';
import { native } from '../src/binding.js';
import { analyze, getThreads, setThreads, svdvalsSync } from '../src/index.js';
import { resolveContext, svdvalsIn } from '../src/linalg/internal.js';
import { parseOptions } from '../src/model/analyze-options.js';
import { randn } from './helpers/reference.js';

type Sample = { maxRunning: number; blas: Set<number> };

/** Samples the scheduler every millisecond while `work` runs. */
async function sampled<T>(work: () => Promise<T>): Promise<[T, Sample]> {
  const seen: Sample = { maxRunning: 0, blas: new Set() };
  const sample = () => {
    const s = native.stats().scheduler;
    seen.maxRunning = Math.max(seen.maxRunning, s.cpuRunning);
    if (s.cpuRunning > 0) seen.blas.add(s.blasThreads);
  };
  const timer = setInterval(sample, 1);
  try {
    return [await work(), seen];
  } finally {
    clearInterval(timer);
  }
}

const slots = () => native.info().slots;
// 700² is far above the large-job size (256³ flops), yet long enough to be sampled while it runs
const big = (seed: number) => ({ data: randn(700 * 700, seed), shape: [700, 700] as [number, number] });

describe('the shared call flag', () => {
  it.skipIf(!native.info().testHooks)('large shared jobs are admitted side by side, one BLAS thread each, with the values of the exclusive route (skipped without the test hooks)', async () => {
    const ms = [big(1), big(2), big(3)];
    const ctx = { ...resolveContext({}, 'test'), shared: true };
    native._holdCpu!(true); // all three queued before any is admitted
    let jobs: Promise<{ S: Float32Array | Float64Array }[]>;
    try {
      jobs = Promise.all(ms.map((m) => svdvalsIn(ctx, m)));
    } finally {
      native._holdCpu!(false);
    }
    const [res, seen] = await sampled(() => jobs);
    expect(seen.maxRunning).toBeLessThanOrEqual(Math.min(3, slots()));
    if (slots() > 1) expect(seen.maxRunning).toBeGreaterThan(1);
    expect([...seen.blas]).toEqual([1]);
    ms.forEach((m, i) => {
      const ref = svdvalsSync(m);
      const S = res[i].S;
      expect(S.length).toBe(ref.length);
      for (let j = 0; j < S.length; j++) expect(Math.abs(S[j] - ref[j])).toBeLessThanOrEqual(1e-12 * ref[0]);
    });
  });
});

describe('analyze(): a layer per slot, side by side', () => {
  // 400 x 300: 36e6 flops, a large job on its own
  const layers = Array.from({ length: 6 }, (_, i) => ({ name: `h.${i}.mlp.weight`, W: { data: randn(400 * 300, 40 + i), shape: [400, 300] as [number, number] } }));
  const COLS = ['alpha', 'D', 'xmin', 'lambdaMax', 'stableRank', 'logNorm', 'entropy', 'effectiveRank'] as const;

  it('by default: min(slots, 4) layers in flight, each on one BLAS thread; the rows equal one layer at a time with all threads', async () => {
    const [shared, seenShared] = await sampled(() => analyze(layers));
    const [alone, seenAlone] = await sampled(() => analyze(layers, { concurrency: 1 }));
    expect(shared.layers.map((l) => l.name)).toEqual(layers.map((l) => l.name)); // model order either way
    expect(alone.layers.map((l) => l.name)).toEqual(layers.map((l) => l.name));
    if (slots() > 1) {
      expect(seenShared.maxRunning).toBeGreaterThan(1);
      expect([...seenShared.blas]).toEqual([1]);
      expect(seenAlone.maxRunning).toBe(1);
      expect(seenAlone.blas.has(getThreads())).toBe(true);
    }
    shared.layers.forEach((r, i) => {
      const a = alone.layers[i];
      expect(r.status).toBe(a.status);
      expect(r.matrixRank).toBe(a.matrixRank);
      expect(r.numericalRank).toBe(a.numericalRank);
      for (const k of COLS) expect(Math.abs(r[k] - a[k])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(a[k])));
      // and λ_max is numpy's σ₁² of the same matrix (svdvalsSync: gesdd, checked against numpy in test 10)
      expect(Math.abs(r.lambdaMax - svdvalsSync(layers[i].W)[0] ** 2)).toBeLessThanOrEqual(1e-9 * r.lambdaMax);
    });
  });

  it('shared only when every slot has a layer: fewer layers in flight keep the large-job rule', () => {
    const before = getThreads();
    try {
      setThreads(1);
      expect(parseOptions({}).run.shared).toBe(false); // one slot: nothing to share
      expect(parseOptions({}).concurrency).toBe(1);
      if (native.info().cores > 1) {
        setThreads(2);
        expect(parseOptions({}).concurrency).toBe(2);
        expect(parseOptions({}).run.shared).toBe(true);
        expect(parseOptions({ concurrency: 1 }).run.shared).toBe(false);
        expect(parseOptions({ concurrency: 3 }).run.shared).toBe(true);
      }
      expect(parseOptions({ concurrency: 1 }).concurrency).toBe(1);
      expect(() => parseOptions({ concurrency: 0 })).toThrow(/concurrency must be a positive integer/);
    } finally {
      setThreads(before);
    }
  });
});
