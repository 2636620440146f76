/*
 * test_import.c: `hss ems units import` and `hss ems calls import` are strict. The good files are
 * stored whole; every bad file is refused with file:line, the field and the value, and nothing of
 * it is stored (the counts before and after are compared). ISO 8601 times with offsets.
 */
#include "group.h"

static int setup(void **state)
{
    (void)state;
    ems_group_build("import.db", 0);
    return 0;
}

static long long count(const char *sql)
{
    return db_query_int(DB, sql);
}

/* Imports `content` as calls (or units) and returns the error message ("" on success). */
static hss_code import(const char *name, const char *content, int units, char *msg, size_t len)
{
    char *path = hss_test_write(DIR_, name, content);
    hss_error err;
    hss_error_clear(&err);
    hss_store *st = hss_store_open_existing(DB, &err);
    assert_non_null(st);
    size_t n = 0;
    hss_code rc = units ? hss_ems_units_import(st, path, &n, &err) : hss_ems_calls_import(st, path, 0, &n, &err);
    hss_store_close(st);
    snprintf(msg, len, "%s", err.msg);
    free(path);
    return rc;
}

static void times_parse_with_offsets(void **state)
{
    (void)state;
    int64_t a, b, c;
    assert_int_equal(hss_ems_time_parse("2025-03-01T08:00:00+08:00", &a), 0);
    assert_int_equal(hss_ems_time_parse("2025-03-01T00:00:00Z", &b), 0);
    assert_int_equal(hss_ems_time_parse("2025-03-01T08:00+0800", &c), 0);
    assert_true(a == b && b == c);
    assert_int_equal(a, 1740787200);
    assert_int_equal(hss_ems_time_parse("2025-03-01T08:00:00.250-01:30", &a), 0);
    assert_int_equal(a - b, 8 * 3600 + 5400);
    assert_int_not_equal(hss_ems_time_parse("2025-03-01T08:00:00", &a), 0); /* no offset */
    assert_int_not_equal(hss_ems_time_parse("2025-02-30T08:00:00Z", &a), 0);
    assert_int_not_equal(hss_ems_time_parse("2025-03-01T24:00:00Z", &a), 0);
    assert_int_not_equal(hss_ems_time_parse("2025-03-01T08:00:00+08:00x", &a), 0);
    char out[32];
    hss_ems_time_format(b, out);
    assert_string_equal(out, "2025-03-01T08:00:00+08:00");
    assert_int_equal(hss_ems_day_parse("2025-03-01", &a), 0);
    assert_int_equal(a, b - 8 * 3600);
}

static void good_calls_are_stored(void **state)
{
    (void)state;
    char msg[1024];
    assert_int_equal(import("calls.csv", EMS_CALLS, 0, msg, sizeof msg), HSS_OK);
    assert_int_equal(count("SELECT COUNT(*) FROM ems_call"), 4);
    assert_int_equal(count("SELECT COUNT(*) FROM ems_call WHERE county_code='331121'"), 2);
    /* c2 carried nobody: A1 is free again when it left the scene */
    assert_int_equal(count("SELECT busy_end - dispatched_at FROM ems_call WHERE call_id='c2'"), 28 * 60);
    assert_int_equal(count("SELECT busy_end - dispatched_at FROM ems_call WHERE call_id='c1'"), 44 * 60);
    assert_int_equal(count("SELECT received_at FROM ems_call WHERE call_id='c3'"), 1740794400);
    /* the same file again replaces, not duplicates, and is no overlap with itself */
    assert_int_equal(import("calls.csv", EMS_CALLS, 0, msg, sizeof msg), HSS_OK);
    assert_int_equal(count("SELECT COUNT(*) FROM ems_call"), 4);
}

#define HEAD "call_id,received_at,lon,lat,village_code,priority,category,dispatched_at,unit,departed_at,on_scene_at," \
             "left_scene_at,at_hospital_at,handover_at,hospital,outcome\n"
#define OK1 "x1,2025-05-01T08:00:00+08:00,119.03,28.0,331102001004,1,,2025-05-01T08:01:00+08:00,A1," \
            "2025-05-01T08:03:00+08:00,2025-05-01T08:09:00+08:00,2025-05-01T08:20:00+08:00,,,,\n"

