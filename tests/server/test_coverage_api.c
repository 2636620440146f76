/* test_coverage_api.c: the coverage, EMS and siting endpoints against the real `hss serve` on
 * 127.0.0.1, on a region built here through the real importers (hss_region_import_mem for
 * areas and facilities, hss_access_import for a CSV edge list) so that every figure can be
 * worked out on paper:
 *
 *   a straight road of 20 edges, each 1000 m at 60 km/h (one minute), nodes k = 0..20;
 *   villages at every node with k+1 hundred residents; nodes 0..9 in county 331102 (urban for
 *   k < 5, rural after), nodes 10..20 in county 331121 (rural);
 *   F0 township_health_center at node 0 (331102), F1 village_clinic at node 15 (331121),
 *   E10 ems_station at node 10 (331121).
 *
 * Also: scope escapes through `under`, bad parameters, the answer cache and the data version,
 * CSRF and bounds on POST /site, the same sites as the CLI's `hss site`, and the time limit. */
#include <fcntl.h>

#include "line_fixture.h"

static char *dir, *db;
static test_server srv;
static session admin, liandu;

/* Roads at 60 km/h (one minute an edge); villages 0..4 urban; E10 ems_station at node 10. */
static const line_region REGION = {
    60, 5, "E10,青田急救站,ems_station,none,government,331121001,119.1,28.0,,,,,0,0,0,\n"};

static int setup(void **state)
{
    (void)state;
    dir = hss_test_tmpdir();
    char p[800];
    snprintf(p, sizeof p, "%s/cov.db", dir);
    db = hss_xstrdup(p);
    line_region_build(dir, db, &REGION);
    srv = line_server_start(db, NULL, &admin, &liandu);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    stop_server(&srv);
    free(db);
    free(dir);
    return 0;
}

static cJSON *get_json(const char *path, const session *s, int want)
{
    return http_get_json(srv.port, path, s, want);
}

/* Expects status `want` and an error message containing `needle`, asking for English (?lang=en:
 * a client that does not say is answered in Chinese). */
static void expect_error(const char *path, const session *s, int want, const char *needle)
{
    char url[600];
    snprintf(url, sizeof url, "%s%slang=en", path, strchr(path, '?') ? "&" : "?");
    cJSON *j = get_json(url, s, want);
    const char *msg = cJSON_GetStringValue(cJSON_GetObjectItem(j, "error"));
    assert_non_null(msg);
    if (!strstr(msg, needle))
        fail_msg("GET %s: '%s' does not mention '%s'", path, msg, needle);
    cJSON_Delete(j);
}

static double num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(o, name);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

static const cJSON *item_for(const cJSON *items, const char *area)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, items)
    if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(it, "area")), area) == 0)
        return it;
    fail_msg("no item for %s", area);
    return NULL;
}

static const cJSON *village(const cJSON *resp, const char *code)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(cJSON_GetObjectItem(resp, "villages"), "features"))
    {
        const cJSON *p = cJSON_GetObjectItem(f, "properties");
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(p, "area_code")), code) == 0)
            return p;
    }
    return NULL;
}

static int64_t data_version(void)
{
    hss_store *st = hss_store_open_existing(db, NULL);
    assert_non_null(st);
    int64_t v = hss_store_data_version(st);
    hss_store_close(st);
    return v;
}

#define TYPES "township_health_center,village_clinic"

/* ---- coverage -------------------------------------------------------------------------------- */

