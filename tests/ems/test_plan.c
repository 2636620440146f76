/*
 * test_plan.c: MEXCLP greedy by hand on fixture_ems.h. Coverage means 1 + 2 minutes plus road
 * time within 11 minutes (urban villages 0-4) or 14 (rural 5-20): E0 at node 0 covers villages
 * 0-11 (12 of 1,000 residents each), E10 at node 10 covers villages 2-20 (19). With q = 0.5 each
 * further ambulance covering a village adds half of what the one before added.
 */
#include "fixture_ems.h"

static void greedy_by_hand(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    char *db = ems_build(dir, "plan.db");
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    hss_ems_plan_opts o = {NULL, 4, 0.5, 1};
    hss_table *steps = NULL, *sum = NULL;
    if (hss_ems_plan(st, &o, &steps, &sum, &err) != HSS_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(hss_table_rows(steps), 4);
    /* 1: E10 19 x 500; 2: E10 19 x 250 (E0 would add 2 x 500 + 10 x 250 = 3,500);
     * 3: E10 19 x 125 (E0: 1,000 + 10 x 125 = 2,250); 4: E0 1,000 + 10 x 62.5 = 1,625 (E10: 1,187.5) */
    static const char *const site[] = {"E10", "E10", "E10", "E0"};
    static const char *const gain[] = {"9500", "4750", "2375", "1625"};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(hss_table_cell(steps, i, 1), site[i]);
        assert_string_equal(hss_table_cell(steps, i, 4), gain[i]);
    }
    assert_string_equal(hss_table_cell(steps, 3, 5), "18250");
    assert_string_equal(hss_table_cell(steps, 3, 6), "0.869"); /* 18,250 / 21,000 */
    /* the stored allocation (A1, A2 at E0, B1 at E10): villages 0-1 twice, 2-11 three times,
     * 12-20 once: 2 x 750 + 10 x 875 + 9 x 500 = 14,750 = 0.7024 of 21,000 */
    assert_string_equal(hss_table_cell(sum, 0, 3), "3");
    assert_string_equal(hss_table_cell(sum, 0, 4), "0.7024");
    assert_string_equal(hss_table_cell(sum, 0, 7), "1");
    assert_string_equal(hss_table_cell(sum, 0, 2), "stated default 0.1"); /* the given q is not measured */
    hss_table_free(steps);
    hss_table_free(sum);
    /* the rural county alone, q from the default (no calls stored) */
    o.under = "331121";
    o.busy = 0;
    o.units = 0; /* as many as stored there: B1 */
    assert_int_equal(hss_ems_plan(st, &o, &steps, &sum, &err), HSS_OK);
    assert_int_equal(hss_table_rows(steps), 1);
    assert_string_equal(hss_table_cell(steps, 0, 1), "E10");
    assert_string_equal(hss_table_cell(steps, 0, 4), "9900"); /* villages 10-20: 11 x 1,000 x 0.9 */
    hss_table_free(steps);
    hss_table_free(sum);
    o.under = "999999";
    assert_int_equal(hss_ems_plan(st, &o, &steps, &sum, &err), HSS_ENOTFOUND);
    hss_store_close(st);
    char cmd[900], *out;
    snprintf(cmd, sizeof cmd, "%s ems plan --db %s --units 2 --busy 0.5 --format csv", hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "2,E10,E10,0,4750,14250,0.6786"));
    free(out);
    free(db);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(greedy_by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
