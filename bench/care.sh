#!/usr/bin/env bash
# Care benchmark at Lishui size (~2.5 million residents, ~500,000 chronic patients, two years
# of follow-ups). The database is generated once (a few minutes) and cached in
# build/bench/care-lishui.db; set HSS_CARE_BENCH_DB to use another file. Prints the time to
# compute every patient's next action for one date (target < 1 s) and one team's worklist
# (target < 10 ms), and the whole-history peer from the same run.
set -eu
cd "$(dirname "$0")/.."
make -s build/bench/care_bench
db=${HSS_CARE_BENCH_DB:-build/bench/care-lishui.db}
build/bench/care_bench "$db" "$@"
