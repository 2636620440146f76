#!/usr/bin/env bash
# FHIR benchmark at Lishui size: bulk export of the full-size generated care data (the database
# bench/care.sh builds once and caches in build/bench/care-lishui.db: ~2.5 million residents and
# their follow-ups) in resources per second (target >= 100,000/s), and the import of a
# 100,000-entry Bundle (rolled back afterwards, so the cached database is left unchanged).
set -eu
cd "$(dirname "$0")/.."
make -s build/bench/care_bench build/bench/fhir_bench
db=${HSS_CARE_BENCH_DB:-build/bench/care-lishui.db}
[ -s "$db" ] || build/bench/care_bench "$db" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
build/bench/fhir_bench "$db" "$work"
