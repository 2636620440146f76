/*
 * api_care_write.c: the care writes of the dashboard under /api/v1/care (POST followups,
 * contracts, contracts/{id}/renew|end, referrals, enrolments, residents), the destination list for
 * a referral, and who may do what with a named resident (care_roles.c holds the rules by role).
 *
 * Each write is a JSON object with a client-generated `request_id`. The write, the request id
 * with the answer given, the audit row and the resident's access-log row commit in ONE
 * transaction; the same request_id sent again by the same user gets the stored answer and
 * stores nothing. Bad input is a 400 {"error","field"} in the user's language (X-HSS-Lang or
 * Accept-Language; Chinese by default); refusals are 403s in that language, audited.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "care/care.h"
#include "model/model.h"
#include "server/server_int.h"

/* ---- request plumbing ---------------------------------------------------------------------- */

typedef struct wreq {
    hss_req *r;
    cJSON *body;
    const char *rid;       /* request_id */
    hss_care_actor actor;  /* who writes and within which scope */
    const char *kind;      /* followup, contract, renew, end, referral, enrolment, resident */
    int64_t resident;      /* the resident written about (0 for none yet) */
    char county[8];        /* their county, when the write knows it already */
    hss_care_problem prob; /* a bad field */
    hss_error err;
    cJSON *answer;         /* the 200 answer */
    int64_t path_id;       /* the contract of /contracts/{id}/... */
    /* a refusal found inside the transaction, answered (and audited) after its rollback */
    int denied;
    int64_t denied_resident;
    const char *deny_zh, *deny_en;
} wreq;

static int deny(wreq *w, int64_t resident, const char *zh, const char *en)
{
    w->denied = 1;
    w->denied_resident = resident;
    w->deny_zh = zh;
    w->deny_en = en;
    return -1;
}

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *x = cJSON_GetObjectItem(o, k);
    return cJSON_IsString(x) ? x->valuestring : NULL;
}

/* A string field: absent/null = NULL; anything else but a string is a problem. */
static int str_field(wreq *w, const char *k, const char *zh, const char **out)
{
    const cJSON *x = cJSON_GetObjectItem(w->body, k);
    *out = NULL;
    if (!x || cJSON_IsNull(x))
        return 0;
    if (!cJSON_IsString(x)) {
        char z[200], e[200];
        snprintf(z, sizeof z, "%s：应为文字", zh);
        snprintf(e, sizeof e, "%s: must be text", k);
        hss_care_problem_set(&w->prob, k, z, e);
        return -1;
    }
    *out = x->valuestring;
    return 0;
}

/* A number field: absent, null or "" = -1; a number or a numeric string = its value. */
static int num_field(wreq *w, const char *k, const char *zh, double *out)
{
    const cJSON *x = cJSON_GetObjectItem(w->body, k);
    *out = -1;
    if (!x || cJSON_IsNull(x) || (cJSON_IsString(x) && !*x->valuestring))
        return 0;
    if (cJSON_IsNumber(x) && x->valuedouble >= 0) {
        *out = x->valuedouble;
        return 0;
    }
    if (cJSON_IsString(x) && hss_parse_double(x->valuestring, out) == 0 && *out >= 0)
        return 0;
    char z[200], e[200];
    snprintf(z, sizeof z, "%s：应为数字", zh);
    snprintf(e, sizeof e, "%s: must be a number", k);
    hss_care_problem_set(&w->prob, k, z, e);
    return -1;
}

/* The resident field as a key: an internal id (number or digits) or an ID number. */
static int resident_field(wreq *w, char key[24])
{
    const cJSON *x = cJSON_GetObjectItem(w->body, "resident");
    if (cJSON_IsNumber(x) && x->valuedouble >= 1 && x->valuedouble < 9e15)
        snprintf(key, 24, "%lld", (long long)x->valuedouble);
    else if (cJSON_IsString(x) && *x->valuestring && strlen(x->valuestring) <= 18)
        snprintf(key, 24, "%s", x->valuestring);
    else {
        hss_care_problem_set(&w->prob, "resident", "居民：请选择居民", "resident: choose a resident");
        return -1;
    }
    return 0;
}

/* Answers with a JSON object and frees it. */
static enum MHD_Result send_obj(hss_req *r, unsigned status, cJSON *o)
{
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return hss_respond_json(r, status, s);
}

