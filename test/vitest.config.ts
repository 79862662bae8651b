import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from './vitest.shared.js';

export default defineConfig({
  test: {
    ...sharedTestConfig('test/output/vitest-results.json'),
    include: ['test/**/*.test.ts'],
    // test/gpu is its own suite (npm run test:gpu); test/19-cuda-mock.test.ts runs it on the CUDA stand-in
    exclude: ['test/gpu/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
