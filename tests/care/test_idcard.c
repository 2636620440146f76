/* test_idcard.c: citizen ID check digits (GB 11643-1999), birth date and sex from the ID,
 * masking, and the calendar helpers. Known valid IDs: the standard's own example
 * 11010519491231002X (check character X) and the widely published 440524188001010014. */
#include "testutil.h"

#include "care/care.h"

static void known_valid_ids(void **state)
{
    (void)state;
    assert_null(hss_care_id_check("11010519491231002X"));
    assert_null(hss_care_id_check("11010519491231002x")); /* lower-case x accepted */
    assert_null(hss_care_id_check("440524188001010014"));
    assert_int_equal(hss_care_id_check_char("11010519491231002"), 'X');
    assert_int_equal(hss_care_id_check_char("44052418800101001"), '4');
    assert_int_equal(hss_care_id_check_char("33110219850715123"), '0');
    assert_null(hss_care_id_check("331102198507151230"));
}

static void bad_ids_name_the_reason(void **state)
{
    (void)state;
    assert_non_null(strstr(hss_care_id_check("110105194912310021"), "check digit"));
    assert_non_null(strstr(hss_care_id_check("440524188001010015"), "check digit"));
    assert_non_null(strstr(hss_care_id_check("44052418800101001"), "18 characters"));
    assert_non_null(strstr(hss_care_id_check("4405241880010100144"), "18 characters"));
    assert_non_null(strstr(hss_care_id_check("44052418800A010014"), "digits"));
    assert_non_null(strstr(hss_care_id_check("44052418800101001Y"), "digit or X"));
    /* 1980-02-30 is not a date, whatever the check digit */
    char id[19] = "44052419800230001";
    id[17] = hss_care_id_check_char(id);
    id[18] = 0;
    assert_non_null(strstr(hss_care_id_check(id), "birth date"));
    assert_non_null(hss_care_id_check(NULL));
}

static void birth_sex_and_mask(void **state)
{
    (void)state;
    char b[11], m[19];
    hss_care_id_birth("11010519491231002X", b);
    assert_string_equal(b, "1949-12-31");
    assert_string_equal(hss_care_id_sex("11010519491231002X"), "female"); /* 17th digit 2 */
    assert_string_equal(hss_care_id_sex("440524188001010014"), "male");   /* 17th digit 1 */
    hss_care_id_mask("11010519491231002x", m);
    assert_string_equal(m, "1101**********002X");
    hss_care_id_mask("short", m);
    assert_string_equal(m, "******************");
}

static void days_and_ages(void **state)
{
    (void)state;
    int32_t d;
    assert_int_equal(hss_care_parse_day("1970-01-01", 0, &d), 0);
    assert_int_equal(d, 0);
    assert_int_equal(hss_care_parse_day("2024-02-29", 0, &d), 0);
    char out[11];
    hss_care_format_day(d, out);
    assert_string_equal(out, "2024-02-29");
    assert_int_equal(hss_care_parse_day("2023-02-29", 0, &d), -1);
    assert_int_equal(hss_care_parse_day("2024-13-01", 0, &d), -1);
    assert_int_equal(hss_care_parse_day("2024-01-01T08:30", 0, &d), -1);
    assert_int_equal(hss_care_parse_day("2024-01-01T08:30", 1, &d), 0);
    assert_int_equal(hss_care_parse_day("2024-01-01T25:30", 1, &d), -1);
    int32_t birth, day;
    hss_care_parse_day("1960-06-15", 0, &birth);
    hss_care_parse_day("2025-06-14", 0, &day);
    assert_int_equal(hss_care_age(birth, day), 64);
    assert_int_equal(hss_care_age(birth, day + 1), 65);
    assert_true(hss_care_key_groups(birth, 0, day + 1) & HSS_CARE_ELDERLY);
    assert_false(hss_care_key_groups(birth, 0, day) & HSS_CARE_ELDERLY);
    hss_care_parse_day("2019-01-01", 0, &birth);
    hss_care_parse_day("2025-12-31", 0, &day);
    assert_true(hss_care_key_groups(birth, 0, day) & HSS_CARE_CHILD); /* 6 years old */
    assert_false(hss_care_key_groups(birth, 0, day + 1) & HSS_CARE_CHILD); /* 7 */
    unsigned mask;
    char bad[64];
    assert_int_equal(hss_care_conditions_parse("hypertension; diabetes", &mask, bad), 0);
    assert_int_equal(mask, HSS_CARE_HYPERTENSION | HSS_CARE_DIABETES);
    assert_int_equal(hss_care_conditions_parse("hypertension;flu", &mask, bad), -1);
    assert_string_equal(bad, "flu");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_valid_ids),
        cmocka_unit_test(bad_ids_name_the_reason),
        cmocka_unit_test(birth_sex_and_mask),
        cmocka_unit_test(days_and_ages),
    };
    return cmocka_run_group_tests_name("care_idcard", tests, NULL, NULL);
}
