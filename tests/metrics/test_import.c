/* test_import.c: `hss data import` through the real binary: re-import replaces, bad input is
 * refused with file:line and the reason, and a refused file leaves data and aggregates exactly
 * as they were; `hss data validate` reports the offending rows; `hss data generate`. */
#include <math.h>

#include "mtest.h"

static char *dir, *db;

static int setup(void **state)
{
    (void)state;
    dir = hss_test_tmpdir();
    hss_store *st = mtest_region(dir, "imp", &db);
    hss_store_close(st);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(dir);
    free(db);
    return 0;
}

/* Runs `hss <args>` on the test database; returns the exit code, *out the output. */
static int hss(const char *args, char **out)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", hss_test_bin(), args);
    char *tmp = NULL;
    char full[2400];
    snprintf(full, sizeof full, "%.2000s", cmd);
    int rc = hss_test_run(full, &tmp);
    if (out)
        *out = tmp;
    else
        free(tmp);
    return rc;
}

/* A fingerprint of everything metrics stores: values and aggregates (the aggregate blobs
 * written out in hex in key order, in C, as both databases read them the same). */
static char *state_of(void)
{
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    assert_non_null(st);
    hss_buf b;
    hss_buf_init(&b);
    hss_stmt *s = hss_store_prepare(st, "SELECT count(*), coalesce(sum(value), 0) FROM data_value", &err);
    assert_non_null(s);
    assert_int_equal(hss_store_step(s), HSS_ROW);
    hss_buf_printf(&b, "%lld:%.6f/", (long long)hss_store_col_int64(s, 0), hss_store_col_double(s, 1));
    hss_store_finalize(s);
    s = hss_store_prepare(st, "SELECT data FROM metric_agg ORDER BY area, year, element_id, slice", &err);
    assert_non_null(s);
    while (hss_store_step(s) == HSS_ROW) {
        int n = hss_store_col_bytes(s, 0);
        const unsigned char *d = hss_store_col_blob(s, 0);
        for (int i = 0; i < n; i++)
            hss_buf_printf(&b, "%02X", d[i]);
        hss_buf_putc(&b, ';');
    }
    hss_store_finalize(s);
    hss_store_close(st);
    return hss_buf_steal(&b);
}

static void import_then_reimport_replaces(void **state)
{
    (void)state;
    char args[1200], *out;
    snprintf(args, sizeof args, "data import --db %s tests/data/metrics/values.csv", db);
    assert_int_equal(hss(args, &out), 0);
    assert_non_null(strstr(out, "imported 42"));
    free(out);
    /* the same file again: same state, nothing counted twice */
    char *before = state_of();
    assert_int_equal(hss(args, NULL), 0);
    char *after = state_of();
    assert_string_equal(before, after);
    free(before);
    free(after);
    /* change one value: H1 January 1000 -> 1500; the county's January rises by 500 */
    char *f = hss_test_write(dir, "fix.csv", "element,org,period,value\n"
                                             "outpatient_visits,H1,2025-01,1500\n");
    snprintf(args, sizeof args, "data import --db %s %s", db, f);
    assert_int_equal(hss(args, NULL), 0);
    free(f);
    snprintf(args, sizeof args, "indicators --db %s --under 331102 --period 2025-01 "
                                "--indicator basic_level_visit_share --format csv", db);
    assert_int_equal(hss(args, &out), 0);
    assert_non_null(strstr(out, "331102,莲都区,county,2025-01,34.78,800,2300"));
    free(out);
}

