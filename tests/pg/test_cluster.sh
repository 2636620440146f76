#!/usr/bin/env bash
# tests/pg/test_cluster.sh: the throwaway PostgreSQL cluster that `make check-pg` runs the suite
# against (tests/pg/cluster.sh, tests/pg/with_cluster.sh). Run by `make test-pg-cluster`, not by
# `make test`. Checks that a cluster starts with the settings the suite relies on and answers on
# its Unix socket only, that a second start after a killed run works, that stop removes it, and
# that with_cluster.sh hands the URL to its command and cleans up whatever the command answers.
set -u
cd "$(dirname "$0")/../.."
pass=0; fail=0
ok()  { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

base=$(mktemp -d /tmp/hss-pgt.XXXXXX)
chmod 755 "$base"
dir=$base/c
trap 'tests/pg/cluster.sh stop "$dir" >/dev/null 2>&1; tests/pg/cluster.sh stop "$base/w" >/dev/null 2>&1; rm -rf "$base"' EXIT

q() { psql "$1" -X -q -A -t -v ON_ERROR_STOP=1 -c "$2" 2>&1; }
postmaster() { head -n 1 "$dir/data/postmaster.pid"; }
# waits (up to 5 s) for a process to be gone: the pid file goes a moment before the process
gone() { for _ in $(seq 50); do [ -d "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ] || return 0; sleep 0.1; done; return 1; }

# 1. a fresh cluster: the URL works over the socket, with the settings the suite needs
url=$(tests/pg/cluster.sh start "$dir")
check "start prints a postgresql:// URL with the socket directory ($url)" \
  test "$url" = "postgresql://$( [ "$(id -u)" -eq 0 ] && echo postgres || id -un)@/hss?host=$dir&port=5432"
check "psql connects to database hss through the socket" test "$(q "$url" 'SELECT current_database()')" = hss
check "no TCP listener (listen_addresses is empty)" test "$(q "$url" 'SHOW listen_addresses')" = ""
check "the socket is in DIR" test -S "$dir/.s.PGSQL.5432"
check "settings for tests: fsync, synchronous_commit, full_page_writes, jit off; 200 connections" \
  test "$(q "$url" "SELECT current_setting('fsync')||current_setting('synchronous_commit')||current_setting('full_page_writes')||current_setting('jit')||current_setting('max_connections')")" = offoffoffoff200
check "tables can be created and read" \
  test "$(q "$url" 'CREATE TABLE t(x int); INSERT INTO t VALUES (7); SELECT x FROM t')" = 7
if [ "$(id -u)" -eq 0 ]; then
  check "as root the cluster belongs to the postgres user" test "$(stat -c %U "$dir/data")" = postgres
fi

# 2. a run killed outright leaves a stale pid file; the next start in the same DIR still works
old=$(postmaster)
kill -KILL "$old"
check "the killed server is gone" gone "$old"
url=$(tests/pg/cluster.sh start "$dir")
check "start after a killed run gives a fresh, working cluster" \
  test "$(q "$url" "SELECT count(*) FROM pg_tables WHERE tablename='t'")" = 0

# 3. a start over a cluster that is still running replaces it (here with the benchmark's settings
#    and the statement statistics of a profiled run)
check "pg_stat_statements only when asked" \
  test "$(q "$url" "SELECT count(*) FROM pg_extension WHERE extname='pg_stat_statements'")" = 0
old=$(postmaster)
url=$(tests/pg/cluster.sh start "$dir" --stats --bench)
check "start over a running cluster stops the old server" gone "$old"
check "and the new one answers" test "$(q "$url" 'SELECT 1')" = 1
check "--bench: fsync and full_page_writes on, synchronous_commit off" \
  test "$(q "$url" "SELECT current_setting('fsync')||current_setting('full_page_writes')||current_setting('synchronous_commit')")" = ononoff
q "$url" 'SELECT 6*7' >/dev/null
check "--stats: pg_stat_statements counts the statements run in database hss" \
  test "$(q "$url" "SELECT calls FROM pg_stat_statements WHERE query = 'SELECT \$1*\$2'")" = 1
check "start refuses an unknown option" bash -c "! tests/pg/cluster.sh start '$base/x' --fast 2>/dev/null"
check "url prints the same URL" test "$(tests/pg/cluster.sh url "$dir")" = "$url"

# 4. stop removes everything; stopping again is harmless; a foreign directory is left alone
pid=$(postmaster)
tests/pg/cluster.sh stop "$dir"
check "stop removes DIR" test ! -e "$dir"
check "stop ends the server" gone "$pid"
check "stop on a removed DIR succeeds" tests/pg/cluster.sh stop "$dir"
mkdir -p "$base/mine" && echo keep >"$base/mine/file"
check "start refuses a directory it did not make" \
  bash -c "! tests/pg/cluster.sh start '$base/mine' 2>/dev/null"
check "and leaves its files alone" test "$(cat "$base/mine/file")" = keep

# 5. with_cluster.sh: the command sees HSS_STORE_PG, the cluster goes whatever the command answers
export HSS_PG_DIR=$base/w
out=$(tests/pg/with_cluster.sh sh -c 'psql "$HSS_STORE_PG" -X -A -t -c "SELECT 40+2"; exit 3')
rc=$?
check "with_cluster.sh runs the command against the cluster" test "$(echo "$out" | tail -n 1)" = 42
check "with_cluster.sh exits with the command's status" test $rc -eq 3
check "with_cluster.sh removes the cluster afterwards" test ! -e "$base/w"

echo "test_cluster.sh: $pass passed, $fail failed"
[ $fail -eq 0 ]
