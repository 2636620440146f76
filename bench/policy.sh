#!/usr/bin/env bash
# Benchmark of the policy module: generates a province-sized region (about 100,000 facilities
# and 30,000 villages, every row labelled generated) and times `hss_policy_evaluate` with each
# shipped pack. Target: under 0.5 second per evaluation (issue 13; 1 s in issue 3). No peer
# program exists for this job.
set -eu
cd "$(dirname "$0")/.."
make -s build/bench/policy_eval >/dev/null
db=$(mktemp -d /tmp/hss-bench-policy.XXXXXX)/province.db
trap 'rm -rf "$(dirname "$db")"' EXIT
build/bench/policy_eval "$db" lishui nanyang yiwu liaocheng national
