/*
 * surveil: outbreak early warning (监测预警, 多点触发). Aberration-detection algorithms on one
 * count series (EARS C1/C2/C3, CUSUM, CDC historical limits, Farrington-Flexible, the CIDARS
 * moving-percentile method, fixed thresholds); daily counts stored per area, signal and source;
 * the daily run that turns per-source signals into alerts (K sources within W days, county
 * alerts from townships, 7-day suppression); the alert lifecycle; and the evaluation of
 * algorithms on simulated outbreaks. The algorithms follow R's `surveillance` package (the
 * reference the tests compare with) and its parameter names.
 */
#ifndef HSS_SURVEIL_H
#define HSS_SURVEIL_H

#include <stddef.h>

#include <stdint.h>

#include "base/base.h"
#include "report/report.h"
#include "store/store.h"

/* ---- algorithms on one series ------------------------------------------------------------ */

typedef enum {
    HSS_SURVEIL_EARS_C1,
    HSS_SURVEIL_EARS_C2,
    HSS_SURVEIL_EARS_C3,
    HSS_SURVEIL_CUSUM,
    HSS_SURVEIL_CDC,        /* historical limits, Stroup et al. 1989 (R: algo.cdc) */
    HSS_SURVEIL_FARRINGTON, /* Farrington-Flexible (R: farringtonFlexible) */
    HSS_SURVEIL_MPM,        /* CIDARS moving percentile */
    HSS_SURVEIL_FIXED,      /* fixed threshold: alarm when the count exceeds it */
    HSS_SURVEIL_NMETHODS
} hss_surveil_method;

/* Threshold of Farrington-Flexible: the original (delta method + power transform, Farrington
 * 1996) or Noufaily 2013's negative-binomial quantile with plug-in or upper-quantile mean. */
typedef enum { HSS_FF_DELTA, HSS_FF_NBPLUGIN, HSS_FF_MUAN } hss_ff_threshold;

/* CUSUM standardisation (R algo.cusum `trans`). */
typedef enum { HSS_CUSUM_STANDARD, HSS_CUSUM_ROSSI, HSS_CUSUM_ANSCOMBE, HSS_CUSUM_NONE } hss_cusum_trans;

/* Every method's parameters, named after R's `control` lists. NAN / -1 mean "the method's
 * default" and are filled by hss_surveil_params_default(). */
typedef struct hss_surveil_params {
    hss_surveil_method method;
    int frequency;        /* periods per year: 52 (weekly) or 365 (daily); 12 allowed */
    size_t range_from;    /* first period to check, 0-based; SIZE_MAX = method default */
    size_t range_to;      /* last period to check, 0-based inclusive; SIZE_MAX = last */
    double alpha;         /* EARS: 0.001 (C1, C2) / 0.025 (C3); cdc 0.025; farrington 0.05 */
    /* EARS */
    int baseline;         /* reference periods (R default 7, minimum 3) */
    double min_sigma;     /* floor of the standard deviation (R minSigma, default 0) */
    int c3_r;             /* 1: C3 as R computes it (without the current period's term) */
    /* CUSUM */
    double k, h;          /* reference value and decision interval (R: 1.04, 2.26) */
    double cusum_m;       /* expected count; NAN = mean of all periods before range_from */
    hss_cusum_trans trans;
    /* CDC historical limits and Farrington */
    int b;                /* years back (cdc 5, farrington 5) */
    int cdc_m;            /* cdc: 4-period blocks either side of the reference block (1) */
    int w;                /* farrington: half window (3) */
    int reweight;         /* farrington: down-weight past outbreaks (1) */
    double weights_threshold; /* farrington: Anscombe residual threshold (2.58) */
    int trend;            /* farrington: allow a time trend (1) */
    double p_threshold_trend; /* farrington: p-value to keep the trend (0.05) */
    int limit54_cases, limit54_period; /* farrington: no alarm with < 5 cases in 4 periods */
    double powertrans;    /* farrington delta threshold: 2/3, 1/2 or 1 ("none") */
    int no_periods;       /* farrington: seasonal factor levels (1; Noufaily 10) */
    int past_weeks_not_included; /* farrington: -1 = w (Noufaily 26) */
    hss_ff_threshold threshold_method;
    /* moving percentile (CIDARS) */
    int window;           /* periods summed for the current value (7 days; 1 week) */
    int years;            /* past years compared (3) */
    int neighbours;       /* adjacent windows either side in each past year (1 -> 3 per year) */
    double percentile;    /* in (0,100]: P50 default */
    /* fixed threshold */
    double threshold;     /* alarm when the count exceeds it (0: one case is an alert) */
    /* exclusion: periods flagged here are left out of baselines (known outbreaks); may be NULL */
    const unsigned char *exclude;
} hss_surveil_params;