static void bad_rows_are_refused_and_change_nothing(void **state)
{
    (void)state;
    static const struct { const char *row, *want; } cases[] = {
        {"outpatient_visit,H1,2025-04,10", "did you mean 'outpatient_visits'"},
        {"outpatient_visits,H1,2025-13,10", "column period: '2025-13'"},
        {"outpatient_visits,H1,2025/04,10", "YYYY-MM"},
        {"outpatient_visits,H1,2025-04,-5", "cannot be negative"},
        {"outpatient_visits,H1,2025-04,12.5", "whole number"},
        {"outpatient_visits,H1,2025-04,many", "not a number"},
        {"outpatient_visits,331102,2025-04,10", "reported per facility"},
        {"contracted_residents,331100,2025-04,10", "reported per township area or per county"},
        {"contracted_residents,T1,2025-04,10", "but this is a facility"},
        {"outpatient_visits,NOPE,2025-04,10", "no facility or area"},
        {"outpatient_visits,H1,2025-04,1e15", "impossibly large"},
    };
    char args[1200], *out;
    snprintf(args, sizeof args, "data import --db %s tests/data/metrics/values.csv", db);
    assert_int_equal(hss(args, NULL), 0);
    char *before = state_of();
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char body[512];
        /* a good row first: it must be rolled back with the bad one */
        snprintf(body, sizeof body, "element,org,period,value\n"
                                    "outpatient_visits,T1,2025-04,77\n%s\n", cases[i].row);
        char *f = hss_test_write(dir, "bad.csv", body);
        snprintf(args, sizeof args, "data import --db %s %s", db, f);
        assert_int_equal(hss(args, &out), 1);
        if (!strstr(out, cases[i].want) || !strstr(out, "bad.csv:3:"))
            fail_msg("row '%s': got '%s'", cases[i].row, out);
        free(out);
        free(f);
        char *now = state_of();
        assert_string_equal(before, now);
        free(now);
    }
    /* a key twice in one file */
    char *f = hss_test_write(dir, "dup.csv", "element,org,period,value\n"
                                             "referrals_up,T1,2025-05,1\n"
                                             "referrals_up,T1,2025-05,2\n");
    snprintf(args, sizeof args, "data import --db %s %s", db, f);
    assert_int_equal(hss(args, &out), 1);
    assert_non_null(strstr(out, "dup.csv:3:"));
    assert_non_null(strstr(out, "already on line 2"));
    free(out);
    free(f);
    /* deleting a key that is not stored */
    f = hss_test_write(dir, "del.csv", "element,org,period\nreferrals_up,T1,2019-01\n");
    snprintf(args, sizeof args, "data delete --db %s %s", db, f);
    assert_int_equal(hss(args, &out), 1);
    assert_non_null(strstr(out, "no value is stored"));
    free(out);
    free(f);
    /* a missing column */
    f = hss_test_write(dir, "col.csv", "element,org,value\nreferrals_up,T1,1\n");
    snprintf(args, sizeof args, "data import --db %s %s", db, f);
    assert_int_equal(hss(args, &out), 1);
    assert_non_null(strstr(out, "period"));
    free(out);
    free(f);
    char *now = state_of();
    assert_string_equal(before, now);
    free(now);
    free(before);
}

/* `hss data values --format csv` writes the import format: exporting and re-importing changes
 * nothing; filters by area subtree and months. */
static void values_round_trip(void **state)
{
    (void)state;
    char args[1200], *out;
    snprintf(args, sizeof args, "data import --db %s tests/data/metrics/values.csv", db);
    assert_int_equal(hss(args, NULL), 0);
    char *before = state_of();
    char csv[800];
    snprintf(csv, sizeof csv, "%s/export.csv", dir);
    snprintf(args, sizeof args, "data values --db %s --format csv > %s", db, csv);
    assert_int_equal(hss(args, NULL), 0);
    snprintf(args, sizeof args, "data import --db %s %s", db, csv);
    assert_int_equal(hss(args, &out), 0);
    free(out);
    char *after = state_of();
    assert_string_equal(before, after);
    free(before);
    free(after);
    snprintf(args, sizeof args, "data values --db %s --org 331102001 --from 2025-02 --to 2025-02 "
                                "--format csv", db);
    assert_int_equal(hss(args, &out), 0);
    assert_non_null(strstr(out, "outpatient_visits,V1,2025-02,20,0-14,0"));
    assert_non_null(strstr(out, "contracted_residents,331102001,2025-02,2100,,0"));
    assert_null(strstr(out, "H1"));
    assert_null(strstr(out, "2025-01"));
    free(out);
}

