// The training tracker: per-layer series checked against closed forms, warnings when alpha crosses out of the
// range, JSONL written per record (a killed process keeps every finished record) and read back.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, createTracker, readTrack, type NamedWeight } from '../src/index.js';
import { distUrl, runModule } from './helpers/child.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-tracker-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let seed = 12345;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
const gauss = () => Math.sqrt(-2 * Math.log(rnd())) * Math.cos(2 * Math.PI * rnd());
const cauchy = () => Math.tan(Math.PI * (rnd() - 0.5));
const mat = (f: () => number, r = 400, c = 200) => ({ data: Float64Array.from({ length: r * c }, f), shape: [r, c] as [number, number] });

describe('Tracker', () => {
  it('keeps stable_rank, effective rank, spectral norm and cos(W, ∇L) per layer, as their closed forms', async () => {
    const W = { data: new Float64Array([3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0]), shape: [4, 3] as [number, number] }; // σ = 3, 2, 1
    const G = { data: new Float64Array(12).map(() => gauss()), shape: [4, 3] as [number, number] };
    const t = createTracker({ analyze: { minEvals: 2 } });
    const vW = mat(gauss, 60, 40);
    const rec = await t.record(1, [{ name: 'w', W }, { name: 'v', W: vW }], { gradients: { w: G, v: { data: Float64Array.from(vW.data, (x) => -0.5 * x) } } });
    const l = rec.layers.find((x) => x.name === 'w')!;
    expect(l.stableRank).toBeCloseTo(14 / 9, 12); // Σσ² / σ_max²
    const p = [3 / 6, 2 / 6, 1 / 6];
    expect(l.effectiveRank).toBeCloseTo(Math.exp(-p.reduce((a, q) => a + q * Math.log(q), 0)), 12); // exp(entropy of σ/Σσ)
    expect(l.spectralNorm).toBeCloseTo(9, 12); // λ_max = σ_max² (WeightWatcher)
    const dot = W.data.reduce((a, w, i) => a + w * G.data[i], 0);
    expect(l.cosGrad).toBeCloseTo(dot / (Math.hypot(...W.data) * Math.hypot(...G.data)), 12);
    const v = rec.layers.find((x) => x.name === 'v')!;
    expect(v.cosGrad).toBeCloseTo(-1, 12); // ∇L = −λW at a weight-decay stationary point
    expect(v.alpha).not.toBeNull();
    expect(v.traps).toBeNull(); // traps not asked
  });

  it('matches analyze() layer by layer, counts traps when asked, and warns when alpha crosses the range', async () => {
    const warned: string[] = [];
    const t = createTracker({ traps: true, alphaRange: [2, 5], onWarning: (w) => warned.push(`${w.step}:${w.kind}`) });
    seed = 12345;
    const g1 = mat(gauss);
    const c1 = mat(cauchy);
    const steps: [number, NamedWeight[]][] = [[1, [{ name: 'a', W: g1 }]], [2, [{ name: 'a', W: c1 }]], [3, [{ name: 'a', W: c1 }]], [4, [{ name: 'a', W: g1 }]]];
    for (const [s, w] of steps) await t.record(s, w);
    const ref = (await analyze([{ name: 'a', W: g1 }], { metrics: ['rank', 'traps'] })).layers[0];
    expect(ref.alpha).toBeGreaterThan(5);
    expect((await analyze([{ name: 'a', W: c1 }])).layers[0].alpha).toBeLessThan(2);
    const first = t.history[0].layers[0];
    expect(first).toMatchObject({ alpha: ref.alpha, D: ref.D, stableRank: ref.stableRank, effectiveRank: ref.effectiveRank, traps: ref.randNumSpikes });
    expect(warned).toEqual(['1:alpha>5', '2:alpha<2', '4:alpha>5']);
    expect(t.warnings[1]).toMatchObject({ layer: 'a', previous: ref.alpha });
    expect(t.series('a', 'alpha').steps).toEqual([1, 2, 3, 4]);
    expect(t.series('a', 'alpha').values[3]).toBe(ref.alpha);
  });

  it('appends one JSON line per record; readTrack reads it back and drops a last line cut short', async () => {
    const file = path.join(tmp, 'track.jsonl');
    const t = createTracker({ path: file, analyze: { minEvals: 2 } });
    seed = 7;
    for (let s = 1; s <= 3; s++) await t.record(s * 10, [{ name: 'x', W: mat(gauss, 30, 20) }], { meta: { epoch: s } });
    t.close();
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(lines.map((l) => l.step)).toEqual([10, 20, 30]);
    expect(lines[0].layers[0]).toHaveProperty('stable_rank', t.history[0].layers[0].stableRank);
    expect(readTrack(file)).toEqual({ records: JSON.parse(JSON.stringify(t.history)), truncated: false });
    fs.appendFileSync(file, '{"step": 40, "lay');
    expect(readTrack(file).truncated).toBe(true);
    expect(readTrack(file).records.length).toBe(3);
    fs.writeFileSync(path.join(tmp, 'bad.jsonl'), 'nope\n{"step":1,"layers":[]}\n');
    expect(() => readTrack(path.join(tmp, 'bad.jsonl'))).toThrow(expect.objectContaining({ code: 'E_FORMAT' }));
  });

  it('a process killed after two records leaves both in the file', async () => {
    const file = path.join(tmp, 'killed.jsonl');
    const src = `
      const { createTracker } = await import(${JSON.stringify(distUrl)});
      const t = createTracker({ path: ${JSON.stringify(file)}, analyze: { minEvals: 2 } });
      const W = { data: Float64Array.from({ length: 600 }, (_, i) => Math.sin(i * i)), shape: [30, 20] };
      await t.record(1, [{ name: 'w', W }]);
      await t.record(2, [{ name: 'w', W }]);
      process.kill(process.pid, 'SIGKILL');`;
    const r = await runModule(src);
    expect(r.signal).toBe('SIGKILL');
    expect(readTrack(file).records.map((x) => x.step)).toEqual([1, 2]);
  });

  it('refuses bad steps, options and gradients with typed errors', async () => {
    const t = createTracker({ analyze: { minEvals: 2 } });
    const W = mat(gauss, 30, 20);
    await t.record(5, [{ name: 'w', W }]);
    await expect(t.record(5, [{ name: 'w', W }])).rejects.toMatchObject({ code: 'E_OPTION' });
    await expect(t.record(6, [{ name: 'w', W }], { gradients: { w: new Float64Array(3) } })).rejects.toMatchObject({ code: 'E_SHAPE' });
    await expect(t.record(7, 'model.safetensors', { gradients: {} })).rejects.toMatchObject({ code: 'E_OPTION' });
    expect(() => createTracker({ alphaRange: [6, 2] })).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
    expect(() => createTracker({ bogus: 1 } as never)).toThrow(expect.objectContaining({ code: 'E_OPTION' }));
  });
});
