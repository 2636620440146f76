#!/usr/bin/env bash
# bench/ems.sh: the 120 module's benchmark. Builds the Lishui demo region (2.5 million residents,
# generated roads, fleet and a year of generated calls) in a temporary folder, then times a year
# of Lishui-scale calls simulated (target: under 1 s) at 20, 40 and 80 calls per 1,000 residents
# a year, and the measured-performance report over the stored year of calls.
set -u
cd "$(dirname "$0")/.."
B=build/bench/ems_sim
make -j2 "$B" build/hss >/dev/null || exit 1
T=$(mktemp -d /tmp/hss-bench-ems.XXXXXX)
trap 'rm -rf "$T"' EXIT
build/hss demo lishui --db "$T/lishui.db" --quiet >/dev/null || exit 1
echo "Lishui demo region: $(sqlite3 "$T/lishui.db" 'SELECT COUNT(*) FROM ems_unit') units, $(sqlite3 "$T/lishui.db" 'SELECT COUNT(*) FROM ems_call') generated calls stored"
"$B" "$T/lishui.db" 20 40 80 || exit 1
s=$(date +%s.%N)
build/hss ems performance --db "$T/lishui.db" --by month --format json >/dev/null || exit 1
e=$(date +%s.%N)
printf 'measured performance by month over the stored year: %.3f s\n' "$(echo "$e - $s" | bc)"
