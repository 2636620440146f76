/*
 * test_import.c: the import stage. The speed profile decisions on the hand-written OSM file
 * (XML, gzip and PBF give the same network), the component filter, the CSV edge list, and bad
 * input: corrupt and truncated PBF, a file without roads, bad CSV values, an unknown file
 * type. Every failure names the file and leaves the stored network unchanged.
 */
#include <zlib.h>

#include "fixture.h"

/* Speed (km/h) and flags of the stored edge of a class (first one). */
static double class_speed(hss_store *st, const char *cls, int *fwd, int *bwd, int *walk)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT speed_kmh, car_fwd, car_bwd, walk FROM road_edge WHERE road_class=? ORDER BY id", NULL);
    assert_non_null(s);
    hss_store_bind_text(s, 1, cls);
    assert_int_equal(hss_store_step(s), HSS_ROW);
    double v = hss_store_col_double(s, 0);
    *fwd = hss_store_col_int(s, 1);
    *bwd = hss_store_col_int(s, 2);
    *walk = hss_store_col_int(s, 3);
    hss_store_finalize(s);
    return v;
}

static void check_tiny(hss_store *st, const hss_roads_stats *s)
{
    int f, b, w;
    /* 14 network nodes (1-14), node 14 hangs on a one-way stub: dropped */
    assert_int_equal(s->nodes_read, 14);
    assert_int_equal(s->nodes, 13);
    assert_int_equal(s->nodes_dropped, 1);
    assert_int_equal(s->edges_dropped, 1);
    assert_int_equal(s->ferries, 1);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM road_node"), 13);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM road_edge"), 15);
    /* maxspeed 60 honoured as 0.8 x 60 (OSRM speed_reduction) */
    assert_true(fabs(class_speed(st, "primary", &f, &b, &w) - 48.0) < 1e-9);
    assert_true(f && b && w);
    /* unsigned two-lane trunk: OSRM 85 capped by the legal 70 (one lane per direction) */
    assert_true(fabs(class_speed(st, "trunk", &f, &b, &w) - 70.0) < 1e-9);
    /* residential 25, service 15 (below the 30 cap), unclassified 25 */
    assert_true(fabs(class_speed(st, "residential", &f, &b, &w) - 25.0) < 1e-9);
    assert_true(fabs(class_speed(st, "service", &f, &b, &w) - 15.0) < 1e-9);
    assert_true(fabs(class_speed(st, "unclassified", &f, &b, &w) - 25.0) < 1e-9);
    /* oneway=yes, implied on motorways, and -1 */
    assert_true(fabs(class_speed(st, "secondary", &f, &b, &w) - 55.0) < 1e-9);
    assert_true(f && !b);
    assert_true(fabs(class_speed(st, "motorway", &f, &b, &w) - 90.0) < 1e-9);
    assert_true(f && !b && !w);
    class_speed(st, "tertiary", &f, &b, &w);
    assert_true(!f && b);
    /* the ferry: 30 minutes for its length */
    double len = (double)hss_test_query_int(st, "SELECT CAST(length_m*1000 AS INTEGER) FROM road_edge WHERE ferry=1") / 1000;
    double kmh = class_speed(st, "ferry", &f, &b, &w);
    assert_true(fabs(len / 1000 / kmh * 60 - 30.0) < 1e-3);
    /* the footway: walking only */
    class_speed(st, "footway", &f, &b, &w);
    assert_true(!f && !b && w);
    /* not roads: construction, private access, buildings */
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM road_edge WHERE road_class IN ('construction','building')"), 0);
}

