/* test_fhir_api.c: the FHIR R4 API against the real `hss serve` on 127.0.0.1, with the care
 * fixture (tests/server/care_fixture.h: residents A and B in 莲都, C in 青田): the
 * CapabilityStatement; system clients from `hss client add` (token printed last, revocable);
 * scope (a 莲都 client looking up a 青田 resident's citizen ID finds nothing, exactly like an
 * unknown ID, and the refusal is audited); one access-log row per named resident read; the
 * blood-pressure panel; paging through next links until the end; dates; bad parameters; roles
 * that do not see citizen IDs; the asynchronous bulk export (kick-off, status, files, audit).
 */
#include "fhir/fhir.h"
#include "server/care_fixture.h"

static char *dir, *db;
static test_server srv;
static care_fixture fx;
static char tok_liandu[80], tok_qingtian[80], tok_revoked[80], tok_expired[80];
static session planner;
static long long id_a, id_c;

/* `hss client add` and the token on its last line. */
static void add_client(const char *name, const char *scope, char out[80])
{
    char cmd[1024], *o = NULL;
    snprintf(cmd, sizeof cmd, "%s client add %s --scope %s --db '%s' --expires 30 2>&1", hss_test_bin(), name, scope, db);
    assert_int_equal(hss_test_run(cmd, &o), 0);
    char *last = o + strlen(o);
    while (last > o && last[-1] == '\n')
        *--last = 0;
    char *nl = strrchr(o, '\n');
    snprintf(out, 80, "%s", nl ? nl + 1 : o);
    assert_int_equal(strlen(out), 64);
    free(o);
}

static int setup(void **state)
{
    (void)state;
    dir = hss_test_tmpdir();
    db = make_region_db(dir);
    add_care_data(dir, db, &fx);
    assert_int_equal(add_user(db, "planner", "planner", "331100", "planner-pass-1", NULL), 0);
    add_client("his-liandu", "331102", tok_liandu);
    add_client("his-qingtian", "331121", tok_qingtian);
    add_client("old-his", "331100", tok_revoked);
    add_client("lapsed-his", "331100", tok_expired);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s client revoke old-his --db '%s' 2>&1", hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, NULL), 0);
    /* a token whose time ran out (as if added 31 days ago with --expires 30) */
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    assert_non_null(st);
    char upd[100];
    snprintf(upd, sizeof upd, "UPDATE fhir_client SET expires=%lld WHERE name='lapsed-his'", (long long)time(NULL) - 86400);
    assert_int_equal(hss_store_exec(st, upd, &err), HSS_OK);
    hss_store_close(st);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT id FROM care_resident WHERE id_number='%s'", fx.a);
    id_a = db_query_int(db, sql);
    snprintf(sql, sizeof sql, "SELECT id FROM care_resident WHERE id_number='%s'", fx.c);
    id_c = db_query_int(db, sql);
    srv = start_server(db, NULL);
    assert_int_equal(login(srv.port, "planner", "planner-pass-1", &planner), 200);
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

/* GET with a bearer token (NULL: none), expecting `want`. */
static http_resp fget(const char *path, const char *token, int want)
{
    char req[2048];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s%s%s\r\n", path,
                     token ? "Authorization: Bearer " : "", token ? token : "", token ? "\r\n" : "");
    http_resp r;
    http_raw(srv.port, req, (size_t)n, &r);
    if (r.status != want)
        fprintf(stderr, "GET %s: %d %s\n", path, r.status, r.body);
    assert_int_equal(r.status, want);
    return r;
}

static cJSON *fjson(const char *path, const char *token, int want)
{
    http_resp r = fget(path, token, want);
    char ct[100];
    assert_non_null(header(&r, "Content-Type", ct, sizeof ct));
    assert_non_null(strstr(ct, "application/fhir+json"));
    cJSON *j = cJSON_Parse(r.body);
    assert_non_null(j);
    http_resp_free(&r);
    return j;
}

static int entries(const cJSON *bundle)
{
    return cJSON_GetArraySize(cJSON_GetObjectItem(bundle, "entry"));
}

static cJSON *entry_resource(const cJSON *bundle, int i)
{
    return cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(bundle, "entry"), i), "resource");
}

