// npm "install" hook. With a prebuilt binary for this platform (prebuilds/, shipped for linux-x64) there is
// nothing to do. Otherwise it builds the addon from source with cmake-js. The build tools (cmake-js,
// node-addon-api) are optional peer dependencies, as sharp does with node-gyp/node-addon-api, so prebuilt
// users never install them; a source build checks for them and for OpenBLAS first, and a missing piece is
// one line saying what to install (README "Install").
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findOpenBlas, INSTALL_HINT } from './find-openblas.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

function prebuildLoads() {
  if (process.env.WEIGHTSCOPE_BUILD_FROM_SOURCE) return false;
  try {
    require(require('node-gyp-build').path(root));
    return true;
  } catch {
    return false;
  }
}

/** Resolves a build tool from the package's folder up (the user's project installs them next to weightscope). */
function resolveTool(name) {
  try {
    return require.resolve(`${name}/package.json`);
  } catch {
    return null;
  }
}

if (!prebuildLoads()) {
  const missing = ['cmake-js', 'node-addon-api'].filter((t) => !resolveTool(t));
  if (missing.length > 0) {
    const why = process.env.WEIGHTSCOPE_BUILD_FROM_SOURCE ? 'WEIGHTSCOPE_BUILD_FROM_SOURCE is set' : `no prebuilt binary for ${process.platform}-${process.arch} loads here`;
    console.error(
      `weightscope: ${why}; to build the addon from source install ` +
        `the build tools next to it (npm install --save-dev ${missing.join(' ')}; and cmake, g++, libopenblas-dev), then run npm rebuild weightscope`,
    );
    process.exit(1);
  }
  if (!findOpenBlas()) {
    console.error(INSTALL_HINT);
    process.exit(1);
  }
  const cmakeJs = join(dirname(resolveTool('cmake-js')), 'bin', 'cmake-js');
  const r = spawnSync(process.execPath, [cmakeJs, 'compile', '--out', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('weightscope: building the native addon failed (needs cmake, a C++17 compiler and OpenBLAS: apt-get install cmake g++ libopenblas-dev)');
    process.exit(r.status ?? 1);
  }
}
