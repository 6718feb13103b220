#!/usr/bin/env bash
# summary.sh DIR: add up the "PASSED FAILED SKIPPED" files the suites wrote and
# print the closing line. A suite that wrote nothing (it did not build, or it
# crashed before counting) counts as one failure.
set -u
dir=$1
passed=0 failed=0 skipped=0
for suite in unit wasm wasm-journal wasm-i386 sim system fuzz; do
  f=$dir/$suite
  if [ ! -s "$f" ]; then
    echo "suite '$suite' reported nothing: counted as 1 failure"
    failed=$((failed + 1))
    continue
  fi
  read -r p fl s < "$f"
  echo "suite $suite: $p passed, $fl failed, $s skipped"
  passed=$((passed + p)) failed=$((failed + fl)) skipped=$((skipped + s))
done
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
