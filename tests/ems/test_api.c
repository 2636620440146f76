/*
 * test_api.c: the 120 endpoints against the real `hss serve` on 127.0.0.1, on the hand-made
 * region of fixture_ems.h with its four calls: units with states, measured performance, dispatch
 * (the same answers as the module's tests), unit state changes (CSRF, scope, bad input, the
 * module's audit row and the server's write trace), and a county user kept to its county.
 */
#include "server/server_harness.h"

#include "group.h"

static test_server srv;
static session admin, liandu;

static int setup(void **state)
{
    (void)state;
    ems_group_build("api.DB", 1);
    assert_int_equal(add_user(DB, "admin", "admin", "331100", "admin-pass-1", NULL), 0);
    assert_int_equal(add_user(DB, "liandu", "county", "331102", "liandu-pass-1", NULL), 0);
    srv = start_server(DB, NULL);
    assert_int_equal(login(srv.port, "admin", "admin-pass-1", &admin), 200);
    assert_int_equal(login(srv.port, "liandu", "liandu-pass-1", &liandu), 200);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    stop_server(&srv);
    return ems_group_teardown(state);
}

static void units_and_performance(void **state)
{
    (void)state;
    cJSON *j = http_get_json(srv.port, "/api/v1/ems/units?at=2025-03-01T08:30:00%2B08:00", &admin, 200);
    cJSON *u = cJSON_GetObjectItem(j, "units");
    assert_int_equal(cJSON_GetArraySize(u), 3);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(u, 0), "state")->valuestring, "transporting");
    assert_true(fabs(cJSON_GetObjectItem(cJSON_GetArrayItem(u, 2), "lon")->valuedouble - 119.1) < 1e-9);
    cJSON_Delete(j);
    j = http_get_json(srv.port, "/api/v1/ems/units", &liandu, 200); /* A1 and A2 only */
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "units")), 2);
    cJSON_Delete(j);
    j = http_get_json(srv.port, "/api/v1/ems/units?under=331121", &liandu, 403);
    cJSON_Delete(j);
    j = http_get_json(srv.port, "/api/v1/ems/performance?by=month", &admin, 200);
    cJSON *a = cJSON_GetObjectItem(j, "areas");
    assert_int_equal(cJSON_GetArraySize(a), 5); /* 2025-03 urban, rural, all; 2025-04 rural, all */
    cJSON_Delete(j);
    j = http_get_json(srv.port, "/api/v1/ems/performance", &liandu, 200);
    a = cJSON_GetObjectItem(j, "areas");
    assert_int_equal(cJSON_GetArraySize(a), 2);
    cJSON *row = cJSON_GetArrayItem(a, 0);
    assert_true(fabs(cJSON_GetObjectItem(row, "response_mean")->valuedouble - 10.5) < 1e-9);
    assert_true(fabs(cJSON_GetObjectItem(row, "target")->valuedouble - 11) < 1e-9);
    cJSON_Delete(j);
    j = http_get_json(srv.port, "/api/v1/ems/performance?from=2025-04-01&to=2025-04-30", &admin, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "areas")), 2);
    cJSON_Delete(j);
    j = http_get_json(srv.port, "/api/v1/ems/performance?by=week", &admin, 400);
    cJSON_Delete(j);
    j = http_get_json(srv.port, "/api/v1/ems/performance?from=soon", &admin, 400);
    cJSON_Delete(j);
}

static void dispatch_endpoint(void **state)
{
    (void)state;
    cJSON *j = http_get_json(srv.port, "/api/v1/ems/dispatch?at=2025-03-01T08:30:00%2B08:00&lon=119.03&lat=28.0"
                                       "&category=chest_pain", &admin, 200);
    assert_string_equal(cJSON_GetObjectItem(j, "unit")->valuestring, "A2"); /* A1 is on c1 */
    assert_true(fabs(cJSON_GetObjectItem(j, "minutes")->valuedouble - 3) < 1e-9);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "alternatives")), 1);
    assert_string_equal(cJSON_GetObjectItem(j, "hospital")->valuestring, "H20");
    cJSON_Delete(j);
    j = http_get_json(srv.port, "/api/v1/ems/dispatch?lon=119.03&lat=28.0", &admin, 400);
    cJSON_Delete(j);
    j = http_get_json(srv.port, "/api/v1/ems/dispatch?at=2025-03-01T08:30:00%2B08:00&lon=500&lat=28.0", &admin, 400);
    cJSON_Delete(j);
}

