// The GPU suite (`npm run test:gpu`): every cuSOLVER/cuBLAS operation against the CPU core on the
// shared reference inputs and random shapes up to MAX_N, batched against one-by-one, async against
// sync, and the error paths (non-finite input, out of GPU memory, with 'auto' falling back to the CPU).
// Skipped, saying why, when CUDA is unusable. test/19-cuda-mock.test.ts runs it on the CPU stand-in.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  backends,
  cudaMemory,
  eigvalshSync,
  gramEigvalshSync,
  gramSync,
  nativeStats,
  setCudaCrossover,
  DEFAULT_CUDA_CROSSOVER,
  svd,
  svdSync,
  svdvals,
  svdvalsBatchSync,
  svdvalsSync,
  type SvdOptions,
} from '../../src/index.js';
import { native } from '../../src/binding.js';
import { resolveContext, svdvalsIn } from '../../src/linalg/internal.js';
import { colOrthoError, reconstructionError, rowOrthoError } from '../helpers/linalg.js';
import { inputNames, loadInput, maxRelErr } from '../helpers/reference.js';
import { MAX_N, random, shapes, tol, type M } from './helpers.js';

const cuda = backends().cuda;
const why = cuda.available ? '' : ` (skipped: ${cuda.reason})`;
const dtypes = ['f64', 'f32'] as const;
const as32 = (m: M): M => ({ data: Float32Array.from(m.data), shape: m.shape });
const gpu = { backend: 'cuda' } as const;
const cpu = { backend: 'cpu' } as const;

