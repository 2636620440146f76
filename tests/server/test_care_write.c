/* test_care_write.c: the care writes against the real `hss serve` (api_care_write.c, care/write.c,
 * care_roles.c): for each write its success, the same request_id twice (one record, the same
 * answer), a bad field (400 naming it, in Chinese by default and in English on request), the
 * scope refusal, the role refusals (planner, CDC, hospital, resident), illegal states (409), and
 * the audit rows committed with the write. Also the roles' reads: a planner is refused named
 * records but sees the measures; a hospital reads the record of a patient referred to it and does
 * only the receiving steps; a doctor only the sending ones. Data: tests/server/care_fixture.h. */
#include "care_fixture.h"

static char *dir, *db;
static test_server srv;
static care_fixture fx;
static session doc, doc2, hosp, cdc, plan, resa, admin;

static int setup(void **state)
{
    (void)state;
    dir = hss_test_tmpdir();
    db = make_region_db(dir);
    add_care_data(dir, db, &fx);
    struct {
        const char *name, *args, *pw;
    } users[] = {
        {"doc", "--role doctor --team T1 --display-name 王医生", "doc-pass-1"},
        {"doc2", "--role doctor --team T2", "doc2-pass-1"},
        {"hosp", "--role hospital --facility F1", "hosp-pass-1"},
        {"cdc", "--role cdc --scope 331100", "cdc-pass-1"},
        {"plan", "--role planner --scope 331100", "plan-pass-1"},
        {"admin", "--role admin --scope 331100", "admin-pass-1"},
    };
    for (size_t i = 0; i < sizeof users / sizeof *users; i++) {
        char *out = NULL;
        int rc = add_user_args(db, users[i].name, users[i].args, users[i].pw, &out);
        if (rc)
            fprintf(stderr, "%s: %s\n", users[i].name, out);
        free(out);
        assert_int_equal(rc, 0);
    }
    assert_int_equal(add_resident_user(db, "resa", fx.a, "resa-pass-1", NULL), 0);
    srv = start_server(db, NULL);
    assert_int_equal(login(srv.port, "doc", "doc-pass-1", &doc), 200);
    assert_int_equal(login(srv.port, "doc2", "doc2-pass-1", &doc2), 200);
    assert_int_equal(login(srv.port, "hosp", "hosp-pass-1", &hosp), 200);
    assert_int_equal(login(srv.port, "cdc", "cdc-pass-1", &cdc), 200);
    assert_int_equal(login(srv.port, "plan", "plan-pass-1", &plan), 200);
    assert_int_equal(login(srv.port, "resa", "resa-pass-1", &resa), 200);
    assert_int_equal(login(srv.port, "admin", "admin-pass-1", &admin), 200);
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

static long long q(const char *sql)
{
    return db_query_int(db, sql);
}

/* POST body as s (CSRF token included), optionally with X-HSS-Lang; expects `want`. */
static cJSON *post_lang(const session *s, const char *path, const char *body, const char *lang, int want, char **raw)
{
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_printf(&b, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: hss_session=%s\r\n"
                       "X-CSRF-Token: %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n",
                   path, s->token, s->csrf, strlen(body));
    if (lang)
        hss_buf_printf(&b, "X-HSS-Lang: %s\r\n", lang);
    hss_buf_printf(&b, "\r\n%s", body);
    http_resp r;
    http_raw(srv.port, b.data, b.len, &r);
    hss_buf_free(&b);
    if (r.status != want)
        fprintf(stderr, "POST %s %s: %d %s\n", path, body, r.status, r.body);
    assert_int_equal(r.status, want);
    cJSON *j = cJSON_Parse(r.body);
    assert_non_null(j);
    if (raw)
        *raw = hss_xstrdup(r.body);
    http_resp_free(&r);
    return j;
}

static cJSON *post(const session *s, const char *path, const char *body, int want)
{
    return post_lang(s, path, body, NULL, want, NULL);
}

static void expect_post(const session *s, const char *path, const char *body, int want)
{
    cJSON_Delete(post(s, path, body, want));
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *x = cJSON_GetObjectItem(o, k);
    assert_true(cJSON_IsString(x));
    return x->valuestring;
}

static long long rid_of(const char *id_number)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT id FROM care_resident WHERE id_number='%s'", id_number);
    return q(sql);
}

