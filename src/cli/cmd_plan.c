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

/* ---- hss tasks ------------------------------------------------------------------------------------ */

static const char TASKS_USAGE[] =
    "hss tasks load --db FILE --policy NAME|FILE\n"
    "       hss tasks list --db FILE [--unit U] [--status S] [--overdue] [--as-of DATE] [--user NAME]\n"
    "                      [--format table|csv|json]\n"
    "       hss tasks report --db FILE --user NAME --task ID --date DATE --status in_progress|done|blocked\n"
    "                      --narrative TEXT [--value V] [--file PATH]...\n"
    "       hss tasks review --db FILE --user NAME --report ID (--accept | --return --note TEXT)\n"
    "       hss tasks reports --db FILE --task ID [--user NAME] [--format table|csv|json]\n"
    "       hss tasks attachment --db FILE --id N --output FILE [--user NAME]";

static int tasks_load(hss_store *st, const hss_plan_actor *who, const char *pack)
{
    hss_error err;
    hss_error_clear(&err);
    size_t n;
    if (!pack)
        return hss_cli_usage(TASKS_USAGE);
    if (hss_plan_tasks_load(st, who, pack, &n, &err))
        return hss_cli_fail(&err);
    printf("loaded %zu task%s from %s\n", n, n == 1 ? "" : "s", pack);
    return 0;
}

/* Reads the --file arguments into memory; returns the count or -1. */
static int read_files(int argc, char **argv, hss_plan_file *files, int max)
{
    int n = 0;
    for (int i = 2; i + 1 < argc; i++) {
        if (strcmp(argv[i], "--file") != 0)
            continue;
        if (n == max) {
            fprintf(stderr, "hss: at most %d files per report\n", max);
            return -1;
        }
        hss_error err;
        size_t len;
        char *data = hss_read_file(argv[i + 1], &len, &err);
        if (!data) {
            hss_cli_fail(&err);
            return -1;
        }
        const char *slash = strrchr(argv[i + 1], '/');
        files[n].name = slash ? slash + 1 : argv[i + 1];
        files[n].data = (const unsigned char *)data;
        files[n++].len = len;
        argv[i] = (char *)"--file-read"; /* consumed: the generic parser skips it */
    }
    return n;
}

static int tasks_report(hss_store *st, const hss_plan_actor *who, int argc, char **argv)
{
    hss_plan_file files[20];
    int nf = read_files(argc, argv, files, 20);
    if (nf < 0)
        return 1;
    const char *db, *user, *task = NULL, *date = NULL, *status = NULL, *narr = NULL, *value = NULL, *skip;
    const opt opts[] = {{"--db", &db, NULL},         {"--user", &user, NULL},     {"--task", &task, NULL},
                        {"--date", &date, NULL},     {"--status", &status, NULL}, {"--narrative", &narr, NULL},
                        {"--value", &value, NULL},   {"--file-read", &skip, NULL}, {NULL, NULL, NULL}};
    hss_plan_report_in in = {task, date, status, 0, 0, narr, files, (size_t)nf};
    int rc = parse(argc, argv, 2, opts, NULL, 0) ? 2 : 0;
    in.task = task, in.date = date, in.status = status, in.narrative = narr;
    if (!rc && value && hss_parse_double(value, &in.value) != 0) {
        fprintf(stderr, "hss: --value must be a number, not '%s'\n", value);
        rc = 2;
    }
    in.has_value = value != NULL;
    if (!rc && (!task || !date || !status))
        rc = hss_cli_usage(TASKS_USAGE);
    hss_error err;
    hss_error_clear(&err);
    int64_t id;
    if (!rc && hss_plan_report_add(st, who, &in, &id, &err))
        rc = hss_cli_fail(&err);
    else if (!rc)
        printf("report %lld on %s stored with %d file%s\n", (long long)id, task, nf, nf == 1 ? "" : "s");
    for (int i = 0; i < nf; i++)
        free((void *)files[i].data);
    return rc;
}

