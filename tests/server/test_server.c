/* test_server.c: the HTTP API against the real `hss serve` on 127.0.0.1: login and sessions,
 * area scope on every endpoint (codes, filters, exports, GeoJSON), SQL-injection strings in every
 * parameter, path traversal, oversized and malformed bodies, CSRF, expiry, lockout, audit. */
#include "server_harness.h"

#include <sys/stat.h>

static char *dir, *db;
static test_server srv;
static session admin, liandu, qingtian;

static int setup(void **state)
{
    (void)state;
    dir = hss_test_tmpdir();
    db = make_region_db(dir);
    /* a small dashboard root with a secret next to it, and a symlink trying to lead out */
    char p[800];
    snprintf(p, sizeof p, "%s/web", dir);
    mkdir(p, 0755);
    free(hss_test_write(dir, "secret.txt", "TOP-SECRET"));
    free(hss_test_write(p, "index.html", "<!doctype html><title>HSS</title>"));
    char link[900], target[900];
    snprintf(link, sizeof link, "%s/web/leak.txt", dir);
    snprintf(target, sizeof target, "%s/secret.txt", dir);
    assert_int_equal(symlink(target, link), 0);
    const server_user users[] = {{"admin", "admin", "331100", "admin-pass-1", &admin},
                                 {"liandu", "county", "331102", "liandu-pass-1", &liandu},
                                 {"qingtian", "county", "331121", "qingtian-pass-1", &qingtian},
                                 {"victim", "planner", "331100", "victim-pass-1", NULL}};
    const char *extra[] = {"--web", p, NULL};
    srv = start_server_users(db, extra, users, sizeof users / sizeof *users);
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

static cJSON *get_json(const char *path, const session *s, int want)
{
    return http_get_json(srv.port, path, s, want);
}

static void expect_status(const char *path, const session *s, int want)
{
    cJSON_Delete(get_json(path, s, want));
}

static long long db_int(const char *sql)
{
    return db_query_int(db, sql);
}

/* ---- login and headers -------------------------------------------------------------------- */

static void login_sets_cookie_and_security_headers(void **state)
{
    (void)state;
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "username", "admin");
    cJSON_AddStringToObject(body, "password", "admin-pass-1");
    char *js = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);
    http_resp r;
    http_req(srv.port, "POST", "/api/v1/login", NULL, NULL, js, &r);
    free(js);
    assert_int_equal(r.status, 200);
    char h[400];
    assert_non_null(header(&r, "Set-Cookie", h, sizeof h));
    assert_non_null(strstr(h, "HttpOnly"));
    assert_non_null(strstr(h, "SameSite=Strict"));
    assert_non_null(strstr(h, "Max-Age="));
    assert_null(strstr(h, "Secure")); /* plain http on loopback: see --secure-cookie */
    assert_non_null(header(&r, "Content-Security-Policy", h, sizeof h));
    assert_non_null(strstr(h, "default-src 'self'"));
    assert_non_null(strstr(h, "frame-ancestors 'none'"));
    assert_string_equal(header(&r, "X-Content-Type-Options", h, sizeof h), "nosniff");
    assert_non_null(header(&r, "Referrer-Policy", h, sizeof h));
    cJSON *j = cJSON_Parse(r.body);
    assert_string_equal(cJSON_GetObjectItem(j, "role")->valuestring, "admin");
    assert_string_equal(cJSON_GetObjectItem(j, "scope_name")->valuestring, "丽水市");
    assert_int_equal(strlen(cJSON_GetObjectItem(j, "csrf")->valuestring), 64);
    cJSON_Delete(j);
    http_resp_free(&r);
    /* the token is stored only hashed */
    hss_store *st = hss_store_open_existing(db, NULL);
    hss_stmt *s = hss_store_prepare(st, "SELECT count(*) FROM app_session WHERE token_hash=?", NULL);
    hss_store_bind_text(s, 1, admin.token);
    assert_int_equal(hss_store_step(s), HSS_ROW);
    assert_int_equal(hss_store_col_int(s, 0), 0);
    hss_store_finalize(s);
    hss_store_close(st);
}

static void login_errors(void **state)
{
    (void)state;
    assert_int_equal(login(srv.port, "admin", "wrong-password", NULL), 401);
    assert_int_equal(login(srv.port, "nobody", "whatever-pw", NULL), 401);
    http_resp r;
    const char *bad[] = {"{", "[]", "{\"username\":1,\"password\":\"x\"}", "{\"username\":\"admin\"}", "", "null"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        http_req(srv.port, "POST", "/api/v1/login", NULL, NULL, bad[i], &r);
        assert_int_equal(r.status, 400);
        assert_non_null(strstr(r.body, "\"error\""));
        http_resp_free(&r);
    }
    /* not JSON at all: a form post */
    const char *form = "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                       "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 30\r\n\r\n"
                       "username=admin&password=xxxxxx";
    http_raw(srv.port, form, strlen(form), &r);
    assert_int_equal(r.status, 400);
    http_resp_free(&r);
    http_get(srv.port, "/api/v1/login", NULL, &r);
    assert_int_equal(r.status, 405);
    char h[100];
    assert_string_equal(header(&r, "Allow", h, sizeof h), "POST");
    http_resp_free(&r);
}

