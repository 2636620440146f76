#!/usr/bin/env bash
# bench/server.sh: throughput and p99 latency of a read endpoint of `hss serve` under wrk at 64
# connections, and in the same run nginx serving the same response body as a static file on
# another loopback port (the practical ceiling). Targets: >= half of nginx's requests/s, p99 < 10 ms.
# Environment: DURATION (seconds per run, default 10), ENDPOINT (default /api/v1/areas/331102),
# THREADS (hss worker threads; default one per CPU, as nginx's worker_processes auto).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
DURATION=${DURATION:-10}
ENDPOINT=${ENDPOINT:-/api/v1/areas/331102}
for t in wrk nginx curl; do command -v $t >/dev/null || { echo "bench/server.sh: needs $t (apt: wrk nginx-light curl)"; exit 1; }; done
make -s $BUILD/hss $BUILD/bench/server_db >/dev/null

tmp=$(mktemp -d /tmp/hss-bench-server.XXXXXX)
hss_pid=
cleanup() {
  [ -n "$hss_pid" ] && kill "$hss_pid" 2>/dev/null && wait "$hss_pid" 2>/dev/null
  [ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null
  sleep 0.2
  rm -rf "$tmp"
}
trap cleanup EXIT

$BUILD/bench/server_db "$tmp/b.db" tests/data/server/region.sql
echo 'bench-pass-1' | $BUILD/hss user add bench --role admin --scope 331100 --password-stdin --db "$tmp/b.db" >/dev/null
$BUILD/hss serve --db "$tmp/b.db" --port 0 --threads "${THREADS:-$(nproc)}" > "$tmp/serve.out" 2>"$tmp/serve.err" &
hss_pid=$!
for _ in $(seq 50); do grep -q http "$tmp/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/serve.out")
token=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
  -d '{"username":"bench","password":"bench-pass-1"}' "http://127.0.0.1:$port/api/v1/login" |
  sed -n 's/^Set-Cookie: hss_session=\([0-9a-f]*\);.*/\1/p')
mkdir -p "$tmp/www"
curl -sf -H "Cookie: hss_session=$token" "http://127.0.0.1:$port$ENDPOINT" > "$tmp/www/body.json"
bytes=$(wc -c < "$tmp/www/body.json")

nport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$tmp/nginx.conf" <<CONF
worker_processes auto;
pid $tmp/nginx.pid;
error_log $tmp/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  client_body_temp_path $tmp/cb; proxy_temp_path $tmp/px; fastcgi_temp_path $tmp/fc; uwsgi_temp_path $tmp/uw; scgi_temp_path $tmp/sc;
  server { listen 127.0.0.1:$nport; root $tmp/www; }
}
CONF
nginx -c "$tmp/nginx.conf" -p "$tmp"
sleep 0.3

run() { wrk -t2 -c64 -d"${DURATION}s" --latency "$@"; }
parse() { # prints "rps p99_ms"
  awk '/^Requests\/sec/ {rps=$2} /^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000} p99=v} END {printf "%.0f %.2f\n", rps, p99}'
}
echo "endpoint: GET $ENDPOINT ($bytes bytes, ${THREADS:-$(nproc)} hss threads; session and scope checked, commit epoch checked, body from the server's one answer cache), ${DURATION}s, 64 connections, 2 wrk threads"
hss_out=$(run -H "Cookie: hss_session=$token" "http://127.0.0.1:$port$ENDPOINT")
ngx_out=$(run "http://127.0.0.1:$nport/body.json")
grep -q 'Non-2xx' <<<"$hss_out" && { echo "hss returned errors:"; echo "$hss_out"; exit 1; }
read -r hrps hp99 <<<"$(parse <<<"$hss_out")"
read -r nrps np99 <<<"$(parse <<<"$ngx_out")"
ratio=$(awk -v a="$hrps" -v b="$nrps" 'BEGIN {printf "%.2f", a/b}')
printf '%-28s %12s %10s\n' server 'requests/s' 'p99 ms'
printf '%-28s %12s %10s\n' "hss serve (libmicrohttpd)" "$hrps" "$hp99"
printf '%-28s %12s %10s\n' "nginx static file (peer)" "$nrps" "$np99"
echo "hss/nginx throughput: $ratio (target >= 0.50); hss p99 $hp99 ms (target < 10 ms)"
