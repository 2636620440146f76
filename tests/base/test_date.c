/* test_date.c: calendar day numbers, their ISO form and the UTC timestamp. */
#include "testutil.h"

static void day_numbers_round_trip(void **state)
{
    (void)state;
    assert_int_equal(hss_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(hss_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(hss_days_from_civil(2000, 3, 1) - hss_days_from_civil(2000, 2, 28), 2);
    assert_int_equal(hss_days_from_civil(1900, 3, 1) - hss_days_from_civil(1900, 2, 28), 1);
    assert_int_equal(hss_days_from_civil(2024, 1, 1), 19723);
    /* 2024-01-01 was a Monday: with day 0 a Thursday, (day + 3) % 7 == 0 on Mondays */
    assert_int_equal((hss_days_from_civil(2024, 1, 1) + 3) % 7, 0);
    for (long day = -800000; day <= 800000; day += 37) {
        int y, m, d;
        hss_civil_from_days(day, &y, &m, &d);
        assert_true(m >= 1 && m <= 12 && d >= 1 && d <= hss_month_days(y, m));
        assert_int_equal(hss_days_from_civil(y, m, d), day);
    }
}

static void month_lengths(void **state)
{
    (void)state;
    assert_int_equal(hss_month_days(2023, 2), 28);
    assert_int_equal(hss_month_days(2024, 2), 29);
    assert_int_equal(hss_month_days(1900, 2), 28);
    assert_int_equal(hss_month_days(2000, 2), 29);
    assert_int_equal(hss_month_days(2023, 4), 30);
    assert_int_equal(hss_month_days(2023, 12), 31);
}

static void formats_iso_days(void **state)
{
    (void)state;
    char out[11];
    hss_day_format(0, out);
    assert_string_equal(out, "1970-01-01");
    hss_day_format(hss_days_from_civil(2024, 2, 29), out);
    assert_string_equal(out, "2024-02-29");
    hss_day_format(hss_days_from_civil(1899, 12, 31), out);
    assert_string_equal(out, "1899-12-31");
    hss_day_format(hss_days_from_civil(2200, 12, 31), out);
    assert_string_equal(out, "2200-12-31");
}

static void utc_timestamp_shape(void **state)
{
    (void)state;
    char ts[21];
    hss_utc_timestamp(ts);
    assert_int_equal(strlen(ts), 20);
    assert_int_equal(ts[4], '-');
    assert_int_equal(ts[10], 'T');
    assert_int_equal(ts[19], 'Z');
    int y = atoi(ts);
    assert_true(y >= 2020 && y < 10000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(day_numbers_round_trip),
        cmocka_unit_test(month_lengths),
        cmocka_unit_test(formats_iso_days),
        cmocka_unit_test(utc_timestamp_shape),
    };
    return cmocka_run_group_tests_name("base/date", tests, NULL, NULL);
}