static void coverage_by_hand(void **state)
{
    (void)state;
    /* urban 3.5 minutes, rural 4.5. The nearest facility of village k is F0 (k minutes) or F1
     * (|k-15|). 331102: urban k=0..3 covered (100+200+300+400); k=4 (4 min) is not; rural
     * k=5..9 are 5,6,7,7,6 minutes away: not covered. 331121: k=11..19 within 4 minutes of F1
     * (1200+...+2000 = 14400) of 1100+...+2100 = 17600. */
    cJSON *j = get_json("/api/v1/coverage?under=331100&types=" TYPES "&minutes=3.5&rural_minutes=4.5", &admin, 200);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "available")));
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "by")), "county");
    const cJSON *items = cJSON_GetObjectItem(j, "items");
    assert_int_equal(cJSON_GetArraySize(items), 2);
    const cJSON *ld = item_for(items, "331102"), *qt = item_for(items, "331121");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(ld, "name")), "莲都区");
    assert_int_equal((int)num(ld, "residents"), 5500);
    assert_int_equal((int)num(ld, "covered"), 1000);
    assert_true(fabs(num(ld, "share") - 0.1818) < 1e-9);
    assert_int_equal((int)num(qt, "residents"), 17600);
    assert_int_equal((int)num(qt, "covered"), 14400);
    assert_int_equal((int)num(j, "residents"), 23100);
    assert_int_equal((int)num(j, "covered"), 15400);
    assert_int_equal((int)num(j, "uncovered"), 7700);
    assert_int_equal((int)num(j, "points"), 21);
    assert_int_equal((int)num(j, "uncovered_points"), 21 - 4 - 9);
    /* the villages as GeoJSON */
    const cJSON *fc = cJSON_GetObjectItem(j, "villages");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(fc, "type")), "FeatureCollection");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(fc, "features")), 21);
    const cJSON *v8 = village(j, "331102001009"); /* node 8: 7 minutes from F1, rural, outside */
    assert_non_null(v8);
    assert_true(fabs(num(v8, "minutes") - 7.0) < 0.01);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(v8, "nearest_facility")), "F1");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(v8, "nearest_name")), "十五村卫生室");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(v8, "covered")));
    assert_int_equal((int)num(v8, "residents"), 900);
    const cJSON *v3 = village(j, "331102001004"); /* node 3: 3 minutes from F0, urban, inside */
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(v3, "covered")));
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(v3, "nearest_facility")), "F0");
    const cJSON *f0 = cJSON_GetArrayItem(cJSON_GetObjectItem(fc, "features"), 0);
    const cJSON *xy = cJSON_GetObjectItem(cJSON_GetObjectItem(f0, "geometry"), "coordinates");
    assert_true(fabs(cJSON_GetArrayItem(xy, 0)->valuedouble - 119.0) < 1e-6);
    cJSON_Delete(j);

    /* villages=0: the same totals and items without the points (the dashboard's card) */
    j = get_json("/api/v1/coverage?under=331100&types=" TYPES "&minutes=3.5&rural_minutes=4.5&villages=0", &admin, 200);
    assert_null(cJSON_GetObjectItem(j, "villages"));
    assert_int_equal((int)num(j, "covered"), 15400);
    assert_int_equal((int)num(item_for(cJSON_GetObjectItem(j, "items"), "331121"), "covered"), 14400);
    cJSON_Delete(j);

    /* one circle for everyone (no rural_minutes): 331102 covers k=0..3 only; by township */
    j = get_json("/api/v1/coverage?under=331102&types=" TYPES "&minutes=3.5", &admin, 200);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "by")), "township");
    items = cJSON_GetObjectItem(j, "items");
    assert_int_equal(cJSON_GetArraySize(items), 1);
    assert_int_equal((int)num(item_for(items, "331102001"), "covered"), 1000);
    assert_true(num(j, "rural_minutes") == 3.5);
    cJSON_Delete(j);

    /* walking (5 km/h: 12 minutes a km): only the villages at the facilities themselves */
    j = get_json("/api/v1/coverage?under=331100&types=" TYPES "&minutes=3.5&mode=walk", &admin, 200);
    assert_int_equal((int)num(j, "covered"), 100 + 1600);
    cJSON_Delete(j);
}

