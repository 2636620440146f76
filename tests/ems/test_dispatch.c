/*
 * test_dispatch.c: nearest-available dispatch on the hand-made road of fixture_ems.h (one minute
 * a kilometre). A1 and A2 stand at node 0, B1 at node 10; the stored call c1 keeps A1 busy from
 * 08:01 to 08:45 on 1 March. Every answer is the node distance in minutes. Also the receiving
 * hospital by capability, unit states set through the API (each an audit row), and the CLI.
 */
#include "group.h"

static int setup(void **state)
{
    (void)state;
    ems_group_build("dispatch.db", 1);
    return 0;
}

static int64_t at(const char *s)
{
    int64_t t;
    assert_int_equal(hss_ems_time_parse(s, &t), 0);
    return t;
}

static hss_ems_dispatch_result go(hss_store *st, const char *when, int node, const char *category)
{
    hss_ems_dispatch_result r;
    hss_error err;
    hss_error_clear(&err);
    if (hss_ems_dispatch(st, at(when), ems_lon(node), EMS_LAT, category, &r, &err) != HSS_OK)
        fail_msg("%s", err.msg);
    return r;
}

static void near(double got, double want)
{
    if (fabs(got - want) > 1e-3)
        fail_msg("got %.4f, expected %.4f", got, want);
}

static void nearest_when_all_free(void **state)
{
    (void)state;
    hss_error err;
    hss_store *st = hss_store_open_existing(DB, &err);
    hss_ems_dispatch_result r = go(st, "2025-03-01T07:00:00+08:00", 3, NULL);
    assert_true(r.found);
    assert_string_equal(r.best.unit, "A1"); /* A1 and A2 both 3 min: the tie goes by code */
    assert_string_equal(r.best.station, "E0");
    near(r.best.minutes, 3);
    assert_int_equal(r.nalt, 2);
    assert_string_equal(r.alt[0].unit, "A2");
    assert_string_equal(r.alt[1].unit, "B1");
    near(r.alt[1].minutes, 7);
    assert_int_equal(r.busy, 0);
    assert_string_equal(r.hospital, "H5"); /* nearest emergency department, 2 min */
    near(r.hospital_minutes, 2);
    r = go(st, "2025-03-01T07:00:00+08:00", 15, NULL);
    assert_string_equal(r.best.unit, "B1");
    near(r.best.minutes, 5);
    near(r.alt[0].minutes, 15);
    hss_store_close(st);
}

static void nearest_busy_goes_to_next(void **state)
{
    (void)state;
    hss_error err;
    hss_store *st = hss_store_open_existing(DB, &err);
    /* 08:30: A1 is on c1 (until its handover at 08:45) */
    hss_ems_dispatch_result r = go(st, "2025-03-01T08:30:00+08:00", 3, "chest_pain");
    assert_string_equal(r.best.unit, "A2");
    near(r.best.minutes, 3);
    assert_int_equal(r.nalt, 1);
    assert_string_equal(r.alt[0].unit, "B1");
    assert_int_equal(r.busy, 1);
    assert_string_equal(r.hospital, "H20"); /* the chest-pain centre, 17 min, not H5 */
    assert_string_equal(r.hospital_service, "chest_pain_center");
    near(r.hospital_minutes, 17);
    /* at the handover A1 is free again; c2 (no patient carried) frees A1 at 09:30 when it left the scene */
    r = go(st, "2025-03-01T08:45:00+08:00", 3, NULL);
    assert_string_equal(r.best.unit, "A1");
    r = go(st, "2025-03-01T09:29:59+08:00", 3, NULL);
    assert_string_equal(r.best.unit, "A2");
    r = go(st, "2025-03-01T09:30:00+08:00", 3, NULL);
    assert_string_equal(r.best.unit, "A1");
    /* no stroke centre is stored: the nearest emergency department */
    r = go(st, "2025-03-01T07:00:00+08:00", 3, "stroke");
    assert_string_equal(r.hospital, "H5");
    assert_string_equal(r.hospital_service, "");
    /* off the road */
    hss_error_clear(&err);
    assert_int_equal(hss_ems_dispatch(st, at("2025-03-01T07:00:00+08:00"), 119.05, 28.06, NULL, &r, &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "farther than 2000 m from any road"));
    hss_store_close(st);
}