static void oversized_bodies_get_413(void **state)
{
    (void)state;
    size_t n = 70 * 1024;
    char *big = hss_xmalloc(n + 1);
    memset(big, 'a', n);
    big[0] = '{';
    big[n] = 0;
    http_resp r;
    http_req(srv.port, "POST", "/api/v1/login", NULL, NULL, big, &r);
    assert_int_equal(r.status, 413);
    assert_non_null(strstr(r.body, "上限")); /* in the user's language: Chinese unless asked */
    http_resp_free(&r);
    /* chunked, with no Content-Length: counted as it arrives */
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_puts(&b, "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 5; i++) {
        hss_buf_printf(&b, "%zx\r\n", (size_t)16384);
        hss_buf_append(&b, big, 16384);
        hss_buf_puts(&b, "\r\n");
    }
    hss_buf_puts(&b, "0\r\n\r\n");
    http_raw(srv.port, b.data, b.len, &r);
    assert_int_equal(r.status, 413);
    http_resp_free(&r);
    hss_buf_free(&b);
    free(big);
    /* the server still works */
    expect_status("/api/v1/me", &admin, 200);
}

static void malformed_requests(void **state)
{
    (void)state;
    http_resp r;
    const char *junk = "THIS IS NOT HTTP\r\n\r\n";
    http_raw(srv.port, junk, strlen(junk), &r);
    assert_true(r.status == 400 || r.status == -1 || r.status == 505 || r.status == 501);
    http_resp_free(&r);
    expect_status("/api/v1/nothing-here", &admin, 404);
    expect_status("/api/v1/me", NULL, 401);
    http_req(srv.port, "DELETE", "/api/v1/areas", admin.token, admin.csrf, NULL, &r);
    assert_int_equal(r.status, 405);
    http_resp_free(&r);
    expect_status("/api/v1/facilities?limit=0", &admin, 400);
    expect_status("/api/v1/facilities?limit=abc", &admin, 400);
    expect_status("/api/v1/facilities?type=hospital", &admin, 400);
    expect_status("/api/v1/areas?level=planet", &admin, 400);
}

/* A client may close its sending side once the request is out (HTTP/1.1 allows it; http_raw
 * does). With another connection open and idle, libmicrohttpd 0.9.75 used to read that end of
 * input when it resumed the request's connection after a worker had answered, and closed the
 * connection without sending the answer (http.c, dispatch). Each request here goes to a worker. */
static void half_closed_requests_get_their_answer(void **state)
{
    (void)state;
    int idle[3];
    for (int i = 0; i < 3; i++) {
        idle[i] = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {0};
        a.sin_family = AF_INET;
        a.sin_port = htons((uint16_t)srv.port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        assert_int_equal(connect(idle[i], (struct sockaddr *)&a, sizeof a), 0);
    }
    for (int i = 0; i < 20; i++) {
        session s;
        assert_int_equal(login(srv.port, "liandu", "liandu-pass-1", &s), 200);
        http_resp r;
        http_req(srv.port, "POST", "/api/v1/logout", s.token, s.csrf, NULL, &r);
        assert_int_equal(r.status, 200);
        http_resp_free(&r);
    }
    for (int i = 0; i < 3; i++)
        close(idle[i]);
}

/* ---- scope ---------------------------------------------------------------------------------- */

static void county_user_sees_only_own_county(void **state)
{
    (void)state;
    cJSON *j = get_json("/api/v1/areas", &liandu, 200);
    cJSON *a;
    int n = 0;
    cJSON_ArrayForEach(a, cJSON_GetObjectItem(j, "areas"))
    {
        assert_memory_equal(cJSON_GetObjectItem(a, "code")->valuestring, "331102", 6);
        n++;
    }
    assert_int_equal(n, 3); /* county + 2 townships (villages come per township) */
    cJSON_Delete(j);
    j = get_json("/api/v1/areas/331102101", &liandu, 200);
    cJSON *path = cJSON_GetObjectItem(j, "path");
    assert_int_equal(cJSON_GetArraySize(path), 2); /* 莲都区 > 碧湖镇, not the city above the scope */
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "children")), 1);
    cJSON_Delete(j);
    /* by code */
    expect_status("/api/v1/areas/331121", &liandu, 403);
    expect_status("/api/v1/areas/331100", &liandu, 403);
    expect_status("/api/v1/areas/331121100201", &liandu, 403);
    expect_status("/api/v1/facilities/F4", &liandu, 403);
    expect_status("/api/v1/facilities/F1", &qingtian, 403);
    expect_status("/api/v1/facilities/F1", &liandu, 200);
    expect_status("/api/v1/areas/999999", &admin, 403);
    expect_status("/api/v1/areas/331199", &admin, 404);
    expect_status("/api/v1/facilities/NOPE", &admin, 404);
    /* by filter */
    expect_status("/api/v1/areas?under=331121", &liandu, 403);
    expect_status("/api/v1/facilities?under=331121", &liandu, 403);
    expect_status("/api/v1/facilities?under=331100", &liandu, 403);
    expect_status("/api/v1/summary?under=331100", &liandu, 403);
    expect_status("/api/v1/findings?under=331121", &liandu, 403);
    expect_status("/api/v1/findings?area=331121", &liandu, 403);
    /* by export */
    expect_status("/api/v1/export/facilities.csv?under=331121", &liandu, 403);
    expect_status("/api/v1/export/facilities.xlsx?under=331121", &liandu, 403);
    expect_status("/api/v1/export/findings.csv?under=331121", &liandu, 403);
    /* by GeoJSON */
    expect_status("/api/v1/geo/boundaries?under=331121", &liandu, 403);
    expect_status("/api/v1/geo/facilities?under=331121", &liandu, 403);
}