static void coverage_scope(void **state)
{
    (void)state;
    /* a county user sees their county by default, and nothing beyond it */
    cJSON *j = get_json("/api/v1/coverage?types=" TYPES "&minutes=3.5&rural_minutes=4.5", &liandu, 200);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "under")), "331102");
    assert_int_equal((int)num(j, "residents"), 5500);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "villages"), "features")), 10);
    assert_null(village(j, "331121001011"));
    /* villages 8 and 9 are nearest to F1, which lies in the other county: not named */
    const cJSON *v8 = village(j, "331102001009");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(v8, "nearest_facility")));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(v8, "nearest_outside_scope")));
    assert_null(cJSON_GetObjectItem(v8, "nearest_name"));
    char *text = cJSON_PrintUnformatted(j);
    assert_null(strstr(text, "十五村")); /* says nothing about F1 */
    assert_null(strstr(text, "\"F1\""));
    free(text);
    cJSON_Delete(j);
    /* the admin, for the same county, sees F1 named */
    j = get_json("/api/v1/coverage?under=331102&types=" TYPES "&minutes=3.5", &admin, 200);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(village(j, "331102001009"), "nearest_facility")), "F1");
    cJSON_Delete(j);
    /* escapes through under: the other county, the city above, a village of the other county */
    expect_error("/api/v1/coverage?under=331121", &liandu, 403, "outside your scope");
    /* without ?lang=en, X-HSS-Lang or Accept-Language: en, the refusal is in Chinese */
    cJSON *zh = get_json("/api/v1/coverage?under=331121", &liandu, 403);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(zh, "error")), "区域 331121 不在您的权限范围内");
    cJSON_Delete(zh);
    expect_error("/api/v1/coverage?under=331100", &liandu, 403, "outside your scope");
    expect_error("/api/v1/coverage?under=331121001011", &liandu, 403, "outside your scope");
    expect_error("/api/v1/coverage/ems?under=331121", &liandu, 403, "outside your scope");
    expect_error("/api/v1/coverage?under=331102%27%20OR%201=1--", &liandu, 400, "not an area code");
    /* deeper inside the scope is fine */
    j = get_json("/api/v1/coverage?under=331102001&types=" TYPES "&minutes=3.5", &liandu, 200);
    assert_int_equal((int)num(j, "covered"), 1000);
    cJSON_Delete(j);
    /* no session */
    http_resp r;
    http_get(srv.port, "/api/v1/coverage", NULL, &r);
    assert_int_equal(r.status, 401);
    http_resp_free(&r);
}

static void coverage_bad_parameters(void **state)
{
    (void)state;
    expect_error("/api/v1/coverage?types=villge_clinic", &admin, 400, "did you mean 'village_clinic'");
    expect_error("/api/v1/coverage?types=village_clinic,hospitl", &admin, 400, "'hospitl' is not a facility type");
    expect_error("/api/v1/coverage?types=village_clinic,,cdc", &admin, 400, "separated by commas");
    expect_error("/api/v1/coverage?types=%27;DROP%20TABLE%20area;--", &admin, 400, "not a facility type");
    expect_error("/api/v1/coverage?minutes=0", &admin, 400, "minutes: must be a number of minutes from 1 to 120");
    expect_error("/api/v1/coverage?minutes=121", &admin, 400, "from 1 to 120");
    expect_error("/api/v1/coverage?minutes=abc", &admin, 400, "minutes");
    expect_error("/api/v1/coverage?minutes=nan", &admin, 400, "minutes");
    expect_error("/api/v1/coverage?minutes=15x", &admin, 400, "minutes");
    expect_error("/api/v1/coverage?rural_minutes=-5", &admin, 400, "rural_minutes");
    expect_error("/api/v1/coverage?mode=fly", &admin, 400, "mode: must be drive or walk");
    expect_error("/api/v1/coverage?by=village", &admin, 400, "by: must be county or township");
    expect_error("/api/v1/coverage?villages=yes", &admin, 400, "villages: must be 0 or 1");
    expect_error("/api/v1/coverage/ems?dispatch=99", &admin, 400, "dispatch");
    expect_error("/api/v1/coverage/ems?rural_km=0", &admin, 400, "rural_km");
    /* a type with no facility stored: said so, not a table of zeros */
    cJSON *j = get_json("/api/v1/coverage?types=cdc&lang=en", &admin, 200);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "available")));
    assert_non_null(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(j, "reason")), "no facility of type cdc"));
    assert_null(cJSON_GetObjectItem(j, "items"));
    cJSON_Delete(j);
    j = get_json("/api/v1/coverage?types=cdc", &admin, 200); /* and in Chinese */
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "reason")), "没有所选类型且有位置的机构");
    cJSON_Delete(j);
    /* an area that is not stored */
    expect_error("/api/v1/coverage?under=331199", &admin, 404, "no area 331199");
    expect_error("/api/v1/coverage/ems?under=331199", &admin, 404, "no area 331199");
    /* writes are not reads */
    http_resp r;
    http_req(srv.port, "POST", "/api/v1/coverage", admin.token, admin.csrf, "{}", &r);
    assert_int_equal(r.status, 405);
    http_resp_free(&r);
    http_req(srv.port, "GET", "/api/v1/site", admin.token, NULL, NULL, &r);
    assert_int_equal(r.status, 405);
    http_resp_free(&r);
}

