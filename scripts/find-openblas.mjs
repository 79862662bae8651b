// Locates OpenBLAS for the builds. `node scripts/find-openblas.mjs static` prints the path of
// libopenblas.a (binding.gyp links it); exits 1 with the one-line install hint when none is found.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const multiarch = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
// WEIGHTSCOPE_OPENBLAS_DIRS (colon-separated) replaces the search list; the install test uses it.
const roots = process.env.WEIGHTSCOPE_OPENBLAS_DIRS !== undefined
  ? process.env.WEIGHTSCOPE_OPENBLAS_DIRS.split(':').filter(Boolean)
  : [
  process.env.OPENBLAS_ROOT && join(process.env.OPENBLAS_ROOT, 'lib'),
  `/usr/lib/${multiarch}/openblas-pthread`,
  `/usr/lib/${multiarch}`,
  '/usr/lib64',
  '/usr/lib',
  '/usr/local/lib',
  ].filter(Boolean);

export const INSTALL_HINT =
  'weightscope: no prebuilt binary for this platform and OpenBLAS was not found - install it (Debian/Ubuntu: apt-get install libopenblas-dev; Fedora: dnf install openblas-devel) and run npm install again';

export function findOpenBlas() {
  for (const dir of roots) {
    const a = join(dir, 'libopenblas.a');
    const so = join(dir, 'libopenblas.so');
    if (existsSync(a) || existsSync(so)) return { dir, static: existsSync(a) ? a : null, shared: existsSync(so) ? so : null };
  }
  return null;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const found = findOpenBlas();
  const want = process.argv[2] ?? 'any';
  if (!found || (want === 'static' && !found.static)) {
    console.error(INSTALL_HINT);
    process.exit(1);
  }
  console.log(want === 'static' ? found.static : found.dir);
}
