/*
 * cmd_surveil.c: `hss surveil ...`, the surveil module's commands: detect (one series, one
 * method), import (daily counts into the database), run (one day over every area, signal and
 * source), alerts / alert (the lifecycle), evaluate (simulated outbreaks).
 */
#include <math.h>
#include <stdint.h>
#include <stddef.h>
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

/* The numeric parameters of `hss surveil detect`, named after R surveillance's control lists:
 * one row each, with where the value goes. */
typedef struct {
    const char *option;
    int is_int;
    size_t offset;
} param_option;

static const param_option PARAMS[] = {
    {"--alpha", 0, offsetof(hss_surveil_params, alpha)},
    {"--baseline", 1, offsetof(hss_surveil_params, baseline)},
    {"--min-sigma", 0, offsetof(hss_surveil_params, min_sigma)},
    {"--k", 0, offsetof(hss_surveil_params, k)},
    {"--h", 0, offsetof(hss_surveil_params, h)},
    {"--b", 1, offsetof(hss_surveil_params, b)},
    {"--w", 1, offsetof(hss_surveil_params, w)},
    {"--reweight", 1, offsetof(hss_surveil_params, reweight)},
    {"--weights-threshold", 0, offsetof(hss_surveil_params, weights_threshold)},
    {"--trend", 1, offsetof(hss_surveil_params, trend)},
    {"--p-threshold-trend", 0, offsetof(hss_surveil_params, p_threshold_trend)},
    {"--no-periods", 1, offsetof(hss_surveil_params, no_periods)},
    {"--past-weeks-not-included", 1, offsetof(hss_surveil_params, past_weeks_not_included)},
    {"--window", 1, offsetof(hss_surveil_params, window)},
    {"--years", 1, offsetof(hss_surveil_params, years)},
    {"--neighbours", 1, offsetof(hss_surveil_params, neighbours)},
    {"--percentile", 0, offsetof(hss_surveil_params, percentile)},
    {"--threshold", 0, offsetof(hss_surveil_params, threshold)},
};

/* One word among `words` (NULL-terminated) picks the value at the same index of `values`. */
static int choice_arg(const char *o, const char *v, const char *const *words, const double *values,
                      double *out)
{
    for (size_t i = 0; words[i]; i++)
        if (!strcmp(v, words[i])) {
            *out = values[i];
            return 0;
        }
    fprintf(stderr, "hss: %s must be one of:", o);
    for (size_t i = 0; words[i]; i++)
        fprintf(stderr, " %s", words[i]);
    fputc('\n', stderr);
    return 1;
}

/* Sets a method parameter from option o = v. Returns 0 when set, 1 for a bad value (the
 * message is printed), 2 for an unknown option. */