static void facilities_are_filtered_and_paged(void **state)
{
    (void)state;
    cJSON *j = get_json("/api/v1/facilities", &liandu, 200);
    assert_int_equal(cJSON_GetObjectItem(j, "total")->valueint, 3);
    cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(j, "items"))
        assert_memory_equal(cJSON_GetObjectItem(f, "area_code")->valuestring, "331102", 6);
    cJSON_Delete(j);
    j = get_json("/api/v1/facilities?type=village_clinic", &admin, 200);
    assert_int_equal(cJSON_GetObjectItem(j, "total")->valueint, 2);
    cJSON_Delete(j);
    j = get_json("/api/v1/facilities?limit=2&offset=1", &admin, 200);
    assert_int_equal(cJSON_GetObjectItem(j, "total")->valueint, 5);
    cJSON *items = cJSON_GetObjectItem(j, "items");
    assert_int_equal(cJSON_GetArraySize(items), 2);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "code")->valuestring, "F2");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "type_zh")->valuestring, "乡镇卫生院");
    cJSON_Delete(j);
    j = get_json("/api/v1/facilities/F4", &admin, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "staff")), 2);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "vehicles")), 2);
    cJSON_Delete(j);
    /* the read was audited */
    assert_true(db_int("SELECT count(*) FROM audit WHERE user_name='admin' AND action='read' AND target='/api/v1/facilities/F4'") >= 1);
    assert_true(db_int("SELECT count(*) FROM audit WHERE user_name='liandu' AND action='read_denied'") >= 1);
}

static void cached_reads_follow_data_changes(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++) /* warm the per-thread response caches */
        expect_status("/api/v1/facilities?type=clinic", &liandu, 200);
    cJSON *j = get_json("/api/v1/facilities?type=clinic", &liandu, 200);
    assert_int_equal(cJSON_GetObjectItem(j, "total")->valueint, 0);
    cJSON_Delete(j);
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    assert_int_equal(hss_store_exec(st, "INSERT INTO facility(code,name,type,ownership,area_code) "
                                        "VALUES('F9','紫北诊所','clinic','private','331102001')", &err), HSS_OK);
    hss_store_close(st);
    for (int i = 0; i < 4; i++) { /* every worker thread sees it */
        j = get_json("/api/v1/facilities?type=clinic", &liandu, 200);
        assert_int_equal(cJSON_GetObjectItem(j, "total")->valueint, 1);
        cJSON_Delete(j);
    }
    for (int i = 0; i < 4; i++) /* cached again, in every thread */
        expect_status("/api/v1/facilities?type=clinic", &liandu, 200);
    /* a write in a transaction of another process (on PostgreSQL it moves hss_commits after
     * its commit: hss_store_commits) */
    st = hss_store_open_existing(db, &err);
    assert_int_equal(hss_store_begin(st, &err), HSS_OK);
    assert_int_equal(hss_store_exec(st, "DELETE FROM facility WHERE code='F9'", &err), HSS_OK);
    assert_int_equal(hss_store_commit(st, &err), HSS_OK);
    hss_store_close(st);
    for (int i = 0; i < 4; i++) {
        j = get_json("/api/v1/facilities?type=clinic", &liandu, 200);
        assert_int_equal(cJSON_GetObjectItem(j, "total")->valueint, 0);
        cJSON_Delete(j);
    }
}

