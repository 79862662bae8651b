// The whole-model read path (src/model/native-load.ts, pipeline.ts): file weights read, widened and
// transposed natively, in the analysis precision, one layer ahead; tfjs models through the async data().
// Fixtures: test/fixtures/pipeline/generate_pipeline.py (official safetensors writer; numpy widens the reference).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, listTensors, nativeStats, openModel, svdvals, svdvalsSync, type LayersModelLike } from '../src/index.js';
import { isAdopted, release, snapshot, snapshotInSlices } from '../src/linalg/internal.js';
import { loadRange } from '../src/model/native-load.js';
import { Prefetcher } from '../src/model/pipeline.js';
import type { Job } from '../src/model/jobs.js';
import { fixturesDir } from './helpers/reference.js';

const dir = join(fixturesDir, 'pipeline');
const F16 = join(dir, 'f16.safetensors');
const F32 = join(dir, 'f32ref.safetensors');

async function all(file: string) {
  const out = new Map<string, { data: Float32Array | Float64Array; shape: number[] }>();
  for await (const t of await openModel(file)) out.set(t.name, { data: t.data, shape: t.shape });
  return out;
}

const COLS = ['alpha', 'D', 'xmin', 'lambdaMax', 'stableRank', 'logNorm', 'matrixRank', 'entropy', 'numericalRank', 'effectiveRank'] as const;

describe('native read path', () => {
  it('F16 weights widen exactly to numpy\'s float32 values; the yielded arrays are the user\'s (not adopted)', async () => {
    const a = await all(F16);
    const b = await all(F32);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [k, t] of a) {
      expect(t.data).toBeInstanceOf(Float32Array);
      expect(t.shape).toEqual(b.get(k)!.shape);
      expect(Buffer.compare(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength), Buffer.from(b.get(k)!.data.buffer, b.get(k)!.data.byteOffset, b.get(k)!.data.byteLength))).toBe(0);
      expect(isAdopted(t.data)).toBe(false);
    }
  });

  it('loadRange: transpose and float64 in one pass; an error names the tensor', async () => {
    const ref = (await all(F32)).get('blocks.0.mlp.weight')!; // (64, 160)
    const listing = await listTensors(F16);
    const src = listing.tensors.find((t) => t.name === 'blocks.0.mlp.weight')!.source;
    const range = { file: F16, offset: src.offset!, byteLength: src.byteLength!, dtype: 'float16' as const, shape: [64, 160], layout: 'transpose' as const, what: "tensor 'x'" };
    const t = await loadRange(range, { as: 'float64' });
    expect(t).toBeInstanceOf(Float64Array);
    expect(isAdopted(t)).toBe(true);
    for (let i = 0; i < 64; i++) for (let j = 0; j < 160; j++) expect(t[j * 64 + i]).toBe(ref.data[i * 160 + j]);
    await expect(loadRange({ ...range, offset: 1e9 })).rejects.toMatchObject({ code: 'E_FORMAT', message: expect.stringMatching(/^tensor 'x': /) });
  });

  it('analyze(file) equals analyze of the numpy-widened arrays, in float32 and float64', async () => {
    const ref = await all(F32);
    // default: the Gram route in float64; 'float32' alone selects gesdd in float32
    for (const precision of [undefined, 'float32', 'float64'] as const) {
      const opts = precision ? { precision } : {};
      const fromFile = await analyze(F16, opts);
      const arrays = [...ref].map(([name, t]) => ({ name, W: { data: t.data.slice(), shape: t.shape as [number, number] } }));
      const fromArrays = await analyze(arrays, opts);
      expect(fromFile.layers.map((l) => l.name)).toEqual(fromArrays.layers.map((l) => l.name));
      expect(fromFile.layers.length).toBe(5);
      fromFile.layers.forEach((l, i) => {
        const m = fromArrays.layers[i];
        expect(l.dtype).toBe(precision ?? 'float64');
        expect(l.route).toBe(precision === 'float32' ? 'gesdd' : 'gram');
        for (const c of COLS) expect(l[c], `${l.name} ${c}`).toBe(m[c]);
      });
    }
  });

  it('a tfjs model is read with the async data(), never dataSync()', async () => {
    const ref = await all(F32);
    const d = ref.get('blocks.0.mlp.weight')!; // used as a Dense kernel (in 64, out 160)
    let asyncReads = 0;
    const model: LayersModelLike = {
      layers: [{
        name: 'dense', getClassName: () => 'Dense',
        getWeights: () => [{ shape: [64, 160], name: 'kernel', dtype: 'float32', dataSync: () => { throw new Error('dataSync called'); }, data: async () => (asyncReads++, d.data) }],
      }],
    };
    const r = await analyze(model);
    expect(asyncReads).toBe(1);
    expect(r.layers).toHaveLength(1);
    const t = new Float32Array(64 * 160);
    for (let i = 0; i < 64; i++) for (let j = 0; j < 160; j++) t[j * 64 + i] = d.data[i * 160 + j];
    const m = await analyze([{ name: 'dense/kernel', W: { data: t, shape: [160, 64] } }]);
    expect(r.layers[0].shape).toEqual([160, 64]);
    for (const c of COLS) expect(r.layers[0][c], c).toBe(m.layers[0][c]);
  });
});

