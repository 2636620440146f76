/* test_table.c: result tables: numbers as text (whole numbers printed without snprintf, the
 * rest trimmed), cells kept in blocks (a large table, cells set twice, repeated columns,
 * pages), and large arrays from hss_xmalloc_large / hss_xgrow_large. */
#include <math.h>

#include "report/report.h"
#include "testutil.h"

static void reals_as_text(void **state)
{
    (void)state;
    static const struct {
        double v;
        int decimals;
        const char *text;
    } cases[] = {
        {3, 4, "3"},         {-3, 4, "-3"},      {-0.0, 4, "0"},      {0, 4, "0"},
        {2.5, 4, "2.5"},     {2.5, 0, "2"},      {-2.25, 1, "-2.2"},  {0.00001, 4, "0"},
        {-0.00001, 4, "0"},  {1e15, 4, "1000000000000000"},           {-999999999999999, 2, "-999999999999999"},
        {123456.78901, 4, "123456.789"},          {2.99999999, 4, "3"}, {1e16, 0, "10000000000000000"},
    };
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "x", NULL, HSS_COL_REAL);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        hss_table_add_row(t);
        hss_table_set_real(t, 0, cases[i].v, cases[i].decimals);
        if (strcmp(hss_table_cell(t, i, 0), cases[i].text) != 0)
            fail_msg("%.17g with %d decimals: '%s', not '%s'", cases[i].v, cases[i].decimals,
                     hss_table_cell(t, i, 0), cases[i].text);
    }
    hss_table_add_row(t);
    hss_table_set_real(t, 0, NAN, 4); /* not a whole number: printed by snprintf, not cast */
    assert_string_equal(hss_table_cell(t, hss_table_rows(t) - 1, 0), "nan");
    hss_table_free(t);
}

static void many_cells_in_blocks(void **state)
{
    (void)state;
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "rule", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "code", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "n", NULL, HSS_COL_INT);
    hss_table_col_repeats(t, 0);
    char code[32], big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    for (int r = 0; r < 100000; r++) {
        hss_table_add_row(t);
        hss_table_set_text(t, 0, r < 50000 ? "a" : "b");
        snprintf(code, sizeof code, "C%d", r);
        hss_table_set_text(t, 1, "first");
        hss_table_set_text(t, 1, r == 777 ? big : code); /* set twice: the last value stands */
        hss_table_set_int(t, 2, r);
        if (r % 3 == 0)
            hss_table_set_null(t, 2);
    }
    assert_int_equal(hss_table_rows(t), 100000);
    assert_string_equal(hss_table_cell(t, 49999, 0), "a");
    assert_string_equal(hss_table_cell(t, 50000, 0), "b");
    assert_string_equal(hss_table_cell(t, 99999, 1), "C99999");
    assert_string_equal(hss_table_cell(t, 777, 1), big);
    assert_string_equal(hss_table_cell(t, 778, 2), "778");
    assert_true(hss_table_is_null(t, 777, 2));
    hss_table *p = hss_table_page(t, 99990, 50);
    assert_int_equal(hss_table_rows(p), 10);
    assert_string_equal(hss_table_cell(p, 9, 1), "C99999");
    assert_true(hss_table_is_null(p, 0, 2)); /* row 99990 = 3 x 33330 */
    hss_table_free(t);
    assert_string_equal(hss_table_cell(p, 1, 2), "99991"); /* a page outlives its table */
    hss_table_free(p);
}

static void large_arrays(void **state)
{
    (void)state;
    size_t n = 5u << 20;
    unsigned char *a = hss_xmalloc_large(n);
    assert_int_equal((uintptr_t)a % (2u << 20), 0); /* aligned for huge pages */
    memset(a, 7, n);
    a = hss_xgrow_large(a, n, 2 * n);
    assert_int_equal(a[0], 7);
    assert_int_equal(a[n - 1], 7);
    a[2 * n - 1] = 1;
    free(a);
    char *small = hss_xmalloc_large(10); /* plain malloc below 2 MiB */
    strcpy(small, "ok");
    small = hss_xgrow_large(small, 3, 100);
    assert_string_equal(small, "ok");
    free(small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reals_as_text),
        cmocka_unit_test(many_cells_in_blocks),
        cmocka_unit_test(large_arrays),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
