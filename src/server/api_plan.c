/*
 * api_plan.c: plan implementation and supervision over HTTP, on top of the plan module
 * (src/plan/plan.h). The acting user is the session user; the plan module checks what each
 * role may do and writes the audit row of every change in the change's transaction.
 *   GET  /api/v1/tasks?unit=&status=&overdue=1&as_of=  tasks in the caller's scope (a unit: its own)
 *   POST /api/v1/tasks/load                      {"pack"}: load a pack's tasks (admin, planner)
 *   GET  /api/v1/tasks/{id}                      one task and its reports with their files
 *   POST /api/v1/tasks/{id}/reports              {"date","status","value","narrative",
 *                                                "attachments":[{"name","data"(base64)}]} (unit)
 *   POST /api/v1/tasks/reports/{id}/review       {"decision":"accept"|"return","note"} (admin, planner)
 *   GET  /api/v1/tasks/attachments/{id}          the file itself (audited)
 *   GET  /api/v1/evaluations                     saved evaluations, newest first
 *   POST /api/v1/evaluations                     {"pack","label"}: save one (admin, planner)
 *   GET  /api/v1/evaluations/{id}?status=        its findings inside the caller's scope
 *   GET  /api/v1/evaluations/compare?a=&b=       what changed, inside the caller's scope
 *   GET  /api/v1/rectifications?status=          整改 items (a unit: its own)
 *   POST /api/v1/rectifications                  {"eval","rule","area","facility","unit",
 *                                                "deadline","note"} (admin, planner)
 *   GET  /api/v1/bulletin?month=YYYY-MM          the month's bulletin as an HTML download
 * Errors carry "error" in the user's language, "error_en" (English, with the detail) and
 * "error_zh" (Chinese) so that the screen
 * shows the user's language.
 */
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include <sodium.h>

#include "plan/plan.h"
#include "server/server_int.h"

/* The largest request body: one report's files together up to 20 MB, base64-encoded. */
#define PLAN_UPLOAD_LIMIT ((size_t)HSS_PLAN_MAX_FILE / 3 * 4 + 64 * 1024)

size_t hss_api_plan_body_limit(const char *url, size_t normal)
{
    const char *p = strstr(url, "/reports");
    return strncmp(url, "/api/v1/tasks/", 14) == 0 && p && strcmp(p, "/reports") == 0 ? PLAN_UPLOAD_LIMIT : normal;
}

static unsigned http_status(hss_code c)
{
    switch (c) {
    case HSS_EINVAL: return 400;
    case HSS_EDENIED: return 403;
    case HSS_ENOTFOUND: return 404;
    case HSS_ECONFLICT: return 409;
    default: return 500;
    }
}

static const char *zh_message(const hss_error *err)
{
    if (strstr(err->msg, "not a PDF, PNG, JPEG or XLSX"))
        return "文件类型不符：只接受PDF、PNG、JPEG或XLSX文件（按文件内容判断）";
    if (strstr(err->msg, "1 byte to 20 MB"))
        return "文件过大：每个文件不超过20MB";
    if (strstr(err->msg, "not after today"))
        return "日期无效：请填写不晚于今天的日期";
    if (strstr(err->msg, "needs a note"))
        return "退回报告须填写意见";
    if (strstr(err->msg, "narrative"))
        return "请填写工作进展情况";
    switch (err->code) {
    case HSS_EINVAL: return "输入有误，请检查后重试";
    case HSS_EDENIED: return "无权进行此操作";
    case HSS_ENOTFOUND: return "未找到";
    case HSS_ECONFLICT: return "当前状态不允许此操作（可能已审核或已达标）";
    default: return "服务器内部错误";
    }
}

static enum MHD_Result fail(hss_req *r, const hss_error *err)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "error", hss_lang_en(r) ? err->msg : zh_message(err));
    cJSON_AddStringToObject(o, "error_en", err->msg);
    cJSON_AddStringToObject(o, "error_zh", zh_message(err));
    char *js = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return hss_respond_json(r, http_status(err->code), js);
}

