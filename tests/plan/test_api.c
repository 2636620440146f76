/* test_api.c: the plan endpoints on a real `hss serve`: a unit's own task list, a progress report
 * with a base64 PDF (201, stored with one plan audit row), a wrong file type refused with a
 * Chinese message and nothing stored, review by a planner, the attachment download (bytes, type,
 * UTF-8 file name, audited), saving and comparing evaluations, a 整改 item, roles refused. */
#include "plan_fixture.h"
#include "server/server_harness.h"

#include <sodium.h>

static const char TASKS[] =
    "tasks:\n"
    "  - id: t.901.city\n    document: 901_test.txt\n    quote: \"全市统筹建设\"\n"
    "    title: {zh: 全市统筹, en: city-wide}\n    target: {zh: 建成, en: built}\n"
    "    year: 2030\n    lead: 市卫生健康委\n    units: [市财政局]\n    area: city\n";

static const char PDF[] = "%PDF-1.4\n% evidence\n%%EOF\n";

static char *b64(const char *data, size_t n)
{
    size_t cap = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
    char *s = hss_xmalloc(cap);
    sodium_bin2base64(s, cap, (const unsigned char *)data, n, sodium_base64_VARIANT_ORIGINAL);
    return s;
}

static cJSON *post(int port, const char *path, const session *s, const char *body, int want)
{
    http_resp r;
    http_req(port, "POST", path, s->token, s->csrf, body, &r);
    if (r.status != want)
        fail_msg("POST %s: %d %s", path, r.status, r.body);
    cJSON *j = cJSON_Parse(r.body);
    assert_non_null(j);
    http_resp_free(&r);
    return j;
}

static test_server srv;

/* A failed assertion must not leave the server running (it would hold the runner's pipe). */
static int teardown(void **state)
{
    (void)state;
    if (srv.pid > 0)
        kill(srv.pid, SIGTERM);
    return 0;
}