static void delete_subtracts(void **state)
{
    (void)state;
    char args[1200], *out;
    snprintf(args, sizeof args, "data import --db %s tests/data/metrics/values.csv", db);
    assert_int_equal(hss(args, NULL), 0);
    char *f = hss_test_write(dir, "del2.csv", "element,org,period,value\n"
                                              "outpatient_visits,T2,2025-01,400\n");
    snprintf(args, sizeof args, "data import --delete --db %s %s", db, f);
    assert_int_equal(hss(args, &out), 0);
    assert_non_null(strstr(out, "deleted 1"));
    free(out);
    free(f);
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    double num, den;
    /* 莲都区 January without T2: basic = 300 + 100 over 1400 */
    assert_near(mtest_value(st, "basic_level_visit_share", "331102", "2025-01", &num, &den),
                400.0 / 1400 * 100);
    hss_store_close(st);
    /* put it back for the other tests */
    snprintf(args, sizeof args, "data import --db %s tests/data/metrics/values.csv", db);
    assert_int_equal(hss(args, NULL), 0);
}

static void validate_reports_offending_rows(void **state)
{
    (void)state;
    char args[1200], *out;
    snprintf(args, sizeof args, "data validate --db %s --format csv", db);
    assert_int_equal(hss(args, &out), 0);
    assert_non_null(strstr(out, "0 violations"));
    free(out);
    char *f = hss_test_write(dir, "viol.csv",
                             "element,org,period,value\n"
                             "outpatient_visits,T1,2025-04,100\n"
                             "referrals_up,T1,2025-04,500\n"
                             "referrals_up,T3,2025-04,5\n"
                             "contracted_residents,331102001,2025-04,5000\n"
                             "literacy_respondents,331121,2025-09,1000\n"
                             "literacy_literate,331121,2025-09,1200\n");
    snprintf(args, sizeof args, "data import --db %s %s", db, f);
    assert_int_equal(hss(args, NULL), 0);
    free(f);
    snprintf(args, sizeof args, "data validate --db %s --format csv", db);
    assert_int_equal(hss(args, &out), 1);
    assert_non_null(strstr(out, "referrals_up_within_visits,上转人次不超过门急诊人次,T1,2025-04,500,100"));
    /* T3 reported referrals but no visits that month: right side empty */
    assert_non_null(strstr(out, "referrals_up_within_visits,上转人次不超过门急诊人次,T3,2025-04,5,\n"));
    assert_non_null(strstr(out, "contracted_within_residents,签约人数不超过常住人口,331102001,2025-04,5000,4000"));
    assert_non_null(strstr(out, "literate_within_respondents,具备健康素养人数不超过调查人数,331121,2025-09,1200,1000"));
    assert_non_null(strstr(out, "4 violations"));
    free(out);
}

