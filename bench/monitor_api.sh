#!/usr/bin/env bash
# bench/monitor_api.sh: latency of the monitoring endpoints of `hss serve` on the Lishui demo
# region (`hss demo lishui` + `hss surveil generate`), measured with curl's time_total over one
# keep-alive-free request each (loopback connect included):
#  - GET /api/v1/indicators for a county drill-down (all 13 indicators, the county, its
#    townships and its own facilities), uncached: each request asks for another of the 24 months
#    so the server's response cache cannot answer; then the same with trend=24 (the dashboard's
#    second call); then a repeated request (answered from the response cache);
#  - GET /api/v1/alerts and /api/v1/alerts/{id} (detail with 60 days of every source).
# The issue's target for a dashboard query is < 10 ms. Prints median and p90 per case.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
COUNTY=${COUNTY:-331102}
command -v curl >/dev/null || { echo "bench/monitor_api.sh: needs curl"; exit 1; }
make -s $BUILD/hss >/dev/null

tmp=$(mktemp -d /tmp/hss-bench-monitor.XXXXXX)
hss_pid=
cleanup() {
  [ -n "$hss_pid" ] && kill "$hss_pid" 2>/dev/null && wait "$hss_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

$BUILD/hss demo lishui --db "$tmp/d.db" --quiet >/dev/null
$BUILD/hss surveil generate --db "$tmp/d.db" >/dev/null
echo 'bench-pass-1' | $BUILD/hss user add bench --role admin --scope 331100 --password-stdin --db "$tmp/d.db" >/dev/null
$BUILD/hss serve --db "$tmp/d.db" --port 0 > "$tmp/serve.out" 2>"$tmp/serve.err" &
hss_pid=$!
for _ in $(seq 50); do grep -q http "$tmp/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/serve.out")
token=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
  -d '{"username":"bench","password":"bench-pass-1"}' "http://127.0.0.1:$port/api/v1/login" |
  sed -n 's/^Set-Cookie: hss_session=\([0-9a-f]*\);.*/\1/p')
base="http://127.0.0.1:$port/api/v1"

# times (ms) of the URLs given on stdin, one request each
timed() { while read -r u; do curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Cookie: hss_session=$token" "$u"; done |
  awk '$1 != 200 { print "HTTP " $1 > "/dev/stderr"; exit 1 } { print $2 * 1000 }'; }
stats() { sort -n | awk -v what="$1" '{ v[NR] = $1 } END { printf "  %-58s n=%-3d median %6.2f ms  p90 %6.2f ms\n", what, NR, v[int((NR + 1) / 2)], v[int(NR * 0.9 + 0.5)] }'; }
months() { for y in 2024 2025; do for m in 01 02 03 04 05 06 07 08 09 10 11 12; do echo "$y-$m"; done; done; }

rows=$(curl -s -H "Cookie: hss_session=$token" "$base/indicators?under=$COUNTY&period=2025-12" |
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["indicators"]), sum(len(i["children"]) + 1 for i in d["indicators"]))')
echo "GET /indicators on the Lishui demo region, county $COUNTY: $rows (indicators, rows) per response"
months | sed "s|^|$base/indicators?under=$COUNTY\&period=|" | timed | stats "county drill-down, uncached (24 different months)"
months | sed "s|^|$base/indicators?under=$COUNTY\&pack=yiwu\&indicator=basic_level_visit_share\&trend=24\&period=|" | timed |
  stats "one indicator with trend=24, uncached"
for _ in $(seq 24); do echo "$base/indicators?under=$COUNTY&period=2025-12"; done | timed | tail -n +2 | stats "county drill-down, repeated (response cache)"
for p in 2024Q1 2024Q2 2024Q3 2024Q4 2025Q1 2025Q2 2025Q3 2025Q4 2024 2025 YTD2025-06 YTD2025-09; do echo "$p"; done |
  sed "s|^|$base/indicators?under=331100\&period=|" | timed | stats "city and its 9 counties, quarters/years/YTD, uncached"
id=$(curl -s -H "Cookie: hss_session=$token" "$base/alerts?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["alerts"][0]["id"])')
for _ in $(seq 24); do echo "$base/alerts?status=new&x=$RANDOM"; done | timed | stats "alerts list (status=new), distinct keys"
for _ in $(seq 24); do echo "$base/alerts/$id?x=$RANDOM"; done | timed | stats "alert detail with 60 days of every source"
