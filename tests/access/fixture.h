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
    sqlite3_stmt *s = hss_store_prepare(st,
        "INSERT INTO area(code,parent_code,level,name,kind,population,lon,lat) VALUES(?,?,?,?,?,?,?,?)", NULL);
    assert_non_null(s);
    sqlite3_bind_text(s, 1, code, -1, SQLITE_TRANSIENT);
    if (parent)
        sqlite3_bind_text(s, 2, parent, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, 2);
    sqlite3_bind_text(s, 3, level, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, kind, -1, SQLITE_TRANSIENT);
    if (pop >= 0)
        sqlite3_bind_int64(s, 6, pop);
    else
        sqlite3_bind_null(s, 6);
    if (isnan(lon)) {
        sqlite3_bind_null(s, 7);
        sqlite3_bind_null(s, 8);
    } else {
        sqlite3_bind_double(s, 7, lon);
        sqlite3_bind_double(s, 8, lat);
    }
    assert_int_equal(sqlite3_step(s), SQLITE_DONE);
    sqlite3_finalize(s);
}

static inline void fx_facility(hss_store *st, const char *code, const char *type, const char *area,
                               double lon, double lat, int lead, int sub)
{
    sqlite3_stmt *s = hss_store_prepare(st,
        "INSERT INTO facility(code,name,type,ownership,area_code,lon,lat,medcom_lead,sub_centre)"
        " VALUES(?,?,?,'government',?,?,?,?,?)", NULL);
    assert_non_null(s);
    sqlite3_bind_text(s, 1, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, type, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, area, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(s, 5, lon);
    sqlite3_bind_double(s, 6, lat);
    sqlite3_bind_int(s, 7, lead);
    sqlite3_bind_int(s, 8, sub);
    assert_int_equal(sqlite3_step(s), SQLITE_DONE);
    sqlite3_finalize(s);
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
