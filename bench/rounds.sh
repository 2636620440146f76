#!/usr/bin/env bash
# bench/rounds.sh: the round planner's benchmark. Builds the Lishui demo region in a temporary
# directory and plans rounds for all its villages without a clinic of their own (2 vehicles per
# county): plan time (target under 10 s) and the gap to the lower bound. In the same run, 20
# small instances are solved by HSS (exact and heuristic) and exactly by GLPK's glpsol
# (Debian glpk-utils) for comparison.
set -u
cd "$(dirname "$0")/.."
B=build/bench/rounds_bench
make -j2 "$B" build/hss >/dev/null || exit 1
T=$(mktemp -d /tmp/hss-bench-rounds.XXXXXX)
trap 'rm -rf "$T"' EXIT
build/hss demo lishui --db "$T/lishui.db" --quiet >/dev/null || exit 1
echo "load average: $(cut -d" " -f1-3 /proc/loadavg) (wall time grows with it on a shared machine)"
"$B" lishui "$T/lishui.db" || exit 1
if command -v glpsol >/dev/null; then
  "$B" small "$T" || exit 1
else
  echo "glpsol: glpk-utils is not installed; skipping the GLPK comparison"
fi
