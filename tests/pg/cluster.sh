#!/usr/bin/env bash
# tests/pg/cluster.sh: a throwaway PostgreSQL 15 cluster for the tests and the benchmark.
#
#   tests/pg/cluster.sh start DIR [--bench] [--stats]
#                                             creates a fresh cluster in DIR, starts it and prints
#                                             its connection URL (database `hss`); --stats loads
#                                             pg_stat_statements (CREATE EXTENSION in `hss`) to
#                                             profile a run: which statements take the CPU
#   tests/pg/cluster.sh url DIR               prints the URL of the cluster in DIR again
#   tests/pg/cluster.sh stop DIR              stops the cluster and removes DIR
#
# The server listens on a Unix socket in DIR only (listen_addresses=''), so that nothing else on
# the machine can reach it and two clusters never fight over a TCP port. For the tests it trades
# durability for speed (fsync, synchronous_commit and full_page_writes off); with --bench it
# keeps fsync and full-page writes on and only commits asynchronously, which is what the SQLite
# store does in WAL mode with synchronous=NORMAL, so that the two are compared fairly.
# PostgreSQL refuses to run as root: as root, initdb and pg_ctl run as the `postgres` user and
# DIR is given to it. A cluster left behind by a killed run (in DIR, even with its server still
# running or its pid file stale) is stopped and wiped by the next `start DIR`.
set -euo pipefail

PORT=5432
MARK=hss-throwaway-cluster   # the file that says DIR is ours to wipe

die() { echo "cluster.sh: $*" >&2; exit 1; }

pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  if [ -x /usr/lib/postgresql/15/bin/initdb ]; then echo /usr/lib/postgresql/15/bin; return; fi
  local b
  b=$(pg_config --bindir 2>/dev/null) && [ -x "$b/initdb" ] && { echo "$b"; return; }
  die "PostgreSQL 15 server programs not found (install postgresql-15, or set PG_BIN to the directory holding initdb and pg_ctl)"
}

# Runs a server program as the user that owns the cluster: `postgres` when we are root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

owner() { if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi; }

url_of() { echo "postgresql://$(owner)@/hss?host=$1&port=$PORT"; }

# DIR as an absolute path, refused when the socket path would be too long or the URL would need
# escaping.
absdir() {
  local d=$1
  case $d in /*) ;; *) d="$PWD/$d" ;; esac
  d=$(echo "$d" | sed 's#//*#/#g; s#/$##')
  [[ $d =~ ^[A-Za-z0-9/._-]+$ ]] || die "'$d': use a directory path of letters, digits and / . _ - only"
  [ ${#d} -le 90 ] || die "'$d': too long for a Unix socket path (at most 90 characters)"
  [ "$d" != / ] && [ -n "$d" ] || die "refusing to use /"
  echo "$d"
}

# Stops whatever server runs on DIR/data: politely, then at once, then (a server whose pid file
# survived a kill) the postmaster named in the pid file, if it is a postgres process on DIR.
halt() {
  local d=$1 bin pid
  [ -f "$d/data/postmaster.pid" ] || return 0
  bin=$(pg_bin)
  as_owner "$bin/pg_ctl" stop -D "$d/data" -m fast -w -t 30 -s >/dev/null 2>&1 ||
    as_owner "$bin/pg_ctl" stop -D "$d/data" -m immediate -w -t 10 -s >/dev/null 2>&1 || true
  pid=$(head -n 1 "$d/data/postmaster.pid" 2>/dev/null || true)
  if [[ $pid =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/cmdline" ] &&
     tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "postgres.*$d/data"; then
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 50); do alive "$pid" || break; sleep 0.1; done
  fi
}

# A process that still runs (a zombie nobody has reaped yet does not).
alive() { [ -d "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

wipe() {
  local d=$1
  [ -e "$d" ] || return 0
  if [ -f "$d/$MARK" ] || [ -z "$(ls -A "$d")" ]; then
    halt "$d"
    rm -rf "$d"
  else
    die "'$d' exists and is not a cluster this script made; not touching it"
  fi
}

start() {
  local d=$1 mode=$2 stats=$3 bin
  bin=$(pg_bin)
  wipe "$d"
  mkdir -p "$d"
  touch "$d/$MARK"
  if [ "$(id -u)" -eq 0 ]; then
    getent passwd postgres >/dev/null || die "no 'postgres' user (install postgresql-15)"
    chown postgres: "$d" "$d/$MARK"
    runuser -u postgres -- test -w "$d" ||
      die "the postgres user cannot write '$d' (a directory above it is closed to others); use one under /tmp"
  fi
  as_owner "$bin/initdb" -D "$d/data" -U "$(owner)" -E UTF8 --locale=C --auth-local=trust \
    --auth-host=reject --no-sync >"$d/initdb.log" 2>&1 || { cat "$d/initdb.log" >&2; die "initdb failed"; }
  {
    echo "# cluster.sh: a throwaway cluster on a Unix socket only"
    echo "listen_addresses = ''"
    echo "unix_socket_directories = '$d'"
    echo "port = $PORT"
    echo "max_connections = 200"
    echo "max_locks_per_transaction = 256"   # dropping a test's schema locks every table of it
    echo "dynamic_shared_memory_type = mmap" # no /dev/shm needed (small in containers)
    echo "jit = off"   # compiling a query costs more than it saves on short OLTP statements
    if [ "$stats" = 1 ]; then
      echo "shared_preload_libraries = 'pg_stat_statements'"
      echo "pg_stat_statements.track = all"   # statements inside functions and triggers too
      echo "track_functions = all"
    fi
    if [ "$mode" = --bench ]; then
      echo "synchronous_commit = off"
      echo "shared_buffers = 1GB"
      echo "max_wal_size = 4GB"
    else
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } >>"$d/data/postgresql.conf"
  as_owner "$bin/pg_ctl" start -D "$d/data" -l "$d/server.log" -w -t 60 -s >/dev/null ||
    { tail -n 20 "$d/server.log" >&2; die "the server did not start (log above: $d/server.log)"; }
  "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$d" -p $PORT -U "$(owner)" -d postgres \
    -c "CREATE DATABASE hss" >/dev/null || die "could not create database hss"
  if [ "$stats" = 1 ]; then
    "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$d" -p $PORT -U "$(owner)" -d hss \
      -c "CREATE EXTENSION pg_stat_statements" >/dev/null || die "could not create pg_stat_statements"
  fi
  url_of "$d"
}

[ $# -ge 2 ] || die "usage: cluster.sh start DIR [--bench] [--stats] | url DIR | stop DIR"
cmd=$1
dir=$(absdir "$2")
case $cmd in
  start)
    mode= stats=0
    for o in "${@:3}"; do
      case $o in
        --bench) mode=--bench ;;
        --stats) stats=1 ;;
        *) die "usage: cluster.sh start DIR [--bench] [--stats]" ;;
      esac
    done
    start "$dir" "$mode" "$stats" ;;
  url)
    [ -f "$dir/data/postmaster.pid" ] || die "no cluster running in '$dir'"
    url_of "$dir" ;;
  stop)  wipe "$dir" ;;
  *)     die "unknown command '$cmd' (start, url or stop)" ;;
esac
