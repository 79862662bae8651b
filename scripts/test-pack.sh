#!/usr/bin/env bash
# Packaging smoke test: npm pack -> install the tarball into an empty project with NO compiler on PATH
# -> compute svdvals through the prebuilt binary. Also checks that the binary carries OpenBLAS statically
# (ldd shows no libopenblas/libgfortran) and that an install with neither prebuild nor OpenBLAS fails
# with one line naming the package to install.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
[ -f dist/index.js ] || npx tsc -p src/tsconfig.json
bash scripts/prebuild.sh  # always fresh: a stale prebuild would test old code

echo "== ldd of the prebuilt binary"
ldd prebuilds/linux-x64/weightscope.node | tee /tmp/weightscope-ldd.txt
if grep -E 'openblas|gfortran|lapack|blas' /tmp/weightscope-ldd.txt; then
  echo "FAIL: the prebuilt binary links a BLAS/gfortran library dynamically" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
npm pack --silent --pack-destination "$work" >/dev/null
tarball="$(ls "$work"/weightscope-*.tgz)"
echo "== packed $(basename "$tarball") ($(du -h "$tarball" | cut -f1))"

# A PATH with node, npm and sh only: no cc, c++, g++, make, cmake.
mkdir -p "$work/bin" "$work/app"
ln -s "$(command -v node)" "$work/bin/node"
ln -s "$(command -v npm)" "$work/bin/npm"
ln -s "$(command -v sh)" "$work/bin/sh"  # npm runs lifecycle scripts with sh
for tool in cc c++ gcc g++ make cmake; do
  if PATH="$work/bin" command -v "$tool" >/dev/null 2>&1; then echo "FAIL: $tool on the restricted PATH" >&2; exit 1; fi
done
cd "$work/app"
echo '{ "name": "app", "version": "1.0.0", "private": true, "type": "module" }' > package.json
PATH="$work/bin" npm install --no-audit --no-fund --loglevel=error "$tarball"
PATH="$work/bin" node -e "
import('weightscope').then((w) => {
  const s = w.svdvalsSync({ data: Float64Array.from([3, 0, 0, 0, 4, 0]), shape: [2, 3] });
  const b = w.backends().cpu;
  if (Math.abs(s[0] - 4) > 1e-12 || Math.abs(s[1] - 3) > 1e-12) throw new Error('wrong svdvals ' + s);
  console.log('installed package: svdvals =', Array.from(s).join(', '), '| OpenBLAS', b.version, b.linkage, b.corename);
  if (b.linkage !== 'static') throw new Error('expected the static prebuilt binary');
});"

PATH="$work/bin" ./node_modules/.bin/weightscope --version
PATH="$work/bin" ./node_modules/.bin/weightscope backends | grep -q '"library": "OpenBLAS"'
echo "installed CLI: weightscope --version and backends work"

echo "== install with neither a prebuild nor OpenBLAS"
cd "$root"
set +e
msg="$(WEIGHTSCOPE_BUILD_FROM_SOURCE=1 WEIGHTSCOPE_OPENBLAS_DIRS=/nonexistent node scripts/install.mjs 2>&1)"
rc=$?
set -e
echo "$msg"
if [ $rc -eq 0 ] || [ "$(printf '%s\n' "$msg" | wc -l)" -ne 1 ] || ! grep -q 'libopenblas-dev' <<<"$msg"; then
  echo "FAIL: expected a one-line failure naming libopenblas-dev" >&2
  exit 1
fi
echo "pack: 4 passed, 0 failed"
