/* test_frontline_e2e.c: recording the work from the screens, end to end in headless Chromium
 * (tests/server/e2e_frontline.mjs): a doctor's follow-ups from the worklist (uncontrolled, then
 * controlled two weeks later), a referral from a 需转诊 row received by the hospital in a second
 * browser, the same at 390x844 without sideways scrolling, a follow-up recorded offline, reloaded
 * and sent once back online, and a planner who sees counts and is refused a named record. Then
 * checks in the database what the screens stored. Data: the care fixture plus resident B enrolled
 * with an old controlled visit (routine follow-up overdue) and a second uncontrolled visit of A
 * (需转诊). Screenshots go to $BUILD/artifacts/. */
#include "care_fixture.h"

static void add_frontline_data(const char *db, const care_fixture *fx)
{
    hss_error e;
    hss_error_clear(&e);
    hss_store *st = hss_store_open_existing(db, &e);
    assert_non_null(st);
    care_ok(hss_care_enrol(st, fx->b, "hypertension", "2025-01-01", NULL, &e), &e);
    hss_care_followup_req b = {fx->b, "hypertension", "2025-06-01", 130, 80, -1, NULL, "regular", 0, "fixture"};
    care_ok(hss_care_followup_add(st, &b, NULL, &e), &e);
    hss_care_followup_req a = {fx->a, "hypertension", "2025-12-28", 166, 100, -1, NULL, "regular", 0, "fixture"};
    care_ok(hss_care_followup_add(st, &a, NULL, &e), &e);
    hss_store_close(st);
}

static void user(const char *db, const char *name, const char *args, const char *pw)
{
    char *out = NULL;
    int rc = add_user_args(db, name, args, pw, &out);
    if (rc)
        fputs(out, stderr);
    free(out);
    assert_int_equal(rc, 0);
}

static void frontline_screens_end_to_end(void **state)
{
    (void)state;
    assert_int_equal(access("web/dist/index.html", R_OK), 0); /* `make web` */
    assert_int_equal(access("/usr/bin/chromium", X_OK), 0);
    char *dir = hss_test_tmpdir();
    char *db = make_region_db(dir);
    care_fixture fx;
    add_care_data(dir, db, &fx);
    add_frontline_data(db, &fx);
    user(db, "doc", "--role doctor --team T1 --display-name 王医生", "doc-pass-1");
    user(db, "vdoc", "--role doctor --team T1 --display-name 村医甲", "vdoc-pass-1");
    user(db, "hosp", "--role hospital --facility F1", "hosp-pass-1");
    user(db, "plan", "--role planner --scope 331100", "plan-pass-1");
    const char *extra[] = {"--web", "web/dist", NULL};
    test_server srv = start_server(db, extra);
    const char *build = getenv("BUILD");
    char cmd[1400], *out = NULL;
    long long a = db_query_int(db, "SELECT id FROM care_resident WHERE name='测试甲'");
    long long b = db_query_int(db, "SELECT id FROM care_resident WHERE name='测试乙'");
    snprintf(cmd, sizeof cmd, "node tests/server/e2e_frontline.mjs http://127.0.0.1:%d/ %s/artifacts %lld %lld 2>&1", srv.port,
             build && *build ? build : "build", a, b);
    int rc = hss_test_run(cmd, &out);
    fputs(out, stdout);
    free(out);
    stop_server(&srv);
    assert_int_equal(rc, 0);
    hss_store *st = hss_store_open_existing(db, NULL);
    /* B: the uncontrolled visit and the controlled one two weeks later, from the form, once each */
    char sql[300];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM care_followup f JOIN care_enrolment e ON e.id=f.enrolment_id "
                              "WHERE e.resident_id=%lld AND f.user_name='doc'", b);
    assert_int_equal(hss_test_query_int(st, sql), 2);
    /* the village doctor's offline follow-up: stored exactly once after the reload */
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_followup WHERE user_name='vdoc' AND sbp=152 AND dbp=96"), 1);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_request WHERE user_name='vdoc' AND kind='followup'"), 1);
    /* A's referral by the doctor, received by the hospital; and the one made on the phone */
    snprintf(sql, sizeof sql, "SELECT count(*) FROM care_referral WHERE resident_id=%lld AND to_facility='F1' AND state='arrived'", a);
    assert_int_equal(hss_test_query_int(st, sql), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM care_referral WHERE resident_id=%lld AND to_facility='F1' AND state='requested'", a);
    assert_int_equal(hss_test_query_int(st, sql), 1);
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM care_referral_event WHERE user_name='hosp' AND state='accepted' AND note='床位已安排'") == 1);
    /* the planner's refusal is in the audit trail and in the resident's own log */
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM care_access_log WHERE user_name='plan' AND action='denied'") >= 1);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM care_access_log WHERE user_name='plan' AND action<>'denied'"), 0);
    hss_store_close(st);
    free(db);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(frontline_screens_end_to_end),
    };
    return cmocka_run_group_tests_name("frontline-e2e", tests, NULL, NULL);
}
