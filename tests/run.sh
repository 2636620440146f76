#!/usr/bin/env bash
# Runs every cmocka test program given as arguments and prints one closing line
# "N passed, N failed" summed over all of them. Each program's own cmocka output is shown.
set -u
passed=0; failed=0; broken=()
export TMPDIR=$(mktemp -d /tmp/hss-tests.XXXXXX)
trap 'rm -rf "$TMPDIR"' EXIT
for t in "$@"; do
  echo "== $t"
  out=$("$t" 2>&1); rc=$?
  echo "$out"
  p=$(echo "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  f=$(echo "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if [ $rc -ne 0 ] && [ -z "$f" ]; then failed=$((failed + 1)); broken+=("$t"); fi
done
[ ${#broken[@]} -gt 0 ] && echo "crashed or exited non-zero: ${broken[*]}"
echo
echo "tests: $passed passed, $failed failed"
[ $failed -eq 0 ]