static enum MHD_Result respond_problem(hss_req *r, const hss_care_problem *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "error", hss_lang_en(r) ? p->en : p->zh);
    cJSON_AddStringToObject(o, "field", p->field);
    return send_obj(r, 400, o);
}

/* A refusal in the user's language, with an audit row (and the resident's access-log row). */
static enum MHD_Result refuse(hss_req *r, unsigned status, int64_t resident, const char *zh, const char *en)
{
    hss_error e;
    hss_error_clear(&e);
    if (hss_store_begin(r->st, &e) == HSS_OK) {
        char target[300];
        snprintf(target, sizeof target, "%s %s", r->method, r->url);
        if (hss_auth_audit_log(r->st, r->user, r->ip, "care_denied", target, (int)status, en, &e) ||
            (resident && hss_care_audit(r->st, r->user, "denied", resident, &e)) || hss_store_commit(r->st, &e))
            hss_store_rollback(r->st);
    }
    r->audit_done = 1; /* this refusal's one row */
    return hss_respond_error(r, status, "%s", hss_lang_en(r) ? en : zh);
}

/* A domain error as the answer: "english|中文" messages are split by language. */
static enum MHD_Result respond_code(hss_req *r, hss_code c, const hss_error *err, const char *zh409)
{
    unsigned st = c == HSS_EINVAL ? 400 : c == HSS_EDENIED ? 403 : c == HSS_ENOTFOUND ? 404 : c == HSS_ECONFLICT ? 409 : 500;
    const char *bar = strchr(err->msg, '|');
    char msg[1100];
    if (bar)
        snprintf(msg, sizeof msg, "%s", hss_lang_en(r) ? "" : bar + 1);
    if (bar && hss_lang_en(r))
        snprintf(msg, sizeof msg, "%.*s", (int)(bar - err->msg), err->msg);
    else if (!bar)
        snprintf(msg, sizeof msg, "%s", hss_lang_en(r) || st != 409 || !zh409 ? err->msg : zh409);
    return hss_respond_error(r, st, "%s", st == 500 ? "internal error" : msg);
}

/* The scope check of a named resident: unknown and out-of-scope get the same answer. */
static int resident_in_scope(wreq *w, const char *key)
{
    hss_error e;
    hss_code c = hss_care_resident_find(w->r->st, &w->actor.v, key, &w->resident, &e);
    if (c == HSS_OK)
        return 0;
    int64_t any = 0;
    if (c == HSS_EDENIED)
        hss_care_resident_find(w->r->st, NULL, key, &any, &e);
    return deny(w, any, "居民：不存在或不在您的服务范围内", "resident: unknown or outside your scope");
}

/* ---- the writes ----------------------------------------------------------------------------- */

static int32_t today_local(void)
{
    return hss_care_today() + 1; /* UTC; Asia/Shanghai may already be a day ahead */
}

/* The verdict and the next action: codes, and their words in the user's language. */
static void add_next(hss_req *r, cJSON *o, const hss_care_reading reading, const hss_care_next *n)
{
    int en = hss_lang_en(r);
    cJSON *v = cJSON_AddObjectToObject(o, "verdict");
    cJSON_AddStringToObject(v, "reading", hss_care_reading_id(reading));
    cJSON_AddStringToObject(v, "label", hss_care_reading_label(reading, en));
    cJSON *x = cJSON_AddObjectToObject(o, "next");
    char d[11];
    hss_care_format_day(n->due, d);
    cJSON_AddStringToObject(x, "action", hss_care_action_id(n->action));
    cJSON_AddStringToObject(x, "action_label", hss_care_action_label(n->action, en));
    cJSON_AddStringToObject(x, "status", hss_care_due_id(n->status));
    cJSON_AddStringToObject(x, "due_date", d);
    cJSON_AddStringToObject(x, "reason", en ? n->reason_en : n->reason);
}

/* Symptoms as an array of ids or a ';'-separated string, into buf. */
static int symptoms_field(wreq *w, char *buf, size_t n)
{
    const cJSON *x = cJSON_GetObjectItem(w->body, "symptoms");
    buf[0] = 0;
    if (!x || cJSON_IsNull(x))
        return 0;
    if (cJSON_IsString(x)) {
        snprintf(buf, n, "%s", x->valuestring);
        return 0;
    }
    const cJSON *s;
    size_t len = 0;
    if (cJSON_IsArray(x)) {
        cJSON_ArrayForEach(s, x) {
            if (!cJSON_IsString(s) || len + strlen(s->valuestring) + 2 >= n)
                break;
            len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? ";" : "", s->valuestring);
        }
        if (!s)
            return 0;
    }
    hss_care_problem_set(&w->prob, "symptoms", "症状：格式不正确", "symptoms: a list of symptom ids");
    return -1;
}

