/* test_care_e2e.c: the family-doctor screens end to end. Starts the real `hss serve` with the
 * built web/dist on the test region with the care fixture (tests/server/care_fixture.h) plus
 * generated demo residents, and runs tests/server/e2e_care.mjs in headless chromium. Screenshots
 * go to $BUILD/artifacts/ (build/artifacts/ by default). */
#include "care_fixture.h"

static void care_screens_end_to_end(void **state)
{
    (void)state;
    assert_int_equal(access("web/dist/index.html", R_OK), 0); /* `make web` */
    assert_int_equal(access("/usr/bin/chromium", X_OK), 0);    /* apt: chromium (.ci/apt/server.txt) */
    char *dir = hss_test_tmpdir();
    char *db = make_region_db(dir);
    hss_error e;
    hss_store *st = hss_store_open_existing(db, &e);
    assert_non_null(st);
    care_ok(hss_store_meta_set(st, "demo_date", "2025-12-31", &e), &e);
    hss_store_close(st);
    char cmd[1400], *out = NULL;
    /* generated residents first (the generator replaces only generated data), then the fixture */
    snprintf(cmd, sizeof cmd, "%s care generate --db '%s' --scale 0.02 --seed 7 2>&1", hss_test_bin(), db);
    int rc = hss_test_run(cmd, &out);
    if (rc)
        fputs(out, stderr);
    free(out);
    assert_int_equal(rc, 0);
    care_fixture fx;
    add_care_data(dir, db, &fx);
    assert_int_equal(add_user(db, "liandu", "facility", "331102", "liandu-pass-1", NULL), 0);
    assert_int_equal(add_resident_user(db, "resa", fx.a, "resa-pass-1", NULL), 0);
    const char *extra[] = {"--web", "web/dist", NULL};
    test_server srv = start_server(db, extra);
    const char *build = getenv("BUILD");
    snprintf(cmd, sizeof cmd, "node tests/server/e2e_care.mjs http://127.0.0.1:%d/ liandu liandu-pass-1 resa resa-pass-1 %s/artifacts %s 2>&1",
             srv.port, build && *build ? build : "build", fx.c);
    rc = hss_test_run(cmd, &out);
    fputs(out, stdout);
    free(out);
    stop_server(&srv);
    assert_int_equal(rc, 0);
    /* the screens' reads were audited: the record shown, the worklist rows, the resident's own read */
    st = hss_store_open_existing(db, NULL);
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM care_access_log WHERE user_name='liandu' AND action='show'") >= 1);
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM care_access_log WHERE user_name='liandu' AND action='worklist'") >= 2);
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM care_access_log WHERE user_name='resa' AND action='show'") >= 1);
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM care_referral_event WHERE user_name='liandu' AND state='arrived'") == 1);
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM care_access_log WHERE user_name='liandu' AND action='denied'") == 1);
    hss_store_close(st);
    free(db);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(care_screens_end_to_end),
    };
    return cmocka_run_group_tests_name("care-e2e", tests, NULL, NULL);
}
