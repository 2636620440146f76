/*
 * cmd_surveil.c: `hss surveil ...`, the surveil module's commands: detect (one series, one
 * method), import (daily counts into the database), run (one day over every area, signal and
 * source), alerts / alert (the lifecycle), evaluate (simulated outbreaks).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "surveil/surveil.h"

#define DETECT_USAGE                                                                                  \
    "hss surveil detect --method ears-c1|ears-c2|ears-c3|cusum|cdc|farrington|mpm|fixed --input FILE.csv\n" \
    "       [--frequency 365|52] [--range FROM:TO] [--format table|csv|json]\n"                        \
    "       EARS: [--baseline N] [--alpha A] [--min-sigma S] [--c3 published|r]\n"                     \
    "       cusum: [--k K] [--h H] [--m EXPECTED] [--trans standard|rossi|anscombe|none]\n"             \
    "       cdc: [--b YEARS] [--m BLOCKS] [--alpha A]\n"                                                \
    "       farrington: [--b B] [--w W] [--alpha A] [--reweight 0|1] [--weights-threshold T]\n"        \
    "                   [--trend 0|1] [--p-threshold-trend P] [--limit54 CASES,PERIODS]\n"            \
    "                   [--powertrans 2/3|1/2|none] [--no-periods N] [--past-weeks-not-included N]\n" \
    "                   [--threshold-method delta|nbPlugin|muan] [--noufaily]\n"                      \
    "       mpm: [--window N] [--years N] [--neighbours N] [--percentile P]\n"                        \
    "       fixed: [--threshold N]\n"                                                                   \
    "       [--exclude FROM:TO]  leave a known outbreak out of the baselines\n"                        \
    "  FROM and TO are 1-based period numbers or period labels from the input."

static int num_arg(const char *opt, const char *v, double *out)
{
    if (!v || hss_parse_double(v, out) != 0) {
        fprintf(stderr, "hss: %s needs a number, not '%s'\n", opt, v ? v : "");
        return -1;
    }
    return 0;
}

static int int_arg(const char *opt, const char *v, int *out)
{
    int64_t x;
    if (!v || hss_parse_int64(v, &x) != 0 || x < -1000000 || x > 100000000) {
        fprintf(stderr, "hss: %s needs a whole number, not '%s'\n", opt, v ? v : "");
        return -1;
    }
    *out = (int)x;
    return 0;
}

/* Resolves a period given as a 1-based number or as a label of the series. */
static int period_pos(const hss_surveil_series *s, const char *v, size_t *out)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->period[i], v) == 0) {
            *out = i;
            return 0;
        }
    int64_t x;
    if (hss_parse_int64(v, &x) == 0 && x >= 1 && (size_t)x <= s->n) {
        *out = (size_t)x - 1;
        return 0;
    }
    fprintf(stderr, "hss: period '%s' is neither a period of the input nor a number 1..%zu\n", v, s->n);
    return -1;
}

static int parse_span(const hss_surveil_series *s, const char *opt, const char *v, size_t *from, size_t *to)
{
    const char *colon = v ? strchr(v, ':') : NULL;
    if (!colon) {
        fprintf(stderr, "hss: %s must be FROM:TO, not '%s'\n", opt, v ? v : "");
        return -1;
    }
    char *a = hss_xstrndup(v, (size_t)(colon - v));
    int rc = period_pos(s, a, from) || period_pos(s, colon + 1, to);
    free(a);
    if (!rc && *from > *to) {
        fprintf(stderr, "hss: %s: FROM is after TO\n", opt);
        return -1;
    }
    return rc ? -1 : 0;
}