static hss_code do_followup(wreq *w)
{
    char key[24], sym[800];
    double sbp, dbp, glu;
    const char *disease, *date, *adherence, *medication, *note;
    if (resident_field(w, key) || str_field(w, "disease", "病种", &disease) || str_field(w, "date", "随访日期", &date) ||
        num_field(w, "sbp", "收缩压", &sbp) || num_field(w, "dbp", "舒张压", &dbp) ||
        num_field(w, "glucose", "空腹血糖", &glu) || symptoms_field(w, sym, sizeof sym) ||
        str_field(w, "adherence", "服药依从性", &adherence) || str_field(w, "medication", "用药", &medication) ||
        str_field(w, "note", "备注", &note))
        return HSS_EINVAL;
    hss_care_followup_req f = {key, disease, date, sbp >= 0 ? (int)(sbp + 0.5) : -1, dbp >= 0 ? (int)(dbp + 0.5) : -1,
                               glu, sym[0] ? sym : NULL, adherence && *adherence ? adherence : NULL,
                               cJSON_IsTrue(cJSON_GetObjectItem(w->body, "referred")), w->r->user};
    /* the scope check, the checks and the write read the resident and the enrolment once */
    hss_care_followup_saved sv;
    hss_code c = hss_care_followup_record(w->r->st, &w->actor.v, &f, medication, note, today_local(), &w->prob, &sv,
                                          &w->err);
    if (c == HSS_EDENIED) {
        deny(w, sv.resident_id, "居民：不存在或不在您的服务范围内", "resident: unknown or outside your scope");
        return c;
    }
    if (c)
        return c;
    w->resident = sv.resident_id;
    snprintf(w->county, sizeof w->county, "%s", sv.county);
    hss_care_rules rules;
    hss_care_rules_default(&rules);
    hss_care_reading reading;
    hss_care_next next;
    int32_t day;
    hss_care_parse_day(date, 0, &day);
    hss_care_followup_verdict(&rules, &sv.patient, day, &reading, &next);
    w->answer = cJSON_CreateObject();
    cJSON_AddNumberToObject(w->answer, "followup_id", (double)sv.id);
    cJSON_AddNumberToObject(w->answer, "resident_id", (double)w->resident);
    cJSON_AddStringToObject(w->answer, "disease", hss_care_disease_id(sv.patient.disease));
    cJSON_AddStringToObject(w->answer, "date", date);
    add_next(w->r, w->answer, reading, &next);
    return HSS_OK;
}

static hss_code do_contract(wreq *w)
{
    char key[24];
    const char *team, *package, *start;
    if (resident_field(w, key) || str_field(w, "team", "团队", &team) || str_field(w, "package", "服务包", &package) ||
        str_field(w, "start", "开始日期", &start))
        return HSS_EINVAL;
    if (resident_in_scope(w, key))
        return HSS_EDENIED;
    if (w->actor.team[0] && (!team || !*team))
        team = w->actor.team; /* a doctor signs for their own team */
    if (w->actor.team[0] && strcmp(team, w->actor.team) != 0) {
        deny(w, w->resident, "团队：只能以本团队签约", "team: you sign for your own team only");
        return HSS_EDENIED;
    }
    char rk[24];
    snprintf(rk, sizeof rk, "%lld", (long long)w->resident);
    int64_t id = 0;
    hss_code c = hss_care_contract_sign(w->r->st, rk, team, package, start, &w->prob, &id, &w->err);
    if (c)
        return c;
    w->answer = cJSON_CreateObject();
    cJSON_AddNumberToObject(w->answer, "contract_id", (double)id);
    cJSON_AddNumberToObject(w->answer, "resident_id", (double)w->resident);
    cJSON_AddStringToObject(w->answer, "team", team);
    cJSON_AddStringToObject(w->answer, "package", package);
    cJSON_AddStringToObject(w->answer, "start_date", start);
    return HSS_OK;
}

