/* test_care_api.c: the care endpoints against the real `hss serve` on 127.0.0.1: scope (other
 * counties' teams, facilities, residents and referrals, by id and by filter; a facility user
 * limited to its own teams), residents' own accounts, one access-log row per named read shown by
 * both the resident's log and `hss audit`, audited refusals, CSRF and the 409 on an invalid
 * referral transition, and the measures. Data: tests/server/care_fixture.h. */
#include "care_fixture.h"

static char *dir, *db;
static test_server srv;
static care_fixture fx;
static session admin, liandu, qingtian, bihu, resa;

static int setup(void **state)
{
    (void)state;
    dir = hss_test_tmpdir();
    db = make_region_db(dir);
    add_care_data(dir, db, &fx);
    assert_int_equal(add_user(db, "admin", "admin", "331100", "admin-pass-1", NULL), 0);
    assert_int_equal(add_user(db, "liandu", "facility", "331102", "liandu-pass-1", NULL), 0);
    assert_int_equal(add_user(db, "qingtian", "facility", "331121", "qingtian-pass-1", NULL), 0);
    assert_int_equal(add_user(db, "bihu", "facility", "331102101", "bihu-pass-1", NULL), 0);
    assert_int_equal(add_resident_user(db, "resa", fx.a, "resa-pass-1", NULL), 0);
    srv = start_server(db, NULL);
    assert_int_equal(login(srv.port, "admin", "admin-pass-1", &admin), 200);
    assert_int_equal(login(srv.port, "liandu", "liandu-pass-1", &liandu), 200);
    assert_int_equal(login(srv.port, "qingtian", "qingtian-pass-1", &qingtian), 200);
    assert_int_equal(login(srv.port, "bihu", "bihu-pass-1", &bihu), 200);
    assert_int_equal(login(srv.port, "resa", "resa-pass-1", &resa), 200);
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

static http_resp get(const char *path, const session *s, int want)
{
    http_resp r;
    http_get(srv.port, path, s ? s->token : NULL, &r);
    if (r.status != want)
        fprintf(stderr, "GET %s: %d %s\n", path, r.status, r.body);
    assert_int_equal(r.status, want);
    return r;
}

static cJSON *get_json(const char *path, const session *s, int want)
{
    http_resp r = get(path, s, want);
    cJSON *j = cJSON_Parse(r.body);
    assert_non_null(j);
    http_resp_free(&r);
    return j;
}

static void expect(const char *path, const session *s, int want)
{
    cJSON_Delete(get_json(path, s, want));
}

static long long db_int(const char *sql)
{
    return db_query_int(db, sql);
}

static int body_has(const http_resp *r, const char *s)
{
    return strstr(r->body, s) != NULL;
}

/* ---- worklists ---------------------------------------------------------------------------- */

static void worklist_in_scope_lists_due_patients_with_reasons(void **state)
{
    (void)state;
    cJSON *j = get_json("/api/v1/care/worklist?team=T1&date=2025-12-31", &liandu, 200);
    assert_string_equal(cJSON_GetObjectItem(j, "date")->valuestring, "2025-12-31");
    cJSON *rows = cJSON_GetObjectItem(j, "rows");
    assert_true(cJSON_GetArraySize(rows) >= 2); /* A's re-check and A's overdue referral */
    int recheck = 0, referral = 0;
    cJSON *x;
    cJSON_ArrayForEach(x, rows) {
        assert_string_equal(cJSON_GetObjectItem(x, "name")->valuestring, "测试甲");
        assert_true(strlen(cJSON_GetObjectItem(x, "reason")->valuestring) > 0);
        assert_non_null(strstr(cJSON_GetObjectItem(x, "id_number")->valuestring, "**********"));
        const char *a = cJSON_GetObjectItem(x, "action")->valuestring;
        recheck += strcmp(a, "recheck") == 0;
        referral += strcmp(a, "referral_overdue") == 0;
    }
    assert_int_equal(recheck, 1);
    assert_int_equal(referral, 1);
    cJSON_Delete(j);
    /* the demo as-of date is the default */
    j = get_json("/api/v1/care/worklist?facility=F2", &liandu, 200);
    assert_string_equal(cJSON_GetObjectItem(j, "date")->valuestring, "2025-12-31");
    assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(j, "rows")) >= 2);
    cJSON_Delete(j);
    /* no full ID number anywhere in the response */
    http_resp r = get("/api/v1/care/worklist?team=T1", &liandu, 200);
    assert_false(body_has(&r, fx.a));
    http_resp_free(&r);
}