static long long access_rows(const char *user, const char *action, long long resident)
{
    char sql[300];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM care_access_seen WHERE user_name='%s' AND action='%s' AND resident_id=%lld",
             user, action, resident);
    return db_query_int(db, sql);
}

static void capability_statement_is_public(void **state)
{
    (void)state;
    cJSON *j = fjson("/fhir/R4/metadata", NULL, 200);
    assert_string_equal(cJSON_GetObjectItem(j, "resourceType")->valuestring, "CapabilityStatement");
    assert_string_equal(cJSON_GetObjectItem(j, "fhirVersion")->valuestring, "4.0.1");
    cJSON *res = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "rest"), 0), "resource");
    assert_int_equal(cJSON_GetArraySize(res), 10);
    cJSON_Delete(j);
}

static void callers_without_a_live_token_are_refused_and_audited(void **state)
{
    (void)state;
    cJSON *j = fjson("/fhir/R4/Patient", NULL, 401);
    assert_string_equal(cJSON_GetObjectItem(j, "resourceType")->valuestring, "OperationOutcome");
    cJSON_Delete(j);
    cJSON_Delete(fjson("/fhir/R4/Patient", tok_revoked, 401));
    cJSON_Delete(fjson("/fhir/R4/Patient", tok_expired, 401));
    cJSON_Delete(fjson("/fhir/R4/Patient", "0123456789012345678901234567890123456789012345678901234567890123", 401));
    assert_true(db_query_int(db, "SELECT count(*) FROM audit WHERE action='fhir_denied' AND status=401") >= 4);
    /* the database keeps hashes only */
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM fhir_client WHERE token_hash='%s'", tok_liandu);
    assert_int_equal(db_query_int(db, sql), 0);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM audit WHERE action='client_add'"), 4);
}

static void patient_by_citizen_id_stays_in_the_clients_county(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "/fhir/R4/Patient?identifier=%s|%s", HSS_FHIR_SID_CITIZEN, fx.a);
    long long before = access_rows("client:his-liandu", "fhir", id_a);
    cJSON *j = fjson(path, tok_liandu, 200);
    assert_string_equal(cJSON_GetObjectItem(j, "type")->valuestring, "searchset");
    assert_int_equal(entries(j), 1);
    cJSON *p = entry_resource(j, 0);
    cJSON *id = cJSON_GetArrayItem(cJSON_GetObjectItem(p, "identifier"), 0);
    assert_string_equal(cJSON_GetObjectItem(id, "system")->valuestring, HSS_FHIR_SID_CITIZEN);
    assert_string_equal(cJSON_GetObjectItem(id, "value")->valuestring, fx.a);
    assert_string_equal(cJSON_GetObjectItem(p, "gender")->valuestring, "male");
    assert_string_equal(cJSON_GetObjectItem(p, "birthDate")->valuestring, "1950-03-01");
    cJSON_Delete(j);
    assert_int_equal(access_rows("client:his-liandu", "fhir", id_a), before + 1);

    /* another county's resident: the same answer as an unknown ID, and a denied row */
    snprintf(path, sizeof path, "/fhir/R4/Patient?identifier=%s", fx.c);
    http_resp other = fget(path, tok_liandu, 200);
    char unknown_id[19];
    make_id(unknown_id, "331102", "19800101", "999");
    snprintf(path, sizeof path, "/fhir/R4/Patient?identifier=%s", unknown_id);
    http_resp unknown = fget(path, tok_liandu, 200);
    cJSON *jo = cJSON_Parse(other.body), *ju = cJSON_Parse(unknown.body);
    assert_int_equal(cJSON_GetObjectItem(jo, "total")->valueint, 0);
    assert_int_equal(cJSON_GetObjectItem(ju, "total")->valueint, 0);
    assert_null(cJSON_GetObjectItem(jo, "entry"));
    assert_null(cJSON_GetObjectItem(ju, "entry"));
    cJSON_Delete(jo);
    cJSON_Delete(ju);
    http_resp_free(&other);
    http_resp_free(&unknown);
    assert_int_equal(access_rows("client:his-liandu", "denied", id_c), 1);
    assert_int_equal(access_rows("client:his-liandu", "fhir", id_c), 0);

    /* the 青田 client finds its own resident; reading by id across counties is a 404 */
    snprintf(path, sizeof path, "/fhir/R4/Patient?identifier=%s", fx.c);
    j = fjson(path, tok_qingtian, 200);
    assert_int_equal(entries(j), 1);
    cJSON_Delete(j);
    snprintf(path, sizeof path, "/fhir/R4/Patient/%lld", id_c);
    cJSON_Delete(fjson(path, tok_liandu, 404));
    assert_int_equal(access_rows("client:his-liandu", "denied", id_c), 2);
    j = fjson(path, tok_qingtian, 200);
    assert_string_equal(cJSON_GetObjectItem(j, "resourceType")->valuestring, "Patient");
    cJSON_Delete(j);
}

