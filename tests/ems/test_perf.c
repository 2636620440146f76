/*
 * test_perf.c: measured 120 performance from four hand-made calls (fixture_ems.h): every
 * interval, mean, median and 90th percentile by county, month and period worked out by hand;
 * unit utilisation; the JSON items; and the policy measures reading the measured calls (the
 * response-time rule says it used call records) and the units' crews.
 */
#include "group.h"
#include "policy/policy.h"


static int setup(void **state)
{
    (void)state;
    ems_group_build("perf.db", 1);
    return 0;
}

static long find_row(const hss_table *t, const char *area, const char *kind)
{
    for (size_t r = 0; r < hss_table_rows(t); r++)
        if (!strcmp(hss_table_cell(t, r, 0), area) && !strcmp(hss_table_cell(t, r, 2), kind))
            return (long)r;
    return -1;
}

static size_t col(const hss_table *t, const char *name)
{
    for (size_t c = 0; c < hss_table_cols(t); c++)
        if (!strcmp(hss_table_col_name(t, c), name))
            return c;
    fail_msg("no column %s", name);
    return 0;
}

static void expect_cell(const hss_table *t, long r, const char *name, const char *v)
{
    assert_true(r >= 0);
    const char *got = hss_table_cell(t, (size_t)r, col(t, name));
    if (strcmp(got, v) != 0)
        fail_msg("row %ld %s: got '%s', expected '%s'", r, name, got, v);
}

static void by_county_by_hand(void **state)
{
    (void)state;
    hss_error err;
    hss_store *st = hss_store_open_existing(DB, &err);
    hss_ems_perf_query q = {NULL, "county", HSS_EMS_NO_TIME, HSS_EMS_NO_TIME};
    hss_table *a = NULL, *u = NULL, *w = NULL;
    assert_int_equal(hss_ems_performance(st, &q, &a, &u, &w, &err), HSS_OK);
    assert_int_equal(hss_table_rows(a), 4); /* 331102 urban+all, 331121 rural+all */
    long r = find_row(a, "331102", "urban");
    expect_cell(a, r, "calls", "2");
    expect_cell(a, r, "response_mean", "10.5");     /* (9 + 12) / 2 */
    expect_cell(a, r, "response_median", "10.5");
    expect_cell(a, r, "response_p90", "11.7");      /* 9 + 0.9 x 3 */
    expect_cell(a, r, "dispatch_mean", "1.5");      /* (1 + 2) / 2 */
    expect_cell(a, r, "turnout_mean", "2");
    expect_cell(a, r, "scene_to_hospital_mean", "15"); /* c1 only: c2 carried nobody */
    expect_cell(a, r, "target", "11");
    expect_cell(a, r, "meets", "1");
    assert_int_equal(find_row(a, "331102", "rural"), -1);
    r = find_row(a, "331121", "rural");
    expect_cell(a, r, "response_mean", "18");       /* (20 + 16) / 2 */
    expect_cell(a, r, "response_p90", "19.6");      /* 16 + 0.9 x 4 */
    expect_cell(a, r, "turnout_mean", "1.5");
    expect_cell(a, r, "scene_to_hospital_mean", "20");
    expect_cell(a, r, "target", "14");
    expect_cell(a, r, "meets", "0");
    r = find_row(a, "331121", "all");
    expect_cell(a, r, "calls", "2");
    assert_true(hss_table_is_null(a, (size_t)r, col(a, "target")));
    /* units: A1 44 + 28 min busy, B1 69 + 29 min */
    assert_int_equal(hss_table_rows(u), 3);
    assert_string_equal(hss_table_cell(u, 0, 0), "A1");
    assert_string_equal(hss_table_cell(u, 0, col(u, "calls")), "2");
    assert_string_equal(hss_table_cell(u, 0, col(u, "busy_hours")), "1.2");
    assert_string_equal(hss_table_cell(u, 2, col(u, "busy_hours")), "1.63");
    /* no village has three calls */
    assert_int_equal(hss_table_rows(w), 0);
    hss_table_free(a);
    hss_table_free(u);
    hss_table_free(w);
    hss_store_close(st);
}

