/* test_detect.c: the detection methods on hand-made series through the library and the CLI:
 * what each method flags, bad input (gaps, negative counts, too little history), parameters. */
#include <math.h>

#include "testutil.h"
#include "surveil/surveil.h"

static void detect_ok(const double *y, size_t n, hss_surveil_params *p, hss_surveil_result *r)
{
    hss_error err;
    hss_error_clear(&err);
    hss_code rc = hss_surveil_detect(y, n, p, r, &err);
    if (rc)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, HSS_OK);
}

static void ears_c1_flags_a_spike_only(void **state)
{
    (void)state;
    double y[20] = {3, 4, 3, 5, 4, 3, 4, 3, 4, 5, 3, 4, 3, 25, 4, 3, 4, 5, 3, 4};
    hss_surveil_params p;
    hss_surveil_params_default(&p, HSS_SURVEIL_EARS_C1, 365);
    hss_surveil_result r;
    detect_ok(y, 20, &p, &r);
    assert_int_equal(r.n, 13); /* periods 8..20 */
    assert_int_equal(r.index[0], 7);
    for (size_t i = 0; i < r.n; i++)
        assert_int_equal(r.alarm[i], r.index[i] == 13);
    /* the bound is mean + qnorm(0.999) * sd of the 7 days before */
    double ref[7] = {4, 3, 4, 3, 4, 5, 3}, m = 0, v = 0;
    for (int i = 0; i < 7; i++)
        m += ref[i] / 7;
    for (int i = 0; i < 7; i++)
        v += (ref[i] - m) * (ref[i] - m) / 6;
    size_t at = 13 - 7;
    assert_true(fabs(r.upperbound[at] - (m + 3.090232306167813 * sqrt(v))) < 1e-9);
    hss_surveil_result_free(&r);
}

static void too_little_history_is_an_error(void **state)
{
    (void)state;
    double y[6] = {1, 2, 3, 4, 5, 6};
    hss_surveil_params p;
    hss_surveil_params_default(&p, HSS_SURVEIL_EARS_C2, 365);
    hss_surveil_result r;
    hss_error err;
    hss_error_clear(&err);
    assert_int_equal(hss_surveil_detect(y, 6, &p, &r, &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "too little history"));
    assert_non_null(strstr(err.msg, "9 periods of history"));
    hss_surveil_params_default(&p, HSS_SURVEIL_FARRINGTON, 52);
    hss_error_clear(&err);
    assert_int_equal(hss_surveil_detect(y, 6, &p, &r, &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "263 periods"));
    /* an explicit range starting too early names the first period that works */
    double z[300] = {0};
    p.range_from = 100;
    p.range_to = 299;
    hss_error_clear(&err);
    assert_int_equal(hss_surveil_detect(z, 300, &p, &r, &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "first possible: 264"));
}

static void cusum_accumulates_and_alarms(void **state)
{
    (void)state;
    double y[30];
    for (int i = 0; i < 30; i++)
        y[i] = i < 20 ? 4 : 8; /* m = 4: z = 2 per period after the shift */
    hss_surveil_params p;
    hss_surveil_params_default(&p, HSS_SURVEIL_CUSUM, 52);
    p.range_from = 20;
    hss_surveil_result r;
    detect_ok(y, 30, &p, &r);
    /* C1 = 0.96, C2 = 1.92, C3 = 2.88 >= 2.26: alarms from the third period */
    assert_int_equal(r.alarm[0], 0);
    assert_int_equal(r.alarm[1], 0);
    assert_int_equal(r.alarm[2], 1);
    /* first bound: ceiling(sqrt(4)*(2.26+1.04-0)+4) = ceiling(10.6) = 11 */
    assert_true(r.upperbound[0] == 11);
    hss_surveil_result_free(&r);
}

static void mpm_compares_with_past_years(void **state)
{
    (void)state;
    /* weekly: 3 past years each with the same weeks around; current week doubles */
    size_t n = 3 * 52 + 3;
    double *y = hss_xcalloc(n, sizeof *y);
    for (size_t i = 0; i < n; i++)
        y[i] = 10 + (double)(i % 3);
    y[n - 1] = 30;
    hss_surveil_params p;
    hss_surveil_params_default(&p, HSS_SURVEIL_MPM, 52);
    hss_surveil_result r;
    detect_ok(y, n, &p, &r);
    assert_int_equal(r.n, 2); /* needs 3 years + 1 neighbour window */
    assert_int_equal(r.alarm[r.n - 1], 1);
    assert_int_equal(r.alarm[0], 0);
    assert_true(r.upperbound[r.n - 1] >= 10 && r.upperbound[r.n - 1] <= 12);
    hss_surveil_result_free(&r);
    free(y);
}