/* The first screen's coverage and EMS cards are computed by the server's warm-up when it starts
 * (hss_coverage_warm), in both languages, so that the city user's first request for them is
 * answered from the cache. A second server on the same database, its stderr kept in a file: the
 * test waits for the warm-up's one line there, then asks. */
static void first_screen_cards_are_warm_before_anyone_asks(void **state)
{
    (void)state;
    char errpath[800];
    snprintf(errpath, sizeof errpath, "%s/warm.err", dir);
    int saved = dup(2), fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 2);
    test_server s2 = start_server(db, NULL);
    dup2(saved, 2);
    close(saved);
    close(fd);
    int warm = 0;
    for (int i = 0; i < 1800 && !warm; i++) { /* at most 90 s on a loaded machine */
        char *text = hss_read_file(errpath, NULL, NULL);
        warm = text && strstr(text, "hss: warm (");
        free(text);
        if (!warm)
            usleep(50000);
    }
    assert_true(warm);
    session a;
    assert_int_equal(login(s2.port, "admin", "admin-pass-1", &a), 200);
    /* exactly what the dashboard's cards ask (coverage.js) */
    const char *paths[] = {"/api/v1/coverage?under=331100&types=township_health_center,community_health_center,"
                           "community_health_station,village_clinic&minutes=15&rural_minutes=20&villages=0",
                           "/api/v1/coverage/ems?under=331100"};
    for (int i = 0; i < 2; i++)
        for (int en = 0; en < 2; en++) {
            char url[400];
            snprintf(url, sizeof url, "%s%s", paths[i], en ? "&lang=en" : "");
            cJSON *j = http_get_json(s2.port, url, &a, 200);
            if (!cJSON_IsTrue(cJSON_GetObjectItem(j, "cached")))
                fail_msg("not warm: %s", url);
            assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "available")));
            cJSON_Delete(j);
        }
    stop_server(&s2);
}

