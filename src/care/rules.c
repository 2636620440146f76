/*
 * rules.c: the chronic-disease rules of the 国家基本公共卫生服务规范(第三版) as data: the
 * built-in defaults (equal to care/rules.yaml), the strict loader of that file, the symptom
 * vocabulary, and the classification of one follow-up reading as controlled, uncontrolled or
 * an emergency (危急情况).
 */
#include "care/care_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const SYMPTOMS[HSS_CARE_SYMPTOM_COUNT] = {
    "altered_consciousness",     /* 意识改变 / 意识或行为改变 */
    "severe_headache_dizziness", /* 剧烈头痛或头晕 */
    "nausea_vomiting",           /* 恶心呕吐 */
    "blurred_vision",            /* 视力模糊 */
    "eye_pain",                  /* 眼痛 */
    "palpitations",              /* 心悸 */
    "chest_tightness",           /* 胸闷 */
    "orthopnoea",                /* 喘憋不能平卧 */
    "ketone_breath",             /* 呼气有烂苹果样丙酮味 */
    "sweating",                  /* 出汗 */
    "polydipsia_polyuria",       /* 多饮、多尿 */
    "abdominal_pain",            /* 腹痛 */
    "deep_breathing",            /* 深大呼吸 */
    "flushed_skin",              /* 皮肤潮红 */
    "tachycardia",               /* 持续性心动过速 (>100/min) */
    "fever_39",                  /* 体温超过39摄氏度 */
    "dizziness",                 /* 头晕 (mild) */
    "limb_numbness",             /* 手脚麻木 */
    "oedema",                    /* 下肢水肿 */
    "blurred_vision_mild",       /* 视物模糊 (chronic, mild) */
};

const char *hss_care_symptom_id(int i)
{
    return i >= 0 && i < HSS_CARE_SYMPTOM_COUNT ? SYMPTOMS[i] : "";
}

static int symptom_find(const char *p, size_t n)
{
    for (int i = 0; i < HSS_CARE_SYMPTOM_COUNT; i++)
        if (strlen(SYMPTOMS[i]) == n && memcmp(SYMPTOMS[i], p, n) == 0)
            return i;
    return -1;
}