static void planner_sees_no_citizen_ids(void **state)
{
    (void)state;
    http_resp r;
    http_get(srv.port, "/fhir/R4/Patient?_count=10", planner.token, &r);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, fx.a));
    assert_null(strstr(r.body, "测试甲"));
    assert_non_null(strstr(r.body, "\"gender\""));
    http_resp_free(&r);
    char path[200];
    snprintf(path, sizeof path, "/fhir/R4/Patient?identifier=%s", fx.a);
    http_get(srv.port, path, planner.token, &r);
    assert_int_equal(r.status, 403);
    http_resp_free(&r);
}

static void blood_pressure_is_the_loinc_panel(void **state)
{
    (void)state;
    char path[200];
    snprintf(path, sizeof path, "/fhir/R4/Observation?patient=Patient/%lld", id_a);
    cJSON *j = fjson(path, tok_liandu, 200);
    assert_int_equal(entries(j), 1);
    cJSON *o = entry_resource(j, 0);
    cJSON *coding = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "code"), "coding"), 0);
    assert_string_equal(cJSON_GetObjectItem(coding, "system")->valuestring, "http://loinc.org");
    assert_string_equal(cJSON_GetObjectItem(coding, "code")->valuestring, "85354-9");
    cJSON *comp = cJSON_GetObjectItem(o, "component");
    assert_int_equal(cJSON_GetArraySize(comp), 2);
    const char *codes[] = {"8480-6", "8462-4"};
    int values[] = {168, 96};
    for (int i = 0; i < 2; i++) {
        cJSON *c = cJSON_GetArrayItem(comp, i);
        cJSON *cc = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "code"), "coding"), 0);
        assert_string_equal(cJSON_GetObjectItem(cc, "code")->valuestring, codes[i]);
        cJSON *q = cJSON_GetObjectItem(c, "valueQuantity");
        assert_int_equal(cJSON_GetObjectItem(q, "value")->valueint, values[i]);
        assert_string_equal(cJSON_GetObjectItem(q, "code")->valuestring, "mm[Hg]");
    }
    assert_string_equal(cJSON_GetObjectItem(o, "effectiveDateTime")->valuestring, "2025-12-20");
    char ref[40];
    snprintf(ref, sizeof ref, "Patient/%lld", id_a);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "subject"), "reference")->valuestring, ref);
    const char *oid = cJSON_GetObjectItem(o, "id")->valuestring;
    char rpath[100];
    snprintf(rpath, sizeof rpath, "/fhir/R4/Observation/%s", oid);
    cJSON_Delete(j);
    j = fjson(rpath, tok_liandu, 200);
    assert_string_equal(cJSON_GetObjectItem(j, "resourceType")->valuestring, "Observation");
    cJSON_Delete(j);
    /* dates: the visit is on 2025-12-20 */
    snprintf(path, sizeof path, "/fhir/R4/Observation?patient=%lld&date=ge2025-12-01&date=lt2026", id_a);
    j = fjson(path, tok_liandu, 200);
    assert_int_equal(entries(j), 1);
    cJSON_Delete(j);
    snprintf(path, sizeof path, "/fhir/R4/Observation?patient=%lld&date=lt2025-12-20", id_a);
    j = fjson(path, tok_liandu, 200);
    assert_int_equal(entries(j), 0);
    cJSON_Delete(j);
    /* the 青田 client does not see 莲都's observations */
    j = fjson("/fhir/R4/Observation", tok_qingtian, 200);
    assert_int_equal(entries(j), 0);
    cJSON_Delete(j);
}