/* True when s is plain ASCII (no Chinese character). */
static int ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

/* The user's language: the same rows with the same codes; the action and the reason in English
 * when the user reads English, in Chinese (as always) otherwise; and so on the resident's record. */
static void worklist_and_record_speak_the_users_language(void **state)
{
    (void)state;
    cJSON *zh = get_json("/api/v1/care/worklist?team=T1&date=2025-12-31", &liandu, 200);
    cJSON *en = get_json("/api/v1/care/worklist?team=T1&date=2025-12-31&lang=en", &liandu, 200);
    cJSON *rz = cJSON_GetObjectItem(zh, "rows"), *re = cJSON_GetObjectItem(en, "rows");
    assert_int_equal(cJSON_GetArraySize(rz), cJSON_GetArraySize(re));
    for (int i = 0; i < cJSON_GetArraySize(rz); i++) {
        cJSON *z = cJSON_GetArrayItem(rz, i), *e = cJSON_GetArrayItem(re, i);
        const char *act = cJSON_GetObjectItem(z, "action")->valuestring;
        assert_string_equal(act, cJSON_GetObjectItem(e, "action")->valuestring);
        const char *zr = cJSON_GetObjectItem(z, "reason")->valuestring, *er = cJSON_GetObjectItem(e, "reason")->valuestring;
        assert_true(ascii(cJSON_GetObjectItem(e, "action_label")->valuestring) && ascii(er));
        assert_false(ascii(cJSON_GetObjectItem(z, "action_label")->valuestring) || ascii(zr));
        if (strcmp(act, "recheck") == 0) {
            assert_non_null(strstr(zr, "控制不满意, 14天内复查"));
            assert_non_null(strstr(er, "uncontrolled: re-check within 14 days"));
        } else if (strcmp(act, "referral_overdue") == 0) {
            assert_string_equal(cJSON_GetObjectItem(z, "action_label")->valuestring, "转诊超期未到诊");
            assert_non_null(strstr(er, "no arrival after"));
        }
    }
    cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItem(en, "by_action")) assert_true(ascii(cJSON_GetObjectItem(x, "action_label")->valuestring));
    cJSON_Delete(zh);
    cJSON_Delete(en);
    char path[160];
    snprintf(path, sizeof path, "/api/v1/care/residents/%s?lang=en", fx.a);
    en = get_json(path, &liandu, 200);
    int n = 0;
    cJSON_ArrayForEach(x, cJSON_GetObjectItem(en, "chronic")) {
        assert_true(ascii(cJSON_GetObjectItem(x, "action_label")->valuestring));
        assert_true(ascii(cJSON_GetObjectItem(x, "reason")->valuestring));
        n++;
    }
    assert_true(n > 0);
    cJSON_Delete(en);
}

static void worklist_scope_escapes_are_refused(void **state)
{
    (void)state;
    expect("/api/v1/care/worklist?team=T1", &qingtian, 403);      /* another county's team */
    expect("/api/v1/care/worklist?facility=F2", &qingtian, 403);  /* and its facility */
    expect("/api/v1/care/worklist?team=T2", &liandu, 403);
    expect("/api/v1/care/worklist?team=T2", &qingtian, 200);
    expect("/api/v1/care/worklist?team=T1", &bihu, 200);          /* a facility user: its own team */
    expect("/api/v1/care/worklist?team=T2", &bihu, 403);          /* not another facility's */
    expect("/api/v1/care/worklist?facility=F6", &bihu, 403);
    expect("/api/v1/care/worklist?team=T1", &resa, 403);          /* residents read only their record */
    expect("/api/v1/care/worklist?team=NOPE", &admin, 404);
    expect("/api/v1/care/worklist?team=T1&facility=F2", &admin, 400);
    expect("/api/v1/care/worklist", &admin, 400);
    expect("/api/v1/care/worklist?team=T1&date=2025-02-30", &admin, 400);
    expect("/api/v1/care/worklist?team=T1'%20OR%201=1--", &admin, 400);
    expect("/api/v1/care/worklist?team=T1", NULL, 401);
    /* no rows were read for the refused requests */
    assert_int_equal(db_int("SELECT count(*) FROM care_access_log WHERE user_name='qingtian' AND action='worklist'"), 0);
}

