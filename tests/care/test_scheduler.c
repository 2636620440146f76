/* test_scheduler.c: the chronic-disease rules of the 国家基本公共卫生服务规范(第三版): the rule
 * file (care/rules.yaml) equals the built-in defaults, bad rule files are refused with file:line,
 * each reading is classified at the thresholds, and each scheduler rule is checked on a
 * hand-made patient history. */
#include "testutil.h"

#include "care/care.h"

static int32_t D(const char *s)
{
    int32_t d = 0;
    assert_int_equal(hss_care_parse_day(s, 0, &d), 0);
    return d;
}

static hss_care_visit bp(const char *day, int sbp, int dbp)
{
    hss_care_visit v = {D(day), sbp, dbp, -1, 0, 0};
    return v;
}

static hss_care_visit glu(const char *day, double g)
{
    hss_care_visit v = {D(day), -1, -1, g, 0, 0};
    return v;
}

static void rules_file_equals_defaults(void **state)
{
    (void)state;
    hss_care_rules a, b;
    hss_error err;
    hss_error_clear(&err);
    hss_care_rules_default(&a);
    assert_int_equal(hss_care_rules_load("care/rules.yaml", &b, &err), HSS_OK);
    assert_memory_equal(&a, &b, sizeof a);
    assert_int_equal(a.htn_sbp, 140);
    assert_int_equal(a.htn_sbp_65, 150);
    assert_int_equal(a.emerg_sbp, 180);
    assert_int_equal(a.emerg_dbp, 110);
}

static void bad_rule_files_name_the_line(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    char *text = hss_read_file("care/rules.yaml", NULL, NULL);
    assert_non_null(text);
    /* a misspelt key */
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_puts(&b, text);
    char *p = strstr(b.data, "recheck_days");
    memcpy(p, "recheck_dayz", 12);
    char *path = hss_test_write(dir, "r1.yaml", b.data);
    hss_care_rules r;
    hss_error err;
    hss_error_clear(&err);
    assert_int_equal(hss_care_rules_load(path, &r, &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "r1.yaml:"));
    assert_non_null(strstr(err.msg, "recheck_dayz"));
    assert_non_null(strstr(err.msg, "did you mean 'recheck_days'"));
    free(path);
    /* a threshold that is not a number */
    hss_buf_reset(&b);
    hss_buf_puts(&b, text);
    p = strstr(b.data, "sbp_below: 140");
    memcpy(p, "sbp_below: 1x0", 14);
    path = hss_test_write(dir, "r2.yaml", b.data);
    assert_int_equal(hss_care_rules_load(path, &r, &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "r2.yaml:"));
    assert_non_null(strstr(err.msg, "'sbp_below' must be an integer"));
    free(path);
    /* an unknown symptom */
    hss_buf_reset(&b);
    hss_buf_puts(&b, text);
    p = strstr(b.data, "eye_pain");
    memcpy(p, "eye_gain", 8);
    path = hss_test_write(dir, "r3.yaml", b.data);
    assert_int_equal(hss_care_rules_load(path, &r, &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "unknown symptom 'eye_gain'"));
    free(path);
    /* a changed threshold takes effect */
    hss_buf_reset(&b);
    hss_buf_puts(&b, text);
    p = strstr(b.data, "fasting_glucose_below: 7.0");
    memcpy(p, "fasting_glucose_below: 7.5", 26);
    path = hss_test_write(dir, "r4.yaml", b.data);
    assert_int_equal(hss_care_rules_load(path, &r, &err), HSS_OK);
    hss_care_visit v = glu("2025-01-01", 7.2);
    assert_int_equal(hss_care_classify(&r, HSS_CARE_T2DM, 50, &v), HSS_READ_CONTROLLED);
    free(path);
    hss_buf_free(&b);
    free(text);
    free(dir);
}

