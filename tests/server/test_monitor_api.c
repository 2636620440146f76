/* test_monitor_api.c: the monitoring endpoints against the real `hss serve` on 127.0.0.1 with the
 * test region (tests/data/server/region.sql), 24 months of activity data from `hss data generate`
 * and surveillance counts and alerts from `hss surveil generate`:
 *  - GET /indicators gives exactly what hss_metrics_value gives for every area, child and period
 *    type; the drill-down is sorted by impact; the trend ends with the period; bad arguments 400;
 *  - scope: a county user reads neither another county nor the city (also not through `under`),
 *    and sees no alert of another county (list, detail, actions, response figures);
 *  - the alert lifecycle over HTTP: CSRF, 409 with the allowed actions, the session user as the
 *    actor, the event history and the audit rows; roles that may not act;
 *  - both dashboard screens in headless Chromium (tests/server/e2e_monitor.mjs), screenshots in
 *    $BUILD/artifacts/monitor-*.png. */
#include "server_harness.h"

#include <math.h>

#include "metrics/metrics.h"

static char *dir, *db;
static test_server srv;
static session admin, liandu, qingtian, planner;

static int setup(void **state)
{
    (void)state;
    dir = hss_test_tmpdir();
    db = make_region_db(dir);
    char cmd[1200], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s data generate --db '%s' 2>&1", hss_test_bin(), db);
    int rc = hss_test_run(cmd, &out);
    if (rc)
        fprintf(stderr, "%s\n", out);
    free(out);
    assert_int_equal(rc, 0);
    /* A sensitive configuration (P80, 2 of 4 sources), so that this small region has recent,
     * still open alerts for the triage screen whatever the shipped thresholds are. */
    char *cfg = hss_test_write(dir, "signals.yaml",
        "citation: \"test configuration\"\n"
        "default: {method: ears-c2, frequency: 365, baseline: 7, alpha: 0.001, min_sigma: 0.5,"
        " k_sources: 2, within_days: 3, county_townships: 2, suppress_days: 7}\n"
        "signals:\n"
        "  ili: {name: 流感样病例, method: mpm, window: 7, years: 3, neighbours: 1, percentile: 80, k_sources: 2, within_days: 3}\n"
        "  diarrhoea: {name: 腹泻症候群, method: ears-c3, baseline: 7, alpha: 0.025, min_sigma: 0.5}\n"
        "  fever: {name: 发热症候群, method: ears-c1, baseline: 7, alpha: 0.001, min_sigma: 0.5}\n");
    snprintf(cmd, sizeof cmd, "%s surveil generate --db '%s' --end 2025-12-31 --run-days 10 --config '%s' 2>&1",
             hss_test_bin(), db, cfg);
    free(cfg);
    rc = hss_test_run(cmd, &out);
    if (rc)
        fprintf(stderr, "%s\n", out);
    free(out);
    assert_int_equal(rc, 0);
    const server_user users[] = {{"admin", "admin", "331100", "admin-pass-1", &admin},
                                 {"liandu", "county", "331102", "liandu-pass-1", &liandu},
                                 {"qingtian", "county", "331121", "qingtian-pass-1", &qingtian},
                                 {"planner", "planner", "331100", "planner-pass-1", &planner}};
    srv = start_server_users(db, NULL, users, sizeof users / sizeof *users);
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

static cJSON *post_json(const char *path, const session *s, const char *csrf, const char *body, int want)
{
    http_resp r;
    http_req(srv.port, "POST", path, s->token, csrf, body, &r);
    if (r.status != want)
        fprintf(stderr, "POST %s: %d %s\n", path, r.status, r.body);
    assert_int_equal(r.status, want);
    cJSON *j = cJSON_Parse(r.body);
    assert_non_null(j);
    http_resp_free(&r);
    return j;
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItem(o, k);
    assert_non_null(v);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItem(o, k);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

/* One row of the API against hss_metrics_value for the same indicator, code and period. */
static int check_row(hss_store *st, const char *ind, const cJSON *row)
{
    const char *code = str(row, "code"), *period = str(row, "period");
    double v, nu, de;
    hss_error err;
    hss_code rc = hss_metrics_value(st, ind, code, period, &v, &nu, &de, &err);
    if (rc == HSS_ENOTFOUND) {
        assert_true(isnan(num(row, "value")));
        return 0;
    }
    assert_int_equal(rc, HSS_OK);
    if (fabs(num(row, "value") - v) > 0.006 || fabs(num(row, "numerator") - nu) > 0.006 ||
        fabs(num(row, "denominator") - de) > 0.006)
        fail_msg("%s %s %s: API %g = %g / %g, library %g = %g / %g", ind, code, period, num(row, "value"),
                 num(row, "numerator"), num(row, "denominator"), v, nu, de);
    return 1;
}

static void indicators_equal_library_values(void **state)
{
    (void)state;
    hss_store *st = hss_store_open_existing(db, NULL);
    assert_non_null(st);
    const char *queries[] = {"/api/v1/indicators?under=331100&period=2025Q1", "/api/v1/indicators?under=331102&period=2025-03",
                             "/api/v1/indicators?under=331102101&period=2025", "/api/v1/indicators?under=331121&period=YTD2025-06",
                             "/api/v1/indicators?under=331102&period=2024Q4&pack=yiwu"};
    size_t checked = 0;
    for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
        cJSON *j = get_json(queries[q], &admin, 200);
        cJSON *list = cJSON_GetObjectItem(j, "indicators");
        assert_true(cJSON_GetArraySize(list) > 0);
        cJSON *ind;
        cJSON_ArrayForEach(ind, list)
        {
            const char *id = str(ind, "indicator");
            checked += (size_t)check_row(st, id, cJSON_GetObjectItem(ind, "area"));
            cJSON *c;
            double last = -INFINITY;
            cJSON_ArrayForEach(c, cJSON_GetObjectItem(ind, "children"))
            {
                checked += (size_t)check_row(st, id, c);
                /* sorted by impact, most negative first; children without a value last */
                double im = num(c, "impact");
                if (!isnan(im)) {
                    assert_true(im >= last - 1e-9);
                    last = im;
                } else {
                    last = INFINITY;
                }
            }
        }
        cJSON_Delete(j);
    }
    assert_true(checked > 50);
    hss_store_close(st);
}

static void indicators_impact_and_status(void **state)
{
    (void)state;
    /* without a pack, the targets are the region's own: this test region names none, so the
     * national pack, which sets no indicator target */
    cJSON *j = get_json("/api/v1/indicators?under=331102&period=2025Q1&indicator=basic_level_visit_share", &admin, 200);
    assert_string_equal(str(j, "pack"), "national");
    assert_string_equal(str(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "indicators"), 0), "area"), "status"), "none");
    cJSON_Delete(j);
    j = get_json("/api/v1/indicators?under=331102&period=2025Q1&indicator=basic_level_visit_share&pack=liaocheng", &admin, 200);
    assert_string_equal(str(j, "period"), "2025Q1");
    cJSON *ind = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "indicators"), 0);
    assert_non_null(ind);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "indicators")), 1);
    cJSON *area = cJSON_GetObjectItem(ind, "area");
    assert_string_equal(str(area, "code"), "331102");
    /* this region holds no records of visits: the value says it comes from monthly reports */
    assert_string_equal(str(area, "source"), "import");
    assert_string_equal(str(area, "source_note"), "来自上报汇总");
    double v = num(area, "value"), d = num(area, "denominator"), target = num(area, "target");
    assert_true(target == 65.0);
    assert_string_equal(str(area, "status"), v >= 65.0 ? "pass" : "fail");
    /* impact = (child - area) * child_den / area_den, and the impacts of the townships (which
     * partition the county) add up to ~0 */
    double sum = 0;
    int towns = 0;
    cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(ind, "children"))
    {
        if (isnan(num(c, "impact")))
            continue;
        double want = (num(c, "value") - v) * num(c, "denominator") / d;
        assert_true(fabs(num(c, "impact") - want) < 0.01);
        if (!strcmp(str(c, "level"), "township")) {
            sum += num(c, "impact");
            towns++;
        }
    }
    assert_true(towns == 2);
    assert_true(fabs(sum) < 0.05);
    cJSON_Delete(j);

    /* trend: 24 months ending with the period, the last one is the area's value */
    j = get_json("/api/v1/indicators?under=331102&period=2025-12&indicator=basic_level_visit_share&trend=24", &liandu, 200);
    ind = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "indicators"), 0);
    cJSON *tr = cJSON_GetObjectItem(ind, "trend");
    assert_int_equal(cJSON_GetArraySize(tr), 24);
    assert_string_equal(str(cJSON_GetArrayItem(tr, 0), "period"), "2024-01");
    assert_string_equal(str(cJSON_GetArrayItem(tr, 23), "period"), "2025-12");
    assert_true(fabs(num(cJSON_GetArrayItem(tr, 23), "value") - num(cJSON_GetObjectItem(ind, "area"), "value")) < 1e-9);
    cJSON_Delete(j);

    /* a county user's default area is their county */
    j = get_json("/api/v1/indicators?period=2025Q1", &liandu, 200);
    assert_string_equal(str(j, "under"), "331102");
    cJSON_Delete(j);
}

