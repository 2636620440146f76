/*
 * test_audit_rule.c (issue 19, parts 2 and 3): the audit rule as a test. Every endpoint that
 * reads a named person, writes or exports is called once and must leave exactly one audit row
 * (one per person for a list); every refusal exactly one row that records the refusal (status
 * 403 in `audit`, or `denied` in the resident's own access log); plain reads of areas leave none.
 * Rows are counted over both tables `hss audit` shows (audit and care_access_log).
 */
#include "server/care_fixture.h"

static char *g_dir, *g_db;
static test_server g_srv;
static care_fixture g_fx;
static session g_admin, g_liandu, g_qingtian, g_resa, g_bye, g_pw;

static long long rows_now(void)
{
    return db_query_int(g_db, "SELECT (SELECT count(*) FROM audit)+(SELECT count(*) FROM care_access_log)");
}

static long long refusals_now(void)
{
    return db_query_int(g_db, "SELECT (SELECT count(*) FROM audit WHERE status=403)+"
                              "(SELECT count(*) FROM care_access_log WHERE action='denied')");
}

static int setup(void **state)
{
    (void)state;
    g_dir = hss_test_tmpdir();
    g_db = make_region_db(g_dir);
    add_care_data(g_dir, g_db, &g_fx);
    assert_int_equal(add_user(g_db, "admin", "admin", "331100", "admin-pass-1", NULL), 0);
    assert_int_equal(add_user(g_db, "liandu", "facility", "331102", "liandu-pass-1", NULL), 0);
    assert_int_equal(add_user(g_db, "qingtian", "facility", "331121", "qingtian-pass-1", NULL), 0);
    assert_int_equal(add_resident_user(g_db, "resa", g_fx.a, "resa-pass-123", NULL), 0);
    assert_int_equal(add_user(g_db, "pw", "county", "331102", "pw-pass-123", NULL), 0);
    g_srv = start_server(g_db, NULL);
    assert_int_equal(login(g_srv.port, "admin", "admin-pass-1", &g_admin), 200);
    assert_int_equal(login(g_srv.port, "liandu", "liandu-pass-1", &g_liandu), 200);
    assert_int_equal(login(g_srv.port, "qingtian", "qingtian-pass-1", &g_qingtian), 200);
    assert_int_equal(login(g_srv.port, "resa", "resa-pass-123", &g_resa), 200);
    assert_int_equal(login(g_srv.port, "liandu", "liandu-pass-1", &g_bye), 200);
    assert_int_equal(login(g_srv.port, "pw", "pw-pass-123", &g_pw), 200);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    stop_server(&g_srv);
    free(g_db);
    free(g_dir);
    return 0;
}

typedef struct {
    session *who;
    const char *method, *path, *body;
    int csrf;     /* send the session's CSRF token */
    int status;   /* the status it must get */
    int rows;     /* audit rows it must leave */
    int refusal;  /* those rows record a refusal */
} call;

static void one(const call *c, const char *path)
{
    long long before = rows_now(), refused = refusals_now();
    http_resp r;
    http_req(g_srv.port, c->method, path, c->who ? c->who->token : NULL, c->csrf ? c->who->csrf : NULL, c->body, &r);
    long long added = rows_now() - before, added_refusals = refusals_now() - refused;
    if (r.status != c->status || added != c->rows || added_refusals != (c->refusal ? c->rows : 0))
        fprintf(stderr, "%s %s: status %d (want %d), %lld audit rows (want %d), %lld refusals; %.200s\n", c->method,
                path, r.status, c->status, added, c->rows, added_refusals, r.body);
    assert_int_equal(r.status, c->status);
    assert_int_equal(added, c->rows);
    assert_int_equal(added_refusals, c->refusal ? c->rows : 0);
    http_resp_free(&r);
}

