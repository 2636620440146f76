/* test_reference.c: `hss surveil detect` against R's surveillance package (the outputs that
 * tests/data/surveil/make_reference.R wrote, listed in reference.csv): upper bounds to a
 * relative 1e-6 and alarms exactly, for EARS C1/C2 (and C3 in R's variant), cusum, algo.cdc
 * and farringtonFlexible (package defaults and Noufaily settings) on salmonella.agona and
 * the 16 states of salmNewport. */
#include <math.h>

#include "testutil.h"

#define DIR "tests/data/surveil"

static int compare_case(const char *casename, const char *method, const char *input,
                        const char *args, const char *expected)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd %s && %s surveil detect --method %s --input %s --format csv %s 2>&1",
             DIR, hss_test_bin(), method, input, args);
    char *out = NULL;
    int rc = hss_test_run(cmd, &out);
    if (rc != 0) {
        print_error("%s: exit %d: %s\n", casename, rc, out);
        free(out);
        return 1;
    }
    char path[512];
    snprintf(path, sizeof path, "%s/%s", DIR, expected);
    hss_error err;
    hss_csv *exp = hss_csv_open_file(path, &err);
    hss_csv *got = hss_csv_open_mem("output", out, strlen(out));
    assert_non_null(exp);
    assert_int_equal(hss_csv_read_header(exp, &err), HSS_OK);
    assert_int_equal(hss_csv_read_header(got, &err), HSS_OK);
    int bad = 0;
    size_t rows = 0;
    for (;;) {
        int a = hss_csv_next(exp, &err), b = hss_csv_next(got, &err);
        if (a != b) {
            print_error("%s: row count differs after %zu rows\n", casename, rows);
            bad++;
            break;
        }
        if (a != 1)
            break;
        rows++;
        const char *ep = hss_csv_get(exp, "period"), *gp = hss_csv_get(got, "period");
        const char *eu = hss_csv_get(exp, "upperbound"), *gu = hss_csv_get(got, "upperbound");
        const char *ea = hss_csv_get(exp, "alarm"), *ga = hss_csv_get(got, "alarm");
        if (strcmp(ep, gp) != 0) {
            print_error("%s: period %s vs %s\n", casename, gp, ep);
            bad++;
            break;
        }
        if ((*eu == 0) != (*gu == 0)) {
            print_error("%s period %s: upperbound '%s', R '%s'\n", casename, ep, gu, eu);
            bad++;
        } else if (*eu) {
            double e = atof(eu), g = atof(gu);
            if (fabs(g - e) > 1e-6 * fabs(e) + 1e-12) {
                print_error("%s period %s: upperbound %s, R %s\n", casename, ep, gu, eu);
                bad++;
            }
        }
        if (strcmp(ea, ga) != 0) {
            print_error("%s period %s: alarm '%s', R '%s'\n", casename, ep, ga, ea);
            bad++;
        }
        if (atof(hss_csv_get(exp, "observed")) != atof(hss_csv_get(got, "observed"))) {
            print_error("%s period %s: observed differs\n", casename, ep);
            bad++;
        }
    }
    assert_true(rows > 10);
    hss_csv_close(exp);
    hss_csv_close(got);
    free(out);
    return bad;
}

static void agrees_with_r(void **state)
{
    (void)state;
    hss_error err;
    hss_csv *m = hss_csv_open_file(DIR "/reference.csv", &err);
    assert_non_null(m);
    assert_int_equal(hss_csv_read_header(m, &err), HSS_OK);
    int cases = 0, failed = 0, methods_seen[8] = {0};
    static const char *const methods[] = {"ears-c1", "ears-c2", "ears-c3", "cusum", "cdc", "farrington"};
    while (hss_csv_next(m, &err) == 1) {
        const char *method = hss_csv_get(m, "method");
        for (int i = 0; i < 6; i++)
            if (strcmp(method, methods[i]) == 0)
                methods_seen[i]++;
        failed += compare_case(hss_csv_get(m, "case"), method, hss_csv_get(m, "input"),
                               hss_csv_get(m, "args"), hss_csv_get(m, "expected")) != 0;
        cases++;
    }
    hss_csv_close(m);
    for (int i = 0; i < 6; i++)
        assert_true(methods_seen[i] > 0);
    assert_true(cases >= 60);
    assert_int_equal(failed, 0);
}

/* R's C3 leaves out the current period's own term, so it cannot alarm on the first period of
 * a jump; the published C3 (Hutwagner 2003) does. */
static void c3_published_differs_from_r(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_puts(&b, "period,count\n");
    static const int y[] = {5, 6, 5, 4, 6, 5, 5, 6, 4, 5, 6, 5, 30};
    for (int i = 0; i < 13; i++)
        hss_buf_printf(&b, "%d,%d\n", i + 1, y[i]);
    char *path = hss_test_write(dir, "jump.csv", b.data);
    char cmd[1024], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s surveil detect --method ears-c3 --input %s --range 13:13", hss_test_bin(), path);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "13,30,"));
    assert_non_null(strstr(out, ",1\n")); /* published: alarm on the jump */
    free(out);
    snprintf(cmd, sizeof cmd, "%s surveil detect --method ears-c3 --c3 r --input %s --range 13:13", hss_test_bin(), path);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, ",0\n")); /* R: no alarm, its bound is above today's count */
    free(out);
    hss_buf_free(&b);
    free(path);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(agrees_with_r),
        cmocka_unit_test(c3_published_differs_from_r),
    };
    return cmocka_run_group_tests_name("surveil_reference", tests, NULL, NULL);
}