static void coverage_cached_until_data_changes(void **state)
{
    (void)state;
    const char *path = "/api/v1/coverage?under=331100&types=" TYPES "&minutes=3.5&rural_minutes=4.5&by=county";
    cJSON *a = get_json(path, &admin, 200);
    cJSON *b = get_json(path, &admin, 200);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(b, "cached")));
    assert_int_equal((int)num(b, "covered"), 15400);
    assert_int_equal((int)num(a, "data_version"), (int)num(b, "data_version"));
    cJSON_Delete(a);
    cJSON_Delete(b);
    /* a new village clinic at node 7 through the region importer: in 331102 it brings in the
     * rural villages k=5..9 (at most 2 minutes away: 600+700+800+900+1000) and the urban k=4
     * (3 minutes: 500) */
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    const char *fac =
        "code,name,type,grade,ownership,area_code,lon,lat,beds_approved,beds_open,beds_infectious,medcom_code,medcom_lead,central,sub_centre,services\n"
        "F7,七村卫生室,village_clinic,none,collective,331102001008,119.07,28.0,,,,,0,0,0,\n";
    hss_import_stats is;
    assert_int_equal(hss_region_import_mem(st, HSS_KIND_FACILITIES, "more.csv", fac, strlen(fac), 0, &is, &err), HSS_OK);
    hss_store_close(st);
    cJSON *c = get_json(path, &admin, 200);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(c, "cached")));
    assert_true(num(c, "data_version") > 0);
    assert_int_equal((int)num(item_for(cJSON_GetObjectItem(c, "items"), "331102"), "covered"), 1000 + 500 + 4000);
    cJSON_Delete(c);
    /* and back, so that the other tests see the region described at the top */
    st = hss_store_open_existing(db, &err);
    assert_int_equal(hss_store_begin(st, &err), HSS_OK);
    hss_stmt *s = hss_store_prepare(st, "DELETE FROM facility WHERE code='F7'", &err);
    assert_int_equal(hss_store_step(s), HSS_DONE);
    hss_store_finalize(s);
    assert_int_equal(hss_store_bump_version(st, &err), HSS_OK);
    assert_int_equal(hss_store_commit(st, &err), HSS_OK);
    hss_store_close(st);
    c = get_json(path, &admin, 200);
    assert_int_equal((int)num(c, "covered"), 15400);
    cJSON_Delete(c);
}

/* ---- EMS ----------------------------------------------------------------------------------- */

static void ems_by_hand(void **state)
{
    (void)state;
    /* response = 1 dispatch + 2 turnout + |k-10| minutes from E10. Urban: k=0..4 */
    double us = 0, uw = 0, rs = 0, rw = 0;
    int64_t rural_in = 0, all = 0;
    for (int k = 0; k <= 20; k++) {
        double resp = 3.0 + abs(k - 10), w = 100.0 * (k + 1);
        all += (int64_t)w;
        if (k < 5) {
            us += resp * w;
            uw += w;
        } else {
            rs += resp * w;
            rw += w;
            rural_in += abs(k - 10) <= 4 ? (int64_t)w : 0; /* 4.5 km */
        }
    }
    cJSON *j = get_json("/api/v1/coverage/ems?under=331100&rural_km=4.5", &admin, 200);
    assert_int_equal((int)num(j, "dispatch_min"), 1);
    assert_int_equal((int)num(j, "turnout_min"), 2);
    const cJSON *u = cJSON_GetObjectItem(j, "urban"), *r = cJSON_GetObjectItem(j, "rural");
    assert_true(fabs(num(u, "mean") - us / uw) < 0.01);
    assert_true(fabs(num(r, "mean") - rs / rw) < 0.01);
    assert_int_equal((int)num(u, "residents"), 1500);
    assert_int_equal((int)num(u, "target"), 11);
    assert_int_equal((int)num(r, "target"), 14);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(u, "meets_target"))); /* 10.33 < 11 */
    const cJSON *rad = cJSON_GetObjectItem(j, "radius");
    assert_int_equal((int)num(rad, "residents"), (int)all);
    assert_int_equal((int)num(rad, "covered"), (int)rural_in); /* no urban village within 3.5 km */
    cJSON_Delete(j);
    /* stated dispatch and turnout move the mean by their sum */
    j = get_json("/api/v1/coverage/ems?under=331100&dispatch=2&turnout=3", &admin, 200);
    assert_true(fabs(num(cJSON_GetObjectItem(j, "urban"), "mean") - (us / uw + 2)) < 0.01);
    cJSON_Delete(j);
}

/* ---- siting -------------------------------------------------------------------------------- */

static void post_site(const session *s, const char *csrf, const char *body, int want, http_resp *out)
{
    http_req(srv.port, "POST", "/api/v1/site?lang=en", s->token, csrf, body, out);
    if (out->status != want)
        fprintf(stderr, "POST /site %s: %d %s\n", body, out->status, out->body);
    assert_int_equal(out->status, want);
}

static void site_refused(const session *s, const char *csrf, const char *body, int want, const char *needle)
{
    http_resp r;
    post_site(s, csrf, body, want, &r);
    if (!strstr(r.body, needle))
        fail_msg("POST /site %s: '%s' does not mention '%s'", body, r.body, needle);
    http_resp_free(&r);
}

