#!/usr/bin/env bash
# Packaging test: npm pack, then the package as users get it, each in a fresh project:
#  - a CommonJS project made by `npm init -y` (npm 11 writes "type": "commonjs") and an ESM one, with NO
#    compiler on PATH: require() and import give one module (same error class), types resolve for both,
#    the CLI runs, and no build tool (cmake-js, node-addon-api) or unused package is installed;
#  - the prebuilt binary carries OpenBLAS statically (ldd shows no libopenblas/libgfortran);
#  - without a prebuilt binary: one line naming what to install (build tools, OpenBLAS), and with the build
#    tools installed next to it, `npm install` builds the addon from source.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
npx tsc -p src/tsconfig.json  # always fresh: a stale dist/ would test old code
bash scripts/prebuild.sh

passed=0
# (no line starts with "ok" or "FAIL": CI log readers take such lines for another test runner's)
pass() { echo "  pass  $1"; passed=$((passed + 1)); }
die() { echo "pack test failed: $1" >&2; exit 1; }

echo "== ldd of the prebuilt binary"
ldd prebuilds/linux-x64/weightscope.node | tee /tmp/weightscope-ldd.txt
if grep -E 'openblas|gfortran|lapack|blas' /tmp/weightscope-ldd.txt; then die "the prebuilt binary links a BLAS/gfortran library dynamically"; fi
pass "prebuilt binary: OpenBLAS linked statically"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
npm pack --silent --pack-destination "$work" >/dev/null
tarball="$(ls "$work"/weightscope-*.tgz)"
echo "== packed $(basename "$tarball") ($(du -h "$tarball" | cut -f1))"

# A PATH with node, npm and sh only: no cc, c++, g++, make, cmake.
mkdir -p "$work/bin"
ln -s "$(command -v node)" "$work/bin/node"
ln -s "$(command -v npm)" "$work/bin/npm"
ln -s "$(command -v sh)" "$work/bin/sh"  # npm runs lifecycle scripts with sh
for tool in cc c++ gcc g++ make cmake; do
  if PATH="$work/bin" command -v "$tool" >/dev/null 2>&1; then die "$tool on the restricted PATH"; fi
done
nocc() { PATH="$work/bin" "$@"; }

# What a user's code does, in each module system; prints the exported names so both can be compared.
cat > "$work/check.cjs" <<'EOF'
const w = require('weightscope');
const s = w.svdvalsSync({ data: Float64Array.from([3, 0, 0, 0, 4, 0]), shape: [2, 3] });
if (Math.abs(s[0] - 4) > 1e-12 || Math.abs(s[1] - 3) > 1e-12) throw new Error('wrong svdvals ' + s);
const b = w.backends().cpu;
if (b.linkage !== 'static') throw new Error('expected the static prebuilt binary');
try { w.svdvalsSync({ data: Float64Array.from([1, NaN]), shape: [1, 2] }); throw new Error('no error'); }
catch (e) { if (!(e instanceof w.WeightscopeError) || e.code !== 'E_NONFINITE') throw e; }
if (require('weightscope/package.json').name !== 'weightscope') throw new Error('weightscope/package.json');
console.log(Object.keys(w).filter((k) => k !== '__esModule').sort().join(' '));
EOF
cat > "$work/check.mjs" <<'EOF'
import { createRequire } from 'node:module';
import * as w from 'weightscope';
import { svdvals, WeightscopeError } from 'weightscope';
const s = await svdvals({ data: Float32Array.from([3, 0, 0, 0, 4, 0]), shape: [2, 3] });
if (Math.abs(s[0] - 4) > 1e-6 || Math.abs(s[1] - 3) > 1e-6) throw new Error('wrong svdvals ' + s);
// one implementation behind require and import: the same error class, so instanceof holds across both
const cjs = createRequire(import.meta.url)('weightscope');
if (cjs.WeightscopeError !== WeightscopeError) throw new Error('require() and import give different modules');
console.log(Object.keys(w).filter((k) => k !== '__esModule' && k !== 'default').sort().join(' '));
EOF
# Types, for both module systems under TypeScript's Node rules; internals must not be in them.
cat > "$work/types-cjs.ts" <<'EOF'
import { svdvalsSync, analyze, WeightscopeError, type ModelReport } from 'weightscope';
const s: Float32Array | Float64Array = svdvalsSync({ data: new Float64Array(4), shape: [2, 2] });
const r: Promise<ModelReport> = analyze('model.safetensors');
// @ts-expect-error internals are not part of the public types
import { toSlices } from 'weightscope';
export { s, r, WeightscopeError, toSlices };
EOF
sed 's/types-cjs/types-esm/' "$work/types-cjs.ts" > "$work/types-esm.mts"
cat > "$work/tsconfig.json" <<EOF
{ "compilerOptions": { "module": "nodenext", "moduleResolution": "nodenext", "strict": true, "noEmit": true, "skipLibCheck": false, "types": ["node"], "typeRoots": ["$root/node_modules/@types"] },
  "files": ["types-cjs.ts", "types-esm.mts"] }
