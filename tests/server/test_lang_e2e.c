/* test_lang_e2e.c: the user's language on every screen of the Lishui demo, in headless Chromium
 * (tests/server/e2e_lang.mjs). Builds the Lishui demo (a small resident sample), makes the demo
 * logins of every role (`make demo` does the same: the planner of mk/server.mk and
 * `hss care demo-logins`), starts `hss serve` cold and lets the script log in as each role and scan
 * every screen, export heading and a sample of refusals in Chinese mode for internal ids, file
 * names, paths, English words and UTC times, and in English mode for Chinese outside the data
 * the page marks as Chinese (names), ids, file names and paths; then checks that the HTML report is titled with the
 * city (丽水市), not the province above it. The script also prints the first screen's time and
 * bytes after login (a figure, not asserted). Screenshots go to $BUILD/artifacts/. */
#include "server_harness.h"

static void every_screen_in_each_language(void **state)
{
    (void)state;
    assert_int_equal(access("web/dist/index.html", R_OK), 0); /* `make web` */
    assert_int_equal(access("/usr/bin/chromium", X_OK), 0);
    char *dir = hss_test_tmpdir();
    char db[700], cmd[2400], *out = NULL;
    snprintf(db, sizeof db, "%s/lishui.db", dir);
    snprintf(cmd, sizeof cmd, "%s demo lishui --db '%s' --quiet --residents-scale 0.01 >/dev/null 2>&1", hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, NULL), 0);
    assert_int_equal(add_user(db, "demo", "planner", "331100", "lishui-demo-2025", NULL), 0);
    snprintf(cmd, sizeof cmd, "%s care demo-logins --db '%s' 2>&1", hss_test_bin(), db);
    int rc = hss_test_run(cmd, &out);
    if (rc)
        fputs(out, stderr);
    free(out);
    assert_int_equal(rc, 0);
    const char *extra[] = {"--web", "web/dist", NULL};
    test_server srv = start_server(db, extra);
    const char *build = getenv("BUILD");
    snprintf(cmd, sizeof cmd,
             "node tests/server/e2e_lang.mjs http://127.0.0.1:%d/ %s/artifacts lishui-demo-2025 doctor-demo-2025 "
             "hospital-demo-2025 cdc-demo-2025 resident-demo-2025 2>&1",
             srv.port, build && *build ? build : "build");
    rc = hss_test_run(cmd, &out);
    fputs(out, stdout);
    free(out);
    stop_server(&srv);
    assert_int_equal(rc, 0);
    /* the report names the city of the pack, not the province stored above it */
    snprintf(cmd, sizeof cmd, "%s evaluate --db '%s' --policy lishui --format html --output '%s/r.html' >/dev/null 2>&1",
             hss_test_bin(), db, dir);
    assert_int_equal(hss_test_run(cmd, NULL), 0);
    snprintf(cmd, sizeof cmd, "%s/r.html", dir);
    char *html = hss_read_file(cmd, NULL, NULL);
    assert_non_null(html);
    assert_non_null(strstr(html, "<title>丽水市 "));
    assert_null(strstr(html, "浙江省"));
    free(html);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_screen_in_each_language),
    };
    return cmocka_run_group_tests_name("lang-e2e", tests, NULL, NULL);
}