static void site_checks_csrf_and_bounds(void **state)
{
    (void)state;
    const char *ok = "{\"type\":\"village_clinic\",\"add\":1,\"minutes\":3.5,\"under\":\"331102\"}";
    site_refused(&liandu, NULL, ok, 403, "X-CSRF-Token");
    site_refused(&liandu, "0000", ok, 403, "X-CSRF-Token");
    site_refused(&liandu, admin.csrf, ok, 403, "X-CSRF-Token"); /* another session's token */
    site_refused(&liandu, liandu.csrf, "{\"type\":\"village_clinic\",\"add\":21,\"under\":\"331102\"}", 400,
                 "from 1 to 20");
    site_refused(&liandu, liandu.csrf, "{\"type\":\"village_clinic\",\"add\":0,\"under\":\"331102\"}", 400, "add");
    site_refused(&liandu, liandu.csrf, "{\"type\":\"village_clinic\",\"add\":1.5,\"under\":\"331102\"}", 400, "add");
    site_refused(&liandu, liandu.csrf, "{\"type\":\"village_clinic\",\"under\":\"331102\"}", 400, "add: required");
    site_refused(&liandu, liandu.csrf, "{\"type\":\"village_clinic\",\"add\":1}", 400, "under: required");
    site_refused(&liandu, liandu.csrf, "{\"type\":\"village_clinic\",\"add\":1,\"under\":\"331121\"}", 403,
                 "outside your scope");
    site_refused(&liandu, liandu.csrf, "{\"type\":\"village_clinic\",\"add\":1,\"under\":\"331100\"}", 403,
                 "outside your scope");
    site_refused(&liandu, liandu.csrf, "{\"type\":\"ems_staton\",\"add\":1,\"under\":\"331102\"}", 400,
                 "did you mean 'ems_station'");
    site_refused(&liandu, liandu.csrf, "{\"type\":\"village_clinic,cdc\",\"add\":1,\"under\":\"331102\"}", 400,
                 "one facility type");
    site_refused(&liandu, liandu.csrf, "{\"type\":\"village_clinic\",\"add\":1,\"under\":\"331102\",\"minutes\":500}",
                 400, "minutes");
    site_refused(&liandu, liandu.csrf, "{\"type\":\"village_clinic\",\"add\":1,\"under\":\"331102\",\"objective\":\"x\"}",
                 400, "objective");
    site_refused(&liandu, liandu.csrf, "{\"type\":\"village_clinic\",\"add\":1,\"under\":\"331102\",\"store\":true}", 400,
                 "unknown member");
    site_refused(&liandu, liandu.csrf, "[1,2]", 400, "JSON object");
    site_refused(&liandu, liandu.csrf, "{\"type\":", 400, "not valid JSON");
    site_refused(&liandu, liandu.csrf, "{\"type\":7,\"add\":1,\"under\":\"331102\"}", 400, "type");
    /* an admin may leave under out: their whole scope */
    http_resp r;
    post_site(&admin, admin.csrf, "{\"type\":\"village_clinic\",\"add\":1,\"minutes\":3.5}", 200, &r);
    cJSON *j = cJSON_Parse(r.body);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "under")), "331100");
    cJSON_Delete(j);
    http_resp_free(&r);
}

