#!/usr/bin/env bash
# run.sh OUT SIM: the simulator's fixed seeds, for `make test`. Each line
# below is one test; "PASSED FAILED 0" goes to OUT.
#  - every fault profile, seeds 1-10, 2-6 nodes, 100,000 steps; and a LAN
#    of 16 nodes with every fault
#  - the same run twice gives the same trace hash (determinism)
#  - each --lie (a device, or the realm manager, breaking its promise on
#    purpose) is caught: the run must end in a VIOLATION, or the checks are
#    not checking
set -u
out=$1 sim=$2
passed=0 failed=0
log=build/sim/test.log
: > "$log"

pass() { passed=$((passed + 1)); }
fail() { echo "sim: FAILED: $*"; failed=$((failed + 1)); }

run() { # args...: must end "sim: ok"
  if "$sim" "$@" >> "$log" 2>&1; then pass; else
    tail -3 "$log"; fail "$sim $*"; fi
}

for faults in none net disk rng all; do
  for seed in 1 2 3 4 5 6 7 8 9 10; do
    run --seed "$seed" --nodes $((2 + seed % 5)) --faults "$faults" --steps 100000
  done
done
run --seed 11 --nodes 16 --faults all --steps 200000

a=$("$sim" --seed 42 --nodes 4 --faults all --steps 100000 2>&1 | tail -1)
b=$("$sim" --seed 42 --nodes 4 --faults all --steps 100000 2>&1 | tail -1)
c=$("$sim" --seed 43 --nodes 4 --faults all --steps 100000 2>&1 | tail -1)
if [ "$a" = "$b" ] && [ "${a#sim: ok}" != "$a" ] && [ "${a##* }" != "${c##* }" ]; then
  pass
else
  fail "determinism: seed 42 twice gave '$a' and '$b' (seed 43: '$c')"
fi

for lie in "flush disk" "stale none" "drop none" "rollback none" "rollback all"; do
  set -- $lie
  if "$sim" --seed 3 --nodes 3 --faults "$2" --steps 100000 --lie "$1" 2>&1 |
      grep -q "VIOLATION"; then
    pass
  else
    fail "--lie $1 --faults $2 was not caught"
  fi
done

echo "sim: $passed passed, $failed failed (log: $log)"
echo "$passed $failed 0" > "$out"
[ "$failed" -eq 0 ]
