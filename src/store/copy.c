/*
 * copy.c: moving a region from one store to another (`hss copy`), of either backend, through
 * the store interface alone. Every data table is copied in creation order (a table after the
 * tables it refers to) with the bulk loader, in one transaction on the destination, and then
 * checked: the rows are read back from the destination in primary-key order and hashed in a
 * canonical text form, and the count and checksum must equal the source's, taken the same way
 * while copying. Only then does the destination commit.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/store.h"

/* Progress is reported this often within a table. */
#define PROGRESS_ROWS 100000

/* ---- the checksum ----------------------------------------------------------------------------
 * 64-bit FNV-1a over each value's canonical form: a type letter, then integers as %lld, reals
 * as %.17g (enough digits that equal text means the same double), text as is, blobs as hex,
 * NULL as the letter alone. Text and blobs carry their length, so that no value can run into
 * the next; a row ends with a separator byte. The same stored rows give the same checksum on
 * SQLite and PostgreSQL. */
typedef struct row_sum {
    uint64_t h;
    long long rows;
} row_sum;

static void sum_bytes(row_sum *s, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        s->h ^= b[i];
        s->h *= 1099511628211ull;
    }
}

static void sum_value(row_sum *s, hss_stmt *q, int c)
{
    char num[64];
    int type = hss_store_col_type(q, c);
    switch (type) {
    case HSS_SQL_INT:
        snprintf(num, sizeof num, "I%lld", hss_store_col_int64(q, c));
        sum_bytes(s, num, strlen(num));
        break;
    case HSS_SQL_FLOAT:
        snprintf(num, sizeof num, "R%.17g", hss_store_col_double(q, c));
        sum_bytes(s, num, strlen(num));
        break;
    case HSS_SQL_TEXT: {
        const char *t = hss_store_col_text(q, c);
        size_t n = (size_t)hss_store_col_bytes(q, c);
        snprintf(num, sizeof num, "T%zu:", n);
        sum_bytes(s, num, strlen(num));
        sum_bytes(s, t, n);
        break;
    }
    case HSS_SQL_BLOB: {
        const unsigned char *b = hss_store_col_blob(q, c);
        size_t n = (size_t)hss_store_col_bytes(q, c);
        snprintf(num, sizeof num, "B%zu:", n);
        sum_bytes(s, num, strlen(num));
        static const char HEX[] = "0123456789abcdef";
        for (size_t i = 0; i < n; i++) {
            char hex[2] = {HEX[b[i] >> 4], HEX[b[i] & 15]};
            sum_bytes(s, hex, 2);
        }
        break;
    }
    default:
        sum_bytes(s, "N", 1);
    }
}

static void sum_row(row_sum *s, hss_stmt *q, int ncols)
{
    for (int c = 0; c < ncols; c++)
        sum_value(s, q, c);
    sum_bytes(s, "\x1e", 1);
    s->rows++;
}

static void sum_hex(const row_sum *s, char out[17]) { snprintf(out, 17, "%016llx", (unsigned long long)s->h); }

/* ---- reading a table in key order ----------------------------------------------------------- */

/* A table's columns in order. They are read from a query that returns no rows, after it has
 * run: a PostgreSQL statement knows its columns only then. */
typedef struct table_cols {
    char **names;
    size_t n;
} table_cols;

static hss_code cols_of(hss_store *st, const char *table, table_cols *tc, hss_error *err)
{
    char sql[320];
    snprintf(sql, sizeof sql, "SELECT * FROM %s LIMIT 0", table);
    tc->names = NULL;
    tc->n = 0;
    hss_stmt *q = hss_store_prepare(st, sql, err);
    if (!q)
        return HSS_EDB;
    if (hss_store_step(q) != HSS_DONE) {
        hss_store_finalize(q);
        return hss_store_error(st, err, table);
    }
    tc->n = (size_t)hss_store_col_count(q);
    tc->names = hss_xcalloc(tc->n ? tc->n : 1, sizeof *tc->names);
    for (size_t c = 0; c < tc->n; c++)
        tc->names[c] = hss_xstrdup(hss_store_col_name(q, (int)c));
    hss_store_finalize(q);
    return tc->n ? HSS_OK : hss_fail(err, HSS_EDB, "%s: no columns", table);
}

