#!/usr/bin/env bash
# bench/policy_demo.sh: the policy evaluation on the Lishui demo region, the figure issue 13
# names ("every pack under 0.5 s"): builds `hss demo lishui` into a temporary database (real
# Lishui divisions and road network from the npm data packages, generated facilities, every
# generated row labelled), then times `hss evaluate --policy P --summary` for every shipped
# pack, best of RUNS (default 3), printing wall and CPU (user + system) seconds. Needs the npm
# data packages (`npm ci`, or node_modules linked). No peer program does this job.
set -u
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
make -j2 build/hss >/dev/null || exit 1
T=$(mktemp -d /tmp/hss-bench-policy-demo.XXXXXX)
trap 'rm -rf "$T"' EXIT
if ! build/hss demo lishui --db "$T/lishui.db" >/dev/null 2>"$T/demo.err"; then
  echo "policy_demo: hss demo lishui failed: $(tail -1 "$T/demo.err")"
  exit 1
fi
status=0
for p in national lishui nanyang yiwu liaocheng; do
  best_wall=; best_cpu=
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S" -o "$T/time" build/hss evaluate --db "$T/lishui.db" --policy "$p" \
      --summary >/dev/null || exit 1
    read -r wall user sys <"$T/time"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
    best_wall=$(awk -v a="$wall" -v b="${best_wall:-1e9}" 'BEGIN { print (a < b ? a : b) }')
    best_cpu=$(awk -v a="$cpu" -v b="${best_cpu:-1e9}" 'BEGIN { print (a < b ? a : b) }')
  done
  over=""
  if awk -v w="$best_wall" 'BEGIN { exit !(w >= 0.5) }'; then over="  ** OVER TARGET (wall) **"; status=1; fi
  printf 'evaluate %-10s on the Lishui demo: wall %.2f s, CPU %.2f s (best of %d; target < 0.5 s)%s\n' \
    "$p" "$best_wall" "$best_cpu" "$RUNS" "$over"
done
exit $status
