/*
 * test_sim.c: the discrete-event simulation on the hand-made road of fixture_ems.h with the
 * stated default intervals (dispatch 1, turnout 2, scene 15, transport 20, handover 10 minutes;
 * the stored calls are too few to draw from). A replay where the second call waits for the only
 * unit, nearest-available dispatch, the what-ifs, and determinism for a seed.
 */
#include "group.h"
static char *TWO;

static int setup(void **state)
{
    (void)state;
    ems_group_build("sim.db", 0);
    /* two calls at node 12, five minutes apart, with their measured on-scene times */
    TWO = hss_test_write(DIR_, "two.csv",
                         "call_id,received_at,lon,lat,village_code,on_scene_at\n"
                         "k1,2025-03-01T10:00:00+08:00,119.12,28.0,331121001013,2025-03-01T10:06:00+08:00\n"
                         "k2,2025-03-01T10:05:00+08:00,119.12,28.0,331121001013,2025-03-01T10:20:00+08:00\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(TWO);
    return ems_group_teardown(state);
}

static hss_ems_sim_result sim(const hss_ems_sim_opts *o, hss_table **calls)
{
    hss_error err;
    hss_error_clear(&err);
    hss_store *st = hss_store_open_existing(DB, &err);
    hss_ems_sim_result r;
    if (hss_ems_simulate(st, o, &r, calls, &err) != HSS_OK)
        fail_msg("%s", err.msg);
    hss_store_close(st);
    return r;
}

static void expect_call(const hss_table *t, size_t row, const char *unit, const char *wait, const char *resp)
{
    assert_string_equal(hss_table_cell(t, row, 1), unit);
    assert_string_equal(hss_table_cell(t, row, 2), wait);
    assert_string_equal(hss_table_cell(t, row, 3), resp);
}

static void second_call_waits_for_the_only_unit(void **state)
{
    (void)state;
    hss_ems_sim_opts o = {0};
    o.calls_file = TWO;
    o.under = "331121"; /* only B1, at node 10 */
    o.seed = 1;
    hss_table *t = NULL;
    hss_ems_sim_result r = sim(&o, &t);
    assert_int_equal(r.units, 1);
    assert_int_equal(r.intervals_measured, 0);
    /* k1: 1 + 2 + 2 min travel = 5; B1 is free at 10:00 + 5 + 15 + 20 + 10 = 10:50.
     * k2 (10:05) waits 45 min, then 2 + 2: on scene at 10:54, 49 min after the call. */
    expect_call(t, 0, "B1", "0", "5");
    expect_call(t, 1, "B1", "45", "49");
    assert_int_equal(r.queued, 1);
    assert_true(fabs(r.response_mean - 27) < 1e-9);
    assert_true(fabs(r.queue_mean - 45) < 1e-9);
    assert_int_equal(r.measured_calls, 2);
    assert_true(fabs(r.measured_mean - 10.5) < 1e-9); /* (6 + 15) / 2 */
    /* the same replay gives the same times */
    hss_table *t2 = NULL;
    sim(&o, &t2);
    char *a = hss_table_render(t, HSS_FORMAT_CSV), *b = hss_table_render(t2, HSS_FORMAT_CSV);
    assert_string_equal(a, b);
    free(a);
    free(b);
    hss_table_free(t);
    hss_table_free(t2);
}

static void nearest_available_and_what_ifs(void **state)
{
    (void)state;
    hss_ems_sim_opts o = {0};
    o.calls_file = TWO;
    o.seed = 1;
    hss_table *t = NULL;
    hss_ems_sim_result r = sim(&o, &t);
    assert_int_equal(r.units, 3);
    expect_call(t, 0, "B1", "0", "5");
    expect_call(t, 1, "A1", "0", "15"); /* B1 busy: A1 from node 0, 12 min away */
    hss_table_free(t);
    /* a new station at node 12 with one ambulance */
    o.under = "331121";
    o.add_station = 1;
    o.add_lon = ems_lon(12);
    o.add_lat = EMS_LAT;
    o.add_station_units = 1;
    r = sim(&o, &t);
    assert_int_equal(r.stations, 2);
    expect_call(t, 0, "new-station-1", "0", "3");
    expect_call(t, 1, "B1", "0", "5");
    hss_table_free(t);
    /* one more ambulance at E10 instead */
    o.add_station = 0;
    o.add_units_station = "E10";
    o.add_units = 1;
    r = sim(&o, &t);
    expect_call(t, 0, "B1", "0", "5");
    expect_call(t, 1, "new-E10-1", "0", "5");
    assert_int_equal(r.queued, 0);
    hss_table_free(t);
    o.add_units_station = "H5";
    hss_error err;
    hss_store *st = hss_store_open_existing(DB, &err);
    assert_int_equal(hss_ems_simulate(st, &o, &r, NULL, &err), HSS_ENOTFOUND);
    hss_store_close(st);
}

static void generated_calls_are_deterministic(void **state)
{
    (void)state;
    hss_ems_sim_opts o = {0};
    o.rate = 100; /* 21,000 residents: 2,100 calls a year */
    o.days = 365;
    o.seed = 7;
    hss_ems_sim_result a = sim(&o, NULL), b = sim(&o, NULL);
    assert_true(a.calls > 1900 && a.calls < 2300);
    assert_int_equal(a.calls, b.calls);
    assert_true(a.response_mean == b.response_mean && a.response_p90 == b.response_p90 && a.queued == b.queued);
    o.seed = 8;
    hss_ems_sim_result c = sim(&o, NULL);
    assert_true(c.calls != a.calls || c.response_mean != a.response_mean);
    /* responses are at least dispatch + turnout */
    assert_true(a.response_median >= 3);
    assert_true(a.urban_mean < a.rural_mean); /* urban villages sit next to E0 */
}

static void cli_simulate(void **state)
{
    (void)state;
    char cmd[1200], *out;
    snprintf(cmd, sizeof cmd, "%s ems simulate --db %s --calls %s --under 331121 --format json", hss_test_bin(), DB, TWO);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    cJSON *j = cJSON_Parse(out);
    if (!j)
        fail_msg("not JSON: %s", out);
    assert_int_equal(cJSON_GetObjectItem(j, "calls")->valueint, 2);
    assert_int_equal(cJSON_GetObjectItem(j, "queued")->valueint, 1);
    assert_true(fabs(cJSON_GetObjectItem(j, "response_mean")->valuedouble - 27) < 1e-9);
    assert_string_equal(cJSON_GetObjectItem(j, "intervals")->valuestring, "defaults");
    cJSON_Delete(j);
    free(out);
    snprintf(cmd, sizeof cmd, "%s ems simulate --db %s --add-units E10 --rate 5 2>&1", hss_test_bin(), DB);
    assert_int_equal(hss_test_run(cmd, &out), 2);
    assert_non_null(strstr(out, "--add-units needs STATION:N"));
    free(out);
    char *bad = hss_test_write(DIR_, "bad.csv", "call_id,received_at,lon,lat\nq,2025-03-01 10:00,119,28\n");
    snprintf(cmd, sizeof cmd, "%s ems simulate --db %s --calls %s 2>&1", hss_test_bin(), DB, bad);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "bad.csv:2: field received_at"));
    free(out);
    free(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(second_call_waits_for_the_only_unit),
        cmocka_unit_test(nearest_available_and_what_ifs),
        cmocka_unit_test(generated_calls_are_deterministic),
        cmocka_unit_test(cli_simulate),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