/* The position (from 1) of column `name`, 0 when absent. */
static int col_position(const table_cols *tc, const char *name)
{
    for (size_t c = 0; c < tc->n; c++)
        if (strcasecmp(tc->names[c], name) == 0)
            return (int)c + 1;
    return 0;
}

/* "ORDER BY" the primary key's columns, or every column when the table has no key. Positions,
 * not names, so that no name needs quoting; NULLS FIRST, because the two databases differ. */
static void order_by(hss_store *st, const char *table, const table_cols *tc, hss_buf *sql)
{
    size_t nk = 0;
    char **key = hss_store_primary_key(st, table, &nk, NULL);
    int pos[64], n = 0;
    for (size_t k = 0; k < nk && n >= 0; k++) {
        int p = col_position(tc, key[k]);
        if (p == 0 || n == (int)(sizeof pos / sizeof *pos))
            n = -1; /* a key we cannot name by position: order by everything */
        else
            pos[n++] = p;
    }
    hss_store_names_free(key, nk);
    hss_buf_puts(sql, " ORDER BY ");
    if (n <= 0)
        for (size_t c = 0; c < tc->n; c++)
            hss_buf_printf(sql, "%s%zu NULLS FIRST", c ? "," : "", c + 1);
    else
        for (int i = 0; i < n; i++)
            hss_buf_printf(sql, "%s%d NULLS FIRST", i ? "," : "", pos[i]);
}

/* A statement reading every row of `table` in key order, its columns as in tc. */
static hss_stmt *read_sorted(hss_store *st, const char *table, const table_cols *tc, hss_error *err)
{
    hss_buf sql;
    hss_buf_init(&sql);
    hss_buf_printf(&sql, "SELECT * FROM %s", table);
    order_by(st, table, tc, &sql);
    hss_stmt *q = hss_store_prepare(st, sql.data, err);
    hss_buf_free(&sql);
    return q;
}

/* Counts and hashes a table as it is stored. */
static hss_code table_sum(hss_store *st, const char *table, row_sum *s, hss_error *err)
{
    table_cols tc;
    hss_code rc = cols_of(st, table, &tc, err);
    hss_stmt *q = rc ? NULL : read_sorted(st, table, &tc, err);
    if (q) {
        int r;
        while ((r = hss_store_step(q)) == HSS_ROW)
            sum_row(s, q, (int)tc.n);
        hss_store_finalize(q);
        rc = r == HSS_DONE ? HSS_OK : hss_store_error(st, err, table);
    } else {
        rc = HSS_EDB;
    }
    hss_store_names_free(tc.names, tc.n);
    return rc;
}

/* ---- copying ------------------------------------------------------------------------------- */

static void load_value(hss_store_loader *ld, hss_stmt *q, int c)
{
    switch (hss_store_col_type(q, c)) {
    case HSS_SQL_INT:
        hss_store_load_int(ld, c, hss_store_col_int64(q, c));
        break;
    case HSS_SQL_FLOAT:
        hss_store_load_double(ld, c, hss_store_col_double(q, c));
        break;
    case HSS_SQL_TEXT: {
        const char *t = hss_store_col_text(q, c); /* before the length: SQLite's order */
        hss_store_load_textn(ld, c, t, (size_t)hss_store_col_bytes(q, c));
        break;
    }
    case HSS_SQL_BLOB: {
        const void *b = hss_store_col_blob(q, c);
        hss_store_load_blob(ld, c, b, (size_t)hss_store_col_bytes(q, c));
        break;
    }
    default:
        hss_store_load_null(ld, c);
    }
}

static void progress(const hss_store_copy_options *o, const char *table, long long rows, int done)
{
    if (o && o->progress)
        o->progress(o->ctx, table, rows, done);
}