/* ---- follow-ups --------------------------------------------------------------------------- */

static void followup_records_once_and_answers_the_next_action(void **state)
{
    (void)state;
    long long a = rid_of(fx.a);
    char body[600];
    snprintf(body, sizeof body, "{\"request_id\":\"fu-0001-aaaa\",\"resident\":%lld,\"disease\":\"hypertension\","
             "\"date\":\"2025-12-31\",\"sbp\":132,\"dbp\":82,\"adherence\":\"regular\",\"medication\":\"氨氯地平 5mg qd\","
             "\"note\":\"血压已控制\"}", a);
    long long before = q("SELECT count(*) FROM care_followup");
    char *first = NULL, *second = NULL;
    cJSON *j = post_lang(&doc, "/api/v1/care/followups", body, NULL, 200, &first);
    assert_string_equal(str(cJSON_GetObjectItem(j, "verdict"), "reading"), "controlled");
    assert_string_equal(str(cJSON_GetObjectItem(j, "verdict"), "label"), "控制满意");
    cJSON *next = cJSON_GetObjectItem(j, "next");
    assert_string_equal(str(next, "action"), "routine");
    assert_string_equal(str(next, "due_date"), "2026-03-31");
    assert_true(strlen(str(next, "reason")) > 0);
    cJSON_Delete(j);
    /* the same request again: the same answer, nothing more stored */
    cJSON_Delete(post_lang(&doc, "/api/v1/care/followups", body, NULL, 200, &second));
    assert_string_equal(first, second);
    free(first);
    free(second);
    assert_int_equal(q("SELECT count(*) FROM care_followup"), before + 1);
    assert_int_equal(q("SELECT count(*) FROM care_followup WHERE medication='氨氯地平 5mg qd' AND note='血压已控制' AND user_name='doc'"), 1);
    assert_int_equal(q("SELECT count(*) FROM care_request WHERE request_id='fu-0001-aaaa' AND kind='followup' AND county_code='331102'"), 1);
    /* audited in the write's transaction: one audit row and one access-log row */
    assert_int_equal(q("SELECT count(*) FROM audit WHERE user_name='doc' AND action='care_write' AND detail LIKE '%fu-0001-aaaa%'"), 1);
    assert_int_equal(q("SELECT count(*) FROM care_access_log WHERE user_name='doc' AND action='followup_add'"), 1);
    /* the record lists it */
    char path[100];
    snprintf(path, sizeof path, "/api/v1/care/residents/%lld", a);
    j = http_get_json(srv.port, path, &doc, 200);
    cJSON *f = cJSON_GetObjectItem(j, "followups");
    assert_int_equal(cJSON_GetArraySize(f), 2);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(f, 1), "sbp")->valueint, 132);
    cJSON_Delete(j);
}

static void followup_uncontrolled_reading_asks_for_a_recheck_and_preview_stores_nothing(void **state)
{
    (void)state;
    /* B: newly enrolled, first visit uncontrolled: 未控制, re-check within 14 days */
    long long b = rid_of(fx.b);
    char body[600];
    snprintf(body, sizeof body, "{\"request_id\":\"en-0001-bbbb\",\"resident\":%lld,\"disease\":\"hypertension\",\"date\":\"2025-12-01\"}", b);
    cJSON *j = post(&doc, "/api/v1/care/enrolments", body, 200);
    assert_string_equal(str(j, "disease"), "hypertension");
    cJSON_Delete(j);
    /* enrolled twice (a new request id): an illegal state */
    snprintf(body, sizeof body, "{\"request_id\":\"en-0002-bbbb\",\"resident\":%lld,\"disease\":\"hypertension\",\"date\":\"2025-12-01\"}", b);
    j = post(&doc, "/api/v1/care/enrolments", body, 409);
    assert_non_null(strstr(str(j, "error"), "已纳入"));
    cJSON_Delete(j);
    long long before = q("SELECT count(*) FROM care_followup");
    snprintf(body, sizeof body, "{\"preview\":true,\"resident\":%lld,\"disease\":\"hypertension\",\"date\":\"2025-12-31\",\"sbp\":150,\"dbp\":92}", b);
    j = post(&doc, "/api/v1/care/followups", body, 200);
    assert_string_equal(str(cJSON_GetObjectItem(j, "verdict"), "label"), "未控制");
    assert_string_equal(str(cJSON_GetObjectItem(j, "next"), "action"), "recheck");
    assert_string_equal(str(cJSON_GetObjectItem(j, "next"), "due_date"), "2026-01-14");
    assert_non_null(strstr(str(cJSON_GetObjectItem(j, "next"), "reason"), "14天内复查"));
    cJSON_Delete(j);
    assert_int_equal(q("SELECT count(*) FROM care_followup"), before);
    assert_int_equal(q("SELECT count(*) FROM care_request WHERE kind='followup'") , 1);
}