static void site_by_hand_and_as_the_cli(void **state)
{
    (void)state;
    int64_t v0 = data_version();
    hss_store *st = hss_store_open_existing(db, NULL);
    long long nfac = hss_test_query_int(st, "SELECT count(*) FROM facility");
    long long naudit = hss_test_query_int(st, "SELECT count(*) FROM audit WHERE action='write' AND target LIKE '%/site'");
    hss_store_close(st);
    /* One village clinic within 3.5 minutes in 331102, where F1 (node 15) covers nobody: a
     * site at node j covers nodes j-3..j+3; the best is node 6, covering nodes 3..9
     * (400+...+1000 = 4900). */
    http_resp r;
    post_site(&liandu, liandu.csrf, "{\"type\":\"village_clinic\",\"add\":2,\"minutes\":3.5,\"under\":\"331102\"}", 200, &r);
    cJSON *j = cJSON_Parse(r.body);
    http_resp_free(&r);
    assert_non_null(j);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "stored")));
    const cJSON *sites = cJSON_GetObjectItem(j, "sites");
    assert_int_equal(cJSON_GetArraySize(sites), 2);
    const cJSON *s1 = cJSON_GetArrayItem(sites, 0);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(s1, "code")), "331102001007");
    assert_int_equal((int)num(s1, "newly_covered"), 4900);
    /* then nodes 0..2 (600) from node 0..2 */
    assert_int_equal((int)num(cJSON_GetArrayItem(sites, 1), "newly_covered"), 600);
    const cJSON *sum = cJSON_GetObjectItem(j, "summary");
    assert_int_equal((int)num(sum, "residents"), 5500);
    assert_int_equal((int)num(sum, "covered_before"), 0);
    assert_int_equal((int)num(sum, "covered_after"), 5500);

    /* the same question to the CLI */
    char cmd[1200], *out;
    snprintf(cmd, sizeof cmd, "%s site --db '%s' --type village_clinic --add 2 --minutes 3.5 --under 331102 --format json",
             hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    cJSON *cli = cJSON_Parse(out);
    free(out);
    assert_non_null(cli);
    const cJSON *csites = cJSON_GetObjectItem(cli, "sites");
    assert_int_equal(cJSON_GetArraySize(csites), cJSON_GetArraySize(sites));
    for (int i = 0; i < cJSON_GetArraySize(sites); i++) {
        const cJSON *a = cJSON_GetArrayItem(sites, i), *b = cJSON_GetArrayItem(csites, i);
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(a, "code")),
                            cJSON_GetStringValue(cJSON_GetObjectItem(b, "code")));
        assert_int_equal((int)num(a, "newly_covered"), (int)num(b, "newly_covered"));
        assert_int_equal((int)num(a, "rank"), (int)num(b, "rank"));
    }
    const cJSON *csum = cJSON_GetArrayItem(cJSON_GetObjectItem(cli, "summary"), 0);
    assert_int_equal((int)num(sum, "covered_before"), (int)num(csum, "covered_before"));
    assert_int_equal((int)num(sum, "covered_after"), (int)num(csum, "covered_after"));
    cJSON_Delete(cli);
    cJSON_Delete(j);

    /* p-median through the API equals the CLI too */
    post_site(&admin, admin.csrf, "{\"type\":\"ems_station\",\"add\":3,\"objective\":\"pmedian\",\"under\":\"331100\"}", 200, &r);
    j = cJSON_Parse(r.body);
    http_resp_free(&r);
    snprintf(cmd, sizeof cmd, "%s site --db '%s' --type ems_station --add 3 --objective pmedian --under 331100 --format json",
             hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    cli = cJSON_Parse(out);
    free(out);
    csites = cJSON_GetObjectItem(cli, "sites");
    sites = cJSON_GetObjectItem(j, "sites");
    assert_int_equal(cJSON_GetArraySize(sites), 3);
    for (int i = 0; i < 3; i++)
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(sites, i), "code")),
                            cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(csites, i), "code")));
    assert_true(fabs(num(cJSON_GetObjectItem(j, "summary"), "mean_minutes_after") -
                     num(cJSON_GetArrayItem(cJSON_GetObjectItem(cli, "summary"), 0), "mean_minutes_after")) < 1e-9);
    cJSON_Delete(cli);
    cJSON_Delete(j);

    /* a proposal changes nothing stored, and each POST was audited */
    assert_int_equal(data_version(), v0);
    st = hss_store_open_existing(db, NULL);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM facility"), nfac);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM audit WHERE action='write' AND target LIKE '%/site'"),
                     naudit + 2);
    hss_store_close(st);
}

