// Settings both suites share (test/vitest.config.ts: `npm test`; test/gpu/vitest.config.ts: `npm run test:gpu`).
import { fileURLToPath } from 'node:url';

export function sharedTestConfig(jsonReport: string) {
  return {
    root: fileURLToPath(new URL('..', import.meta.url)),
    // Native calls are CPU-bound; one worker per file keeps timing-sensitive tests (event-loop lag) honest.
    pool: 'forks' as const,
    fileParallelism: false,
    // The console report, plus a JSON one that .ci/run sums into its closing "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: process.env.WEIGHTSCOPE_TEST_JSON ?? jsonReport },
  };
}
