/*
 * test_demo.c: the generated 120 data on the hand-made region of fixture_ems.h. Units come from
 * the stations' vehicles with the EMS staff shared out; a year of calls is made by the simulation,
 * labelled generated, the same for a seed, consistent (no unit on two calls at once, steps in
 * order), and replaced, not duplicated, when generated again (a stored call of a generated
 * call's key replaced too, other imported calls kept).
 */
#include "group.h"

static int setup(void **state)
{
    (void)state;
    ems_group_build("demo.db", 0);
    hss_error err;
    hss_store *st = hss_store_open_existing(DB, &err);
    ems_exec(st, "INSERT INTO vehicle VALUES('E0','ambulance',2),('E10','negative_pressure_ambulance',1);"
                 "INSERT INTO staff VALUES('E0','ems_doctor',3),('E0','ems_driver',2),('E0','ems_aide',3),"
                 "('E10','ems_doctor',1),('E10','ems_driver',1),('E10','ems_aide',2);");
    hss_store_close(st);
    return 0;
}

static long long q(hss_store *st, const char *sql)
{
    return hss_test_query_int(st, sql);
}

static void units_and_calls_generated(void **state)
{
    (void)state;
    hss_error err;
    hss_store *st = hss_store_open_existing(DB, &err);
    size_t units = 0, calls = 0;
    assert_int_equal(hss_ems_demo(st, 5, 100, 2025, &units, &calls, &err), HSS_OK);
    assert_int_equal(units, 3);
    assert_true(calls > 1900 && calls < 2300); /* 21,000 residents at 100 per 1,000 a year */
    assert_int_equal(q(st, "SELECT COUNT(*) FROM ems_call WHERE generated = 1"), (long long)calls);
    /* crews: E0's 3 doctors, 2 drivers, 3 aides over two ambulances */
    assert_int_equal(q(st, "SELECT doctors*100 + drivers*10 + aides FROM ems_unit WHERE code='E0-01'"), 212);
    assert_int_equal(q(st, "SELECT doctors*100 + drivers*10 + aides FROM ems_unit WHERE code='E0-02'"), 111);
    assert_int_equal(q(st, "SELECT kind = 'negative_pressure_ambulance' FROM ems_unit WHERE code='E10-01'"), 1);
    /* records are consistent: steps in order, no overlaps, times in 2025 (Asia/Shanghai) */
    assert_int_equal(q(st, "SELECT COUNT(*) FROM ems_call WHERE generated=1 AND unit_code IS NOT NULL AND NOT("
                           "received_at <= dispatched_at AND dispatched_at <= departed_at AND departed_at <= on_scene_at"
                           " AND on_scene_at <= left_scene_at AND (at_hospital_at IS NULL OR (left_scene_at <= at_hospital_at"
                           " AND at_hospital_at <= handover_at AND hospital_code IS NOT NULL)))"), 0);
    assert_int_equal(q(st, "SELECT COUNT(*) FROM (SELECT dispatched_at, MAX(busy_end) OVER (PARTITION BY unit_code"
                           " ORDER BY dispatched_at, call_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS pe"
                           " FROM ems_call WHERE busy_end IS NOT NULL) AS o WHERE dispatched_at < pe"), 0);
    assert_int_equal(q(st, "SELECT MIN(received_at) >= 1735660800 AND MAX(received_at) < 1767196800 FROM ems_call"), 1);
    long long first = q(st, "SELECT received_at FROM ems_call WHERE call_id='G2025-000001'");
    long long share = q(st, "SELECT 100 * SUM(CASE WHEN hospital_code IS NOT NULL THEN 1 ELSE 0 END) / COUNT(*) FROM ems_call");
    assert_true(share > 70 && share < 90); /* 4 in 5 carried */
    /* imported calls: one under a generated call's key (id and county), one of its own */
    ems_exec(st, "UPDATE ems_call SET generated = 0, priority = '9' WHERE call_id = 'G2025-000005';"
                 "INSERT INTO ems_call(call_id, county_code, village_code, lon, lat, received_at)"
                 " SELECT 'IMP-1', county_code, village_code, lon, lat, received_at FROM ems_call"
                 " WHERE call_id = 'G2025-000001'");
    /* again with the same seed: the same calls, not twice as many; the generated call replaces
     * the imported one of its key (as an upsert would), the other imported call stays */
    assert_int_equal(hss_ems_demo(st, 5, 100, 2025, &units, &calls, &err), HSS_OK);
    assert_int_equal(q(st, "SELECT COUNT(*) FROM ems_call"), (long long)calls + 1);
    assert_int_equal(q(st, "SELECT COUNT(*) FROM ems_call WHERE call_id = 'IMP-1' AND generated = 0"), 1);
    assert_int_equal(q(st, "SELECT COUNT(*) FROM ems_call WHERE call_id = 'G2025-000005'"), 1);
    assert_int_equal(q(st, "SELECT generated * 10 + (CASE WHEN priority = '9' THEN 1 ELSE 0 END) FROM ems_call"
                           " WHERE call_id = 'G2025-000005'"), 10);
    assert_int_equal(q(st, "SELECT received_at FROM ems_call WHERE call_id='G2025-000001'"), first);
    assert_int_equal(q(st, "SELECT COUNT(*) FROM ems_unit"), 6); /* 3 imported + 3 generated */
    /* the measured performance and the simulation read the generated records */
    hss_ems_perf_query pq = {NULL, "county", HSS_EMS_NO_TIME, HSS_EMS_NO_TIME};
    hss_table *t = NULL;
    assert_int_equal(hss_ems_performance(st, &pq, &t, NULL, NULL, &err), HSS_OK);
    assert_int_equal(hss_table_rows(t), 5); /* 331102 urban, rural, all; 331121 rural, all */
    hss_table_free(t);
    hss_ems_sim_opts o = {0};
    o.rate = 100;
    o.days = 30;
    o.seed = 3;
    hss_ems_sim_result r;
    assert_int_equal(hss_ems_simulate(st, &o, &r, NULL, &err), HSS_OK);
    assert_int_equal(r.intervals_measured, 1);
    hss_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(units_and_calls_generated),
    };
    return cmocka_run_group_tests(tests, setup, ems_group_teardown);
}