/* The same refusals once the lists are kept (read first by the city's admin): the page checks
 * the team's place from the kept list's villages, without a query, and must refuse as the query
 * does, including a team of an in-scope facility that also serves a village of another
 * township (T3, for a township's user; added while the server runs, so that the kept lists are
 * computed again; last of the file, since it adds a team and a village). */
static void kept_worklists_are_refused_the_same(void **state)
{
    (void)state;
    hss_error e;
    hss_store *st = hss_store_open_existing(db, &e);
    assert_non_null(st);
    care_ok(hss_store_exec(st, "INSERT INTO area(code,parent_code,level,name,kind,population,lon,lat,generated) "
                               "VALUES('331102001201','331102001','village','紫一村','urban',1000,119.92,28.46,1)", &e), &e);
    care_ok(hss_care_team_add(st, "T3", "碧湖二团队", "F2", "331102101201;331102001201", "", &e), &e);
    hss_store_close(st);
    expect("/api/v1/care/worklist?team=T1", &admin, 200);
    expect("/api/v1/care/worklist?team=T2", &admin, 200);
    expect("/api/v1/care/worklist?team=T3", &admin, 200);
    expect("/api/v1/care/worklist?facility=F2", &admin, 200);
    for (int round = 0; round < 2; round++) { /* the second from the lists kept by the first */
        expect("/api/v1/care/worklist?team=T1", &qingtian, 403);
        expect("/api/v1/care/worklist?facility=F2", &qingtian, 403);
        expect("/api/v1/care/worklist?team=T2", &liandu, 403);
        expect("/api/v1/care/worklist?team=T2", &bihu, 403);
        expect("/api/v1/care/worklist?team=T1", &bihu, 200);
        expect("/api/v1/care/worklist?team=T2", &qingtian, 200);
        http_resp r = get("/api/v1/care/worklist?team=T3&lang=en", &bihu, 403);
        assert_true(body_has(&r, "team T3 serves villages outside your scope"));
        http_resp_free(&r);
        r = get("/api/v1/care/worklist?team=T1&lang=en", &qingtian, 403);
        assert_true(body_has(&r, "team T1 is outside your scope"));
        http_resp_free(&r);
        expect("/api/v1/care/worklist?team=T3", &liandu, 200);
        expect("/api/v1/care/worklist?team=T3", &qingtian, 403);
        expect("/api/v1/care/worklist?team=NOPE", &admin, 404);
    }
    /* a refused read lists nobody */
    assert_int_equal(db_int("SELECT count(*) FROM care_access_log WHERE user_name='qingtian' AND action='worklist'"), 0);
}

/* Paging: limit/offset give one page of the sorted list; total and by_action count every row;
 * only the page's residents are written to the access log. T1 on 2025-12-31 lists A twice (the
 * overdue referral, the re-check). */