/* The result for each checked period: observed (for cdc and mpm the aggregated count the
 * threshold is compared with), upperbound (NAN when none can be given) and alarm (1/0, -1 when
 * the method could not decide, e.g. the Farrington model did not converge). */
typedef struct hss_surveil_result {
    size_t n;
    size_t *index;       /* 0-based period index into the input series */
    double *observed;
    double *upperbound;
    int *alarm;
} hss_surveil_result;

const char *hss_surveil_method_name(hss_surveil_method m); /* "ears-c1", ... */
int hss_surveil_method_parse(const char *s, hss_surveil_method *out);
/* Clears p and fills every parameter with the method's default (R's defaults). */
void hss_surveil_params_default(hss_surveil_params *p, hss_surveil_method method, int frequency);
/* Switches a farrington parameter set to Noufaily et al. 2013's settings as the R package's
 * vignette gives them: b=4, w=3, noPeriods=10, pastWeeksNotIncluded=26, pThresholdTrend=1,
 * thresholdMethod nbPlugin, weightsThreshold 2.58. */
void hss_surveil_params_noufaily(hss_surveil_params *p);
/* The earliest period (0-based) the method can check with these parameters. */
size_t hss_surveil_min_history(const hss_surveil_params *p);

/* Runs the method on y[0..n). Too little history before range_from is an HSS_EINVAL error
 * that says how many periods are needed. res is filled (free with hss_surveil_result_free). */
hss_code hss_surveil_detect(const double *y, size_t n, const hss_surveil_params *p,
                            hss_surveil_result *res, hss_error *err);
void hss_surveil_result_free(hss_surveil_result *res);

/* A series read from a CSV with columns period,count (counts non-negative integers; periods
 * unique; for ISO dates YYYY-MM-DD consecutive days without gaps). */
typedef struct hss_surveil_series {
    size_t n;
    char **period;
    double *count;
} hss_surveil_series;
hss_code hss_surveil_series_read(const char *path, hss_surveil_series *s, hss_error *err);
void hss_surveil_series_free(hss_surveil_series *s);


/* ---- dates ---------------------------------------------------------------------------------- */

/* Days since 1970-01-01 of an ISO date YYYY-MM-DD; *ok = 0 when s is not a valid date. */
long hss_surveil_day_number(const char *s, int *ok);
/* Writes the ISO date of a day number into out (11 bytes). */
void hss_surveil_day_string(long day, char out[11]);

/* ---- stored daily counts (store.c, import.c) ------------------------------------------------ */

/* Imports daily counts from a CSV with columns date,area_code,signal,source,count, as one
 * transaction: counts must be non-negative integers, area codes must exist in table `area`,
 * each series' dates must be consecutive (a series may continue the stored one, or correct
 * stored days, but not leave a gap). *rows gets the number of rows read. */
hss_code hss_surveil_import(hss_store *st, const char *path, size_t *rows, hss_error *err);
/* Writes n consecutive daily counts of a series starting at first_day (creating the series),
 * inside the caller's transaction. For generators and benchmarks; no gap checks. */
hss_code hss_surveil_put_series(hss_store *st, const char *area_code, const char *signal,
                                const char *source, long first_day, const int32_t *counts,
                                size_t n, hss_error *err);
/* Reads counts of a series for days [from_day, to_day] into out (-1 where not stored). */
hss_code hss_surveil_load(hss_store *st, int64_t series_id, long from_day, long to_day,
                          int32_t *out, hss_error *err);
