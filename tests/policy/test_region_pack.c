/* test_region_pack.c: the pack a region is judged by when the user names none is its own. */
#include "testutil.h"
#include "policy/policy.h"

static void own_pack_else_national(void **state)
{
    (void)state;
    hss_error err;
    hss_store *st = hss_store_open(":memory:", &err);
    assert_non_null(st);
    char *p = hss_policy_region_pack(st);
    assert_string_equal(p, "national"); /* a region that names itself nowhere */
    free(p);
    const char *cases[][2] = {{"lishui", "lishui"}, {"yiwu", "yiwu"}, {"atlantis", "national"},
                              {"../policy/lishui", "national"}, {"", "national"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        assert_int_equal(hss_store_meta_set(st, "region", cases[i][0], &err), HSS_OK);
        p = hss_policy_region_pack(st);
        assert_string_equal(p, cases[i][1]);
        free(p);
    }
    hss_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(own_pack_else_national)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