static int param_arg(hss_surveil_params *p, hss_surveil_method m, const char *o, const char *v)
{
    for (size_t i = 0; i < sizeof PARAMS / sizeof *PARAMS; i++)
        if (!strcmp(o, PARAMS[i].option)) {
            char *field = (char *)p + PARAMS[i].offset;
            return PARAMS[i].is_int ? int_arg(o, v, (int *)(void *)field) : num_arg(o, v, (double *)(void *)field);
        }
    double d;
    int bad;
    if (!strcmp(o, "--m")) /* R's m: blocks for algo.cdc, the expected count for cusum */
        return m == HSS_SURVEIL_CDC ? int_arg(o, v, &p->cdc_m) : num_arg(o, v, &p->cusum_m);
    if (!strcmp(o, "--c3")) {
        static const char *const w[] = {"published", "r", NULL};
        static const double val[] = {0, 1};
        if (!(bad = choice_arg(o, v, w, val, &d)))
            p->c3_r = (int)d;
        return bad;
    }
    if (!strcmp(o, "--trans")) {
        static const char *const w[] = {"standard", "rossi", "anscombe", "none", NULL};
        static const double val[] = {HSS_CUSUM_STANDARD, HSS_CUSUM_ROSSI, HSS_CUSUM_ANSCOMBE, HSS_CUSUM_NONE};
        if (!(bad = choice_arg(o, v, w, val, &d)))
            p->trans = (int)d;
        return bad;
    }
    if (!strcmp(o, "--powertrans")) {
        static const char *const w[] = {"2/3", "1/2", "none", NULL};
        static const double val[] = {2.0 / 3.0, 0.5, 1};
        return choice_arg(o, v, w, val, &p->powertrans);
    }
    if (!strcmp(o, "--threshold-method")) {
        static const char *const w[] = {"delta", "nbPlugin", "muan", NULL};
        static const double val[] = {HSS_FF_DELTA, HSS_FF_NBPLUGIN, HSS_FF_MUAN};
        if (!(bad = choice_arg(o, v, w, val, &d)))
            p->threshold_method = (int)d;
        return bad;
    }
    if (!strcmp(o, "--limit54")) {
        if (sscanf(v, "%d,%d", &p->limit54_cases, &p->limit54_period) != 2) {
            fprintf(stderr, "hss: --limit54 must be CASES,PERIODS\\n");
            return 1;
        }
        return 0;
    }
    return 2;
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
        else if ((bad = param_arg(&p, m, o, v)) < 0)
            bad = 0; /* handled */
        else if (bad == 2) {
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

/* Generic "--name value" option lookup for the database commands. */
static const char *opt(int argc, char **argv, const char *name)
{
    for (int i = 1; i + 1 < argc; i++)
        if (!strcmp(argv[i], name))
            return argv[i + 1];
    return NULL;
}

static int has_flag(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], name))
            return 1;
    return 0;
}

/* Checks that every argument is a known option (with a value unless listed in flags). */
static int check_opts(int argc, char **argv, const char *const *known, const char *const *flags,
                      int positional, const char *usage)
{
    int pos = 0;
    for (int i = 1; i < argc; i++) {
        int ok = 0;
        for (const char *const *f = flags; f && *f; f++)
            if (!strcmp(argv[i], *f))
                ok = 1;
        if (ok)
            continue;
        for (const char *const *k = known; *k; k++)
            if (!strcmp(argv[i], *k) && i + 1 < argc) {
                ok = 1;
                i++;
                break;
            }
        if (!ok && argv[i][0] != '-' && pos < positional) {
            pos++;
            continue;
        }
        if (!ok) {
            fprintf(stderr, "hss: unexpected argument '%s'\n", argv[i]);
            return hss_cli_usage(usage);
        }
    }
    return 0;
}

#define IMPORT_USAGE "hss surveil import --db FILE COUNTS.csv   (columns date,area_code,signal,source,count)"

static int cmd_import(int argc, char **argv)
{
    static const char *const known[] = {"--db", NULL};
    if (check_opts(argc, argv, known, NULL, 1, IMPORT_USAGE))
        return 2;
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--db")) {
            i++;
            continue;
        }
        file = argv[i];
    }
    if (!file)
        return hss_cli_usage(IMPORT_USAGE);
    hss_store *st = hss_cli_open_db(opt(argc, argv, "--db"), 1);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    size_t rows = 0;
    hss_code rc = hss_surveil_import(st, file, &rows, &err);
    hss_store_close(st);
    if (rc) {
        fprintf(stderr, "hss: nothing imported: ");
        return hss_cli_fail(&err);
    }
    printf("imported %zu daily counts from %s\n", rows, file);
    return 0;
}

#define EXCLUDE_USAGE "hss surveil exclude --db FILE --signal S --from DATE --to DATE [--area CODE|*] [--note TEXT]"