static void indicators_scope_and_bad_arguments(void **state)
{
    (void)state;
    const char *forbidden[] = {"/api/v1/indicators?under=331121", "/api/v1/indicators?under=331100",
                               "/api/v1/indicators?under=331121100&period=2025Q1", "/api/v1/indicators?under=330000"};
    for (size_t i = 0; i < sizeof forbidden / sizeof *forbidden; i++)
        cJSON_Delete(get_json(forbidden[i], &liandu, 403));
    /* nothing of another county appears in a county user's drill-down */
    cJSON *j = get_json("/api/v1/indicators?period=2025", &liandu, 200);
    char *s = cJSON_PrintUnformatted(j);
    assert_null(strstr(s, "331121"));
    assert_null(strstr(s, "\"331100\""));
    free(s);
    cJSON_Delete(j);
    const char *bad[] = {"/api/v1/indicators?period=2025-13", "/api/v1/indicators?period=x'%20OR%201=1",
                         "/api/v1/indicators?indicator=no_such_indicator", "/api/v1/indicators?trend=1000",
                         "/api/v1/indicators?pack=nopack", "/api/v1/indicators?under=33110", "/api/v1/indicators?lang=fr"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        j = get_json(bad[i], &admin, 400);
        assert_non_null(cJSON_GetObjectItem(j, "error"));
        cJSON_Delete(j);
    }
    cJSON_Delete(get_json("/api/v1/indicators", NULL, 401));
}