static enum MHD_Result bad(hss_req *r, const char *en, const char *zh)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "error", hss_lang_en(r) ? en : zh);
    cJSON_AddStringToObject(o, "error_en", en);
    cJSON_AddStringToObject(o, "error_zh", zh);
    char *js = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return hss_respond_json(r, 400, js);
}

/* The table as a JSON array (takes t). */
static enum MHD_Result table_json(hss_req *r, hss_table *t)
{
    char *js = hss_table_render(t, HSS_FORMAT_JSON);
    hss_table_free(t);
    return hss_respond_json(r, 200, js);
}

static int actor(hss_req *r, hss_plan_actor *a, hss_error *err)
{
    return hss_plan_actor_load(r->st, r->user, r->ip, a, err) != HSS_OK;
}

static cJSON *body_object(hss_req *r)
{
    cJSON *b = r->body.len ? cJSON_ParseWithLength(r->body.data, r->body.len) : NULL;
    if (b && !cJSON_IsObject(b)) {
        cJSON_Delete(b);
        b = NULL;
    }
    return b;
}

static const char *str(cJSON *o, const char *k)
{
    cJSON *v = cJSON_GetObjectItem(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int parse_id(const char *s, int64_t *id)
{
    return !s || hss_parse_int64(s, id) != 0 || *id <= 0;
}

/* ---- tasks --------------------------------------------------------------------------------------- */

static enum MHD_Result tasks_list(hss_req *r, const hss_plan_actor *who)
{
    const char *overdue = hss_arg(r, "overdue");
    hss_plan_task_filter f = {hss_arg(r, "unit"), hss_arg(r, "status"), NULL,
                              overdue && strcmp(overdue, "0") != 0, hss_arg(r, "as_of")};
    hss_error err;
    hss_error_clear(&err);
    hss_table *t;
    return hss_plan_tasks_list(r->st, who, &f, &t, &err) ? fail(r, &err) : table_json(r, t);
}

static enum MHD_Result task_detail(hss_req *r, const hss_plan_actor *who, const char *id)
{
    hss_plan_task_filter f = {NULL, NULL, id, 0, NULL};
    hss_error err;
    hss_error_clear(&err);
    hss_table *t, *reports;
    if (hss_plan_tasks_list(r->st, who, &f, &t, &err))
        return fail(r, &err);
    if (hss_table_rows(t) == 0) {
        hss_table_free(t);
        hss_fail(&err, HSS_ENOTFOUND, "no task '%s' in your scope", id);
        return fail(r, &err);
    }
    if (hss_plan_reports_list(r->st, who, id, &reports, &err)) {
        hss_table_free(t);
        return fail(r, &err);
    }
    char *tj = hss_table_render(t, HSS_FORMAT_JSON), *rj = hss_table_render(reports, HSS_FORMAT_JSON);
    hss_table_free(t);
    hss_table_free(reports);
    cJSON *o = cJSON_CreateObject(), *ta = cJSON_Parse(tj), *ra = cJSON_Parse(rj);
    free(tj);
    free(rj);
    cJSON_AddItemToObject(o, "task", cJSON_DetachItemFromArray(ta, 0));
    cJSON *rep;
    cJSON_ArrayForEach(rep, ra)
    {
        /* attachments are kept as JSON text in the table: give them as an array */
        const char *aj = str(rep, "attachments");
        cJSON *arr = aj ? cJSON_Parse(aj) : cJSON_CreateArray();
        cJSON_ReplaceItemInObject(rep, "attachments", arr ? arr : cJSON_CreateArray());
    }
    cJSON_AddItemToObject(o, "reports", ra);
    cJSON_Delete(ta);
    char *js = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return hss_respond_json(r, 200, js);
}

/* Decodes the attachments of a report body into files (data malloc'd). */
static int decode_files(cJSON *arr, hss_plan_file *files, size_t max, size_t *n)
{
    *n = 0;
    cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        const char *name = str(it, "name"), *data = str(it, "data");
        if (!name || !data || *n == max)
            return -1;
        size_t len = strlen(data), out_len = 0;
        unsigned char *bin = hss_xmalloc(len / 4 * 3 + 3);
        if (sodium_base642bin(bin, len / 4 * 3 + 3, data, len, NULL, &out_len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0) {
            free(bin);
            return -1;
        }
        files[*n].name = name;
        files[*n].data = bin;
        files[(*n)++].len = out_len;
    }
    return 0;
}

static enum MHD_Result report_add(hss_req *r, const hss_plan_actor *who, const char *task)
{
    cJSON *b = body_object(r);
    if (!b)
        return bad(r, "body: must be a JSON object", "请求格式有误");
    hss_plan_file files[20];
    size_t nf = 0;
    cJSON *att = cJSON_GetObjectItem(b, "attachments"), *value = cJSON_GetObjectItem(b, "value");
    if ((att && !cJSON_IsArray(att)) || (att && decode_files(att, files, 20, &nf) != 0) ||
        (value && !cJSON_IsNull(value) && !cJSON_IsNumber(value))) {
        for (size_t i = 0; i < nf; i++)
            free((void *)files[i].data);
        cJSON_Delete(b);
        return bad(r, "attachments: at most 20 items {name, data (base64)}; value: a number",
                   "附件须为至多20个文件（名称与Base64内容），数值须为数字");
    }
    hss_plan_report_in in = {task, str(b, "date"), str(b, "status"), cJSON_IsNumber(value),
                             cJSON_IsNumber(value) ? value->valuedouble : 0, str(b, "narrative"), files, nf};
    hss_error err;
    hss_error_clear(&err);
    int64_t id;
    hss_code c = hss_plan_report_add(r->st, who, &in, &id, &err);
    for (size_t i = 0; i < nf; i++)
        free((void *)files[i].data);
    cJSON_Delete(b);
    if (c)
        return fail(r, &err);
    char js[64];
    snprintf(js, sizeof js, "{\"id\":%lld}", (long long)id);
    return hss_respond(r, 201, "application/json; charset=utf-8", js, strlen(js), NULL);
}

static enum MHD_Result report_review(hss_req *r, const hss_plan_actor *who, const char *ids)
{
    int64_t id;
    if (parse_id(ids, &id))
        return bad(r, "report id: must be a positive whole number", "报告编号有误");
    cJSON *b = body_object(r);
    const char *d = b ? str(b, "decision") : NULL;
    if (!d || (strcmp(d, "accept") && strcmp(d, "return"))) {
        cJSON_Delete(b);
        return bad(r, "body: {\"decision\": \"accept\"|\"return\", \"note\": \"...\"}", "请选择通过或退回");
    }
    hss_error err;
    hss_error_clear(&err);
    hss_code c = hss_plan_report_review(r->st, who, id, strcmp(d, "accept") == 0, str(b, "note"), &err);
    cJSON_Delete(b);
    return c ? fail(r, &err) : hss_respond_json(r, 200, hss_xstrdup("{\"ok\":true}"));
}

/* RFC 5987 filename*: UTF-8 percent-encoded, so a Chinese file name survives the header. */
static void disposition(const char *name, char *out, size_t n)
{
    size_t w = (size_t)snprintf(out, n, "attachment; filename*=UTF-8''");
    for (const unsigned char *p = (const unsigned char *)name; *p && w + 4 < n; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("._-", *p))
            out[w++] = (char)*p;
        else
            w += (size_t)snprintf(out + w, n - w, "%%%02X", *p);
    }
    out[w] = 0;
}

static enum MHD_Result attachment(hss_req *r, const hss_plan_actor *who, const char *ids)
{
    int64_t id;
    if (parse_id(ids, &id))
        return bad(r, "attachment id: must be a positive whole number", "附件编号有误");
    hss_error err;
    hss_error_clear(&err);
    hss_plan_blob b;
    if (hss_plan_attachment_get(r->st, who, id, &b, &err))
        return fail(r, &err);
    char disp[1024];
    disposition(b.name, disp, sizeof disp);
    const char *h[] = {"Content-Disposition", disp, NULL};
    enum MHD_Result ret = hss_respond(r, 200, b.mime, (const char *)b.data, b.len, h);
    free(b.data);
    return ret;
}

static enum MHD_Result tasks_load(hss_req *r, const hss_plan_actor *who)
{
    cJSON *b = body_object(r);
    const char *pack = b ? str(b, "pack") : NULL;
    if (!pack || hss_check_word(r, "pack", pack, 40)) {
        cJSON_Delete(b);
        return r->responded ? MHD_YES : bad(r, "body: {\"pack\": NAME}", "请指定政策包");
    }
    hss_error err;
    hss_error_clear(&err);
    size_t n;
    hss_code c = hss_plan_tasks_load(r->st, who, pack, &n, &err);
    cJSON_Delete(b);
    if (c)
        return fail(r, &err);
    char js[64];
    snprintf(js, sizeof js, "{\"loaded\":%zu}", n);
    return hss_respond_json(r, 200, hss_xstrdup(js));
}

static enum MHD_Result tasks_route(hss_req *r, const hss_plan_actor *who, const char *rest, int get, int post)
{
    if (!*rest)
        return get ? tasks_list(r, who) : bad(r, "use GET", "请求方法有误");
    if (strcmp(rest, "/load") == 0)
        return post ? tasks_load(r, who) : bad(r, "use POST", "请求方法有误");
    if (strncmp(rest, "/attachments/", 13) == 0 && get)
        return attachment(r, who, rest + 13);
    if (strncmp(rest, "/reports/", 9) == 0 && post) {
        char id[24];
        const char *slash = strchr(rest + 9, '/');
        size_t n = slash ? (size_t)(slash - rest - 9) : 0;
        if (!slash || n >= sizeof id || strcmp(slash, "/review") != 0)
            return bad(r, "POST /api/v1/tasks/reports/{id}/review", "请求路径有误");
        memcpy(id, rest + 9, n);
        id[n] = 0;
        return report_review(r, who, id);
    }
    char id[192];
    const char *slash = strchr(rest + 1, '/');
    size_t n = slash ? (size_t)(slash - rest - 1) : strlen(rest + 1);
    if (n == 0 || n >= sizeof id)
        return bad(r, "task id: too long", "任务编号有误");
    memcpy(id, rest + 1, n);
    id[n] = 0;
    if (!slash && get)
        return task_detail(r, who, id);
    if (slash && strcmp(slash, "/reports") == 0 && post)
        return report_add(r, who, id);
    return hss_respond_error(r, 404, "no such endpoint: %s %s", r->method, r->url);
}

/* ---- evaluations, rectification, bulletin ------------------------------------------------------ */

static enum MHD_Result evaluations_route(hss_req *r, const hss_plan_actor *who, const char *rest, int get, int post)
{
    hss_error err;
    hss_error_clear(&err);
    hss_table *t;
    int64_t a, b;
    const char *scope = *who->scope ? who->scope : NULL;
    if (!*rest && get)
        return hss_plan_eval_list(r->st, &t, &err) ? fail(r, &err) : table_json(r, t);
    if (!*rest && post) {
        cJSON *body = body_object(r);
        const char *pack = body ? str(body, "pack") : NULL;
        if (!pack || hss_check_word(r, "pack", pack, 40)) {
            cJSON_Delete(body);
            return r->responded ? MHD_YES : bad(r, "body: {\"pack\": NAME, \"label\": TEXT}", "请指定政策包");
        }
        int64_t id;
        hss_code c = hss_plan_eval_save(r->st, who, pack, 0, str(body, "label"), &id, &err);
        cJSON_Delete(body);
        if (c)
            return fail(r, &err);
        char js[64];
        snprintf(js, sizeof js, "{\"id\":%lld}", (long long)id);
        return hss_respond(r, 201, "application/json; charset=utf-8", js, strlen(js), NULL);
    }
    if (strcmp(rest, "/compare") == 0 && get) {
        if (parse_id(hss_arg(r, "a"), &a) || parse_id(hss_arg(r, "b"), &b))
            return bad(r, "a, b: the ids of two saved evaluations", "请选择两次评估");
        return hss_plan_eval_compare(r->st, a, b, scope, &t, &err) ? fail(r, &err) : table_json(r, t);
    }
    if (rest[0] == '/' && get && !parse_id(rest + 1, &a)) {
        const char *status = hss_arg(r, "status");
        if (hss_check_word(r, "status", status, 10))
            return MHD_YES;
        return hss_plan_eval_findings(r->st, a, scope, status, &t, &err) ? fail(r, &err) : table_json(r, t);
    }
    return hss_respond_error(r, 404, "no such endpoint: %s %s", r->method, r->url);
}

static enum MHD_Result rect_add(hss_req *r, const hss_plan_actor *who)
{
    cJSON *b = body_object(r);
    cJSON *ev = b ? cJSON_GetObjectItem(b, "eval") : NULL;
    if (!cJSON_IsNumber(ev)) {
        cJSON_Delete(b);
        return bad(r, "body: {\"eval\", \"rule\", \"area\", \"facility\", \"unit\", \"deadline\", \"note\"}", "请求格式有误");
    }
    hss_plan_rect_in in = {(int64_t)ev->valuedouble, str(b, "rule"), str(b, "area"), str(b, "facility"),
                           str(b, "unit"), str(b, "deadline"), str(b, "note")};
    hss_error err;
    hss_error_clear(&err);
    int64_t id;
    hss_code c = hss_plan_rect_add(r->st, who, &in, &id, &err);
    cJSON_Delete(b);
    if (c)
        return fail(r, &err);
    char js[64];
    snprintf(js, sizeof js, "{\"id\":%lld}", (long long)id);
    return hss_respond(r, 201, "application/json; charset=utf-8", js, strlen(js), NULL);
}

static enum MHD_Result bulletin(hss_req *r, const hss_plan_actor *who)
{
    hss_error err;
    hss_error_clear(&err);
    char *html;
    const char *month = hss_arg(r, "month");
    if (hss_plan_bulletin(r->st, who, month, &html, &err))
        return fail(r, &err);
    char disp[96];
    snprintf(disp, sizeof disp, "attachment; filename=\"bulletin-%.7s.html\"", month);
    const char *h[] = {"Content-Disposition", disp, NULL};
    enum MHD_Result ret = hss_respond(r, 200, "text/html; charset=utf-8", html, strlen(html), h);
    free(html);
    return ret;
}

enum MHD_Result hss_api_plan(hss_req *r, const char *p)
{
    int get = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD"), post = !strcmp(r->method, "POST");
    hss_plan_actor who;
    hss_error err;
    hss_error_clear(&err);
    if (actor(r, &who, &err))
        return fail(r, &err);
    if (strncmp(p, "/tasks", 6) == 0 && (!p[6] || p[6] == '/'))
        return tasks_route(r, &who, p + 6, get, post);
    if (strncmp(p, "/evaluations", 12) == 0 && (!p[12] || p[12] == '/'))
        return evaluations_route(r, &who, p + 12, get, post);
    if (strcmp(p, "/rectifications") == 0 && get) {
        hss_table *t;
        const char *status = hss_arg(r, "status");
        return hss_plan_rect_list(r->st, &who, status, hss_arg(r, "as_of"), &t, &err) ? fail(r, &err) : table_json(r, t);
    }
    if (strcmp(p, "/rectifications") == 0 && post)
        return rect_add(r, &who);
    if (strcmp(p, "/bulletin") == 0 && get)
        return bulletin(r, &who);
    return hss_respond_error(r, 404, "no such endpoint: %s %s", r->method, r->url);
}