static void every_access_leaves_one_row(void **state)
{
    (void)state;
    char unknown[19];
    make_id(unknown, "331102", "19800101", "777");
    char a_show[100], a_log[100], ref[100], unk[100];
    snprintf(a_show, sizeof a_show, "/api/v1/care/residents/%s", g_fx.a);
    snprintf(a_log, sizeof a_log, "/api/v1/care/residents/%s/access-log", g_fx.a);
    snprintf(ref, sizeof ref, "/api/v1/care/referrals/%lld/transition", (long long)g_fx.ref_a);
    snprintf(unk, sizeof unk, "/api/v1/care/residents/%s", unknown);
    const call calls[] = {
        /* reads of named persons: one row each (a list: one row naming the persons listed) */
        {&g_admin, "GET", a_show, NULL, 0, 200, 1, 0},
        {&g_admin, "GET", a_log, NULL, 0, 200, 1, 0},
        {&g_liandu, "GET", "/api/v1/care/residents?village=331102101201", NULL, 0, 200, 1, 0},
        {&g_liandu, "GET", "/api/v1/care/referrals", NULL, 0, 200, 1, 0},
        {&g_resa, "GET", "/api/v1/care/residents/me", NULL, 0, 200, 1, 0},
        {&g_admin, "GET", "/api/v1/facilities/F1", NULL, 0, 200, 1, 0},
        /* exports */
        {&g_liandu, "GET", "/api/v1/export/facilities.csv", NULL, 0, 200, 1, 0},
        {&g_liandu, "GET", "/api/v1/export/facilities.xlsx", NULL, 0, 200, 1, 0},
        {&g_liandu, "GET", "/api/v1/export/findings.csv", NULL, 0, 200, 1, 0},
        {&g_liandu, "GET", "/api/v1/export/findings.xlsx", NULL, 0, 200, 1, 0},
        /* writes, done or not */
        {&g_liandu, "POST", ref, "{\"state\":\"arrived\"}", 1, 200, 1, 0},
        {&g_liandu, "POST", ref, "{\"state\":\"accepted\"}", 1, 409, 1, 0},
        {&g_liandu, "POST", "/api/v1/password", "{\"old_password\":\"not-it-at-all\",\"new_password\":\"x12345678\"}", 1, 403, 1, 1},
        {&g_pw, "POST", "/api/v1/password", "{\"old_password\":\"pw-pass-123\",\"new_password\":\"pw-pass-456\"}", 1, 200, 1, 0},
        {&g_bye, "POST", "/api/v1/logout", NULL, 1, 200, 1, 0},
        /* refusals: one row each that says so */
        {&g_liandu, "GET", "/api/v1/areas/331121", NULL, 0, 403, 1, 1},
        {&g_liandu, "GET", "/api/v1/areas?under=331121", NULL, 0, 403, 1, 1},
        {&g_liandu, "GET", "/api/v1/export/findings.csv?under=331121", NULL, 0, 403, 1, 1},
        {&g_liandu, "GET", "/api/v1/export/facilities.xlsx?under=331121", NULL, 0, 403, 1, 1},
        {&g_liandu, "GET", "/api/v1/geo/boundaries?under=331121", NULL, 0, 403, 1, 1},
        {&g_liandu, "GET", "/api/v1/geo/facilities?under=331121", NULL, 0, 403, 1, 1},
        {&g_liandu, "GET", "/api/v1/alerts?under=331121", NULL, 0, 403, 1, 1},
        {&g_liandu, "GET", "/api/v1/findings?under=331121", NULL, 0, 403, 1, 1},
        {&g_liandu, "GET", "/api/v1/care/referrals?under=331121", NULL, 0, 403, 1, 1},
        {&g_liandu, "GET", "/api/v1/care/worklist?team=T2", NULL, 0, 403, 1, 1},
        {&g_liandu, "GET", "/api/v1/facilities/F6", NULL, 0, 403, 1, 1},
        {&g_qingtian, "GET", a_show, NULL, 0, 403, 1, 1},
        {&g_qingtian, "GET", unk, NULL, 0, 403, 1, 1},
        {&g_qingtian, "POST", ref, "{\"state\":\"completed\"}", 1, 403, 1, 1},
        {&g_resa, "GET", "/api/v1/areas", NULL, 0, 403, 1, 1},
        {&g_liandu, "POST", "/api/v1/logout", NULL, 0, 403, 1, 1}, /* no CSRF token */
        /* plain reads of the region: none */
        {&g_liandu, "GET", "/api/v1/areas", NULL, 0, 200, 0, 0},
        {&g_liandu, "GET", "/api/v1/summary", NULL, 0, 200, 0, 0},
    };
    for (size_t i = 0; i < sizeof calls / sizeof *calls; i++)
        one(&calls[i], calls[i].path);
    /* the list's one row names both residents listed: the view (and `hss audit`) shows each */
    assert_int_equal(db_query_int(g_db, "SELECT count(*) FROM care_access_seen WHERE user_name='liandu' AND action='list'"), 2);
}

/* A write's row commits with it: the referral moved above has its row, with the status. */
static void write_rows_name_what_was_done(void **state)
{
    (void)state;
    char q[300];
    snprintf(q, sizeof q, "SELECT count(*) FROM audit WHERE action='write' AND user_name='liandu' AND "
             "target='POST /api/v1/care/referrals/%lld/transition' AND status=200", (long long)g_fx.ref_a);
    assert_int_equal(db_query_int(g_db, q), 1);
    assert_int_equal(db_query_int(g_db, "SELECT count(*) FROM audit WHERE action='read' AND detail LIKE 'export % findings (xlsx)'"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_access_leaves_one_row),
        cmocka_unit_test(write_rows_name_what_was_done),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
