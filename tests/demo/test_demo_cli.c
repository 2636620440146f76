/* test_demo_cli.c: `hss demo` as a user runs it: output, exit codes and usage errors. */
#include "testutil.h"

static void builds_and_reports(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    char cmd[1200];
    char *out = NULL;
    snprintf(cmd, sizeof cmd, "%s demo yiwu --db %s/y.db 2>&1", hss_test_bin(), dir);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "义乌市 demo region (330782)"));
    assert_non_null(strstr(out, "1 county-level units, 14 townships/streets, 544 villages/communities"));
    assert_non_null(strstr(out, "1859390 residents"));
    assert_non_null(strstr(out, "reading divisions")); /* progress is shown */
    free(out);
    snprintf(cmd, sizeof cmd, "%s demo wenzhou --db %s/w.db 2>&1", hss_test_bin(), dir);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "unknown demo region 'wenzhou'"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s demo lishui 2>&1", hss_test_bin());
    assert_int_equal(hss_test_run(cmd, &out), 2);
    assert_non_null(strstr(out, "usage: hss demo"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s demo lishui --db %s/l.db --seed -3 2>&1", hss_test_bin(), dir);
    assert_int_equal(hss_test_run(cmd, &out), 2);
    assert_non_null(strstr(out, "--seed must be a positive integer"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s demoo 2>&1", hss_test_bin());
    assert_int_equal(hss_test_run(cmd, &out), 2);
    assert_non_null(strstr(out, "did you mean 'demo'"));
    free(out);
    free(dir);
}

/* What the demo writes is valid input: exporting every kind and importing it into a new file
 * passes the importer's strict validation (locations inside boundaries, codes nested ...). */
static void demo_round_trips_through_export_and_import(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    char cmd[2400];
    char *out = NULL;
    snprintf(cmd, sizeof cmd, "%s demo lishui --db %s/a.db --quiet >/dev/null 2>&1", hss_test_bin(), dir);
    assert_int_equal(hss_test_run(cmd, NULL), 0);
    static const char *kinds[] = {"areas", "boundaries", "facilities", "staff", "vehicles"};
    for (size_t i = 0; i < 5; i++) {
        snprintf(cmd, sizeof cmd, "%s export --db %s/a.db %s --format %s > %s/%s.out && "
                 "%s import --db %s/b.db %s %s/%s.out 2>&1", hss_test_bin(), dir, kinds[i],
                 i == 1 ? "geojson" : "csv", dir, kinds[i], hss_test_bin(), dir, kinds[i], dir, kinds[i]);
        int rc = hss_test_run(cmd, &out);
        if (rc != 0)
            fail_msg("re-importing the demo's %s failed: %s", kinds[i], out);
        free(out);
    }
    snprintf(cmd, sizeof cmd, "%s export --db %s/a.db facilities --format csv | cmp - %s/facilities.out && "
             "%s export --db %s/b.db facilities --format csv | cmp - %s/facilities.out",
             hss_test_bin(), dir, dir, hss_test_bin(), dir, dir);
    assert_int_equal(hss_test_run(cmd, NULL), 0);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builds_and_reports),
        cmocka_unit_test(demo_round_trips_through_export_and_import),
    };
    return cmocka_run_group_tests_name("demo/cli", tests, NULL, NULL);
}
