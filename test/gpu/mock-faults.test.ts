// Faults only the CPU stand-in for CUDA can produce on demand (test/cuda/mock_cuda.cc reads them from the
// environment at each call): solver non-convergence, failing status codes, and a log of which
// cuSOLVER/cuBLAS routines ran. Skipped on a real GPU, where these cannot be forced.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import {
  DEFAULT_CUDA_CROSSOVER,
  eigvalshSync,
  gramEigvalshSync,
  nativeStats,
  setCudaCrossover,
  svdSync,
  svdvals,
  svdvalsBatch,
  svdvalsBatchSync,
  svdvalsSync,
} from '../../src/index.js';
import { isMock, random } from './helpers.js';

const gpu = { backend: 'cuda' } as const;
const log = join(tmpdir(), `weightscope-mock-log-${process.pid}.txt`);

function calls(run: () => unknown): string[] {
  rmSync(log, { force: true });
  process.env.MOCK_CUDA_LOG = log;
  try {
    run();
  } finally {
    delete process.env.MOCK_CUDA_LOG;
  }
  return readFileSync(log, 'utf8').trim().split('\n');
}

describe.skipIf(!isMock)('GPU path against injected faults (CPU stand-in for CUDA)', () => {
  afterEach(() => {
    delete process.env.MOCK_CUSOLVER_INFO;
    delete process.env.MOCK_CUSOLVER_STATUS;
    expect(nativeStats().deviceLiveBytes).toBe(0); // freed on every error path
  });

  it('solver info > 0 is E_LAPACK naming the routine and info, for every solver', async () => {
    process.env.MOCK_CUSOLVER_INFO = '5';
    const m = random(30, 20, 1, 'f64');
    expect(() => svdvalsSync(m, { ...gpu, method: 'gesvdj' })).toThrow(
      expect.objectContaining({ code: 'E_LAPACK', routine: 'cusolverDnDgesvdj', info: 5, message: expect.stringContaining('did not converge') }),
    );
    await expect(svdvals(m, { ...gpu, method: 'gesvdp' })).rejects.toMatchObject({ code: 'E_LAPACK', routine: 'cusolverDnXgesvdp(f64)' });
    expect(() => svdSync(random(9, 6, 2, 'f32'), gpu)).toThrow(expect.objectContaining({ code: 'E_LAPACK', routine: 'cusolverDnSgesvdj' }));
    expect(() => eigvalshSync(random(8, 8, 3, 'f64'), gpu)).toThrow(expect.objectContaining({ code: 'E_LAPACK', routine: 'cusolverDnXsyevd(f64)' }));
    expect(() => gramEigvalshSync(m, gpu)).toThrow(expect.objectContaining({ code: 'E_LAPACK' }));
    expect(() => svdvalsBatchSync([random(4, 4, 1, 'f64'), random(4, 4, 2, 'f64')], gpu)).toThrow(
      expect.objectContaining({ code: 'E_LAPACK', message: expect.stringMatching(/^matrix 0: cusolverDnDgesvdjBatched/) }),
    );
  });

  it('a failing cuSOLVER status is E_CUDA with the status name and the call', () => {
    process.env.MOCK_CUSOLVER_STATUS = '7';
    expect(() => svdvalsSync(random(10, 10, 1, 'f64'), gpu)).toThrow(
      expect.objectContaining({ code: 'E_CUDA', routine: 'cusolverDnDgesvdj', info: 7, message: expect.stringContaining('CUSOLVER_STATUS_INTERNAL_ERROR') }),
    );
    process.env.MOCK_CUSOLVER_STATUS = '2';
    expect(() => eigvalshSync(random(10, 10, 1, 'f64'), gpu)).toThrow(expect.objectContaining({ code: 'E_CUDA_OOM' }));
  });

  it("'auto' reruns a failing GPU call on the CPU, with one warning; 'cuda' does not", async () => {
    const m = random(40, 30, 4, 'f64');
    const want = svdvalsSync(m, { backend: 'cpu' });
    const warnings: string[] = [];
    const onWarning = (w: Error & { code?: string }) => warnings.push(`${w.code}: ${w.message}`);
    process.on('warning', onWarning);
    setCudaCrossover(0);
    try {
      process.env.MOCK_CUSOLVER_STATUS = '7';
      expect(Array.from(svdvalsSync(m))).toEqual(Array.from(want));
      expect(Array.from(await svdvals(m))).toEqual(Array.from(want));
      expect(() => svdvalsSync(m, gpu)).toThrow(expect.objectContaining({ code: 'E_CUDA' }));
      delete process.env.MOCK_CUSOLVER_STATUS;
      process.env.MOCK_CUSOLVER_INFO = '3';
      expect(Array.from(svdvalsSync(m))).toEqual(Array.from(want));
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^WEIGHTSCOPE_GPU_FALLBACK: the GPU failed \(cusolverDn.*CUSOLVER_STATUS_INTERNAL_ERROR/);
    } finally {
      process.off('warning', onWarning);
      setCudaCrossover(DEFAULT_CUDA_CROSSOVER);
    }
  });

  it("'auto' falls back inside the native job, on the job's own copy: zeroing the buffer after the call changes nothing", async () => {
    const m = random(60, 45, 11, 'f64');
    const want = Array.from(svdvalsSync(m, { backend: 'cpu' }));
    setCudaCrossover(0);
    process.env.MOCK_CUSOLVER_STATUS = '7'; // every GPU solve fails
    try {
      const p = svdvals(m);
      m.data.fill(0); // the caller reuses its buffer at once
      expect(Array.from(await p)).toEqual(want);
      const b = svdvalsBatch([random(40, 30, 1, 'f64'), random(40, 30, 2, 'f64')]);
      expect((await b).length).toBe(2);
    } finally {
      delete process.env.MOCK_CUSOLVER_STATUS;
      setCudaCrossover(DEFAULT_CUDA_CROSSOVER);
    }
  });

  it('routine choice: gesvdjBatched up to 32x32, a loop above; gesvdj up to min dim 32, Xgesvdp above; syrk then Xsyevd', () => {
    expect(calls(() => svdvalsBatchSync([random(20, 20, 1, 'f64'), random(20, 20, 2, 'f64')], gpu))).toEqual(['cusolverDnDgesvdjBatched']);
    expect(calls(() => svdvalsBatchSync([random(40, 20, 1, 'f32'), random(40, 20, 2, 'f32'), random(40, 20, 3, 'f32')], gpu))).toEqual(
      Array(3).fill('cusolverDnSgesvdj'),
    );
    expect(calls(() => svdvalsSync(random(100, 32, 1, 'f32'), gpu))).toEqual(['cusolverDnSgesvdj']);
    expect(calls(() => svdvalsSync(random(100, 33, 1, 'f32'), gpu))).toEqual(['cusolverDnXgesvdp']); // tall: transposed
    expect(calls(() => svdvalsSync(random(33, 100, 1, 'f32'), gpu))).toEqual(['cusolverDnXgesvdp']);
    expect(calls(() => gramEigvalshSync(random(50, 20, 1, 'f64'), gpu))).toEqual(['cublasDsyrk_v2', 'cusolverDnXsyevd']);
    expect(calls(() => svdvalsSync(random(50, 20, 1, 'f64'), { ...gpu, method: 'gram' }))).toEqual(['cublasDsyrk_v2', 'cusolverDnXsyevd']);
  });

  it('a batch larger than the free device memory runs in chunks and gives the same values', () => {
    const small = Array.from({ length: 64 }, (_, i) => random(20, 20, i, 'f64')); // 64 x (3.2 + 6.4) KiB
    const big = Array.from({ length: 40 }, (_, i) => random(60, 50, i, 'f64')); // 40 x 23.9 KiB
    const want = [svdvalsBatchSync(small, gpu), svdvalsBatchSync(big, gpu)];
    const before = process.env.MOCK_CUDA_TOTAL_BYTES;
    process.env.MOCK_CUDA_TOTAL_BYTES = String(200 << 10); // 200 KiB of "device" memory
    try {
      let got: Float64Array[] = [];
      expect(calls(() => (got = svdvalsBatchSync(small, gpu) as Float64Array[])).length).toBeGreaterThan(1);
      got.forEach((s, i) => expect(Array.from(s)).toEqual(Array.from(want[0][i])));
      const log = calls(() => (got = svdvalsBatchSync(big, gpu) as Float64Array[]));
      expect(log).toEqual(Array(40).fill('cusolverDnXgesvdp'));
      got.forEach((s, i) => expect(Array.from(s)).toEqual(Array.from(want[1][i])));
    } finally {
      if (before === undefined) delete process.env.MOCK_CUDA_TOTAL_BYTES;
      else process.env.MOCK_CUDA_TOTAL_BYTES = before;
    }
  });
});
