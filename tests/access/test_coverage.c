/*
 * test_coverage.c: snapping and the coverage arithmetic by hand. A straight road of 20 edges,
 * each 1 km at 60 km/h (one minute), with villages at its nodes and two off the road, so that
 * every figure (covered residents by county, EMS mean and 90th percentile, residents within
 * the EMS radius, the sub-centre's road distance) can be worked out on paper. Also: no road
 * network, unknown types, unreachable facilities, and the CLI's JSON, CSV and GeoJSON.
 */
#include <cjson/cJSON.h>

#include "fixture.h"

#define LAT 28.0
static double node_lon(int k)
{
    return 119.0 + k * 0.01;
}

static char *build(const char *dir, const char *name)
{
    char path[700];
    snprintf(path, sizeof path, "%s/line.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "u,v,u_lon,u_lat,v_lon,v_lat,length_m,speed_kmh,oneway\n");
    for (int k = 0; k < 20; k++)
        fprintf(f, "%d,%d,%.4f,%.4f,%.4f,%.4f,1000,60,0\n", k, k + 1, node_lon(k), LAT, node_lon(k + 1), LAT);
    fclose(f);
    hss_store *st = fx_open(dir, name);
    fx_area(st, "330000", NULL, "province", "rural", -1, NAN, NAN);
    fx_area(st, "331100", "330000", "city", "rural", -1, NAN, NAN);
    fx_area(st, "331102", "331100", "county", "urban", -1, NAN, NAN);
    fx_area(st, "331121", "331100", "county", "rural", -1, NAN, NAN);
    fx_area(st, "331102001", "331102", "township", "urban", -1, node_lon(0), LAT);
    fx_area(st, "331121001", "331121", "township", "rural", -1, node_lon(10), LAT);
    char code[40];
    for (int k = 0; k <= 20; k++) {
        if (k < 10)
            snprintf(code, sizeof code, "331102001%03d", k + 1);
        else
            snprintf(code, sizeof code, "331121001%03d", k + 1);
        fx_area(st, code, k < 10 ? "331102001" : "331121001", "village", k < 5 ? "urban" : "rural", 100 * (k + 1),
                node_lon(k), LAT);
    }
    /* a quarter of the way from node 2 to node 3, 500 m north of the road */
    fx_area(st, "331102001011", "331102001", "village", "rural", 1000, 119.0225, LAT + 0.0045);
    /* 5.5 km from any road */
    fx_area(st, "331102001012", "331102001", "village", "rural", 500, 119.05, LAT + 0.05);
    fx_facility(st, "F0", "township_health_center", "331102001", node_lon(0), LAT, 0, 0);
    fx_facility(st, "F1", "village_clinic", "331121001", node_lon(15), LAT, 0, 0);
    fx_facility(st, "E10", "ems_station", "331121001", node_lon(10), LAT, 0, 0);
    fx_facility(st, "H10", "general_hospital", "331121001", node_lon(10), LAT, 1, 0);
    fx_facility(st, "S20", "general_hospital", "331121001", node_lon(20), LAT, 0, 1);
    fx_facility(st, "S5", "general_hospital", "331102001", node_lon(5), LAT, 0, 1);
    fx_facility(st, "CDC", "cdc", "331102001", 119.5, 28.5, 0, 0); /* far from the road */
    fx_changed(st);
    hss_error err;
    hss_roads_stats s;
    assert_int_equal(hss_access_import(st, path, NULL, NULL, &s, &err), HSS_OK);
    /* 21 villages + 2 off-road + 2 townships + 7 facilities snapped; 2 flagged */
    assert_int_equal(s.snapped, 32);
    assert_int_equal(s.snap_flagged, 2);
    char *db = hss_xstrdup(hss_store_path(st));
    hss_store_close(st);
    return db;
}

static const char *TYPES = "township_health_center,village_clinic";

static void snapping_stores_distance_and_flags(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    char *db = build(dir, "snap.db");
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    assert_non_null(st);
    hss_stmt *s = hss_store_prepare(st, "SELECT edge_id, frac, distance_m, flagged FROM road_snap WHERE kind='area' AND code=?", NULL);
    hss_store_bind_text(s, 1, "331102001011");
    assert_int_equal(hss_store_step(s), HSS_ROW);
    assert_int_equal(hss_store_col_int(s, 0), 2);                    /* edge 2-3 */
    assert_true(fabs(hss_store_col_double(s, 1) - 0.25) < 1e-3);      /* a quarter along */
    assert_true(fabs(hss_store_col_double(s, 2) - 500.4) < 1.0);      /* 0.0045 degrees north */
    assert_int_equal(hss_store_col_int(s, 3), 0);
    hss_store_reset(s);
    hss_store_bind_text(s, 1, "331102001012");
    assert_int_equal(hss_store_step(s), HSS_ROW);
    assert_true(hss_store_col_double(s, 2) > 5000);
    assert_int_equal(hss_store_col_int(s, 3), 1);                     /* flagged, not moved */
    hss_store_finalize(s);
    /* raising the threshold to 6 km un-flags it */
    assert_int_equal(hss_store_begin(st, &err), HSS_OK);
    hss_roads_stats rs;
    memset(&rs, 0, sizeof rs);
    assert_int_equal(hss_access_snap(st, 6000, &rs, &err), HSS_OK);
    assert_int_equal(hss_store_commit(st, &err), HSS_OK);
    assert_int_equal(rs.snap_flagged, 1); /* only the CDC, 60 km away */
    int64_t res, cov;
    assert_int_equal(hss_access_share_within(st, TYPES, 5.0, "331102", &res, &cov, &err), HSS_OK);
    assert_int_equal(res, 7000);
    /* nodes 0..5 (100..600) within 5 minutes of F0, the 1000 at 2.25 min, the far one at node 5 */
    assert_int_equal(cov, 2100 + 1000 + 500);
    hss_store_close(st);
    free(db);
    free(dir);
}

static void share_within_by_hand(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    char *db = build(dir, "share.db");
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    int64_t res, cov;
    /* county 331102: nodes 0..9 (5500) + 1000 + 500; covered within 2.5 min of F0: nodes 0,1,2
     * (600) and the off-road village at 2.25 min (1000); the flagged one is not covered */
    assert_int_equal(hss_access_share_within(st, TYPES, 2.5, "331102", &res, &cov, &err), HSS_OK);
    assert_int_equal(res, 7000);
    assert_int_equal(cov, 1600);
    /* county 331121: nodes 10..20 (17600); within 2.5 min of F1 (node 15): nodes 13..17 */
    assert_int_equal(hss_access_share_within(st, TYPES, 2.5, "331121", &res, &cov, &err), HSS_OK);
    assert_int_equal(res, 17600);
    assert_int_equal(cov, 1400 + 1500 + 1600 + 1700 + 1800);
    /* the whole region, walking at 5 km/h: 12 minutes per km, so only the facility nodes and
     * the villages within 2.5 min (208 m) -- nodes 0 and 15 */
    assert_int_equal(hss_access_share_within_mode(st, TYPES, 2.5, HSS_MODE_WALK, NULL, &res, &cov, &err), HSS_OK);
    assert_int_equal(res, 24600);
    assert_int_equal(cov, 100 + 1600);
    /* the circle: urban within 2.5 (nodes 0..2 = 600), rural within 5.5 (nodes 5 via F0 at 5
     * min, 10..20 via F1 within 5 min, the off-road one at 2.25 min) */
    assert_int_equal(hss_access_share_within_circle(st, TYPES, 2.5, 5.5, NULL, &res, &cov, &err), HSS_OK);
    assert_int_equal(res, 24600);
    assert_int_equal(cov, 600 + 600 + 17600 + 1000);
    /* only the CDC, flagged as off-road: nobody is covered */
    assert_int_equal(hss_access_share_within(st, "cdc", 600, NULL, &res, &cov, &err), HSS_OK);
    assert_int_equal(cov, 0);
    /* an unknown type and an unknown area */
    assert_int_equal(hss_access_share_within(st, "township_health_centre", 15, NULL, &res, &cov, &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "did you mean 'township_health_center'"));
    assert_int_equal(hss_access_share_within(st, TYPES, 15, "339999", &res, &cov, &err), HSS_ENOTFOUND);
    assert_non_null(strstr(err.msg, "339999"));
    hss_store_close(st);
    free(db);
    free(dir);
}

/* Repeated calls reuse the loaded network; a new network (new data version) is picked up. */
static void repeated_calls_see_changes(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    char *db = build(dir, "cache.db");
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    int64_t res, cov, cov2;
    assert_int_equal(hss_access_share_within(st, TYPES, 2.5, "331102", &res, &cov, &err), HSS_OK);
    assert_int_equal(hss_access_share_within(st, TYPES, 2.5, "331102", &res, &cov2, &err), HSS_OK);
    assert_int_equal(cov, 1600);
    assert_int_equal(cov2, 1600);
    /* the same road at half the speed: 2 minutes per km, so within 2.5 minutes of F0 only
     * node 0 (100), node 1 at 2 min (200) and the off-road village at 4.5 min is out */
    char path[700];
    snprintf(path, sizeof path, "%s/slow.csv", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "u,v,u_lon,u_lat,v_lon,v_lat,length_m,speed_kmh,oneway\n");
    for (int k = 0; k < 20; k++)
        fprintf(f, "%d,%d,%.4f,%.4f,%.4f,%.4f,1000,30,0\n", k, k + 1, node_lon(k), LAT, node_lon(k + 1), LAT);
    fclose(f);
    assert_int_equal(hss_access_import(st, path, NULL, NULL, NULL, &err), HSS_OK);
    assert_int_equal(hss_access_share_within(st, TYPES, 2.5, "331102", &res, &cov, &err), HSS_OK);
    assert_int_equal(cov, 300);
    hss_store_close(st);
    free(db);
    free(dir);
}

static void ems_response_by_hand(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    char *db = build(dir, "ems.db");
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    hss_ems_result r;
    hss_ems_opts o = {1.0, 2.0};
    assert_int_equal(hss_access_ems_response(st, NULL, &o, &r, &err), HSS_OK);
    assert_true(r.dispatch_min == 1.0 && r.turnout_min == 2.0);
    /* urban: nodes 0..4, travel 10..6 min from node 10, +3 => 13,12,11,10,9 weighted 100..500 */
    assert_int_equal(r.urban_residents, 1500);
    assert_true(fabs(r.urban_mean - 15500.0 / 1500.0) < 1e-9);
    assert_true(fabs(r.urban_p90 - 12.0) < 1e-9); /* cumulative from 9: 500,900,1200,1400 >= 1350 */
    /* rural: nodes 5..20 at |k-10| min, the village at 7.75 min, the flagged one unreached */
    double sum = 0, w = 0;
    for (int k = 5; k <= 20; k++) {
        sum += (3.0 + abs(k - 10)) * 100 * (k + 1);
        w += 100 * (k + 1);
    }
    sum += (3.0 + 7.75) * 1000;
    w += 1000;
    assert_int_equal(r.rural_residents, (int64_t)w + 500);
    assert_int_equal(r.unreached_rural, 500);
    assert_int_equal(r.unreached_urban, 0);
    assert_true(fabs(r.rural_mean - sum / w) < 1e-6);
    /* rural p90 by hand: 90 % of 22600 = 20340; cumulative weight by minutes 3:1100 4:3300
     * 5:5500 6:7700 7:9900 8:12100 9:13800 10:15600 10.75:16600 11:18500 12:20500 */
    assert_true(fabs(r.rural_p90 - 12.0) < 1e-9);
    /* the radius: urban 3.5 km -- no urban village is that close to node 10; rural 8 km:
     * nodes 5..18 and the village at 7.75 km */
    int64_t res, cov;
    assert_int_equal(hss_access_ems_radius_share(st, NULL, 3.5, 8.0, &res, &cov, &err), HSS_OK);
    assert_int_equal(res, 24600);
    int64_t want = 1000;
    for (int k = 5; k <= 18; k++)
        want += 100 * (k + 1);
    assert_int_equal(cov, want);
    hss_store_close(st);
    free(db);
    free(dir);
}

static void subcentre_distance(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    char *db = build(dir, "sub.db");
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    hss_table *t;
    assert_int_equal(hss_access_subcentre_distances(st, NULL, &t, &err), HSS_OK);
    assert_int_equal(hss_table_rows(t), 2);
    /* ordered by facility code: S20, then S5 */
    assert_string_equal(hss_table_cell(t, 0, 0), "S20");
    assert_string_equal(hss_table_cell(t, 0, 3), "H10");
    assert_string_equal(hss_table_cell(t, 0, 5), "10"); /* ten 1-km edges */
    assert_true(fabs(atof(hss_table_cell(t, 0, 6)) - 9.82) < 0.01);
    assert_string_equal(hss_table_cell(t, 1, 0), "S5");
    assert_true(hss_table_is_null(t, 1, 3)); /* county 331102 has no lead hospital */
    hss_table_free(t);
    hss_store_close(st);
    free(db);
    free(dir);
}

static void no_network_and_no_stations(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    hss_store *st = fx_open(dir, "empty.db");
    hss_error err;
    int64_t res = -1, cov = -1;
    assert_int_equal(hss_access_share_within(st, TYPES, 15, NULL, &res, &cov, &err), HSS_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no road network is stored"));
    hss_ems_result r;
    assert_int_equal(hss_access_ems_response(st, NULL, NULL, &r, &err), HSS_ENOTFOUND);
    hss_store_close(st);
    char cmd[2000], *out;
    snprintf(cmd, sizeof cmd, "%s access --db %s/empty.db --types village_clinic --minutes 15 2>&1", hss_test_bin(), dir);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "no road network is stored"));
    free(out);
    /* a network but no EMS station */
    char *db = build(dir, "nostation.db");
    st = hss_store_open_existing(db, &err);
    assert_int_equal(hss_store_exec(st, "DELETE FROM facility WHERE type='ems_station'", &err), HSS_OK);
    fx_changed(st);
    assert_int_equal(hss_access_ems_response(st, NULL, NULL, &r, &err), HSS_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no ems_station or ems_center"));
    hss_store_close(st);
    free(db);
    free(dir);
}

static void cli_formats(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    char *db = build(dir, "cli.db");
    char cmd[2000], *out;
    snprintf(cmd, sizeof cmd, "%s access --db %s --types %s --minutes 2.5 --format json", hss_test_bin(), db, TYPES);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    cJSON *j = cJSON_Parse(out);
    assert_non_null(j);
    assert_true(cJSON_IsArray(j));
    assert_int_equal(cJSON_GetArraySize(j), 3); /* two counties and the total */
    cJSON *a = cJSON_GetArrayItem(j, 0);
    assert_string_equal(cJSON_GetObjectItem(a, "area")->valuestring, "331102");
    assert_int_equal(cJSON_GetObjectItem(a, "residents")->valuedouble, 7000);
    assert_int_equal(cJSON_GetObjectItem(a, "covered")->valuedouble, 1600);
    assert_true(fabs(cJSON_GetObjectItem(a, "share")->valuedouble - 1600.0 / 7000.0) < 1e-4);
    cJSON_Delete(j);
    free(out);
    /* the urban/rural circle: urban 2.5, rural 5.5 (as hss_access_share_within_circle) */
    snprintf(cmd, sizeof cmd, "%s access --db %s --types %s --minutes 2.5 --rural-minutes 5.5 --format csv", hss_test_bin(), db, TYPES);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "\ntotal,合计 total,24600,19800,"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s access --db %s --types %s --minutes 2.5 --detail villages --format csv", hss_test_bin(), db, TYPES);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_int_equal(strncmp(out, "area_code,nearest_facility,minutes,", 35), 0);
    assert_non_null(strstr(out, "\n331102001003,F0,2,"));
    assert_non_null(strstr(out, "\n331102001011,F0,2.25,"));
    assert_non_null(strstr(out, "\n331102001012,,,")); /* flagged: no facility, no minutes */
    assert_non_null(strstr(out, "\n331121001017,F1,1,"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s access --db %s --types %s --minutes 2.5 --format geojson", hss_test_bin(), db, TYPES);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    j = cJSON_Parse(out);
    assert_non_null(j);
    cJSON *feats = cJSON_GetObjectItem(j, "features");
    assert_int_equal(cJSON_GetArraySize(feats), 23);
    int covered = 0;
    cJSON *ft;
    cJSON_ArrayForEach(ft, feats) covered += cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(ft, "properties"), "covered"));
    assert_int_equal(covered, 3 + 1 + 5);
    cJSON_Delete(j);
    free(out);
    snprintf(cmd, sizeof cmd, "%s roads flagged --db %s --format csv", hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "kind,code,name,mode,distance_m\narea,331102001012,331102001012,drive,5559.8\n"
                            "area,331102001012,331102001012,walk,5559.8\nfacility,CDC,CDC,drive,"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s roads info --db %s --format json", hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    j = cJSON_Parse(out);
    assert_non_null(j);
    cJSON *info = cJSON_GetArrayItem(j, 0);
    assert_int_equal(cJSON_GetObjectItem(info, "nodes")->valuedouble, 21);
    assert_int_equal(cJSON_GetObjectItem(info, "flagged")->valuedouble, 2);
    assert_true(fabs(cJSON_GetObjectItem(info, "km_csv")->valuedouble - 20) < 1e-9);
    cJSON_Delete(j);
    free(out);
    snprintf(cmd, sizeof cmd, "%s access ems --db %s --dispatch 1 --turnout 2", hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "dispatch + turnout + travel"));
    free(out);
    /* unreachable facilities: the CDC is 60 km from the road; no blood centre is stored */
    snprintf(cmd, sizeof cmd, "%s access --db %s --types cdc --minutes 15 2>&1", hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "none of the 1 facilities of type cdc can be reached: 1 are farther than 2000 m from any drivable road"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s access --db %s --types blood_center --minutes 15 --format geojson 2>&1", hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "no facility of type blood_center with a location is stored"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s access --db %s --types %s --minutes soon 2>&1", hss_test_bin(), db, TYPES);
    assert_int_equal(hss_test_run(cmd, &out), 2);
    assert_non_null(strstr(out, "--minutes must be a non-negative number, not 'soon'"));
    free(out);
    free(db);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(snapping_stores_distance_and_flags),
        cmocka_unit_test(share_within_by_hand),
        cmocka_unit_test(repeated_calls_see_changes),
        cmocka_unit_test(ems_response_by_hand),
        cmocka_unit_test(subcentre_distance),
        cmocka_unit_test(no_network_and_no_stations),
        cmocka_unit_test(cli_formats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
