/*
 * cmd_metrics.c: `hss data` (import, delete, validate, check, generate, elements, rebuild) and
 * `hss indicators`, the commands of the metrics module. Parse, call src/metrics, print.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "metrics/metrics.h"
#include "model/model.h"

static const char *DATA_USAGE =
    "hss data import --db F [--delete] FILE.csv   (columns element,org,period,value[,category])\n"
    "       hss data delete --db F FILE.csv            (columns element,org,period[,category])\n"
    "       hss data values --db F [--element E] [--org CODE] [--from YYYY-MM] [--to YYYY-MM]\n"
    "                                   [--format table|csv|json]   (csv = the import format)\n"
    "       hss data validate --db F [--format table|csv|json]\n"
    "       hss data check --db F [--under CODE] [--lang zh|en] [--format table|csv|json]\n"
    "                     (where records and monthly reports of the same area and month differ)\n"
    "       hss data generate --db F [--seed N]\n"
    "       hss data rebuild --db F\n"
    "       hss data elements [--format table|csv|json]";

static const char *IND_USAGE =
    "hss indicators --db F [--under CODE] [--period 2025-03|2025Q1|2025|YTD2025-03]\n"
    "       [--indicator ID] [--pack liaocheng|yiwu] [--trend N] [--lang zh|en]\n"
    "       [--format table|csv|json]";

typedef struct opts {
    const char *db, *file, *format, *seed, *under, *period, *indicator, *pack, *lang, *trend;
    const char *element, *org, *from, *to;
    int del;
} opts;

/* Parses argv[from..]; returns 0, or 2 after printing usage. */
static int parse(int argc, char **argv, int from, opts *o, const char *usage)
{
    memset(o, 0, sizeof *o);
    o->format = "table";
    for (int i = from; i < argc; i++) {
        const char *a = argv[i];
        const char **dst = NULL;
        if (strcmp(a, "--db") == 0)
            dst = &o->db;
        else if (strcmp(a, "--format") == 0)
            dst = &o->format;
        else if (strcmp(a, "--seed") == 0)
            dst = &o->seed;
        else if (strcmp(a, "--under") == 0)
            dst = &o->under;
        else if (strcmp(a, "--period") == 0)
            dst = &o->period;
        else if (strcmp(a, "--indicator") == 0)
            dst = &o->indicator;
        else if (strcmp(a, "--pack") == 0)
            dst = &o->pack;
        else if (strcmp(a, "--lang") == 0)
            dst = &o->lang;
        else if (strcmp(a, "--trend") == 0)
            dst = &o->trend;
        else if (strcmp(a, "--element") == 0)
            dst = &o->element;
        else if (strcmp(a, "--org") == 0)
            dst = &o->org;
        else if (strcmp(a, "--from") == 0)
            dst = &o->from;
        else if (strcmp(a, "--to") == 0)
            dst = &o->to;
        else if (strcmp(a, "--delete") == 0) {
            o->del = 1;
            continue;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "hss: unknown option '%s'\n", a);
            return hss_cli_usage(usage);
        } else if (!o->file) {
            o->file = a;
            continue;
        } else {
            fprintf(stderr, "hss: unexpected argument '%s'\n", a);
            return hss_cli_usage(usage);
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "hss: %s needs a value\n", a);
            return hss_cli_usage(usage);
        }
        *dst = argv[++i];
    }
    return 0;
}

static int print_table(hss_table *t, const char *format)
{
    hss_format f;
    if (hss_cli_format(format, &f) != 0) {
        hss_table_free(t);
        return 2;
    }
    hss_table_write(t, f, stdout);
    hss_table_free(t);
    return 0;
}

static int cmd_elements(const opts *o)
{
    size_t n;
    const hss_metrics_element *els = hss_metrics_elements(&n);
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "element", "元素", HSS_COL_TEXT);
    hss_table_add_col(t, "name_zh", "名称", HSS_COL_TEXT);
    hss_table_add_col(t, "name_en", "name", HSS_COL_TEXT);
    hss_table_add_col(t, "unit", "单位", HSS_COL_TEXT);
    hss_table_add_col(t, "period_type", "期间", HSS_COL_TEXT);
    hss_table_add_col(t, "org_kind", "报告单位", HSS_COL_TEXT);
    hss_table_add_col(t, "aggregation", "汇总", HSS_COL_TEXT);
    size_t nl;
    const hss_term *levels = hss_model_terms(HSS_VOCAB_LEVEL, &nl);
    for (size_t i = 0; i < n; i++) {
        hss_table_add_row(t);
        hss_table_set_text(t, 0, els[i].code);
        hss_table_set_text(t, 1, els[i].zh);
        hss_table_set_text(t, 2, els[i].en);
        hss_table_set_text(t, 3, els[i].unit);
        hss_table_set_text(t, 4, els[i].period_type);
        hss_table_set_text(t, 5, els[i].org_kind == HSS_ORG_FACILITY
                                     ? "facility"
                                     : levels[els[i].area_level].id);
        hss_table_set_text(t, 6, els[i].stock ? "last month (stock)" : "sum (flow)");
    }
    return print_table(t, o->format);
}