static int tasks_attachment(hss_store *st, const hss_plan_actor *who, const char *ids, const char *output)
{
    int64_t id;
    if (!output)
        return hss_cli_usage(TASKS_USAGE);
    if (parse_id(ids, "--id", &id))
        return 2;
    hss_error err;
    hss_error_clear(&err);
    hss_plan_blob b;
    if (hss_plan_attachment_get(st, who, id, &b, &err))
        return hss_cli_fail(&err);
    FILE *f = fopen(output, "wb");
    int ok = f && fwrite(b.data, 1, b.len, f) == b.len;
    if (f && fclose(f) != 0)
        ok = 0;
    free(b.data);
    if (!ok) {
        fprintf(stderr, "hss: cannot write %s\n", output);
        return 1;
    }
    printf("%s (%s, %zu bytes) -> %s\n", b.name, b.mime, b.len, output);
    return 0;
}

int hss_cmd_tasks(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        printf("usage: %s\n", TASKS_USAGE);
        return argc < 2 ? 2 : 0;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "report") == 0 || strcmp(sub, "load") == 0 || strcmp(sub, "list") == 0 ||
        strcmp(sub, "review") == 0 || strcmp(sub, "reports") == 0 || strcmp(sub, "attachment") == 0) {
    } else {
        fprintf(stderr, "hss: tasks: unknown subcommand '%s'\n", sub);
        return hss_cli_usage(TASKS_USAGE);
    }
    /* the options every subcommand shares, found first so that the database opens once */
    const char *db = NULL, *user = NULL;
    for (int i = 2; i + 1 < argc; i++) {
        if (strcmp(argv[i], "--db") == 0)
            db = argv[i + 1];
        else if (strcmp(argv[i], "--user") == 0)
            user = argv[i + 1];
    }
    hss_store *st = hss_cli_open_db(db, 0);
    if (!st)
        return 1;
    hss_plan_actor who;
    int rc = actor(st, user, &who);
    if (rc) {
        hss_store_close(st);
        return rc;
    }
    if (strcmp(sub, "report") == 0) {
        rc = tasks_report(st, &who, argc, argv);
        hss_store_close(st);
        return rc;
    }
    const char *pack = NULL, *unit = NULL, *status = NULL, *as_of = NULL, *fmt = "table", *task = NULL;
    const char *report = NULL, *note = NULL, *id = NULL, *output = NULL;
    int overdue = 0, accept = 0, ret = 0;
    const opt opts[] = {{"--db", &db, NULL},         {"--user", &user, NULL},     {"--policy", &pack, NULL},
                        {"--unit", &unit, NULL},     {"--status", &status, NULL}, {"--as-of", &as_of, NULL},
                        {"--format", &fmt, NULL},    {"--task", &task, NULL},     {"--report", &report, NULL},
                        {"--note", &note, NULL},     {"--id", &id, NULL},         {"--output", &output, NULL},
                        {"--overdue", NULL, &overdue}, {"--accept", NULL, &accept}, {"--return", NULL, &ret},
                        {NULL, NULL, NULL}};
    hss_error err;
    hss_error_clear(&err);
    hss_table *t;
    int64_t rid;
    if (parse(argc, argv, 2, opts, NULL, 0)) {
        rc = hss_cli_usage(TASKS_USAGE);
    } else if (strcmp(sub, "load") == 0) {
        rc = tasks_load(st, &who, pack);
    } else if (strcmp(sub, "list") == 0) {
        hss_plan_task_filter f = {unit, status, task, overdue, as_of};
        rc = hss_plan_tasks_list(st, &who, &f, &t, &err) ? hss_cli_fail(&err) : print_table(t, fmt);
    } else if (strcmp(sub, "reports") == 0) {
        rc = !task ? hss_cli_usage(TASKS_USAGE)
             : hss_plan_reports_list(st, &who, task, &t, &err) ? hss_cli_fail(&err) : print_table(t, fmt);
    } else if (strcmp(sub, "review") == 0) {
        if (accept == ret || parse_id(report, "--report", &rid))
            rc = hss_cli_usage(TASKS_USAGE);
        else if (hss_plan_report_review(st, &who, rid, accept, note, &err))
            rc = hss_cli_fail(&err);
        else
            printf("report %lld %s\n", (long long)rid, accept ? "accepted" : "returned");
    } else {
        rc = tasks_attachment(st, &who, id, output);
    }
    hss_store_close(st);
    return rc;
}

/* ---- hss rectify ------------------------------------------------------------------------------------ */

static const char RECT_USAGE[] =
    "hss rectify add --db FILE --eval ID --rule RULE --area CODE [--facility CODE] --unit UNIT\n"
    "                --deadline DATE [--note TEXT] [--user NAME]\n"
    "       hss rectify list --db FILE [--status open|closed] [--as-of DATE] [--user NAME]\n"
    "                [--format table|csv|json]";