static void simulate_and_plan(void **state)
{
    (void)state;
    cJSON *j = http_get_json(srv.port, "/api/v1/ems/simulate?rate=100&days=30&seed=4", &admin, 200);
    cJSON *again = http_get_json(srv.port, "/api/v1/ems/simulate?rate=100&days=30&seed=4", &admin, 200);
    assert_true(cJSON_GetObjectItem(j, "calls")->valueint > 100);
    assert_int_equal(cJSON_GetObjectItem(j, "units")->valueint, 3);
    assert_string_equal(cJSON_GetObjectItem(j, "intervals")->valuestring, "defaults");
    assert_true(cJSON_GetObjectItem(j, "response_mean")->valuedouble ==
                cJSON_GetObjectItem(again, "response_mean")->valuedouble); /* the same seed, the same run */
    cJSON_Delete(j);
    cJSON_Delete(again);
    j = http_get_json(srv.port, "/api/v1/ems/simulate?rate=100&days=30&add_units=E10:2", &admin, 200);
    assert_int_equal(cJSON_GetObjectItem(j, "units")->valueint, 5);
    cJSON_Delete(j);
    j = http_get_json(srv.port, "/api/v1/ems/simulate?add_units=E10", &admin, 400);
    cJSON_Delete(j);
    j = http_get_json(srv.port, "/api/v1/ems/simulate?days=9999", &admin, 400);
    cJSON_Delete(j);
    j = http_get_json(srv.port, "/api/v1/ems/plan?units=4&busy=0.5", &admin, 200);
    cJSON *steps = cJSON_GetObjectItem(j, "steps");
    assert_int_equal(cJSON_GetArraySize(steps), 4);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(steps, 0), "site")->valuestring, "E10");
    assert_true(fabs(cJSON_GetObjectItem(cJSON_GetArrayItem(steps, 3), "gain")->valuedouble - 1625) < 1e-9);
    cJSON_Delete(j);
    j = http_get_json(srv.port, "/api/v1/ems/plan?under=331121", &liandu, 403);
    cJSON_Delete(j);
}

static void state_changes(void **state)
{
    (void)state;
    http_resp r;
    const char *body = "{\"state\":\"out_of_service\",\"at\":\"2025-03-01T08:00:00+08:00\"}";
    http_req(srv.port, "POST", "/api/v1/ems/units/A2/state", admin.token, NULL, body, &r);
    assert_int_equal(r.status, 403); /* no CSRF token */
    http_resp_free(&r);
    http_req(srv.port, "POST", "/api/v1/ems/units/B1/state", liandu.token, liandu.csrf, body, &r);
    assert_int_equal(r.status, 404); /* B1 is in 331121, outside the county user's scope */
    http_resp_free(&r);
    http_req(srv.port, "POST", "/api/v1/ems/units/A2/state", liandu.token, liandu.csrf, "{\"state\":\"asleep\"}", &r);
    assert_int_equal(r.status, 400);
    http_resp_free(&r);
    assert_int_equal(db_query_int(DB, "SELECT COUNT(*) FROM ems_unit_event"), 0);
    http_req(srv.port, "POST", "/api/v1/ems/units/A2/state", liandu.token, liandu.csrf, body, &r);
    assert_int_equal(r.status, 200);
    http_resp_free(&r);
    assert_int_equal(db_query_int(DB, "SELECT COUNT(*) FROM ems_unit_event WHERE unit_code='A2' AND user_name='liandu'"
                                      " AND state='out_of_service'"), 1);
    assert_int_equal(db_query_int(DB, "SELECT COUNT(*) FROM audit WHERE target LIKE 'POST /api/v1/ems/units/A2/state'"
                                      " AND status=200 AND user_name='liandu'"), 1);
    cJSON *j = http_get_json(srv.port, "/api/v1/ems/dispatch?at=2025-03-01T08:30:00%2B08:00&lon=119.03&lat=28.0",
                             &admin, 200);
    assert_string_equal(cJSON_GetObjectItem(j, "unit")->valuestring, "B1");
    cJSON_Delete(j);
    j = http_get_json(srv.port, "/api/v1/ems/nothing", &admin, 404);
    cJSON_Delete(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(units_and_performance),
        cmocka_unit_test(dispatch_endpoint),
        cmocka_unit_test(simulate_and_plan),
        cmocka_unit_test(state_changes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
