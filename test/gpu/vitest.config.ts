// `npm run test:gpu`: the GPU suite. On a machine with an NVIDIA GPU it checks cuSOLVER against the CPU;
// test/19-cuda-mock.test.ts also runs it against the CPU stand-in for CUDA (test/cuda/mock_cuda.cc).
import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../vitest.shared.js';

export default defineConfig({
  test: {
    ...sharedTestConfig('test/output/gpu-results.json'),
    include: ['test/gpu/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
