/*
 * write.c: the care records a family doctor, a village doctor or a hospital enters from the
 * dashboard: follow-ups (with the verdict and the next action they lead to), contracts (sign,
 * renew, end early), referrals, enrolments and new residents, and the client request ids that
 * make each of these writes idempotent. Every field is checked before anything is stored, and a
 * bad one is reported by its JSON key with a message in Chinese and in English, so that a form
 * can show it beside the field in the user's language. All SQL of these writes is in this file.
 */
#include "care/care_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

#define NOTE_MAX 500

hss_code hss_care_problem_set(hss_care_problem *p, const char *field, const char *zh, const char *en)
{
    if (p) {
        snprintf(p->field, sizeof p->field, "%s", field);
        snprintf(p->zh, sizeof p->zh, "%s", zh);
        snprintf(p->en, sizeof p->en, "%s", en);
    }
    return HSS_EINVAL;
}

/* A problem whose messages are formatted (zh and en each with the same single argument). */
static hss_code problemf(hss_care_problem *p, const char *field, const char *zh, const char *en, const char *arg)
{
    char z[320], e[320];
    snprintf(z, sizeof z, zh, arg);
    snprintf(e, sizeof e, en, arg);
    return hss_care_problem_set(p, field, z, e);
}

static const char *const READINGS[][3] = {
    {"controlled", "控制满意", "controlled"}, {"uncontrolled", "未控制", "uncontrolled"},
    {"emergency", "危急", "emergency"}, {"missing", "未测量", "not measured"},
};
const char *hss_care_reading_id(hss_care_reading r) { return READINGS[r][0]; }
const char *hss_care_reading_zh(hss_care_reading r) { return READINGS[r][1]; }
const char *hss_care_reading_label(hss_care_reading r, int en) { return READINGS[r][en ? 2 : 1]; }

/* Prepared statement or NULL (err set). */
static hss_stmt *prep(hss_store *st, const char *sql, hss_error *err)
{
    return hss_store_prepare(st, sql, err);
}

/* ---- follow-ups ---------------------------------------------------------------------------- */

static hss_code check_date(const char *field, const char *zh_name, const char *en_name, const char *v, int32_t today,
                           hss_care_problem *p, int32_t *day)
{
    char z[320], e[320];
    if (!v || !*v || hss_care_parse_day(v, 0, day) != 0) {
        snprintf(z, sizeof z, "%s：请填写日期（年-月-日）", zh_name);
        snprintf(e, sizeof e, "%s: give a date (YYYY-MM-DD)", en_name);
        return hss_care_problem_set(p, field, z, e);
    }
    if (today > 0 && *day > today) {
        snprintf(z, sizeof z, "%s：不能晚于今天", zh_name);
        snprintf(e, sizeof e, "%s: may not be after today", en_name);
        return hss_care_problem_set(p, field, z, e);
    }
    return HSS_OK;
}

static hss_code check_text(const char *field, const char *zh_name, const char *en_name, const char *v, int required,
                           hss_care_problem *p)
{
    char z[320], e[320];
    if (required && (!v || !*v)) {
        snprintf(z, sizeof z, "%s：必填", zh_name);
        snprintf(e, sizeof e, "%s: required", en_name);
        return hss_care_problem_set(p, field, z, e);
    }
    if (v && (strlen(v) > NOTE_MAX || !hss_utf8_valid(v, strlen(v)))) {
        snprintf(z, sizeof z, "%s：最多500字节", zh_name);
        snprintf(e, sizeof e, "%s: at most 500 bytes of text", en_name);
        return hss_care_problem_set(p, field, z, e);
    }
    return HSS_OK;
}