describe('Prefetcher', () => {
  function jobs(n: number, log: string[], inFlight: { now: number; max: number }): Job[] {
    return Array.from({ length: n }, (_, i): Job => ({
      name: `l${i}`, layerId: i, kind: 'dense', shape: [2, 2],
      load: async () => {
        log.push(`start ${i}`);
        inFlight.now++;
        inFlight.max = Math.max(inFlight.max, inFlight.now);
        await new Promise((r) => setTimeout(r, 5));
        inFlight.now--;
        return { data: new Float32Array([i, 0, 0, i]), shape: [2, 2] };
      },
    }));
  }

  it('reads one layer ahead, skips unwanted ones, and hands back owned memory', async () => {
    const log: string[] = [];
    const f = { now: 0, max: 0 };
    const js = jobs(5, log, f);
    const p = new Prefetcher(js, undefined, (j) => j.name !== 'l2');
    for (const i of [0, 1, 3, 4]) {
      const W = await p.take(i);
      expect(W.data[0]).toBe(i);
      expect(isAdopted(W.data)).toBe(true);
    }
    expect(log).toEqual(['start 0', 'start 1', 'start 3', 'start 4']);
    expect(f.max).toBeLessThanOrEqual(2);
  });

  it('a read ahead that fails is reported when taken, and one never taken is harmless', async () => {
    const js = jobs(3, [], { now: 0, max: 0 });
    js[1].load = async () => { throw new Error('boom'); };
    const p = new Prefetcher(js, 'float64', () => true);
    const W = await p.take(0);
    expect(W.data).toBeInstanceOf(Float64Array);
    await expect(p.take(1)).rejects.toThrow('boom');
    p.close();
  });
});

describe('analyze() with a signal', () => {
  it('aborted during a layer: that layer finishes, no other starts, AbortError with the reason', async () => {
    const ac = new AbortController();
    const done: string[] = [];
    const p = analyze(F16, { signal: ac.signal, onProgress: (e) => (done.push(e.name), ac.abort('next epoch')) });
    await expect(p).rejects.toMatchObject({ name: 'AbortError', cause: 'next epoch' });
    expect(done).toHaveLength(1);
  });

  it('already aborted: rejects before reading; a non-signal is E_OPTION', async () => {
    let reads = 0;
    const model: LayersModelLike = { layers: [{ name: 'd', getClassName: () => 'Dense', getWeights: () => [{ shape: [8, 8], dataSync: () => new Float32Array(64), data: async () => (reads++, new Float32Array(64)) }] }] };
    await expect(analyze(model, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(reads).toBe(0);
    await expect(analyze(model, { signal: {} as AbortSignal })).rejects.toMatchObject({ code: 'E_OPTION' });
  });
});

describe('snapshotInSlices: the copy of an in-memory layer, a slice per turn of the event loop', () => {
  const SLICE = 1 << 18;

  it('equals the input at every length around the slice size, converted as TypedArray conversion does', async () => {
    for (const n of [1, SLICE - 1, SLICE, SLICE + 1, 3 * SLICE + 5]) {
      const a = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 1e3 + i);
      const b = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.11) * 1e-3 + 1e30 * (i % 7 === 0 ? 1 : 0));
      for (const [src, p, want] of [
        [a, undefined, a],
        [a, 'float64', Float64Array.from(a)],
        [b, undefined, b],
        [b, 'float32', Float32Array.from(b, Math.fround)],
      ] as const) {
        const out = await snapshotInSlices(src, p);
        expect(out.constructor).toBe(want.constructor);
        expect(isAdopted(out)).toBe(true);
        expect(out.length).toBe(n);
        let bad = 0;
        for (let i = 0; i < n; i++) if (!Object.is(out[i], want[i])) bad++;
        expect(bad, `n ${n}, precision ${p}`).toBe(0);
      }
    }
  });

  it('yields between slices (other tasks run during a large copy) and says E_DETACHED when the input is transferred meanwhile', async () => {
    const a = new Float32Array(8 * SLICE).fill(1);
    // a task that re-queues itself runs once per turn of the loop: it runs between the slices
    let ticks = 0;
    let on = true;
    const tick = () => on && (ticks++, setImmediate(tick));
    setImmediate(tick);
    await snapshotInSlices(a);
    on = false;
    expect(ticks).toBeGreaterThanOrEqual(7);
    const b = new Float32Array(8 * SLICE).fill(2);
    const pending = snapshotInSlices(b);
    setImmediate(() => structuredClone(b.buffer, { transfer: [b.buffer] }));
    await expect(pending).rejects.toMatchObject({ code: 'E_DETACHED' });
  });
});

describe('release: a layer\'s native block goes back to the pool when analyze() is done with it, not at GC', () => {
  it('detaches the array; a job already reading it keeps its own reference and gives the right answer', async () => {
    const src = Float64Array.from({ length: 300 * 200 }, (_, i) => Math.sin(i * 0.7));
    const want = svdvalsSync({ data: src, shape: [300, 200] });
    const m = snapshot({ data: src, shape: [300, 200] });
    const pending = svdvals(m);
    release(m.data);
    expect(m.data.length).toBe(0); // detached: nothing can read the memory through it any more
    expect(isAdopted(m.data)).toBe(false);
    expect(Array.from(await pending)).toEqual(Array.from(want));
    release(m.data); // twice: nothing more happens
    const mine = new Float64Array(4);
    release(mine); // not weightscope's: untouched
    expect(mine.length).toBe(4);
  });

  it('after analyze() of in-memory layers, none of the layers\' copies is still held (no GC needed)', async () => {
    const layers = Array.from({ length: 3 }, (_, k) => ({
      name: `l${k}.weight`,
      W: { data: Float32Array.from({ length: 512 * 384 }, (_, i) => Math.sin(i * (0.3 + k))), shape: [512, 384] as [number, number] },
    }));
    const before = nativeStats().liveBytes;
    const r = await analyze(layers);
    expect(r.layers).toHaveLength(3);
    // what is left is small results waiting for GC (singular values: a few KiB), not the 768 KiB layer copies
    expect(nativeStats().liveBytes - before).toBeLessThan((512 * 384 * 4) / 8);
  });
});