static void worklist_pages_and_logs_only_the_rows_shown(void **state)
{
    (void)state;
    const char *q = "SELECT count(*) FROM care_access_log WHERE user_name='admin' AND action='worklist'";
    const char *seen = "SELECT count(*) FROM care_access_seen WHERE user_name='admin' AND action='worklist'";
    long long before = db_int(q), seen_before = db_int(seen);
    cJSON *all = get_json("/api/v1/care/worklist?team=T1&limit=500", &admin, 200);
    int n = cJSON_GetArraySize(cJSON_GetObjectItem(all, "rows"));
    assert_true(n >= 2);
    assert_int_equal(cJSON_GetObjectItem(all, "total")->valueint, n);
    /* one stored row a read, shown as a row for each resident listed (one listed twice, once) */
    assert_int_equal(db_int(q), before + 1);
    int people = 0;
    for (int i = 0; i < n; i++) {
        double id = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(all, "rows"), i), "resident_id")->valuedouble;
        int again = 0;
        for (int j = 0; j < i; j++)
            again |= cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(all, "rows"), j), "resident_id")->valuedouble == id;
        people += !again;
    }
    assert_true(people < n);
    assert_int_equal(db_int(seen), seen_before + people);
    cJSON *p1 = get_json("/api/v1/care/worklist?team=T1&limit=1", &admin, 200);
    cJSON *p2 = get_json("/api/v1/care/worklist?team=T1&limit=1&offset=1", &admin, 200);
    assert_int_equal(db_int(q), before + 3); /* one row a page */
    assert_int_equal(db_int(seen), seen_before + people + 2);
    cJSON *pages[] = {p1, p2};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(cJSON_GetObjectItem(pages[i], "total")->valueint, n);
        assert_int_equal(cJSON_GetObjectItem(pages[i], "offset")->valueint, i);
        assert_int_equal(cJSON_GetObjectItem(pages[i], "limit")->valueint, 1);
        cJSON *rows = cJSON_GetObjectItem(pages[i], "rows");
        assert_int_equal(cJSON_GetArraySize(rows), 1);
        cJSON *want = cJSON_GetArrayItem(cJSON_GetObjectItem(all, "rows"), i);
        assert_true(cJSON_Compare(cJSON_GetArrayItem(rows, 0), want, 1));
        /* the counts are of every row, whatever the page */
        assert_true(cJSON_Compare(cJSON_GetObjectItem(pages[i], "by_action"), cJSON_GetObjectItem(all, "by_action"), 1));
    }
    int sum = 0, overdue = 0, rows_overdue = 0;
    cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItem(all, "by_action")) {
        assert_true(strlen(cJSON_GetObjectItem(x, "action_label")->valuestring) > 0);
        sum += cJSON_GetObjectItem(x, "rows")->valueint;
        overdue += cJSON_GetObjectItem(x, "overdue")->valueint;
    }
    cJSON_ArrayForEach(x, cJSON_GetObjectItem(all, "rows"))
        rows_overdue += strcmp(cJSON_GetObjectItem(x, "status")->valuestring, "overdue") == 0;
    assert_int_equal(sum, n);
    assert_int_equal(overdue, rows_overdue);
    cJSON_Delete(p1);
    cJSON_Delete(p2);
    cJSON_Delete(all);
    /* past the end: no row, no access-log row; the default page is 50 */
    cJSON *end = get_json("/api/v1/care/worklist?team=T1&offset=100", &admin, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(end, "rows")), 0);
    assert_int_equal(cJSON_GetObjectItem(end, "limit")->valueint, 50);
    assert_int_equal(cJSON_GetObjectItem(end, "total")->valueint, n);
    cJSON_Delete(end);
    assert_int_equal(db_int(q), before + 3);
    expect("/api/v1/care/worklist?team=T1&limit=0", &admin, 400);
    expect("/api/v1/care/worklist?team=T1&limit=501", &admin, 400);
    expect("/api/v1/care/worklist?team=T1&offset=-1", &admin, 400);
}

/* ---- residents ------------------------------------------------------------------------------ */

static void resident_lists_stay_in_scope(void **state)
{
    (void)state;
    cJSON *j = get_json("/api/v1/care/residents", &liandu, 200);
    assert_int_equal(cJSON_GetObjectItem(j, "total")->valueint, 2);
    cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItem(j, "items")) {
        assert_string_equal(cJSON_GetObjectItem(x, "village_code")->valuestring, "331102101201");
        assert_int_equal((int)strlen(cJSON_GetObjectItem(x, "id_number")->valuestring), 18);
        assert_non_null(strstr(cJSON_GetObjectItem(x, "id_number")->valuestring, "**********"));
    }
    cJSON_Delete(j);
    expect("/api/v1/care/residents?village=331121100201", &liandu, 403); /* by filter */
    j = get_json("/api/v1/care/residents?limit=1&offset=1", &admin, 200);
    assert_int_equal(cJSON_GetObjectItem(j, "total")->valueint, 3);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 1);
    cJSON_Delete(j);
    expect("/api/v1/care/residents?limit=9999", &admin, 400);
    expect("/api/v1/care/residents?village=33112110020x", &admin, 400);
    /* the list read is one access-log row naming its residents, shown as a row for each */
    assert_int_equal(db_int("SELECT count(*) FROM care_access_log WHERE user_name='liandu' AND action='list'"), 1);
    assert_int_equal(db_int("SELECT count(*) FROM care_access_seen WHERE user_name='liandu' AND action='list'"), 2);
}

