import { afterEach, describe, expect, it } from 'vitest';
import { native } from '../src/binding.js';
import {
  DEFAULT_CUDA_CROSSOVER,
  WeightscopeError,
  cudaMemory,
  eigvalshSync,
  getCudaCrossover,
  setCudaCrossover,
  matrix,
  nativeStats,
  svd,
  svdSync,
  svdvals,
  svdvalsSync,
} from '../src/index.js';
import { loadInput, maxRelErr, reference } from './helpers/reference.js';
import { backends } from '../src/index.js';

const cudaStatusAvailable = () => backends().cuda.available;

const code = (c: string) => expect.objectContaining({ code: c, name: 'WeightscopeError' });
const m22 = () => ({ data: Float64Array.from([1, 2, 3, 4]), shape: [2, 2] as [number, number] });

describe('E_SHAPE', () => {
  it('data length != rows*cols, zero, negative or non-integer dims, non-square eigvalsh, bad k', async () => {
    expect(() => svdvalsSync({ data: new Float64Array(5), shape: [2, 3] })).toThrow(code('E_SHAPE'));
    await expect(svdvals({ data: new Float64Array(5), shape: [2, 3] })).rejects.toMatchObject({ code: 'E_SHAPE' });
    expect(() => svdvalsSync({ data: new Float64Array(0), shape: [0, 3] })).toThrow(code('E_SHAPE'));
    expect(() => svdvalsSync({ data: new Float64Array(4), shape: [-2, -2] })).toThrow(code('E_SHAPE'));
    expect(() => svdvalsSync({ data: new Float64Array(4), shape: [1.5, 2] as never })).toThrow(code('E_SHAPE'));
    expect(() => svdvalsSync({ data: new Float64Array(4), shape: [4] as never })).toThrow(code('E_SHAPE'));
    expect(() => eigvalshSync({ data: new Float64Array(6), shape: [2, 3] })).toThrow(code('E_SHAPE'));
    expect(() => svdSync(m22(), { k: 3 })).toThrow(code('E_SHAPE'));
    expect(() => svdSync(m22(), { k: 0 })).toThrow(code('E_SHAPE'));
    expect(() => matrix([[1, 2], [3]])).toThrow(code('E_SHAPE'));
    expect(() => matrix([])).toThrow(code('E_SHAPE'));
  });
});

describe('E_DTYPE', () => {
  it('anything but Float32Array/Float64Array, with a hint for number[][]', () => {
    expect(() => svdvalsSync({ data: new Int32Array(4), shape: [2, 2] } as never)).toThrow(code('E_DTYPE'));
    expect(() => svdvalsSync({ data: [1, 2, 3, 4], shape: [2, 2] } as never)).toThrow(/matrix\(rows\)/);
    expect(() => svdvalsSync(null as never)).toThrow(code('E_DTYPE'));
    expect(() => svdvalsSync([[1, 2]] as never)).toThrow(code('E_DTYPE'));
    expect(() => matrix([[1, '2' as never]])).toThrow(code('E_DTYPE'));
    // the native layer checks again (second line of defence)
    expect(() => native.svdvals(new Uint8Array(4) as never, 2, 2, 0, 0)).toThrow(code('E_DTYPE'));
  });
});

describe('E_NONFINITE', () => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    it(`${bad} anywhere, sync and async, f32 and f64, every routine`, async () => {
      const a = new Float64Array(12).fill(1);
      a[7] = bad;
      const m = { data: a, shape: [3, 4] as [number, number] };
      expect(() => svdvalsSync(m)).toThrow(/at \[1, 3\]/);
      await expect(svdvals(m)).rejects.toMatchObject({ code: 'E_NONFINITE' });
      await expect(svdvals({ data: Float32Array.from(a), shape: m.shape })).rejects.toMatchObject({ code: 'E_NONFINITE' });
      expect(() => svdSync(m)).toThrow(code('E_NONFINITE'));
      expect(() => svdSync(m, { k: 1 })).toThrow(code('E_NONFINITE'));
      expect(() => svdvalsSync(m, { method: 'gram' })).toThrow(code('E_NONFINITE'));
      const sq = new Float64Array(9).fill(1);
      sq[4] = bad;
      expect(() => eigvalshSync({ data: sq, shape: [3, 3] })).toThrow(code('E_NONFINITE'));
    });
  }
});

describe('E_TOO_LARGE', () => {
  it('dimensions past the 32-bit LAPACK limit are refused before any allocation', () => {
    expect(() => svdvalsSync({ data: new Float64Array(4), shape: [2 ** 31, 1] })).toThrow(code('E_TOO_LARGE'));
    expect(() => native.svdvals(new Float64Array(4), 2 ** 31, 1, 0, 0)).toThrow(code('E_SHAPE')); // native checks length first
  });
  it('a full SVD whose Vt could not be returned (70000 x 70000) is refused before computing', async () => {
    const m = { data: new Float32Array(70000).fill(1), shape: [1, 70000] as [number, number] };
    expect(() => svdSync(m, { full: true })).toThrow(code('E_TOO_LARGE'));
    await expect(svd(m, { full: true })).rejects.toMatchObject({ code: 'E_TOO_LARGE', message: /Vt/ });
    // the thin one is fine
    expect(svdSync(m).S[0]).toBeCloseTo(Math.sqrt(70000), 2);
  });
});

