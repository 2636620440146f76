#!/usr/bin/env bash
# tests/pg/with_cluster.sh COMMAND [ARG...]: runs COMMAND with a throwaway PostgreSQL cluster
# (tests/pg/cluster.sh) and HSS_STORE_PG set to its URL, then stops and removes the cluster
# whatever COMMAND answered (also on Ctrl-C); exits with COMMAND's status. `make check-pg` runs
# the suite this way. The cluster lives in HSS_PG_DIR, by default a directory under /tmp named
# after this worktree, so that a run killed before it could clean up is cleared by the next one.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: with_cluster.sh COMMAND [ARG...]" >&2; exit 2; }
dir=${HSS_PG_DIR:-/tmp/hss-pg-$(cd "$here/../.." && pwd | cksum | cut -d' ' -f1)}
url=$("$here/cluster.sh" start "$dir") || exit 1
trap '"$here/cluster.sh" stop "$dir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
echo "with_cluster.sh: PostgreSQL at $url"
# Each test makes its databases afresh: with 4 partitions a table instead of 16 (HSS_PG_PARTITIONS)
# a new schema takes about a third of the time (test_partition checks the default of 16 itself).
HSS_STORE_PG=$url HSS_PG_PARTITIONS=${HSS_PG_PARTITIONS:-4} "$@"
