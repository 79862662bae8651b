// Correlation traps (formulas.md §5): shuffled-W MP spikes, rand_distance, ww_softrank, our KS addition.
import { describe, expect, it } from 'vitest';
import { esd } from '../src/esd/index.js';
import { WeightscopeError } from '../src/index.js';
import {
  correlationTraps,
  correlationTrapsSync,
  jensenShannonDistance,
  shuffled,
  xoshiro128,
} from '../src/metrics/heavytail/index.js';
import { loadInput } from './helpers/heavytail-reference.js';
import { convOihw, toHwio } from './helpers/heavytail-fixtures.js';

function withBlock(): { data: Float64Array; shape: [number, number] } {
  const g = loadInput('gauss');
  const data = g.data.slice();
  for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) data[i * 256 + j] += 40;
  return { data, shape: [512, 256] };
}

describe('trap counts', () => {
  it('Gaussian W: no traps (seeds 0, 1, 2)', async () => {
    for (const seed of [0, 1, 2]) {
      const t = await correlationTraps(loadInput('gauss'), { seed });
      expect(t.randNumSpikes).toBe(0);
      expect(t.shuffles).toBe(1); // M = 256 >= 100
      expect(t.randEsd.length).toBe(256);
      expect(t.mpKs.pValue).toBeGreaterThan(0.01); // the shuffled ESD is MP
    }
  });
  it('Gaussian + 40 on an 8x8 block: the 64 large entries become traps (about 40 spikes)', async () => {
    const counts: number[] = [];
    for (const seed of [0, 1, 2]) {
      const t = await correlationTraps(withBlock(), { seed });
      counts.push(t.randNumSpikes);
      expect(t.mpKs.pValue).toBeLessThan(1e-3);
    }
    console.log('gauss + 8x8 block of 40: rand_num_spikes for seeds 0..2 =', counts.join(', '));
    for (const c of counts) expect(c).toBeGreaterThan(20);
  });
  it('student-t(3) entries: several traps', async () => {
    const counts: number[] = [];
    for (const seed of [0, 1, 2]) counts.push((await correlationTraps(loadInput('student'), { seed })).randNumSpikes);
    console.log('student-t(3): rand_num_spikes for seeds 0..2 =', counts.join(', '));
    for (const c of counts) expect(c).toBeGreaterThanOrEqual(2);
  });
  it('spiked (low-rank signal, Gaussian entries): shuffling removes the spikes', async () => {
    expect((await correlationTraps(loadInput('spiked'))).randNumSpikes).toBe(0);
  });
});

describe('distances and soft ranks', () => {
  it('rand_distance: tiny for a Gaussian W, large when W has a low-rank signal', async () => {
    const g = await correlationTraps(loadInput('gauss'));
    const s = await correlationTraps(loadInput('spiked'));
    expect(g.randDistance).toBeLessThan(0.02);
    expect(s.randDistance).toBeGreaterThan(0.1);
    // ww_softrank = max λ_rand / λ_max: ~1 for noise, small when λ_max is a spike
    expect(g.wwSoftrank).toBeGreaterThan(0.9);
    expect(s.wwSoftrank).toBeLessThan(0.25);
    const e = await esd(loadInput('spiked'));
    const lmax = e.evals[e.evals.length - 1];
    expect(s.wwMaxdist).toBeCloseTo(lmax * (1 - s.wwSoftrank), 6);
  });
  it('given evals are used as is; the same seed gives the same result, sync = async', async () => {
    const W = loadInput('student');
    const e = await esd(W);
    const a = await correlationTraps(W, { seed: 5, evals: e.evals });
    const b = correlationTrapsSync(W, { seed: 5 });
    expect(Array.from(a.randEsd)).toEqual(Array.from(b.randEsd));
    expect(a.randDistance).toBeCloseTo(b.randDistance, 12); // layer σ from svdvals vs the batch: last bits
    const c = await correlationTraps(W, { seed: 6 });
    expect(Array.from(c.randEsd)).not.toEqual(Array.from(a.randEsd));
  });
  it('Jensen–Shannon distance closed forms', () => {
    expect(jensenShannonDistance(Float64Array.of(1, 2, 3), Float64Array.of(2, 4, 6))).toBe(0);
    expect(jensenShannonDistance(Float64Array.of(1, 0), Float64Array.of(0, 1))).toBeCloseTo(Math.sqrt(Math.LN2), 15);
  });
});

describe('small and conv2d layers', () => {
  it('M < 100 pools 5 shuffles (WW)', async () => {
    const t = await correlationTraps(loadInput('wide'));
    expect(t.shuffles).toBe(5);
    expect(t.randEsd.length).toBe(5 * 64);
    expect(t.randNumSpikes).toBe(0);
  });
  it('conv2d: each slice shuffled, pooled, ×0.5 like the layer ESD; both layouts', async () => {
    for (const W of [convOihw(), toHwio(convOihw())]) {
      const t = await correlationTraps(W, { shuffles: 1 });
      expect(t.randEsd.length).toBe(9 * 16);
      expect(t.randNumSpikes).toBe(0);
      expect(t.wwSoftrank).toBeGreaterThan(0.7);
      expect(t.wwSoftrank).toBeLessThan(1.3);
    }
  });
});

describe('PRNG', () => {
  it('xoshiro128**: deterministic, uniform in [0, 1), shuffles are permutations', () => {
    const a = xoshiro128(42);
    const b = xoshiro128(42);
    let mean = 0;
    for (let i = 0; i < 100000; i++) {
      const u = a.next();
      expect(u).toBe(b.next());
      mean += u;
    }
    expect(mean / 100000).toBeCloseTo(0.5, 2);
    const x = Float64Array.from({ length: 1000 }, (_, i) => i);
    const y = shuffled(x, xoshiro128(1));
    expect(Array.from(y).sort((p, q) => p - q)).toEqual(Array.from(x));
    expect(Array.from(y)).not.toEqual(Array.from(x));
    expect(x[10]).toBe(10); // the input is not touched
  });
});

describe('errors', () => {
  const W = loadInput('wide');
  it.each([{ seed: 1.5 }, { seed: 'a' }, { shuffles: 0 }, { shuffles: 1000 }, { bogus: 1 }])('bad option %o', async (o) => {
    await expect(correlationTraps(W, o as never)).rejects.toMatchObject({ code: 'E_OPTION' });
  });
  it('evals of the wrong length or with NaN', async () => {
    await expect(correlationTraps(W, { evals: [1, 2, 3] })).rejects.toMatchObject({ code: 'E_SHAPE' });
    const bad = new Float64Array(64).fill(1);
    bad[3] = NaN;
    await expect(correlationTraps(W, { evals: bad })).rejects.toMatchObject({ code: 'E_NONFINITE' });
  });
  it('bad weight', () => {
    expect(() => correlationTrapsSync({ data: [1], shape: [1, 1] } as never)).toThrow(WeightscopeError);
  });
});