static void summary_adds_up(void **state)
{
    (void)state;
    cJSON *j = get_json("/api/v1/summary", &admin, 200);
    cJSON *rows = cJSON_GetObjectItem(j, "rows");
    assert_int_equal(cJSON_GetArraySize(rows), 2);
    cJSON *lian = cJSON_GetArrayItem(rows, 0), *tot = cJSON_GetObjectItem(j, "total");
    assert_string_equal(cJSON_GetObjectItem(lian, "code")->valuestring, "331102");
    assert_int_equal(cJSON_GetObjectItem(lian, "facilities")->valueint, 3);
    assert_int_equal(cJSON_GetObjectItem(lian, "staff")->valueint, 1520);
    assert_int_equal(cJSON_GetObjectItem(lian, "ambulances")->valueint, 6);
    assert_string_equal(cJSON_GetObjectItem(tot, "code")->valuestring, "331100");
    assert_int_equal(cJSON_GetObjectItem(tot, "facilities")->valueint, 5);
    assert_int_equal(cJSON_GetObjectItem(tot, "beds_approved")->valueint, 2460);
    assert_int_equal(cJSON_GetObjectItem(tot, "ambulances")->valueint, 10);
    /* one figure, one truth: each county's total is its row in the city's table, field by field */
    cJSON *row;
    cJSON_ArrayForEach(row, rows)
    {
        char path[96];
        snprintf(path, sizeof path, "/api/v1/summary?under=%s", cJSON_GetObjectItem(row, "code")->valuestring);
        cJSON *k = get_json(path, &admin, 200), *ktot = cJSON_GetObjectItem(k, "total"), *field;
        cJSON_ArrayForEach(field, ktot)
        {
            cJSON *mine = cJSON_GetObjectItem(row, field->string);
            assert_non_null(mine);
            if (cJSON_IsNumber(field))
                assert_int_equal(field->valueint, mine->valueint);
        }
        cJSON_Delete(k);
    }
    cJSON_Delete(j);
}

static void geojson_is_scoped(void **state)
{
    (void)state;
    cJSON *j = get_json("/api/v1/geo/boundaries", &admin, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "features")), 2);
    cJSON_Delete(j);
    j = get_json("/api/v1/geo/boundaries", &liandu, 200);
    cJSON *feats = cJSON_GetObjectItem(j, "features");
    assert_int_equal(cJSON_GetArraySize(feats), 1);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(feats, 0), "properties"), "name")->valuestring,
                        "莲都区");
    cJSON_Delete(j);
    /* a township without a boundary of its own is shown inside its county */
    j = get_json("/api/v1/geo/boundaries?under=331102001", &liandu, 200);
    feats = cJSON_GetObjectItem(j, "features");
    assert_int_equal(cJSON_GetArraySize(feats), 1);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(feats, 0), "id")->valuestring, "331102");
    cJSON_Delete(j);
    /* ... but never in an ancestor outside the caller's scope */
    hss_store *st = hss_store_open_existing(db, NULL);
    assert_int_equal(hss_store_exec(st, "DELETE FROM boundary WHERE area_code='331102'", NULL), HSS_OK);
    /* as a boundary import does: the boundaries answer is kept per data version */
    assert_int_equal(hss_store_bump_version(st, NULL), HSS_OK);
    hss_store_close(st);
    j = get_json("/api/v1/geo/boundaries?under=331102001", &liandu, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "features")), 0);
    cJSON_Delete(j);
    st = hss_store_open_existing(db, NULL);
    assert_int_equal(hss_store_exec(st, "INSERT INTO boundary(area_code,geometry) VALUES('331100',"
                                        "'{\"type\":\"Polygon\",\"coordinates\":[[[119,27],[121,27],[121,29],[119,29],[119,27]]]}')", NULL), HSS_OK);
    assert_int_equal(hss_store_bump_version(st, NULL), HSS_OK);
    hss_store_close(st);
    j = get_json("/api/v1/geo/boundaries?under=331102001", &liandu, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "features")), 0);
    cJSON_Delete(j);
    j = get_json("/api/v1/geo/boundaries?under=331102001", &admin, 200); /* the city is in the admin's scope */
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "features"), 0), "id")->valuestring, "331100");
    cJSON_Delete(j);
    st = hss_store_open_existing(db, NULL);
    assert_int_equal(hss_store_exec(st, "DELETE FROM boundary WHERE area_code='331100';"
                                        "INSERT INTO boundary(area_code,geometry,source) VALUES('331102','{\"type\":\"Polygon\",\"coordinates\":"
                                        "[[[119.6,28.2],[120.1,28.2],[120.1,28.65],[119.6,28.65],[119.6,28.2]]]}','test rectangle')", NULL), HSS_OK);
    assert_int_equal(hss_store_bump_version(st, NULL), HSS_OK);
    hss_store_close(st);
    j = get_json("/api/v1/geo/boundaries?level=county", &liandu, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "features")), 1);
    cJSON_Delete(j);
    j = get_json("/api/v1/geo/facilities", &qingtian, 200);
    feats = cJSON_GetObjectItem(j, "features");
    assert_int_equal(cJSON_GetArraySize(feats), 2);
    cJSON *f;
    cJSON_ArrayForEach(f, feats)
    {
        const char *code = cJSON_GetObjectItem(f, "id")->valuestring;
        assert_true(strcmp(code, "F4") == 0 || strcmp(code, "F5") == 0);
    }
    cJSON_Delete(j);
    /* the points are kept per data version: a facility imported (the version moves) is on the map */
    st = hss_store_open_existing(db, NULL);
    assert_int_equal(hss_store_exec(st, "INSERT INTO facility(code,name,type,ownership,area_code,lon,lat) "
                                        "VALUES('F7','新诊所','clinic','private','331121',120.3,28.1)", NULL), HSS_OK);
    assert_int_equal(hss_store_bump_version(st, NULL), HSS_OK);
    hss_store_close(st);
    j = get_json("/api/v1/geo/facilities", &qingtian, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "features")), 3);
    cJSON_Delete(j);
    st = hss_store_open_existing(db, NULL);
    assert_int_equal(hss_store_exec(st, "DELETE FROM facility WHERE code='F7'", NULL), HSS_OK);
    assert_int_equal(hss_store_bump_version(st, NULL), HSS_OK);
    hss_store_close(st);
    j = get_json("/api/v1/geo/facilities", &qingtian, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "features")), 2);
    cJSON_Delete(j);
}

