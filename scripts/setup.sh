#!/usr/bin/env bash
# One-time setup on a fresh Debian/Ubuntu machine: build tools and OpenBLAS from apt (when missing),
# npm dependencies, then the native addon (from source) and the TypeScript build.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
for pkg in cmake g++ make libopenblas-dev; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
npm ci --no-audit --no-fund
npm run build