/* The readings of a follow-up form, field by field. */
static hss_code check_readings(const hss_care_followup_req *f, int d, hss_care_problem *p)
{
    if (f->sbp >= 0 && (f->sbp < 50 || f->sbp > 300))
        return hss_care_problem_set(p, "sbp", "收缩压：应在50到300 mmHg之间", "sbp: must be between 50 and 300 mmHg");
    if (f->dbp >= 0 && (f->dbp < 20 || f->dbp > 200))
        return hss_care_problem_set(p, "dbp", "舒张压：应在20到200 mmHg之间", "dbp: must be between 20 and 200 mmHg");
    if ((f->sbp >= 0) != (f->dbp >= 0))
        return hss_care_problem_set(p, f->sbp >= 0 ? "dbp" : "sbp", "血压：收缩压和舒张压都要填写",
                                    "blood pressure: give both sbp and dbp");
    if (f->sbp >= 0 && f->dbp >= f->sbp)
        return hss_care_problem_set(p, "dbp", "舒张压：应低于收缩压", "dbp: must be below sbp");
    if (f->glucose >= 0 && (f->glucose < 0.5 || f->glucose > 60))
        return hss_care_problem_set(p, "glucose", "空腹血糖：应在0.5到60 mmol/L之间",
                                    "glucose: must be between 0.5 and 60 mmol/L");
    if (d == HSS_CARE_HTN && f->sbp < 0)
        return hss_care_problem_set(p, "sbp", "收缩压：高血压随访须测血压", "sbp: a hypertension follow-up needs the blood pressure");
    if (d == HSS_CARE_T2DM && f->glucose < 0)
        return hss_care_problem_set(p, "glucose", "空腹血糖：糖尿病随访须测空腹血糖",
                                    "glucose: a diabetes follow-up needs the fasting glucose");
    uint32_t sym;
    char bad[64];
    if (hss_care_symptoms_parse(f->symptoms, &sym, bad) != 0)
        return problemf(p, "symptoms", "症状：无法识别“%s”", "symptoms: unknown symptom '%s'", bad);
    if (f->adherence && *f->adherence && strcmp(f->adherence, "regular") && strcmp(f->adherence, "intermittent") &&
        strcmp(f->adherence, "none"))
        return hss_care_problem_set(p, "adherence", "服药依从性：应为规律、间断或不服药",
                                    "adherence: must be regular, intermittent or none");
    return HSS_OK;
}

hss_code hss_care_followup_record(hss_store *st, const hss_care_viewer *v, const hss_care_followup_req *f,
                                  const char *medication, const char *note, int32_t today, hss_care_problem *p,
                                  hss_care_followup_saved *out, hss_error *err)
{
    memset(out, 0, sizeof *out);
    care_resident r;
    hss_code rc = care_resident_get(st, f->resident, &r, err);
    if (rc)
        return rc == HSS_EDB ? rc : HSS_EDENIED;
    out->resident_id = r.id;
    if ((rc = care_scope_check(st, v, &r, err)))
        return rc;
    int d = hss_care_disease_parse(f->disease);
    if (d < 0)
        return hss_care_problem_set(p, "disease", "病种：应为高血压或2型糖尿病", "disease: must be hypertension or diabetes");
    int32_t day;
    if ((rc = check_date("date", "随访日期", "date", f->date, today, p, &day)) || (rc = check_readings(f, d, p)) ||
        (rc = check_text("medication", "用药", "medication", medication, 0, p)) ||
        (rc = check_text("note", "备注", "note", note, 0, p)))
        return rc;
    care_enrolment_row e;
    int found = care_enrolment_get(st, r.id, d, &e, err);
    if (found < 0)
        return HSS_EDB;
    if (!found)
        return problemf(p, "disease", "病种：该居民未纳入%s管理", "disease: the resident is not enrolled for %s management",
                        d == HSS_CARE_HTN ? "高血压" : "2型糖尿病");
    if (strncmp(f->date, e.enrolled_on, 10) < 0)
        return problemf(p, "date", "随访日期：早于纳入管理日期 %s", "date: before the enrolment on %s", e.enrolled_on);
    uint32_t sym;
    char bad[64];
    hss_care_symptoms_parse(f->symptoms, &sym, bad); /* checked above */
    snprintf(out->county, sizeof out->county, "%s", e.county);
    return care_followup_store(st, f, sym, &r, &e, medication, note, &out->id, &out->patient, err);
}

