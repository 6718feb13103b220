#!/usr/bin/env bash
# explore.sh SIM N: run seeds 1..N of the simulator, JOBS at a time
# (default: the CPUs), each with a profile and a LAN size drawn from the
# seed, and list every seed that ends in a VIOLATION with the command that
# replays it. It runs in the background (FG=1: in the foreground, exit
# status 1 if a seed failed); everything goes to build/sim/explore/log,
# failing seeds to build/sim/explore/failures, their logs beside them.
set -u
sim=$1 n=$2
dir=build/sim/explore
if [ "${FG:-0}" != 1 ] && [ "${EXPLORE_CHILD:-0}" != 1 ]; then
  rm -rf "$dir" && mkdir -p "$dir"
  EXPLORE_CHILD=1 nohup "$0" "$@" > "$dir/log" 2>&1 &
  echo "sim-explore: $n seeds in the background (pid $!)"
  echo "  progress and result: tail -f $dir/log; failing seeds: $dir/failures"
  exit 0
fi
[ "${EXPLORE_CHILD:-0}" = 1 ] || { rm -rf "$dir" && mkdir -p "$dir"; }
jobs=${JOBS:-$(nproc)}
: > "$dir/failures"

one() {
  local seed=$1 profiles=(none net disk rng all all all)
  local faults=${profiles[$((seed % 7))]} nodes=$((2 + seed % 7))
  if ! "$SIM" --seed "$seed" --nodes "$nodes" --faults "$faults" \
      --steps "${STEPS:-100000}" > "$DIR/$seed.log" 2>&1; then
    echo "FAIL seed $seed: $(grep -m1 VIOLATION "$DIR/$seed.log")"
    grep -m1 "replay with" "$DIR/$seed.log"
    return 0
  fi
  rm -f "$DIR/$seed.log"
}
export -f one
export SIM=$sim DIR=$dir

start=$(date +%s)
for ((first = 1; first <= n; first += 1000)); do
  last=$((first + 999 > n ? n : first + 999))
  seq "$first" "$last" | xargs -P "$jobs" -I{} bash -c 'one {}' |
    tee -a "$dir/failures"
  bad=$(grep -c '^FAIL' "$dir/failures" || true)
  echo "sim-explore: $last of $n seeds, $bad failing, $(( $(date +%s) - start )) s"
done
echo "sim-explore: $n seeds in $(( $(date +%s) - start )) s, $bad failing" \
     "($dir/failures)"
[ "$bad" -eq 0 ]