static void osm_xml_gz_and_pbf_agree(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    hss_error err;
    hss_roads_stats s;
    hss_store *st = fx_open(dir, "xml.db");
    assert_int_equal(hss_access_import(st, fx_data("tiny.osm"), NULL, NULL, &s, &err), HSS_OK);
    check_tiny(st, &s);
    hss_store_close(st);

    st = fx_open(dir, "pbf.db");
    assert_int_equal(hss_access_import(st, fx_data("tiny.osm.pbf"), NULL, NULL, &s, &err), HSS_OK);
    check_tiny(st, &s);
    hss_store_close(st);

    size_t len;
    char *xml = hss_read_file(fx_data("tiny.osm"), &len, &err);
    assert_non_null(xml);
    char gz[700];
    snprintf(gz, sizeof gz, "%s/tiny.osm.gz", dir);
    gzFile g = gzopen(gz, "wb");
    assert_non_null(g);
    assert_int_equal(gzwrite(g, xml, (unsigned)len), (int)len);
    gzclose(g);
    free(xml);
    st = fx_open(dir, "gz.db");
    assert_int_equal(hss_access_import(st, gz, NULL, NULL, &s, &err), HSS_OK);
    check_tiny(st, &s);
    assert_int_equal(hss_store_data_version(st), 1);
    hss_store_close(st);
    free(dir);
}

/* Imports tiny.osm, then tries `bad`: must fail with `want` in the message and keep the
 * stored network and data version as they were. */
static void expect_failure_keeps_network(const char *dir, const char *bad, const char *want)
{
    hss_error err;
    hss_error_clear(&err);
    hss_roads_stats s;
    hss_store *st = fx_open(dir, "keep.db");
    if (hss_test_query_int(st, "SELECT count(*) FROM road_node") == 0)
        assert_int_equal(hss_access_import(st, fx_data("tiny.osm"), NULL, NULL, &s, &err), HSS_OK);
    int64_t v = hss_store_data_version(st);
    assert_int_not_equal(hss_access_import(st, bad, NULL, NULL, &s, &err), HSS_OK);
    if (!strstr(err.msg, want))
        fprintf(stderr, "message: %s\n", err.msg);
    assert_non_null(strstr(err.msg, want));
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM road_node"), 13);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM road_edge"), 15);
    assert_int_equal(hss_store_data_version(st), v);
    hss_store_close(st);
}

static void corrupt_inputs_are_clear_errors(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    /* garbage with a PBF name */
    char *p = hss_test_write(dir, "garbage.osm.pbf", "this is not a protocol buffer at all, just text\n");
    expect_failure_keeps_network(dir, p, "garbage.osm.pbf: not a valid OSM PBF file");
    free(p);
    /* a truncated PBF: the first 300 bytes of a real one */
    size_t len;
    char *pbf = hss_read_file(fx_data("tiny.osm.pbf"), &len, NULL);
    assert_non_null(pbf);
    char path[700];
    snprintf(path, sizeof path, "%s/truncated.osm.pbf", dir);
    FILE *f = fopen(path, "wb");
    fwrite(pbf, 1, len / 2, f);
    fclose(f);
    free(pbf);
    expect_failure_keeps_network(dir, path, "truncated.osm.pbf:");
    /* XML that is not well formed */
    p = hss_test_write(dir, "broken.osm", "<osm version=\"0.6\"><node id=\"1\" lat=\"1\" lon=\"2\"></osm>");
    expect_failure_keeps_network(dir, p, "broken.osm:1:");
    expect_failure_keeps_network(dir, p, "not well-formed OSM XML (mismatched tag)");
    free(p);
    /* a file without any road: an empty network */
    p = hss_test_write(dir, "noroads.osm",
                       "<?xml version=\"1.0\"?><osm version=\"0.6\"><node id=\"1\" lat=\"28\" lon=\"119\"/>"
                       "<node id=\"2\" lat=\"28.01\" lon=\"119\"/><way id=\"5\"><nd ref=\"1\"/><nd ref=\"2\"/>"
                       "<tag k=\"waterway\" v=\"river\"/></way></osm>");
    expect_failure_keeps_network(dir, p, "no drivable road network");
    free(p);
    /* missing file, unknown type */
    expect_failure_keeps_network(dir, "/nonexistent/roads.osm.pbf", "cannot read the file");
    p = hss_test_write(dir, "roads.shp", "x");
    expect_failure_keeps_network(dir, p, "unknown road file type");
    free(p);
    /* CSV: bad values name file:line, column and value */
    p = hss_test_write(dir, "bad_speed.csv",
                       "u,v,u_lon,u_lat,v_lon,v_lat,length_m,speed_kmh,oneway\n"
                       "a,b,119.0,28.0,119.01,28.0,980,40,0\n"
                       "b,c,119.01,28.0,119.02,28.0,980,fast,0\n");
    expect_failure_keeps_network(dir, p, "bad_speed.csv:3: column speed_kmh: 'fast' is not a number");
    free(p);
    p = hss_test_write(dir, "bad_oneway.csv",
                       "u,v,u_lon,u_lat,v_lon,v_lat,length_m,speed_kmh,oneway\n"
                       "a,b,119.0,28.0,119.01,28.0,980,40,yes\n");
    expect_failure_keeps_network(dir, p, "bad_oneway.csv:2: column oneway: 'yes' must be 0");
    free(p);
    p = hss_test_write(dir, "bad_len.csv",
                       "u,v,u_lon,u_lat,v_lon,v_lat,length_m,speed_kmh,oneway\n"
                       "a,b,119.0,28.0,119.01,28.0,0,40,0\n");
    expect_failure_keeps_network(dir, p, "bad_len.csv:2: column length_m: 0 is out of range");
    free(p);
    p = hss_test_write(dir, "moved.csv",
                       "u,v,u_lon,u_lat,v_lon,v_lat,length_m,speed_kmh,oneway\n"
                       "a,b,119.0,28.0,119.01,28.0,980,40,0\n"
                       "a,c,119.5,28.0,119.02,28.0,980,40,0\n");
    expect_failure_keeps_network(dir, p, "moved.csv:3: column u: node 'a'");
    free(p);
    p = hss_test_write(dir, "nocol.csv", "u,v,length_m\na,b,3\n");
    expect_failure_keeps_network(dir, p, "u_lon");
    free(p);
    p = hss_test_write(dir, "empty.csv", "u,v,u_lon,u_lat,v_lon,v_lat,length_m,speed_kmh,oneway\n");
    expect_failure_keeps_network(dir, p, "no drivable road network");
    free(p);
    free(dir);
}

