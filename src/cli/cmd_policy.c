/*
 * cmd_policy.c: `hss policy check|coverage|measures` and `hss evaluate`. Parses options, calls
 * the policy module (src/policy/policy.h) and prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "policy/policy.h"

static const char POLICY_USAGE[] =
    "hss policy check FILE [--seeds DIR]\n"
    "       hss policy coverage NAME|FILE [--detail] [--lang zh|en] [--format table|csv|json]\n"
    "       hss policy measures [--format table|csv|json]";

static int policy_check(int argc, char **argv)
{
    const char *file = NULL, *seeds = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc)
            seeds = argv[++i];
        else if (argv[i][0] != '-' && !file)
            file = argv[i];
        else
            return hss_cli_usage(POLICY_USAGE);
    }
    if (!file)
        return hss_cli_usage(POLICY_USAGE);
    hss_error err;
    hss_error_clear(&err);
    char *path = hss_policy_locate(file, &err);
    if (!path)
        return hss_cli_fail(&err);
    hss_buf out;
    hss_buf_init(&out);
    int warnings = 0;
    int errors = hss_policy_check(path, seeds, &out, &warnings);
    if (out.len)
        fputs(out.data, stderr);
    hss_buf_free(&out);
    if (errors) {
        fprintf(stderr, "hss: %s: %d error%s, %d warning%s\n", path, errors, errors == 1 ? "" : "s",
                warnings, warnings == 1 ? "" : "s");
        free(path);
        return 1;
    }
    hss_policy_pack *p = hss_policy_load(path, &err);
    if (!p) {
        free(path);
        return hss_cli_fail(&err);
    }
    size_t ntasks;
    hss_policy_tasks(p, &ntasks);
    printf("%s: ok (pack %s, %zu rules and %zu tasks after extends, %d warning%s)\n", path,
           hss_policy_name(p), hss_policy_rule_count(p), ntasks, warnings, warnings == 1 ? "" : "s");
    hss_policy_free(p);
    free(path);
    return 0;
}

static int policy_coverage(int argc, char **argv)
{
    const char *name = NULL, *fmt = "table", *lang = "zh";
    int detail = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            fmt = argv[++i];
        else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
            lang = argv[++i];
        else if (strcmp(argv[i], "--detail") == 0)
            detail = 1;
        else if (argv[i][0] != '-' && !name)
            name = argv[i];
        else
            return hss_cli_usage(POLICY_USAGE);
    }
    hss_format f;
    if (!name)
        return hss_cli_usage(POLICY_USAGE);
    if (hss_cli_format(fmt, &f))
        return 2;
    if (strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0) {
        fprintf(stderr, "hss: --lang must be zh or en, not '%s'\n", lang);
        return 2;
    }
    if (f == HSS_FORMAT_JSON) /* JSON: every standard as one item */
        detail = 1;
    hss_error err;
    hss_error_clear(&err);
    hss_table *t;
    if (hss_policy_coverage(name, detail, strcmp(lang, "en") == 0, &t, &err) != HSS_OK)
        return hss_cli_fail(&err);
    hss_table_write(t, f, stdout);
    hss_table_free(t);
    return 0;
}

int hss_cmd_policy(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        if (argc >= 2) {
            printf("usage: %s\n", POLICY_USAGE);
            return 0;
        }
        return hss_cli_usage(POLICY_USAGE);
    }
    if (strcmp(argv[1], "check") == 0)
        return policy_check(argc, argv);
    if (strcmp(argv[1], "coverage") == 0)
        return policy_coverage(argc, argv);
    if (strcmp(argv[1], "measures") == 0) {
        hss_format f = HSS_FORMAT_TABLE;
        if (argc == 4 && strcmp(argv[2], "--format") == 0) {
            if (hss_cli_format(argv[3], &f))
                return 2;
        } else if (argc != 2) {
            return hss_cli_usage(POLICY_USAGE);
        }
        hss_table *t = hss_policy_measures();
        hss_table_write(t, f, stdout);
        hss_table_free(t);
        return 0;
    }
    fprintf(stderr, "hss: policy: unknown subcommand '%s'\n", argv[1]);
    return hss_cli_usage(POLICY_USAGE);
}

static const char EVAL_USAGE[] =
    "hss evaluate --db FILE --policy NAME|FILE [--year Y] [--under CODE]\n"
    "       [--format table|csv|json|html] [--output FILE] [--summary]";

