#!/usr/bin/env bash
# Metrics benchmark: 10 million generated data values; HSS full build, incremental update of one
# county-month and a dashboard query, against the same aggregation with plain SQL GROUP BY over
# the area tree in SQLite, from the same run. METRICS_VALUES overrides the number of values.
set -eu
cd "$(dirname "$0")/.."
make -s build/bench/metrics_bench
db=$(mktemp -d /tmp/hss-bench-metrics.XXXXXX)
trap 'rm -rf "$db"' EXIT
build/bench/metrics_bench "$db/bench.db" "${METRICS_VALUES:-10000000}"