static void csv_oneway_and_component_report(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    /* a-b-c two-way triangle plus d reachable only one way: d is dropped */
    char *p = hss_test_write(dir, "tri.csv",
                             "u,v,u_lon,u_lat,v_lon,v_lat,length_m,speed_kmh,oneway\n"
                             "a,b,119.0,28.0,119.01,28.0,1000,60,0\n"
                             "b,c,119.01,28.0,119.01,28.01,1000,60,1\n"
                             "c,a,119.01,28.01,119.0,28.0,1000,60,1\n"
                             "c,d,119.01,28.01,119.02,28.01,500,30,1\n");
    hss_store *st = fx_open(dir, "tri.db");
    hss_error err;
    hss_roads_stats s;
    assert_int_equal(hss_access_import(st, p, NULL, NULL, &s, &err), HSS_OK);
    assert_int_equal(s.nodes_read, 4);
    assert_int_equal(s.nodes, 3);
    assert_int_equal(s.nodes_dropped, 1);
    assert_int_equal(s.edges_dropped, 1);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM road_edge WHERE car_fwd=1 AND car_bwd=0"), 2);
    char *v = hss_store_meta_get(st, "access.nodes_dropped");
    assert_string_equal(v, "1");
    free(v);
    hss_store_close(st);
    /* the CLI reports the drop */
    char cmd[2000], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s roads import --db %s/cli.db %s 2>&1", hss_test_bin(), dir, p);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "3 nodes, 3 edges kept"));
    assert_non_null(strstr(out, "dropped 1 nodes and 1 edges"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s roads import --db %s/cli.db %s/garbage.osm.pbf 2>&1", hss_test_bin(), dir, dir);
    free(hss_test_write(dir, "garbage.osm.pbf", "\x01\x02\x03 not pbf"));
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "hss: "));
    assert_non_null(strstr(out, "garbage.osm.pbf: not a valid OSM PBF file"));
    free(out);
    free(p);
    free(dir);
}

/* A clinic at the end of a footway: walkers reach it on the footway, cars from the nearest
 * road (222 m away), instead of losing it on a path no car can use. */
