#!/usr/bin/env bash
# bench/surveil.sh: the surveil module's benchmarks.
#  1. the daily run over 2,000 areas x 30 signals with 5 years of daily history (target < 1 s);
#     the generated database is built once under ${SURVEIL_BENCH_DB:-/tmp/hss-surveil-bench.db}.
#  2. Farrington-Flexible on salmNewport (16 states, 104 weeks, defaults + Noufaily) against R's
#     surveillance::farringtonFlexible in the same run (target >= 50x faster, identical results).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
make -s "$BUILD/bench/surveil_run" "$BUILD/bench/surveil_farrington" >/dev/null || exit 1
DB=${SURVEIL_BENCH_DB:-/tmp/hss-surveil-bench.db}
echo "--- daily run"
"$BUILD/bench/surveil_run" "$DB" 2000 30 1 || exit 1
echo "--- farrington on salmNewport (R surveillance's multi-region dataset)"
out=$("$BUILD/bench/surveil_farrington" 20) ; rc=$?
echo "$out" | grep -v '^HSS_SECONDS='
hss=$(echo "$out" | sed -n 's/^HSS_SECONDS=//p')
if command -v Rscript >/dev/null && Rscript -e 'suppressMessages(library(surveillance))' 2>/dev/null; then
  r=$(Rscript -e '
suppressMessages(library(surveillance)); data(salmNewport)
n <- nrow(observed(salmNewport)); rng <- (n - 103):n
nouf <- list(b = 4, w = 3, noPeriods = 10, reweight = TRUE, weightsThreshold = 2.58, pastWeeksNotIncluded = 26,
             pThresholdTrend = 1, trend = TRUE, thresholdMethod = "nbPlugin", alpha = 0.05)
t0 <- proc.time()[["elapsed"]]
for (s in colnames(salmNewport)) {
  x <- sts(observed = as.integer(observed(salmNewport)[, s]), frequency = 52)
  farringtonFlexible(x, control = list(range = rng, glmWarnings = FALSE))
  farringtonFlexible(x, control = c(list(range = rng, glmWarnings = FALSE), nouf))
}
cat(proc.time()[["elapsed"]] - t0, "\n")' 2>/dev/null)
  echo "R surveillance $(Rscript -e 'cat(as.character(packageVersion("surveillance")))' 2>/dev/null) farringtonFlexible, same data and settings: ${r} s"
  awk -v h="$hss" -v r="$r" 'BEGIN { printf "speed-up: %.0fx (target >= 50x)\n", r / h }'
else
  echo "R surveillance not installed (apt-get install r-base-core r-cran-surveillance): no R figure"
fi
exit $rc
