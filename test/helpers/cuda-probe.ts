// The CUDA probe runs once per process, so tests that need a different search path or stand-in settings
// run it in a child process and read backends().cuda back as JSON.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'vitest';

const dist = pathToFileURL(join(process.cwd(), 'dist', 'index.js')).href;

/** backends().cuda as a child process with `env` (the whole environment) sees it. */
export function cudaProbeIn(env: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, ['-e', `import('${dist}').then(w => console.log(JSON.stringify(w.backends().cuda)))`], {
    encoding: 'utf8',
    env,
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}