describe('E_DETACHED', () => {
  it('a detached ArrayBuffer, sync and async', async () => {
    const a = new Float64Array(4).fill(1);
    structuredClone(a.buffer, { transfer: [a.buffer] });
    expect(a.buffer.byteLength).toBe(0);
    expect(() => svdvalsSync({ data: a, shape: [2, 2] })).toThrow(code('E_DETACHED'));
    await expect(svdvals({ data: a, shape: [2, 2] })).rejects.toMatchObject({ code: 'E_DETACHED' });
  });
  it('detaching after an async call started does not affect it (the input is snapshotted)', async () => {
    const g = loadInput('spiked');
    const p = svdvals(g);
    structuredClone(g.data.buffer, { transfer: [g.data.buffer] });
    const s = await p;
    const want = reference.numpy.spiked.svdvals;
    expect(maxRelErr(s, want, want[0])).toBeLessThan(1e-10);
  });
});

describe.skipIf(!native.info().testHooks)('E_LAPACK and the gesdd -> gesvd fallback (skipped without the test hooks: a release build)', () => {
  afterEach(() => native._injectFailures!(0, 0));

  it('a gesdd non-convergence falls back to gesvd with the same result', async () => {
    const g = loadInput('student');
    const want = reference.numpy.student.svdvals;
    const before = nativeStats().gesddFallbacks;
    native._injectFailures!(1, 0);
    expect(maxRelErr(svdvalsSync(g), want, want[0])).toBeLessThan(1e-10);
    expect(nativeStats().gesddFallbacks).toBe(before + 1);
    native._injectFailures!(1, 0);
    const r = await svd(g);
    expect(r.routine).toBe('dgesvd');
    expect(maxRelErr(r.S, want, want[0])).toBeLessThan(1e-10);
  });

  it('non-convergence after the fallback is E_LAPACK with routine and info', async () => {
    native._injectFailures!(1, 1);
    let err: unknown;
    try {
      svdvalsSync(m22());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WeightscopeError);
    expect(err).toMatchObject({ code: 'E_LAPACK', routine: 'dgesvd', info: 1 });
    expect((err as Error).message).toMatch(/dgesvd did not converge.*after the dgesdd INFO=1 fallback/);
    native._injectFailures!(1, 1);
    await expect(svdvals({ data: Float32Array.from([1, 2, 3, 4]), shape: [2, 2] })).rejects.toMatchObject({
      code: 'E_LAPACK',
      routine: 'sgesvd',
    });
  });
});

describe('E_OPTION and E_CUDA_UNAVAILABLE', () => {
  it('misspelt options and bad values are refused', () => {
    expect(() => svdvalsSync(m22(), { methd: 'gram' } as never)).toThrow(code('E_OPTION'));
    expect(() => svdvalsSync(m22(), { method: 'qr' } as never)).toThrow(code('E_OPTION'));
    expect(() => svdSync(m22(), { k: 1, full: true })).toThrow(code('E_OPTION'));
    expect(() => svdvalsSync(m22(), { backend: 'tpu' } as never)).toThrow(code('E_OPTION'));
  });
  const gpu = cudaStatusAvailable();
  it.skipIf(gpu)("backend 'cuda' without a GPU backend says why; 'auto' and 'cpu' run on the CPU (skipped: this machine has a GPU)", async () => {
    expect(() => svdvalsSync(m22(), { backend: 'cuda' })).toThrow(code('E_CUDA_UNAVAILABLE'));
    await expect(svdvals(m22(), { backend: 'cuda' })).rejects.toMatchObject({ code: 'E_CUDA_UNAVAILABLE' });
    expect(svdvalsSync(m22(), { backend: 'auto' })).toEqual(svdvalsSync(m22(), { backend: 'cpu' }));
  });

  it.skipIf(gpu)("GPU-only options need backend 'cuda'; crossover and environment defaults are checked (skipped: this machine has a GPU)", () => {
    expect(() => svdvalsSync(m22(), { method: 'gesvdj' })).toThrow(
      expect.objectContaining({ code: 'E_OPTION', message: expect.stringContaining("needs backend: 'cuda'") }),
    );
    expect(() => svdSync(m22(), { method: 'gesvdp', backend: 'cpu' })).toThrow(code('E_OPTION'));
    expect(() => svdSync(m22(), { method: 'qr' } as never)).toThrow(code('E_OPTION'));
    expect(() => setCudaCrossover(-1)).toThrow(code('E_OPTION'));
    expect(() => setCudaCrossover(NaN)).toThrow(code('E_OPTION'));
    expect(getCudaCrossover()).toBe(DEFAULT_CUDA_CROSSOVER);
    process.env.WEIGHTSCOPE_BACKEND = 'gpu';
    try {
      expect(() => svdvalsSync(m22())).toThrow(code('E_OPTION'));
      process.env.WEIGHTSCOPE_BACKEND = 'cuda';
      expect(() => svdvalsSync(m22())).toThrow(code('E_CUDA_UNAVAILABLE'));
      expect(svdvalsSync(m22(), { backend: 'cpu' }).length).toBe(2); // the option wins over the environment
    } finally {
      delete process.env.WEIGHTSCOPE_BACKEND;
    }
    expect(cudaMemory()).toBeNull();
    expect(nativeStats().deviceLiveBytes).toBe(0);
  });
});