int hss_care_symptoms_parse(const char *s, uint32_t *mask, char *bad)
{
    *mask = 0;
    const char *p = s ? s : "";
    while (*p) {
        const char *e = strchr(p, ';');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (n && *p == ' ') {
            p++;
            n--;
        }
        while (n && p[n - 1] == ' ')
            n--;
        if (n && !(n == 4 && memcmp(p, "none", 4) == 0)) {
            int i = symptom_find(p, n);
            if (i < 0) {
                snprintf(bad, 64, "%.*s", (int)(n > 60 ? 60 : n), p);
                return -1;
            }
            *mask |= 1u << i;
        }
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

int hss_care_disease_parse(const char *s)
{
    if (!s)
        return -1;
    if (strcmp(s, "hypertension") == 0)
        return HSS_CARE_HTN;
    if (strcmp(s, "diabetes") == 0)
        return HSS_CARE_T2DM;
    return -1;
}

const char *hss_care_disease_id(int d)
{
    return d == HSS_CARE_T2DM ? "diabetes" : "hypertension";
}

static uint32_t symptoms_mask(const char *const *ids, size_t n)
{
    uint32_t m = 0;
    for (size_t i = 0; i < n; i++)
        m |= 1u << symptom_find(ids[i], strlen(ids[i]));
    return m;
}

void hss_care_rules_default(hss_care_rules *r)
{
    memset(r, 0, sizeof *r);
    r->routine_days = 90;
    r->visits_per_year = 4;
    r->recheck_days = 14;
    r->referral_followup_days = 14;
    r->due_window_days = 7;
    r->referral_overdue_days = 7;
    r->htn_sbp = 140;
    r->htn_dbp = 90;
    r->htn_sbp_65 = 150;
    r->htn_dbp_65 = 90;
    r->elderly_age = 65;
    r->emerg_sbp = 180;
    r->emerg_dbp = 110;
    r->dm_glucose = 7.0;
    r->emerg_glucose_high = 16.7;
    r->emerg_glucose_low = 3.9;
    static const char *const htn[] = {"altered_consciousness", "severe_headache_dizziness", "nausea_vomiting",
                                      "blurred_vision", "eye_pain", "palpitations", "chest_tightness", "orthopnoea"};
    static const char *const dm[] = {"altered_consciousness", "ketone_breath", "palpitations", "sweating",
                                     "nausea_vomiting", "polydipsia_polyuria", "abdominal_pain", "deep_breathing",
                                     "flushed_skin", "tachycardia", "fever_39"};
    r->emerg_symptoms[HSS_CARE_HTN] = symptoms_mask(htn, sizeof htn / sizeof *htn);
    r->emerg_symptoms[HSS_CARE_T2DM] = symptoms_mask(dm, sizeof dm / sizeof *dm);
}

/* ---- loading care/rules.yaml ------------------------------------------------------------------ */

typedef struct {
    const char *name;
    hss_error *err;
} ctx;

static hss_code fail_at(ctx *c, const hss_yaml *y, const char *fmt, const char *a, const char *b)
{
    char m[512];
    snprintf(m, sizeof m, fmt, a, b);
    return hss_fail(c->err, HSS_EINVAL, "%s:%zu: %s", c->name, y ? y->line : 0, m);
}

/* Checks that every key of a map is one of `known` (NULL-terminated) or starts with "cite". */
static hss_code check_keys(ctx *c, const hss_yaml *map, const char *where, const char *const *known)
{
    if (!map || map->type != HSS_YAML_MAP)
        return fail_at(c, map, "%s%s: expected a mapping", where, "");
    for (size_t i = 0; i < map->n; i++) {
        if (strncmp(map->keys[i], "cite", 4) == 0)
            continue;
        int ok = 0;
        for (size_t k = 0; known[k]; k++)
            ok |= strcmp(known[k], map->keys[i]) == 0;
        if (!ok) {
            size_t nk = 0;
            while (known[nk])
                nk++;
            const char *s = hss_suggest(map->keys[i], known, nk);
            char hint[128] = "";
            if (s)
                snprintf(hint, sizeof hint, " (did you mean '%s'?)", s);
            return fail_at(c, map->items[i], "unknown key '%s'%s", map->keys[i], hint);
        }
    }
    return HSS_OK;
}

static hss_code get_num(ctx *c, const hss_yaml *map, const char *key, double lo, double hi, int integer, double *out)
{
    const hss_yaml *y = hss_yaml_get(map, key);
    if (!y)
        return fail_at(c, map, "missing key '%s'%s", key, "");
    double v;
    if (y->type != HSS_YAML_SCALAR || hss_parse_double(y->scalar, &v) != 0 ||
        (integer && v != (double)(long)v) || v < lo || v > hi) {
        char range[96];
        snprintf(range, sizeof range, "%s between %g and %g", integer ? "an integer" : "a number", lo, hi);
        return fail_at(c, y, "'%s' must be %s", key, range);
    }
    *out = v;
    return HSS_OK;
}

static hss_code get_int(ctx *c, const hss_yaml *map, const char *key, int lo, int hi, int *out)
{
    double v;
    hss_code rc = get_num(c, map, key, lo, hi, 1, &v);
    if (!rc)
        *out = (int)v;
    return rc;
}

static hss_code get_symptoms(ctx *c, const hss_yaml *map, uint32_t *out)
{
    const hss_yaml *y = hss_yaml_get(map, "symptoms");
    *out = 0;
    if (!y)
        return HSS_OK;
    if (y->type != HSS_YAML_SEQ)
        return fail_at(c, y, "'symptoms' must be a list of symptom ids%s%s", "", "");
    for (size_t i = 0; i < y->n; i++) {
        const hss_yaml *it = y->items[i];
        int k = it->type == HSS_YAML_SCALAR ? symptom_find(it->scalar, strlen(it->scalar)) : -1;
        if (k < 0)
            return fail_at(c, it, "unknown symptom '%s'%s", it->type == HSS_YAML_SCALAR ? it->scalar : "?", "");
        *out |= 1u << k;
    }
    return HSS_OK;
}

hss_code hss_care_rules_load(const char *path, hss_care_rules *out, hss_error *err)
{
    hss_yaml *root = hss_yaml_load(path, NULL, err);
    if (!root)
        return err ? err->code : HSS_EINVAL;
    ctx c = {path, err};
    hss_care_rules r;
    memset(&r, 0, sizeof r);
    hss_code rc;
    static const char *const top[] = {"schedule", "hypertension", "diabetes", NULL};
    static const char *const sched[] = {"routine_days", "visits_per_year", "recheck_days", "referral_followup_days",
                                        "due_window_days", "referral_overdue_days", NULL};
    static const char *const htn[] = {"controlled", "controlled_elderly", "emergency", NULL};
    static const char *const dm[] = {"controlled", "emergency", NULL};
    static const char *const bp[] = {"sbp_below", "dbp_below", NULL};
    static const char *const bp65[] = {"age_at_least", "sbp_below", "dbp_below", NULL};
    static const char *const hem[] = {"sbp_at_least", "dbp_at_least", "symptoms", NULL};
    static const char *const glu[] = {"fasting_glucose_below", NULL};
    static const char *const dem[] = {"glucose_at_least", "glucose_at_most", "sbp_at_least", "dbp_at_least", "symptoms", NULL};
    const hss_yaml *s = hss_yaml_get(root, "schedule"), *h = hss_yaml_get(root, "hypertension"),
                   *d = hss_yaml_get(root, "diabetes");
    int dsbp, ddbp;
    double v;
    if ((rc = check_keys(&c, root, "rules file", top)) ||
        (!s && (rc = fail_at(&c, root, "missing section '%s'%s", "schedule", ""))) ||
        (!h && (rc = fail_at(&c, root, "missing section '%s'%s", "hypertension", ""))) ||
        (!d && (rc = fail_at(&c, root, "missing section '%s'%s", "diabetes", ""))) ||
        (rc = check_keys(&c, s, "schedule", sched)) || (rc = get_int(&c, s, "routine_days", 1, 366, &r.routine_days)) ||
        (rc = get_int(&c, s, "visits_per_year", 1, 52, &r.visits_per_year)) ||
        (rc = get_int(&c, s, "recheck_days", 1, 90, &r.recheck_days)) ||
        (rc = get_int(&c, s, "referral_followup_days", 1, 90, &r.referral_followup_days)) ||
        (rc = get_int(&c, s, "due_window_days", 0, 60, &r.due_window_days)) ||
        (rc = get_int(&c, s, "referral_overdue_days", 1, 365, &r.referral_overdue_days)) ||
        (rc = check_keys(&c, h, "hypertension", htn)) ||
        (rc = check_keys(&c, hss_yaml_get(h, "controlled"), "hypertension.controlled", bp)) ||
        (rc = get_int(&c, hss_yaml_get(h, "controlled"), "sbp_below", 60, 300, &r.htn_sbp)) ||
        (rc = get_int(&c, hss_yaml_get(h, "controlled"), "dbp_below", 30, 200, &r.htn_dbp)) ||
        (rc = check_keys(&c, hss_yaml_get(h, "controlled_elderly"), "hypertension.controlled_elderly", bp65)) ||
        (rc = get_int(&c, hss_yaml_get(h, "controlled_elderly"), "age_at_least", 0, 150, &r.elderly_age)) ||
        (rc = get_int(&c, hss_yaml_get(h, "controlled_elderly"), "sbp_below", 60, 300, &r.htn_sbp_65)) ||
        (rc = get_int(&c, hss_yaml_get(h, "controlled_elderly"), "dbp_below", 30, 200, &r.htn_dbp_65)) ||
        (rc = check_keys(&c, hss_yaml_get(h, "emergency"), "hypertension.emergency", hem)) ||
        (rc = get_int(&c, hss_yaml_get(h, "emergency"), "sbp_at_least", 60, 300, &r.emerg_sbp)) ||
        (rc = get_int(&c, hss_yaml_get(h, "emergency"), "dbp_at_least", 30, 200, &r.emerg_dbp)) ||
        (rc = get_symptoms(&c, hss_yaml_get(h, "emergency"), &r.emerg_symptoms[HSS_CARE_HTN])) ||
        (rc = check_keys(&c, d, "diabetes", dm)) ||
        (rc = check_keys(&c, hss_yaml_get(d, "controlled"), "diabetes.controlled", glu)) ||
        (rc = get_num(&c, hss_yaml_get(d, "controlled"), "fasting_glucose_below", 1, 40, 0, &r.dm_glucose)) ||
        (rc = check_keys(&c, hss_yaml_get(d, "emergency"), "diabetes.emergency", dem)) ||
        (rc = get_num(&c, hss_yaml_get(d, "emergency"), "glucose_at_least", 1, 60, 0, &r.emerg_glucose_high)) ||
        (rc = get_num(&c, hss_yaml_get(d, "emergency"), "glucose_at_most", 0, 20, 0, &r.emerg_glucose_low)) ||
        (rc = get_int(&c, hss_yaml_get(d, "emergency"), "sbp_at_least", 60, 300, &dsbp)) ||
        (rc = get_int(&c, hss_yaml_get(d, "emergency"), "dbp_at_least", 30, 200, &ddbp)) ||
        (rc = get_symptoms(&c, hss_yaml_get(d, "emergency"), &r.emerg_symptoms[HSS_CARE_T2DM]))) {
        hss_yaml_free(root);
        return rc;
    }
    /* One blood-pressure emergency level serves both diseases (the specification gives the same
     * 180/110 for each); refuse a file that says otherwise rather than guess. */
    if (dsbp != r.emerg_sbp || ddbp != r.emerg_dbp) {
        rc = fail_at(&c, hss_yaml_get(d, "emergency"), "diabetes.emergency blood pressure must equal "
                     "hypertension.emergency (%s%s)", "both are 180/110 in the specification", "");
        hss_yaml_free(root);
        return rc;
    }
    if (r.emerg_glucose_low >= r.dm_glucose || r.emerg_glucose_high <= r.dm_glucose) {
        rc = fail_at(&c, d, "diabetes thresholds out of order: need glucose_at_most < fasting_glucose_below < "
                     "glucose_at_least%s%s", "", "");
        hss_yaml_free(root);
        return rc;
    }
    (void)v;
    hss_yaml_free(root);
    *out = r;
    return HSS_OK;
}

/* ---- classification -------------------------------------------------------------------------- */

hss_care_reading hss_care_classify(const hss_care_rules *r, int disease, int age, const hss_care_visit *v)
{
    int bp = v->sbp >= 0 && v->dbp >= 0;
    if ((v->symptoms & r->emerg_symptoms[disease & 1]) ||
        (v->sbp >= 0 && v->sbp >= r->emerg_sbp) || (v->dbp >= 0 && v->dbp >= r->emerg_dbp))
        return HSS_READ_EMERGENCY;
    if (disease == HSS_CARE_T2DM) {
        if (v->glucose < 0)
            return HSS_READ_MISSING;
        if (v->glucose >= r->emerg_glucose_high || v->glucose <= r->emerg_glucose_low)
            return HSS_READ_EMERGENCY;
        return v->glucose < r->dm_glucose ? HSS_READ_CONTROLLED : HSS_READ_UNCONTROLLED;
    }
    if (!bp)
        return HSS_READ_MISSING;
    int elderly = age >= r->elderly_age;
    int sl = elderly ? r->htn_sbp_65 : r->htn_sbp, dl = elderly ? r->htn_dbp_65 : r->htn_dbp;
    return v->sbp < sl && v->dbp < dl ? HSS_READ_CONTROLLED : HSS_READ_UNCONTROLLED;
}