static void followup_bad_fields_are_named_in_the_users_language(void **state)
{
    (void)state;
    long long a = rid_of(fx.a), before = q("SELECT count(*) FROM care_followup");
    char body[600];
    snprintf(body, sizeof body, "{\"request_id\":\"fu-bad-0001\",\"resident\":%lld,\"disease\":\"hypertension\","
             "\"date\":\"2025-12-30\",\"sbp\":400,\"dbp\":82}", a);
    cJSON *j = post(&doc, "/api/v1/care/followups", body, 400);
    assert_string_equal(str(j, "field"), "sbp");
    assert_non_null(strstr(str(j, "error"), "收缩压"));
    cJSON_Delete(j);
    j = post_lang(&doc, "/api/v1/care/followups", body, "en", 400, NULL);
    assert_string_equal(str(j, "field"), "sbp");
    assert_non_null(strstr(str(j, "error"), "sbp: must be between"));
    cJSON_Delete(j);
    struct {
        const char *body_fmt, *field;
    } bad[] = {
        {"{\"request_id\":\"fu-bad-0002\",\"resident\":%lld,\"disease\":\"flu\",\"date\":\"2025-12-30\",\"sbp\":130,\"dbp\":80}", "disease"},
        {"{\"request_id\":\"fu-bad-0003\",\"resident\":%lld,\"disease\":\"hypertension\",\"date\":\"2025-13-30\",\"sbp\":130,\"dbp\":80}", "date"},
        {"{\"request_id\":\"fu-bad-0004\",\"resident\":%lld,\"disease\":\"hypertension\",\"date\":\"2099-01-01\",\"sbp\":130,\"dbp\":80}", "date"},
        {"{\"request_id\":\"fu-bad-0005\",\"resident\":%lld,\"disease\":\"hypertension\",\"date\":\"2025-12-30\",\"sbp\":\"abc\",\"dbp\":80}", "sbp"},
        {"{\"request_id\":\"fu-bad-0006\",\"resident\":%lld,\"disease\":\"hypertension\",\"date\":\"2025-12-30\",\"sbp\":130}", "dbp"},
        {"{\"request_id\":\"fu-bad-0007\",\"resident\":%lld,\"disease\":\"diabetes\",\"date\":\"2025-12-30\",\"glucose\":6}", "disease"},
        {"{\"request_id\":\"fu-bad-0008\",\"resident\":%lld,\"disease\":\"hypertension\",\"date\":\"2025-12-30\",\"sbp\":130,\"dbp\":80,\"adherence\":\"often\"}", "adherence"},
        {"{\"request_id\":\"short\",\"resident\":%lld,\"disease\":\"hypertension\",\"date\":\"2025-12-30\",\"sbp\":130,\"dbp\":80}", "request_id"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(body, sizeof body, bad[i].body_fmt, a);
        j = post(&doc, "/api/v1/care/followups", body, 400);
        assert_string_equal(str(j, "field"), bad[i].field);
        cJSON_Delete(j);
    }
    assert_int_equal(q("SELECT count(*) FROM care_followup"), before);
}

static void writes_outside_the_scope_or_role_are_refused_and_audited(void **state)
{
    (void)state;
    long long a = rid_of(fx.a), before = q("SELECT count(*) FROM care_followup");
    char body[600];
    snprintf(body, sizeof body, "{\"request_id\":\"fu-scope-01\",\"resident\":%lld,\"disease\":\"hypertension\","
             "\"date\":\"2025-12-30\",\"sbp\":130,\"dbp\":80}", a);
    /* another team's doctor: the same answer as for an unknown resident */
    cJSON *j = post(&doc2, "/api/v1/care/followups", body, 403);
    assert_non_null(strstr(str(j, "error"), "服务范围"));
    cJSON_Delete(j);
    assert_int_equal(q("SELECT count(*) FROM care_access_log WHERE user_name='doc2' AND action='denied'"), 1);
    assert_int_equal(q("SELECT count(*) FROM audit WHERE user_name='doc2' AND action='care_denied' AND status=403"), 1);
    expect_post(&doc2, "/api/v1/care/followups",
                "{\"request_id\":\"fu-scope-02\",\"resident\":999999,\"disease\":\"hypertension\",\"date\":\"2025-12-30\",\"sbp\":130,\"dbp\":80}", 403);
    /* roles that may not record */
    const session *roles[] = {&plan, &cdc, &hosp, &resa};
    for (size_t i = 0; i < 4; i++) {
        j = post(roles[i], "/api/v1/care/followups", body, 403);
        assert_true(strlen(str(j, "error")) > 0);
        cJSON_Delete(j);
    }
    j = post(&plan, "/api/v1/care/followups", body, 403);
    assert_non_null(strstr(str(j, "error"), "汇总"));
    cJSON_Delete(j);
    j = post_lang(&plan, "/api/v1/care/followups", body, "en", 403, NULL);
    assert_non_null(strstr(str(j, "error"), "aggregates only"));
    cJSON_Delete(j);
    assert_int_equal(q("SELECT count(*) FROM audit WHERE user_name='plan' AND action='care_denied'"), 3);
    assert_int_equal(q("SELECT count(*) FROM care_followup"), before);
    assert_int_equal(q("SELECT count(*) FROM care_request WHERE request_id='fu-scope-01'"), 0);
    /* no CSRF token: refused before anything */
    http_resp r;
    http_req(srv.port, "POST", "/api/v1/care/followups", doc.token, NULL, body, &r);
    assert_int_equal(r.status, 403);
    http_resp_free(&r);
}

/* ---- contracts ---------------------------------------------------------------------------- */

static void contracts_sign_renew_end_with_their_illegal_states(void **state)
{
    (void)state;
    long long a = rid_of(fx.a), b = rid_of(fx.b);
    char body[600];
    /* A's contract runs all 2025: a second one overlapping it is an illegal state */
    snprintf(body, sizeof body, "{\"request_id\":\"ct-0001-aaaa\",\"resident\":%lld,\"package\":\"basic\",\"start\":\"2025-06-01\"}", a);
    cJSON *j = post(&doc, "/api/v1/care/contracts", body, 409);
    assert_non_null(strstr(str(j, "error"), "签约"));
    cJSON_Delete(j);
    /* B signs (the doctor's own team by default) */
    snprintf(body, sizeof body, "{\"request_id\":\"ct-0002-bbbb\",\"resident\":%lld,\"package\":\"chronic\",\"start\":\"2025-12-01\"}", b);
    j = post(&doc, "/api/v1/care/contracts", body, 200);
    assert_string_equal(str(j, "team"), "T1");
    long long cid = (long long)cJSON_GetObjectItem(j, "contract_id")->valuedouble;
    cJSON_Delete(j);
    expect_post(&doc, "/api/v1/care/contracts", body, 200); /* the same request: the same answer */
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM care_contract WHERE resident_id=%lld", b);
    assert_int_equal(q(sql), 1);
    /* another team: refused; a bad package: named */
    snprintf(body, sizeof body, "{\"request_id\":\"ct-0003-bbbb\",\"resident\":%lld,\"team\":\"T2\",\"package\":\"basic\",\"start\":\"2027-01-01\"}", b);
    expect_post(&doc, "/api/v1/care/contracts", body, 403);
    snprintf(body, sizeof body, "{\"request_id\":\"ct-0004-bbbb\",\"resident\":%lld,\"package\":\"gold\",\"start\":\"2027-01-01\"}", b);
    j = post(&doc, "/api/v1/care/contracts", body, 400);
    assert_string_equal(str(j, "field"), "package");
    cJSON_Delete(j);
    /* A's contract renewed once (the next day after it ends), not twice */
    char path[100];
    long long acid = q("SELECT min(id) FROM care_contract");
    snprintf(path, sizeof path, "/api/v1/care/contracts/%lld/renew", acid);
    j = post(&doc, path, "{\"request_id\":\"rn-0001-aaaa\"}", 200);
    assert_int_equal((long long)cJSON_GetObjectItem(j, "renewal_of")->valuedouble, acid);
    cJSON_Delete(j);
    assert_int_equal(q("SELECT count(*) FROM care_contract WHERE start_date='2026-01-01' AND renewal_of IS NOT NULL"), 1);
    expect_post(&doc, path, "{\"request_id\":\"rn-0002-aaaa\"}", 409);
    expect_post(&doc2, path, "{\"request_id\":\"rn-0003-aaaa\"}", 403);
    /* B's contract ended early: needs a reason; ending twice is an illegal state */
    snprintf(path, sizeof path, "/api/v1/care/contracts/%lld/end", cid);
    j = post(&doc, path, "{\"request_id\":\"end-0001-bb\",\"date\":\"2025-12-20\"}", 400);
    assert_string_equal(str(j, "field"), "reason");
    cJSON_Delete(j);
    expect_post(&doc, path, "{\"request_id\":\"end-0002-bb\",\"date\":\"2025-12-20\",\"reason\":\"迁出本村\"}", 200);
    expect_post(&doc, path, "{\"request_id\":\"end-0003-bb\",\"date\":\"2025-12-21\",\"reason\":\"再次\"}", 409);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM care_contract WHERE id=%lld AND end_date='2025-12-20' AND end_reason='迁出本村'", cid);
    assert_int_equal(q(sql), 1);
    assert_int_equal(q("SELECT count(*) FROM care_access_log WHERE user_name='doc' AND action IN ('contract_add','renew_add','end_add')"), 3);
    expect_post(&plan, path, "{\"request_id\":\"end-0004-bb\",\"date\":\"2025-12-20\",\"reason\":\"x\"}", 403);
}

/* ---- referrals and the roles of the two sides ------------------------------------------------ */

static void referral_made_by_the_doctor_received_by_the_hospital(void **state)
{
    (void)state;
    long long b = rid_of(fx.b);
    char body[600], path[120];
    /* destinations: the resident's county first, with type and grade */
    snprintf(path, sizeof path, "/api/v1/care/destinations?resident=%lld", b);
    cJSON *j = http_get_json(srv.port, path, &doc, 200);
    cJSON *rows = cJSON_GetObjectItem(j, "rows");
    assert_true(cJSON_GetArraySize(rows) >= 2);
    assert_string_equal(str(cJSON_GetArrayItem(rows, 0), "code"), "F1");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(rows, 0), "in_county")));
    assert_string_equal(str(cJSON_GetArrayItem(rows, 0), "grade_zh"), "三甲");
    cJSON_Delete(j);
    snprintf(body, sizeof body, "{\"request_id\":\"rf-0001-bbbb\",\"resident\":%lld,\"to\":\"F1\",\"reason\":\"血压控制不佳\",\"urgency\":\"urgent\"}", b);
    j = post(&doc, "/api/v1/care/referrals", body, 200);
    long long id = (long long)cJSON_GetObjectItem(j, "referral_id")->valuedouble;
    assert_string_equal(str(j, "state_zh"), "申请上转");
    cJSON_Delete(j);
    expect_post(&doc, "/api/v1/care/referrals", body, 200);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM care_referral WHERE resident_id=%lld AND from_facility='F2' AND urgency='urgent'", b);
    assert_int_equal(q(sql), 1);
    /* bad fields */
    snprintf(body, sizeof body, "{\"request_id\":\"rf-0002-bbbb\",\"resident\":%lld,\"to\":\"NOPE\",\"reason\":\"x\"}", b);
    cJSON *e = post(&doc, "/api/v1/care/referrals", body, 400);
    assert_string_equal(str(e, "field"), "to");
    cJSON_Delete(e);
    snprintf(body, sizeof body, "{\"request_id\":\"rf-0003-bbbb\",\"resident\":%lld,\"to\":\"F1\",\"reason\":\"\"}", b);
    e = post(&doc, "/api/v1/care/referrals", body, 400);
    assert_string_equal(str(e, "field"), "reason");
    cJSON_Delete(e);
    /* the hospital may not make one */
    snprintf(body, sizeof body, "{\"request_id\":\"rf-0004-bbbb\",\"resident\":%lld,\"to\":\"F4\",\"reason\":\"x\"}", b);
    expect_post(&hosp, "/api/v1/care/referrals", body, 403);
    /* the receiving steps are the hospital's: the doctor is refused, the hospital does them */
    snprintf(path, sizeof path, "/api/v1/care/referrals/%lld/transition", id);
    e = post(&doc, path, "{\"state\":\"accepted\"}", 403);
    assert_non_null(strstr(str(e, "error"), "接收医院"));
    cJSON_Delete(e);
    expect_post(&hosp, path, "{\"state\":\"accepted\",\"note\":\"已安排床位\"}", 200);
    expect_post(&hosp, path, "{\"state\":\"arrived\",\"note\":\"\"}", 200);
    expect_post(&hosp, path, "{\"state\":\"arrived\"}", 409); /* illegal: already arrived */
    /* the hospital's list: the referrals addressed to it (A's and B's to F1), not C's to F4 */
    j = http_get_json(srv.port, "/api/v1/care/referrals", &hosp, 200);
    rows = cJSON_GetObjectItem(j, "rows");
    assert_int_equal(cJSON_GetArraySize(rows), 2);
    cJSON *x;
    cJSON_ArrayForEach(x, rows) assert_string_equal(str(x, "to"), "丽水市中心医院");
    cJSON_Delete(j);
    /* the other team's doctor does not see them */
    j = http_get_json(srv.port, "/api/v1/care/referrals", &doc2, 200);
    cJSON_ArrayForEach(x, cJSON_GetObjectItem(j, "rows")) assert_int_not_equal((long long)cJSON_GetObjectItem(x, "referral_id")->valuedouble, id);
    cJSON_Delete(j);
    /* the hospital reads the record of its referred patient, not of others */
    snprintf(path, sizeof path, "/api/v1/care/residents/%lld", b);
    cJSON_Delete(http_get_json(srv.port, path, &hosp, 200));
    snprintf(path, sizeof path, "/api/v1/care/residents/%lld", rid_of(fx.c));
    cJSON_Delete(http_get_json(srv.port, path, &hosp, 403));
    /* nor another hospital's referral (C's goes to F4) */
    snprintf(path, sizeof path, "/api/v1/care/referrals/%lld/transition", (long long)fx.ref_c);
    expect_post(&hosp, path, "{\"state\":\"accepted\"}", 403);
}