static void plan_api(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir(), *db = fixture_db(dir);
    char *text = hss_xmalloc(sizeof PLAN_PACK + sizeof TASKS);
    snprintf(text, sizeof PLAN_PACK + sizeof TASKS, "%s%s", PLAN_PACK, TASKS);
    char *pack = hss_test_write(dir, "plantest.yaml", text);
    free(text);
    setenv("HSS_POLICY_DIR", dir, 1); /* the server finds pack "plantest" there */
    char *out;
    assert_int_equal(plan_run(&out, "tasks load --db %s --policy plantest", db), 0);
    free(out);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "echo password123 | %s user add caizheng --role unit --unit 市财政局 --scope 331100 "
                              "--password-stdin --db %s 2>&1", hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, NULL), 0);
    assert_int_equal(add_user(db, "guihua", "planner", "331100", "password123", NULL), 0);
    srv = start_server(db, NULL);
    session unit, planner;
    assert_int_equal(login(srv.port, "caizheng", "password123", &unit), 200);
    assert_int_equal(login(srv.port, "guihua", "password123", &planner), 200);

    cJSON *tasks = http_get_json(srv.port, "/api/v1/tasks", &unit, 200);
    assert_int_equal(cJSON_GetArraySize(tasks), 1);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(tasks, 0), "units")->valuestring, "市卫生健康委、市财政局");
    cJSON_Delete(tasks);

    /* a report with a PDF */
    char today[11], body[4096];
    hss_plan_today(today);
    char *pdf64 = b64(PDF, sizeof PDF - 1);
    snprintf(body, sizeof body, "{\"date\":\"%s\",\"status\":\"in_progress\",\"value\":null,\"narrative\":\"资金已落实\","
                                "\"attachments\":[{\"name\":\"拨付凭证.pdf\",\"data\":\"%s\"}]}", today, pdf64);
    cJSON *j = post(srv.port, "/api/v1/tasks/t.901.city/reports", &unit, body, 201);
    assert_int_equal(cJSON_GetObjectItem(j, "id")->valueint, 1);
    cJSON_Delete(j);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_attachment WHERE report_id=1 AND mime='application/pdf'"), 1);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM audit WHERE action='report_add' AND user_name='caizheng' AND ip='127.0.0.1'"), 1);

    /* a text file as evidence: refused, in Chinese too, nothing stored */
    char *txt64 = b64("hello", 5);
    snprintf(body, sizeof body, "{\"date\":\"%s\",\"status\":\"done\",\"narrative\":\"x\","
                                "\"attachments\":[{\"name\":\"a.pdf\",\"data\":\"%s\"},{\"name\":\"b.pdf\",\"data\":\"%s\"}]}",
             today, pdf64, txt64);
    j = post(srv.port, "/api/v1/tasks/t.901.city/reports", &unit, body, 400);
    assert_non_null(strstr(cJSON_GetObjectItem(j, "error_zh")->valuestring, "文件类型不符"));
    cJSON_Delete(j);
    free(txt64);
    free(pdf64);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_report"), 1);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_attachment"), 1);
    /* a planner cannot report; a unit cannot review */
    j = post(srv.port, "/api/v1/tasks/t.901.city/reports", &planner, body, 403);
    cJSON_Delete(j);
    j = post(srv.port, "/api/v1/tasks/reports/1/review", &unit, "{\"decision\":\"accept\"}", 403);
    cJSON_Delete(j);
    j = post(srv.port, "/api/v1/tasks/reports/1/review", &planner, "{\"decision\":\"accept\"}", 200);
    cJSON_Delete(j);
    j = http_get_json(srv.port, "/api/v1/tasks/t.901.city", &unit, 200);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "task"), "status")->valuestring, "in_progress");
    cJSON *rep = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "reports"), 0);
    assert_string_equal(cJSON_GetObjectItem(rep, "review")->valuestring, "accepted");
    cJSON *att = cJSON_GetArrayItem(cJSON_GetObjectItem(rep, "attachments"), 0);
    assert_string_equal(cJSON_GetObjectItem(att, "name")->valuestring, "拨付凭证.pdf");
    cJSON_Delete(j);

    /* the download */
    http_resp r;
    http_get(srv.port, "/api/v1/tasks/attachments/1", planner.token, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, sizeof PDF - 1);
    assert_memory_equal(r.body, PDF, r.body_len);
    char h[300];
    assert_string_equal(header(&r, "Content-Type", h, sizeof h), "application/pdf");
    assert_non_null(strstr(header(&r, "Content-Disposition", h, sizeof h), "filename*=UTF-8''%E6%8B%A8"));
    http_resp_free(&r);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM audit WHERE action='attachment_read' AND user_name='guihua'"), 1);

    /* evaluations: save, change, save, compare; a unit may not save */
    j = post(srv.port, "/api/v1/evaluations", &unit, "{\"pack\":\"plantest\"}", 403);
    cJSON_Delete(j);
    j = post(srv.port, "/api/v1/evaluations", &planner, "{\"pack\":\"plantest\",\"label\":\"年度评估\"}", 201);
    int e1 = cJSON_GetObjectItem(j, "id")->valueint;
    cJSON_Delete(j);
    plan_sql(db, "UPDATE vehicle SET count=0 WHERE facility_code='F8';");
    j = post(srv.port, "/api/v1/evaluations", &planner, "{\"pack\":\"plantest\"}", 201);
    int e2 = cJSON_GetObjectItem(j, "id")->valueint;
    cJSON_Delete(j);
    j = http_get_json(srv.port, "/api/v1/evaluations", &planner, 200);
    assert_int_equal(cJSON_GetArraySize(j), 2);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(j, 1), "label")->valuestring, "年度评估");
    cJSON_Delete(j);
    char path[200];
    snprintf(path, sizeof path, "/api/v1/evaluations/compare?a=%d&b=%d", e1, e2);
    j = http_get_json(srv.port, path, &planner, 200);
    assert_int_equal(cJSON_GetArraySize(j), 1);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(j, 0), "change")->valuestring, "newly_failing");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(j, 0), "area_name")->valuestring, "戊县");
    cJSON_Delete(j);
    snprintf(path, sizeof path, "/api/v1/evaluations/%d?status=fail", e2);
    j = http_get_json(srv.port, path, &planner, 200);
    assert_int_equal(cJSON_GetArraySize(j), 2);
    cJSON_Delete(j);

    /* a 整改 item from the new failure, seen by the planner */
    snprintf(body, sizeof body, "{\"eval\":%d,\"rule\":\"amb\",\"area\":\"331124\",\"facility\":\"\",\"unit\":\"戊县卫健局\","
                                "\"deadline\":\"2099-03-31\",\"note\":\"补齐\"}", e2);
    j = post(srv.port, "/api/v1/rectifications", &unit, body, 403);
    cJSON_Delete(j);
    j = post(srv.port, "/api/v1/rectifications", &planner, body, 201);
    cJSON_Delete(j);
    j = http_get_json(srv.port, "/api/v1/rectifications?status=open", &planner, 200);
    assert_int_equal(cJSON_GetArraySize(j), 1);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(j, 0), "unit")->valuestring, "戊县卫健局");
    cJSON_Delete(j);
    j = http_get_json(srv.port, "/api/v1/tasks/nosuch", &planner, 404);
    assert_non_null(cJSON_GetObjectItem(j, "error_zh"));
    cJSON_Delete(j);

    stop_server(&srv);
    srv.pid = 0;
    unsetenv("HSS_POLICY_DIR");
    free(pack);
    free(db);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(plan_api)};
    return cmocka_run_group_tests(tests, NULL, teardown);
}
