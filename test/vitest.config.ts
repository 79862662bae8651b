import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Native calls are CPU-bound; one worker per file keeps timing-sensitive tests (event-loop lag) honest.
    pool: 'forks',
    fileParallelism: false,
  },
});