void hss_care_followup_verdict(const hss_care_rules *r, const hss_care_patient *pt, int32_t day,
                               hss_care_reading *reading, hss_care_next *next)
{
    *reading = pt->nvisits ? hss_care_classify(r, pt->disease, hss_care_age(pt->birth, pt->last.day), &pt->last)
                           : HSS_READ_MISSING;
    hss_care_next_action(r, pt, day, next);
    hss_care_next_explain(r, pt, next);
}

/* ---- contracts ------------------------------------------------------------------------------- */

static int team_exists(hss_store *st, const char *team)
{
    hss_stmt *s = prep(st, "SELECT 1 FROM care_team WHERE code=?", NULL);
    if (!s)
        return 0;
    hss_store_bind_text(s, 1, team);
    int found = hss_store_step(s) == HSS_ROW;
    hss_store_finalize(s);
    return found;
}

hss_code hss_care_contract_sign(hss_store *st, const char *resident, const char *team, const char *package,
                                const char *start, hss_care_problem *p, int64_t *id, hss_error *err)
{
    int32_t day;
    hss_code rc;
    if (!team || !*team || strlen(team) > 63 || !team_exists(st, team))
        return hss_care_problem_set(p, "team", "团队：请选择一个家庭医生团队", "team: choose a family-doctor team");
    if (!package || !hss_care_package_valid(package))
        return hss_care_problem_set(p, "package", "服务包：请选择服务包", "package: choose a service package");
    if ((rc = check_date("start", "开始日期", "start", start, 0, p, &day)))
        return rc;
    return hss_care_contract_add(st, resident, team, package, start, NULL, id, err);
}

typedef struct contract_row {
    int64_t id, resident;
    char team[64], package[32], start[11], end[11];
    int ended, renewed;
} contract_row;

static hss_code contract_get(hss_store *st, int64_t id, contract_row *c, hss_error *err)
{
    hss_stmt *s = prep(st, "SELECT c.resident_id,c.team_code,c.package,c.start_date,c.end_date,c.ended_on IS NOT NULL,"
                               " EXISTS(SELECT 1 FROM care_contract n WHERE n.renewal_of=c.id) "
                               "FROM care_contract c WHERE c.id=?", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, id);
    memset(c, 0, sizeof *c);
    int found = hss_store_step(s) == HSS_ROW;
    if (found) {
        c->id = id;
        c->resident = hss_store_col_int64(s, 0);
        snprintf(c->team, sizeof c->team, "%s", care_col_text(s, 1));
        snprintf(c->package, sizeof c->package, "%s", care_col_text(s, 2));
        snprintf(c->start, sizeof c->start, "%s", care_col_text(s, 3));
        snprintf(c->end, sizeof c->end, "%s", care_col_text(s, 4));
        c->ended = hss_store_col_int(s, 5);
        c->renewed = hss_store_col_int(s, 6);
    }
    hss_store_finalize(s);
    return found ? HSS_OK : hss_fail(err, HSS_ENOTFOUND, "no contract %lld", (long long)id);
}

hss_code hss_care_contract_owner(hss_store *st, int64_t id, int64_t *resident_id, char team[64], hss_error *err)
{
    contract_row c;
    hss_code rc = contract_get(st, id, &c, err);
    if (rc)
        return rc;
    *resident_id = c.resident;
    snprintf(team, 64, "%s", c.team);
    return HSS_OK;
}