/* Streams the rows from the source read into the loader, hashing each as it goes. */
static hss_code stream_rows(hss_stmt *q, int n, hss_store_loader *ld, const hss_store_copy_options *o,
                            const char *table, row_sum *s, hss_error *err)
{
    int rc;
    while ((rc = hss_store_step(q)) == HSS_ROW) {
        sum_row(s, q, n);
        for (int c = 0; c < n; c++)
            load_value(ld, q, c);
        if (hss_store_load_next(ld, err))
            return HSS_EDB;
        if (s->rows % PROGRESS_ROWS == 0)
            progress(o, table, s->rows, 0);
    }
    return rc == HSS_DONE ? HSS_OK : hss_store_error(hss_store_of(q), err, table);
}

/* Copies one table. The destination held no rows when the copy began, so whatever the table
 * holds now was put there by triggers on the tables copied before it (care_figures_dirty):
 * it goes, and the source's rows, which are the truth, come in. */
static hss_code copy_table(hss_store *src, hss_store *dst, const char *table, const hss_store_copy_options *o,
                           row_sum *s, hss_error *err)
{
    char sql[320];
    snprintf(sql, sizeof sql, "DELETE FROM %s", table);
    if (hss_store_exec(dst, sql, err))
        return HSS_EDB;
    table_cols tc;
    if (cols_of(src, table, &tc, err))
        return HSS_EDB;
    hss_stmt *q = read_sorted(src, table, &tc, err);
    progress(o, table, 0, 0);
    hss_store_loader *ld = q ? hss_store_load_begin(dst, table, (const char *const *)tc.names, (int)tc.n, err) : NULL;
    hss_code rc = ld ? stream_rows(q, (int)tc.n, ld, o, table, s, err) : HSS_EDB;
    if (ld && rc)
        hss_store_load_abort(ld);
    else if (ld)
        rc = hss_store_load_end(ld, err);
    hss_store_names_free(tc.names, tc.n);
    hss_store_finalize(q);
    if (rc == HSS_OK)
        progress(o, table, s->rows, 1);
    return rc;
}

/* ---- which tables, and is the destination empty ------------------------------------------- */