static void exports_are_scoped_and_typed(void **state)
{
    (void)state;
    http_resp r;
    http_get(srv.port, "/api/v1/export/facilities.csv", liandu.token, &r);
    assert_int_equal(r.status, 200);
    assert_memory_equal(r.body, "\xEF\xBB\xBF" "代码,名称,类型,", 22); /* headings in the user's language */
    assert_non_null(strstr(r.body, "丽水市中心医院"));
    assert_null(strstr(r.body, "青田县人民医院"));
    assert_null(strstr(r.body, "general_hospital")); /* the type in words, not its id */
    char h[200];
    assert_non_null(strstr(header(&r, "Content-Disposition", h, sizeof h), "facilities-331102.csv"));
    http_resp_free(&r);
    http_get(srv.port, "/api/v1/export/facilities.csv?lang=en", admin.token, &r);
    assert_memory_equal(r.body, "\xEF\xBB\xBF" "Code,Name,Type,", 18);
    assert_null(strstr(r.body, "类型"));
    http_resp_free(&r);
    http_get(srv.port, "/api/v1/export/facilities.xlsx?type=general_hospital", admin.token, &r);
    assert_int_equal(r.status, 200);
    assert_true(r.body_len > 1000);
    assert_memory_equal(r.body, "PK", 2);
    http_resp_free(&r);
    assert_true(db_int("SELECT count(*) FROM audit WHERE user_name='liandu' AND detail LIKE 'export 3 facilities%'") == 1);
    /* a name that a spreadsheet would run as a formula is defused in CSV */
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    assert_int_equal(hss_store_exec(st, "INSERT INTO facility(code,name,type,ownership,area_code) "
                                        "VALUES('F8','=HYPERLINK(\"http://x\")','clinic','private','331102001')", &err), HSS_OK);
    hss_store_close(st);
    http_get(srv.port, "/api/v1/export/facilities.csv?type=clinic", liandu.token, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"'=HYPERLINK("));
    http_resp_free(&r);
    st = hss_store_open_existing(db, &err);
    assert_int_equal(hss_store_exec(st, "DELETE FROM facility WHERE code='F8'", &err), HSS_OK);
    hss_store_close(st);
}

static void findings_call_the_policy_module(void **state)
{
    (void)state;
    /* Findings come back from the policy module, and every row lies in the caller's scope. */
    http_resp r;
    http_get(srv.port, "/api/v1/findings?policy=lishui", liandu.token, &r);
    assert_int_equal(r.status, 200);
    cJSON *j = cJSON_Parse(r.body), *row;
    assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(j, "rows")) > 0);
    cJSON_ArrayForEach(row, cJSON_GetObjectItem(j, "rows"))
    {
        cJSON *a = cJSON_GetObjectItem(row, "area");
        assert_true(!cJSON_IsString(a) || !a->valuestring[0] || strncmp(a->valuestring, "331102", 6) == 0);
    }
    cJSON_Delete(j);
    http_resp_free(&r);
    expect_status("/api/v1/findings?policy=../../etc/passwd", &liandu, 400);
    expect_status("/api/v1/findings?status=bad", &liandu, 400);
}

/* Paged findings: count is the whole filtered set on every page, the pages together are the
 * rows of the unpaged answer in order, and the per-rule counts add up to the count. */
