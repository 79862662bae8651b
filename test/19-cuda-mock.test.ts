// The GPU code path without a GPU: builds the CPU stand-in for libcudart/libcusolver/libcublas
// (test/cuda/mock_cuda.cc, strict about device pointers, sizes and copy directions) and runs the whole
// GPU suite (test/gpu, `npm run test:gpu`) against it in a child process, plus the loader's
// no-driver and no-device stages. What this cannot show is cuSOLVER's real numerics and speed: those
// need `npm run test:gpu` on a machine with an NVIDIA GPU.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from './helpers/child.js';
import { cudaProbeIn } from './helpers/cuda-probe.js';

const root = process.cwd();
const mockDir = resolve(root, 'test/output/cuda-mock');
const haveCompiler = spawnSync('g++', ['--version']).status === 0;

function mockEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, WEIGHTSCOPE_CUDA_LIB_DIR: mockDir, WEIGHTSCOPE_CUDA_MOCK: '1', ...extra };
}

describe.skipIf(!haveCompiler)('GPU path on the CPU stand-in for CUDA (skipped without g++)', () => {
  beforeAll(async () => {
    const r = await run('bash', ['scripts/build-cuda-mock.sh', mockDir], { timeoutMs: 300_000 });
    expect(r.status, r.stderr).toBe(0);
  }, 300_000);

  it('the whole GPU suite passes, nothing skipped', async () => {
    const report = resolve(root, 'test/output/gpu-mock-results.json');
    rmSync(report, { force: true });
    const r = await run(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/gpu/vitest.config.ts'], {
      env: mockEnv({ WEIGHTSCOPE_GPU_MAX_N: '256', MOCK_CUDA_TOTAL_BYTES: String(256 << 20), WEIGHTSCOPE_TEST_JSON: report }),
      timeoutMs: 300_000,
    });
    expect(r.status, r.stdout.slice(-4000) + r.stderr.slice(-2000)).toBe(0);
    const j = JSON.parse(readFileSync(report, 'utf8'));
    console.log(`GPU suite on the stand-in: ${j.numPassedTests} passed, ${j.numFailedTests} failed, ${j.numPendingTests} skipped`);
    expect(j.numFailedTests).toBe(0);
    expect(j.numPendingTests).toBe(0);
    expect(j.numPassedTests).toBeGreaterThanOrEqual(60);
  }, 300_000);

  const probe = (extra: Record<string, string>) => cudaProbeIn(mockEnv(extra));

  it('loader stages: libraries and symbols found, then no driver / no device are reported as such', async () => {
    const ok = await probe({});
    expect(ok).toMatchObject({ available: true, stage: 'ok', missingSymbols: [] });
    expect(ok.devices[0]).toMatchObject({ index: 0, computeCapability: '9.0', memoryTotal: 1 << 30 });
    expect(ok.libraryPaths.cusolver).toBe(join(mockDir, 'libcudart.so.13'));
    // three GPUs: all listed, but no context (no memory) is taken on devices 1 and 2
    const log = resolve(root, 'test/output/cuda-mock-probe.log');
    rmSync(log, { force: true });
    const three = await probe({ MOCK_CUDA_DEVICES: '3', MOCK_CUDA_LOG: log });
    expect(three.devices.map((d: { index: number }) => d.index)).toEqual([0, 1, 2]);
    expect(three.devices[0].memoryFree).toBe(1 << 30);
    expect(three.devices[1].memoryFree).toBeNull();
    expect(() => readFileSync(log, 'utf8')).toThrow(); // nothing logged: no context beyond device 0
    expect(await probe({ MOCK_CUDA_NO_DRIVER: '1' })).toMatchObject({ available: false, stage: 'driver', reason: expect.stringContaining('driver') });
    expect(await probe({ MOCK_CUDA_NO_DEVICE: '1' })).toMatchObject({
      available: false,
      stage: 'device',
      reason: expect.stringContaining('cudaErrorNoDevice'),
    });
  });

  it("the CLI's --backend cuda runs the analysis on the GPU path and gives the CPU's numbers", async () => {
    const cli = join(root, 'dist/cli/main.js');
    const target = join(root, 'node_modules/@vladmandic/face-api/model/face_landmark_68_tiny_model-weights_manifest.json');
    const log = resolve(root, 'test/output/cuda-mock-cli.log');
    rmSync(log, { force: true });
    const analyze = (backend: string) =>
      run(process.execPath, [cli, 'analyze', target, '--json', '--backend', backend, '--no-progress'], { env: mockEnv({ MOCK_CUDA_LOG: log }) });
    const c = await analyze('cpu');
    expect(() => readFileSync(log)).toThrow(); // the CPU run made no CUDA call
    const g = await analyze('cuda');
    expect(readFileSync(log, 'utf8')).toMatch(/cusolverDn[SD]gesvdj/);
    expect(g.status, g.stderr).toBe(0);
    expect(c.status, c.stderr).toBe(0);
    const lg = JSON.parse(g.stdout).layers, lc = JSON.parse(c.stdout).layers;
    expect(lg.length).toBe(lc.length);
    expect(lg.length).toBeGreaterThan(3);
    for (let i = 0; i < lg.length; i++) {
      if (lc[i].alpha === undefined || lc[i].alpha === null) continue;
      expect(Math.abs(lg[i].alpha - lc[i].alpha)).toBeLessThan(1e-6 * Math.max(1, Math.abs(lc[i].alpha)));
    }
  });

  it('examples/backends/run.mjs runs every routine and reports GPU values equal to the CPU ones', async () => {
    const r = await run(process.execPath, [join(root, 'examples/backends/run.mjs'), '96'], { env: mockEnv() });
    expect(r.status, r.stderr).toBe(0);
    for (const label of ['cpu (gesdd)', 'cpu (gram route)', 'cuda (gesvdp)', 'cuda (gesvdj)', 'cuda (gram)']) expect(r.stdout).toContain(label);
    const errs = [...r.stdout.matchAll(/sigma_max = ([0-9.e+-]+)/g)].map((m) => Number(m[1]));
    expect(errs).toHaveLength(3);
    for (const e of errs) expect(e).toBeLessThan(1e-5);
  });
});