/* The contract of /contracts/{id}/...: exists and its resident is in scope. */
static int contract_in_scope(wreq *w, int64_t id)
{
    char team[64], key[24];
    int64_t rid;
    if (hss_care_contract_owner(w->r->st, id, &rid, team, &w->err)) {
        return deny(w, 0, "签约：不存在或不在您的服务范围内", "contract: unknown or outside your scope");
    }
    snprintf(key, sizeof key, "%lld", (long long)rid);
    return resident_in_scope(w, key);
}

static hss_code do_renew(wreq *w)
{
    const char *package;
    if (str_field(w, "package", "服务包", &package))
        return HSS_EINVAL;
    if (contract_in_scope(w, w->path_id))
        return HSS_EDENIED;
    int64_t id = 0;
    hss_code c = hss_care_contract_renew(w->r->st, w->path_id, package, &w->prob, &id, &w->err);
    if (c)
        return c;
    w->answer = cJSON_CreateObject();
    cJSON_AddNumberToObject(w->answer, "contract_id", (double)id);
    cJSON_AddNumberToObject(w->answer, "renewal_of", (double)w->path_id);
    cJSON_AddNumberToObject(w->answer, "resident_id", (double)w->resident);
    return HSS_OK;
}

static hss_code do_end(wreq *w)
{
    const char *date, *reason;
    if (str_field(w, "date", "解约日期", &date) || str_field(w, "reason", "解约原因", &reason))
        return HSS_EINVAL;
    if (contract_in_scope(w, w->path_id))
        return HSS_EDENIED;
    hss_code c = hss_care_contract_end(w->r->st, w->path_id, date, reason, &w->prob, &w->err);
    if (c)
        return c;
    w->answer = cJSON_CreateObject();
    cJSON_AddNumberToObject(w->answer, "contract_id", (double)w->path_id);
    cJSON_AddStringToObject(w->answer, "ended_on", date);
    cJSON_AddNumberToObject(w->answer, "resident_id", (double)w->resident);
    return HSS_OK;
}

static hss_code do_referral(wreq *w)
{
    char key[24];
    const char *from, *to, *reason, *urgency;
    if (resident_field(w, key) || str_field(w, "from", "转出机构", &from) || str_field(w, "to", "转入机构", &to) ||
        str_field(w, "reason", "转诊原因", &reason) || str_field(w, "urgency", "紧急程度", &urgency))
        return HSS_EINVAL;
    if (resident_in_scope(w, key))
        return HSS_EDENIED;
    if (w->actor.facility[0] && (!from || !*from))
        from = w->actor.facility; /* a doctor refers from their team's facility */
    if (w->actor.team[0] && strcmp(from, w->actor.facility) != 0) {
        deny(w, w->resident, "转出机构：只能从本团队所在机构转出", "from: you refer from your team's facility only");
        return HSS_EDENIED;
    }
    char rk[24], at[24];
    snprintf(rk, sizeof rk, "%lld", (long long)w->resident);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%S", &tm);
    hss_care_referral_req q = {rk, from, to, NULL, 0, at, reason, w->r->user};
    int64_t id = 0;
    hss_code c = hss_care_referral_create(w->r->st, &q, urgency, &w->prob, &id, &w->err);
    if (c)
        return c;
    w->answer = cJSON_CreateObject();
    cJSON_AddNumberToObject(w->answer, "referral_id", (double)id);
    cJSON_AddNumberToObject(w->answer, "resident_id", (double)w->resident);
    cJSON_AddStringToObject(w->answer, "state", "requested");
    cJSON_AddStringToObject(w->answer, "state_zh", hss_ref_state_zh(HSS_REF_REQUESTED));
    return HSS_OK;
}

static hss_code do_enrolment(wreq *w)
{
    char key[24];
    const char *disease, *date;
    if (resident_field(w, key) || str_field(w, "disease", "病种", &disease) || str_field(w, "date", "纳入日期", &date))
        return HSS_EINVAL;
    if (resident_in_scope(w, key))
        return HSS_EDENIED;
    char rk[24];
    snprintf(rk, sizeof rk, "%lld", (long long)w->resident);
    int64_t id = 0;
    hss_code c = hss_care_enrol_record(w->r->st, rk, disease, date, today_local(), &w->prob, &id, &w->err);
    if (c)
        return c;
    w->answer = cJSON_CreateObject();
    cJSON_AddNumberToObject(w->answer, "enrolment_id", (double)id);
    cJSON_AddNumberToObject(w->answer, "resident_id", (double)w->resident);
    cJSON_AddStringToObject(w->answer, "disease", disease);
    return HSS_OK;
}