static void by_month_and_period(void **state)
{
    (void)state;
    hss_error err;
    hss_store *st = hss_store_open_existing(DB, &err);
    hss_ems_perf_query q = {NULL, "month", HSS_EMS_NO_TIME, HSS_EMS_NO_TIME};
    hss_table *a = NULL, *u = NULL;
    assert_int_equal(hss_ems_performance(st, &q, &a, NULL, NULL, &err), HSS_OK);
    long r = find_row(a, "2025-03", "all");
    expect_cell(a, r, "calls", "3");
    expect_cell(a, r, "response_mean", "13.67"); /* (9 + 12 + 20) / 3 */
    r = find_row(a, "2025-04", "all");
    expect_cell(a, r, "response_mean", "16");
    hss_table_free(a);
    /* 1 March only (Asia/Shanghai): c1, c2, c3; a day of 24 hours */
    assert_int_equal(hss_ems_day_parse("2025-03-01", &q.from), 0);
    q.to = q.from + 86400;
    q.by = "county";
    assert_int_equal(hss_ems_performance(st, &q, &a, &u, NULL, &err), HSS_OK);
    r = find_row(a, "331121", "rural");
    expect_cell(a, r, "calls", "1");
    expect_cell(a, r, "response_mean", "20");
    assert_string_equal(hss_table_cell(u, 0, col(u, "utilisation")), "0.05"); /* 1.2 h / 24 h */
    hss_table_free(a);
    hss_table_free(u);
    /* under the rural county; by township */
    q.under = "331121";
    q.by = "township";
    q.from = q.to = HSS_EMS_NO_TIME;
    assert_int_equal(hss_ems_performance(st, &q, &a, NULL, NULL, &err), HSS_OK);
    assert_int_equal(hss_table_rows(a), 2);
    expect_cell(a, find_row(a, "331121001", "rural"), "calls", "2");
    hss_table_free(a);
    q.by = "week";
    assert_int_equal(hss_ems_performance(st, &q, &a, NULL, NULL, &err), HSS_EINVAL);
    hss_store_close(st);
}

static void cli_json_items(void **state)
{
    (void)state;
    char cmd[1200], *out;
    snprintf(cmd, sizeof cmd, "%s ems performance --db %s --by county --format json", hss_test_bin(), DB);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    cJSON *j = cJSON_Parse(out);
    assert_non_null(j);
    assert_int_equal(cJSON_GetArraySize(j), 4);
    cJSON *it = cJSON_GetArrayItem(j, 0);
    assert_string_equal(cJSON_GetObjectItem(it, "area")->valuestring, "331102");
    assert_string_equal(cJSON_GetObjectItem(it, "kind")->valuestring, "urban");
    assert_int_equal(cJSON_GetObjectItem(it, "calls")->valueint, 2);
    assert_true(fabs(cJSON_GetObjectItem(it, "response_mean")->valuedouble - 10.5) < 1e-9);
    assert_true(fabs(cJSON_GetObjectItem(it, "response_median")->valuedouble - 10.5) < 1e-9);
    assert_true(fabs(cJSON_GetObjectItem(it, "response_p90")->valuedouble - 11.7) < 1e-9);
    assert_true(fabs(cJSON_GetObjectItem(it, "dispatch_mean")->valuedouble - 1.5) < 1e-9);
    assert_true(fabs(cJSON_GetObjectItem(it, "turnout_mean")->valuedouble - 2) < 1e-9);
    cJSON_Delete(j);
    free(out);
    snprintf(cmd, sizeof cmd, "%s ems performance --db %s --from 2025-04-01 --to 2025-04-30 --format json",
             hss_test_bin(), DB);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    j = cJSON_Parse(out);
    assert_int_equal(cJSON_GetArraySize(j), 2); /* c4 only: 331121 rural and all */
    cJSON_Delete(j);
    free(out);
    snprintf(cmd, sizeof cmd, "%s ems performance --db %s --from yesterday 2>&1", hss_test_bin(), DB);
    assert_int_equal(hss_test_run(cmd, &out), 2);
    assert_non_null(strstr(out, "--from: 'yesterday' is not a day"));
    free(out);
}

