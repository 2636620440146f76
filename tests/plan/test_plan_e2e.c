/* test_plan_e2e.c: the 规划实施 screen end to end: the real `hss serve` with the built web/dist on
 * the policy tests' region with a task list, two saved evaluations (a county newly failing between
 * them), a 整改 item and a unit's pending report with a PDF; tests/plan/e2e_plan.mjs drives
 * headless Chromium through the planner's and the unit's views. Screenshots go to
 * $BUILD/artifacts/ (copied to docs/img/ for the documentation). */
#include "plan_fixture.h"
#include "server/server_harness.h"

static const char TASKS[] =
    "tasks:\n"
    "  - id: t.901.city\n    document: 901_test.txt\n    quote: \"全市统筹建设\"\n"
    "    title: {zh: 全市统筹建设, en: city-wide build}\n    target: {zh: 建成, en: built}\n"
    "    year: 2024\n    lead: 市卫生健康委\n    units: [市财政局]\n    area: city\n"
    "  - id: t.901.county\n    document: 901_test.txt\n    quote: \"各县达到90%\"\n"
    "    title: {zh: 县域覆盖率, en: county coverage}\n    target: {zh: 达到90%, en: 90%}\n"
    "    value: 90\n    unit: {zh: \"%\", en: \"%\"}\n"
    "    year: 2030\n    lead: 市卫生健康委\n    units: [县卫生健康局]\n    area: each_county\n";

static test_server srv;

static int teardown(void **state)
{
    (void)state;
    if (srv.pid > 0)
        kill(srv.pid, SIGTERM);
    return 0;
}

static void run_ok(const char *fmt, const char *a, const char *b)
{
    char *out;
    if (plan_run(&out, fmt, a, b) != 0)
        fail_msg("%s", out);
    free(out);
}

static void plan_screen(void **state)
{
    (void)state;
    assert_int_equal(access("web/dist/index.html", R_OK), 0); /* `make web` */
    assert_int_equal(access("/usr/bin/chromium", X_OK), 0);
    char *dir = hss_test_tmpdir(), *db = fixture_db(dir);
    char *text = hss_xmalloc(sizeof PLAN_PACK + sizeof TASKS);
    snprintf(text, sizeof PLAN_PACK + sizeof TASKS, "%s%s", PLAN_PACK, TASKS);
    char *pack = hss_test_write(dir, "plantest.yaml", text);
    char *pdf = hss_test_write(dir, "拨付凭证.pdf", "%PDF-1.4\n%%EOF\n");
    free(text);
    run_ok("tasks load --db %s --policy %s", db, pack);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "echo plan-pass-1 | %s user add caizheng --role unit --unit 市财政局 --scope 331100 "
                              "--password-stdin --db %s >/dev/null 2>&1", hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, NULL), 0);
    assert_int_equal(add_user(db, "guihua", "planner", "331100", "plan-pass-1", NULL), 0);
    run_ok("evaluate --db %s --policy %s --save --label 年度评估", db, pack);
    plan_sql(db, "UPDATE vehicle SET count=0 WHERE facility_code='F8';");
    run_ok("evaluate --db %s --policy %s --save --label 中期评估", db, pack);
    run_ok("rectify add --db %s --eval 1 --rule amb --area 331102 --unit 甲区卫生健康局 --deadline 2099-06-30 --note %s", db, "补足救护车");
    char today[11];
    hss_plan_today(today);
    snprintf(cmd, sizeof cmd, "%s tasks report --db %s --user caizheng --task t.901.city --date %s --status in_progress "
                              "--narrative 首批资金已拨付 --file %s >/dev/null 2>&1", hss_test_bin(), db, today, pdf);
    assert_int_equal(hss_test_run(cmd, NULL), 0);

    const char *extra[] = {"--web", "web/dist", NULL};
    srv = start_server(db, extra);
    const char *build = getenv("BUILD");
    char *out;
    snprintf(cmd, sizeof cmd, "node tests/plan/e2e_plan.mjs http://127.0.0.1:%d/ guihua caizheng plan-pass-1 %s/artifacts 2>&1",
             srv.port, build && *build ? build : "build");
    int rc = hss_test_run(cmd, &out);
    fputs(out, stdout);
    free(out);
    stop_server(&srv);
    srv.pid = 0;
    assert_int_equal(rc, 0);
    /* what the screen did is stored and audited */
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_report WHERE review='accepted' AND reviewer='guihua'"), 1);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_rectification WHERE unit='戊县卫生健康局' AND eval_id=2"), 1);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_report WHERE unit='市财政局'"), 2);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_attachment"), 2);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM audit WHERE action='report_add_refused' AND user_name='caizheng'"), 1);
    free(pdf);
    free(pack);
    free(db);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(plan_screen)};
    return cmocka_run_group_tests_name("plan-e2e", tests, NULL, teardown);
}