/* A run that takes longer than the limit is given up with 503; the runs still under way
 * count against the limit of concurrent runs; the server still stops cleanly. */
static void site_time_limit(void **state)
{
    (void)state;
    setenv("HSS_SITE_DELAY_MS", "3000", 1); /* test hook: each run sleeps first */
    setenv("HSS_SITE_TIMEOUT_MS", "200", 1);
    test_server slow = start_server(db, NULL);
    unsetenv("HSS_SITE_DELAY_MS");
    unsetenv("HSS_SITE_TIMEOUT_MS");
    session s;
    assert_int_equal(login(slow.port, "admin", "admin-pass-1", &s), 200);
    const char *body = "{\"type\":\"village_clinic\",\"add\":1,\"under\":\"331102\"}";
    http_resp r;
    for (int i = 0; i < 2; i++) {
        http_req(slow.port, "POST", "/api/v1/site?lang=en", s.token, s.csrf, body, &r);
        assert_int_equal(r.status, 503);
        assert_non_null(strstr(r.body, "longer than the limit of 200 ms"));
        http_resp_free(&r);
    }
    http_req(slow.port, "POST", "/api/v1/site?lang=en", s.token, s.csrf, body, &r);
    assert_int_equal(r.status, 503);
    assert_non_null(strstr(r.body, "busy"));
    char h[32];
    assert_non_null(header(&r, "Retry-After", h, sizeof h));
    http_resp_free(&r);
    stop_server(&slow); /* waits for the two runs, frees everything (ASan: no leaks) */
}

/* The dashboard's coverage screens in headless Chromium on the generated Lishui demo (which has
 * boundaries and a generated road network): tests/server/e2e_coverage.mjs. Screenshots go to
 * $BUILD/artifacts/. */
static void dashboard_coverage_end_to_end(void **state)
{
    (void)state;
    assert_int_equal(access("web/dist/index.html", R_OK), 0); /* `make web` */
    assert_int_equal(access("/usr/bin/chromium", X_OK), 0);    /* apt: chromium (.ci/apt/server.txt) */
    char path[800], cmd[1600], *out;
    snprintf(path, sizeof path, "%s/lishui.db", dir);
    snprintf(cmd, sizeof cmd, "%s demo lishui --db '%s' --quiet 2>&1", hss_test_bin(), path);
    int rc = hss_test_run(cmd, &out);
    if (rc)
        fputs(out, stderr);
    free(out);
    assert_int_equal(rc, 0);
    assert_int_equal(add_user(path, "planner", "planner", "331100", "planner-pass-1", NULL), 0);
    const char *extra[] = {"--web", "web/dist", NULL};
    test_server web = start_server(path, extra);
    const char *build = getenv("BUILD");
    snprintf(cmd, sizeof cmd, "node tests/server/e2e_coverage.mjs http://127.0.0.1:%d/ planner planner-pass-1 331102 %s/artifacts 2>&1",
             web.port, build && *build ? build : "build");
    rc = hss_test_run(cmd, &out);
    fputs(out, stdout);
    free(out);
    stop_server(&web);
    assert_int_equal(rc, 0);
    /* the siting run was a write: audited, and nothing stored changed */
    hss_store *st = hss_store_open_existing(path, NULL);
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM audit WHERE user_name='planner' AND action='write' "
                                       "AND target='POST /api/v1/site' AND status=200") == 1);
    hss_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(coverage_by_hand),
        cmocka_unit_test(coverage_scope),
        cmocka_unit_test(coverage_bad_parameters),
        cmocka_unit_test(coverage_cached_until_data_changes),
        cmocka_unit_test(first_screen_cards_are_warm_before_anyone_asks),
        cmocka_unit_test(ems_by_hand),
        cmocka_unit_test(site_checks_csrf_and_bounds),
        cmocka_unit_test(site_by_hand_and_as_the_cli),
        cmocka_unit_test(site_time_limit),
        cmocka_unit_test(dashboard_coverage_end_to_end),
    };
    return cmocka_run_group_tests_name("server-coverage", tests, setup, teardown);
}
