#!/usr/bin/env bash
# Province load, SQLite against PostgreSQL in the same run (issue #15). A generated province
# (bench/province_gen.c, everything labelled generated: 10 million residents, about 2 million
# chronic patients, two years of follow-ups) is built on each backend: a SQLite file and a
# throwaway PostgreSQL 15 cluster (tests/pg/cluster.sh --bench: fsync on, asynchronous commit,
# as the SQLite store's WAL mode with synchronous=NORMAL). Then, for each, `hss serve --db …`
# runs and 64 concurrent clients (bench/care_write.c) record follow-ups and read their team's
# worklist for 60 s. Prints writes per second and p50/p99 of writes and of worklist reads side
# by side. Targets: PostgreSQL at least 5x SQLite's write throughput, worklist p99 < 20 ms.
# Environment: SCALE (default 1, at most 1; e.g. SCALE=0.01 for 100,000 residents), RESIDENTS
# (default 10000000, before SCALE; 65000000 for a whole province), SECONDS_RUN (60), CLIENTS
# (64), THREADS (hss serve --threads; its default when unset). The generated SQLite province is cached in build/bench/province-RESIDENTS-SCALE.db
# (delete it to regenerate); the PostgreSQL one is generated afresh each run, or with
# PG_LOAD=copy moved there from the SQLite file by `hss copy` (bulk load, much faster). PostgreSQL is skipped, with the reason, when this build's hss
# cannot open a postgresql:// URL. PG_STATS=1 profiles the PostgreSQL run (pg_stat_statements,
# reset just before the load) and prints its costliest statements and their calls per request.
set -eu
cd "$(dirname "$0")/.."
# the SQLite column must be SQLite even where the tests' redirection to PostgreSQL is set
unset HSS_STORE_PG
BUILD=${BUILD:-build}
SCALE=${SCALE:-1}
RESIDENTS=${RESIDENTS:-10000000}
SECS=${SECONDS_RUN:-60}
CLIENTS=${CLIENTS:-64}
make -s "$BUILD/hss" "$BUILD/bench/province_gen" "$BUILD/bench/care_write"

tmp=$(mktemp -d /tmp/hss-bench-province.XXXXXX)
chmod 755 "$tmp"   # the cluster inside runs as the postgres user when we are root
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  tests/pg/cluster.sh stop "$tmp/pg" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# CPU seconds used so far by process PID (with CHILDREN set: and by its children, live and
# ended: the PostgreSQL server's backends).
cpu_of() {
  local pid=$1 t=0 f c
  f=($(sed 's/^.*) //' "/proc/$pid/stat")) || { echo 0; return; }
  t=$(( f[11] + f[12] ))
  if [ -n "${2:-}" ]; then
    t=$(( t + f[13] + f[14] ))
    for c in $(pgrep -P "$pid"); do
      f=($(sed 's/^.*) //' "/proc/$c/stat" 2>/dev/null)) || continue
      t=$(( t + f[11] + f[12] ))
    done
  fi
  echo "$t"
}

# psql on the throwaway cluster's database (PG_STATS=1), as the user that owns it
psql_pg() { psql -X -q -h "$tmp/pg" -p 5432 -U "$(stat -c %U "$tmp/pg/data")" -d hss "$@"; }

# The statements that took most of the database's time in the last load (PG_STATS=1): total
# ms, calls per request (of the REQ requests the report in FILE counts), ms per call, the text.
pg_profile() {
  local n
  n=$(awk '/^CPU per request/ { sub(/[(]/, "", $(NF - 1)); print $(NF - 1) }' "$1")
  echo "PostgreSQL's costliest statements in this load (pg_stat_statements; $n requests):"
  psql_pg -A -F ' | ' -c "SELECT round(total_exec_time::numeric + total_plan_time::numeric) AS total_ms,
      round(calls::numeric / ${n:-1}, 2) AS calls_per_req,
      round(((total_exec_time + total_plan_time) / greatest(calls, 1))::numeric, 3) AS ms_per_call,
      regexp_replace(left(query, 160), '\s+', ' ', 'g') AS query
    FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT ${PG_STATS_TOP:-25}"
}