hss_code hss_care_contract_renew(hss_store *st, int64_t id, const char *package, hss_care_problem *p,
                                 int64_t *new_id, hss_error *err)
{
    contract_row c;
    hss_code rc = contract_get(st, id, &c, err);
    if (rc)
        return rc;
    if (package && *package && !hss_care_package_valid(package))
        return hss_care_problem_set(p, "package", "服务包：请选择服务包", "package: choose a service package");
    if (c.ended)
        return hss_fail(err, HSS_ECONFLICT, "contract %lld was ended early and cannot be renewed|已提前解约的签约不能续约",
                        (long long)id);
    if (c.renewed)
        return hss_fail(err, HSS_ECONFLICT, "contract %lld has already been renewed|该签约已续约", (long long)id);
    int32_t end;
    hss_care_parse_day(c.end, 0, &end);
    char start[11], key[24];
    hss_care_format_day(end + 1, start);
    snprintf(key, sizeof key, "%lld", (long long)c.resident);
    return hss_care_contract_add(st, key, c.team, package && *package ? package : c.package, start, NULL, new_id, err);
}

hss_code hss_care_contract_end(hss_store *st, int64_t id, const char *date, const char *reason,
                               hss_care_problem *p, hss_error *err)
{
    contract_row c;
    hss_code rc = contract_get(st, id, &c, err);
    if (rc)
        return rc;
    int32_t day;
    if ((rc = check_date("date", "解约日期", "date", date, 0, p, &day)) ||
        (rc = check_text("reason", "解约原因", "reason", reason, 1, p)))
        return rc;
    if (c.ended)
        return hss_fail(err, HSS_ECONFLICT, "contract %lld has already ended|该签约已解约", (long long)id);
    if (c.renewed)
        return hss_fail(err, HSS_ECONFLICT, "contract %lld has been renewed; end the renewal instead|该签约已续约，请对续约后的签约解约",
                        (long long)id);
    if (strcmp(date, c.start) < 0 || strcmp(date, c.end) > 0)
        return problemf(p, "date", "解约日期：应在签约期内（%s）", "date: must lie within the contract (%s)", c.end);
    hss_stmt *s = prep(st, "UPDATE care_contract SET end_date=?2, ended_on=?2, end_reason=?3 WHERE id=?1", err);
    if (!s)
        return HSS_EDB;
    if (hss_store_begin(st, err)) {
        hss_store_finalize(s);
        return HSS_EDB;
    }
    hss_store_bind_int64(s, 1, id);
    hss_store_bind_textn(s, 2, date, 10);
    hss_store_bind_text(s, 3, reason);
    if ((rc = care_step_done(st, s, err, "ending a contract"))) {
        hss_store_rollback(st);
        return rc;
    }
    return care_commit(st, err);
}

/* ---- referrals ------------------------------------------------------------------------------- */

int hss_ref_state_receiving(hss_ref_state s)
{
    return s == HSS_REF_ACCEPTED || s == HSS_REF_REJECTED || s == HSS_REF_ARRIVED || s == HSS_REF_COMPLETED ||
           s == HSS_REF_DOWN_REFERRED;
}

static int facility_exists(hss_store *st, const char *code)
{
    hss_stmt *s = prep(st, "SELECT 1 FROM facility WHERE code=?", NULL);
    if (!s)
        return 0;
    hss_store_bind_text(s, 1, code);
    int found = hss_store_step(s) == HSS_ROW;
    hss_store_finalize(s);
    return found;
}

