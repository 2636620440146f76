/* test_e2e.c: the dashboard end to end. Starts the real `hss serve` with the built web/dist on
 * the test region and runs tests/server/e2e.mjs (playwright-core driving Debian's headless
 * chromium): log in, open a county, map, findings, facility page, CSV/XLSX export, English.
 * Screenshots are kept in $BUILD/artifacts/ (build/artifacts/ by default). */
#include "server_harness.h"

static void dashboard_end_to_end(void **state)
{
    (void)state;
    assert_int_equal(access("web/dist/index.html", R_OK), 0); /* `make web` */
    assert_int_equal(access("/usr/bin/chromium", X_OK), 0);    /* apt: chromium (.ci/apt/server.txt) */
    char *dir = hss_test_tmpdir();
    char *db = make_region_db(dir);
    assert_int_equal(add_user(db, "planner", "planner", "331100", "planner-pass-1", NULL), 0);
    /* a Lishui region: its findings are judged by the Lishui pack unless the user picks another */
    hss_store *meta = hss_store_open_existing(db, NULL);
    assert_int_equal(hss_store_meta_set(meta, "region", "lishui", NULL), HSS_OK);
    hss_store_close(meta);
    const char *extra[] = {"--web", "web/dist", NULL};
    test_server srv = start_server(db, extra);
    const char *build = getenv("BUILD");
    char cmd[1024], *out;
    snprintf(cmd, sizeof cmd, "node tests/server/e2e.mjs http://127.0.0.1:%d/ planner planner-pass-1 331102 %s/artifacts 2>&1",
             srv.port, build && *build ? build : "build");
    int rc = hss_test_run(cmd, &out);
    fputs(out, stdout);
    free(out);
    stop_server(&srv);
    assert_int_equal(rc, 0);
    /* the dashboard's own reads were audited like any other */
    hss_store *st = hss_store_open_existing(db, NULL);
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM audit WHERE user_name='planner' AND action='login_ok'") == 1);
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM audit WHERE user_name='planner' AND action='login_fail'") == 1);
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM audit WHERE user_name='planner' AND action='read'") >= 3);
    hss_store_close(st);
    free(db);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dashboard_end_to_end),
    };
    return cmocka_run_group_tests_name("server-e2e", tests, NULL, NULL);
}
