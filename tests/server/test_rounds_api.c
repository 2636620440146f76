/* test_rounds_api.c: the rounds endpoints against the real `hss serve` on 127.0.0.1 and the
 * rounds screen in headless Chromium (tests/server/e2e_rounds.mjs), on a region built here
 * through the real importers:
 *
 *   a straight road of 20 edges, each 1000 m at 10 km/h (six minutes), nodes k = 0..20;
 *   villages at every node with k+1 hundred residents; nodes 0..9 in county 331102, 10..20 in
 *   331121; F0 township_health_center at node 0, F1 village_clinic at node 15, T10 township
 *   health centre at node 10. Within the 20-minute circle: nodes 0..3 (F0), 7..13 (T10) and
 *   12..18 (F1), so villages 4, 5, 6, 19 and 20 need rounds. The round R1 from T10 stops at 19
 *   and 20 on Monday and Thursday; 4, 5 and 6 stay unserved.
 *
 * Also: scope (a county user cannot read the other county's rounds or villages), bad parameters,
 * and the schedule as residents read it. */
#include "line_fixture.h"
#include "rounds/rounds.h"

static char *dir, *db;
static test_server srv;
static session admin, liandu;

/* Roads at 10 km/h (six minutes an edge); every village rural; T10 township health centre at
 * node 10; the round R1. */
static const line_region REGION = {
    10, 0, "T10,鹤城卫生院,township_health_center,1,government,331121001,119.1,28.0,,,,,0,0,0,\n"};

static void import_rounds(void)
{
    hss_error err;
    hss_store *st = hss_store_open(db, &err);
    assert_non_null(st);
    char *rounds = hss_test_write(dir, "rounds.csv",
                                  "round,vehicle,home,weekdays,start,seq,village,dwell_min,place\n"
                                  "R1,浙K-001,T10,14,08:00,1,331121001020,60,村文化礼堂\n"
                                  "R1,浙K-001,T10,14,08:00,2,331121001021,60,\n");
    if (hss_rounds_import(st, rounds, NULL, &err))
        fail_msg("%s", err.msg);
    free(rounds);
    hss_store_close(st);
}

static int setup(void **state)
{
    (void)state;
    dir = hss_test_tmpdir();
    char p[800];
    snprintf(p, sizeof p, "%s/rounds.db", dir);
    db = hss_xstrdup(p);
    line_region_build(dir, db, &REGION);
    import_rounds();
    assert_int_equal(add_user(db, "planner", "planner", "331100", "planner-pass-1", NULL), 0);
    const char *extra[] = {"--web", "web/dist", NULL};
    srv = line_server_start(db, extra, &admin, &liandu);
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

static int count_served(cJSON *villages, int served)
{
    int n = 0;
    for (cJSON *v = villages->child; v; v = v->next)
        n += cJSON_IsTrue(cJSON_GetObjectItem(v, "served")) == served;
    return n;
}

static void rounds_map_by_hand(void **state)
{
    (void)state;
    cJSON *j = http_get_json(srv.port, "/api/v1/rounds?under=331100", &admin, 200);
    assert_int_equal(cJSON_GetObjectItem(j, "villages_total")->valueint, 21);
    assert_int_equal(cJSON_GetObjectItem(j, "villages_served")->valueint, 18);
    cJSON *vs = cJSON_GetObjectItem(j, "villages");
    assert_int_equal(count_served(vs, 0), 3);
    cJSON *r = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "rounds"), 0);
    assert_string_equal(cJSON_GetObjectItem(r, "home_name")->valuestring, "鹤城卫生院");
    assert_string_equal(cJSON_GetObjectItem(r, "weekdays")->valuestring, "14");
    cJSON *stops = cJSON_GetObjectItem(r, "stops");
    assert_int_equal(cJSON_GetArraySize(stops), 2);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(stops, 0), "name")->valuestring, "村19");
    cJSON_Delete(j);
    /* the county user sees only their county: no round, villages 0..9 */
    j = http_get_json(srv.port, "/api/v1/rounds", &liandu, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "rounds")), 0);
    assert_int_equal(cJSON_GetObjectItem(j, "villages_total")->valueint, 10);
    assert_int_equal(cJSON_GetObjectItem(j, "villages_served")->valueint, 7);
    cJSON_Delete(j);
    cJSON_Delete(http_get_json(srv.port, "/api/v1/rounds?under=331121", &liandu, 403));
    cJSON_Delete(http_get_json(srv.port, "/api/v1/rounds?under=x'1", &admin, 400));
}

static void schedule_as_residents_read_it(void **state)
{
    (void)state;
    /* 2026-12-07 is a Monday: R1 leaves at 08:00, 54 minutes to village 19 (9 km at 10 km/h) */
    cJSON *j = http_get_json(srv.port, "/api/v1/rounds/schedule?village=331121001020&from=2026-12-07&days=7", &admin, 200);
    cJSON *v = cJSON_GetObjectItem(j, "visits");
    assert_int_equal(cJSON_GetArraySize(v), 2);
    cJSON *first = cJSON_GetArrayItem(v, 0);
    assert_string_equal(cJSON_GetObjectItem(first, "date")->valuestring, "2026-12-07");
    assert_string_equal(cJSON_GetObjectItem(first, "arrive")->valuestring, "08:54");
    assert_string_equal(cJSON_GetObjectItem(first, "place")->valuestring, "村文化礼堂");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(v, 1), "date")->valuestring, "2026-12-10");
    cJSON_Delete(j);
    /* village 20 after an hour at 19 and six minutes on */
    j = http_get_json(srv.port, "/api/v1/rounds/schedule?village=331121001021&from=2026-12-07&days=1", &admin, 200);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "visits"), 0), "arrive")->valuestring,
                        "10:00");
    cJSON_Delete(j);
    cJSON_Delete(http_get_json(srv.port, "/api/v1/rounds/schedule?village=331121001020", &liandu, 403));
    cJSON_Delete(http_get_json(srv.port, "/api/v1/rounds/schedule", &admin, 400));
    cJSON_Delete(http_get_json(srv.port, "/api/v1/rounds/schedule?village=331121001020&from=2026-02-30", &admin, 400));
    cJSON_Delete(http_get_json(srv.port, "/api/v1/rounds/schedule?village=331121001020&days=999", &admin, 400));
    cJSON_Delete(http_get_json(srv.port, "/api/v1/rounds/schedule?village=331121009999", &admin, 404));
}

/* The rounds screen in headless Chromium: tests/server/e2e_rounds.mjs. */
static void rounds_screen_end_to_end(void **state)
{
    (void)state;
    assert_int_equal(access("web/dist/index.html", R_OK), 0); /* `make web` */
    assert_int_equal(access("/usr/bin/chromium", X_OK), 0);
    const char *build = getenv("BUILD");
    char cmd[1600], *out;
    snprintf(cmd, sizeof cmd, "node tests/server/e2e_rounds.mjs http://127.0.0.1:%d/ planner planner-pass-1 331121 %s/artifacts 2>&1",
             srv.port, build && *build ? build : "build");
    int rc = hss_test_run(cmd, &out);
    fputs(out, stdout);
    free(out);
    assert_int_equal(rc, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rounds_map_by_hand),
        cmocka_unit_test(schedule_as_residents_read_it),
        cmocka_unit_test(rounds_screen_end_to_end),
    };
    return cmocka_run_group_tests_name("rounds-api", tests, setup, teardown);
}