static void referrals_are_service_requests_and_tasks(void **state)
{
    (void)state;
    char path[100];
    snprintf(path, sizeof path, "/fhir/R4/ServiceRequest/%lld", (long long)fx.ref_a);
    cJSON *j = fjson(path, tok_liandu, 200);
    assert_string_equal(cJSON_GetObjectItem(j, "status")->valuestring, "active");
    assert_string_equal(cJSON_GetObjectItem(j, "authoredOn")->valuestring, "2025-12-01T09:00:00+08:00");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "requester"), "reference")->valuestring,
                        "Organization/F2");
    cJSON_Delete(j);
    snprintf(path, sizeof path, "/fhir/R4/Task/%lld", (long long)fx.ref_a);
    j = fjson(path, tok_liandu, 200);
    assert_string_equal(cJSON_GetObjectItem(j, "status")->valuestring, "accepted");
    assert_string_equal(cJSON_GetObjectItem(j, "lastModified")->valuestring, "2025-12-02T10:00:00+08:00");
    cJSON_Delete(j);
    j = fjson("/fhir/R4/Task?_lastUpdated=ge2025-12-02", tok_liandu, 200);
    assert_int_equal(entries(j), 1);
    cJSON_Delete(j);
    j = fjson("/fhir/R4/Task?_lastUpdated=lt2025-12-02", tok_liandu, 200);
    assert_int_equal(entries(j), 0);
    cJSON_Delete(j);
    snprintf(path, sizeof path, "/fhir/R4/Task/%lld", (long long)fx.ref_c);
    cJSON_Delete(fjson(path, tok_liandu, 404));
}

static void paging_follows_next_links_to_the_end(void **state)
{
    (void)state;
    /* 莲都: its areas (county, 2 townships, 1 village) and 3 facility sites */
    long long want = db_query_int(db, "SELECT (SELECT count(*) FROM area WHERE code LIKE '331102%') + "
                                      "(SELECT count(*) FROM facility WHERE area_code LIKE '331102%')");
    char path[600];
    snprintf(path, sizeof path, "/fhir/R4/Location?_count=2");
    int pages = 0, seen = 0;
    char ids[64][80];
    for (;;) {
        cJSON *j = fjson(path, tok_liandu, 200);
        pages++;
        int n = entries(j);
        assert_true(n <= 2);
        for (int i = 0; i < n; i++) {
            const char *id = cJSON_GetObjectItem(entry_resource(j, i), "id")->valuestring;
            for (int k = 0; k < seen; k++)
                assert_string_not_equal(ids[k], id);
            snprintf(ids[seen++], 80, "%s", id);
        }
        const char *next = NULL;
        cJSON *l;
        cJSON_ArrayForEach(l, cJSON_GetObjectItem(j, "link")) {
            if (strcmp(cJSON_GetObjectItem(l, "relation")->valuestring, "next") == 0)
                next = cJSON_GetObjectItem(l, "url")->valuestring;
        }
        if (!next) {
            cJSON_Delete(j);
            break;
        }
        const char *p = strstr(next, "/fhir/R4/");
        assert_non_null(p);
        snprintf(path, sizeof path, "%s", p);
        cJSON_Delete(j);
        assert_true(pages < 20);
    }
    assert_int_equal(seen, want);
    assert_true(pages >= 3);
}

static void organizations_nest_under_their_medical_community(void **state)
{
    (void)state;
    cJSON *j = fjson("/fhir/R4/Organization?identifier=F2", tok_liandu, 200);
    assert_int_equal(entries(j), 1);
    cJSON_Delete(j);
    j = fjson("/fhir/R4/Organization/F4", tok_liandu, 404); /* 青田's hospital */
    cJSON_Delete(j);
    j = fjson("/fhir/R4/CareTeam/T1", tok_liandu, 200);
    assert_string_equal(cJSON_GetObjectItem(j, "name")->valuestring, "碧湖一团队");
    cJSON_Delete(j);
    j = fjson("/fhir/R4/Location/331102101201", tok_liandu, 200);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "partOf"), "reference")->valuestring,
                        "Location/331102101");
    assert_non_null(cJSON_GetObjectItem(j, "position"));
    cJSON_Delete(j);
}

