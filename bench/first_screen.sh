#!/usr/bin/env bash
# bench/first_screen.sh: the first screen after login on the Lishui demo, from a cold cache (a
# server just started, a new browser profile): time from the login click until the city page's
# data is drawn (summary, findings, map, nothing loading), the bytes fetched, and the slowest
# requests (tests/server/e2e_lang.mjs with HSS_FIRST_SCREEN_ONLY=1, headless Chromium). Target: 1 s.
# Environment: BUILD (default build), HSS (the binary, default $BUILD/hss), WEB (default web/dist),
# RUNS (default 3), START_WAIT (seconds from the start to the login, default 0). Prints the load (uptime) beside each run: the machine is shared.
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
  sleep "${START_WAIT:-0}" # seconds between the start and the login (a server is usually up long before)
  echo "run $i, load: $(uptime | sed 's/.*load average: //')"
  HSS_FIRST_SCREEN_ONLY=1 node tests/server/e2e_lang.mjs "http://127.0.0.1:$port/" "$tmp/art" bench-pass-1 x x x x | grep FIGURE
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
done
