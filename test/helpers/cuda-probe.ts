// The CUDA probe runs once per process, so tests that need a different search path or stand-in settings
// run it in a child process (asynchronously: see child.ts) and read backends().cuda back as JSON.
import { expect } from 'vitest';
import { distUrl, run } from './child.js';

/** backends().cuda as a child process with `env` (the whole environment) sees it. */
export async function cudaProbeIn(env: NodeJS.ProcessEnv) {
  const r = await run(process.execPath, ['-e', `import('${distUrl}').then(w => console.log(JSON.stringify(w.backends().cuda)))`], { env });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}