/* Records a known outbreak period to leave out of baselines (area "*" = every area). */
hss_code hss_surveil_exclude(hss_store *st, const char *area_code, const char *signal,
                             const char *from_date, const char *to_date, const char *note,
                             hss_error *err);

/* ---- per-signal configuration (config.c): surveil/signals.yaml ------------------------------ */

typedef struct hss_surveil_signal_cfg {
    char *signal;           /* signal code, or "default" */
    char *name;             /* label shown to users (Chinese) */
    hss_surveil_params params; /* method and parameters (frequency 365: daily counts) */
    int k_sources;          /* alert when at least K sources signal ... */
    int within_days;        /* ... within W days */
    int county_townships;   /* county alert when this many of its townships alerted in W days */
    int suppress_days;      /* repeated alerts for the same area and signal suppressed (7) */
} hss_surveil_signal_cfg;

typedef struct hss_surveil_config {
    hss_surveil_signal_cfg *signals;
    size_t n;
    hss_surveil_signal_cfg fallback; /* the `default:` entry, used for unlisted signals */
    char *citation;                  /* the document sentence the configuration implements */
} hss_surveil_config;

hss_code hss_surveil_config_load(const char *path, hss_surveil_config *cfg, hss_error *err);
void hss_surveil_config_free(hss_surveil_config *cfg);
const hss_surveil_signal_cfg *hss_surveil_config_find(const hss_surveil_config *cfg, const char *signal);

/* ---- the daily run (run.c) -------------------------------------------------------------- */

typedef struct hss_surveil_run_stats {
    size_t series;             /* series with data */
    size_t checked;            /* series checked for the day */
    size_t signals;            /* series that signalled (alarm) */
    size_t too_little_history; /* series skipped: not enough history for their method */
    size_t missing_today;      /* series without a count for the day */
    size_t alerts;             /* area alerts raised */
    size_t county_alerts;      /* county alerts raised from townships */
    size_t suppressed;         /* alerts not raised because one was raised in the last days */
    hss_buf notes;             /* human-readable lines: which series had too little history */
} hss_surveil_run_stats;

/* Runs every stored series for `date` (ISO), records per-source signals, raises alerts per area
 * and signal (K sources within W days), county alerts from townships, with suppression, all
 * in one transaction. `now` (ISO 8601 UTC) stamps raised_at; NULL = the current time. */
hss_code hss_surveil_run(hss_store *st, const hss_surveil_config *cfg, const char *date,
                         const char *now, hss_surveil_run_stats *stats, hss_error *err);
void hss_surveil_run_stats_free(hss_surveil_run_stats *stats);

/* ---- alert lifecycle (alert.c) ------------------------------------------------------------ */

/* Applies an action (assign, investigate, confirm, dismiss) to an alert: new -> assigned ->
 * investigating -> confirmed | dismissed (dismiss also from new and assigned). Invalid
 * transitions are refused with HSS_ECONFLICT. Every action is recorded in surveil_alert_event
 * with who, when (at; NULL = now) and the note. */
hss_code hss_surveil_alert_act(hss_store *st, int64_t id, const char *action, const char *by,
                               const char *note, const char *at, hss_error *err);
/* Alerts (status NULL = all), newest first: id, date, area, level, signal, sources, status ... */
hss_table *hss_surveil_alerts_table(hss_store *st, const char *status, hss_error *err);
/* The audit trail of one alert. */
hss_table *hss_surveil_alert_events_table(hss_store *st, int64_t id, hss_error *err);
/* Time to response as CIDARS reports it: alerts, responded, share responded, median hours
 * from raising to the first action, share responded within 24 hours; per level. */
hss_table *hss_surveil_response_table(hss_store *st, hss_error *err);
/* The current time as ISO 8601 UTC (out: 21 bytes). */
void hss_surveil_now_iso(char out[21]);

/* ---- evaluation on simulated outbreaks (evaluate.c) --------------------------------------- */