static hss_code do_resident(wreq *w)
{
    hss_care_resident_form f;
    if (str_field(w, "id_number", "身份证号", &f.id_number) || str_field(w, "name", "姓名", &f.name) ||
        str_field(w, "sex", "性别", &f.sex) || str_field(w, "birth_date", "出生日期", &f.birth_date) ||
        str_field(w, "village", "村(社区)", &f.village) || str_field(w, "household", "户号", &f.household))
        return HSS_EINVAL;
    int64_t id = 0;
    hss_code c = hss_care_resident_register(w->r->st, &w->actor.v, &f, &w->prob, &id, &w->err);
    if (c)
        return c;
    w->resident = id;
    char m[19];
    hss_care_id_mask(f.id_number, m);
    w->answer = cJSON_CreateObject();
    cJSON_AddNumberToObject(w->answer, "resident_id", (double)id);
    cJSON_AddStringToObject(w->answer, "id_number", m);
    cJSON_AddStringToObject(w->answer, "name", f.name);
    return HSS_OK;
}

/* ---- one write, start to finish -------------------------------------------------------------- */

/* Stores the request id, the audit row and the resident's access-log row of a successful write. */
static hss_code record_success(wreq *w, const char *json)
{
    char county[8], target[300], detail[200];
    snprintf(county, sizeof county, "%s", w->county);
    if (w->resident && !county[0])
        hss_care_resident_county(w->r->st, w->resident, county);
    snprintf(target, sizeof target, "%s %s", w->r->method, w->r->url);
    snprintf(detail, sizeof detail, "%s resident %lld request %s", w->kind, (long long)w->resident, w->rid);
    hss_code c = hss_care_request_save(w->r->st, w->rid, w->r->user, w->kind, county, 200, json, &w->err);
    if (!c)
        c = hss_auth_audit_log(w->r->st, w->r->user, w->r->ip, "care_write", target, 200, detail, &w->err);
    if (!c && w->resident) {
        char action[32];
        snprintf(action, sizeof action, "%s_add", w->kind);
        c = hss_care_audit_county(w->r->st, w->r->user, action, w->resident, county, &w->err);
    }
    return c;
}

static enum MHD_Result finish_failure(wreq *w, hss_code c, const char *zh409)
{
    if (w->denied)
        return refuse(w->r, 403, w->denied_resident, w->deny_zh, w->deny_en);
    if (c == HSS_EINVAL && w->prob.field[0])
        return respond_problem(w->r, &w->prob);
    if (c == HSS_ENOTFOUND) /* e.g. a contract or referral id: as unknown as out of scope */
        return refuse(w->r, 403, 0, "记录不存在或不在您的服务范围内", "unknown or outside your scope");
    return respond_code(w->r, c, &w->err, zh409);
}

