/*
 * cmd_plan.c: plan implementation and supervision on the command line (src/plan/plan.h):
 * `hss evaluate --save | --compare A B | --saved`, `hss tasks load|list|report|review|reports|
 * attachment`, `hss rectify add|list` and `hss bulletin`. Parses options, calls the plan module
 * and prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "plan/plan.h"

/* One option: `--name VALUE` (val) or `--name` (flag). */
typedef struct opt {
    const char *name;
    const char **val;
    int *flag;
} opt;

/* Parses argv[from..] against opts; positional arguments go to pos (up to npos). Returns 0, or
 * prints the bad option and returns -1. */
static int parse(int argc, char **argv, int from, const opt *opts, const char **pos, int npos)
{
    int used = 0;
    for (int i = from; i < argc; i++) {
        const char *a = argv[i];
        const opt *o = NULL;
        for (const opt *p = opts; p->name; p++)
            if (strcmp(a, p->name) == 0)
                o = p;
        if (!o && a[0] != '-' && used < npos) {
            pos[used++] = a;
            continue;
        }
        if (!o || (o->val && i + 1 >= argc)) {
            fprintf(stderr, "hss: unknown option or missing value: '%s'\n", a);
            return -1;
        }
        if (o->flag)
            *o->flag = 1;
        else
            *o->val = argv[++i];
    }
    return 0;
}

static int parse_id(const char *s, const char *what, int64_t *out)
{
    if (!s || hss_parse_int64(s, out) != 0 || *out <= 0) {
        fprintf(stderr, "hss: %s must be a positive whole number, not '%s'\n", what, s ? s : "");
        return -1;
    }
    return 0;
}

/* Writes a table in the format named (table, csv or json). */
static int print_table(hss_table *t, const char *fmt)
{
    hss_format f;
    if (hss_cli_format(fmt, &f)) {
        hss_table_free(t);
        return 2;
    }
    hss_table_write(t, f, stdout);
    hss_table_free(t);
    return 0;
}

/* The acting user: --user NAME from the stored users, else the command-line operator. */
static int actor(hss_store *st, const char *user, hss_plan_actor *a)
{
    if (!user) {
        hss_plan_actor_operator(a);
        return 0;
    }
    hss_error err;
    hss_error_clear(&err);
    return hss_plan_actor_load(st, user, "cli", a, &err) ? hss_cli_fail(&err) : 0;
}

/* ---- hss evaluate --save | --compare | --saved -------------------------------------------------- */

static const char SAVED_USAGE[] =
    "hss evaluate --db FILE --policy NAME|FILE --save [--year Y] [--label TEXT] [--user NAME]\n"
    "       hss evaluate --db FILE --compare A B [--under CODE] [--format table|csv|json]\n"
    "       hss evaluate --db FILE --saved [--format table|csv|json]\n"
    "       hss evaluate --db FILE --snapshot ID [--under CODE] [--status S] [--format ...]";

int hss_cli_evaluate_saved(int argc, char **argv, int *rc)
{
    int save = 0, compare = 0, saved = 0;
    const char *db = NULL, *pack = NULL, *year = NULL, *label = NULL, *user = NULL, *under = NULL;
    const char *fmt = "table", *snapshot = NULL, *status = NULL, *ab[2] = {NULL, NULL};
    for (int i = 1; i < argc; i++) {
        save |= strcmp(argv[i], "--save") == 0;
        compare |= strcmp(argv[i], "--compare") == 0;
        saved |= strcmp(argv[i], "--saved") == 0 || strcmp(argv[i], "--snapshot") == 0;
    }
    if (!save && !compare && !saved)
        return 0;
    const opt opts[] = {{"--db", &db, NULL},         {"--policy", &pack, NULL}, {"--year", &year, NULL},
                        {"--label", &label, NULL},   {"--user", &user, NULL},   {"--under", &under, NULL},
                        {"--format", &fmt, NULL},    {"--save", NULL, &save},   {"--compare", NULL, &compare},
                        {"--saved", NULL, &saved},   {"--snapshot", &snapshot, NULL},
                        {"--status", &status, NULL}, {NULL, NULL, NULL}};
    if (parse(argc, argv, 1, opts, ab, compare ? 2 : 0) || save + compare + saved != 1 ||
        (save && !pack) || (compare && !ab[1])) {
        *rc = hss_cli_usage(SAVED_USAGE);
        return 1;
    }
    hss_error err;
    hss_error_clear(&err);
    hss_store *st = hss_cli_open_db(db, 0);
    if (!st) {
        *rc = 1;
        return 1;
    }
    hss_table *t = NULL;
    hss_plan_actor who;
    int64_t a, b, y = 0, id;
    if (save) {
        if ((year && (hss_parse_int64(year, &y) || y < 2000 || y > 2100))) {
            fprintf(stderr, "hss: --year must be a year between 2000 and 2100, not '%s'\n", year);
            *rc = 2;
        } else if (!(*rc = actor(st, user, &who))) {
            if (hss_plan_eval_save(st, &who, pack, (int)y, label, &id, &err))
                *rc = hss_cli_fail(&err);
            else
                printf("saved evaluation of %s\n%lld\n", pack, (long long)id);
        }
    } else if (compare) {
        if (parse_id(ab[0], "--compare A", &a) || parse_id(ab[1], "--compare B", &b))
            *rc = 2;
        else if (hss_plan_eval_compare(st, a, b, under, &t, &err))
            *rc = hss_cli_fail(&err);
        else
            *rc = print_table(t, fmt);
    } else if (snapshot) {
        if (parse_id(snapshot, "--snapshot", &a))
            *rc = 2;
        else if (hss_plan_eval_findings(st, a, under, status, &t, &err))
            *rc = hss_cli_fail(&err);
        else
            *rc = print_table(t, fmt);
    } else {
        *rc = hss_plan_eval_list(st, &t, &err) ? hss_cli_fail(&err) : print_table(t, fmt);
    }
    hss_store_close(st);
    return 1;
}