EOF

project() { # project DIR: a fresh `npm init -y` project with the tarball installed, no compiler on PATH
  mkdir -p "$1" && cd "$1"
  nocc npm init -y >/dev/null
  nocc npm install --no-audit --no-fund --loglevel=error "$tarball"
}

echo "== fresh CommonJS project (npm init -y)"
project "$work/cjs"
node -e "if ((require('./package.json').type ?? 'commonjs') !== 'commonjs') process.exit(1)" || die "npm init -y did not make a CommonJS project"
for dep in cmake-js node-addon-api protobufjs node-gyp; do
  [ ! -e "node_modules/$dep" ] || die "a prebuilt install pulled in $dep"
done
pass "prebuilt install: only run-time dependencies ($(ls node_modules | grep -v weightscope | tr '\n' ' '))"
cp "$work/check.cjs" "$work/check.mjs" "$work/types-cjs.ts" "$work/types-esm.mts" "$work/tsconfig.json" .
cjs_names="$(nocc node check.cjs)" || die "require('weightscope') from a CommonJS project"
pass "require('weightscope') from a CommonJS project ($(wc -w <<<"$cjs_names") names)"
esm_names="$(nocc node check.mjs)" || die "import from an .mjs file in a CommonJS project"
[ "$cjs_names" = "$esm_names" ] || die "require() and import export different names: $(diff <(tr ' ' '\n' <<<"$cjs_names") <(tr ' ' '\n' <<<"$esm_names"))"
pass "import gives the same module and names as require()"
"$root/node_modules/.bin/tsc" -p . || die "types for require and import"
pass "types resolve for CommonJS (.ts) and ESM (.mts) consumers; internals are not in them"
nocc ./node_modules/.bin/weightscope --version >/dev/null
nocc ./node_modules/.bin/weightscope backends | grep -q '"library": "OpenBLAS"' || die "weightscope backends"
pass "installed CLI: weightscope --version and backends"

echo "== fresh ESM project (\"type\": \"module\")"
project "$work/esm"
npm pkg set type=module
cp "$work/check.mjs" check.js
[ "$(nocc node check.js)" = "$cjs_names" ] || die "import from an ESM project"
pass "import from an ESM project"

echo "== install with neither a prebuild nor OpenBLAS"
cd "$root"
set +e
msg="$(WEIGHTSCOPE_BUILD_FROM_SOURCE=1 WEIGHTSCOPE_OPENBLAS_DIRS=/nonexistent node scripts/install.mjs 2>&1)"
rc=$?
set -e
echo "$msg"
if [ $rc -eq 0 ] || [ "$(printf '%s\n' "$msg" | wc -l)" -ne 1 ] || ! grep -q 'libopenblas-dev' <<<"$msg"; then
  die "expected a one-line failure naming libopenblas-dev"
fi
pass "no prebuild and no OpenBLAS: one line naming libopenblas-dev"

echo "== no prebuilt binary and no build tools"
mkdir -p "$work/nobuild" && cd "$work/nobuild" && npm init -y >/dev/null
set +e
msg="$(WEIGHTSCOPE_BUILD_FROM_SOURCE=1 npm install --no-audit --no-fund --loglevel=error "$tarball" 2>&1)"
rc=$?
set -e
printf '%s\n' "$msg" | grep 'weightscope:' || true
if [ $rc -eq 0 ] || [ "$(grep -c 'weightscope:' <<<"$msg")" -ne 1 ] || ! grep -q 'weightscope: .*npm install --save-dev cmake-js node-addon-api' <<<"$msg"; then
  die "expected the install to fail with one line naming the build tools"
fi
pass "no prebuild and no build tools: the install stops with one line naming them"

echo "== source build: the build tools installed next to it, then npm install"
mkdir -p "$work/source" && cd "$work/source" && npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error --prefer-offline --save-dev cmake-js@"$(node -p "require('$root/package.json').peerDependencies['cmake-js']")" node-addon-api@"$(node -p "require('$root/package.json').peerDependencies['node-addon-api']")"
WEIGHTSCOPE_BUILD_FROM_SOURCE=1 npm install --no-audit --no-fund --loglevel=error "$tarball" >/dev/null
node -e "
const path = require('node-gyp-build').path(require('path').dirname(require.resolve('weightscope/package.json')));
if (!path.includes('/build/Release/')) throw new Error('not the source build: ' + path);
const s = require('weightscope').svdvalsSync({ data: Float64Array.from([3, 0, 0, 4]), shape: [2, 2] });
if (Math.abs(s[0] - 4) > 1e-12) throw new Error('wrong svdvals ' + s);
console.log('source-built addon:', path);"
pass "npm install builds from source when the prebuilt binary does not apply"

echo "pack: $passed passed, 0 failed"