static enum MHD_Result run_write(hss_req *r, const char *kind, hss_code (*fn)(wreq *), const char *zh409, int64_t id)
{
    wreq w;
    memset(&w, 0, sizeof w);
    w.r = r;
    w.path_id = id;
    w.kind = kind;
    hss_error_clear(&w.err);
    if (hss_care_actor_of(r, &w.actor) || hss_care_may_record(r, &w.actor, kind))
        return MHD_YES;
    w.body = r->body.len ? cJSON_ParseWithLength(r->body.data, r->body.len) : NULL;
    if (!cJSON_IsObject(w.body)) {
        cJSON_Delete(w.body);
        hss_care_problem_set(&w.prob, "body", "请求格式不正确（应为JSON对象）", "body: expected a JSON object");
        return respond_problem(r, &w.prob);
    }
    int preview = cJSON_IsTrue(cJSON_GetObjectItem(w.body, "preview")) && strcmp(kind, "followup") == 0;
    w.rid = jstr(w.body, "request_id");
    if (!preview && !hss_care_request_id_valid(w.rid)) {
        cJSON_Delete(w.body);
        hss_care_problem_set(&w.prob, "request_id", "请求编号缺失或格式不正确，请刷新页面后重试",
                             "request_id: 8-64 characters of A-Z, a-z, 0-9, '-', '_'");
        return respond_problem(r, &w.prob);
    }
    if (hss_store_begin(r->st, &w.err)) {
        cJSON_Delete(w.body);
        return hss_respond_error(r, 503, "%s", hss_lang_en(r) ? "database busy, try again" : "数据库忙，请稍后重试");
    }
    int status = 0;
    char *answer = NULL;
    hss_code c = preview ? HSS_ENOTFOUND : hss_care_request_find(r->st, w.rid, r->user, &status, &answer, &w.err);
    if (c == HSS_OK) { /* a repeat: the first answer, nothing stored */
        hss_store_rollback(r->st);
        cJSON_Delete(w.body);
        return hss_respond_json(r, (unsigned)status, answer);
    }
    if (c == HSS_ECONFLICT) {
        hss_store_rollback(r->st);
        cJSON_Delete(w.body);
        hss_care_problem_set(&w.prob, "request_id", "请求编号已被他人使用", "request_id: already used by another user");
        return respond_problem(r, &w.prob);
    }
    c = fn(&w);
    char *json = NULL;
    if (c == HSS_OK) {
        if (preview)
            cJSON_AddBoolToObject(w.answer, "preview", 1);
        else
            cJSON_AddStringToObject(w.answer, "request_id", w.rid);
        json = cJSON_PrintUnformatted(w.answer);
        cJSON_Delete(w.answer);
        if (!preview)
            c = record_success(&w, json);
    }
    if (c == HSS_OK && !preview)
        c = hss_store_commit(r->st, &w.err);
    else
        hss_store_rollback(r->st);
    cJSON_Delete(w.body);
    if (c == HSS_OK) {
        if (preview && w.resident) /* a preview reads the patient's last visits: audited */
            hss_care_audit(r->st, r->user, "followup_preview", w.resident, &w.err);
        return hss_respond_json(r, 200, json);
    }
    free(json);
    return finish_failure(&w, c, zh409);
}

/* ---- destinations ---------------------------------------------------------------------------- */

static enum MHD_Result api_destinations(hss_req *r)
{
    hss_care_actor a;
    if (hss_care_actor_of(r, &a) || hss_care_may_record(r, &a, "referral"))
        return MHD_YES;
    const char *key = hss_arg(r, "resident");
    wreq w;
    memset(&w, 0, sizeof w);
    w.r = r;
    w.actor = a;
    if (!key || strlen(key) > 18)
        return hss_respond_error(r, 400, "%s", hss_lang_en(r) ? "resident: give a resident id" : "居民：请选择居民");
    if (resident_in_scope(&w, key))
        return refuse(r, 403, w.denied_resident, w.deny_zh, w.deny_en);
    hss_table *t = NULL;
    hss_error err;
    hss_code c = hss_care_destinations(r->st, w.resident, a.facility[0] ? a.facility : hss_arg(r, "from"), &t, &err);
    if (c)
        return respond_code(r, c, &err, NULL);
    cJSON *o = cJSON_CreateObject(), *rows = cJSON_AddArrayToObject(o, "rows");
    for (size_t i = 0; i < hss_table_rows(t); i++) {
        cJSON *x = cJSON_CreateObject();
        const char *type = hss_table_cell(t, i, 2), *grade = hss_table_cell(t, i, 3);
        cJSON_AddStringToObject(x, "code", hss_table_cell(t, i, 0));
        cJSON_AddStringToObject(x, "name", hss_table_cell(t, i, 1));
        cJSON_AddStringToObject(x, "type", type);
        cJSON_AddStringToObject(x, "type_zh", hss_model_zh(HSS_VOCAB_FACILITY_TYPE, type));
        cJSON_AddStringToObject(x, "grade", grade);
        cJSON_AddStringToObject(x, "grade_zh", hss_model_zh(HSS_VOCAB_GRADE, grade));
        cJSON_AddBoolToObject(x, "in_county", strcmp(hss_table_cell(t, i, 5), "1") == 0);
        cJSON_AddItemToArray(rows, x);
    }
    hss_table_free(t);
    cJSON_AddNumberToObject(o, "resident_id", (double)w.resident);
    return send_obj(r, 200, o);
}

/* ---- who am I, for the screens: which actions to show ------------------------------------------ */

