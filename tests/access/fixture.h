/*
 * fixture.h: shared helpers for the access tests: a region database with areas and
 * facilities written straight into the tables (the region importer is another module),
 * and small file helpers.
 */
#ifndef HSS_TEST_ACCESS_FIXTURE_H
#define HSS_TEST_ACCESS_FIXTURE_H

#include <math.h>

#include "access/access_int.h"
#include "testutil.h"

static inline hss_store *fx_open(const char *dir, const char *name)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    hss_error err;
    hss_store *st = hss_store_open(path, &err);
    assert_non_null(st);
    return st;
}

static inline void fx_area(hss_store *st, const char *code, const char *parent, const char *level,
                           const char *kind, long long pop, double lon, double lat)
{
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO area(code,parent_code,level,name,kind,population,lon,lat) VALUES(?,?,?,?,?,?,?,?)", NULL);
    assert_non_null(s);
    hss_store_bind_copy(s, 1, code);
    if (parent)
        hss_store_bind_copy(s, 2, parent);
    else
        hss_store_bind_null(s, 2);
    hss_store_bind_copy(s, 3, level);
    hss_store_bind_copy(s, 4, code);
    hss_store_bind_copy(s, 5, kind);
    if (pop >= 0)
        hss_store_bind_int64(s, 6, pop);
    else
        hss_store_bind_null(s, 6);
    if (isnan(lon)) {
        hss_store_bind_null(s, 7);
        hss_store_bind_null(s, 8);
    } else {
        hss_store_bind_double(s, 7, lon);
        hss_store_bind_double(s, 8, lat);
    }
    assert_int_equal(hss_store_step(s), HSS_DONE);
    hss_store_finalize(s);
}

static inline void fx_facility(hss_store *st, const char *code, const char *type, const char *area,
                               double lon, double lat, int lead, int sub)
{
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO facility(code,name,type,ownership,area_code,lon,lat,medcom_lead,sub_centre)"
        " VALUES(?,?,?,'government',?,?,?,?,?)", NULL);
    assert_non_null(s);
    hss_store_bind_copy(s, 1, code);
    hss_store_bind_copy(s, 2, code);
    hss_store_bind_copy(s, 3, type);
    hss_store_bind_copy(s, 4, area);
    hss_store_bind_double(s, 5, lon);
    hss_store_bind_double(s, 6, lat);
    hss_store_bind_int(s, 7, lead);
    hss_store_bind_int(s, 8, sub);
    assert_int_equal(hss_store_step(s), HSS_DONE);
    hss_store_finalize(s);
}

/* Bumps the data version as a region import would (so snaps are recomputed). */
static inline void fx_changed(hss_store *st)
{
    assert_int_equal(hss_store_bump_version(st, NULL), HSS_OK);
}

/* The source tree's test data folder (tests are run from the repository root). */
static inline const char *fx_data(const char *name)
{
    static char path[600];
    snprintf(path, sizeof path, "tests/data/access/%s", name);
    return path;
}

#endif