static int cmd_detect(int argc, char **argv)
{
    const char *method = NULL, *input = NULL, *range = NULL, *exclude = NULL, *fmt = "csv";
    int freq = 52, noufaily = 0;
    /* first pass: what the defaults depend on */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            printf("usage: %s\n", DETECT_USAGE);
            return 0;
        }
        if (strcmp(argv[i], "--noufaily") == 0) {
            noufaily = 1;
            continue;
        }
        if (strncmp(argv[i], "--", 2) != 0 || i + 1 >= argc) {
            fprintf(stderr, "hss: unexpected argument '%s'\n", argv[i]);
            return hss_cli_usage(DETECT_USAGE);
        }
        const char *o = argv[i], *v = argv[++i];
        if (strcmp(o, "--method") == 0)
            method = v;
        else if (strcmp(o, "--input") == 0)
            input = v;
        else if (strcmp(o, "--range") == 0)
            range = v;
        else if (strcmp(o, "--exclude") == 0)
            exclude = v;
        else if (strcmp(o, "--format") == 0)
            fmt = v;
        else if (strcmp(o, "--frequency") == 0 && int_arg(o, v, &freq))
            return 2;
    }
    if (!method || !input)
        return hss_cli_usage(DETECT_USAGE);
    hss_surveil_method m;
    if (hss_surveil_method_parse(method, &m) != 0) {
        fprintf(stderr, "hss: unknown --method '%s'\n", method);
        return hss_cli_usage(DETECT_USAGE);
    }
    hss_format format;
    if (hss_cli_format(fmt, &format))
        return 2;
    hss_surveil_params p;
    hss_surveil_params_default(&p, m, freq);
    if (noufaily)
        hss_surveil_params_noufaily(&p);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--noufaily") == 0)
            continue;
        const char *o = argv[i], *v = argv[++i];
        int bad = 0;
        if (!strcmp(o, "--method") || !strcmp(o, "--input") || !strcmp(o, "--range") ||
            !strcmp(o, "--exclude") || !strcmp(o, "--format") || !strcmp(o, "--frequency"))
            continue;
        else if (!strcmp(o, "--alpha"))
            bad = num_arg(o, v, &p.alpha);
        else if (!strcmp(o, "--baseline"))
            bad = int_arg(o, v, &p.baseline);
        else if (!strcmp(o, "--min-sigma"))
            bad = num_arg(o, v, &p.min_sigma);
        else if (!strcmp(o, "--c3")) {
            if (!strcmp(v, "r"))
                p.c3_r = 1;
            else if (!strcmp(v, "published"))
                p.c3_r = 0;
            else
                bad = fprintf(stderr, "hss: --c3 must be published or r\n") > 0;
        } else if (!strcmp(o, "--k"))
            bad = num_arg(o, v, &p.k);
        else if (!strcmp(o, "--h"))
            bad = num_arg(o, v, &p.h);
        else if (!strcmp(o, "--m")) {
            if (m == HSS_SURVEIL_CDC)
                bad = int_arg(o, v, &p.cdc_m);
            else
                bad = num_arg(o, v, &p.cusum_m);
        } else if (!strcmp(o, "--trans")) {
            if (!strcmp(v, "standard"))
                p.trans = HSS_CUSUM_STANDARD;
            else if (!strcmp(v, "rossi"))
                p.trans = HSS_CUSUM_ROSSI;
            else if (!strcmp(v, "anscombe"))
                p.trans = HSS_CUSUM_ANSCOMBE;
            else if (!strcmp(v, "none"))
                p.trans = HSS_CUSUM_NONE;
            else
                bad = fprintf(stderr, "hss: --trans must be standard, rossi, anscombe or none\n") > 0;
        } else if (!strcmp(o, "--b"))
            bad = int_arg(o, v, &p.b);
        else if (!strcmp(o, "--w"))
            bad = int_arg(o, v, &p.w);
        else if (!strcmp(o, "--reweight"))
            bad = int_arg(o, v, &p.reweight);
        else if (!strcmp(o, "--weights-threshold"))
            bad = num_arg(o, v, &p.weights_threshold);
        else if (!strcmp(o, "--trend"))
            bad = int_arg(o, v, &p.trend);
        else if (!strcmp(o, "--p-threshold-trend"))
            bad = num_arg(o, v, &p.p_threshold_trend);
        else if (!strcmp(o, "--limit54")) {
            if (sscanf(v, "%d,%d", &p.limit54_cases, &p.limit54_period) != 2)
                bad = fprintf(stderr, "hss: --limit54 must be CASES,PERIODS\n") > 0;
        } else if (!strcmp(o, "--powertrans")) {
            if (!strcmp(v, "2/3"))
                p.powertrans = 2.0 / 3.0;
            else if (!strcmp(v, "1/2"))
                p.powertrans = 0.5;
            else if (!strcmp(v, "none"))
                p.powertrans = 1;
            else
                bad = fprintf(stderr, "hss: --powertrans must be 2/3, 1/2 or none\n") > 0;
        } else if (!strcmp(o, "--no-periods"))
            bad = int_arg(o, v, &p.no_periods);
        else if (!strcmp(o, "--past-weeks-not-included"))
            bad = int_arg(o, v, &p.past_weeks_not_included);
        else if (!strcmp(o, "--threshold-method")) {
            if (!strcmp(v, "delta"))
                p.threshold_method = HSS_FF_DELTA;
            else if (!strcmp(v, "nbPlugin"))
                p.threshold_method = HSS_FF_NBPLUGIN;
            else if (!strcmp(v, "muan"))
                p.threshold_method = HSS_FF_MUAN;
            else
                bad = fprintf(stderr, "hss: --threshold-method must be delta, nbPlugin or muan\n") > 0;
        } else if (!strcmp(o, "--window"))
            bad = int_arg(o, v, &p.window);
        else if (!strcmp(o, "--years"))
            bad = int_arg(o, v, &p.years);
        else if (!strcmp(o, "--neighbours"))
            bad = int_arg(o, v, &p.neighbours);
        else if (!strcmp(o, "--percentile"))
            bad = num_arg(o, v, &p.percentile);
        else if (!strcmp(o, "--threshold"))
            bad = num_arg(o, v, &p.threshold);
        else {
            fprintf(stderr, "hss: unknown option '%s'\n", o);
            return hss_cli_usage(DETECT_USAGE);
        }
        if (bad)
            return 2;
    }
    hss_error err;
    hss_error_clear(&err);
    hss_surveil_series s;
    if (hss_surveil_series_read(input, &s, &err))
        return hss_cli_fail(&err);
    unsigned char *ex = NULL;
    if (range && parse_span(&s, "--range", range, &p.range_from, &p.range_to)) {
        hss_surveil_series_free(&s);
        return 2;
    }
    if (exclude) {
        size_t a, b;
        if (parse_span(&s, "--exclude", exclude, &a, &b)) {
            hss_surveil_series_free(&s);
            return 2;
        }
        ex = hss_xcalloc(s.n, 1);
        memset(ex + a, 1, b - a + 1);
        p.exclude = ex;
    }
    hss_surveil_result r;
    if (hss_surveil_detect(s.count, s.n, &p, &r, &err)) {
        fprintf(stderr, "hss: %s: ", input);
        free(ex);
        hss_surveil_series_free(&s);
        return hss_cli_fail(&err);
    }
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "period", "period", HSS_COL_TEXT);
    hss_table_add_col(t, "observed", "observed", HSS_COL_REAL);
    hss_table_add_col(t, "upperbound", "upperbound", HSS_COL_REAL);
    hss_table_add_col(t, "alarm", "alarm", HSS_COL_INT);
    for (size_t i = 0; i < r.n; i++) {
        hss_table_add_row(t);
        hss_table_set_text(t, 0, s.period[r.index[i]]);
        hss_table_set_real(t, 1, r.observed[i], 6);
        if (isnan(r.upperbound[i]))
            hss_table_set_null(t, 2);
        else
            hss_table_set_real(t, 2, r.upperbound[i], 12);
        if (r.alarm[i] < 0)
            hss_table_set_null(t, 3);
        else
            hss_table_set_int(t, 3, r.alarm[i]);
    }
    hss_table_write(t, format, stdout);
    hss_table_free(t);
    hss_surveil_result_free(&r);
    free(ex);
    hss_surveil_series_free(&s);
    return 0;
}

#define SURVEIL_USAGE                                                          \
    "hss surveil detect|import|run|alerts|alert|evaluate ... (--help on each)"

int hss_cmd_surveil(int argc, char **argv)
{
    if (argc < 2)
        return hss_cli_usage(SURVEIL_USAGE);
    const char *sub = argv[1];
    if (!strcmp(sub, "detect"))
        return cmd_detect(argc - 1, argv + 1);
    if (!strcmp(sub, "--help")) {
        printf("usage: %s\n", SURVEIL_USAGE);
        return 0;
    }
    fprintf(stderr, "hss: unknown surveil command '%s'\n", sub);
    return hss_cli_usage(SURVEIL_USAGE);
}