static enum MHD_Result api_whoami(hss_req *r)
{
    hss_care_actor a;
    if (hss_care_actor_of(r, &a))
        return MHD_YES;
    int may_record = !strcmp(r->role, "doctor") || !strcmp(r->role, "admin") || !strcmp(r->role, "facility");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "user", r->user);
    cJSON_AddStringToObject(o, "role", r->role);
    cJSON_AddStringToObject(o, "scope", r->scope);
    cJSON_AddStringToObject(o, "team", a.team);
    cJSON_AddStringToObject(o, "facility", a.facility);
    cJSON_AddBoolToObject(o, "named", hss_care_named_role(r));
    cJSON_AddBoolToObject(o, "may_record", may_record);
    cJSON_AddBoolToObject(o, "may_receive", may_record || !strcmp(r->role, "hospital"));
    return send_obj(r, 200, o);
}

/* ---- routing ----------------------------------------------------------------------------------- */

static const char CONFLICT_CONTRACT[] = "该居民已有有效签约，续约请在到期后办理";
static const char CONFLICT_ENROL[] = "该居民已纳入该病种管理";

int hss_api_care_write(hss_req *r, const char *p, enum MHD_Result *ret)
{
    int post = strcmp(r->method, "POST") == 0;
    if (strcmp(p, "/care/destinations") == 0 && strcmp(r->method, "GET") == 0) {
        *ret = api_destinations(r);
        return 1;
    }
    if (strcmp(p, "/care/whoami") == 0 && strcmp(r->method, "GET") == 0) {
        *ret = api_whoami(r);
        return 1;
    }
    if (!post)
        return 0;
    static const struct {
        const char *path, *kind;
        hss_code (*fn)(wreq *);
        const char *zh409;
    } W[] = {
        {"/care/followups", "followup", do_followup, NULL},
        {"/care/contracts", "contract", do_contract, CONFLICT_CONTRACT},
        {"/care/referrals", "referral", do_referral, NULL},
        {"/care/enrolments", "enrolment", do_enrolment, CONFLICT_ENROL},
        {"/care/residents", "resident", do_resident, NULL},
    };
    for (size_t i = 0; i < sizeof W / sizeof *W; i++)
        if (strcmp(p, W[i].path) == 0) {
            *ret = run_write(r, W[i].kind, W[i].fn, W[i].zh409, 0);
            return 1;
        }
    static const char C[] = "/care/contracts/";
    if (strncmp(p, C, sizeof C - 1) == 0) {
        const char *id = p + sizeof C - 1, *slash = strchr(id, '/');
        char num[24];
        int64_t v;
        if (!slash || slash - id > 18)
            return 0;
        snprintf(num, sizeof num, "%.*s", (int)(slash - id), id);
        if (hss_parse_int64(num, &v) != 0 || v <= 0)
            return 0;
        if (strcmp(slash, "/renew") == 0)
            *ret = run_write(r, "renew", do_renew, NULL, v);
        else if (strcmp(slash, "/end") == 0)
            *ret = run_write(r, "end", do_end, NULL, v);
        else
            return 0;
        return 1;
    }
    return 0;
}

/* ---- a record's follow-ups ------------------------------------------------------------------- */

void hss_care_add_followups(hss_req *r, cJSON *o, int64_t resident_id)
{
    hss_table *t = NULL;
    if (hss_care_resident_followups(r->st, resident_id, &t, NULL)) {
        cJSON_AddArrayToObject(o, "followups");
        return;
    }
    static const char *const k[] = {"followup_id", "disease", "visit_date", "sbp", "dbp", "glucose", "symptoms",
                                    "adherence", "medication", "note", "user", "user_display", "user_role"};
    cJSON_AddItemToObject(o, "followups", hss_json_rows(t, k, "nSSNNNSSSSSSS"));
    hss_table_free(t);
}

void hss_care_describe_readers(hss_req *r, cJSON *log)
{
    cJSON *x;
    cJSON_ArrayForEach(x, log) {
        const char *user = jstr(x, "user");
        hss_auth_reader who;
        if (!user || !hss_auth_user_describe(r->st, user, &who))
            continue;
        cJSON_AddStringToObject(x, "display_name", who.display);
        cJSON_AddStringToObject(x, "role", who.role);
        cJSON_AddStringToObject(x, "facility", who.facility);
    }
}