static void bad_parameters_answer_with_an_operation_outcome(void **state)
{
    (void)state;
    const char *bad[] = {
        "/fhir/R4/Observation?date=2025-13-01", "/fhir/R4/Patient?name=x", "/fhir/R4/Observation?_count=5000",
        "/fhir/R4/Observation?patient=x'--",    "/fhir/R4/Patient?date=2025",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cJSON *j = fjson(bad[i], tok_liandu, 400);
        assert_string_equal(cJSON_GetObjectItem(j, "resourceType")->valuestring, "OperationOutcome");
        cJSON_Delete(j);
    }
    cJSON_Delete(fjson("/fhir/R4/Medication", tok_liandu, 404));
    cJSON_Delete(fjson("/fhir/R4/Patient/abc", tok_liandu, 404));
}

static void bulk_export_is_asynchronous_and_scoped(void **state)
{
    (void)state;
    long long audits = db_query_int(db, "SELECT count(*) FROM audit WHERE action='fhir_export'");
    http_resp r = fget("/fhir/R4/$export", tok_liandu, 202);
    char loc[400];
    assert_non_null(header(&r, "Content-Location", loc, sizeof loc));
    http_resp_free(&r);
    const char *p = strstr(loc, "/fhir/R4/$export-status/");
    assert_non_null(p);
    char status_path[300];
    snprintf(status_path, sizeof status_path, "%s", p);
    /* another client cannot see the job */
    cJSON_Delete(fjson(status_path, tok_qingtian, 404));
    /* poll until the job leaves the running state (202 while it runs), up to the suite's 90 s wait limit */
    int status = 202;
    for (int i = 0; i < 9000 && status == 202; i++) {
        char req[600];
        int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                         "Authorization: Bearer %s\r\n\r\n", status_path, tok_liandu);
        http_raw(srv.port, req, (size_t)n, &r);
        status = r.status;
        if (status == 202) {
            char prog[40];
            assert_non_null(header(&r, "X-Progress", prog, sizeof prog));
            http_resp_free(&r);
            usleep(10000);
        }
    }
    if (status != 200)
        fprintf(stderr, "export status: %d %s\n", status, r.body);
    assert_int_equal(status, 200);
    cJSON *m = cJSON_Parse(r.body);
    http_resp_free(&r);
    assert_non_null(m);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(m, "requiresAccessToken")));
    int patients = -1;
    cJSON *o;
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(m, "output")) {
        const char *type = cJSON_GetObjectItem(o, "type")->valuestring;
        int count = cJSON_GetObjectItem(o, "count")->valueint;
        const char *url = strstr(cJSON_GetObjectItem(o, "url")->valuestring, "/fhir/R4/");
        http_resp f = fget(url, tok_liandu, 200);
        char ct[80];
        assert_non_null(header(&f, "Content-Type", ct, sizeof ct));
        assert_string_equal(ct, "application/fhir+ndjson");
        int lines = 0;
        for (char *c = f.body; *c; c++)
            lines += *c == '\n';
        assert_int_equal(lines, count);
        if (strcmp(type, "Patient") == 0) {
            patients = count;
            assert_non_null(strstr(f.body, fx.a));
            assert_null(strstr(f.body, fx.c)); /* 青田's resident is outside the scope */
        }
        http_resp_free(&f);
        /* the files are the caller's only */
        http_resp other = fget(url, tok_qingtian, 404);
        http_resp_free(&other);
    }
    assert_int_equal(patients, 2);
    cJSON_Delete(m);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM audit WHERE action='fhir_export'"), audits + 1);
    /* deleting the job removes it */
    char req[600];
    int n = snprintf(req, sizeof req, "DELETE %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                     "Authorization: Bearer %s\r\n\r\n", status_path, tok_liandu);
    http_raw(srv.port, req, (size_t)n, &r);
    assert_int_equal(r.status, 202);
    http_resp_free(&r);
    cJSON_Delete(fjson(status_path, tok_liandu, 404));
}

