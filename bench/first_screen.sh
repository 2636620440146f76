#!/usr/bin/env bash
# bench/first_screen.sh: the first screen after login on the Lishui demo, from a cold browser (a
# new profile) and a server just started: time from the login click until the screen is usable
# (the figure cards, the summary, findings and facility tables shown and clickable: what the
# planner reads), then until the map is drawn and nothing is loading; the bytes fetched after the
# login page, and the slowest requests (tests/server/e2e_lang.mjs with HSS_FIRST_SCREEN_ONLY=1,
# headless Chromium). Target: usable within 1 s.
# By default the login waits until the server says its warm-up is done (findings of the city and its
# counties, the city's map and coverage cards: a server is usually up long before anyone logs in); WARM=0 logs in at
# once after the start, while the warm-up runs. Environment: BUILD (default build), HSS (the
# binary, default $BUILD/hss), WEB (default web/dist), RUNS (default 3), WARM (1), START_WAIT
# (further seconds before the login, default 0). Prints the load (uptime) and the CPU time of the
# server beside each run: the machine is shared.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
HSS=${HSS:-$BUILD/hss}
WEB=${WEB:-web/dist}
RUNS=${RUNS:-3}
tmp=$(mktemp -d /tmp/hss-bench-first.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
"$HSS" demo lishui --db "$tmp/l.db" --quiet >/dev/null
echo 'bench-pass-1' | "$HSS" user add demo --role planner --scope 331100 --password-stdin --db "$tmp/l.db" >/dev/null
for i in $(seq "$RUNS"); do
  "$HSS" serve --db "$tmp/l.db" --port 0 --web "$WEB" > "$tmp/serve.out" 2>"$tmp/serve.err" &
  pid=$!
  for _ in $(seq 300); do grep -q http "$tmp/serve.out" 2>/dev/null && break; sleep 0.1; done # up to 30 s on a loaded machine
  port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/serve.out")
  if [ "${WARM:-1}" = 1 ]; then
    for _ in $(seq 600); do grep -q 'hss: warm (' "$tmp/serve.err" 2>/dev/null && break; sleep 0.1; done
    grep -o 'warm (.*' "$tmp/serve.err" || echo "(no warm-up message within 60 s)"
  fi
  sleep "${START_WAIT:-0}"
  echo "run $i, load: $(uptime | sed 's/.*load average: //')"
  cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  HSS_FIRST_SCREEN_ONLY=1 node tests/server/e2e_lang.mjs "http://127.0.0.1:$port/" "$tmp/art" bench-pass-1 x x x x | grep FIGURE
  cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  echo "server CPU during the login and first screen: $(( (cpu1 - cpu0) * 1000 / $(getconf CLK_TCK) )) ms"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
done
