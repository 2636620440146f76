/*
 * mtest.h: helpers shared by the metrics tests: a fresh database holding the hand-built
 * region of tests/data/metrics/region.sql, and CSV files written into the test directory.
 */
#ifndef HSS_MTEST_H
#define HSS_MTEST_H

#include "testutil.h"
#include "metrics/metrics.h"

/* Creates dir/name.db with the test region; returns the open store, *path its path. */
static inline hss_store *mtest_region(const char *dir, const char *name, char **path)
{
    char p[700];
    snprintf(p, sizeof p, "%s/%s.db", dir, name);
    hss_error err;
    hss_error_clear(&err);
    hss_store *st = hss_store_open(p, &err);
    assert_non_null(st);
    char *sql = hss_read_file("tests/data/metrics/region.sql", NULL, &err);
    assert_non_null(sql);
    assert_int_equal(hss_store_exec(st, sql, &err), HSS_OK);
    free(sql);
    if (path)
        *path = hss_xstrdup(p);
    return st;
}

/* Value of an indicator, asserting that it exists. */
static inline double mtest_value(hss_store *st, const char *ind, const char *area,
                                 const char *period, double *num, double *den)
{
    hss_error err;
    hss_error_clear(&err);
    double v = -1;
    hss_code rc = hss_metrics_value(st, ind, area, period, &v, num, den, &err);
    if (rc != HSS_OK)
        fail_msg("%s %s %s: %s", ind, area, period, err.msg);
    return v;
}

#define assert_near(a, b) assert_true(fabs((a) - (b)) < 1e-6)

#endif