/* The id of the newest alert with `status` in area prefix `prefix`, via the admin's list. */
static long long find_alert(const char *prefix, const char *status)
{
    char path[200];
    snprintf(path, sizeof path, "/api/v1/alerts?status=%s", status);
    cJSON *j = get_json(path, &admin, 200);
    long long id = 0;
    cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItem(j, "alerts"))
    {
        if (!id && !strncmp(str(a, "area_code"), prefix, strlen(prefix)))
            id = (long long)num(a, "id");
    }
    cJSON_Delete(j);
    return id;
}

static void alerts_scope(void **state)
{
    (void)state;
    cJSON *j = get_json("/api/v1/alerts", &admin, 200);
    int all = cJSON_GetArraySize(cJSON_GetObjectItem(j, "alerts"));
    assert_true(all > 0);
    cJSON_Delete(j);
    j = get_json("/api/v1/alerts", &liandu, 200);
    int mine = 0;
    cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItem(j, "alerts"))
    {
        assert_int_equal(strncmp(str(a, "area_code"), "331102", 6), 0);
        mine++;
    }
    assert_true(mine > 0 && mine < all);
    cJSON_Delete(j);
    cJSON_Delete(get_json("/api/v1/alerts?under=331121", &liandu, 403));
    cJSON_Delete(get_json("/api/v1/alerts?status=closed", &liandu, 400));

    /* an alert of Qingtian: not readable, not actionable by Liandu */
    long long other = find_alert("331121", "new");
    if (!other)
        other = find_alert("331121", "assigned");
    assert_true(other > 0);
    char path[200];
    snprintf(path, sizeof path, "/api/v1/alerts/%lld", other);
    cJSON_Delete(get_json(path, &liandu, 403));
    cJSON_Delete(get_json(path, &qingtian, 200));
    snprintf(path, sizeof path, "/api/v1/alerts/%lld/dismiss", other);
    cJSON_Delete(post_json(path, &liandu, liandu.csrf, "{\"note\":\"not mine\"}", 403));
    hss_store *st = hss_store_open_existing(db, NULL);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM surveil_alert WHERE id=%lld AND status IN ('new','assigned')", other);
    assert_int_equal(hss_test_query_int(st, sql), 1);
    hss_store_close(st);

    /* the response figures count only the alerts in scope */
    j = get_json("/api/v1/alerts/response", &liandu, 200);
    cJSON *rows = cJSON_GetObjectItem(j, "rows");
    cJSON *last = cJSON_GetArrayItem(rows, cJSON_GetArraySize(rows) - 1);
    assert_string_equal(str(last, "level"), "all");
    assert_int_equal((int)num(last, "alerts"), mine);
    cJSON_Delete(j);
    cJSON_Delete(get_json("/api/v1/alerts/999999", &admin, 404));
    cJSON_Delete(get_json("/api/v1/alerts/abc", &admin, 400));
}