/* A stored call that a new file puts in another county is refused, and stays as it was (on
 * PostgreSQL a call's key is (call_id, county_code), the partition key: it would be stored twice). */
static void a_call_cannot_move_county(void **state)
{
    (void)state;
    char msg[1024];
    assert_int_equal(import("calls.csv", EMS_CALLS, 0, msg, sizeof msg), HSS_OK);
    assert_int_not_equal(import("moved.csv", HEAD "c2,2025-03-01T09:00:00+08:00,119.11,28.0,331121001012,2,other,,,,,,,,,\n",
                                0, msg, sizeof msg),
                         HSS_OK);
    assert_int_equal(count("SELECT COUNT(*) FROM ems_call WHERE call_id='c2'"), 1);
    assert_int_equal(count("SELECT COUNT(*) FROM ems_call WHERE call_id='c2' AND county_code='331102'"), 1);
}

static void bad_call_files_are_refused(void **state)
{
    (void)state;
    static const struct {
        const char *body, *expect;
    } cases[] = {
        {OK1 "x2,2025-05-01T09:00:00+08:00,119.03,28.0,331102001004,1,,2025-05-01T09:01:00+08:00,A2,"
             "2025-05-01T09:03:00+08:00,2025-05-01T09:02:00+08:00,,,,,\n",
         "bad.csv:3: field on_scene_at: '2025-05-01T09:02:00+08:00': is before departed_at (2025-05-01T09:03:00+08:00)"},
        {OK1 "x2,2025-05-01T08:10:00+08:00,119.03,28.0,331102001004,1,,2025-05-01T08:11:00+08:00,A1,,,,,,,\n",
         "bad.csv:3: field unit: 'A1': the unit is on call x1 (line 2) at the same time"},
        {"x3,2025-03-01T08:30:00+08:00,119.03,28.0,331102001004,1,,2025-03-01T08:31:00+08:00,A1,,,,,,,\n",
         "bad.csv:2: field unit: 'A1': the unit is on call c1 (already stored) at the same time"},
        {OK1 "x2,2025-05-01T09:00:00+08:00,120.5,28.0,331102001004,1,,,,,,,,,,\n",
         "bad.csv:3: field lon,lat: '120.5,28.0': the location is outside the region"},
        {OK1 "x2,2025-05-01T09:00:00+08:00,119.03,28.0,331102001004,1,,2025-05-01T09:01:00+08:00,Z9,,,,,,,\n",
         "bad.csv:3: field unit: 'Z9': no such unit is stored"},
        {"x2,2025-05-01T09:00:00+08:00,119.03,28.0,331102001004,1,,2025-05-01T09:01:00+08:00,A2,,,,"
         "2025-05-01T09:40:00+08:00,,E0,\n",
         "bad.csv:2: field hospital: 'E0': no such hospital is stored"},
        {"x2,2025-05-01T09:00:00+08:00,119.03,28.0,331102001099,1,,,,,,,,,,\n",
         "bad.csv:2: field village_code: '331102001099': no such village or township is stored"},
        {"x2,2025-05-01 09:00:00,119.03,28.0,331102001004,1,,,,,,,,,,\n",
         "bad.csv:2: field received_at: '2025-05-01 09:00:00': expected an ISO 8601 time with offset"},
        {OK1 "x1,2025-05-02T08:00:00+08:00,119.03,28.0,331102001004,1,,,,,,,,,,\n",
         "bad.csv:3: field call_id: 'x1': the same call is on line 2"},
        {"x2,2025-05-01T09:00:00+08:00,119.03,28.0,331102001004,1,,,,2025-05-01T09:03:00+08:00,,,,,,\n",
         "bad.csv:2: field unit: '': empty, but the call has unit times"},
        {"x2,2025-05-01T09:00:00+08:00,119.03,28.0,331102001004,1,,2025-05-01T09:01:00+08:00,A2,,,,"
         "2025-05-01T09:40:00+08:00,,,\n",
         "bad.csv:2: field hospital: '': empty, but the call reached a hospital"},
        {"x2,2025-05-01T09:00:00+08:00,north,28.0,331102001004,1,,,,,,,,,,\n",
         "bad.csv:2: field lon: 'north': expected a longitude"},
    };
    char msg[1024];
    assert_int_equal(import("calls.csv", EMS_CALLS, 0, msg, sizeof msg), HSS_OK);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char body[4096];
        snprintf(body, sizeof body, HEAD "%s", cases[i].body);
        assert_int_equal(import("bad.csv", body, 0, msg, sizeof msg), HSS_EINVAL);
        if (!strstr(msg, cases[i].expect))
            fail_msg("case %zu: got '%s', expected '%s'", i, msg, cases[i].expect);
        assert_int_equal(count("SELECT COUNT(*) FROM ems_call"), 4);
    }
    /* a header without received_at */
    assert_int_not_equal(import("bad.csv", "call_id,lon,lat,village_code\nx,119,28,331102001001\n", 0, msg, sizeof msg),
                         HSS_OK);
    assert_non_null(strstr(msg, "received_at"));
    assert_int_equal(count("SELECT COUNT(*) FROM ems_call"), 4);
}

