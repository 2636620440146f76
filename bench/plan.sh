#!/usr/bin/env bash
# Benchmark of the plan module: saved evaluations of the province-sized generated region (the
# region bench/policy_eval generates: about 100,000 facilities and 30,000 villages, all labelled
# generated). For each pack: save a snapshot, change the data, save again, compare (in one
# process, bench/plan_save.c); then what a user waits for, each in a fresh process (RUNS times,
# default 3): `hss evaluate --save` and `hss evaluate --compare A B` of the two snapshots.
# Targets (issue 13): save under 1 s, compare under 0.5 s. On a shared machine compare the CPU
# figures (user + sys); wall includes waiting for a core. No peer program exists for this job.
set -eu
cd "$(dirname "$0")/.."
make -s build/bench/policy_eval build/bench/plan_save build/hss >/dev/null
db=$(mktemp -d /tmp/hss-bench-plan.XXXXXX)/province.db
trap 'rm -rf "$(dirname "$db")"' EXIT
build/bench/policy_eval "$db" lishui >/dev/null || true   # generates the region (its own timing is bench/policy.sh's)
build/bench/plan_save "$db" "${@:-lishui}" || true
echo "fresh process (load average $(cut -d' ' -f1-3 /proc/loadavg)):"
TIMEFORMAT='%U %S %R'
report() { # label target: reads "user sys wall" on stdin
    awk -v l="$1" -v t="$2" '{ c = $1 + $2; printf "  %-34s CPU %.2f s (user %s, sys %s), wall %s s%s\n",
        l, c, $1, $2, $3, c < t ? "" : "  ** CPU OVER TARGET **" }'
}
pack=${1:-lishui}
for i in $(seq "${RUNS:-3}"); do
    { time build/hss evaluate --db "$db" --policy "$pack" --save >/dev/null; } 2>&1 | report "hss evaluate --save ($pack)" 1
done
for i in $(seq "${RUNS:-3}"); do
    { time build/hss evaluate --db "$db" --compare 1 2 --format json >/dev/null; } 2>&1 | report "hss evaluate --compare 1 2" 0.5
done
