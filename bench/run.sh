#!/usr/bin/env bash
# Runs every module benchmark script bench/<module>.sh in turn (each prints its own figures
# and the peer's figures from the same run). Pass module names to run only those.
set -u
cd "$(dirname "$0")/.."
status=0
for s in bench/*.sh; do
  [ "$s" = bench/run.sh ] && continue
  m=$(basename "$s" .sh)
  if [ $# -gt 0 ] && [[ " $* " != *" $m "* ]]; then continue; fi
  echo "=== bench: $m"
  bash "$s" || status=1
done
exit $status