static hss_table *evaluate(hss_store *st)
{
    char *pack = hss_test_write(DIR_, "ems_pack.yaml",
        "pack: emstest\ntitle: {zh: 测试, en: test}\nyear: 2025\ndocuments:\n  - file: 901_test.txt\nrules:\n"
        "  - id: resp_urban\n    title: {zh: 测试, en: test}\n    source: {document: 901_test.txt, quote: 测试原文}\n"
        "    year: 2025\n    scope: {level: county, kind: urban}\n    measure: ems_response_time_min\n"
        "    comparator: \"<\"\n    target: 11\n    unit: {zh: 分钟, en: minutes}\n"
        "    gap: {zh: \"需缩短 {gap}\", en: \"{gap} too long\"}\n"
        "  - id: resp_rural\n    title: {zh: 测试, en: test}\n    source: {document: 901_test.txt, quote: 测试原文}\n"
        "    year: 2025\n    scope: {level: county, kind: rural}\n    measure: ems_response_time_min\n"
        "    comparator: \"<\"\n    target: 14\n    unit: {zh: 分钟, en: minutes}\n"
        "    gap: {zh: \"需缩短 {gap}\", en: \"{gap} too long\"}\n"
        "  - id: crew\n    title: {zh: 测试, en: test}\n    source: {document: 901_test.txt, quote: 测试原文}\n"
        "    year: 2025\n    scope: {level: county}\n    measure: ems_unit_crew_share\n"
        "    comparator: \">=\"\n    target: 1\n    unit: {zh: 比例, en: share}\n"
        "    gap: {zh: \"需补足 {need}\", en: \"needs {need}\"}\n");
    hss_error err;
    hss_policy_pack *p = hss_policy_load(pack, &err);
    if (!p)
        fail_msg("%s", err.msg);
    hss_policy_result *res = NULL;
    assert_int_equal(hss_policy_evaluate(st, p, 2025, NULL, &res, &err), HSS_OK);
    hss_table *t = res->findings;
    res->findings = NULL;
    hss_policy_result_free(res);
    hss_policy_free(p);
    free(pack);
    return t;
}

static long finding(const hss_table *t, const char *rule, const char *subject)
{
    size_t cr = col(t, "rule"), cs = col(t, "area");
    for (size_t r = 0; r < hss_table_rows(t); r++)
        if (!strcmp(hss_table_cell(t, r, cr), rule) && !strcmp(hss_table_cell(t, r, cs), subject))
            return (long)r;
    fail_msg("no finding %s/%s", rule, subject);
    return -1;
}

static void policy_uses_measured_calls(void **state)
{
    (void)state;
    hss_error err;
    hss_store *st = hss_store_open_existing(DB, &err);
    double mean;
    int64_t n;
    assert_int_equal(hss_ems_measured_response(st, "331102", 0, &mean, &n, &err), HSS_OK);
    assert_int_equal(n, 2);
    assert_true(fabs(mean - 10.5) < 1e-9);
    assert_int_equal(hss_ems_measured_response(st, NULL, -1, &mean, &n, &err), HSS_OK);
    assert_int_equal(n, 4);
    assert_true(fabs(mean - 14.25) < 1e-9); /* (9 + 12 + 20 + 16) / 4 */
    assert_int_equal(hss_ems_measured_response(st, "331102", 1, &mean, &n, &err), HSS_ENOTFOUND);
    hss_table *t = evaluate(st);
    long r = finding(t, "resp_urban", "331102");
    expect_cell(t, r, "status", "pass");
    expect_cell(t, r, "observed", "10.5");
    if (!strstr(hss_table_cell(t, (size_t)r, col(t, "reason")), "measured from 2 120 call records"))
        fail_msg("reason: %s", hss_table_cell(t, (size_t)r, col(t, "reason")));
    r = finding(t, "resp_rural", "331121");
    expect_cell(t, r, "status", "fail");
    expect_cell(t, r, "observed", "18");
    r = finding(t, "crew", "331102");
    expect_cell(t, r, "status", "fail");
    expect_cell(t, r, "observed", "0.5"); /* A1 meets the standard, A2 has one aide */
    r = finding(t, "crew", "331121");
    expect_cell(t, r, "observed", "0");   /* B1 has no doctor */
    hss_table_free(t);
    hss_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(by_county_by_hand),
        cmocka_unit_test(by_month_and_period),
        cmocka_unit_test(cli_json_items),
        cmocka_unit_test(policy_uses_measured_calls),
    };
    return cmocka_run_group_tests(tests, setup, ems_group_teardown);
}