/* The terminal table: the columns a planner reads; csv/json carry every column. */
static hss_table *compact(const hss_table *f)
{
    static const char *const keep[] = {"rule", "area_name", "facility_name", "status",
                                       "observed", "target", "gap", "unit", "gap_text", "reason_zh"};
    static const char *const labels[] = {"规则", "区域", "机构", "结果", "现状",
                                         "目标", "差距", "单位", "差距说明", "说明"};
    size_t n = sizeof keep / sizeof *keep, idx[16];
    hss_table *t = hss_table_new();
    for (size_t k = 0; k < n; k++) {
        for (idx[k] = 0; idx[k] < hss_table_cols(f); idx[k]++)
            if (strcmp(hss_table_col_name(f, idx[k]), keep[k]) == 0)
                break;
        int num = k >= 4 && k <= 6;
        hss_table_add_col(t, keep[k], labels[k], num ? HSS_COL_REAL : HSS_COL_TEXT);
    }
    for (size_t r = 0; r < hss_table_rows(f); r++) {
        hss_table_add_row(t);
        for (size_t k = 0; k < n; k++)
            if (!hss_table_is_null(f, r, idx[k]))
                hss_table_set_text(t, k, hss_table_cell(f, r, idx[k]));
    }
    return t;
}

int hss_cmd_evaluate(int argc, char **argv)
{
    const char *db = NULL, *pack = NULL, *under = NULL, *fmt = "table", *output = NULL;
    int year = 0, summary_only = 0, saved_rc;
    if (hss_cli_evaluate_saved(argc, argv, &saved_rc)) /* --save, --compare, --saved (cmd_plan.c) */
        return saved_rc;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        if (strcmp(a, "--db") == 0 && has)
            db = argv[++i];
        else if (strcmp(a, "--policy") == 0 && has)
            pack = argv[++i];
        else if (strcmp(a, "--under") == 0 && has)
            under = argv[++i];
        else if (strcmp(a, "--format") == 0 && has)
            fmt = argv[++i];
        else if (strcmp(a, "--output") == 0 && has)
            output = argv[++i];
        else if (strcmp(a, "--summary") == 0)
            summary_only = 1;
        else if (strcmp(a, "--year") == 0 && has) {
            int64_t y;
            if (hss_parse_int64(argv[++i], &y) != 0 || y < 2000 || y > 2100) {
                fprintf(stderr, "hss: --year must be a year between 2000 and 2100, not '%s'\n", argv[i]);
                return 2;
            }
            year = (int)y;
        } else if (strcmp(a, "--help") == 0) {
            printf("usage: %s\n", EVAL_USAGE);
            return 0;
        } else {
            fprintf(stderr, "hss: evaluate: unknown option '%s'\n", a);
            return hss_cli_usage(EVAL_USAGE);
        }
    }
    if (!pack) {
        fprintf(stderr, "hss: --policy NAME|FILE is required\n");
        return hss_cli_usage(EVAL_USAGE);
    }
    int html = strcmp(fmt, "html") == 0;
    hss_format f = HSS_FORMAT_TABLE;
    if (!html && hss_format_parse(fmt, &f) != 0) {
        fprintf(stderr, "hss: --format must be table, csv, json or html, not '%s'\n", fmt);
        return 2;
    }
    hss_error err;
    hss_error_clear(&err);
    hss_policy_pack *p = hss_policy_load(pack, &err);
    if (!p)
        return hss_cli_fail(&err);
    hss_store *st = hss_cli_open_db(db, 0);
    if (!st) {
        hss_policy_free(p);
        return 1;
    }
    hss_policy_result *res;
    hss_code rc = hss_policy_evaluate(st, p, year, under, &res, &err);
    hss_policy_free(p);
    hss_store_close(st);
    if (rc != HSS_OK)
        return hss_cli_fail(&err);
    FILE *out = stdout;
    if (output) {
        out = fopen(output, "wb");
        if (!out) {
            fprintf(stderr, "hss: cannot write %s\n", output);
            hss_policy_result_free(res);
            return 1;
        }
    }
    if (html) {
        char *s = hss_policy_result_html(res);
        fputs(s, out);
        free(s);
    } else if (f == HSS_FORMAT_JSON && !summary_only) {
        char *s = hss_policy_result_json(res);
        fputs(s, out);
        fputc('\n', out);
        free(s);
    } else if (summary_only || f == HSS_FORMAT_CSV) {
        hss_table_write(summary_only ? res->summary : res->findings, f, out);
    } else {
        hss_table *c = compact(res->findings);
        hss_table_write(c, f, out);
        hss_table_free(c);
        fprintf(out, "\n");
        hss_table_write(res->summary, f, out);
        fprintf(out, "\n%s %d: %zu pass, %zu fail, %zu unknown%s\n", res->pack, res->year,
                res->pass, res->fail, res->unknown,
                res->generated ? " (the region contains generated data)" : "");
    }
    if (output)
        fclose(out);
    hss_policy_result_free(res);
    return 0;
}