hss_code hss_care_referral_create(hss_store *st, const hss_care_referral_req *q, const char *urgency,
                                  hss_care_problem *p, int64_t *id, hss_error *err)
{
    if (!q->from_facility || !*q->from_facility || strlen(q->from_facility) > 63 || !facility_exists(st, q->from_facility))
        return hss_care_problem_set(p, "from", "转出机构：请选择转出机构", "from: choose the sending facility");
    if (!q->to_facility || !*q->to_facility || strlen(q->to_facility) > 63 || !facility_exists(st, q->to_facility))
        return hss_care_problem_set(p, "to", "转入机构：请选择转入机构", "to: choose the receiving facility");
    if (strcmp(q->to_facility, q->from_facility) == 0)
        return hss_care_problem_set(p, "to", "转入机构：不能与转出机构相同", "to: must differ from the sending facility");
    hss_code rc = check_text("reason", "转诊原因", "reason", q->reason, 1, p);
    if (rc)
        return rc;
    const char *u = urgency && *urgency ? urgency : "routine";
    if (strcmp(u, "routine") && strcmp(u, "urgent") && strcmp(u, "emergency"))
        return hss_care_problem_set(p, "urgency", "紧急程度：应为普通、加急或急诊", "urgency: must be routine, urgent or emergency");
    if (hss_store_begin(st, err))
        return HSS_EDB;
    int64_t rid = 0;
    if ((rc = hss_care_referral_add(st, q, &rid, err))) {
        hss_store_rollback(st);
        return rc;
    }
    hss_stmt *s = prep(st, "UPDATE care_referral SET urgency=? WHERE id=?", err);
    if (!s) {
        hss_store_rollback(st);
        return HSS_EDB;
    }
    hss_store_bind_text(s, 1, u);
    hss_store_bind_int64(s, 2, rid);
    if ((rc = care_step_done(st, s, err, "storing the urgency")) || (rc = hss_store_commit(st, err))) {
        hss_store_rollback(st);
        return rc;
    }
    if (id)
        *id = rid;
    return HSS_OK;
}

hss_code hss_care_referral_parties(hss_store *st, int64_t id, int64_t *resident_id, char from[64], char to[64],
                                   char state[24], hss_error *err)
{
    hss_stmt *s = prep(st, "SELECT resident_id,from_facility,coalesce(to_facility,''),state FROM care_referral WHERE id=?", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, id);
    int found = hss_store_step(s) == HSS_ROW;
    if (found) {
        *resident_id = hss_store_col_int64(s, 0);
        snprintf(from, 64, "%s", care_col_text(s, 1));
        snprintf(to, 64, "%s", care_col_text(s, 2));
        snprintf(state, 24, "%s", care_col_text(s, 3));
    }
    hss_store_finalize(s);
    return found ? HSS_OK : hss_fail(err, HSS_ENOTFOUND, "no referral %lld", (long long)id);
}

hss_code hss_care_destinations(hss_store *st, int64_t resident_id, const char *from_facility, hss_table **out,
                               hss_error *err)
{
    /* grades sort 3A first; 'none' (township centres) last within a county */
    hss_stmt *s = prep(st,
        "SELECT f.code,f.name,f.type,f.grade,f.area_code,substr(f.area_code,1,6)=r.county_code AS inc "
        "FROM facility f, care_resident r WHERE r.id=?1 AND f.type<>'village_clinic' AND f.code<>?2 "
        "ORDER BY inc DESC, CASE WHEN f.grade='none' THEN 'Z' ELSE f.grade END, f.name LIMIT 300", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, resident_id);
    hss_store_bind_text(s, 2, from_facility ? from_facility : "");
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "code", "机构代码", HSS_COL_TEXT);
    hss_table_add_col(t, "name", "机构", HSS_COL_TEXT);
    hss_table_add_col(t, "type", "类型", HSS_COL_TEXT);
    hss_table_add_col(t, "grade", "等级", HSS_COL_TEXT);
    hss_table_add_col(t, "area_code", "地区", HSS_COL_TEXT);
    hss_table_add_col(t, "in_county", "县域内", HSS_COL_INT);
    care_fill(t, s);
    *out = t;
    return HSS_OK;
}

/* ---- enrolments and residents ------------------------------------------------------------------ */

hss_code hss_care_enrol_record(hss_store *st, const char *resident, const char *disease, const char *date,
                               int32_t today, hss_care_problem *p, int64_t *id, hss_error *err)
{
    int d = hss_care_disease_parse(disease);
    if (d < 0)
        return hss_care_problem_set(p, "disease", "病种：应为高血压或2型糖尿病", "disease: must be hypertension or diabetes");
    int32_t day;
    hss_code rc = check_date("date", "纳入日期", "date", date, today, p, &day);
    if (rc)
        return rc;
    return hss_care_enrol(st, resident, disease, date, id, err);
}