static int cmd_exclude(int argc, char **argv)
{
    static const char *const known[] = {"--db", "--signal", "--from", "--to", "--area", "--note", NULL};
    if (check_opts(argc, argv, known, NULL, 0, EXCLUDE_USAGE))
        return 2;
    const char *sig = opt(argc, argv, "--signal"), *from = opt(argc, argv, "--from"), *to = opt(argc, argv, "--to");
    const char *area = opt(argc, argv, "--area");
    if (!sig || !from || !to)
        return hss_cli_usage(EXCLUDE_USAGE);
    hss_store *st = hss_cli_open_db(opt(argc, argv, "--db"), 0);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    hss_code rc = hss_surveil_exclude(st, area ? area : "*", sig, from, to, opt(argc, argv, "--note"), &err);
    hss_store_close(st);
    if (rc)
        return hss_cli_fail(&err);
    printf("excluded %s..%s for signal %s in %s from the baselines\n", from, to, sig, area ? area : "every area");
    return 0;
}

#define RUN_USAGE "hss surveil run --db FILE --date YYYY-MM-DD [--config surveil/signals.yaml] [--now ISO-TIME] [--format table|csv|json]"

/* Loads the signal configuration (default surveil/signals.yaml), then opens the database.
 * On failure returns NULL, with everything freed and *code the exit code. */
static hss_store *open_with_config(const char *db, const char *cfgpath, hss_surveil_config *cfg,
                                   hss_error *err, int *code)
{
    if (hss_surveil_config_load(cfgpath ? cfgpath : "surveil/signals.yaml", cfg, err)) {
        *code = hss_cli_fail(err);
        return NULL;
    }
    hss_store *st = hss_cli_open_db(db, 0);
    if (!st) {
        hss_surveil_config_free(cfg);
        *code = 1;
    }
    return st;
}

static int cmd_run(int argc, char **argv)
{
    static const char *const known[] = {"--db", "--date", "--config", "--now", "--format", NULL};
    if (check_opts(argc, argv, known, NULL, 0, RUN_USAGE))
        return 2;
    const char *date = opt(argc, argv, "--date"), *cfgpath = opt(argc, argv, "--config");
    hss_format fmt;
    if (!date)
        return hss_cli_usage(RUN_USAGE);
    if (hss_cli_format(opt(argc, argv, "--format") ? opt(argc, argv, "--format") : "table", &fmt))
        return 2;
    hss_error err;
    hss_error_clear(&err);
    hss_surveil_config cfg;
    int code;
    hss_store *st = open_with_config(opt(argc, argv, "--db"), cfgpath, &cfg, &err, &code);
    if (!st)
        return code;
    hss_surveil_run_stats S;
    double t0 = hss_now();
    hss_code rc = hss_surveil_run(st, &cfg, date, opt(argc, argv, "--now"), &S, &err);
    double secs = hss_now() - t0;
    if (rc) {
        hss_surveil_run_stats_free(&S);
        hss_surveil_config_free(&cfg);
        hss_store_close(st);
        return hss_cli_fail(&err);
    }
    if (S.notes.len)
        fprintf(stderr, "%s", S.notes.data);
    fprintf(stderr, "%s: %zu series, %zu checked, %zu signalled, %zu with too little history, %zu without a count for the day; "
                    "%zu alerts, %zu county alerts, %zu suppressed (%.3f s)\n",
            date, S.series, S.checked, S.signals, S.too_little_history, S.missing_today, S.alerts,
            S.county_alerts, S.suppressed, secs);
    if (S.too_little_history)
        fprintf(stderr, "hss: warning: %zu series have too little history: they were not checked, which is not the same as no alarm\n",
                S.too_little_history);
    if (S.missing_today)
        fprintf(stderr, "hss: warning: %zu series have no count for %s yet: they were not checked\n", S.missing_today, date);
    hss_table *t = hss_surveil_alerts_table(st, NULL, &err);
    if (t) {
        /* today's alerts only */
        hss_table *today = hss_table_new();
        for (size_t c = 0; c < hss_table_cols(t); c++)
            hss_table_add_col(today, hss_table_col_name(t, c), NULL, c == 0 ? HSS_COL_INT : HSS_COL_TEXT);
        for (size_t r = 0; r < hss_table_rows(t); r++) {
            if (strcmp(hss_table_cell(t, r, 1), date) != 0)
                continue;
            hss_table_add_row(today);
            for (size_t c = 0; c < hss_table_cols(t); c++) {
                if (hss_table_is_null(t, r, c))
                    continue;
                if (c == 0)
                    hss_table_set_int(today, c, atoll(hss_table_cell(t, r, c)));
                else
                    hss_table_set_text(today, c, hss_table_cell(t, r, c));
            }
        }
        hss_table_write(today, fmt, stdout);
        hss_table_free(today);
        hss_table_free(t);
    }
    hss_surveil_run_stats_free(&S);
    hss_surveil_config_free(&cfg);
    hss_store_close(st);
    return 0;
}

