/*
 * scheduler.c: the next action for one chronic-disease patient on a given day, from the last
 * two follow-up visits, following the 国家基本公共卫生服务规范(第三版) (care/rules.yaml):
 *   - no visit yet:                         first visit, due on enrolment;
 *   - last reading an emergency (危急情况):  referral now, or, when the visit referred the
 *                                           patient, a follow-up within 2 weeks;
 *   - last two readings uncontrolled:       referral (then follow-up within 2 weeks);
 *   - first uncontrolled reading:           re-check within 2 weeks;
 *   - controlled (or not measured):         routine visit a quarter after the last one.
 * The function is pure: the worklist and the benchmark run it over every patient.
 */
#include "care/care_int.h"

#include <string.h>

static const char *const ACTIONS[][3] = {
    {"first_visit", "首次随访", "first visit"},
    {"routine", "常规随访", "routine visit"},
    {"recheck", "2周内复查", "re-check within 2 weeks"},
    {"refer", "需转诊", "refer"},
    {"referral_followup", "转诊后随访", "follow up the referral"},
};

const char *hss_care_action_id(hss_care_action a) { return ACTIONS[a][0]; }
const char *hss_care_action_zh(hss_care_action a) { return ACTIONS[a][1]; }
const char *hss_care_action_label(hss_care_action a, int en) { return ACTIONS[a][en ? 2 : 1]; }

const char *hss_care_due_id(hss_care_due d)
{
    return d == HSS_DUE_OVERDUE ? "overdue" : d == HSS_DUE_DUE ? "due" : "scheduled";
}

void hss_care_patient_add_visit(hss_care_patient *p, const hss_care_visit *v)
{
    if (p->nvisits > 0)
        p->prev = p->last;
    p->last = *v;
    if (p->nvisits < 2)
        p->nvisits++;
}

/* The last reading in words: "2025-03-01 血压 150/95 mmHg" (en: "2025-03-01 BP 150/95 mmHg"). */
static void describe(const hss_care_visit *v, int disease, int en, char *out, size_t n)
{
    char d[11];
    hss_care_format_day(v->day, d);
    if (disease == HSS_CARE_T2DM && v->glucose >= 0)
        snprintf(out, n, "%s %s %.1f mmol/L", d, en ? "fasting glucose" : "空腹血糖", v->glucose);
    else if (v->sbp >= 0 && v->dbp >= 0)
        snprintf(out, n, "%s %s %d/%d mmHg", d, en ? "BP" : "血压", v->sbp, v->dbp);
    else
        snprintf(out, n, "%s %s", d, en ? "not measured" : "未测量");
    if (v->sbp >= 0 && v->dbp >= 0 && disease == HSS_CARE_T2DM && v->glucose >= 0) {
        size_t l = strlen(out);
        snprintf(out + l, n - l, ", %s %d/%d", en ? "BP" : "血压", v->sbp, v->dbp);
    }
}

enum { WHY_NONE, WHY_REFERRED, WHY_EMERGENCY, WHY_TWICE, WHY_UNCONTROLLED, WHY_CONTROLLED, WHY_MISSING };

void hss_care_next_action(const hss_care_rules *r, const hss_care_patient *p, int32_t day,
                          hss_care_next *out)
{
    out->reason[0] = out->reason_en[0] = 0;
    out->days_overdue = 0;
    if (p->nvisits == 0) {
        out->action = HSS_ACT_FIRST_VISIT;
        out->due = p->enrolled;
        out->why = WHY_NONE;
    } else {
        const hss_care_visit *L = &p->last;
        hss_care_reading c = hss_care_classify(r, p->disease, hss_care_age(p->birth, L->day), L);
        int prev_bad = 0;
        if (p->nvisits > 1 && !p->prev.referred && c == HSS_READ_UNCONTROLLED && !L->referred) {
            hss_care_reading pc = hss_care_classify(r, p->disease, hss_care_age(p->birth, p->prev.day), &p->prev);
            prev_bad = pc == HSS_READ_UNCONTROLLED || pc == HSS_READ_EMERGENCY;
        }
        if (L->referred) {
            out->action = HSS_ACT_REFERRAL_FOLLOWUP;
            out->due = L->day + r->referral_followup_days;
            out->why = WHY_REFERRED;
        } else if (c == HSS_READ_EMERGENCY) {
            out->action = HSS_ACT_REFER;
            out->due = L->day;
            out->why = WHY_EMERGENCY;
        } else if (c == HSS_READ_UNCONTROLLED && prev_bad) {
            out->action = HSS_ACT_REFER;
            out->due = L->day;
            out->why = WHY_TWICE;
        } else if (c == HSS_READ_UNCONTROLLED) {
            out->action = HSS_ACT_RECHECK;
            out->due = L->day + r->recheck_days;
            out->why = WHY_UNCONTROLLED;
        } else {
            out->action = HSS_ACT_ROUTINE;
            out->due = L->day + r->routine_days;
            out->why = c == HSS_READ_MISSING ? WHY_MISSING : WHY_CONTROLLED;
        }
    }
    if (day > out->due) {
        out->status = HSS_DUE_OVERDUE;
        out->days_overdue = day - out->due;
    } else if (out->due <= day + r->due_window_days) {
        out->status = HSS_DUE_DUE;
    } else {
        out->status = HSS_DUE_SCHEDULED;
    }
}

/* The reason in one language: en 0 Chinese (as shown since the first release), 1 English. */
static void explain_in(const hss_care_rules *r, const hss_care_patient *p, const hss_care_next *n, int en,
                       char *out, size_t size)
{
    char what[96] = "";
    if (p->nvisits > 0)
        describe(&p->last, p->disease, en, what, sizeof what);
    switch (n->why) {
    case WHY_NONE:
        snprintf(out, size, "%s", en ? "no follow-up since enrolment" : "纳入管理后尚无随访记录");
        break;
    case WHY_REFERRED:
        snprintf(out, size, en ? "%s referred: follow up the referral within %d days" : "%s 已转诊, %d天内主动随访转诊情况",
                 what, r->referral_followup_days);
        break;
    case WHY_EMERGENCY:
        snprintf(out, size, en ? "%s emergency: refer at once" : "%s 危急情况, 须紧急转诊", what);
        break;
    case WHY_TWICE:
        snprintf(out, size, en ? "%s uncontrolled twice in a row: refer to a higher-level hospital"
                               : "%s 连续两次控制不满意, 建议转诊上级医院", what);
        break;
    case WHY_UNCONTROLLED:
        snprintf(out, size, en ? "%s uncontrolled: re-check within %d days" : "%s 控制不满意, %d天内复查", what, r->recheck_days);
        break;
    default:
        if (en)
            snprintf(out, size, "%s %s: quarterly visits", what, n->why == WHY_MISSING ? "no reading" : "controlled");
        else
            snprintf(out, size, "%s %s, 每季度随访", what, n->why == WHY_MISSING ? "未测量" : "控制满意");
        break;
    }
}

void hss_care_next_explain(const hss_care_rules *r, const hss_care_patient *p, hss_care_next *n)
{
    explain_in(r, p, n, 0, n->reason, sizeof n->reason);
    explain_in(r, p, n, 1, n->reason_en, sizeof n->reason_en);
}