static void bad_unit_files_are_refused(void **state)
{
    (void)state;
    static const struct {
        const char *body, *expect;
    } cases[] = {
        {"A9,E99,ambulance,1,1,2\n", "units.csv:3: field station_code: 'E99': no such facility is stored"},
        {"A9,H5,ambulance,1,1,2\n", "units.csv:3: field station_code: 'H5': not an ems_station or ems_center"},
        {"A9,E0,bus,1,1,2\n", "units.csv:3: field kind: 'bus': expected ambulance or negative_pressure_ambulance"},
        {"A9,E0,ambulance,1,-1,2\n", "units.csv:3: field drivers: '-1': expected a whole number 0-1000"},
        {",E0,ambulance,1,1,2\n", "units.csv:3: field unit: '': a unit needs a code"},
    };
    char msg[1024], body[512];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(body, sizeof body, "unit,station_code,kind,doctors,drivers,aides\nA8,E0,ambulance,1,1,2\n%s",
                 cases[i].body);
        assert_int_equal(import("units.csv", body, 1, msg, sizeof msg), HSS_EINVAL);
        if (!strstr(msg, cases[i].expect))
            fail_msg("case %zu: got '%s', expected '%s'", i, msg, cases[i].expect);
        assert_int_equal(count("SELECT COUNT(*) FROM ems_unit"), 3);
    }
    assert_int_equal(count("SELECT county_code = '331121' FROM ems_unit WHERE code='B1'"), 1);
}

static void cli_import_and_crew(void **state)
{
    (void)state;
    char cmd[1200], *out;
    char *bad = hss_test_write(DIR_, "cli_bad.csv", HEAD "y1,2025-06-01T08:00:00+08:00,119.03,28.0,331102001004,1,,"
                                                       "2025-06-01T08:01:00+08:00,Q1,,,,,,,\n");
    snprintf(cmd, sizeof cmd, "%s ems calls import --db %s %s 2>&1", hss_test_bin(), DB, bad);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "cli_bad.csv:2: field unit: 'Q1': no such unit is stored"));
    free(out);
    free(bad);
    hss_error err;
    hss_store *st = hss_store_open_existing(DB, &err);
    int64_t units = 0, ok = 0;
    assert_int_equal(hss_ems_crew_share(st, "331102", &units, &ok, &err), HSS_OK);
    assert_int_equal(units, 2);
    assert_int_equal(ok, 1);
    assert_int_equal(hss_ems_crew_share(st, "331121", &units, &ok, &err), HSS_OK);
    assert_int_equal(units, 1);
    assert_int_equal(ok, 0);
    hss_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(times_parse_with_offsets),
        cmocka_unit_test(good_calls_are_stored),
        cmocka_unit_test(bad_call_files_are_refused),
        cmocka_unit_test(a_call_cannot_move_county),
        cmocka_unit_test(bad_unit_files_are_refused),
        cmocka_unit_test(cli_import_and_crew),
    };
    return cmocka_run_group_tests(tests, setup, ems_group_teardown);
}
