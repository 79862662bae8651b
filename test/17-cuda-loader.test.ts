import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backends, svdvals, svdvalsSync } from '../src/index.js';
import { run } from './helpers/child.js';
import { cudaProbeIn } from './helpers/cuda-probe.js';

function probeIn(env: Record<string, string>) {
  return cudaProbeIn({ ...process.env, ...env });
}

/** nvidia/<x>/lib folders of the optional wheel venv (scripts/setup-cuda-wheels.sh). */
function wheelLibDirs(): string[] {
  if (process.env.WEIGHTSCOPE_TEST_CUDA_LIB_DIR) return process.env.WEIGHTSCOPE_TEST_CUDA_LIB_DIR.split(':');
  const lib = join(process.cwd(), '.venv-cuda', 'lib');
  if (!existsSync(lib)) return [];
  const out: string[] = [];
  for (const py of readdirSync(lib)) {
    const nv = join(lib, py, 'site-packages', 'nvidia');
    if (existsSync(nv)) for (const d of readdirSync(nv)) if (existsSync(join(nv, d, 'lib'))) out.push(join(nv, d, 'lib'));
  }
  return out;
}
const wheels = wheelLibDirs().filter((d) => existsSync(join(d, 'libcusolver.so.12')) || existsSync(join(d, 'libcusolver.so.11')));

describe('CUDA loader (no GPU needed)', () => {
  it.skipIf(backends().cuda.available)("without a usable GPU: 'auto' runs on the CPU and 'cuda' throws E_CUDA_UNAVAILABLE with the reason (skipped: this machine has a GPU)", async () => {
    const cuda = backends().cuda;
    expect(cuda.available).toBe(false);
    expect(cuda.reason!.length).toBeGreaterThan(10);
    const m = { data: Float64Array.from([3, 0, 0, 4]), shape: [2, 2] as [number, number] };
    expect(Array.from(svdvalsSync(m, { backend: 'auto' }))).toEqual([4, 3]);
    await expect(svdvals(m, { backend: 'cuda' })).rejects.toMatchObject({
      code: 'E_CUDA_UNAVAILABLE',
      message: expect.stringContaining(cuda.reason!),
    });
  });

  it('a search path with no CUDA libraries reports which libraries were not found', async () => {
    const r = await probeIn({ WEIGHTSCOPE_CUDA_LIB_DIR: '/nonexistent', LD_LIBRARY_PATH: '', VIRTUAL_ENV: '', CONDA_PREFIX: '' });
    if (r.stage === 'library') {
      expect(r.available).toBe(false);
      expect(r.reason).toMatch(/CUDA libraries not found: .*lib(cusolver|cublas|cudart)/);
    } else {
      // this machine has all three libraries on its default paths: then they must have been loaded
      expect(Object.keys(r.libraryPaths).sort()).toEqual(['cublas', 'cudart', 'cusolver']);
    }
  });

  it.skipIf(wheels.length === 0)(
    'finds the pip wheels (nvidia-cusolver/cublas/cuda-runtime), resolves every symbol and stops at the driver (skipped without .venv-cuda: run scripts/setup-cuda-wheels.sh)',
    async () => {
      const r = await probeIn({ WEIGHTSCOPE_CUDA_LIB_DIR: wheels.join(':') });
      expect(r.missingSymbols).toEqual([]);
      expect(r.libraryPaths.cusolver).toMatch(/libcusolver\.so\.1[12]$/);
      expect(r.libraryPaths.cublas).toMatch(/libcublas\.so\.1[23]$/);
      expect(r.libraryPaths.cudart).toMatch(/libcudart\.so\.1[23]$/);
      expect(r.cusolverVersion).toBeGreaterThan(110000);
      expect(r.cublasVersion).toBeGreaterThan(120000);
      expect(r.runtimeVersion).toBeGreaterThanOrEqual(12000);
      // This machine has no NVIDIA driver: the probe must stop there and say so.
      if (!existsSync('/dev/nvidiactl')) {
        expect(r.stage).toBe('driver');
        expect(r.reason).toMatch(/driver/);
      }
    },
  );

  // NVIDIA's headers, from the same wheels (CUDA 13: nvidia/cu13/include; 12: nvidia/<component>/include)
  // plus a toolkit's include folder for the crt/ headers the wheels leave out.
  const includeDirs = [...wheels.map((d) => join(d, '..', 'include')), '/usr/local/cuda/include'].filter((d) => existsSync(d));
  const haveHeaders = includeDirs.some((d) => existsSync(join(d, 'cusolverDn.h'))) && includeDirs.some((d) => existsSync(join(d, 'crt', 'host_defines.h')));
  it.skipIf(!haveHeaders)(
    "native/cusolver/cuda_api.h matches NVIDIA's headers: every prototype and enum value (skipped without the wheels' headers and /usr/local/cuda/include)",
    async () => {
      const r = await run('g++', ['-std=c++17', '-fsyntax-only', ...includeDirs.map((d) => `-I${d}`), 'test/cuda/signature_check.cc']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    },
  );
});
