#!/usr/bin/env bash
# Runs every cmocka test program given as arguments and prints one closing line
# "N passed, N failed" summed over all of them. Each program's own cmocka output is shown, in
# the order given. HSS_TEST_JOBS programs run at once (default: the number of cores, at most
# 4): each has its own temporary directory, database files and server ports (port 0).
set -u
passed=0; failed=0; broken=()
export TMPDIR=$(mktemp -d /tmp/hss-tests.XXXXXX)
trap 'rm -rf "$TMPDIR"' EXIT
jobs_max=${HSS_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
[ "$jobs_max" -gt 4 ] && jobs_max=4
results=$TMPDIR/.results
mkdir -p "$results"
start=$(date +%s)

run_one() { # index program
  local i=$1 t=$2 t0 out rc
  t0=$(date +%s)
  # Into a file, not a pipe: a server that a failed test left running (it inherits the output)
  # must not keep this run waiting for the end of the pipe; the test's own exit is what counts.
  "$t" > "$results/$i.log" 2>&1 < /dev/null; rc=$?
  { echo "== $t ($(( $(date +%s) - t0 )) s)"; cat "$results/$i.log"; } > "$results/$i.out"
  echo $rc > "$results/$i.rc"
}

i=0
for t in "$@"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
  run_one $i "$t" &
  i=$((i + 1))
done
wait

i=0
for t in "$@"; do
  out=$(cat "$results/$i.out"); rc=$(cat "$results/$i.rc")
  echo "$out"
  p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  f=$(echo "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if [ "$rc" -ne 0 ] && [ -z "$f" ]; then failed=$((failed + 1)); broken+=("$t"); fi
  i=$((i + 1))
done
[ ${#broken[@]} -gt 0 ] && echo "crashed or exited non-zero: ${broken[*]}"
echo
echo "tests: $passed passed, $failed failed ($jobs_max at a time, $(( $(date +%s) - start )) s)"
[ $failed -eq 0 ]