static void thresholds(void **state)
{
    (void)state;
    hss_care_rules r;
    hss_care_rules_default(&r);
    hss_care_visit v;
    v = bp("2025-01-01", 139, 89);
    assert_int_equal(hss_care_classify(&r, HSS_CARE_HTN, 50, &v), HSS_READ_CONTROLLED);
    v = bp("2025-01-01", 140, 80);
    assert_int_equal(hss_care_classify(&r, HSS_CARE_HTN, 50, &v), HSS_READ_UNCONTROLLED);
    v = bp("2025-01-01", 130, 90);
    assert_int_equal(hss_care_classify(&r, HSS_CARE_HTN, 50, &v), HSS_READ_UNCONTROLLED);
    /* 65 and older: < 150/90 */
    v = bp("2025-01-01", 149, 89);
    assert_int_equal(hss_care_classify(&r, HSS_CARE_HTN, 65, &v), HSS_READ_CONTROLLED);
    assert_int_equal(hss_care_classify(&r, HSS_CARE_HTN, 64, &v), HSS_READ_UNCONTROLLED);
    v = bp("2025-01-01", 150, 80);
    assert_int_equal(hss_care_classify(&r, HSS_CARE_HTN, 70, &v), HSS_READ_UNCONTROLLED);
    /* emergencies */
    v = bp("2025-01-01", 180, 100);
    assert_int_equal(hss_care_classify(&r, HSS_CARE_HTN, 50, &v), HSS_READ_EMERGENCY);
    v = bp("2025-01-01", 170, 110);
    assert_int_equal(hss_care_classify(&r, HSS_CARE_HTN, 50, &v), HSS_READ_EMERGENCY);
    v = bp("2025-01-01", 179, 109);
    assert_int_equal(hss_care_classify(&r, HSS_CARE_HTN, 50, &v), HSS_READ_UNCONTROLLED);
    v = bp("2025-01-01", 130, 80);
    uint32_t m;
    char bad[64];
    assert_int_equal(hss_care_symptoms_parse("chest_tightness", &m, bad), 0);
    v.symptoms = m;
    assert_int_equal(hss_care_classify(&r, HSS_CARE_HTN, 50, &v), HSS_READ_EMERGENCY);
    assert_int_equal(hss_care_symptoms_parse("dizziness", &m, bad), 0);
    v.symptoms = m;
    assert_int_equal(hss_care_classify(&r, HSS_CARE_HTN, 50, &v), HSS_READ_CONTROLLED);
    assert_int_equal(hss_care_symptoms_parse("dizziness;sneezing", &m, bad), -1);
    assert_string_equal(bad, "sneezing");
    /* diabetes */
    v = glu("2025-01-01", 6.9);
    assert_int_equal(hss_care_classify(&r, HSS_CARE_T2DM, 50, &v), HSS_READ_CONTROLLED);
    v = glu("2025-01-01", 7.0);
    assert_int_equal(hss_care_classify(&r, HSS_CARE_T2DM, 50, &v), HSS_READ_UNCONTROLLED);
    v = glu("2025-01-01", 16.7);
    assert_int_equal(hss_care_classify(&r, HSS_CARE_T2DM, 50, &v), HSS_READ_EMERGENCY);
    v = glu("2025-01-01", 3.9);
    assert_int_equal(hss_care_classify(&r, HSS_CARE_T2DM, 50, &v), HSS_READ_EMERGENCY);
    v = glu("2025-01-01", 4.0);
    assert_int_equal(hss_care_classify(&r, HSS_CARE_T2DM, 50, &v), HSS_READ_CONTROLLED);
    v = glu("2025-01-01", 6.0);
    v.sbp = 185;
    v.dbp = 100;
    assert_int_equal(hss_care_classify(&r, HSS_CARE_T2DM, 50, &v), HSS_READ_EMERGENCY);
    v = glu("2025-01-01", -1);
    assert_int_equal(hss_care_classify(&r, HSS_CARE_T2DM, 50, &v), HSS_READ_MISSING);
}

/* A patient born 1970-01-01 (aged 55 in 2025), enrolled 2025-01-01. */
static hss_care_patient patient(int disease)
{
    hss_care_patient p;
    memset(&p, 0, sizeof p);
    p.disease = disease;
    p.birth = D("1970-01-01");
    p.enrolled = D("2025-01-01");
    return p;
}