/* ---- residents ------------------------------------------------------------------------------ */

static void residents_registered_with_checked_ids_in_the_doctors_villages(void **state)
{
    (void)state;
    char id[19], body[700];
    make_id(id, "331102", "19800202", "011"); /* odd sequence: male */
    snprintf(body, sizeof body, "{\"request_id\":\"rs-0001-xxxx\",\"id_number\":\"%s\",\"name\":\"新居民\",\"sex\":\"male\","
             "\"birth_date\":\"1980-02-02\",\"village\":\"331102101201\",\"household\":\"H9\"}", id);
    cJSON *j = post(&doc, "/api/v1/care/residents", body, 200);
    assert_non_null(strstr(str(j, "id_number"), "**********"));
    cJSON_Delete(j);
    expect_post(&doc, "/api/v1/care/residents", body, 200);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM care_resident WHERE id_number='%s' AND county_code='331102'", id);
    assert_int_equal(q(sql), 1);
    /* registered again under a new request id: an illegal state */
    snprintf(body, sizeof body, "{\"request_id\":\"rs-0002-xxxx\",\"id_number\":\"%s\",\"name\":\"新居民\",\"sex\":\"male\","
             "\"birth_date\":\"1980-02-02\",\"village\":\"331102101201\"}", id);
    expect_post(&doc, "/api/v1/care/residents", body, 409);
    struct {
        const char *sex, *birth, *village, *field;
        int bad_check;
    } bad[] = {
        {"male", "1980-02-02", "331102101201", "id_number", 1},
        {"female", "1980-02-02", "331102101201", "sex", 0},
        {"male", "1980-02-03", "331102101201", "birth_date", 0},
        {"male", "1980-02-02", "331121100201", "village", 0}, /* T2's village */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char other[19];
        make_id(other, "331102", "19800202", "013");
        if (bad[i].bad_check)
            other[17] = other[17] == '1' ? '2' : '1';
        snprintf(body, sizeof body, "{\"request_id\":\"rs-bad-%04zu\",\"id_number\":\"%s\",\"name\":\"某\",\"sex\":\"%s\","
                 "\"birth_date\":\"%s\",\"village\":\"%s\"}", i, other, bad[i].sex, bad[i].birth, bad[i].village);
        j = post(&doc, "/api/v1/care/residents", body, 400);
        assert_string_equal(str(j, "field"), bad[i].field);
        cJSON_Delete(j);
    }
}

