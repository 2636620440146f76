/* test_evaluate.c: the evaluation on simulated outbreaks: reproducible for a seed, every
 * figure in range, and bigger outbreaks are detected at least as often as small ones. */
#include <math.h>

#include "testutil.h"
#include "surveil/surveil.h"

static hss_table *eval(int series, double k, unsigned long seed)
{
    hss_surveil_eval_opts o = {series, 400, 26, seed, k};
    hss_surveil_params p[2];
    hss_surveil_params_default(&p[0], HSS_SURVEIL_EARS_C1, 52);
    hss_surveil_params_default(&p[1], HSS_SURVEIL_FARRINGTON, 52);
    p[1].b = 3;
    const char *labels[] = {"ears-c1", "farrington"};
    hss_error err;
    hss_table *t = hss_surveil_evaluate(&o, p, labels, 2, &err);
    assert_non_null(t);
    return t;
}

static void figures_are_sane_and_reproducible(void **state)
{
    (void)state;
    hss_table *a = eval(8, 3, 7), *b = eval(8, 3, 7), *big = eval(8, 12, 7);
    assert_int_equal(hss_table_rows(a), 8); /* 4 scenarios x 2 settings */
    double sens_small = 0, sens_big = 0;
    for (size_t r = 0; r < hss_table_rows(a); r++) {
        for (size_t c = 0; c < hss_table_cols(a); c++)
            assert_string_equal(hss_table_cell(a, r, c), hss_table_cell(b, r, c));
        double sens = atof(hss_table_cell(a, r, 3)), spec = atof(hss_table_cell(a, r, 4));
        double fa = atof(hss_table_cell(a, r, 5));
        assert_true(sens >= 0 && sens <= 1);
        assert_true(spec >= 0.5 && spec <= 1);
        assert_true(fa >= 0 && fa < 0.5);
        sens_small += sens;
        sens_big += atof(hss_table_cell(big, r, 3));
    }
    assert_true(sens_big > sens_small);
    assert_true(sens_big >= 6); /* 12 sd outbreaks: found in most scenario/setting pairs */
    hss_table_free(a);
    hss_table_free(b);
    hss_table_free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(figures_are_sane_and_reproducible),
    };
    return cmocka_run_group_tests_name("surveil_evaluate", tests, NULL, NULL);
}