# Runs `hss serve --db DB` on a free port, the clients against it, and stops it; the clients'
# report goes to FILE, followed by the CPU time the server (and PostgreSQL's) took per request:
# on a machine shared with other work, wall-clock figures vary with the load, CPU time less.
load() {
  local db=$1 out=$2 port= pm=
  [ "${db#postgresql://}" != "$db" ] && pm=$(head -n 1 "$tmp/pg/data/postmaster.pid" 2>/dev/null || true)
  "$BUILD/hss" serve --db "$db" --port 0 --conn-per-ip $((4 * CLIENTS)) ${THREADS:+--threads "$THREADS"} \
    >"$tmp/serve.out" 2>"$tmp/serve.err" &
  server=$!
  for _ in $(seq 600); do
    port=$(sed -n 's#^HSS serving .* on http://127\.0\.0\.1:\([0-9]*\)/$#\1#p' "$tmp/serve.out")
    [ -n "$port" ] && break
    kill -0 "$server" 2>/dev/null || { cat "$tmp/serve.err" >&2; return 1; }
    sleep 0.1
  done
  [ -n "$port" ] || { echo "province: hss serve did not start" >&2; return 1; }
  # the load starts once the server's start-up warm-up (findings of every city and county, done
  # once) is over, so that the CPU per request below is that of the requests alone
  for _ in $(seq 1200); do grep -q 'hss: warm (' "$tmp/serve.err" && break; sleep 0.1; done
  grep -o 'warm (.*' "$tmp/serve.err" || echo "(no warm-up message within 120 s: the load starts anyway)"
  local rc=0 s0 p0=0 s1 p1=0
  [ -n "$pm" ] && [ -n "${PG_STATS:-}" ] && psql_pg -c "SELECT pg_stat_statements_reset()" >/dev/null
  s0=$(cpu_of "$server")
  [ -n "$pm" ] && p0=$(cpu_of "$pm" children)
  HSS_BENCH_PORT=$port "$BUILD/bench/care_write" "$db" "$SECS" "$CLIENTS" >"$out" || rc=$?
  s1=$(cpu_of "$server")
  [ -n "$pm" ] && p1=$(cpu_of "$pm" children)
  awk -v s=$((s1 - s0)) -v p=$((p1 - p0)) -v hz="$(getconf CLK_TCK)" '
    / requests / { for (i = 1; i < NF; i++) if ($(i + 1) == "requests") n += $i }
    END { if (n) printf "CPU per request: hss serve %.2f ms, PostgreSQL %.2f ms, together %.2f ms (%d requests)\n",
                        1000 * s / hz / n, 1000 * p / hz / n, 1000 * (s + p) / hz / n, n }' "$out" >>"$out"
  kill "$server" && wait "$server" 2>/dev/null || true
  server=
  cat "$out"
  [ -n "$pm" ] && [ -n "${PG_STATS:-}" ] && pg_profile "$out"
  # failed requests: what the server said about them
  [ $rc -eq 0 ] || { echo "hss serve said (last lines):"; grep -v '^hss: stopped' "$tmp/serve.err" | tail -n 5; }
  return $rc
}

echo "== generated province: $RESIDENTS residents x scale $SCALE (all labelled generated)"
# SQLite
cache=$BUILD/bench/province-$RESIDENTS-$SCALE.db
if [ ! -f "$cache" ]; then
  rm -f "$cache.part" "$cache.part-wal" "$cache.part-shm"
  "$BUILD/bench/province_gen" "$cache.part" "$RESIDENTS" "$SCALE"
  mv "$cache.part" "$cache"
else
  echo "SQLite: using the province generated earlier in $cache (delete it to generate again)"
