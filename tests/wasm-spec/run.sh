#!/usr/bin/env bash
# run.sh OUT RUNNER DIR [ARGS...]: run the WebAssembly spec tests in DIR with
# RUNNER (build/wasm-spec/runner, built by make), print its output and write
# "PASSED FAILED SKIPPED" to OUT. Without DIR the suite is one skip. A runner
# that dies without its closing line counts as one failure more than it
# printed; so does an exit status that disagrees with its counts. Each
# UndefinedBehaviorSanitizer report ("runtime error:", the build lets the run
# go on after one) counts as one failure. WASM_RUN_PREFIX, if set, is put
# before RUNNER (qemu-i386-static for the 32-bit build). The suite's name in
# what it prints is OUT's file name.
set -u
out=$1 runner=$2 dir=$3
shift 3
name=$(basename "$out")
if [ ! -d "$dir" ]; then
  echo "test-wasm: SKIPPED: $dir not found (the WebAssembly spec tests come with ../shared; run with WASM_SPEC=DIR)"
  echo "0 0 1" > "$out"
  exit 0
fi
log=$(mktemp)
${WASM_RUN_PREFIX:-} "$runner" "$dir" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
last=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' "$log" | tail -n 1)
ub=$(grep -c 'runtime error:' "$log")
rm -f "$log"
if [ -z "$last" ]; then
  echo "$name: the runner exited with $rc without its summary: 1 failure"
  last="0 1 0"
fi
read -r p f s <<< "$last"
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
  echo "$name: the runner exited with $rc but counted no failure: 1 failure"
  f=1
fi
if [ "$ub" -gt 0 ]; then
  echo "$name: $ub UndefinedBehaviorSanitizer report(s) above: $ub failure(s)"
  f=$((f + ub))
fi
echo "$p $f $s" > "$out"
echo "$name: $p passed, $f failed, $s skipped"
[ "$f" -eq 0 ]