static void check(const hss_care_patient *p, const char *day, hss_care_action a, const char *due,
                  hss_care_due status, int overdue)
{
    hss_care_rules r;
    hss_care_rules_default(&r);
    hss_care_next n;
    hss_care_next_action(&r, p, D(day), &n);
    char d[11];
    hss_care_format_day(n.due, d);
    if (n.action != a || strcmp(d, due) != 0 || n.status != status || n.days_overdue != overdue)
        fail_msg("on %s: got %s due %s %s (%d), want %s due %s %s (%d)", day, hss_care_action_id(n.action), d,
                 hss_care_due_id(n.status), n.days_overdue, hss_care_action_id(a), due, hss_care_due_id(status), overdue);
    assert_int_equal(n.reason[0], 0);
    hss_care_next_explain(&r, p, &n);
    assert_true(strlen(n.reason) > 0);
}

static void rule_first_visit(void **state)
{
    (void)state;
    hss_care_patient p = patient(HSS_CARE_HTN);
    check(&p, "2024-12-20", HSS_ACT_FIRST_VISIT, "2025-01-01", HSS_DUE_SCHEDULED, 0);
    check(&p, "2024-12-26", HSS_ACT_FIRST_VISIT, "2025-01-01", HSS_DUE_DUE, 0); /* within 7 days */
    check(&p, "2025-01-11", HSS_ACT_FIRST_VISIT, "2025-01-01", HSS_DUE_OVERDUE, 10);
}

static void rule_routine_quarterly(void **state)
{
    (void)state;
    hss_care_patient p = patient(HSS_CARE_HTN);
    hss_care_visit v = bp("2025-01-10", 130, 80);
    hss_care_patient_add_visit(&p, &v);
    check(&p, "2025-02-01", HSS_ACT_ROUTINE, "2025-04-10", HSS_DUE_SCHEDULED, 0); /* + 90 days */
    check(&p, "2025-04-03", HSS_ACT_ROUTINE, "2025-04-10", HSS_DUE_DUE, 0);
    check(&p, "2025-04-20", HSS_ACT_ROUTINE, "2025-04-10", HSS_DUE_OVERDUE, 10);
}

static void rule_recheck_after_uncontrolled(void **state)
{
    (void)state;
    hss_care_patient p = patient(HSS_CARE_HTN);
    hss_care_visit v1 = bp("2025-01-10", 130, 80), v2 = bp("2025-04-10", 152, 92);
    hss_care_patient_add_visit(&p, &v1);
    hss_care_patient_add_visit(&p, &v2);
    check(&p, "2025-04-10", HSS_ACT_RECHECK, "2025-04-24", HSS_DUE_SCHEDULED, 0);
    check(&p, "2025-04-20", HSS_ACT_RECHECK, "2025-04-24", HSS_DUE_DUE, 0);
    check(&p, "2025-05-01", HSS_ACT_RECHECK, "2025-04-24", HSS_DUE_OVERDUE, 7);
    /* the re-check is controlled: back to quarterly */
    hss_care_visit v3 = bp("2025-04-22", 132, 84);
    hss_care_patient_add_visit(&p, &v3);
    check(&p, "2025-05-01", HSS_ACT_ROUTINE, "2025-07-21", HSS_DUE_SCHEDULED, 0);
}

