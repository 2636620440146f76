#!/usr/bin/env bash
# Benchmark of the policy module: generates a province-sized region (about 100,000 facilities
# and 30,000 villages, every row labelled generated) and times `hss_policy_evaluate` with each
# shipped pack. Target: under 1 second per evaluation. No peer program exists for this job;
# the figure is compared with the target stated in issue 3.
set -eu
cd "$(dirname "$0")/.."
make -s build/bench/policy_eval >/dev/null
db=$(mktemp -d /tmp/hss-bench-policy.XXXXXX)/province.db
trap 'rm -rf "$(dirname "$db")"' EXIT
build/bench/policy_eval "$db" lishui nanyang yiwu liaocheng national