static void generate_is_labelled_and_deterministic(void **state)
{
    (void)state;
    char *db2;
    hss_store *st2 = mtest_region(dir, "gen2", &db2);
    hss_store_close(st2);
    char args[1200], *out;
    const char *dbs[2] = {db, db2};
    double sums[2];
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, "data generate --db %s --seed 7", dbs[i]);
        assert_int_equal(hss(args, &out), 0);
        assert_non_null(strstr(out, "generated activity data 2024-01..2025-12"));
        free(out);
        hss_error err;
        hss_store *st = hss_store_open_existing(dbs[i], &err);
        assert_true(hss_test_query_int(st, "SELECT count(*) FROM data_value WHERE generated=1") >
                    500);
        assert_int_equal(hss_test_query_int(st, "SELECT count(DISTINCT period) FROM data_value "
                                                "WHERE generated=1"),
                         24);
        hss_stmt *s = hss_store_prepare(st, "SELECT coalesce(sum(value), 0) FROM data_value WHERE "
                                                "generated=1", &err);
        hss_store_step(s);
        sums[i] = hss_store_col_double(s, 0);
        hss_store_finalize(s);
        /* winter peak: 青田县's visits inside the county are higher in January than in July */
        double num, den;
        mtest_value(st, "in_county_treatment_rate", "331121", "2024-01", &num, &den);
        double jan = num;
        mtest_value(st, "in_county_treatment_rate", "331121", "2024-07", &num, &den);
        assert_true(jan > num * 1.1);
        /* imported values are kept: H1 2025-01 was imported by hand in the first database */
        if (i == 0)
            assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM data_value_v WHERE "
                                                    "org='H1' AND period='2025-01' AND "
                                                    "element='outpatient_visits' AND generated=0"),
                             1);
        hss_store_close(st);
    }
    assert_true(sums[0] != sums[1]); /* the first database keeps its imported values */
    /* the generated data satisfy the checks in a database without hand-made violations */
    snprintf(args, sizeof args, "data validate --db %s", db2);
    assert_int_equal(hss(args, &out), 0);
    free(out);
    /* same seed, same data */
    hss_store *st3 = mtest_region(dir, "gen3", NULL);
    hss_error err;
    assert_int_equal(hss_metrics_generate_demo(st3, 7, &err), HSS_OK);
    hss_store *st2b = hss_store_open_existing(db2, &err);
    assert_int_equal(hss_test_query_int(st3, "SELECT coalesce(sum(value), 0) * 100 FROM data_value"),
                     hss_test_query_int(st2b, "SELECT coalesce(sum(value), 0) * 100 FROM data_value"));
    hss_store_close(st3);
    hss_store_close(st2b);
    free(db2);
}

static void indicators_command_formats_and_errors(void **state)
{
    (void)state;
    char args[1200], *out;
    snprintf(args, sizeof args, "data import --db %s tests/data/metrics/values.csv", db);
    assert_int_equal(hss(args, NULL), 0);
    snprintf(args, sizeof args, "indicators --db %s --period 2025Q1 --indicator contracting_rate "
                                "--format json", db);
    assert_int_equal(hss(args, &out), 0);
    /* city and both counties; 青田县 62 % passes Liaocheng's 60 % */
    assert_non_null(strstr(out, "\"indicator\":\t\"contracting_rate\""));
    assert_non_null(strstr(out, "\"area\":\t\"331121\""));
    assert_non_null(strstr(out, "\"period\":\t\"2025Q1\""));
    assert_non_null(strstr(out, "\"value\":\t62,"));
    assert_non_null(strstr(out, "\"numerator\":\t3100,"));
    assert_non_null(strstr(out, "\"denominator\":\t5000,"));
    assert_non_null(strstr(out, "\"target\":\t60,"));
    assert_non_null(strstr(out, "\"status\":\t\"pass\""));
    free(out);
    snprintf(args, sizeof args, "indicators --db %s --period 2025Q5", db);
    assert_int_equal(hss(args, &out), 1);
    assert_non_null(strstr(out, "2025Q5"));
    free(out);
    snprintf(args, sizeof args, "indicators --db %s --indicator contracting_rat", db);
    assert_int_equal(hss(args, &out), 1);
    assert_non_null(strstr(out, "did you mean 'contracting_rate'"));
    free(out);
    snprintf(args, sizeof args, "indicators --db %s --under 999999", db);
    assert_int_equal(hss(args, &out), 1);
    assert_non_null(strstr(out, "999999"));
    free(out);
    snprintf(args, sizeof args, "data elements --format csv");
    assert_int_equal(hss(args, &out), 0);
    assert_non_null(strstr(out, "contracted_key_group_residents,重点人群签约人数"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(import_then_reimport_replaces),
        cmocka_unit_test(bad_rows_are_refused_and_change_nothing),
        cmocka_unit_test(values_round_trip),
        cmocka_unit_test(delete_subtracts),
        cmocka_unit_test(validate_reports_offending_rows),
        cmocka_unit_test(indicators_command_formats_and_errors),
        cmocka_unit_test(generate_is_labelled_and_deterministic),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