int hss_cmd_rectify(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "add") && strcmp(argv[1], "list"))) {
        if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
            printf("usage: %s\n", RECT_USAGE);
            return 0;
        }
        return hss_cli_usage(RECT_USAGE);
    }
    const char *db = NULL, *user = NULL, *eval = NULL, *rule = NULL, *area = NULL, *fac = NULL, *unit = NULL;
    const char *deadline = NULL, *note = NULL, *status = NULL, *as_of = NULL, *fmt = "table";
    const opt opts[] = {{"--db", &db, NULL},         {"--user", &user, NULL},       {"--eval", &eval, NULL},
                        {"--rule", &rule, NULL},     {"--area", &area, NULL},       {"--facility", &fac, NULL},
                        {"--unit", &unit, NULL},     {"--deadline", &deadline, NULL}, {"--note", &note, NULL},
                        {"--status", &status, NULL}, {"--as-of", &as_of, NULL},     {"--format", &fmt, NULL},
                        {NULL, NULL, NULL}};
    if (parse(argc, argv, 2, opts, NULL, 0))
        return hss_cli_usage(RECT_USAGE);
    int add = strcmp(argv[1], "add") == 0;
    int64_t ev = 0;
    if (add && (parse_id(eval, "--eval", &ev) || !rule || !area || !unit || !deadline))
        return hss_cli_usage(RECT_USAGE);
    hss_store *st = hss_cli_open_db(db, 0);
    if (!st)
        return 1;
    hss_plan_actor who;
    int rc = actor(st, user, &who);
    hss_error err;
    hss_error_clear(&err);
    if (!rc && add) {
        hss_plan_rect_in in = {ev, rule, area, fac ? fac : "", unit, deadline, note};
        int64_t id;
        if (hss_plan_rect_add(st, &who, &in, &id, &err))
            rc = hss_cli_fail(&err);
        else
            printf("rectification item %lld: %s in %s%s%s, %s by %s\n%lld\n", (long long)id, rule, area,
                   fac ? " at " : "", fac ? fac : "", unit, deadline, (long long)id);
    } else if (!rc) {
        hss_table *t;
        rc = hss_plan_rect_list(st, &who, status, as_of, &t, &err) ? hss_cli_fail(&err) : print_table(t, fmt);
    }
    hss_store_close(st);
    return rc;
}

/* ---- hss bulletin ------------------------------------------------------------------------------------ */

static const char BULLETIN_USAGE[] =
    "hss bulletin --db FILE --month YYYY-MM [--output FILE.html] [--pdf FILE.pdf] [--user NAME]";

int hss_cmd_bulletin(int argc, char **argv)
{
    if (hss_cli_help(argc, argv, BULLETIN_USAGE))
        return 0;
    const char *db = NULL, *month = NULL, *output = NULL, *pdf = NULL, *user = NULL;
    const opt opts[] = {{"--db", &db, NULL},   {"--month", &month, NULL}, {"--output", &output, NULL},
                        {"--pdf", &pdf, NULL}, {"--user", &user, NULL},   {NULL, NULL, NULL}};
    if (parse(argc, argv, 1, opts, NULL, 0) || !month || (pdf && !output))
        return hss_cli_usage(BULLETIN_USAGE);
    hss_store *st = hss_cli_open_db(db, 0);
    if (!st)
        return 1;
    hss_plan_actor who;
    int rc = actor(st, user, &who);
    hss_error err;
    hss_error_clear(&err);
    char *html = NULL;
    if (!rc && hss_plan_bulletin(st, &who, month, &html, &err))
        rc = hss_cli_fail(&err);
    hss_store_close(st);
    if (rc)
        return rc;
    FILE *f = output ? fopen(output, "wb") : stdout;
    if (!f || fputs(html, f) < 0 || (output && fclose(f) != 0)) {
        fprintf(stderr, "hss: cannot write %s\n", output ? output : "standard output");
        free(html);
        return 1;
    }
    free(html);
    if (output)
        printf("bulletin %s: %s\n", month, output);
    if (pdf) {
        char *real = realpath(output, NULL);
        if (!real || hss_plan_bulletin_pdf(real, pdf, &err))
            rc = hss_cli_fail(&err);
        else
            printf("bulletin %s: %s\n", month, pdf);
        free(real);
    }
    return rc;
}
