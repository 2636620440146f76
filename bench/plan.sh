#!/usr/bin/env bash
# Benchmark of the plan module: saved evaluations of the province-sized generated region (the
# region bench/policy_eval generates: about 100,000 facilities and 30,000 villages, all labelled
# generated). For each pack: save a snapshot, change the data, save again, compare.
# Targets (issue 13): save under 1 s, compare under 0.5 s. No peer program exists for this job.
set -eu
cd "$(dirname "$0")/.."
make -s build/bench/policy_eval build/bench/plan_save >/dev/null
db=$(mktemp -d /tmp/hss-bench-plan.XXXXXX)/province.db
trap 'rm -rf "$(dirname "$db")"' EXIT
build/bench/policy_eval "$db" lishui >/dev/null || true   # generates the region (its own timing is bench/policy.sh's)
build/bench/plan_save "$db" "${@:-lishui}"
