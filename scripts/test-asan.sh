#!/usr/bin/env bash
# Native memory-safety suite: builds the addon with -fsanitize=address,undefined (build-asan/) and runs
# the whole vitest suite against it. Any ASan/UBSan report aborts the process and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
{ npx cmake-js configure --out build-asan --CDWEIGHTSCOPE_SANITIZE=ON --CDWEIGHTSCOPE_TEST_HOOKS=ON &&
  npx cmake-js build --out build-asan; } >/tmp/weightscope-asan-build.log 2>&1 ||
  { tail -40 /tmp/weightscope-asan-build.log; exit 1; }
addon="$PWD/build-asan/Release/weightscope.node"
asan_rt="$(${CXX:-g++} -print-file-name=libasan.so)"
[ -f "$asan_rt" ] || { echo "libasan.so not found (install g++)"; exit 1; }
export WEIGHTSCOPE_ADDON="$addon"
export LD_PRELOAD="$asan_rt"
# Node itself keeps memory alive at exit, so LeakSanitizer is off; native leaks are covered by the
# live-byte accounting tests. Every other report is fatal.
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
echo "sanitized addon: $addon"
npx vitest run --config test/vitest.config.ts "$@"
