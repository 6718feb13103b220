#!/usr/bin/env bash
# run.sh OUT SECONDS FUZZER...: run each libFuzzer harness for SECONDS from
# the seeds of seeds.py (kept, with what it finds, in build/fuzz/corpus-<name>),
# and write "PASSED FAILED 0" to OUT (one per harness). A finding (crash,
# leak, timeout, out of memory) leaves its input in build/fuzz/, named
# <harness>-crash-<sha1> and so on, and prints the end of the log and the
# command that replays that one input.
set -u
out=$1 seconds=$2
shift 2
passed=0 failed=0
for f in "$@"; do
  name=$(basename "$f")
  corpus=build/fuzz/corpus-$name
  /usr/bin/python3 tests/fuzz/seeds.py "$name" "$corpus" || exit 1
  if "$f" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="build/fuzz/$name-" "$corpus" >"$f.log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$f.log")
    echo "fuzz: $name ran ${runs:-?} inputs in $seconds s, no finding"
    passed=$((passed + 1))
  else
    tail -40 "$f.log"
    echo "fuzz: $name FAILED (log: $f.log)"
    # libFuzzer names the file it wrote: "Test unit written to PATH".
    input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$f.log" | tail -n 1)
    if [ -n "$input" ]; then
      echo "fuzz: the input is $input; replay it with: $f $input"
    else
      echo "fuzz: $name left no input (it failed before fuzzing: see the log)"
    fi
    failed=$((failed + 1))
  fi
done
echo "$passed $failed 0" > "$out"
[ "$failed" -eq 0 ]