static void resident_record_is_audited_once_per_read(void **state)
{
    (void)state;
    char path[200];
    long long before = db_int("SELECT count(*) FROM care_access_log WHERE user_name='liandu' AND action='show'");
    snprintf(path, sizeof path, "/api/v1/care/residents/%s", fx.a);
    http_resp r = get(path, &liandu, 200);
    assert_false(body_has(&r, fx.a)); /* masked */
    cJSON *j = cJSON_Parse(r.body);
    http_resp_free(&r);
    cJSON *res = cJSON_GetObjectItem(j, "resident");
    assert_string_equal(cJSON_GetObjectItem(res, "name")->valuestring, "测试甲");
    assert_string_equal(cJSON_GetObjectItem(res, "contract_team")->valuestring, "T1");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "contracts")), 1);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "referrals")), 1);
    assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(j, "access_log")) >= 1);
    cJSON *chronic = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "chronic"), 0);
    assert_non_null(chronic); /* hypertension, last visit 168/96 uncontrolled: re-check in 2 weeks */
    assert_string_equal(cJSON_GetObjectItem(chronic, "disease")->valuestring, "hypertension");
    assert_string_equal(cJSON_GetObjectItem(chronic, "action")->valuestring, "recheck");
    assert_string_equal(cJSON_GetObjectItem(chronic, "due_date")->valuestring, "2026-01-03");
    long long rid = (long long)cJSON_GetObjectItem(res, "resident_id")->valuedouble;
    cJSON_Delete(j);
    assert_int_equal(db_int("SELECT count(*) FROM care_access_log WHERE user_name='liandu' AND action='show'"), before + 1);
    /* by internal id too */
    snprintf(path, sizeof path, "/api/v1/care/residents/%lld", rid);
    expect(path, &liandu, 200);
    assert_int_equal(db_int("SELECT count(*) FROM care_access_log WHERE user_name='liandu' AND action='show'"), before + 2);
    /* `hss audit` shows the same rows (one source: care_access_log) */
    char cmd[1200], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s audit --db '%s' --user liandu --format csv", hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    char want[80];
    snprintf(want, sizeof want, "care_show,resident %lld", rid);
    int n = 0;
    for (const char *p = out; (p = strstr(p, want)); p++)
        n++;
    assert_int_equal(n, before + 2);
    free(out);
    expect("/api/v1/care/residents/999999", &admin, 403); /* unknown answers as outside the scope */
    expect("/api/v1/care/residents/12345678901234567X", &admin, 403);
    expect("/api/v1/care/residents/abc", &admin, 400);
    expect("/api/v1/care/residents/me", &admin, 404);
}

static void other_county_resident_is_refused_and_the_refusal_logged(void **state)
{
    (void)state;
    char path[200];
    snprintf(path, sizeof path, "/api/v1/care/residents/%s", fx.a);
    http_resp r = get(path, &qingtian, 403);
    assert_false(body_has(&r, "测试甲"));
    assert_false(body_has(&r, fx.a));
    http_resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/care/residents/%s/access-log", fx.a);
    expect(path, &qingtian, 403);
    expect("/api/v1/care/residents/1", &qingtian, 403); /* A by internal id */
    assert_int_equal(db_int("SELECT count(*) FROM care_access_log WHERE user_name='qingtian' AND action='denied'"), 3);
    assert_int_equal(db_int("SELECT count(*) FROM care_access_log WHERE user_name='qingtian' AND action<>'denied'"), 0);
    /* a facility user outside the village */
    snprintf(path, sizeof path, "/api/v1/care/residents/%s", fx.c);
    expect(path, &bihu, 403);
}

