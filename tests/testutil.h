/*
 * testutil.h: shared helpers for the cmocka tests. Each test program includes this after
 * cmocka's required headers.
 */
#ifndef HSS_TESTUTIL_H
#define HSS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <math.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "base/base.h"
#include "store/store.h"

/* A fresh temporary directory per test program, removed by the runner's TMPDIR cleanup. */
static inline char *hss_test_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/hss-test-XXXXXX", base ? base : "/tmp");
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return hss_xstrdup(d);
}

/* Writes `content` to dir/name and returns the malloc'd path. */
static inline char *hss_test_write(const char *dir, const char *name, const char *content)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
    return hss_xstrdup(path);
}

/* Runs a shell command and returns its exit status, capturing stdout+stderr into *out. */
static inline int hss_test_run(const char *cmd, char **out)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    hss_buf b;
    hss_buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        hss_buf_append(&b, chunk, n);
    int st = pclose(p);
    if (out)
        *out = hss_buf_steal(&b);
    else
        hss_buf_free(&b);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The hss binary under test (set by tests/run.sh). */
static inline const char *hss_test_bin(void)
{
    const char *b = getenv("HSS_BIN");
    return b ? b : "build/hss";
}

/* A single integer from a query, for assertions on stored data. */
static inline long long hss_test_query_int(hss_store *st, const char *sql)
{
    hss_stmt *s = hss_store_prepare(st, sql, NULL);
    assert_non_null(s);
    assert_int_equal(hss_store_step(s), HSS_ROW);
    long long v = hss_store_col_int64(s, 0);
    hss_store_finalize(s);
    return v;
}

/* One integer from the database file db (opened for the query and closed again). */
static inline long long db_query_int(const char *db, const char *sql)
{
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    assert_non_null(st);
    long long v = hss_test_query_int(st, sql);
    hss_store_close(st);
    return v;
}

/* Runs the SQL file (a test region, say) into the open store. */
static inline void hss_test_load_sql(hss_store *st, const char *sql_file)
{
    hss_error err;
    char *sql = hss_read_file(sql_file, NULL, &err);
    assert_non_null(sql);
    assert_int_equal(hss_store_exec(st, sql, &err), HSS_OK);
    free(sql);
}

/* Creates the store dir/name, loads sql_file into it when given, and returns its malloc'd path. */
static inline char *hss_test_new_db(const char *dir, const char *name, const char *sql_file)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    hss_error err;
    hss_store *st = hss_store_open(path, &err);
    assert_non_null(st);
    if (sql_file)
        hss_test_load_sql(st, sql_file);
    hss_store_close(st);
    return hss_xstrdup(path);
}

#endif