static void fixed_threshold_one_case(void **state)
{
    (void)state;
    double y[5] = {0, 0, 1, 0, 2};
    hss_surveil_params p;
    hss_surveil_params_default(&p, HSS_SURVEIL_FIXED, 365);
    hss_surveil_result r;
    detect_ok(y, 5, &p, &r);
    assert_int_equal(r.n, 5);
    int want[5] = {0, 0, 1, 0, 1};
    for (int i = 0; i < 5; i++)
        assert_int_equal(r.alarm[i], want[i]);
    hss_surveil_result_free(&r);
}

static void exclusion_keeps_outbreak_out_of_baseline(void **state)
{
    (void)state;
    /* an outbreak at days 8-10 inflates the C1 baseline of day 12 unless excluded */
    double y[12] = {3, 4, 3, 4, 3, 4, 3, 20, 22, 21, 4, 12};
    unsigned char ex[12] = {0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0};
    hss_surveil_params p;
    hss_surveil_params_default(&p, HSS_SURVEIL_EARS_C1, 365);
    p.range_from = p.range_to = 11;
    hss_surveil_result r;
    detect_ok(y, 12, &p, &r);
    assert_int_equal(r.alarm[0], 0);
    hss_surveil_result_free(&r);
    p.exclude = ex;
    detect_ok(y, 12, &p, &r);
    assert_int_equal(r.alarm[0], 1);
    hss_surveil_result_free(&r);
}

/* Runs `hss surveil detect ARGS --input FILE` and expects exit status `want` and each of the
 * (up to two, NULL: none) needles in what it prints. */
static void expect_detect(const char *args, const char *file, int want, const char *needle, const char *needle2)
{
    char cmd[2048], *out;
    snprintf(cmd, sizeof cmd, "%s surveil detect %s --input %s 2>&1", hss_test_bin(), args, file);
    assert_int_equal(hss_test_run(cmd, &out), want);
    if (needle)
        assert_non_null(strstr(out, needle));
    if (needle2)
        assert_non_null(strstr(out, needle2));
    free(out);
}

static void cli_bad_input(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    char *gap = hss_test_write(dir, "gap.csv", "period,count\n2024-01-01,3\n2024-01-02,4\n2024-01-04,5\n");
    char *neg = hss_test_write(dir, "neg.csv", "period,count\n1,3\n2,-4\n3,5\n");
    char *frac = hss_test_write(dir, "frac.csv", "period,count\n1,3\n2,2.5\n");
    char *shortf = hss_test_write(dir, "short.csv", "period,count\n1,3\n2,4\n3,5\n");
    expect_detect("--method ears-c1", gap, 1, "gap.csv:4", "gap in the periods");
    expect_detect("--method ears-c1", neg, 1, "neg.csv:3: column count: -4 is negative", NULL);
    expect_detect("--method ears-c1", frac, 1, "frac.csv:3: column count: '2.5' is not a whole number", NULL);
    expect_detect("--method ears-c1", shortf, 1, "too little history", NULL);
    expect_detect("--method ears-c9", shortf, 2, NULL, NULL);
    expect_detect("--method cdc --frequency 365", shortf, 1, "weekly data only", NULL);
    char cmd[2048], *out;
    snprintf(cmd, sizeof cmd, "%s surveil detect --method fixed --input %s --range 2:3 --format json", hss_test_bin(), shortf);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "\"period\":\t\"2\""));
    assert_non_null(strstr(out, "\"alarm\":\t1"));
    free(out);
    free(gap);
    free(neg);
    free(frac);
    free(shortf);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ears_c1_flags_a_spike_only),
        cmocka_unit_test(too_little_history_is_an_error),
        cmocka_unit_test(cusum_accumulates_and_alarms),
        cmocka_unit_test(mpm_compares_with_past_years),
        cmocka_unit_test(fixed_threshold_one_case),
        cmocka_unit_test(exclusion_keeps_outbreak_out_of_baseline),
        cmocka_unit_test(cli_bad_input),
    };
    return cmocka_run_group_tests_name("surveil_detect", tests, NULL, NULL);
}