static http_resp post_bundle(const char *token, const char *cookie, const char *body)
{
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_printf(&b, "POST /fhir/R4 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                       "Content-Type: application/fhir+json\r\nContent-Length: %zu\r\n", strlen(body));
    if (token)
        hss_buf_printf(&b, "Authorization: Bearer %s\r\n", token);
    if (cookie)
        hss_buf_printf(&b, "Cookie: hss_session=%s\r\n", cookie);
    hss_buf_printf(&b, "\r\n%s", body);
    http_resp r;
    http_raw(srv.port, b.data, b.len, &r);
    hss_buf_free(&b);
    return r;
}

static void a_posted_bundle_is_imported_or_refused_whole(void **state)
{
    (void)state;
    char body[2048];
    snprintf(body, sizeof body,
             "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"resource\":{\"resourceType\":\"Observation\","
             "\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"85354-9\"}]},"
             "\"subject\":{\"identifier\":{\"system\":\"%s\",\"value\":\"%s\"}},\"effectiveDateTime\":\"2025-12-30\","
             "\"component\":[{\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8480-6\"}]},"
             "\"valueQuantity\":{\"value\":132}},{\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":"
             "\"8462-4\"}]},\"valueQuantity\":{\"value\":84}}]}}]}", HSS_FHIR_SID_CITIZEN, fx.a);
    long long before = db_query_int(db, "SELECT count(*) FROM care_followup");
    /* the 青田 client may not write 莲都's resident */
    http_resp r = post_bundle(tok_qingtian, NULL, body);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "forbidden"));
    http_resp_free(&r);
    /* a planner session may not write at all */
    r = post_bundle(NULL, planner.token, body);
    assert_int_equal(r.status, 403);
    http_resp_free(&r);
    /* both refusals are audited */
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM audit WHERE action='fhir_import_refused' AND "
                                      "user_name='client:his-qingtian' AND status=400"), 1);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM audit WHERE user_name='planner' AND status=403 AND "
                                      "action IN ('fhir_denied','fhir_import_refused')"), 1);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM care_followup"), before);
    r = post_bundle(tok_liandu, NULL, body);
    if (r.status != 200)
        fprintf(stderr, "%s\n", r.body);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "batch-response"));
    http_resp_free(&r);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM care_followup"), before + 1);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM audit WHERE action='fhir_import' AND user_name='client:his-liandu'"), 1);
}

static void a_client_token_reads_the_dashboard_api_but_cannot_write_it(void **state)
{
    (void)state;
    http_resp r = fget("/api/v1/me", tok_liandu, 200);
    assert_non_null(strstr(r.body, "\"scope\":\"331102\""));
    http_resp_free(&r);
    /* writes there need a session's CSRF token, which a client never has (not even an empty one) */
    char req[600];
    int n = snprintf(req, sizeof req, "POST /api/v1/logout HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                     "Authorization: Bearer %s\r\nX-CSRF-Token: \r\nContent-Length: 0\r\n\r\n", tok_liandu);
    http_raw(srv.port, req, (size_t)n, &r);
    assert_int_equal(r.status, 403);
    http_resp_free(&r);
}

static void body_over_the_limit_is_an_operation_outcome(void **state)
{
    (void)state;
    size_t big = 200u * 1024 * 1024;
    char req[400];
    int n = snprintf(req, sizeof req, "POST /fhir/R4 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                     "Authorization: Bearer %s\r\nContent-Type: application/fhir+json\r\nContent-Length: %zu\r\n\r\n{",
                     tok_liandu, big);
    http_resp r;
    http_raw(srv.port, req, (size_t)n, &r);
    assert_int_equal(r.status, 413);
    cJSON *j = cJSON_Parse(r.body);
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItem(j, "resourceType")->valuestring, "OperationOutcome");
    cJSON_Delete(j);
    http_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(capability_statement_is_public),
        cmocka_unit_test(callers_without_a_live_token_are_refused_and_audited),
        cmocka_unit_test(patient_by_citizen_id_stays_in_the_clients_county),
        cmocka_unit_test(planner_sees_no_citizen_ids),
        cmocka_unit_test(blood_pressure_is_the_loinc_panel),
        cmocka_unit_test(referrals_are_service_requests_and_tasks),
        cmocka_unit_test(paging_follows_next_links_to_the_end),
        cmocka_unit_test(organizations_nest_under_their_medical_community),
        cmocka_unit_test(bad_parameters_answer_with_an_operation_outcome),
        cmocka_unit_test(bulk_export_is_asynchronous_and_scoped),
        cmocka_unit_test(a_posted_bundle_is_imported_or_refused_whole),
        cmocka_unit_test(a_client_token_reads_the_dashboard_api_but_cannot_write_it),
        cmocka_unit_test(body_over_the_limit_is_an_operation_outcome),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