static void alert_lifecycle_over_http(void **state)
{
    (void)state;
    long long id = find_alert("331102", "new");
    assert_true(id > 0);
    char path[200], base[100];
    snprintf(base, sizeof base, "/api/v1/alerts/%lld", id);

    /* the detail: its sources' series over 60 days and the raise event */
    cJSON *j = get_json(base, &liandu, 200);
    assert_string_equal(str(j, "status"), "new");
    cJSON *series = cJSON_GetObjectItem(j, "series");
    assert_true(cJSON_GetArraySize(series) >= 1);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetArrayItem(series, 0), "counts")), 60);
    assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "events"), 0), "action"), "raise");
    cJSON_Delete(j);

    /* no CSRF token: refused, nothing changes */
    snprintf(path, sizeof path, "%s/assign", base);
    cJSON_Delete(post_json(path, &liandu, NULL, "{\"note\":\"x\"}", 403));
    cJSON_Delete(post_json(path, &liandu, "0000", "{\"note\":\"x\"}", 403));
    /* a planner may read but not act */
    cJSON_Delete(post_json(path, &planner, planner.csrf, "{\"note\":\"x\"}", 403));
    /* invalid transition: 409 with what is allowed */
    snprintf(path, sizeof path, "%s/confirm", base);
    j = post_json(path, &liandu, liandu.csrf, "{\"note\":\"too early\"}", 409);
    assert_string_equal(str(j, "status"), "new");
    cJSON *allowed = cJSON_GetObjectItem(j, "allowed");
    assert_int_equal(cJSON_GetArraySize(allowed), 2);
    assert_string_equal(cJSON_GetArrayItem(allowed, 0)->valuestring, "assign");
    assert_string_equal(cJSON_GetArrayItem(allowed, 1)->valuestring, "dismiss");
    cJSON_Delete(j);
    snprintf(path, sizeof path, "%s/escalate", base);
    cJSON_Delete(post_json(path, &liandu, liandu.csrf, "{}", 404));
    snprintf(path, sizeof path, "%s/assign", base);
    cJSON_Delete(post_json(path, &liandu, liandu.csrf, "[1,2]", 400));

    /* the lifecycle */
    const char *steps[][3] = {{"assign", "assigned", "值班接收"}, {"investigate", "investigating", "现场核实"},
                              {"confirm", "confirmed", "确认聚集性疫情"}};
    for (int i = 0; i < 3; i++) {
        char body[200];
        snprintf(path, sizeof path, "%s/%s", base, steps[i][0]);
        snprintf(body, sizeof body, "{\"note\":\"%s\"}", steps[i][2]);
        j = post_json(path, &liandu, liandu.csrf, body, 200);
        assert_string_equal(str(j, "status"), steps[i][1]);
        cJSON_Delete(j);
    }
    snprintf(path, sizeof path, "%s/dismiss", base);
    j = post_json(path, &liandu, liandu.csrf, "{\"note\":\"again\"}", 409);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "allowed")), 0);
    cJSON_Delete(j);

    j = get_json(base, &admin, 200);
    assert_string_equal(str(j, "status"), "confirmed");
    assert_string_equal(str(j, "assigned_to"), "liandu");
    cJSON *ev = cJSON_GetObjectItem(j, "events");
    assert_int_equal(cJSON_GetArraySize(ev), 4); /* raise + 3 actions; refused ones leave none */
    for (int i = 1; i < 4; i++) {
        cJSON *e = cJSON_GetArrayItem(ev, i);
        assert_string_equal(str(e, "by"), "liandu");
        assert_string_equal(str(e, "action"), steps[i - 1][0]);
        assert_string_equal(str(e, "note"), steps[i - 1][2]);
    }
    cJSON_Delete(j);

    /* audit: three actions and the refusals, by the session user */
    hss_store *st = hss_store_open_existing(db, NULL);
    char sql[300];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM audit WHERE user_name='liandu' AND action='alert_action' AND target='alert %lld'", id);
    assert_int_equal(hss_test_query_int(st, sql), 3);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM audit WHERE user_name='liandu' AND action='alert_refused' AND target='alert %lld' AND status=409", id);
    assert_int_equal(hss_test_query_int(st, sql), 2);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM audit WHERE user_name='liandu' AND action='alert_action' AND detail LIKE '%%现场核实%%'");
    assert_int_equal(hss_test_query_int(st, sql), 1);
    hss_store_close(st);

    /* the list reflects it at once (the response cache follows the data version) */
    j = get_json("/api/v1/alerts?status=confirmed", &liandu, 200);
    int found = 0;
    cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItem(j, "alerts")) found |= (long long)num(a, "id") == id;
    assert_true(found);
    cJSON_Delete(j);
}