static hss_code village_in_scope(hss_store *st, const hss_care_viewer *v, const char *village, hss_care_problem *p,
                                 hss_error *err)
{
    hss_buf c, q;
    hss_buf_init(&c);
    hss_buf_init(&q);
    hss_buf_printf(&q, "SELECT 1 FROM area WHERE code=:v AND level='village' AND %s", care_scope_clause(v, "code", &c));
    hss_stmt *s = prep(st, q.data, err);
    hss_buf_free(&c);
    hss_buf_free(&q);
    if (!s)
        return HSS_EDB;
    hss_code rc = care_scope_bind(st, s, v, err);
    if (rc) {
        hss_store_finalize(s);
        return rc;
    }
    hss_store_bind_text(s, hss_store_bind_index(s, ":v"), village);
    int found = hss_store_step(s) == HSS_ROW;
    hss_store_finalize(s);
    return found ? HSS_OK
                 : hss_care_problem_set(p, "village", "村(社区)：不是您服务范围内的村", "village: not a village you serve");
}

static hss_code check_resident_form(const hss_care_resident_form *f, hss_care_problem *p)
{
    const char *why = f->id_number ? hss_care_id_check(f->id_number) : "missing";
    if (why)
        return problemf(p, "id_number", "身份证号：无效（%s）", "id_number: not a valid citizen ID number (%s)", why);
    hss_code rc = check_text("name", "姓名", "name", f->name, 1, p);
    if (rc || (rc = check_text("household", "户号", "household", f->household, 0, p)))
        return rc;
    if (strlen(f->name) > 60)
        return hss_care_problem_set(p, "name", "姓名：过长", "name: too long");
    char birth[11];
    hss_care_id_birth(f->id_number, birth);
    int32_t day;
    if (!f->birth_date || hss_care_parse_day(f->birth_date, 0, &day) != 0)
        return hss_care_problem_set(p, "birth_date", "出生日期：请填写日期（年-月-日）", "birth_date: give a date (YYYY-MM-DD)");
    if (strcmp(birth, f->birth_date) != 0)
        return problemf(p, "birth_date", "出生日期：与身份证号中的出生日期 %s 不一致",
                        "birth_date: differs from the birth date %s in the ID number", birth);
    if (!f->sex || (strcmp(f->sex, "male") && strcmp(f->sex, "female")))
        return hss_care_problem_set(p, "sex", "性别：请选择男或女", "sex: choose male or female");
    if (strcmp(f->sex, hss_care_id_sex(f->id_number)) != 0)
        return hss_care_problem_set(p, "sex", "性别：与身份证号不一致", "sex: differs from the ID number");
    if (!f->village || !*f->village || strlen(f->village) > 12)
        return hss_care_problem_set(p, "village", "村(社区)：请选择村", "village: choose a village");
    return HSS_OK;
}

hss_code hss_care_resident_register(hss_store *st, const hss_care_viewer *v, const hss_care_resident_form *f,
                                    hss_care_problem *p, int64_t *id, hss_error *err)
{
    hss_code rc = check_resident_form(f, p);
    if (rc || (rc = village_in_scope(st, v, f->village, p, err)))
        return rc;
    char num[19];
    snprintf(num, sizeof num, "%s", f->id_number);
    num[17] = (char)toupper((unsigned char)num[17]);
    care_resident r;
    hss_error e2;
    if (care_resident_get(st, num, &r, &e2) == HSS_OK)
        return hss_fail(err, HSS_ECONFLICT, "this ID number is already registered|该身份证号已建档");
    hss_stmt *s = prep(st, "INSERT INTO care_resident(id_number,name,sex,birth_date,village_code,county_code,household) "
                               "VALUES(?,?,?,?,?,substr(?5,1,6),?)", err);
    if (!s)
        return HSS_EDB;
    if (hss_store_begin(st, err)) {
        hss_store_finalize(s);
        return HSS_EDB;
    }
    hss_store_bind_text(s, 1, num);
    hss_store_bind_text(s, 2, f->name);
    hss_store_bind_text(s, 3, f->sex);
    hss_store_bind_text(s, 4, f->birth_date);
    hss_store_bind_text(s, 5, f->village);
    hss_store_bind_text(s, 6, f->household ? f->household : "");
    if ((rc = care_step_done(st, s, err, "registering a resident"))) {
        hss_store_rollback(st);
        return rc;
    }
    if (id)
        *id = hss_store_last_id(st);
    return care_commit(st, err);
}

