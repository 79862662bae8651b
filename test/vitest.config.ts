import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['test/**/*.test.ts'],
    // test/gpu is its own suite (npm run test:gpu); test/19-cuda-mock.test.ts runs it on the CUDA stand-in
    exclude: ['test/gpu/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Native calls are CPU-bound; one worker per file keeps timing-sensitive tests (event-loop lag) honest.
    pool: 'forks',
    fileParallelism: false,
    // The console report, plus a JSON one that .ci/run sums into its closing "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: process.env.WEIGHTSCOPE_TEST_JSON ?? 'test/output/vitest-results.json' },
  },
});