fi
cp "$cache" "$tmp/province.db"
# PostgreSQL
pg=
if url=$(tests/pg/cluster.sh start "$tmp/pg" --bench ${PG_STATS:+--stats} 2>"$tmp/pg.err"); then
  if [ "${PG_LOAD:-}" = copy ]; then
    # the same generated province, moved by `hss copy` (bulk load) instead of generated again
    "$BUILD/hss" copy --help >/dev/null 2>&1 || { echo "province: PG_LOAD=copy needs hss copy" >&2; exit 1; }
    t=$SECONDS
    "$BUILD/hss" copy --from "$tmp/province.db" --to "$url" --quiet ||
      { echo "province: hss copy to PostgreSQL failed (its message above)" >&2; exit 1; }
    echo "copied the generated province to PostgreSQL with hss copy in $((SECONDS - t)) s"
    pg=$url
  elif "$BUILD/bench/province_gen" "$url" "$RESIDENTS" "$SCALE" 2>"$tmp/gen.err"; then
    pg=$url
  else
    rc=$?
    [ $rc -eq 3 ] || { cat "$tmp/gen.err" >&2; exit 1; }
    echo "PostgreSQL: skipped: this build of hss cannot open a postgresql:// URL ($(tail -n 1 "$tmp/gen.err"))"
  fi
else
  echo "PostgreSQL: skipped: no throwaway cluster ($(tail -n 1 "$tmp/pg.err"))"
fi

status=0
echo "== SQLite: hss serve --db $tmp/province.db, $CLIENTS clients for $SECS s"
load "$tmp/province.db" "$tmp/sqlite.txt" || status=1
if [ -n "$pg" ]; then
  echo "== PostgreSQL: hss serve --db $pg, $CLIENTS clients for $SECS s"
  load "$pg" "$tmp/pg.txt" || status=1
fi

# Side by side: field F (rate, p50, p99, errors) of the line starting with WHAT in a report.
fig() {
  [ -f "$2" ] || { echo -; return; }
  awk -v what="$1" -v f="$3" 'index($0, what) == 1 {
      for (i = 1; i <= NF; i++) {
        if ($i == "/s" && f == "rate") print $(i - 1)
        if ($i == f && f != "rate") print $(i + 1)
      } }' "$2" | head -n 1
}
row() { printf '%-26s %14s %14s\n' "$1" "$(fig "$2" "$tmp/sqlite.txt" "$3")" "$(fig "$2" "$tmp/pg.txt" "$3")"; }
echo
echo "== province load, $CLIENTS clients, $SECS s (generated data, $RESIDENTS x $SCALE residents)"
printf '%-26s %14s %14s\n' "" SQLite PostgreSQL
row "writes per second" "POST /care/followups" rate
row "write p50 (ms)" "POST /care/followups" p50
row "write p99 (ms)" "POST /care/followups" p99
row "write errors" "POST /care/followups" errors
row "worklist reads per second" "GET /care/worklist" rate
row "worklist p50 (ms)" "GET /care/worklist" p50
row "worklist p99 (ms)" "GET /care/worklist" p99
row "worklist errors" "GET /care/worklist" errors
cpu() { [ -f "$1" ] && awk -v f="$2" '/^CPU per request/ { for (i = 1; i <= NF; i++) if ($i == f) print $(i + 1) }' "$1" || echo -; }
printf '%-26s %14s %14s\n' "CPU ms/request: hss serve" "$(cpu "$tmp/sqlite.txt" serve)" "$(cpu "$tmp/pg.txt" serve)"
printf '%-26s %14s %14s\n' "CPU ms/request: database" "-" "$(cpu "$tmp/pg.txt" PostgreSQL)"
printf '%-26s %14s %14s\n' "CPU ms/request: together" "$(cpu "$tmp/sqlite.txt" together)" "$(cpu "$tmp/pg.txt" together)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "$pg" ] && [ -f "$tmp/pg.txt" ]; then
  awk -v s="$(fig "POST /care/followups" "$tmp/sqlite.txt" rate)" -v p="$(fig "POST /care/followups" "$tmp/pg.txt" rate)" \
      -v l="$(fig "GET /care/worklist" "$tmp/pg.txt" p99)" 'BEGIN {
    printf "PostgreSQL writes / SQLite writes: %.2fx   [target >= 5x]\n", (s > 0 ? p / s : 0)
    printf "PostgreSQL worklist p99: %s ms   [target < 20 ms]\n", l }'
else
  echo "(PostgreSQL not run: see above)"
fi
exit $status