static void resident_reads_own_record_and_who_read_it(void **state)
{
    (void)state;
    char path[200];
    snprintf(path, sizeof path, "/api/v1/care/residents/%s", fx.a);
    expect(path, &liandu, 200); /* somebody reads A ... */
    cJSON *j = get_json("/api/v1/care/residents/me", &resa, 200);
    cJSON *me = cJSON_GetObjectItem(j, "resident");
    assert_string_equal(cJSON_GetObjectItem(me, "name")->valuestring, "测试甲");
    /* the team they call, with its phone number */
    assert_string_equal(cJSON_GetObjectItem(me, "contract_team_name")->valuestring, "碧湖一团队");
    assert_string_equal(cJSON_GetObjectItem(me, "team_phone")->valuestring, "0578-2123456");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "contracts"), 0), "team_phone")->valuestring,
                        "0578-2123456");
    cJSON_Delete(j);
    j = get_json("/api/v1/care/residents/me/access-log", &resa, 200);
    int saw_liandu = 0, saw_denied = 0;
    cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItem(j, "log")) {
        saw_liandu |= strcmp(cJSON_GetObjectItem(x, "user")->valuestring, "liandu") == 0;
        saw_denied |= strcmp(cJSON_GetObjectItem(x, "action")->valuestring, "denied") == 0;
    }
    assert_true(saw_liandu); /* ... and A sees it */
    assert_true(saw_denied); /* as well as the refused attempt by qingtian */
    cJSON_Delete(j);
    snprintf(path, sizeof path, "/api/v1/care/residents/%s", fx.a);
    expect(path, &resa, 200); /* own ID number works too */
    snprintf(path, sizeof path, "/api/v1/care/residents/%s", fx.b);
    expect(path, &resa, 403); /* a neighbour in the same village: refused */
    expect("/api/v1/care/residents/2/access-log", &resa, 403); /* B's log by internal id */
    expect("/api/v1/care/residents", &resa, 403);
    expect("/api/v1/areas", &resa, 403);
    expect("/api/v1/facilities", &resa, 403);
    expect("/api/v1/care/measures", &resa, 403);
    expect("/api/v1/me", &resa, 200);
    assert_true(db_int("SELECT count(*) FROM care_access_log WHERE user_name='resa' AND action='denied'") >= 1);
    /* a resident account needs a stored resident */
    char *out = NULL;
    char bad[19];
    make_id(bad, "331102", "19800101", "009");
    assert_true(add_resident_user(db, "nobody", bad, "nobody-pass-1", &out) != 0);
    assert_non_null(strstr(out, "no such resident"));
    free(out);
    bad[17] = bad[17] == '0' ? '1' : '0'; /* wrong check digit */
    assert_true(add_resident_user(db, "nobody", bad, "nobody-pass-1", &out) != 0);
    assert_non_null(strstr(out, "not a valid citizen ID"));
    free(out);
    assert_int_equal(db_int("SELECT count(*) FROM app_user WHERE name='nobody'"), 0);
}

/* ---- referrals ------------------------------------------------------------------------------ */

static void referral_lists_and_escalations(void **state)
{
    (void)state;
    cJSON *j = get_json("/api/v1/care/referrals", &liandu, 200);
    cJSON *rows = cJSON_GetObjectItem(j, "rows");
    assert_int_equal(cJSON_GetArraySize(rows), 1); /* A's; not C's in 青田 */
    cJSON *x = cJSON_GetArrayItem(rows, 0);
    assert_string_equal(cJSON_GetObjectItem(x, "state")->valuestring, "accepted");
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(x, "next"), 0)->valuestring, "arrived");
    cJSON_Delete(j);
    j = get_json("/api/v1/care/referrals?overdue=7&date=2025-12-31", &admin, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "rows")), 1);
    cJSON_Delete(j);
    expect("/api/v1/care/referrals?under=331121", &liandu, 403);
    expect("/api/v1/care/referrals?overdue=-1", &liandu, 400);
}