#define ALERTS_USAGE "hss surveil alerts --db FILE [--status new|assigned|investigating|confirmed|dismissed] [--response] [--format table|csv|json]"

static int cmd_alerts(int argc, char **argv)
{
    static const char *const known[] = {"--db", "--status", "--format", NULL};
    static const char *const flags[] = {"--response", NULL};
    if (check_opts(argc, argv, known, flags, 0, ALERTS_USAGE))
        return 2;
    hss_format fmt;
    if (hss_cli_format(opt(argc, argv, "--format") ? opt(argc, argv, "--format") : "table", &fmt))
        return 2;
    const char *status = opt(argc, argv, "--status");
    static const char *const statuses[] = {"new", "assigned", "investigating", "confirmed", "dismissed"};
    if (status) {
        int ok = 0;
        for (int i = 0; i < 5; i++)
            ok |= !strcmp(status, statuses[i]);
        if (!ok) {
            fprintf(stderr, "hss: --status must be new, assigned, investigating, confirmed or dismissed, not '%s'\n", status);
            return 2;
        }
    }
    hss_store *st = hss_cli_open_db(opt(argc, argv, "--db"), 0);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    hss_table *t = has_flag(argc, argv, "--response") ? hss_surveil_response_table(st, &err)
                                                      : hss_surveil_alerts_table(st, status, &err);
    hss_store_close(st);
    if (!t)
        return hss_cli_fail(&err);
    hss_table_write(t, fmt, stdout);
    hss_table_free(t);
    return 0;
}

#define ALERT_USAGE "hss surveil alert ID assign|investigate|confirm|dismiss --db FILE --by USER [--note TEXT] [--at ISO-TIME]\n" \
                    "       hss surveil alert ID history --db FILE [--format table|csv|json]"

static int cmd_alert(int argc, char **argv)
{
    static const char *const known[] = {"--db", "--by", "--note", "--at", "--format", NULL};
    if (argc < 3 || check_opts(argc, argv, known, NULL, 2, ALERT_USAGE))
        return argc < 3 ? hss_cli_usage(ALERT_USAGE) : 2;
    int64_t id;
    if (hss_parse_int64(argv[1], &id) != 0) {
        fprintf(stderr, "hss: alert ID must be a number, not '%s'\n", argv[1]);
        return 2;
    }
    const char *action = argv[2];
    hss_store *st = hss_cli_open_db(opt(argc, argv, "--db"), 0);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    if (!strcmp(action, "history")) {
        hss_format fmt;
        if (hss_cli_format(opt(argc, argv, "--format") ? opt(argc, argv, "--format") : "table", &fmt)) {
            hss_store_close(st);
            return 2;
        }
        hss_table *t = hss_surveil_alert_events_table(st, id, &err);
        hss_store_close(st);
        if (!t)
            return hss_cli_fail(&err);
        hss_table_write(t, fmt, stdout);
        hss_table_free(t);
        return 0;
    }
    hss_code rc = hss_surveil_alert_act(st, id, action, opt(argc, argv, "--by"), opt(argc, argv, "--note"),
                                        opt(argc, argv, "--at"), &err);
    hss_store_close(st);
    if (rc)
        return hss_cli_fail(&err);
    printf("alert %lld: %s by %s\n", (long long)id, action, opt(argc, argv, "--by"));
    return 0;
}

