#!/usr/bin/env bash
# Builds the prebuilt linux binary (prebuilds/<platform>-<arch>/weightscope.node) with prebuildify,
# which drives node-gyp over binding.gyp: N-API (one binary for every Node >= 20), OpenBLAS static.
# It builds in a scratch copy of the sources, so node-gyp does not replace the cmake-js build in build/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# node-gyp needs Node's headers; use the local ones when present (no download).
if [ -z "${npm_config_nodedir:-}" ]; then
  for d in "$(dirname "$(dirname "$(command -v node)")")" /usr /usr/local; do
    if [ -f "$d/include/node/node_api.h" ]; then export npm_config_nodedir="$d"; break; fi
  done
fi
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp -r "$root/native" "$root/binding.gyp" "$root/package.json" "$scratch/"
mkdir -p "$scratch/scripts" && cp "$root/scripts/find-openblas.mjs" "$scratch/scripts/"
ln -s "$root/node_modules" "$scratch/node_modules"
(cd "$scratch" && "$root/node_modules/.bin/prebuildify" --napi --strip)
rm -rf "$root/prebuilds"
cp -r "$scratch/prebuilds" "$root/prebuilds"
ls -la "$root"/prebuilds/*/