static void referral_transitions_need_csrf_scope_and_a_legal_move(void **state)
{
    (void)state;
    char path[200];
    http_resp r;
    snprintf(path, sizeof path, "/api/v1/care/referrals/%lld/transition", (long long)fx.ref_a);
    /* no CSRF token */
    http_req(srv.port, "POST", path, liandu.token, NULL, "{\"state\":\"arrived\"}", &r);
    assert_int_equal(r.status, 403);
    http_resp_free(&r);
    /* another county */
    http_req(srv.port, "POST", path, qingtian.token, qingtian.csrf, "{\"state\":\"arrived\"}", &r);
    assert_int_equal(r.status, 403);
    http_resp_free(&r);
    /* a resident */
    http_req(srv.port, "POST", path, resa.token, resa.csrf, "{\"state\":\"arrived\"}", &r);
    assert_int_equal(r.status, 403);
    http_resp_free(&r);
    char q[200];
    snprintf(q, sizeof q, "SELECT count(*) FROM care_referral WHERE id=%lld AND state='accepted'", (long long)fx.ref_a);
    assert_int_equal(db_int(q), 1);
    /* an illegal move: 409 naming the allowed next states */
    http_req(srv.port, "POST", path, liandu.token, liandu.csrf, "{\"state\":\"completed\"}", &r);
    assert_int_equal(r.status, 409);
    cJSON *j = cJSON_Parse(r.body);
    http_resp_free(&r);
    assert_string_equal(cJSON_GetObjectItem(j, "state")->valuestring, "accepted");
    cJSON *allowed = cJSON_GetObjectItem(j, "allowed");
    assert_int_equal(cJSON_GetArraySize(allowed), 1);
    assert_string_equal(cJSON_GetArrayItem(allowed, 0)->valuestring, "arrived");
    cJSON_Delete(j);
    assert_int_equal(db_int(q), 1);
    /* bad bodies and methods */
    http_req(srv.port, "POST", path, liandu.token, liandu.csrf, "{\"state\":3}", &r);
    assert_int_equal(r.status, 400);
    http_resp_free(&r);
    http_req(srv.port, "POST", path, liandu.token, liandu.csrf, "not json", &r);
    assert_int_equal(r.status, 400);
    http_resp_free(&r);
    http_req(srv.port, "POST", path, liandu.token, liandu.csrf, "{\"state\":\"flying\"}", &r);
    assert_int_equal(r.status, 400);
    http_resp_free(&r);
    http_req(srv.port, "GET", path, liandu.token, NULL, NULL, &r);
    assert_int_equal(r.status, 405);
    http_resp_free(&r);
    http_req(srv.port, "POST", "/api/v1/care/referrals/99999/transition", liandu.token, liandu.csrf, "{\"state\":\"arrived\"}", &r);
    assert_int_equal(r.status, 404);
    http_resp_free(&r);
    assert_int_equal(db_int(q), 1);
    /* the legal move */
    http_req(srv.port, "POST", path, liandu.token, liandu.csrf, "{\"state\":\"arrived\",\"note\":\"已到诊\"}", &r);
    assert_int_equal(r.status, 200);
    j = cJSON_Parse(r.body);
    http_resp_free(&r);
    assert_string_equal(cJSON_GetObjectItem(j, "state")->valuestring, "arrived");
    cJSON_Delete(j);
    snprintf(q, sizeof q, "SELECT count(*) FROM care_referral_event WHERE referral_id=%lld AND state='arrived' AND user_name='liandu' AND note='已到诊'",
             (long long)fx.ref_a);
    assert_int_equal(db_int(q), 1);
    /* every write attempt is in the server's audit */
    assert_true(db_int("SELECT count(*) FROM audit WHERE action='write' AND target LIKE 'POST /api/v1/care/referrals/%'") >= 8);
    assert_true(db_int("SELECT count(*) FROM audit WHERE action='write' AND user_name='liandu' AND status=409") >= 1);
}

/* ---- measures and teams --------------------------------------------------------------------- */

static void measures_and_teams_in_scope(void **state)
{
    (void)state;
    cJSON *j = get_json("/api/v1/care/measures?under=331102&date=2025-12-31", &liandu, 200);
    cJSON *rows = cJSON_GetObjectItem(j, "rows");
    assert_true(cJSON_GetArraySize(rows) >= 1);
    cJSON *total = cJSON_GetArrayItem(rows, cJSON_GetArraySize(rows) - 1);
    assert_int_equal(cJSON_GetObjectItem(total, "residents")->valueint, 2);
    assert_int_equal(cJSON_GetObjectItem(total, "contracted")->valueint, 1);
    assert_true(cJSON_GetObjectItem(total, "contracting_rate")->valuedouble > 49.9 &&
                cJSON_GetObjectItem(total, "contracting_rate")->valuedouble < 50.1);
    char *first = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    j = get_json("/api/v1/care/measures?under=331102&date=2025-12-31", &liandu, 200); /* from the cache */
    char *second = cJSON_PrintUnformatted(j);
    assert_string_equal(first, second);
    free(first);
    free(second);
    cJSON_Delete(j);
    expect("/api/v1/care/measures?under=331121", &liandu, 403);
    expect("/api/v1/care/measures?under=33112", &liandu, 400);
    j = get_json("/api/v1/care/teams", &liandu, 200);
    cJSON *teams = cJSON_GetObjectItem(j, "teams");
    assert_int_equal(cJSON_GetArraySize(teams), 1);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(teams, 0), "code")->valuestring, "T1");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(teams, 0), "phone")->valuestring, "0578-2123456");
    cJSON_Delete(j);
    j = get_json("/api/v1/care/teams", &admin, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "teams")), 2);
    cJSON_Delete(j);
    expect("/api/v1/care/nothing", &admin, 404);
    http_resp r;
    http_req(srv.port, "POST", "/api/v1/care/worklist", admin.token, admin.csrf, "{}", &r);
    assert_int_equal(r.status, 405);
    http_resp_free(&r);
}