static void dashboard_screens(void **state)
{
    (void)state;
    assert_int_equal(access("web/dist/index.html", R_OK), 0); /* `make web` */
    assert_int_equal(access("/usr/bin/chromium", X_OK), 0);    /* apt: chromium (.ci/apt/server.txt) */
    const char *extra[] = {"--web", "web/dist", NULL};
    test_server web = start_server(db, extra);
    const char *build = getenv("BUILD");
    char cmd[1024], *out;
    snprintf(cmd, sizeof cmd, "node tests/server/e2e_monitor.mjs http://127.0.0.1:%d/ liandu liandu-pass-1 331102 %s/artifacts 2>&1",
             web.port, build && *build ? build : "build");
    int rc = hss_test_run(cmd, &out);
    fputs(out, stdout);
    free(out);
    stop_server(&web);
    assert_int_equal(rc, 0);
    /* the action taken on the page was recorded as liandu's, with its note */
    hss_store *st = hss_store_open_existing(db, NULL);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM surveil_alert_event WHERE by_user='liandu' AND action IN ('assign','investigate') "
                                            "AND note LIKE '%联系乡镇卫生院核实%'"), 1);
    hss_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(indicators_equal_library_values),
        cmocka_unit_test(indicators_impact_and_status),
        cmocka_unit_test(indicators_scope_and_bad_arguments),
        cmocka_unit_test(alerts_scope),
        cmocka_unit_test(alert_lifecycle_over_http),
        cmocka_unit_test(dashboard_screens),
    };
    return cmocka_run_group_tests_name("server-monitor", tests, setup, teardown);
}