/* ---- reads by role ---------------------------------------------------------------------------- */

static void planner_and_cdc_see_counts_and_are_refused_named_records(void **state)
{
    (void)state;
    char path[100];
    snprintf(path, sizeof path, "/api/v1/care/residents/%lld", rid_of(fx.a));
    long long before = q("SELECT count(*) FROM care_access_log WHERE user_name='plan' AND action='denied'");
    cJSON *j = http_get_json(srv.port, path, &plan, 403);
    assert_non_null(strstr(str(j, "error"), "汇总"));
    cJSON_Delete(j);
    assert_int_equal(q("SELECT count(*) FROM care_access_log WHERE user_name='plan' AND action='denied'"), before + 1);
    cJSON_Delete(http_get_json(srv.port, path, &cdc, 403));
    cJSON_Delete(http_get_json(srv.port, "/api/v1/care/worklist?team=T1", &plan, 403));
    cJSON_Delete(http_get_json(srv.port, "/api/v1/care/residents", &plan, 403));
    cJSON_Delete(http_get_json(srv.port, "/api/v1/care/referrals", &cdc, 403));
    j = http_get_json(srv.port, "/api/v1/care/measures?under=331100", &plan, 200);
    assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(j, "rows")) >= 1);
    cJSON_Delete(j);
    /* a doctor reads their own team's worklist and record, not another team's */
    cJSON_Delete(http_get_json(srv.port, "/api/v1/care/worklist?team=T1", &doc, 200));
    cJSON_Delete(http_get_json(srv.port, "/api/v1/care/worklist?team=T2", &doc, 403));
    j = http_get_json(srv.port, path, &doc, 200);
    /* who read it, as the resident sees it: display name, role and the team */
    int described = 0;
    cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItem(j, "access_log")) {
        const cJSON *dn = cJSON_GetObjectItem(x, "display_name");
        if (cJSON_IsString(dn) && strcmp(dn->valuestring, "王医生") == 0) {
            assert_string_equal(str(x, "role"), "doctor");
            assert_string_equal(str(x, "facility"), "莲都区碧湖镇中心卫生院");
            described++;
        }
    }
    assert_true(described >= 1);
    cJSON_Delete(j);
    cJSON_Delete(http_get_json(srv.port, path, &doc2, 403));
    /* the admin keeps area-wide reads and writes */
    cJSON_Delete(http_get_json(srv.port, path, &admin, 200));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(followup_records_once_and_answers_the_next_action),
        cmocka_unit_test(followup_uncontrolled_reading_asks_for_a_recheck_and_preview_stores_nothing),
        cmocka_unit_test(followup_bad_fields_are_named_in_the_users_language),
        cmocka_unit_test(writes_outside_the_scope_or_role_are_refused_and_audited),
        cmocka_unit_test(contracts_sign_renew_end_with_their_illegal_states),
        cmocka_unit_test(referral_made_by_the_doctor_received_by_the_hospital),
        cmocka_unit_test(residents_registered_with_checked_ids_in_the_doctors_villages),
        cmocka_unit_test(planner_and_cdc_see_counts_and_are_refused_named_records),
    };
    return cmocka_run_group_tests_name("care-write", tests, setup, teardown);
}