int hss_cmd_data(int argc, char **argv)
{
    if (hss_cli_help(argc, argv, DATA_USAGE))
        return 0;
    if (argc < 2)
        return hss_cli_usage(DATA_USAGE);
    const char *sub = argv[1];
    opts o;
    int prc = parse(argc, argv, 2, &o, DATA_USAGE);
    if (prc)
        return prc;
    if (strcmp(sub, "elements") == 0)
        return cmd_elements(&o);
    int is_import = strcmp(sub, "import") == 0, is_delete = strcmp(sub, "delete") == 0;
    if (!is_import && !is_delete && strcmp(sub, "validate") && strcmp(sub, "generate") &&
        strcmp(sub, "check") &&
        strcmp(sub, "values") &&
        strcmp(sub, "rebuild")) {
        fprintf(stderr, "hss: unknown 'data' subcommand '%s'\n", sub);
        return hss_cli_usage(DATA_USAGE);
    }
    if ((is_import || is_delete) && !o.file)
        return hss_cli_usage(DATA_USAGE);
    hss_format fmt;
    if (hss_cli_format(o.format, &fmt) != 0)
        return 2;
    hss_store *st = hss_cli_open_db(o.db, 0);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    int rc = 0;
    if (is_import || is_delete) {
        size_t n = 0;
        int del = is_delete || o.del;
        if (hss_metrics_import(st, o.file, del, &n, &err))
            rc = hss_cli_fail(&err);
        else
            fprintf(stderr, "%s %zu data values from %s\n", del ? "deleted" : "imported", n,
                    o.file);
    } else if (strcmp(sub, "values") == 0) {
        hss_table *t;
        if (hss_metrics_values(st, o.element, o.org, o.from, o.to, &t, &err))
            rc = hss_cli_fail(&err);
        else
            print_table(t, o.format);
    } else if (strcmp(sub, "validate") == 0) {
        hss_table *t;
        if (hss_metrics_validate(st, &t, &err))
            rc = hss_cli_fail(&err);
        else {
            size_t n = hss_table_rows(t);
            print_table(t, o.format);
            fprintf(stderr, "%zu violation%s\n", n, n == 1 ? "" : "s");
            rc = n ? 1 : 0;
        }
    } else if (strcmp(sub, "check") == 0) {
        hss_table *t;
        int en = o.lang && strcmp(o.lang, "en") == 0;
        if (hss_metrics_check(st, o.under, en, &t, &err))
            rc = hss_cli_fail(&err);
        else {
            size_t n = hss_table_rows(t);
            print_table(t, o.format);
            fprintf(stderr, en ? "%zu disagreement%s\n" : "%zu 处不一致%s\n", n,
                    en && n != 1 ? "s" : "");
            rc = n ? 1 : 0;
        }
    } else if (strcmp(sub, "generate") == 0) {
        int64_t seed = 1;
        if (o.seed && (hss_parse_int64(o.seed, &seed) != 0 || seed < 0)) {
            fprintf(stderr, "hss: --seed must be a non-negative integer, not '%s'\n", o.seed);
            rc = 2;
        } else if (hss_metrics_generate_demo(st, (uint64_t)seed, &err))
            rc = hss_cli_fail(&err);
        else {
            char *note = hss_store_meta_get(st, "metrics.generated");
            fprintf(stderr, "%s\n", note ? note : "generated");
            free(note);
        }
    } else {
        double t0 = hss_now();
        if (hss_metrics_rebuild(st, &err))
            rc = hss_cli_fail(&err);
        else
            fprintf(stderr, "aggregates rebuilt in %.3f s\n", hss_now() - t0);
    }
    hss_store_close(st);
    return rc;
}

int hss_cmd_indicators(int argc, char **argv)
{
    if (hss_cli_help(argc, argv, IND_USAGE))
        return 0;
    opts o;
    int prc = parse(argc, argv, 1, &o, IND_USAGE);
    if (prc)
        return prc;
    if (o.file) {
        fprintf(stderr, "hss: unexpected argument '%s'\n", o.file);
        return hss_cli_usage(IND_USAGE);
    }
    hss_format fmt;
    if (hss_cli_format(o.format, &fmt) != 0)
        return 2;
    if (o.lang && strcmp(o.lang, "zh") && strcmp(o.lang, "en")) {
        fprintf(stderr, "hss: --lang must be zh or en, not '%s'\n", o.lang);
        return 2;
    }
    hss_store *st = hss_cli_open_db(o.db, 0);
    if (!st)
        return 1;
    int64_t trend = 1;
    if (o.trend && (hss_parse_int64(o.trend, &trend) != 0 || trend < 1 || trend > 120)) {
        fprintf(stderr, "hss: --trend must be a number of periods from 1 to 120, not '%s'\n",
                o.trend);
        hss_store_close(st);
        return 2;
    }
    hss_metrics_query q = {o.under, o.period, o.indicator, o.pack,
                           o.lang && !strcmp(o.lang, "en"), (int)trend, 0};
    hss_table *t;
    hss_error err;
    hss_error_clear(&err);
    int rc = 0;
    if (hss_metrics_indicators(st, &q, &t, &err))
        rc = hss_cli_fail(&err);
    else
        hss_table_write(t, fmt, stdout);
    if (!rc)
        hss_table_free(t);
    hss_store_close(st);
    return rc;
}