/* A resident changes their password (which ends their sessions) and stays linked to the record. */
static void resident_password_change_keeps_the_link(void **state)
{
    (void)state;
    http_resp r;
    http_req(srv.port, "POST", "/api/v1/password", resa.token, resa.csrf,
             "{\"old_password\":\"resa-pass-1\",\"new_password\":\"resa-pass-2\"}", &r);
    if (r.status != 200)
        fprintf(stderr, "password: %d %s\n", r.status, r.body);
    assert_int_equal(r.status, 200);
    http_resp_free(&r);
    session s;
    assert_int_equal(login(srv.port, "resa", "resa-pass-2", &s), 200);
    cJSON *j = get_json("/api/v1/care/residents/me", &s, 200);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "resident"), "name")->valuestring, "测试甲");
    cJSON_Delete(j);
    expect("/api/v1/areas", &s, 403);
}

/* ---- schema upgrade ---------------------------------------------------------------------------- */

/* A database from before resident accounts (server schema v1) keeps its users on upgrade. */
static void users_survive_the_schema_upgrade(void **state)
{
    (void)state;
    char *d = hss_test_tmpdir();
    char path[700];
    snprintf(path, sizeof path, "%s/old.db", d);
    hss_error e;
    hss_store *st = hss_store_open(path, &e);
    assert_non_null(st);
    care_ok(hss_store_exec(st,
        "DROP TABLE app_session; DROP TABLE app_user;"
        "CREATE TABLE app_user(name TEXT PRIMARY KEY, role TEXT NOT NULL CHECK(role IN ('admin','planner','county','facility')),"
        " scope TEXT NOT NULL, password_hash TEXT NOT NULL, created TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE app_session(token_hash TEXT PRIMARY KEY, user_name TEXT NOT NULL REFERENCES app_user(name) ON DELETE CASCADE,"
        " csrf TEXT NOT NULL, created INTEGER NOT NULL, expires INTEGER NOT NULL);"
        "INSERT INTO app_user VALUES('old','county','331102','h','2026-01-01',0);"
        "UPDATE hss_schema_version SET version=1 WHERE module='server';", &e), &e);
    hss_store_close(st);
    st = hss_store_open(path, &e);
    assert_non_null(st);
    assert_int_equal(hss_store_schema_version(st, "server"), 3);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM app_user WHERE name='old' AND role='county' AND scope='331102'"), 1);
    care_ok(hss_store_exec(st, "INSERT INTO app_user(name,role,scope,password_hash,created,resident) "
                               "VALUES('r','resident','331102101201','h','2026-01-01','x')", &e), &e);
    /* v3: the care roles, with their team or facility */
    care_ok(hss_store_exec(st, "INSERT INTO app_user(name,role,scope,password_hash,created,team,facility) "
                               "VALUES('d','doctor','331102101','h','2026-01-01','T1','F2')", &e), &e);
    assert_int_not_equal(hss_store_exec(st, "INSERT INTO app_user(name,role,scope,password_hash,created) "
                                            "VALUES('b','bogus','331102','h','2026-01-01')", &e), HSS_OK);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM app_session"), 0);
    hss_store_close(st);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(worklist_in_scope_lists_due_patients_with_reasons),
        cmocka_unit_test(worklist_scope_escapes_are_refused),
        cmocka_unit_test(worklist_and_record_speak_the_users_language),
        cmocka_unit_test(worklist_pages_and_logs_only_the_rows_shown),
        cmocka_unit_test(resident_lists_stay_in_scope),
        cmocka_unit_test(resident_record_is_audited_once_per_read),
        cmocka_unit_test(other_county_resident_is_refused_and_the_refusal_logged),
        cmocka_unit_test(resident_reads_own_record_and_who_read_it),
        cmocka_unit_test(referral_lists_and_escalations),
        cmocka_unit_test(referral_transitions_need_csrf_scope_and_a_legal_move),
        cmocka_unit_test(measures_and_teams_in_scope),
        cmocka_unit_test(resident_password_change_keeps_the_link),
        cmocka_unit_test(kept_worklists_are_refused_the_same),
        cmocka_unit_test(users_survive_the_schema_upgrade),
    };
    return cmocka_run_group_tests_name("care-api", tests, setup, teardown);
}