describe.skipIf(!cuda.available)(`GPU backend: ${cuda.devices[0]?.name ?? 'none'}${why}`, () => {
  let freeBefore = 0;
  beforeAll(() => {
    // one call first: cuSOLVER/cuBLAS keep per-handle workspaces for the life of the process
    svdvalsSync(random(8, 8, 1, 'f64'), gpu);
    gramEigvalshSync(random(8, 8, 1, 'f64'), gpu);
    freeBefore = cudaMemory()!.free;
    console.log(`device: ${JSON.stringify(cuda.devices[0])}, runtime ${cuda.runtimeVersion}, cuSOLVER ${cuda.cusolverVersion}, MAX_N ${MAX_N}`);
  });
  afterEach(() => expect(nativeStats().deviceLiveBytes).toBe(0)); // every device buffer freed, errors included
  afterAll(() => {
    native._cudaRelease?.();
    setCudaCrossover(DEFAULT_CUDA_CROSSOVER);
  });

  describe('shared reference inputs: GPU = CPU', () => {
    for (const name of inputNames)
      for (const dt of dtypes)
        it(`${name} ${dt}: gesvdj, Xgesvdp and the Gram route`, () => {
          const m = dt === 'f64' ? loadInput(name) : as32(loadInput(name));
          const want = svdvalsSync(m, cpu);
          for (const method of ['gesvdj', 'gesvdp'] as const) {
            const got = svdvalsSync(m, { ...gpu, method });
            expect(got).toBeInstanceOf(m.data.constructor);
            expect(maxRelErr(got, want, want[0]), method).toBeLessThan(tol(dt));
          }
          const g = svdvalsSync(m, { ...gpu, method: 'gram' });
          const lmax = want[0] ** 2;
          expect(maxRelErr(Array.from(g, (v) => v * v), Array.from(want, (v) => v * v), lmax)).toBeLessThan(dt === 'f64' ? 1e-9 : 1e-4);
        });
  });

  describe(`random shapes up to ${MAX_N}: svdvals, gramEigvalsh, gram`, () => {
    let seed = 100;
    for (const [rows, cols] of shapes())
      for (const dt of dtypes)
        it(`${rows}x${cols} ${dt}`, async () => {
          const m = random(rows, cols, seed++, dt);
          const want = svdvalsSync(m, cpu);
          const got = await svdvals(m, gpu);
          expect(maxRelErr(got, want, want[0])).toBeLessThan(tol(dt));
          const wantG = gramEigvalshSync(m, cpu);
          const gotG = gramEigvalshSync(m, gpu);
          const lmax = wantG[wantG.length - 1];
          expect(maxRelErr(gotG, wantG, lmax)).toBeLessThan(dt === 'f64' ? 1e-9 : 1e-4);
          if (Math.min(rows, cols) <= 1024) {
            const G = gramSync(m, gpu), Gc = gramSync(m, cpu);
            expect(G.shape).toEqual(Gc.shape);
            expect(maxRelErr(G.data, Gc.data, lmax)).toBeLessThan(dt === 'f64' ? 1e-12 : 1e-5);
          }
        });
  });

  describe('eigvalsh (Xsyevd)', () => {
    for (const dt of dtypes)
      it(`${dt}: reads the lower triangle only, as the CPU does`, () => {
        const n = Math.min(300, MAX_N);
        const m = random(n, n, 7, dt);
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) m.data[i * n + j] = 1000 + i; // upper: not symmetric
        const want = eigvalshSync(m, cpu);
        const got = eigvalshSync(m, gpu);
        const scale = Math.max(Math.abs(want[0]), Math.abs(want[n - 1]));
        expect(maxRelErr(got, want, scale)).toBeLessThan(tol(dt));
      });
  });

  describe('svd: thin, full and top-k against the CPU', () => {
    // tall and wide: Xgesvdp is handed the transpose of a tall matrix (it gets m >= n only)
    const cases: [number, number][] = [[40, 25], [25, 40], [Math.min(300, MAX_N), Math.min(200, MAX_N)], [Math.min(150, MAX_N), Math.min(260, MAX_N)]];
    for (const [rows, cols] of cases)
      for (const dt of dtypes)
        for (const method of ['gesvdj', 'gesvdp'] as const)
          it(`${rows}x${cols} ${dt} ${method}`, async () => {
            const m = random(rows, cols, rows + cols, dt);
            const r = Math.min(rows, cols);
            const t = tol(dt);
            const want = svdvalsSync(m, cpu);
            const thin = await svd(m, { ...gpu, method });
            expect(thin.routine).toContain(method === 'gesvdj' ? 'gesvdj' : 'Xgesvdp');
            expect(thin.U.shape).toEqual([rows, r]);
            expect(thin.Vt.shape).toEqual([r, cols]);
            expect(maxRelErr(thin.S, want, want[0])).toBeLessThan(t);
            expect(reconstructionError(m.data, rows, cols, thin.U.data, r, thin.S, thin.Vt.data) / want[0]).toBeLessThan(10 * t);
            expect(colOrthoError(thin.U.data, rows, r)).toBeLessThan(100 * t);
            expect(rowOrthoError(thin.Vt.data, r, cols)).toBeLessThan(100 * t);
            const full = svdSync(m, { ...gpu, method, full: true });
            expect(full.U.shape).toEqual([rows, rows]);
            expect(full.Vt.shape).toEqual([cols, cols]);
            expect(colOrthoError(full.U.data, rows, rows)).toBeLessThan(100 * t);
            expect(rowOrthoError(full.Vt.data, cols, cols)).toBeLessThan(100 * t);
            const k = Math.max(1, r >> 2);
            const top = svdSync(m, { ...gpu, method, k } as SvdOptions);
            expect(top.S.length).toBe(k);
            expect(top.U.shape).toEqual([rows, k]);
            expect(top.Vt.shape).toEqual([k, cols]);
            expect(maxRelErr(top.S, thin.S.subarray(0, k), want[0])).toBeLessThan(t);
            // singular vectors match up to sign
            for (let j = 0; j < k; j++) {
              let dot = 0;
              for (let i = 0; i < rows; i++) dot += top.U.data[i * k + j] * thin.U.data[i * r + j];
              if (want[j] - (want[j + 1] ?? 0) > 1e-3 * want[0]) expect(Math.abs(Math.abs(dot) - 1)).toBeLessThan(100 * t);
            }
          });
  });

  describe('batched SVD', () => {
    const cases: [string, number, number, number][] = [
      ['gesvdjBatched (20x20 x 200)', 200, 20, 20],
      ['gesvdjBatched, wide (8x32 x 50)', 50, 8, 32],
      ['looped solver, tall (120x90 x 12)', 12, 120, 90],
      ['looped solver, wide (40x70 x 9)', 9, 40, 70],
    ];
    for (const [label, count, rows, cols] of cases)
      for (const dt of dtypes)
        it(`${label} ${dt}: = one-by-one on the GPU and = the CPU batch`, () => {
          const ms = Array.from({ length: count }, (_, i) => random(rows, cols, 1000 + i, dt));
          const batch = svdvalsBatchSync(ms, gpu);
          const cpuBatch = svdvalsBatchSync(ms, cpu);
          expect(batch.length).toBe(count);
          ms.forEach((m, i) => {
            const one = svdvalsSync(m, gpu);
            expect(maxRelErr(batch[i], one, one[0])).toBeLessThan(tol(dt));
            expect(maxRelErr(batch[i], cpuBatch[i], cpuBatch[i][0])).toBeLessThan(tol(dt));
          });
        });
  });

  it('16 async calls in flight give the sync results (one GPU job at a time, off the event loop)', async () => {
    const ms = Array.from({ length: 16 }, (_, i) => random(64 + i, 48, 2000 + i, 'f64'));
    const got = await Promise.all(ms.map((m) => svdvals(m, gpu)));
    ms.forEach((m, i) => expect(maxRelErr(got[i], svdvalsSync(m, gpu), 1)).toBe(0));
  });

  it("'auto' uses the GPU from the crossover size up, the CPU below it", () => {
    const m = random(64, 48, 5, 'f64');
    setCudaCrossover(0);
    expect(svdSync(m).routine).toMatch(/^cusolverDn/);
    setCudaCrossover(Infinity);
    expect(svdSync(m).routine).toBe('dgesdd');
    setCudaCrossover(DEFAULT_CUDA_CROSSOVER);
  });

  describe('native execution: one set of preconditions, the GPU lane, rank-sensitive routing', () => {
    it('top-k with k > min(rows, cols) is E_SHAPE on the GPU path too, checked natively', () => {
      const m = random(6, 4, 1, 'f64');
      expect(() => native.svd(m.data, 6, 4, 5, 1 << 2, 0)).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    });

    it('a float32 Gram the CPU computes is computed on the GPU too (scale-safe on both), with the same values', () => {
      const m = { data: Float32Array.from(random(100, 80, 2, 'f64').data, (v) => v * 1e18), shape: [100, 80] as [number, number] };
      const cpuS = svdvalsSync(m, { ...cpu, method: 'gram' });
      const gpuS = svdvalsSync(m, { ...gpu, method: 'gram' });
      expect(maxRelErr(gpuS, cpuS, cpuS[0])).toBeLessThan(1e-4);
      const tiny = { data: Float32Array.from(random(100, 80, 3, 'f64').data, (v) => v * 1e-30), shape: [100, 80] as [number, number] };
      const t = svdvalsSync(tiny, { ...gpu, method: 'gram' });
      expect(t[0]).toBeGreaterThan(0);
      expect(maxRelErr(t, svdvalsSync(tiny, cpu), t[0])).toBeLessThan(1e-4);
    });

    it("rank-sensitive work ('small-values') under 'auto' stays on the CPU's gesdd; under 'cuda' it is gesvdj", async () => {
      const m = random(80, 60, 4, 'f64');
      setCudaCrossover(0);
      try {
        expect((await svdvalsIn(resolveContext({ accuracy: 'small-values' }, 't'), m)).routine).toBe('dgesdd');
        expect((await svdvalsIn(resolveContext({}, 't'), m)).routine).toMatch(/^cusolverDn/);
        expect((await svdvalsIn(resolveContext({ accuracy: 'small-values', backend: 'cuda' }, 't'), m)).routine).toBe('cusolverDnDgesvdj');
      } finally {
        setCudaCrossover(DEFAULT_CUDA_CROSSOVER);
      }
    });

    it('a sync GPU call does not wait for the GPU lane: it returns while async GPU jobs are still in flight', async () => {
      const ps = Array.from({ length: 8 }, (_, i) => svdvals(random(800, 800, 5 + i, 'f64'), gpu));
      await new Promise((r) => setTimeout(r, 10));
      const small = random(30, 20, 6, 'f64');
      const s = svdvalsSync(small, gpu);
      const lane = native.stats().scheduler;
      expect(maxRelErr(s, svdvalsSync(small, cpu), s[0])).toBeLessThan(1e-10);
      expect(lane.gpuRunning + lane.gpuQueued).toBeGreaterThan(0);
      await Promise.all(ps);
    });
  });

  describe('errors', () => {
    it('NaN/Inf input: E_NONFINITE before anything reaches the device', async () => {
      const m = random(30, 20, 3, 'f64');
      m.data[7 * 20 + 4] = NaN;
      expect(() => svdvalsSync(m, gpu)).toThrow(expect.objectContaining({ code: 'E_NONFINITE', message: expect.stringContaining('[7, 4]') }));
      await expect(svdvals(m, gpu)).rejects.toMatchObject({ code: 'E_NONFINITE' });
      expect(() => gramEigvalshSync(m, gpu)).toThrow(expect.objectContaining({ code: 'E_NONFINITE' }));
      const b = [random(5, 5, 1, 'f64'), { ...random(5, 5, 2, 'f64') }];
      b[1].data[3] = Infinity;
      expect(() => svdvalsBatchSync(b, gpu)).toThrow(expect.objectContaining({ code: 'E_NONFINITE', message: expect.stringContaining('matrix 1') }));
      expect(nativeStats().deviceLiveBytes).toBe(0);
    });

    it('a Gram matrix that would overflow float32: E_NONFINITE, not an Inf sent to Xsyevd', () => {
      const m = { data: new Float32Array(4).fill(3e19), shape: [2, 2] as [number, number] };
      expect(() => gramEigvalshSync(m, gpu)).toThrow(expect.objectContaining({ code: 'E_NONFINITE' }));
    });

    it.skipIf(!native.info().testHooks)("out of GPU memory: E_CUDA_OOM with the bytes needed and free; 'auto' reruns on the CPU (skipped without the test hooks)", async () => {
      // Hold nearly all free device memory (a busy GPU), then ask for more than is left.
      const free = cudaMemory()!.free;
      const held = [1, 16, 64, 256].some((mib) => native._cudaHold!(free - mib * 2 ** 20));
      expect(held).toBe(true);
      const left = cudaMemory()!.free;
      const n = Math.ceil(Math.sqrt((left * 1.5 + 2 ** 20) / 8));
      const m = random(n, n, 9, 'f64');
      try {
        let err: any;
        try {
          svdvalsSync(m, gpu);
        } catch (e) {
          err = e;
        }
        expect(err).toMatchObject({ code: 'E_CUDA_OOM' });
        expect(err.message).toMatch(/needs \d+ bytes .* \d+ bytes .* free/);
        await expect(svdvals(m, gpu)).rejects.toMatchObject({ code: 'E_CUDA_OOM' });
        expect(() => gramSync(m, gpu)).toThrow(expect.objectContaining({ code: 'E_CUDA_OOM' }));
        setCudaCrossover(0);
        const fallback = await svdvals(m); // 'auto': GPU first, then the CPU
        expect(maxRelErr(fallback, svdvalsSync(m, cpu), 1)).toBe(0);
      } finally {
        native._cudaRelease!();
        setCudaCrossover(DEFAULT_CUDA_CROSSOVER);
      }
      expect(nativeStats().deviceLiveBytes).toBe(0);
    });

    it('every device buffer was freed: free memory is back where it started', () => {
      expect(nativeStats().deviceLiveBytes).toBe(0);
      // other processes may use the same GPU: allow their drift, but nothing of ours
      expect(Math.abs(cudaMemory()!.free - freeBefore)).toBeLessThan(64 << 20);
    });
  });
});
