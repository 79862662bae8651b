// npm "install" hook. Uses the prebuilt binary when one matches this platform; otherwise builds the
// addon from source with cmake-js, after checking for OpenBLAS so a missing library is one clear line.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findOpenBlas, INSTALL_HINT } from './find-openblas.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function prebuildLoads() {
  if (process.env.WEIGHTSCOPE_BUILD_FROM_SOURCE) return false;
  try {
    const path = require('node-gyp-build').path(root);
    require(path);
    return true;
  } catch {
    return false;
  }
}

if (!prebuildLoads()) {
  if (!findOpenBlas()) {
    console.error(INSTALL_HINT);
    process.exit(1);
  }
  const cmakeJs = join(dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');
  const r = spawnSync(process.execPath, [cmakeJs, 'compile', '--out', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('weightscope: building the native addon failed (needs cmake, a C++17 compiler and OpenBLAS: apt-get install cmake g++ libopenblas-dev)');
    process.exit(r.status ?? 1);
  }
}
