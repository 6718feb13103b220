#!/usr/bin/env bash
# explore.sh SIM N: run seeds 1..N (JOBS at a time, default: the CPUs),
# each with a profile and a LAN size drawn from the seed, and report every
# seed that ends in a VIOLATION with the command that replays it. Logs of
# failures go to build/sim/explore/. Long runs: start it with nohup or &.
set -u
sim=$1 n=$2
jobs=${JOBS:-$(nproc)}
dir=build/sim/explore
rm -rf "$dir" && mkdir -p "$dir"

one() {
  local seed=$1 profiles=(none net disk rng all all all)
  local faults=${profiles[$((seed % 7))]} nodes=$((2 + seed % 7))
  if ! "$SIM" --seed "$seed" --nodes "$nodes" --faults "$faults" \
      --steps "${STEPS:-100000}" > "$DIR/$seed.log" 2>&1; then
    echo "FAIL seed $seed: $(grep -m1 VIOLATION "$DIR/$seed.log")"
    return 0
  fi
  rm -f "$DIR/$seed.log"
}
export -f one
export SIM=$sim DIR=$dir

start=$(date +%s)
seq 1 "$n" | xargs -P "$jobs" -I{} bash -c 'one {}' | tee "$dir/failures"
bad=$(grep -c '^FAIL' "$dir/failures" || true)
echo "sim-explore: $n seeds in $(( $(date +%s) - start )) s, $bad failing" \
     "(build/sim/explore/failures)"
[ "$bad" -eq 0 ]
