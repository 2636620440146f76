/* test_csv.c: the strict CSV reader and text helpers. */
#include "testutil.h"

static hss_csv *open_str(const char *s)
{
    return hss_csv_open_mem("t.csv", s, strlen(s));
}

static void reads_quoted_fields_and_crlf(void **state)
{
    (void)state;
    hss_error err;
    hss_csv *c = open_str("\xEF\xBB\xBF" "a,b,c\r\n1,\"x,\"\"y\"\"\",\r\n\"multi\nline\",2,3\n\n");
    assert_int_equal(hss_csv_read_header(c, &err), HSS_OK);
    assert_int_equal(hss_csv_ncols(c), 3);
    assert_string_equal(hss_csv_header(c, 0), "a");
    assert_int_equal(hss_csv_next(c, &err), 1);
    assert_string_equal(hss_csv_get(c, "b"), "x,\"y\"");
    assert_string_equal(hss_csv_get(c, "c"), "");
    assert_int_equal(hss_csv_line(c), 2);
    assert_int_equal(hss_csv_next(c, &err), 1);
    assert_string_equal(hss_csv_field(c, 0), "multi\nline");
    assert_int_equal(hss_csv_line(c), 3);
    assert_int_equal(hss_csv_next(c, &err), 0);
    assert_null(hss_csv_get(c, "zzz"));
    hss_csv_close(c);
}

static void expect_error(const char *text, const char *needle)
{
    hss_error err;
    hss_error_clear(&err);
    hss_csv *c = open_str(text);
    int r = hss_csv_read_header(c, &err) == HSS_OK ? 1 : -1;
    while (r == 1)
        r = hss_csv_next(c, &err);
    assert_int_equal(r, -1);
    if (!strstr(err.msg, needle))
        fail_msg("error '%s' lacks '%s'", err.msg, needle);
    hss_csv_close(c);
}

static void rejects_malformed_input(void **state)
{
    (void)state;
    expect_error("", "empty file");
    expect_error("a,b\n1,2,3\n", "t.csv:2: expected 2 fields");
    expect_error("a,b\n1\n", "t.csv:2: expected 2 fields");
    expect_error("a,b\n1,\"open\n", "t.csv:2: unterminated");
    expect_error("a,b\n1,x\"y\n", "stray quote");
    expect_error("a,b\n1,\"x\"y\n", "after closing quote");
    expect_error("a,b\n1,\xff\xfe\n", "bad encoding");
    expect_error("a,a\n1,2\n", "appears twice");
    expect_error("a,,b\n", "empty");
}

static void requires_columns(void **state)
{
    (void)state;
    hss_error err;
    hss_csv *c = open_str("code,name\n");
    assert_int_equal(hss_csv_read_header(c, &err), HSS_OK);
    const char *req[] = {"code", "level", NULL};
    assert_int_equal(hss_csv_require(c, req, &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "missing required column 'level'"));
    hss_csv_close(c);
}

static void suggests_close_words_only(void **state)
{
    (void)state;
    const char *cands[] = {"general_hospital", "tcm_hospital", "clinic"};
    assert_string_equal(hss_suggest("general_hospitl", cands, 3), "general_hospital");
    assert_null(hss_suggest("bakery", cands, 3));
    assert_int_equal(hss_edit_distance("kitten", "sitting"), 3);
}

static void parses_numbers_strictly(void **state)
{
    (void)state;
    int64_t v;
    double d;
    assert_int_equal(hss_parse_int64("42", &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(hss_parse_int64("4x2", &v), -1);
    assert_int_equal(hss_parse_int64("", &v), -1);
    assert_int_equal(hss_parse_double("119.5", &d), 0);
    assert_int_equal(hss_parse_double("nan", &d), -1);
    assert_int_equal(hss_parse_double("1e999", &d), -1);
    assert_true(hss_utf8_valid("丽水", strlen("丽水")));
    assert_false(hss_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
    assert_false(hss_utf8_valid("\xc0\xaf", 2));     /* overlong */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_quoted_fields_and_crlf),
        cmocka_unit_test(rejects_malformed_input),
        cmocka_unit_test(requires_columns),
        cmocka_unit_test(suggests_close_words_only),
        cmocka_unit_test(parses_numbers_strictly),
    };
    return cmocka_run_group_tests_name("base/csv", tests, NULL, NULL);
}