static void snapping_per_mode(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    hss_store *st = fx_open(dir, "mode.db");
    fx_area(st, "330000", NULL, "province", "rural", -1, NAN, NAN);
    fx_area(st, "331100", "330000", "city", "rural", -1, NAN, NAN);
    fx_area(st, "331102", "331100", "county", "rural", -1, NAN, NAN);
    fx_area(st, "331102001", "331102", "township", "rural", -1, NAN, NAN);
    fx_area(st, "331102001001", "331102001", "village", "rural", 100, 119.945, 28.45); /* node 12 */
    fx_facility(st, "VC", "village_clinic", "331102001", 119.945, 28.452, 0, 0);       /* node 13 */
    fx_changed(st);
    hss_error err;
    assert_int_equal(hss_access_import(st, fx_data("tiny.osm"), NULL, NULL, NULL, &err), HSS_OK);
    assert_int_equal(hss_test_query_int(st, "SELECT CAST(distance_m AS INTEGER) FROM road_snap WHERE code='VC' AND mode='walk'"), 0);
    assert_int_equal(hss_test_query_int(st, "SELECT CAST(distance_m AS INTEGER) FROM road_snap WHERE code='VC' AND mode='drive'"), 222);
    int64_t res, cov;
    assert_int_equal(hss_access_share_within(st, "village_clinic", 0.01, NULL, &res, &cov, &err), HSS_OK);
    assert_int_equal(cov, 100); /* the car arrives at the road end of the footway */
    /* walking: 222 m at 5 km/h = 2.67 minutes */
    assert_int_equal(hss_access_share_within_mode(st, "village_clinic", 2.6, HSS_MODE_WALK, NULL, &res, &cov, &err), HSS_OK);
    assert_int_equal(cov, 0);
    assert_int_equal(hss_access_share_within_mode(st, "village_clinic", 2.7, HSS_MODE_WALK, NULL, &res, &cov, &err), HSS_OK);
    assert_int_equal(cov, 100);
    hss_store_close(st);
    free(dir);
}

static void profile_parsers(void **state)
{
    (void)state;
    assert_true(fabs(acc_profile_maxspeed("50") - 50) < 1e-9);
    assert_true(fabs(acc_profile_maxspeed("30 mph") - 48.28032) < 1e-6);
    assert_true(acc_profile_maxspeed("none") == 0);
    assert_true(acc_profile_maxspeed("CN:urban") == 0);
    assert_true(fabs(acc_profile_duration_min("00:30") - 30) < 1e-9);
    assert_true(fabs(acc_profile_duration_min("1:30:30") - 90.5) < 1e-9);
    assert_true(fabs(acc_profile_duration_min("45") - 45) < 1e-9);
    assert_true(fabs(acc_profile_duration_min("PT1H15M") - 75) < 1e-9);
    assert_true(acc_profile_duration_min("soon") == 0);
    /* legal defaults: unsigned residential without centre line 30 cap (OSRM 25 stays 25);
     * a tertiary with lanes=1 caps at 40; primary lanes=2 at 70 (OSRM 65 stays) */
    acc_tag t1[] = {{"highway", "trunk"}, {"lanes", "1"}};
    acc_way_rule r;
    acc_profile_way(t1, 2, &r);
    assert_true(fabs(r.kmh - 40) < 1e-9);
    acc_tag t2[] = {{"highway", "trunk"}, {"lanes", "4"}};
    acc_profile_way(t2, 2, &r);
    assert_true(fabs(r.kmh - 85) < 1e-9);
    acc_tag t3[] = {{"highway", "motorway"}};
    acc_profile_way(t3, 1, &r);
    assert_true(fabs(r.kmh - 90) < 1e-9 && r.car_fwd && !r.car_bwd);
    acc_tag t4[] = {{"highway", "footway"}, {"foot", "no"}};
    acc_profile_way(t4, 2, &r);
    assert_false(r.routable);
    acc_tag t5[] = {{"highway", "residential"}, {"junction", "roundabout"}};
    acc_profile_way(t5, 2, &r);
    assert_true(r.car_fwd && !r.car_bwd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(osm_xml_gz_and_pbf_agree),
        cmocka_unit_test(corrupt_inputs_are_clear_errors),
        cmocka_unit_test(csv_oneway_and_component_report),
        cmocka_unit_test(snapping_per_mode),
        cmocka_unit_test(profile_parsers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
