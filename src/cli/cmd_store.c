/*
 * cmd_store.c: `hss copy --from SRC --to DST [--tables a,b]`: moves a region from one store to
 * another (SQLite file or PostgreSQL) through hss_store_copy, shows progress per table on
 * stderr and prints, per table, the rows and checksum found on both sides.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

static const char USAGE[] =
    "hss copy --from SRC --to DST [--tables T1,T2] [--quiet] [--format table|csv|json]\n"
    "  SRC, DST: a database file or postgresql://...; DST must hold no rows (a new file or database).\n"
    "  Copies every data table (or those named) in one transaction and checks each table's rows\n"
    "  and checksum on both sides; see docs/store.md";

typedef struct {
    const char *from, *to, *tables, *fmt;
    int quiet;
} args;

static int parse_args(int argc, char **argv, args *a)
{
    for (int i = 1; i < argc; i++) {
        int missing = 0;
        const char *v;
        if (strcmp(argv[i], "--quiet") == 0)
            a->quiet = 1;
        else if ((v = hss_cli_opt(argc, argv, &i, "--from", &missing)))
            a->from = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--to", &missing)))
            a->to = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--tables", &missing)))
            a->tables = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--format", &missing)))
            a->fmt = v;
        else
            return -1;
    }
    return a->from && a->to ? 0 : -1;
}

/* "a,b" -> {"a","b"}: pointers into the malloc'd copy *buf. */
static size_t split_tables(const char *list, char **buf, const char ***out)
{
    *buf = hss_xstrdup(list);
    size_t n = 0, cap = 8;
    *out = hss_xcalloc(cap, sizeof **out);
    for (char *save = NULL, *t = strtok_r(*buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (n == cap)
            *out = hss_xrealloc(*out, (cap *= 2) * sizeof **out);
        (*out)[n++] = t;
    }
    return n;
}

static void show_progress(void *ctx, const char *table, long long rows, int done)
{
    (void)ctx;
    if (done)
        fprintf(stderr, "copied  %-28s %10lld rows\n", table, rows);
    else if (rows > 0)
        fprintf(stderr, "copying %-28s %10lld rows so far\n", table, rows);
}

static void print_result(const hss_store_copy_result *r, hss_format fmt)
{
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "table", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "rows", NULL, HSS_COL_INT);
    hss_table_add_col(t, "rows_copied", NULL, HSS_COL_INT);
    hss_table_add_col(t, "checksum", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "checksum_copied", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "ok", NULL, HSS_COL_TEXT);
    for (size_t i = 0; i < r->n; i++) {
        const hss_store_copy_table *c = &r->tables[i];
        hss_table_add_row(t);
        hss_table_set_text(t, 0, c->name);
        hss_table_set_int(t, 1, c->rows_src);
        hss_table_set_int(t, 2, c->rows_dst);
        hss_table_set_text(t, 3, c->sum_src);
        hss_table_set_text(t, 4, c->sum_dst);
        hss_table_set_text(t, 5, c->ok ? "OK" : "DIFFERS");
    }
    hss_table_write(t, fmt, stdout);
    hss_table_free(t);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_copy(const args *a, hss_format fmt, const hss_store_copy_options *o)
{
    hss_error err;
    hss_error_clear(&err);
    hss_store *src = hss_store_open_existing(a->from, &err);
    if (!src)
        return hss_cli_fail(&err);
    hss_store *dst = hss_cli_open_db(a->to, 1);
    if (!dst) {
        hss_store_close(src);
        return 1;
    }
    /* The copied audit table already holds rows: the command's own row is written regardless. */
    hss_store_set_commit_hook(dst, hss_cli_audit_always, NULL);
    double t0 = now_s();
    hss_store_copy_result res;
    hss_code rc = hss_store_copy(src, dst, o, &res, &err);
    double secs = now_s() - t0;
    if (res.tables && res.tables[0].sum_dst[0])
        print_result(&res, fmt);
    if (rc == HSS_OK && fmt == HSS_FORMAT_TABLE)
        printf("copied %zu tables, %lld rows, from %s to %s in %.1f s; every table checked\n", res.n, res.rows,
               a->from, a->to, secs);
    hss_store_copy_result_free(&res);
    hss_store_close(dst);
    hss_store_close(src);
    return rc ? hss_cli_fail(&err) : 0;
}

int hss_cmd_copy(int argc, char **argv)
{
    if (hss_cli_help(argc, argv, USAGE))
        return 0;
    args a = {0};
    if (parse_args(argc, argv, &a))
        return hss_cli_usage(USAGE);
    hss_format fmt = HSS_FORMAT_TABLE;
    if (a.fmt && hss_cli_format(a.fmt, &fmt))
        return 2;
    char *buf = NULL;
    const char **names = NULL;
    hss_store_copy_options o = {.progress = a.quiet ? NULL : show_progress};
    if (a.tables)
        o.ntables = split_tables(a.tables, &buf, &names);
    o.tables = names;
    int rc = run_copy(&a, fmt, &o);
    free(names);
    free(buf);
    return rc;
}