static void findings_are_paged_and_counted(void **state)
{
    (void)state;
    http_resp r;
    http_get(srv.port, "/api/v1/findings?policy=lishui", liandu.token, &r);
    assert_int_equal(r.status, 200);
    cJSON *all = cJSON_Parse(r.body);
    http_resp_free(&r);
    int n = cJSON_GetObjectItem(all, "count")->valueint;
    assert_true(n >= 3);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(all, "rows")), n);
    long long sum = 0, fails = 0;
    cJSON *rule;
    cJSON_ArrayForEach(rule, cJSON_GetObjectItem(all, "by_rule"))
    {
        long long f = (long long)cJSON_GetObjectItem(rule, "fail")->valuedouble;
        sum += f + (long long)cJSON_GetObjectItem(rule, "pass")->valuedouble +
               (long long)cJSON_GetObjectItem(rule, "unknown")->valuedouble;
        fails += f;
    }
    assert_int_equal(sum, n);
    assert_int_equal(fails, (long long)cJSON_GetObjectItem(cJSON_GetObjectItem(all, "by_status"), "fail")->valuedouble);
    /* two rows a page, every page, in order */
    for (int off = 0; off < n; off += 2) {
        char path[128];
        snprintf(path, sizeof path, "/api/v1/findings?policy=lishui&limit=2&offset=%d", off);
        http_get(srv.port, path, liandu.token, &r);
        assert_int_equal(r.status, 200);
        cJSON *p = cJSON_Parse(r.body);
        http_resp_free(&r);
        assert_int_equal(cJSON_GetObjectItem(p, "count")->valueint, n);
        cJSON *rows = cJSON_GetObjectItem(p, "rows");
        assert_int_equal(cJSON_GetArraySize(rows), n - off < 2 ? n - off : 2);
        for (int i = 0; i < cJSON_GetArraySize(rows); i++) {
            char *a = cJSON_PrintUnformatted(cJSON_GetArrayItem(rows, i));
            char *b = cJSON_PrintUnformatted(cJSON_GetArrayItem(cJSON_GetObjectItem(all, "rows"), off + i));
            assert_string_equal(a, b);
            free(a);
            free(b);
        }
        cJSON_Delete(p);
    }
    cJSON_Delete(all);
    expect_status("/api/v1/findings?limit=0", &liandu, 400);
    expect_status("/api/v1/findings?limit=5000", &liandu, 400);
    expect_status("/api/v1/findings?offset=-1", &liandu, 400);
}

/* The search box's endpoint: by name anywhere, by code from the start, within the scope only. */
static void search_finds_by_name_and_code_in_scope(void **state)
{
    (void)state;
    cJSON *j = get_json("/api/v1/search?q=%E9%9D%92%E7%94%B0", &admin, 200); /* 青田 */
    cJSON *items = cJSON_GetObjectItem(j, "items");
    assert_true(cJSON_GetArraySize(items) >= 1);
    cJSON *first = cJSON_GetArrayItem(items, 0);
    assert_string_equal(cJSON_GetObjectItem(first, "code")->valuestring, "331121");
    assert_string_equal(cJSON_GetObjectItem(first, "kind")->valuestring, "area");
    assert_string_equal(cJSON_GetObjectItem(first, "detail_zh")->valuestring, "县(市、区)");
    cJSON_Delete(j);
    /* a county user does not learn of the other county */
    j = get_json("/api/v1/search?q=%E9%9D%92%E7%94%B0", &liandu, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 0);
    cJSON_Delete(j);
    j = get_json("/api/v1/search?q=331121", &liandu, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), 0);
    cJSON_Delete(j);
    /* codes match from their start */
    j = get_json("/api/v1/search?q=3311", &liandu, 200);
    cJSON *it;
    assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")) >= 1);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "items"))
        assert_int_equal(strncmp(cJSON_GetObjectItem(it, "code")->valuestring, "331102", 6), 0);
    cJSON_Delete(j);
    expect_status("/api/v1/search", &liandu, 400);
    expect_status("/api/v1/search?q=x&limit=1000", &liandu, 400);
}

/* ---- hostile input ---------------------------------------------------------------------------- */

static void sql_injection_strings_are_harmless(void **state)
{
    (void)state;
    const char *inj[] = {"%27%20OR%201%3D1%20--", "331102%27%20OR%20%271%27%3D%271", "1%3B%20DROP%20TABLE%20facility",
                         "%25", "331102%25", "33%27%7C%7C%27", "%22%29%3B--"};
    const char *params[] = {"under", "type", "level", "limit", "offset", "policy", "year", "status", "measure", "area"};
    const char *eps[] = {"/api/v1/areas", "/api/v1/facilities", "/api/v1/summary", "/api/v1/findings",
                         "/api/v1/geo/boundaries", "/api/v1/geo/facilities", "/api/v1/export/facilities.csv",
                         "/api/v1/export/findings.csv"};
    char path[300];
    for (size_t e = 0; e < sizeof eps / sizeof *eps; e++)
        for (size_t p = 0; p < sizeof params / sizeof *params; p++)
            for (size_t i = 0; i < sizeof inj / sizeof *inj; i++) {
                snprintf(path, sizeof path, "%s?%s=%s", eps[e], params[p], inj[i]);
                http_resp r;
                http_get(srv.port, path, liandu.token, &r);
                /* refused (400), or the parameter does not apply to this endpoint and the
                 * answer is the ordinary scoped one; never a server error, never out of scope */
                assert_true(r.status == 400 || r.status == 200);
                assert_null(strstr(r.body, "青田"));
                http_resp_free(&r);
            }
    for (size_t i = 0; i < sizeof inj / sizeof *inj; i++) {
        snprintf(path, sizeof path, "/api/v1/areas/%s", inj[i]);
        expect_status(path, &liandu, 400);
        snprintf(path, sizeof path, "/api/v1/facilities/%s", inj[i]);
        expect_status(path, &liandu, 404);
    }
    assert_int_equal(login(srv.port, "admin' --", "x' OR '1'='1", NULL), 401);
    assert_int_equal(login(srv.port, "' OR 1=1; DROP TABLE app_user; --", "x", NULL), 401);
    assert_int_equal(db_int("SELECT count(*) FROM facility"), 5);
    assert_int_equal(db_int("SELECT count(*) FROM app_user"), 4);
}

