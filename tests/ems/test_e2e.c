/* test_e2e.c: the 120 screen end to end. Starts the real `hss serve` with the built web/dist on
 * the hand-made region of fixture_ems.h with its four calls and runs tests/ems/e2e_ems.mjs in
 * headless Chromium; then checks that the two state changes made on the screen are audited. */
#include "server/server_harness.h"

#include "fixture_ems.h"

static void ems_screen_end_to_end(void **state)
{
    (void)state;
    assert_int_equal(access("web/dist/index.html", R_OK), 0); /* `make web` */
    assert_int_equal(access("/usr/bin/chromium", X_OK), 0);
    char *dir = hss_test_tmpdir();
    char *db = ems_build(dir, "e2e.db");
    char *calls = hss_test_write(dir, "calls.csv", EMS_CALLS);
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    size_t n;
    assert_int_equal(hss_ems_calls_import(st, calls, 0, &n, &err), HSS_OK);
    ems_exec(st, "UPDATE area SET name='莲都区' WHERE code='331102'; UPDATE area SET name='青田县' WHERE code='331121';"
                 "UPDATE area SET name='丽水市' WHERE code='331100'; UPDATE facility SET name='莲都急救站' WHERE code='E0';"
                 "UPDATE facility SET name='青田急救中心' WHERE code='E10'");
    hss_store_close(st);
    free(calls);
    assert_int_equal(add_user(db, "planner", "planner", "331100", "planner-pass-1", NULL), 0);
    const char *extra[] = {"--web", "web/dist", NULL};
    test_server srv = start_server(db, extra);
    const char *build = getenv("BUILD");
    char cmd[1400], *out = NULL;
    snprintf(cmd, sizeof cmd, "node tests/ems/e2e_ems.mjs http://127.0.0.1:%d/ planner planner-pass-1 %s/artifacts 2>&1",
             srv.port, build && *build ? build : "build");
    int rc = hss_test_run(cmd, &out);
    fputs(out, stdout);
    free(out);
    stop_server(&srv);
    assert_int_equal(rc, 0);
    assert_int_equal(db_query_int(db, "SELECT COUNT(*) FROM ems_unit_event WHERE user_name='planner' AND state='out_of_service'"), 2);
    free(db);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ems_screen_end_to_end),
    };
    return cmocka_run_group_tests_name("ems-e2e", tests, NULL, NULL);
}