typedef struct hss_surveil_eval_opts {
    int series;        /* simulated series per scenario (areas) */
    int weeks;         /* length of each series (weekly) */
    int eval_weeks;    /* the last eval_weeks are monitored */
    unsigned long seed;
    double outbreak_k; /* outbreak size in baseline standard deviations (Noufaily: 2..10) */
} hss_surveil_eval_opts;

/* Simulates Noufaily-2013 baseline series (negative binomial with trend and seasonality) for
 * a set of scenarios, injects one outbreak per series in the monitored period, runs each
 * method setting and reports sensitivity, specificity, false alerts per area-week and median
 * days to detection. */
hss_table *hss_surveil_evaluate(const hss_surveil_eval_opts *o, const hss_surveil_params *settings,
                                const char *const *labels, size_t nsettings, hss_error *err);

/* ---- generated demo data (demo.c) ------------------------------------------------------- */

/* Generates about three years of daily counts ending on end_date (ISO) for every township of
 * the stored region: signals ili, diarrhoea and fever from the sources hospital,
 * township_center, pharmacy and school, Poisson around a rate proportional to residents with
 * seasonality, and two injected outbreaks in the last days (ili in one township; diarrhoea in
 * two townships of one county). Replaces every stored series, signal and alert; labelled
 * generated (meta surveil.generated). Deterministic for a seed. One transaction. */
hss_code hss_surveil_generate_demo(hss_store *st, uint64_t seed, const char *end_date, hss_error *err);

typedef struct hss_surveil_demo_stats {
    size_t days;               /* days the daily run was run for */
    size_t alerts;             /* area alerts raised */
    size_t county_alerts;      /* county alerts raised */
    size_t too_little_history; /* series-days skipped for too little history */
} hss_surveil_demo_stats;

/* What `hss demo` and `hss surveil generate` call: hss_surveil_generate_demo, then the daily
 * run (with cfg) for the last run_days days ending on end_date, then generated duty-officer
 * actions (assign, investigate, confirm/dismiss, by "demo_duty_officer") on the alerts older
 * than two days so that the response figures have history. out may be NULL. */
hss_code hss_surveil_demo(hss_store *st, const hss_surveil_config *cfg, uint64_t seed, const char *end_date,
                          int run_days, hss_surveil_demo_stats *out, hss_error *err);

/* ---- the alert screens' reads (screens.c) --------------------------------------------------
 * `under` is an area code: alerts of that area and of every area inside it. Alert rows have the
 * columns id, date, area_code, area name, level, signal, sources, method, status, assigned_to,
 * raised_at, responded_at, closed_at. */
/* The alerts under `under`, newest first, of `status` and `signal` (NULL: any), at most `limit`. */
hss_code hss_surveil_alert_rows(hss_store *st, const char *under, const char *status, const char *signal,
                                long long limit, hss_table **out, hss_error *err);
/* The alerts under `under` counted by status: status, count. */
hss_code hss_surveil_alert_counts(hss_store *st, const char *under, hss_table **out, hss_error *err);
/* Alert `id` (no row when it does not exist). */
hss_code hss_surveil_alert_row(hss_store *st, int64_t id, hss_table **out, hss_error *err);
/* The series behind an alert of `area` and `signal`: for a county (county = 1) its townships'
 * series (id, township code, township name), else the area's own series by source (id,
 * source, NULL). */
hss_code hss_surveil_alert_series(hss_store *st, const char *area, const char *signal, int county, hss_table **out,
                                  hss_error *err);
/* The days series `series_id` signalled from `from` to `to` (YYYY-MM-DD): date, method,
 * observed, upperbound. */
hss_code hss_surveil_signal_rows(hss_store *st, int64_t series_id, const char *from, const char *to, hss_table **out,
                                 hss_error *err);
/* An alert's lifecycle, oldest first: at, by_user, action, from_status, to_status, note. */
hss_code hss_surveil_alert_events(hss_store *st, int64_t id, hss_table **out, hss_error *err);
/* Every alert under `under` by level: level, raised_at, responded_at (NULL when not yet). */
hss_code hss_surveil_response_rows(hss_store *st, const char *under, hss_table **out, hss_error *err);

#endif