static void path_traversal_is_refused(void **state)
{
    (void)state;
    http_resp r;
    http_get(srv.port, "/", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<title>HSS</title>"));
    char h[300];
    assert_non_null(header(&r, "Content-Security-Policy", h, sizeof h));
    http_resp_free(&r);
    const char *paths[] = {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/..%2fsecret.txt",
                           "/x/../../secret.txt", "/%2e%2e%5csecret.txt", "/leak.txt", "/index.html%00.txt",
                           "/.%2e/secret.txt", "//etc/passwd", "/.htaccess"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        char req[400];
        snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", paths[i]);
        http_raw(srv.port, req, strlen(req), &r);
        if (r.status != 400 && r.status != 404)
            fprintf(stderr, "GET %s: %d\n", paths[i], r.status);
        assert_true(r.status == 400 || r.status == 404);
        assert_null(strstr(r.body, "TOP-SECRET"));
        assert_null(strstr(r.body, "root:"));
        http_resp_free(&r);
    }
}

/* ---- sessions, CSRF, lockout, audit ---------------------------------------------------------------- */

static void writes_need_the_csrf_token(void **state)
{
    (void)state;
    session s;
    assert_int_equal(login(srv.port, "qingtian", "qingtian-pass-1", &s), 200);
    http_resp r;
    http_req(srv.port, "POST", "/api/v1/logout", s.token, NULL, "{}", &r);
    assert_int_equal(r.status, 403);
    http_resp_free(&r);
    http_req(srv.port, "POST", "/api/v1/logout", s.token, qingtian.csrf, "{}", &r); /* another session's token */
    assert_int_equal(r.status, 403);
    http_resp_free(&r);
    http_req(srv.port, "POST", "/api/v1/password", s.token, "0000", "{\"old_password\":\"qingtian-pass-1\",\"new_password\":\"hacked-pw-1\"}", &r);
    assert_int_equal(r.status, 403);
    http_resp_free(&r);
    expect_status("/api/v1/me", &s, 200); /* still logged in */
    http_req(srv.port, "POST", "/api/v1/logout", s.token, s.csrf, "{}", &r);
    assert_int_equal(r.status, 200);
    char h[200];
    assert_non_null(strstr(header(&r, "Set-Cookie", h, sizeof h), "Max-Age=0"));
    http_resp_free(&r);
    expect_status("/api/v1/me", &s, 401);
    assert_true(db_int("SELECT count(*) FROM audit WHERE action='write' AND target='POST /api/v1/logout' AND status=403") >= 2);
    assert_true(db_int("SELECT count(*) FROM audit WHERE action='write' AND target='POST /api/v1/logout' AND status=200") >= 1);
    assert_int_equal(login(srv.port, "qingtian", "hacked-pw-1", NULL), 401);
}

/* A session ends when its stored expiry passes. The test moves the expiry into the past instead
 * of sleeping past a short lifetime, so that a slow machine cannot make it fail or pass by luck. */
static void sessions_expire(void **state)
{
    (void)state;
    const char *extra[] = {"--session-ttl", "600", "--secure-cookie", NULL};
    test_server s2 = start_server(db, extra);
    http_resp lr;
    http_req(s2.port, "POST", "/api/v1/login", NULL, NULL, "{\"username\":\"liandu\",\"password\":\"liandu-pass-1\"}", &lr);
    assert_int_equal(lr.status, 200);
    char ck[300];
    assert_non_null(strstr(header(&lr, "Set-Cookie", ck, sizeof ck), "Max-Age=600; Secure"));
    http_resp_free(&lr);
    session s;
    assert_int_equal(login(s2.port, "admin", "admin-pass-1", &s), 200);
    assert_int_equal(db_int("SELECT count(*) FROM app_session WHERE user_name='admin' AND expires-created=600"), 1);
    http_resp r;
    http_get(s2.port, "/api/v1/me", s.token, &r);
    assert_int_equal(r.status, 200);
    http_resp_free(&r);
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    assert_non_null(st);
    hss_stmt *ex = hss_store_prepare(st, "UPDATE app_session SET expires=?", &err);
    assert_non_null(ex);
    hss_store_bind_int64(ex, 1, (int64_t)time(NULL) - 1);
    assert_int_equal(hss_store_step(ex), HSS_DONE);
    hss_store_finalize(ex);
    hss_store_close(st);
    http_get(s2.port, "/api/v1/me", s.token, &r);
    assert_int_equal(r.status, 401);
    http_resp_free(&r);
    http_get(s2.port, "/api/v1/me", "not-a-token", &r);
    assert_int_equal(r.status, 401);
    http_resp_free(&r);
    stop_server(&s2);
}

static void repeated_failures_lock_the_account(void **state)
{
    (void)state;
    for (int i = 0; i < 5; i++)
        assert_int_equal(login(srv.port, "victim", "not-the-password", NULL), 401);
    /* now even the right password is refused */
    assert_int_equal(login(srv.port, "victim", "victim-pass-1", NULL), 429);
    /* other accounts are unaffected */
    assert_int_equal(login(srv.port, "liandu", "liandu-pass-1", NULL), 200);
    assert_int_equal(db_int("SELECT count(*) FROM audit WHERE user_name='victim' AND action='login_fail'"), 5);
    assert_int_equal(db_int("SELECT count(*) FROM audit WHERE user_name='victim' AND action='login_locked'"), 1);
    char cmd[1024], *out;
    snprintf(cmd, sizeof cmd, "%s audit --db '%s' --user victim --format csv", hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "id,at,user,ip,action,target,status,detail"));
    assert_non_null(strstr(out, "login_locked"));
    assert_null(strstr(out, "liandu"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s audit --db '%s' --since 2999-01-01 --format json", hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_string_equal(out, "[]\n");
    free(out);
    snprintf(cmd, sizeof cmd, "%s audit --db '%s' --since yesterday 2>&1", hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, &out), 2);
    assert_non_null(strstr(out, "--since"));
    free(out);
}

static void user_add_rejects_bad_input(void **state)
{
    (void)state;
    char *out;
    long long before = db_int("SELECT count(*) FROM app_user");
    assert_int_equal(add_user(db, "bob", "superuser", "331102", "long-enough-pw", &out), 1);
    assert_non_null(strstr(out, "--role 'superuser'"));
    free(out);
    assert_int_equal(add_user(db, "bob", "county", "3311", "long-enough-pw", &out), 1);
    assert_non_null(strstr(out, "--scope '3311'"));
    free(out);
    assert_int_equal(add_user(db, "bob", "county", "331102", "short", &out), 1);
    assert_non_null(strstr(out, "at least 8"));
    free(out);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s user add bob --role county --scope 331102 --db '%s' </dev/null 2>&1", hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, &out), 2);
    assert_non_null(strstr(out, "--password-stdin"));
    free(out);
    assert_int_equal(db_int("SELECT count(*) FROM app_user"), before);
    /* argon2id, never the password */
    assert_int_equal(db_int("SELECT count(*) FROM app_user WHERE password_hash LIKE '$argon2id$%'"), before);
    assert_int_equal(db_int("SELECT count(*) FROM app_user WHERE password_hash LIKE '%pass%'"), 0);
}

static void serve_rejects_bad_options(void **state)
{
    (void)state;
    char cmd[1200], *out;
    snprintf(cmd, sizeof cmd, "%s serve --port 0 2>&1", hss_test_bin());
    assert_int_equal(hss_test_run(cmd, &out), 2);
    assert_non_null(strstr(out, "usage: hss serve"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s serve --db '%s' --port 99999 2>&1", hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, &out), 2);
    assert_non_null(strstr(out, "--port must be a whole number from 0 to 65535, not '99999'"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s serve --db '%s/none.db' --port 0 2>&1", hss_test_bin(), dir);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "no such database"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s serve --db '%s' --port 0 --web '%s/no-such-dir' 2>&1", hss_test_bin(), db, dir);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "no-such-dir: dashboard directory not found"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s serve --db '%s' --port %d 2>&1", hss_test_bin(), db, srv.port);
    assert_int_equal(hss_test_run(cmd, &out), 1); /* the port is taken by the test server */
    assert_non_null(strstr(out, "cannot listen on 127.0.0.1"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s serve --db '%s' --port 0 --bind localhost 2>&1", hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "--bind localhost: not an IPv4 address"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(login_sets_cookie_and_security_headers),
        cmocka_unit_test(login_errors),
        cmocka_unit_test(oversized_bodies_get_413),
        cmocka_unit_test(malformed_requests),
        cmocka_unit_test(half_closed_requests_get_their_answer),
        cmocka_unit_test(county_user_sees_only_own_county),
        cmocka_unit_test(facilities_are_filtered_and_paged),
        cmocka_unit_test(cached_reads_follow_data_changes),
        cmocka_unit_test(summary_adds_up),
        cmocka_unit_test(geojson_is_scoped),
        cmocka_unit_test(exports_are_scoped_and_typed),
        cmocka_unit_test(findings_call_the_policy_module),
        cmocka_unit_test(findings_are_paged_and_counted),
        cmocka_unit_test(search_finds_by_name_and_code_in_scope),
        cmocka_unit_test(sql_injection_strings_are_harmless),
        cmocka_unit_test(path_traversal_is_refused),
        cmocka_unit_test(writes_need_the_csrf_token),
        cmocka_unit_test(sessions_expire),
        cmocka_unit_test(repeated_failures_lock_the_account),
        cmocka_unit_test(user_add_rejects_bad_input),
        cmocka_unit_test(serve_rejects_bad_options),
    };
    return cmocka_run_group_tests_name("server", tests, setup, teardown);
}