#define EVALUATE_USAGE "hss surveil evaluate [--methods ears-c1,ears-c2,ears-c3,cusum,cdc,farrington,farrington-noufaily,mpm]\n" \
                       "       [--series N] [--weeks N] [--monitored N] [--k OUTBREAK_SIZE] [--seed S] [--format table|csv|json]"

static int cmd_evaluate(int argc, char **argv)
{
    static const char *const known[] = {"--methods", "--series", "--weeks", "--monitored", "--k", "--seed", "--format", NULL};
    if (check_opts(argc, argv, known, NULL, 0, EVALUATE_USAGE))
        return 2;
    hss_surveil_eval_opts o = {50, 624, 52, 1, 5};
    int seed = 1;
    if ((opt(argc, argv, "--series") && int_arg("--series", opt(argc, argv, "--series"), &o.series)) ||
        (opt(argc, argv, "--weeks") && int_arg("--weeks", opt(argc, argv, "--weeks"), &o.weeks)) ||
        (opt(argc, argv, "--monitored") && int_arg("--monitored", opt(argc, argv, "--monitored"), &o.eval_weeks)) ||
        (opt(argc, argv, "--k") && num_arg("--k", opt(argc, argv, "--k"), &o.outbreak_k)) ||
        (opt(argc, argv, "--seed") && int_arg("--seed", opt(argc, argv, "--seed"), &seed)))
        return 2;
    o.seed = (unsigned long)seed;
    hss_format fmt;
    if (hss_cli_format(opt(argc, argv, "--format") ? opt(argc, argv, "--format") : "table", &fmt))
        return 2;
    const char *methods = opt(argc, argv, "--methods");
    char *list = hss_xstrdup(methods ? methods : "ears-c1,ears-c2,ears-c3,cusum,cdc,farrington,farrington-noufaily,mpm");
    hss_surveil_params settings[32];
    const char *labels[32];
    size_t n = 0;
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok && n < 32; tok = strtok_r(NULL, ",", &save)) {
        hss_surveil_method m;
        int nouf = !strcmp(tok, "farrington-noufaily");
        if (nouf)
            m = HSS_SURVEIL_FARRINGTON;
        else if (hss_surveil_method_parse(tok, &m) != 0 || m == HSS_SURVEIL_FIXED) {
            fprintf(stderr, "hss: --methods: unknown method '%s'\n", tok);
            free(list);
            return 2;
        }
        hss_surveil_params_default(&settings[n], m, 52);
        if (nouf)
            hss_surveil_params_noufaily(&settings[n]);
        if (m == HSS_SURVEIL_MPM)
            settings[n].percentile = 80;
        labels[n] = tok;
        n++;
    }
    hss_error err;
    hss_error_clear(&err);
    hss_table *t = hss_surveil_evaluate(&o, settings, labels, n, &err);
    if (!t) {
        free(list);
        return hss_cli_fail(&err);
    }
    printf("%s", fmt == HSS_FORMAT_TABLE ? "generated data: simulated series after Noufaily et al. 2013, one outbreak per series in the monitored weeks\n" : "");
    hss_table_write(t, fmt, stdout);
    hss_table_free(t);
    free(list);
    return 0;
}

#define GENERATE_USAGE "hss surveil generate --db FILE [--seed N] [--end YYYY-MM-DD] [--run-days N] [--config surveil/signals.yaml]"

/* `hss surveil generate`: generated demo counts for the stored region's townships, then the
 * daily run over the last days (hss_surveil_demo). */
