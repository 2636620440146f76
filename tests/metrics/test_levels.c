/* test_levels.c: an element reported at the level the county reports it. contracted_residents
 * may be imported for a whole county as well as per township; a county figure and township
 * figures for the same county and month are never added together: the county figure stands
 * for the county (and says so), the townships keep theirs, the city counts the county once.
 * The incrementally kept aggregates equal a rebuild, and deleting the county figure brings the
 * townships' sum back. */
#include <math.h>

#include "mtest.h"

static char *dir;

static void import(hss_store *st, const char *name, const char *body, int del)
{
    char *f = hss_test_write(dir, name, body);
    hss_error err;
    hss_error_clear(&err);
    if (hss_metrics_import(st, f, del, NULL, &err) != HSS_OK)
        fail_msg("%s: %s", name, err.msg);
    free(f);
}

/* The numerator of contracting_rate and the source the indicators table gives. */
static double contracted(hss_store *st, const char *area, const char *period, char *source)
{
    double num;
    mtest_value(st, "contracting_rate", area, period, &num, NULL);
    hss_metrics_query q = {.under = area, .period = period, .indicator = "contracting_rate",
                           .any_pack = 1};
    hss_table *t;
    hss_error err;
    assert_int_equal(hss_metrics_indicators(st, &q, &t, &err), HSS_OK);
    assert_string_equal(hss_table_cell(t, 0, 2), area);
    size_t src = hss_table_cols(t) - 2;
    assert_string_equal(hss_table_col_name(t, src), "source");
    strcpy(source, hss_table_cell(t, 0, src));
    hss_table_free(t);
    return num;
}

static void county_figure_stands_for_its_townships(void **state)
{
    (void)state;
    dir = hss_test_tmpdir();
    hss_store *st = mtest_region(dir, "levels", NULL);
    char src[32];
    /* a county that reports for the whole county only: accepted */
    import(st, "county.csv", "element,org,period,value\ncontracted_residents,331102,2025-05,5700\n", 0);
    assert_near(contracted(st, "331102", "2025-05", src), 5700);
    assert_string_equal(src, "county");
    /* county and township figures of the same month */
    import(st, "mixed.csv",
           "element,org,period,value\n"
           "contracted_residents,331102001,2025-04,2000\n"
           "contracted_residents,331102002,2025-04,3000\n"
           "contracted_residents,331121001,2025-04,2500\n"
           "contracted_residents,331102,2025-04,5600\n", 0);
    assert_near(contracted(st, "331102", "2025-04", src), 5600); /* the county's own, not 5000 */
    assert_string_equal(src, "county");
    assert_near(contracted(st, "331102001", "2025-04", src), 2000); /* townships keep theirs */
    assert_string_equal(src, "import");
    assert_near(contracted(st, "331102002", "2025-04", src), 3000);
    assert_near(contracted(st, "331121", "2025-04", src), 2500);
    assert_string_equal(src, "import");
    /* the city counts 莲都区 once: 5600 + 2500, not 5600 + 5000 + 2500 */
    double num, den;
    double v = mtest_value(st, "contracting_rate", "331100", "2025-04", &num, &den);
    assert_near(num, 8100);
    assert_near(den, 15000);
    assert_near(v, 54);
    /* a quarter takes the last month with data: May's county figure */
    assert_near(contracted(st, "331102", "2025Q2", src), 5700);
    assert_near(contracted(st, "331100", "2025Q2", src), 5700);
    /* what the imports kept incrementally is what a rebuild gives */
    hss_error err;
    assert_int_equal(hss_metrics_rebuild(st, &err), HSS_OK);
    assert_near(contracted(st, "331102", "2025-04", src), 5600);
    mtest_value(st, "contracting_rate", "331100", "2025-04", &num, NULL);
    assert_near(num, 8100);
    /* without the county figure the county is its townships' sum again */
    import(st, "del.csv", "element,org,period\ncontracted_residents,331102,2025-04\n", 1);
    assert_near(contracted(st, "331102", "2025-04", src), 5000);
    assert_string_equal(src, "import");
    mtest_value(st, "contracting_rate", "331100", "2025-04", &num, NULL);
    assert_near(num, 7500);
    /* an element reported per county cannot be reported for a township, nor a township one for
     * the city */
    char *f = hss_test_write(dir, "bad.csv", "element,org,period,value\ncontracted_residents,331100,2025-04,1\n");
    assert_int_equal(hss_metrics_import(st, f, 0, NULL, &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "per township area or per county"));
    free(f);
    hss_store_close(st);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(county_figure_stands_for_its_townships),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
