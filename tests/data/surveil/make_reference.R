# make_reference.R: writes the reference outputs of R's `surveillance` package that the HSS
# surveil tests compare against. Run by `make reference` (mk/surveil.mk); R is needed only here.
#   Rscript tests/data/surveil/make_reference.R tests/data/surveil
# Inputs: real datasets shipped with the package (salmonella.agona, salmNewport), written as
# period,count CSVs; outputs: one CSV per case (period,observed,upperbound,alarm) and
# reference.csv, the manifest listing each case's hss command-line arguments.
suppressMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) > 0) args[1] else "."
ver <- as.character(packageVersion("surveillance"))

num <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
lgl <- function(x) ifelse(is.na(x), "", ifelse(x, "1", "0"))

write_input <- function(name, counts) {
  f <- file.path(out, paste0(name, ".csv"))
  writeLines(c("period,count", paste(seq_along(counts), counts, sep = ",")), f)
}

manifest <- character(0)
add_case <- function(case, method, input, hssargs, period, obs, upper, alm) {
  f <- paste0("ref_", case, ".csv")
  writeLines(c("period,observed,upperbound,alarm",
               paste(period, num(obs), num(upper), lgl(alm), sep = ",")),
             file.path(out, f))
  manifest <<- c(manifest, paste(case, method, paste0(input, ".csv"), hssargs, f, sep = ","))
}

series <- list()
data(salmonella.agona)
series[["salmonella_agona"]] <- as.integer(salmonella.agona$observed)
data(salmNewport)
for (s in colnames(salmNewport))
  series[[paste0("salmNewport_", s)]] <- as.integer(observed(salmNewport)[, s])
for (n in names(series)) write_input(n, series[[n]])

ears_sets <- c("salmonella_agona", "salmNewport_Bavaria", "salmNewport_Berlin", "salmNewport_Hesse")
for (n in ears_sets) {
  y <- series[[n]]
  for (m in c("C1", "C2", "C3")) {
    for (bl in c(7, 10)) {
      sts <- sts(observed = y, frequency = 52)
      r <- earsC(sts, control = list(method = m, baseline = bl, minSigma = 0.5,
                                     alpha = if (m == "C3") 0.025 else 0.001))
      rng <- seq_len(nrow(observed(sts)))[-(seq_len(length(y) - nrow(observed(r))))]
      meth <- paste0("ears-", tolower(m))
      a <- paste0("--baseline ", bl, " --min-sigma 0.5", if (m == "C3") " --c3 r" else "")
      add_case(paste0(n, "_", tolower(m), "_b", bl), meth, n, a, rng,
               observed(r)[, 1], upperbound(r)[, 1], alarms(r)[, 1])
    }
  }
  # cusum, standardised, R's defaults and a second setting
  for (kh in list(c(1.04, 2.26), c(0.5, 4))) {
    rng <- 209:length(y)
    dp <- suppressWarnings(create.disProg(week = seq_along(y), observed = y, state = rep(0, length(y)), freq = 52))
    r <- algo.cusum(dp, control = list(range = rng, k = kh[1], h = kh[2], trans = "standard"))
    add_case(sprintf("%s_cusum_k%g_h%g", n, kh[1], kh[2]), "cusum", n,
             sprintf("--range %d:%d --k %g --h %g", min(rng), max(rng), kh[1], kh[2]),
             rng, y[rng], as.vector(r$upperbound), as.vector(r$alarm))
  }
  # historical limits (Stroup), algo.cdc
  rng <- 270:length(y)
  dp <- suppressWarnings(create.disProg(week = seq_along(y), observed = y, state = rep(0, length(y)), freq = 52))
  r <- algo.cdc(dp, control = list(range = rng, b = 5, m = 1, alpha = 0.025))
  add_case(paste0(n, "_cdc"), "cdc", n, sprintf("--range %d:%d --b 5 --m 1 --alpha 0.025", min(rng), max(rng)),
           rng, as.vector(r$aggr), as.vector(r$upperbound), as.vector(r$alarm))
}

# farringtonFlexible on every state of salmNewport: the package defaults, and Noufaily (2013)
# settings as in the package vignette "monitoringCounts".
ffcases <- list(
  default = list(args = "", ctl = list()),
  noufaily = list(args = "--noufaily",
                  ctl = list(b = 4, w = 3, noPeriods = 10, reweight = TRUE, weightsThreshold = 2.58,
                             pastWeeksNotIncluded = 26, pThresholdTrend = 1, trend = TRUE,
                             thresholdMethod = "nbPlugin", alpha = 0.05, powertrans = "2/3"))
)
timing <- c(default = 0, noufaily = 0)
for (n in c("salmonella_agona", grep("^salmNewport_", names(series), value = TRUE))) {
  y <- series[[n]]
  rng <- max(length(y) - 103, 5 * 52 + 3 + 1):length(y)
  for (cn in names(ffcases)) {
    ctl <- c(list(range = rng, glmWarnings = FALSE), ffcases[[cn]]$ctl)
    sts <- sts(observed = y, frequency = 52)
    t0 <- proc.time()[["elapsed"]]
    r <- farringtonFlexible(sts, control = ctl)
    timing[cn] <- timing[cn] + proc.time()[["elapsed"]] - t0
    a <- sprintf("--range %d:%d%s", min(rng), max(rng), if (nchar(ffcases[[cn]]$args)) paste0(" ", ffcases[[cn]]$args) else "")
    add_case(paste0(n, "_farrington_", cn), "farrington", n, a, rng,
             observed(r)[, 1], upperbound(r)[, 1], alarms(r)[, 1])
  }
}

writeLines(c("case,method,input,args,expected", manifest), file.path(out, "reference.csv"))
writeLines(c(paste("surveillance", ver), paste(R.version$version.string),
             sprintf("farringtonFlexible seconds: default %.3f noufaily %.3f", timing["default"], timing["noufaily"])),
           file.path(out, "reference_version.txt"))