void hss_care_resident_county(hss_store *st, int64_t resident_id, char county[8])
{
    county[0] = 0;
    hss_stmt *s = prep(st, "SELECT county_code FROM care_resident WHERE id=?", NULL);
    if (!s)
        return;
    hss_store_bind_int64(s, 1, resident_id);
    if (hss_store_step(s) == HSS_ROW)
        snprintf(county, 8, "%s", care_col_text(s, 0));
    hss_store_finalize(s);
}

/* ---- request ids ----------------------------------------------------------------------------- */

int hss_care_request_id_valid(const char *rid)
{
    size_t n = rid ? strlen(rid) : 0;
    if (n < 8 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)rid[i]) && rid[i] != '-' && rid[i] != '_')
            return 0;
    return 1;
}

hss_code hss_care_request_find(hss_store *st, const char *request_id, const char *user, int *status,
                               char **answer, hss_error *err)
{
    hss_stmt *s = prep(st, "SELECT user_name,status,answer FROM care_request WHERE request_id=?", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, request_id);
    hss_code rc = HSS_ENOTFOUND;
    if (hss_store_step(s) == HSS_ROW) {
        if (strcmp(care_col_text(s, 0), user) != 0) {
            rc = HSS_ECONFLICT;
        } else {
            *status = hss_store_col_int(s, 1);
            *answer = hss_xstrdup(care_col_text(s, 2));
            rc = HSS_OK;
        }
    }
    hss_store_finalize(s);
    return rc;
}

hss_code hss_care_request_save(hss_store *st, const char *request_id, const char *user, const char *kind,
                               const char *county, int status, const char *answer, hss_error *err)
{
    hss_stmt *s = prep(st, "INSERT INTO care_request(request_id,user_name,kind,at,status,answer,county_code) "
                               "VALUES(?,?,?,?,?,?,?)", err);
    if (!s)
        return HSS_EDB;
    char at[24];
    care_timestamp(at);
    hss_store_bind_text(s, 1, request_id);
    hss_store_bind_text(s, 2, user);
    hss_store_bind_text(s, 3, kind);
    hss_store_bind_text(s, 4, at);
    hss_store_bind_int(s, 5, status);
    hss_store_bind_text(s, 6, answer);
    hss_store_bind_text(s, 7, county ? county : "");
    return care_step_done(st, s, err, "storing the request id");
}

hss_code hss_care_referred_village(hss_store *st, const char *key, const char *facility, char village[16],
                                   hss_error *err)
{
    care_resident r;
    hss_code rc = care_resident_get(st, key, &r, err);
    if (rc)
        return rc;
    hss_stmt *s = prep(st, "SELECT 1 FROM care_referral WHERE resident_id=? AND to_facility=? "
                               "AND state NOT IN ('rejected','received')", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, r.id);
    hss_store_bind_text(s, 2, facility);
    int found = hss_store_step(s) == HSS_ROW;
    hss_store_finalize(s);
    if (!found)
        return hss_fail(err, HSS_EDENIED, "no open referral of this resident to %s", facility);
    snprintf(village, 16, "%s", r.village);
    return HSS_OK;
}
