#!/usr/bin/env bash
# Freshness of the figures the indicators take from HSS's records (bench/figures_bench.c) on a
# scratch Lishui demo (SCALE residents per real resident: default the demo's 0.01; SCALE=1 is
# the full-size register, where the register is the population and no sample note is shown).
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
make -s $BUILD/hss $BUILD/bench/figures_bench
tmp=$(mktemp -d /tmp/hss-bench-figures.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
$BUILD/hss demo lishui --db "$tmp/demo.db" --residents-scale "${SCALE:-0.01}" --quiet >/dev/null
$BUILD/bench/figures_bench "$tmp/demo.db"
