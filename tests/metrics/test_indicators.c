/* test_indicators.c: indicator values at every level (facility, township, county, city) and
 * period type (month, quarter, year, year to date) against values computed by hand from
 * tests/data/metrics/values.csv on the region of tests/data/metrics/region.sql. */
#include <math.h>

#include "model/model.h"
#include "mtest.h"

static hss_store *st;
static char *dir;

static int setup(void **state)
{
    (void)state;
    dir = hss_test_tmpdir();
    st = mtest_region(dir, "ind", NULL);
    hss_error err;
    hss_error_clear(&err);
    size_t n = 0;
    if (hss_metrics_import(st, "tests/data/metrics/values.csv", 0, &n, &err) != HSS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    if (n != 42)
        fprintf(stderr, "imported %zu\n", n);
    return n == 42 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    hss_store_close(st);
    free(dir);
    return 0;
}

static void basic_share_every_level_and_period(void **state)
{
    (void)state;
    double num, den;
    /* county 莲都区, January: basic = T1 300 + V1 100 + T2 400; all = + H1 1000 */
    assert_near(mtest_value(st, "basic_level_visit_share", "331102", "2025-01", &num, &den),
                800.0 / 1800 * 100);
    assert_near(num, 800);
    assert_near(den, 1800);
    /* quarter: basic 750 + 200 + 1300 = 2250; all = 2250 + 2700 */
    assert_near(mtest_value(st, "basic_level_visit_share", "331102", "2025Q1", &num, &den),
                2250.0 / 4950 * 100);
    /* February at the village clinic is split by category (20 + 30): township 紫金街道 */
    assert_near(mtest_value(st, "basic_level_visit_share", "331102001", "2025-02", &num, &den),
                100);
    assert_near(den, 250);
    /* city, quarter: basic 2250 + T3 600; all 4950 + H2 1800 + T3 600 */
    assert_near(mtest_value(st, "basic_level_visit_share", "331100", "2025Q1", &num, &den),
                2850.0 / 7350 * 100);
    /* year = the quarter here (only Q1 of 2025 has data) */
    assert_near(mtest_value(st, "basic_level_visit_share", "331100", "2025", &num, &den),
                2850.0 / 7350 * 100);
    /* year to date, January-February, county: basic 800 + 650; all 1800 + 1450 */
    assert_near(mtest_value(st, "basic_level_visit_share", "331102", "YTD2025-02", &num, &den),
                1450.0 / 3250 * 100);
    /* December 2024: only the hospital reported: a true zero, not missing */
    assert_near(mtest_value(st, "basic_level_visit_share", "331102", "2024-12", &num, &den), 0);
    assert_near(den, 1100);
}

static void in_county_rate(void **state)
{
    (void)state;
    double num, den;
    assert_near(mtest_value(st, "in_county_treatment_rate", "331102", "2025-01", &num, &den),
                1850.0 / 2000 * 100);
    assert_near(mtest_value(st, "in_county_treatment_rate", "331102", "2025Q1", &num, &den),
                5100.0 / 5460 * 100);
    assert_near(mtest_value(st, "in_county_treatment_rate", "331100", "2025Q1", &num, &den),
                7600.0 / 8260 * 100);
    assert_near(num, 7600);
    assert_near(den, 8260);
}

static void contracting_is_a_stock(void **state)
{
    (void)state;
    double num, den;
    /* township: the quarter takes March, its last month */
    assert_near(mtest_value(st, "contracting_rate", "331102001", "2025Q1", &num, &den), 55);
    /* county, February: 2100 + 3300 over 4000 + 6000 (population summed from townships) */
    assert_near(mtest_value(st, "contracting_rate", "331102", "2025-02", &num, &den), 54);
    assert_near(den, 10000);
    /* county, quarter: March has only 紫金街道's 2200 */
    assert_near(mtest_value(st, "contracting_rate", "331102", "2025Q1", &num, &den), 22);
    /* year to date to February for 岩泉街道 */
    assert_near(mtest_value(st, "contracting_rate", "331102002", "YTD2025-02", &num, &den), 55);
    /* 青田县 has no stored population: 鹤城街道's 5000; the year takes March */
    assert_near(mtest_value(st, "contracting_rate", "331121", "2025", &num, &den), 62);
    /* city, February: 5400 over 15000 */
    assert_near(mtest_value(st, "contracting_rate", "331100", "2025-02", &num, &den), 36);
}

static void facility_level_and_facts(void **state)
{
    (void)state;
    double num, den;
    assert_near(mtest_value(st, "referrals_up_per_100_visits", "T1", "2025-01", &num, &den),
                10.0 / 300 * 100);
    assert_near(mtest_value(st, "referrals_up_per_100_visits", "T1", "2025Q1", &num, &den), 4);
    assert_near(mtest_value(st, "referrals_up_per_100_visits", "T1", "YTD2025-02", &num, &den),
                18.0 / 500 * 100);
    assert_near(mtest_value(st, "nurses_per_doctor", "H1", "2025-01", &num, &den), 1.2);
    assert_near(mtest_value(st, "doctors_per_bed", "H1", "2025", &num, &den), 0.5);
    /* county 莲都区: physicians 40+10+8+6 = 64; nurses 60+6+5 = 71; open beds 100+20+10 */
    assert_near(mtest_value(st, "nurses_per_doctor", "331102", "2025Q1", &num, &den), 71.0 / 64);
    assert_near(mtest_value(st, "doctors_per_bed", "331102", "2025Q1", &num, &den), 64.0 / 130);
    assert_near(mtest_value(st, "gps_per_10k", "331102001", "2025-01", &num, &den), 7.5);
    assert_near(mtest_value(st, "public_health_staff_per_10k", "331121", "2025", &num, &den),
                6.0 / 5000 * 10000);
}

/* The region as a caller read it (codes and names kept in `keep`, freed by the caller). */
static size_t read_nodes(const char *sql, int facilities, hss_metrics_node **out, hss_vec *keep)
{
    hss_error err;
    hss_error_clear(&err);
    hss_stmt *s = hss_store_prepare(st, sql, &err);
    assert_non_null(s);
    size_t n = 0;
    *out = NULL;
    while (hss_store_step(s) == HSS_ROW) {
        *out = hss_xrealloc(*out, (n + 1) * sizeof **out);
        hss_metrics_node *m = &(*out)[n++];
        memset(m, 0, sizeof *m);
        const char **str[] = {&m->code, &m->name, &m->parent, &m->type};
        for (int c = 0; c < 4; c++) {
            const char *v = hss_store_col_text(s, c);
            *str[c] = v ? hss_xstrdup(v) : NULL;
            *(char **)hss_vec_push(keep) = (char *)*str[c];
        }
        m->level = facilities ? -1 : hss_model_find(HSS_VOCAB_LEVEL, hss_store_col_text(s, 4));
        for (int c = 0; c < 2; c++) {
            int64_t *v = facilities ? (c ? &m->beds_approved : &m->beds_open) : &m->population;
            if (facilities || c == 0)
                *v = hss_store_col_is_null(s, 5 + c) ? -1 : hss_store_col_int64(s, 5 + c);
        }
    }
    hss_store_finalize(s);
    return n;
}

/* A session opened on the region a caller already read answers as one that reads it, and
 * finds the aggregates current (no rebuild: no row is written). */
static void session_on_read_nodes(void **state)
{
    (void)state;
    hss_vec keep;
    hss_vec_init(&keep, sizeof(char *));
    hss_metrics_node *areas, *facs;
    /* reversed order: the nodes' order does not matter */
    size_t na = read_nodes("SELECT code, name, parent_code, NULL, level, population, NULL FROM area "
                           "ORDER BY code DESC", 0, &areas, &keep);
    size_t nf = read_nodes("SELECT code, name, area_code, type, NULL, beds_open, beds_approved "
                           "FROM facility ORDER BY code DESC", 1, &facs, &keep);
    assert_true(na > 5 && nf > 3);
    hss_error err;
    hss_error_clear(&err);
    hss_metrics_session *a = hss_metrics_session_open(st, &err);
    long long changes = hss_store_total_changes(st);
    hss_metrics_session *b = hss_metrics_session_open_nodes(st, areas, na, facs, nf, &err);
    assert_non_null(a);
    assert_non_null(b);
    static const char *const ind[] = {"basic_level_visit_share", "in_county_treatment_rate",
                                      "nurses_per_doctor", "doctors_per_bed", "gps_per_10k",
                                      "public_health_staff_per_10k", "referrals_up_per_100_visits",
                                      "health_literacy_rate"};
    static const char *const code[] = {"331100", "331102", "331102001", "331121", "T1", "H1"};
    static const char *const period[] = {"2025-01", "2025Q1", "2025", "YTD2025-02"};
    int compared = 0;
    for (size_t i = 0; i < sizeof ind / sizeof *ind; i++)
        for (size_t c = 0; c < sizeof code / sizeof *code; c++)
            for (size_t p = 0; p < sizeof period / sizeof *period; p++) {
                double v[2] = {0, 0}, n[2] = {0, 0}, d[2] = {0, 0};
                hss_code rc[2];
                rc[0] = hss_metrics_session_value(a, ind[i], code[c], period[p], &v[0], &n[0], &d[0], &err);
                rc[1] = hss_metrics_session_value(b, ind[i], code[c], period[p], &v[1], &n[1], &d[1], &err);
                assert_int_equal(rc[0], rc[1]);
                assert_true(v[0] == v[1] && n[0] == n[1] && d[0] == d[1]);
                compared += rc[0] == HSS_OK;
            }
    assert_true(compared > 40);
    assert_int_equal(hss_store_total_changes(st), changes);
    hss_metrics_session_close(a);
    hss_metrics_session_close(b);
    for (size_t i = 0; i < keep.len; i++)
        free(HSS_VEC_AT(&keep, char *, i));
    hss_vec_free(&keep);
    free(areas);
    free(facs);
}

static void no_data_is_not_found(void **state)
{
    (void)state;
    hss_error err;
    hss_error_clear(&err);
    double v;
    assert_int_equal(hss_metrics_value(st, "basic_level_visit_share", "331102", "2023-05", &v,
                                       NULL, NULL, &err),
                     HSS_ENOTFOUND);
    assert_int_equal(hss_metrics_value(st, "health_literacy_rate", "331102", "2025", &v, NULL,
                                       NULL, &err),
                     HSS_ENOTFOUND);
    assert_int_equal(hss_metrics_value(st, "no_such_indicator", "331102", "2025", &v, NULL,
                                       NULL, &err),
                     HSS_EINVAL);
    assert_int_equal(hss_metrics_value(st, "contracting_rate", "331102", "2025Q5", &v, NULL,
                                       NULL, &err),
                     HSS_EINVAL);
    assert_non_null(strstr(err.msg, "2025Q5"));
}

static void table_targets_status_and_change(void **state)
{
    (void)state;
    hss_metrics_query q = {.under = "331100", .period = "2025-01"};
    hss_table *t;
    hss_error err;
    hss_error_clear(&err);
    assert_int_equal(hss_metrics_indicators(st, &q, &t, &err), HSS_OK);
    char *json = hss_table_render(t, HSS_FORMAT_JSON);
    /* 莲都区 basic share 44.44 % against Liaocheng's 65 %: fail, up 44.44 from December's 0 */
    int found = 0;
    for (size_t r = 0; r < hss_table_rows(t); r++) {
        if (strcmp(hss_table_cell(t, r, 0), "basic_level_visit_share") ||
            strcmp(hss_table_cell(t, r, 2), "331102"))
            continue;
        found = 1;
        assert_string_equal(hss_table_cell(t, r, 6), "44.44");
        assert_string_equal(hss_table_cell(t, r, 10), "65");
        assert_string_equal(hss_table_cell(t, r, 12), "fail");
        assert_string_equal(hss_table_cell(t, r, 14), "44.44");
    }
    assert_true(found);
    assert_non_null(strstr(json, "\"indicator\":"));
    assert_non_null(strstr(json, "\"numerator\":"));
    assert_non_null(strstr(json, "\"denominator\":"));
    assert_non_null(strstr(json, "\"target\":"));
    assert_non_null(strstr(json, "\"status\":"));
    free(json);
    hss_table_free(t);

    /* in-county rate 92.5 % >= 90 %: pass */
    q = (hss_metrics_query){.under = "331102", .period = "2025-01",
                            .indicator = "in_county_treatment_rate"};
    assert_int_equal(hss_metrics_indicators(st, &q, &t, &err), HSS_OK);
    assert_int_equal(hss_table_rows(t), 1); /* townships and facilities: not applicable */
    assert_string_equal(hss_table_cell(t, 0, 12), "pass");
    hss_table_free(t);

    /* the trend: the three months to March, oldest first */
    q = (hss_metrics_query){.under = "331102", .period = "2025-03",
                            .indicator = "in_county_treatment_rate", .trend = 3};
    assert_int_equal(hss_metrics_indicators(st, &q, &t, &err), HSS_OK);
    assert_int_equal(hss_table_rows(t), 3);
    assert_string_equal(hss_table_cell(t, 0, 5), "2025-01");
    assert_string_equal(hss_table_cell(t, 2, 5), "2025-03");
    /* March: inside (900 + 250 + 50 + 500) + 60 = 1760 of 1760 + 90 */
    assert_string_equal(hss_table_cell(t, 2, 6), "95.14");
    hss_table_free(t);

    /* drill-down under a township lists its village and its facilities */
    q = (hss_metrics_query){.under = "331102001", .period = "2025Q1",
                            .indicator = "referrals_up_per_100_visits"};
    assert_int_equal(hss_metrics_indicators(st, &q, &t, &err), HSS_OK);
    assert_int_equal(hss_table_rows(t), 3); /* 紫金街道, T1 and 紫金村卫生室 V1 */
    hss_table_free(t);
}

/* Liaocheng's indicator rules as findings for `hss evaluate`. */
static void findings_for_policy(void **state)
{
    (void)state;
    hss_table *t;
    hss_error err;
    hss_error_clear(&err);
    assert_int_equal(hss_metrics_findings(st, "liaocheng", 0, NULL, &t, &err), HSS_OK);
    int seen = 0;
    for (size_t r = 0; r < hss_table_rows(t); r++) {
        const char *rule = hss_table_cell(t, r, 0), *area = hss_table_cell(t, r, 3);
        if (!strcmp(rule, "liaocheng.basic_level_visit_share") && !strcmp(area, "331102")) {
            /* the latest data are March 2025: the year to date is the first quarter */
            assert_string_equal(hss_table_cell(t, r, 5), "fail");
            assert_string_equal(hss_table_cell(t, r, 6), "45.45");
            assert_string_equal(hss_table_cell(t, r, 7), "65");
            assert_string_equal(hss_table_cell(t, r, 8), "19.55");
            assert_non_null(strstr(hss_table_cell(t, r, 10), "YTD2025-03"));
            assert_string_equal(hss_table_cell(t, r, 11), "004_e14da291fa1a9871.txt");
            seen++;
        }
        if (!strcmp(rule, "liaocheng.contracting_rate") && !strcmp(area, "331121")) {
            assert_string_equal(hss_table_cell(t, r, 5), "pass");
            seen++;
        }
        if (!strcmp(rule, "liaocheng.health_literacy_rate") && !strcmp(area, "331100")) {
            assert_string_equal(hss_table_cell(t, r, 5), "unknown");
            seen++;
        }
        assert_true(strcmp(area, "331102001") != 0); /* townships are not in the evaluation */
    }
    assert_int_equal(seen, 3);
    hss_table_free(t);
    /* a pack with a relative target: Yiwu's +2 points needs last year's value */
    assert_int_equal(hss_metrics_findings(st, "yiwu", 2025, "331102", &t, &err), HSS_OK);
    assert_true(hss_table_rows(t) >= 1);
    assert_string_equal(hss_table_cell(t, 0, 3), "331102");
    hss_table_free(t);
}

/* Mistakes in an indicator file are reported with file:line. */
static void bad_definitions_name_the_line(void **state)
{
    (void)state;
    static const struct { const char *yaml, *want; } cases[] = {
        {"indicators:\n  - id: x\n    zh: x\n    en: x\n    unit: '%'\n"
         "    numerator: outpatient_visit\n    denominator: outpatient_visits\n",
         "bad.yaml:6: 'outpatient_visit' is neither a data element"},
        {"indicators:\n  - id: x\n    zh: x\n    en: x\n    unit: '%'\n"
         "    numerator: outpatient_visits +\n    denominator: population\n",
         "incomplete expression"},
        {"indicators:\n  - id: x\n    zh: x\n    en: x\n    unit: '%'\n"
         "    numerator: staff.surgeon\n    denominator: population\n",
         "unknown staff category"},
        {"indicators:\n  - id: x\n    zh: x\n    en: x\n    unit: '%'\n"
         "    numerator: referrals_up\n    denominator: population\n",
         "has no citation"},
        {"indicators:\n  - id: x\n    zh: x\n    en: x\n    unit: '%'\n"
         "    numerator: referrals_up\n    denominator: population\n"
         "    citation: {document: d, quote: q}\n"
         "    targets:\n      liaocheng: {op: '>', value: 3, document: d, quote: q}\n",
         "bad.yaml:10: op must be >= or <="},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *f = hss_test_write(dir, "bad.yaml", cases[i].yaml);
        setenv("HSS_INDICATORS", f, 1);
        hss_error err;
        hss_error_clear(&err);
        double v;
        assert_int_equal(hss_metrics_value(st, "x", "331102", "2025", &v, NULL, NULL, &err),
                         HSS_EINVAL);
        if (!strstr(err.msg, cases[i].want))
            fail_msg("case %zu: got '%s'", i, err.msg);
        free(f);
    }
    unsetenv("HSS_INDICATORS");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(basic_share_every_level_and_period),
        cmocka_unit_test(in_county_rate),
        cmocka_unit_test(contracting_is_a_stock),
        cmocka_unit_test(facility_level_and_facts),
        cmocka_unit_test(session_on_read_nodes),
        cmocka_unit_test(no_data_is_not_found),
        cmocka_unit_test(table_targets_status_and_change),
        cmocka_unit_test(findings_for_policy),
        cmocka_unit_test(bad_definitions_name_the_line),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
