/*
 * test_aed.c: the AED registry and the five-minute first-aid circle on fixture_ems.h. Walking
 * is 5 km/h, so a kilometre edge takes 12 minutes: within 5 minutes an AED covers only the
 * village it stands in, within 13 minutes its neighbours too. Bad files are refused whole.
 */
#include "group.h"

static int setup(void **state)
{
    (void)state;
    ems_group_build("aed.db", 0);
    return 0;
}

static hss_code import(const char *body, char *msg, size_t len)
{
    char *path = hss_test_write(DIR_, "aeds.csv", body);
    hss_error err;
    hss_error_clear(&err);
    hss_store *st = hss_store_open_existing(DB, &err);
    size_t n;
    hss_code rc = hss_aed_import(st, path, &n, &err);
    hss_store_close(st);
    snprintf(msg, len, "%s", err.msg);
    free(path);
    return rc;
}

static long long db_count(const char *db)
{
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    long long n = hss_test_query_int(st, "SELECT COUNT(*) FROM ems_aed");
    hss_store_close(st);
    return n;
}

#define HEAD "code,lon,lat,venue,access_hours,status,expiry\n"
#define HEAD_I "code,lon,lat,venue,access_hours,status,expiry,installed\n"

static void registry_and_circle(void **state)
{
    (void)state;
    char msg[1024];
    static const struct {
        const char *row, *expect;
    } bad[] = {
        {"X,119.03,28.0,车站,24h,broken,\n", "aeds.csv:3: field status: 'broken': expected active or out_of_service"},
        {"X,119.03,28.0,车站,24h,active,2025-13-01\n", "aeds.csv:3: field expiry: '2025-13-01': expected a day"},
        {"X,121.0,28.0,车站,24h,active,\n", "aeds.csv:3: field lon,lat: '121.0': the location is outside the region"},
        {"X,119.03,28.0,,24h,active,\n", "aeds.csv:3: field venue: '': say where the AED is"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char body[512];
        snprintf(body, sizeof body, HEAD "OK1,119.03,28.0,村委会,24h,active,\n%s", bad[i].row);
        assert_int_equal(import(body, msg, sizeof msg), HSS_EINVAL);
        if (!strstr(msg, bad[i].expect))
            fail_msg("case %zu: got '%s'", i, msg);
        assert_int_equal(db_count(DB), 0);
    }
    assert_int_equal(import(HEAD "A3,119.03,28.0,村委会,24h,active,2026-01-01\n"
                                 "A4,119.04,28.0,卫生室,08:00-20:00,out_of_service,\n"
                                 "A5,119.05,28.0,学校,08:00-17:00,active,2024-01-01\n", msg, sizeof msg), HSS_OK);
    assert_int_equal(db_count(DB), 3);
    hss_error err;
    hss_store *st = hss_store_open_existing(DB, &err);
    assert_int_equal(hss_test_query_int(st, "SELECT COUNT(*) FROM ems_aed WHERE county_code='331102'"), 3);
    hss_table *t = NULL;
    /* only A3 counts: A4 out of service, A5 expired */
    assert_int_equal(hss_aed_coverage(st, NULL, 5, "2025-06-01", &t, &err), HSS_OK);
    assert_int_equal(hss_table_rows(t), 3);
    assert_string_equal(hss_table_cell(t, 0, 3), "1000");  /* 331102: village 3 */
    assert_string_equal(hss_table_cell(t, 0, 4), "0.1");
    assert_string_equal(hss_table_cell(t, 2, 0), "total");
    assert_string_equal(hss_table_cell(t, 2, 4), "0.0476"); /* 1,000 / 21,000 */
    hss_table_free(t);
    assert_int_equal(hss_aed_coverage(st, NULL, 13, "2025-06-01", &t, &err), HSS_OK);
    assert_string_equal(hss_table_cell(t, 2, 3), "3000"); /* villages 2, 3, 4 */
    hss_table_free(t);
    assert_int_equal(hss_aed_coverage(st, NULL, 5, "2026-01-02", &t, &err), HSS_OK);
    assert_string_equal(hss_table_cell(t, 2, 3), "0"); /* A3 has expired too */
    hss_table_free(t);
    /* the next AED within 13 minutes: node 6 brings villages 5, 6, 7 (node 5 would bring only 5, 6) */
    assert_int_equal(hss_aed_plan(st, NULL, 13, "2025-06-01", 2, &t, &err), HSS_OK);
    assert_string_equal(hss_table_cell(t, 0, 1), "331102001007");
    assert_string_equal(hss_table_cell(t, 0, 3), "3000");
    assert_string_equal(hss_table_cell(t, 0, 4), "0.2857"); /* 6,000 / 21,000 */
    hss_table_free(t);
    assert_int_equal(hss_aed_coverage(st, NULL, 5, "soon", &t, &err), HSS_EINVAL);
    hss_store_close(st);
    char cmd[900], *out;
    snprintf(cmd, sizeof cmd, "%s aed coverage --db %s --day 2025-06-01 --format csv", hss_test_bin(), DB);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "total,合计,21000,1000,0.0476"));
    free(out);
}

/* The rule's status for 331102 in `hss evaluate --policy yiwu` (its ems.aed rule counts the
 * AEDs installed since the plan was issued, 2024-09-23). */
static void expect_aed_rule(const char *status, const char *observed)
{
    char cmd[900], *out;
    snprintf(cmd, sizeof cmd, "%s evaluate --db %s --policy yiwu --format csv | grep '^ems.aed,' | grep ',331102,'",
             hss_test_bin(), DB);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    if (!strstr(out, status) || (observed && !strstr(out, observed)))
        fail_msg("expected %s %s in: %s", status, observed ? observed : "", out);
    free(out);
}

/* The installed day: optional, checked, kept when a later file leaves the column out; the
 * yiwu rule "新增 AED 设备 600 台以上" counts from it, and is unknown while any AED lacks it. */
static void installed_day(void **state)
{
    (void)state;
    char msg[1024];
    assert_int_equal(import(HEAD_I "B1,119.03,28.0,车站,24h,active,,2024-10-01\n"
                                   "B2,119.04,28.0,学校,24h,active,,2023-05-01\n"
                                   "B3,119.05,28.0,广场,24h,active,,\n", msg, sizeof msg), HSS_OK);
    expect_aed_rule("unknown", NULL); /* B3 (and A3, A5 of the first test) have no day */
    assert_int_equal(import(HEAD_I "B4,119.03,28.0,车站,24h,active,,2024-9-1\n", msg, sizeof msg), HSS_EINVAL);
    assert_non_null(strstr(msg, "aeds.csv:2: field installed: '2024-9-1': expected a day"));
    /* a file without the column leaves the stored days alone */
    assert_int_equal(import(HEAD "B1,119.03,28.0,火车站,24h,active,\n", msg, sizeof msg), HSS_OK);
    hss_error err;
    hss_store *st = hss_store_open_existing(DB, &err);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM ems_aed WHERE code='B1' AND installed='2024-10-01' AND venue='火车站'"), 1);
    assert_int_equal(hss_store_exec(st, "UPDATE ems_aed SET installed='2020-01-01' WHERE installed IS NULL", &err), HSS_OK);
    hss_store_close(st);
    expect_aed_rule("fail", ",1,"); /* only B1 is new */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(registry_and_circle),
        cmocka_unit_test(installed_day),
    };
    return cmocka_run_group_tests(tests, setup, ems_group_teardown);
}