static int listed(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

/* The tables to copy, in the source's creation order; each must exist on both sides. */
static hss_code choose_tables(hss_store *src, hss_store *dst, const hss_store_copy_options *o,
                              hss_store_copy_result *res, hss_error *err)
{
    size_t ns = 0, nd = 0;
    char **s = hss_store_tables(src, &ns, err), **d = s ? hss_store_tables(dst, &nd, err) : NULL;
    hss_code rc = s && d ? HSS_OK : HSS_EDB;
    for (size_t i = 0; rc == HSS_OK && o && i < o->ntables; i++)
        if (!listed((const char *const *)s, ns, o->tables[i]))
            rc = hss_fail(err, HSS_ENOTFOUND, "%s: no table '%s'", hss_store_path(src), o->tables[i]);
    res->tables = hss_xcalloc(ns ? ns : 1, sizeof *res->tables);
    for (size_t i = 0; rc == HSS_OK && i < ns; i++) {
        if (o && o->ntables && !listed(o->tables, o->ntables, s[i]))
            continue;
        if (!listed((const char *const *)d, nd, s[i]))
            rc = hss_fail(err, HSS_EDB, "%s: no table '%s' (is this hss older than the source's?)", hss_store_path(dst), s[i]);
        else
            res->tables[res->n++].name = hss_xstrdup(s[i]);
    }
    hss_store_names_free(s, ns);
    hss_store_names_free(d, nd);
    return rc;
}

/* Refuses a destination that holds rows in any data table: a copy adds to nothing. */
static hss_code check_empty(hss_store *dst, hss_error *err)
{
    size_t n = 0;
    char **names = hss_store_tables(dst, &n, err);
    if (!names)
        return HSS_EDB;
    hss_code rc = HSS_OK;
    for (size_t i = 0; rc == HSS_OK && i < n; i++) {
        char sql[320];
        snprintf(sql, sizeof sql, "SELECT 1 FROM %s LIMIT 1", names[i]);
        hss_stmt *q = hss_store_prepare(dst, sql, err);
        if (!q) {
            rc = HSS_EDB;
            break;
        }
        if (hss_store_step(q) == HSS_ROW)
            rc = hss_fail(err, HSS_ECONFLICT, "%s is not empty: table %s holds rows; copy into a new database",
                          hss_store_path(dst), names[i]);
        hss_store_finalize(q);
    }
    hss_store_names_free(names, n);
    return rc;
}

/* Two SQLite paths naming one file would wait on each other's write lock. */
static hss_code check_distinct(hss_store *src, hss_store *dst, hss_error *err)
{
    char a[PATH_MAX], b[PATH_MAX];
    if (hss_store_is_pg(src) || hss_store_is_pg(dst) || !realpath(hss_store_path(src), a) ||
        !realpath(hss_store_path(dst), b) || strcmp(a, b) != 0)
        return HSS_OK;
    return hss_fail(err, HSS_EINVAL, "%s: the source and the destination are the same database", hss_store_path(src));
}

/* ---- the whole copy ------------------------------------------------------------------------ */

static hss_code copy_all(hss_store *src, hss_store *dst, const hss_store_copy_options *o, hss_store_copy_result *res,
                         hss_error *err)
{
    if (check_empty(dst, err) || hss_store_defer_fk(dst, err))
        return HSS_EDB;
    for (size_t i = 0; i < res->n; i++) {
        hss_store_copy_table *t = &res->tables[i];
        row_sum s = {.h = 14695981039346656037ull};
        if (copy_table(src, dst, t->name, o, &s, err))
            return HSS_EDB;
        t->rows_src = s.rows;
        sum_hex(&s, t->sum_src);
        res->rows += s.rows;
    }
    hss_code rc = HSS_OK;
    for (size_t i = 0; i < res->n; i++) {
        hss_store_copy_table *t = &res->tables[i];
        row_sum s = {.h = 14695981039346656037ull};
        if (table_sum(dst, t->name, &s, err))
            return HSS_EDB;
        t->rows_dst = s.rows;
        sum_hex(&s, t->sum_dst);
        t->ok = t->rows_dst == t->rows_src && strcmp(t->sum_dst, t->sum_src) == 0;
        if (!t->ok && rc == HSS_OK)
            rc = hss_fail(err, HSS_EDB, "%s: the copy differs from the source (%lld rows, checksum %s; source %lld rows, %s)",
                          t->name, t->rows_dst, t->sum_dst, t->rows_src, t->sum_src);
    }
    return rc;
}

hss_code hss_store_copy(hss_store *src, hss_store *dst, const hss_store_copy_options *o, hss_store_copy_result *res,
                        hss_error *err)
{
    memset(res, 0, sizeof *res);
    hss_code rc = check_distinct(src, dst, err);
    if (rc == HSS_OK)
        rc = choose_tables(src, dst, o, res, err);
    if (rc)
        return rc;
    /* The source stays in one transaction, so that every table is copied as of one moment. */
    if (hss_store_begin(src, err))
        return HSS_EDB;
    if (hss_store_begin(dst, err)) {
        hss_store_rollback(src);
        return HSS_EDB;
    }
    rc = copy_all(src, dst, o, res, err);
    hss_store_rollback(src);
    if (rc) {
        hss_store_rollback(dst);
        return rc;
    }
    /* Foreign keys are checked here: with --tables, rows may refer to tables left out. */
    hss_error local;
    hss_error_clear(&local);
    if (hss_store_commit(dst, &local))
        return hss_fail(err, local.code, "%s: the copy could not commit: %s%s", hss_store_path(dst), local.msg,
                        o && o->ntables ? " (do the tables named refer to tables not named?)" : "");
    return HSS_OK;
}

void hss_store_copy_result_free(hss_store_copy_result *res)
{
    for (size_t i = 0; i < res->n; i++)
        free(res->tables[i].name);
    free(res->tables);
    memset(res, 0, sizeof *res);
}