static void states_through_the_api(void **state)
{
    (void)state;
    hss_error err;
    hss_store *st = hss_store_open_existing(DB, &err);
    assert_int_equal(hss_ems_unit_set_state(st, "A2", "out_of_service", at("2025-03-01T08:00:00+08:00"), "dispatcher1", &err),
                     HSS_OK);
    assert_int_equal(hss_test_query_int(st, "SELECT COUNT(*) FROM ems_unit_event WHERE unit_code='A2' AND "
                                            "state='out_of_service' AND user_name='dispatcher1' AND county_code='331102'"), 1);
    hss_ems_dispatch_result r = go(st, "2025-03-01T08:30:00+08:00", 3, NULL);
    assert_string_equal(r.best.unit, "B1"); /* A1 on c1, A2 out of service */
    near(r.best.minutes, 7);
    assert_int_equal(r.nalt, 0);
    assert_int_equal(r.busy, 2);
    r = go(st, "2025-03-01T07:59:59+08:00", 3, NULL); /* before the change */
    assert_int_equal(r.nalt, 2);
    hss_table *t = NULL;
    assert_int_equal(hss_ems_units_table(st, NULL, at("2025-03-01T08:30:00+08:00"), &t, &err), HSS_OK);
    assert_int_equal(hss_table_rows(t), 3);
    assert_string_equal(hss_table_cell(t, 0, 9), "transporting"); /* A1 left the scene at 08:20 */
    assert_string_equal(hss_table_cell(t, 1, 9), "out_of_service");
    assert_string_equal(hss_table_cell(t, 2, 9), "available");
    assert_string_equal(hss_table_cell(t, 0, 8), "1"); /* crew ok */
    hss_table_free(t);
    assert_int_equal(hss_ems_units_table(st, "331121", at("2025-03-01T08:30:00+08:00"), &t, &err), HSS_OK);
    assert_int_equal(hss_table_rows(t), 1);
    hss_table_free(t);
    /* back in service */
    assert_int_equal(hss_ems_unit_set_state(st, "A2", "available", at("2025-03-01T08:40:00+08:00"), "dispatcher1", &err),
                     HSS_OK);
    r = go(st, "2025-03-01T08:41:00+08:00", 3, NULL);
    assert_string_equal(r.best.unit, "A2");
    assert_int_equal(hss_ems_unit_set_state(st, "A2", "asleep", HSS_EMS_NO_TIME, "x", &err), HSS_EINVAL);
    assert_int_equal(hss_ems_unit_set_state(st, "Z9", "available", HSS_EMS_NO_TIME, "x", &err), HSS_ENOTFOUND);
    assert_int_equal(hss_test_query_int(st, "SELECT COUNT(*) FROM ems_unit_event"), 2);
    hss_store_close(st);
}

static void cli_dispatch_json(void **state)
{
    (void)state;
    char cmd[1200], *out;
    snprintf(cmd, sizeof cmd, "%s ems dispatch --db %s --at 2025-03-01T07:00:00+08:00 --lon 119.15 --lat 28.0 "
             "--category chest_pain --format json", hss_test_bin(), DB);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    cJSON *j = cJSON_Parse(out);
    if (!j)
        fail_msg("not JSON: %s", out);
    assert_string_equal(cJSON_GetObjectItem(j, "unit")->valuestring, "B1");
    assert_string_equal(cJSON_GetObjectItem(j, "station")->valuestring, "E10");
    assert_true(fabs(cJSON_GetObjectItem(j, "minutes")->valuedouble - 5) < 1e-6);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "alternatives")), 2);
    assert_string_equal(cJSON_GetObjectItem(j, "hospital")->valuestring, "H20");
    cJSON_Delete(j);
    free(out);
    snprintf(cmd, sizeof cmd, "%s ems dispatch --db %s --at 07:00 --lon 119.15 --lat 28.0 2>&1", hss_test_bin(), DB);
    assert_int_equal(hss_test_run(cmd, &out), 2);
    assert_non_null(strstr(out, "--at: '07:00' is not a time with offset"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s ems state --db %s --unit B1 --state on_scene --user d2 && %s ems units --db %s --format csv",
             hss_test_bin(), DB, hss_test_bin(), DB);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "unit B1 is now on_scene"));
    assert_non_null(strstr(out, "B1,E10,E10,331121,ambulance,0,1,2,0,on_scene"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nearest_when_all_free),
        cmocka_unit_test(nearest_busy_goes_to_next),
        cmocka_unit_test(states_through_the_api),
        cmocka_unit_test(cli_dispatch_json),
    };
    return cmocka_run_group_tests(tests, setup, ems_group_teardown);
}