static void rule_referral_after_two_uncontrolled(void **state)
{
    (void)state;
    hss_care_patient p = patient(HSS_CARE_T2DM);
    hss_care_visit v1 = glu("2025-03-01", 8.1), v2 = glu("2025-03-14", 7.6);
    hss_care_patient_add_visit(&p, &v1);
    check(&p, "2025-03-02", HSS_ACT_RECHECK, "2025-03-15", HSS_DUE_SCHEDULED, 0);
    hss_care_patient_add_visit(&p, &v2);
    check(&p, "2025-03-14", HSS_ACT_REFER, "2025-03-14", HSS_DUE_DUE, 0);
    check(&p, "2025-03-20", HSS_ACT_REFER, "2025-03-14", HSS_DUE_OVERDUE, 6);
    /* the visit that referred: follow up within 2 weeks */
    p = patient(HSS_CARE_T2DM);
    v2.referred = 1;
    hss_care_patient_add_visit(&p, &v1);
    hss_care_patient_add_visit(&p, &v2);
    check(&p, "2025-03-20", HSS_ACT_REFERRAL_FOLLOWUP, "2025-03-28", HSS_DUE_SCHEDULED, 0);
    check(&p, "2025-03-21", HSS_ACT_REFERRAL_FOLLOWUP, "2025-03-28", HSS_DUE_DUE, 0);
    /* uncontrolled again after the referral: a re-check, not a second referral */
    hss_care_visit v3 = glu("2025-03-27", 7.4);
    hss_care_patient_add_visit(&p, &v3);
    check(&p, "2025-03-28", HSS_ACT_RECHECK, "2025-04-10", HSS_DUE_SCHEDULED, 0);
}

static void rule_emergency_referral(void **state)
{
    (void)state;
    hss_care_patient p = patient(HSS_CARE_HTN);
    hss_care_visit v = bp("2025-05-05", 186, 100);
    hss_care_patient_add_visit(&p, &v);
    check(&p, "2025-05-05", HSS_ACT_REFER, "2025-05-05", HSS_DUE_DUE, 0);
    hss_care_rules r;
    hss_care_rules_default(&r);
    hss_care_next n;
    hss_care_next_action(&r, &p, D("2025-05-05"), &n);
    hss_care_next_explain(&r, &p, &n);
    assert_non_null(strstr(n.reason, "血压 186/100 mmHg"));
    assert_non_null(strstr(n.reason, "危急情况"));
    p = patient(HSS_CARE_T2DM);
    v = glu("2025-05-05", 3.2); /* hypoglycaemia */
    hss_care_patient_add_visit(&p, &v);
    check(&p, "2025-05-06", HSS_ACT_REFER, "2025-05-05", HSS_DUE_OVERDUE, 1);
    v.referred = 1;
    p = patient(HSS_CARE_T2DM);
    hss_care_patient_add_visit(&p, &v);
    check(&p, "2025-05-06", HSS_ACT_REFERRAL_FOLLOWUP, "2025-05-19", HSS_DUE_SCHEDULED, 0);
    check(&p, "2025-05-25", HSS_ACT_REFERRAL_FOLLOWUP, "2025-05-19", HSS_DUE_OVERDUE, 6);
}

static void rule_elderly_threshold_by_age_at_visit(void **state)
{
    (void)state;
    /* born 1960-06-15: 64 on 2025-06-14, 65 on 2025-06-15; 145/85 is controlled only at 65 */
    hss_care_patient p = patient(HSS_CARE_HTN);
    p.birth = D("1960-06-15");
    hss_care_visit v = bp("2025-06-14", 145, 85);
    hss_care_patient_add_visit(&p, &v);
    check(&p, "2025-06-15", HSS_ACT_RECHECK, "2025-06-28", HSS_DUE_SCHEDULED, 0);
    p = patient(HSS_CARE_HTN);
    p.birth = D("1960-06-15");
    v = bp("2025-06-15", 145, 85);
    hss_care_patient_add_visit(&p, &v);
    check(&p, "2025-06-16", HSS_ACT_ROUTINE, "2025-09-13", HSS_DUE_SCHEDULED, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rules_file_equals_defaults),
        cmocka_unit_test(bad_rule_files_name_the_line),
        cmocka_unit_test(thresholds),
        cmocka_unit_test(rule_first_visit),
        cmocka_unit_test(rule_routine_quarterly),
        cmocka_unit_test(rule_recheck_after_uncontrolled),
        cmocka_unit_test(rule_referral_after_two_uncontrolled),
        cmocka_unit_test(rule_emergency_referral),
        cmocka_unit_test(rule_elderly_threshold_by_age_at_visit),
    };
    return cmocka_run_group_tests_name("care_scheduler", tests, NULL, NULL);
}
