#!/usr/bin/env bash
# npm run test:valgrind: degenerate-input cases (test/valgrind/cases.mjs) under valgrind's memcheck, in
# groups (one valgrind process each, two at a time), so that a heap overrun in one path (today: ?gesvdx,
# issue 19 item 1) cannot hide the others. Exits 1 when valgrind reports any error in any group.
# Needs valgrind (apt-get install valgrind) and a C compiler for the self-test.
set -uo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind not found: apt-get install valgrind"; exit 1; }
[ -f dist/index.js ] || npx tsc -p src/tsconfig.json
DIST="$PWD/dist/index.js"
OUT="${WEIGHTSCOPE_VALGRIND_OUT:-test/output/valgrind}"
mkdir -p "$OUT"
VG=(valgrind --error-exitcode=1 --num-callers=30 --suppressions=test/valgrind/node.supp)
start=$(date +%s)
status=0

echo "== self-test: a planted out-of-bounds write must be reported"
"${CC:-cc}" -shared -fPIC -O0 -o "$OUT/planted-oob.so" test/valgrind/planted-oob.c
WS_VALGRIND_PLANT=1 LD_PRELOAD="$PWD/$OUT/planted-oob.so" "${VG[@]}" node --jitless -e 0 >"$OUT/selftest-planted.log" 2>&1
if [ $? -ne 0 ] && grep -q "Invalid write of size 1" "$OUT/selftest-planted.log"; then
  echo "   caught (Invalid write of size 1 past a 32-byte block)"
else
  echo "   NOT caught: these valgrind settings would hide real errors (see $OUT/selftest-planted.log)"; exit 1
fi

echo "== self-test: svd(zeros(6, 4), { k: 2 }) (the ?gesvdx overrun of issue 19 item 1)"
"${VG[@]}" node --jitless test/valgrind/cases.mjs "$DIST" selftest >"$OUT/selftest-gesvdx.log" 2>&1
if [ $? -ne 0 ]; then
  echo "   caught: $(grep -m1 -A1 -E 'Invalid (write|read)' "$OUT/selftest-gesvdx.log" | tr -s ' ' | sed 's/==[0-9]*==//g' | tr '\n' ' ')"
else
  echo "   clean: this build no longer overruns there (the fix has landed)"
fi

echo "== case groups (two valgrind processes at a time)"
groups=(svd-k subspace svd gram-eig metrics)
pids=()
for g in "${groups[@]}"; do
  ( "${VG[@]}" node --jitless test/valgrind/cases.mjs "$DIST" "$g" >"$OUT/$g.log" 2>&1; echo $? >"$OUT/$g.rc" ) &
  pids+=($!)
  if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
wait
for g in "${groups[@]}"; do
  rc=$(cat "$OUT/$g.rc")
  summary=$(grep -m1 -o 'ERROR SUMMARY: [0-9]* errors from [0-9]* contexts' "$OUT/$g.log" || echo 'no summary (valgrind aborted)')
  cases=$(grep -m1 -o 'valgrind cases.*' "$OUT/$g.log" || echo 'the cases did not finish')
  if [ "$rc" = 0 ]; then echo "   clean   $g: $cases; $summary"; else
    status=1
    where=$(grep -m1 -A1 -E '^==[0-9]+== (Invalid|Conditional|Use of|Syscall|Mismatched|Source and)' "$OUT/$g.log" | tr -s ' ' | sed 's/==[0-9]*==//g' | tr '\n' ' ')
    echo "   ERRORS  $g (exit $rc): $cases; $summary; first: $where (log: $OUT/$g.log)"
  fi
done
echo "== valgrind suite: $(( $(date +%s) - start )) s, $([ $status = 0 ] && echo passed || echo FAILED)"
exit $status
