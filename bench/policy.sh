#!/usr/bin/env bash
# Benchmark of the policy module: generates a province-sized region (about 100,000 facilities
# and 30,000 villages, every row labelled generated) and times `hss_policy_evaluate` with each
# shipped pack, in one process; then `hss evaluate --summary` of each pack in a fresh process
# (RUNS times, default 3), which is what a user waits for: loading the region, the road
# network and the pack included. Target: under 0.5 second per evaluation (issue 13; 1 s in
# issue 3). On a shared machine compare the CPU figures (user + sys); wall includes waiting
# for a core. No peer program exists for this job.
set -eu
cd "$(dirname "$0")/.."
make -s build/bench/policy_eval build/hss >/dev/null
db=$(mktemp -d /tmp/hss-bench-policy.XXXXXX)/province.db
trap 'rm -rf "$(dirname "$db")"' EXIT
packs="lishui nanyang yiwu liaocheng national"
build/bench/policy_eval "$db" $packs || true
echo "fresh process, hss evaluate --summary (load average $(cut -d' ' -f1-3 /proc/loadavg)):"
TIMEFORMAT='%U %S %R'
for p in $packs; do
    for i in $(seq "${RUNS:-3}"); do
        t=$( { time build/hss evaluate --db "$db" --policy "$p" --summary >/dev/null; } 2>&1 )
        echo "$t" | awk -v p="$p" '{ c = $1 + $2; printf "  %-10s CPU %.2f s (user %s, sys %s), wall %s s%s\n",
            p, c, $1, $2, $3, c < 0.5 ? "" : "  ** CPU OVER TARGET **" }'
    done
done
