#!/usr/bin/env bash
# run.sh OUT TEST...: run cmocka test binaries, print their output, and write
# "PASSED FAILED 0" to OUT. A binary that dies without cmocka's summary (a
# sanitizer report, a crash) counts as one failure.
set -u
out=$1
shift
passed=0 failed=0
for t in "$@"; do
  log=$(mktemp)
  "$t" >"$log" 2>&1
  rc=$?
  cat "$log"
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
  p=${p:-0} f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "$t: exited with $rc without a cmocka summary: 1 failure"
    f=1
  fi
  passed=$((passed + p)) failed=$((failed + f))
  rm -f "$log"
done
echo "$passed $failed 0" > "$out"
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
