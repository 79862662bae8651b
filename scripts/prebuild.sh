#!/usr/bin/env bash
# Builds the prebuilt linux binary (prebuilds/<platform>-<arch>/weightscope.node) with prebuildify,
# which drives node-gyp over binding.gyp: N-API (one binary for every Node >= 20), OpenBLAS static.
set -euo pipefail
cd "$(dirname "$0")/.."
# node-gyp needs Node's headers; use the local ones when present (no download).
if [ -z "${npm_config_nodedir:-}" ]; then
  for d in "$(dirname "$(dirname "$(command -v node)")")" /usr /usr/local; do
    if [ -f "$d/include/node/node_api.h" ]; then export npm_config_nodedir="$d"; break; fi
  done
fi
npx prebuildify --napi --strip
ls -la prebuilds/*/
