/*
 * line_fixture.h: the straight-road region that the coverage and rounds API tests share, built
 * through the real importers (hss_region_import_mem for areas and facilities, hss_access_import
 * for a CSV edge list) so that every figure can be worked out on paper:
 *
 *   a straight road of 20 edges, each 1000 m, nodes k = 0..20 at longitude 119.0 + k * 0.01;
 *   a village at every node with k+1 hundred residents; nodes 0..9 in county 331102 (township
 *   331102001), nodes 10..20 in county 331121 (township 331121001); F0 township_health_center at
 *   node 0 (331102), F1 village_clinic at node 15 (331121), and a facility of the test's choosing
 *   at node 10 (331121).
 *
 * Each test chooses the road speed, which villages are urban and the facility at node 10. Also
 * the server both tests start on it: users admin (city 331100) and liandu (county 331102), both
 * logged in. A header, not a test_*.c, so that the test runner does not take it for a program.
 */
#ifndef HSS_LINE_FIXTURE_H
#define HSS_LINE_FIXTURE_H

#include "access/access.h"
#include "region/region.h"
#include "server_harness.h"

typedef struct line_region {
    int speed_kmh;      /* on every edge */
    int urban_below;    /* villages k < this (and county 331102 with its township) are urban; 0: none */
    const char *node10; /* the facilities.csv row of the facility at node 10 */
} line_region;

static inline double line_lon(int k)
{
    return 119.0 + k * 0.01;
}

static inline void line_import_areas(hss_store *st, const line_region *r)
{
    const char *south = r->urban_below > 0 ? "urban" : "rural";
    hss_buf a;
    hss_buf_init(&a);
    hss_buf_printf(&a, "code,parent_code,level,name,kind,population,lon,lat\n"
                       "330000,,province,浙江省,rural,,,\n"
                       "331100,330000,city,丽水市,rural,,119.1,28.0\n"
                       "331102,331100,county,莲都区,%s,,119.0,28.0\n"
                       "331121,331100,county,青田县,rural,,119.1,28.0\n"
                       "331102001,331102,township,紫金街道,%s,,119.0,28.0\n"
                       "331121001,331121,township,鹤城街道,rural,,119.1,28.0\n",
                   south, south);
    for (int k = 0; k <= 20; k++)
        hss_buf_printf(&a, "%s%03d,%s,village,村%d,%s,%d,%.4f,28.0\n", k < 10 ? "331102001" : "331121001", k + 1,
                       k < 10 ? "331102001" : "331121001", k, k < r->urban_below ? "urban" : "rural",
                       100 * (k + 1), line_lon(k));
    hss_error err;
    if (hss_region_import_mem(st, HSS_KIND_AREAS, "areas.csv", a.data, a.len, 0, NULL, &err))
        fail_msg("%s", err.msg);
    hss_buf_free(&a);
}

static inline void line_import_facilities(hss_store *st, const line_region *r)
{
    hss_buf f;
    hss_buf_init(&f);
    hss_buf_puts(&f, "code,name,type,grade,ownership,area_code,lon,lat,beds_approved,beds_open,beds_infectious,"
                     "medcom_code,medcom_lead,central,sub_centre,services\n"
                     "F0,紫金卫生院,township_health_center,1,government,331102001,119.0,28.0,,,,,0,0,0,\n"
                     "F1,十五村卫生室,village_clinic,none,collective,331121001016,119.15,28.0,,,,,0,0,0,\n");
    hss_buf_puts(&f, r->node10);
    hss_error err;
    if (hss_region_import_mem(st, HSS_KIND_FACILITIES, "facilities.csv", f.data, f.len, 0, NULL, &err))
        fail_msg("%s", err.msg);
    hss_buf_free(&f);
}

static inline void line_import_roads(hss_store *st, const char *dir, const line_region *r)
{
    hss_buf e;
    hss_buf_init(&e);
    hss_buf_puts(&e, "u,v,u_lon,u_lat,v_lon,v_lat,length_m,speed_kmh,oneway\n");
    for (int k = 0; k < 20; k++)
        hss_buf_printf(&e, "%d,%d,%.4f,28.0,%.4f,28.0,1000,%d,0\n", k, k + 1, line_lon(k), line_lon(k + 1),
                       r->speed_kmh);
    char *edges = hss_test_write(dir, "line.csv", e.data);
    hss_buf_free(&e);
    hss_roads_stats rs;
    hss_error err;
    if (hss_access_import(st, edges, NULL, NULL, &rs, &err))
        fail_msg("%s", err.msg);
    assert_int_equal(rs.snap_flagged, 0);
    free(edges);
}

/* Builds the region into the store at `db`, writing the edge list under `dir`. */
static inline void line_region_build(const char *dir, const char *db, const line_region *r)
{
    hss_error err;
    hss_store *st = hss_store_open(db, &err);
    assert_non_null(st);
    line_import_areas(st, r);
    line_import_facilities(st, r);
    line_import_roads(st, dir, r);
    hss_store_close(st);
}

/* Adds admin and liandu to `db`, starts `hss serve` on it (with `extra` arguments) and logs
 * both in. */
static inline test_server line_server_start(const char *db, const char *const *extra, session *admin,
                                            session *liandu)
{
    const server_user users[] = {{"admin", "admin", "331100", "admin-pass-1", admin},
                                 {"liandu", "county", "331102", "liandu-pass-1", liandu}};
    return start_server_users(db, extra, users, 2);
}

#endif