static int cmd_generate(int argc, char **argv)
{
    static const char *const known[] = {"--db", "--seed", "--end", "--run-days", "--config", NULL};
    if (check_opts(argc, argv, known, NULL, 0, GENERATE_USAGE))
        return 2;
    int seed = 1, days = 7;
    if ((opt(argc, argv, "--seed") && int_arg("--seed", opt(argc, argv, "--seed"), &seed)) ||
        (opt(argc, argv, "--run-days") && int_arg("--run-days", opt(argc, argv, "--run-days"), &days)))
        return 2;
    if (days < 1 || days > 366) {
        fprintf(stderr, "hss: --run-days must be 1..366, not %d\n", days);
        return 2;
    }
    const char *end = opt(argc, argv, "--end") ? opt(argc, argv, "--end") : "2025-12-31";
    const char *cfgpath = opt(argc, argv, "--config");
    hss_error err;
    hss_error_clear(&err);
    hss_surveil_config cfg;
    int code;
    hss_store *st = open_with_config(opt(argc, argv, "--db"), cfgpath, &cfg, &err, &code);
    if (!st)
        return code;
    hss_surveil_demo_stats S;
    double t0 = hss_now();
    hss_code rc = hss_surveil_demo(st, &cfg, (uint64_t)seed, end, days, &S, &err);
    char *note = rc ? NULL : hss_store_meta_get(st, "surveil.generated");
    hss_store_close(st);
    hss_surveil_config_free(&cfg);
    if (rc)
        return hss_cli_fail(&err);
    printf("%s\nran %zu days up to %s: %zu alerts, %zu county alerts (%.1f s)\n", note ? note : "", S.days, end,
           S.alerts, S.county_alerts, hss_now() - t0);
    free(note);
    return 0;
}

#define SURVEIL_USAGE                                                          \
    "hss surveil detect|import|exclude|run|alerts|alert|evaluate|generate ... (--help on each)"

int hss_cmd_surveil(int argc, char **argv)
{
    if (argc < 2)
        return hss_cli_usage(SURVEIL_USAGE);
    const char *sub = argv[1];
    if (!strcmp(sub, "detect"))
        return cmd_detect(argc - 1, argv + 1);
    if (argc > 2 && !strcmp(argv[2], "--help")) {
        const char *u = !strcmp(sub, "detect") ? DETECT_USAGE : !strcmp(sub, "import") ? IMPORT_USAGE : !strcmp(sub, "run") ? RUN_USAGE
                      : !strcmp(sub, "alerts") ? ALERTS_USAGE : !strcmp(sub, "alert") ? ALERT_USAGE
                      : !strcmp(sub, "evaluate") ? EVALUATE_USAGE : !strcmp(sub, "exclude") ? EXCLUDE_USAGE
                      : !strcmp(sub, "generate") ? GENERATE_USAGE : SURVEIL_USAGE;
        printf("usage: %s\n", u);
        return 0;
    }
    if (!strcmp(sub, "import"))
        return cmd_import(argc - 1, argv + 1);
    if (!strcmp(sub, "exclude"))
        return cmd_exclude(argc - 1, argv + 1);
    if (!strcmp(sub, "run"))
        return cmd_run(argc - 1, argv + 1);
    if (!strcmp(sub, "alerts"))
        return cmd_alerts(argc - 1, argv + 1);
    if (!strcmp(sub, "alert"))
        return cmd_alert(argc - 1, argv + 1);
    if (!strcmp(sub, "evaluate"))
        return cmd_evaluate(argc - 1, argv + 1);
    if (!strcmp(sub, "generate"))
        return cmd_generate(argc - 1, argv + 1);
    if (!strcmp(sub, "--help")) {
        printf("usage: %s\n", SURVEIL_USAGE);
        return 0;
    }
    fprintf(stderr, "hss: unknown surveil command '%s'\n", sub);
    return hss_cli_usage(SURVEIL_USAGE);
}
