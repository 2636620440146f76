/* test_measures.c: every measure and comparator on the hand-built region of fixture.h, with
 * the answers worked out by hand: exactly on the threshold, population zero, missing data. */
#include "testutil.h"

#include "fixture.h"
#include "policy/policy.h"

static hss_buf pack;

/* Appends one rule to the pack text. scope and params are YAML flow maps ("" = none). */
static void rule(const char *id, const char *measure, const char *scope, const char *params,
                 const char *cmp, const char *target)
{
    hss_buf_printf(&pack,
                   "  - id: %s\n    title: {zh: 测试, en: test}\n"
                   "    source: {document: 901_test.txt, quote: 测试原文}\n    year: 2025\n"
                   "    measure: %s\n    comparator: \"%s\"\n"
                   "    unit: {zh: 单位, en: unit}\n"
                   "    gap: {zh: \"需增加 {need}\", en: \"needs {need} more\"}\n",
                   id, measure, cmp);
    if (*scope)
        hss_buf_printf(&pack, "    scope: %s\n", scope);
    if (*params)
        hss_buf_printf(&pack, "    params: %s\n", params);
    if (*target)
        hss_buf_printf(&pack, "    target: %s\n", target);
}

static hss_table *F;
static char *dir;

static int setup(void **state)
{
    (void)state;
    dir = hss_test_tmpdir();
    char *db = fixture_db(dir);
    hss_buf_init(&pack);
    hss_buf_puts(&pack, "pack: test\ntitle: {zh: 测试, en: test}\nyear: 2025\n"
                        "documents:\n  - file: 901_test.txt\nrules:\n");
    rule("amb", "ambulance_count", "{level: county}", "{per: 30000, base_multiplier: 3}", ">=", "");
    rule("amb_city", "ambulance_count", "{level: city}", "{per: 30000}", ">=", "");
    rule("np", "negative_pressure_ambulance_share", "{level: county}", "", ">=", "0.4");
    rule("psych", "psychiatrists_per_100k", "{level: county}", "", ">=", "4");
    rule("nurses_3a", "nurses_per_open_bed", "{each: facility, types: [general_hospital], grades: [3A]}", "", ">=", "0.7");
    rule("nurses_3b", "nurses_per_open_bed", "{each: facility, types: [general_hospital], grades: [3B]}", "", ">=", "0.65");
    rule("nurses_thc", "nurses_per_open_bed", "{each: facility, types: [township_health_center]}", "", ">=", "0.2");
    rule("nurses_tcm", "nurses_per_open_bed", "{each: facility, types: [tcm_hospital]}", "", ">=", "0.6");
    rule("ht_3a", "health_technicians_per_open_bed", "{each: facility, types: [general_hospital], grades: [3A]}", "", ">=", "1.25");
    rule("ht_3b", "health_technicians_per_open_bed", "{each: facility, types: [general_hospital], grades: [3B]}", "", ">=", "1.15");
    rule("open", "open_to_approved_beds", "{each: facility, grades: [3A, 3B]}", "", "<=", "1.15");
    rule("thc", "township_health_center_presence", "{level: township, kind: rural}", "", "present", "");
    rule("chc", "community_health_center_presence", "{level: township, kind: urban}", "", "present", "");
    rule("gh", "general_hospital_presence", "{level: county, ownership: [government]}", "", "present", "");
    rule("tcm", "tcm_hospital_presence", "{level: county}", "", "present", "");
    rule("vc", "village_clinic_presence", "{level: village}", "{population_over: 1000}", "present", "");
    rule("vc_all", "village_clinic_presence", "{level: village}", "{population_over: 0}", "present", "");
    rule("beds", "beds_per_1000", "{level: county}", "", ">=", "2.35");
    rule("inf", "infectious_beds_per_10k", "{level: county}", "", ">=", "1.5");
    rule("php", "public_health_physician_count", "{each: facility, types: [township_health_center, community_health_center]}", "", ">=", "2");
    rule("gps", "gps_per_10k", "{level: county}", "", ">=", "0.5");
    rule("mch", "staff_per_10k", "{level: county}", "{category: mch_staff}", ">=", "1");
    rule("ppb", "physicians_per_open_bed", "{level: county}", "", ">=", "0.53");
    rule("npp", "nurses_per_physician", "{each: facility, types: [township_health_center]}", "", ">=", "1.1");
    rule("hts", "health_technician_share", "{each: facility, types: [general_hospital], grades: [3A]}", "", ">=", "0.7");
    rule("vcdoc", "staff_count", "{each: facility, types: [village_clinic], ownership: [government, collective]}", "{category: physician}", ">=", "1");
    rule("aides", "ems_crew_per_ambulance", "{level: county}", "{category: ems_aide}", ">=", "2");
    rule("hall", "service_present", "{each: facility, types: [township_health_center, community_health_center]}", "{service: tcm_hall}", "present", "");
    rule("hallshare", "service_share", "{level: county, types: [township_health_center, community_health_center]}", "{service: tcm_hall}", ">=", "0.5");
    rule("fever", "facility_count", "{level: county}", "{service: fever_clinic}", ">=", "1");
    rule("central", "facility_count", "{level: city, types: [township_health_center], central: true}", "", ">=", "1");
    rule("gov", "public_ownership_share", "{level: county, types: [village_clinic]}", "{ownership: government}", ">=", "0.9");
    rule("pub", "public_ownership_share", "{level: county, types: [village_clinic]}", "", ">=", "0.9");
    rule("resp", "ems_response_time_min", "{level: county}", "", "<", "11");
    rule("icr", "in_county_treatment_rate", "{level: county}", "", ">=", "0.9");
    rule("aed", "aed_count", "{level: county}", "", ">=", "600");
    rule("sub", "sub_centre_count", "{level: county}", "{population_at_least: 50000}", ">=", "1");
    rule("named", "facility_count", "{level: county, areas: [\"331102\", \"331124\"]}", "", ">=", "1");
    rule("named_fac", "nurses_per_open_bed", "{each: facility, areas: [\"331121\"]}", "", ">=", "0.1");
    /* comparators on facility_count of county 甲区 (4 facilities: F1 F2 F5 F7) */
    rule("gt3", "facility_count", "{level: county}", "", ">", "3");
    rule("gt4", "facility_count", "{level: county}", "", ">", "4");
    rule("lt5", "facility_count", "{level: county}", "", "<", "5");
    rule("lt4", "facility_count", "{level: county}", "", "<", "4");
    rule("eq4", "facility_count", "{level: county}", "", "==", "4");
    rule("le3", "facility_count", "{level: county}", "", "<=", "3");
    rule("any", "facility_count", "{level: county}", "", "present", "");
    /* grade_share over hospitals F1 3A, F2 3B (甲区) and F3 2A (乙县) */
    rule("g2a", "grade_share", "{level: city, types: [general_hospital, tcm_hospital]}", "{grade_at_least: 2A}", ">=", "0.9");
    rule("g3a", "grade_share", "{level: county, types: [general_hospital, tcm_hospital]}", "{grade_at_least: 3A}", ">=", "0.6");
    /* village clinics: F6 has 1 assistant physician and (added below) 3 village doctors */
    rule("vdq", "village_doctor_qualified_share", "{level: county, types: [village_clinic]}", "", ">=", "0.45");
    char *path = hss_test_write(dir, "test.yaml", pack.data);
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    assert_non_null(st);
    if (hss_store_exec(st, "INSERT INTO staff(facility_code,category,count) VALUES"
                           " ('F6','village_doctor',3)", &err) != HSS_OK)
        fail_msg("%s", err.msg);
    if (hss_policy_findings(st, path, 0, NULL, &F, &err) != HSS_OK)
        fail_msg("%s", err.msg);
    hss_store_close(st);
    free(path);
    free(db);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    hss_table_free(F);
    hss_buf_free(&pack);
    free(dir);
    return 0;
}

/* Checks one finding: status, and observed/target/gap/need when given (NULL = don't care). */
static void expect(const char *rule_id, const char *subject, const char *status,
                   const char *observed, const char *target, const char *need)
{
    long r = fixture_row(F, rule_id, subject);
    if (r < 0)
        fail_msg("no finding for %s / %s", rule_id, subject);
    if (strcmp(fixture_cell(F, r, "status"), status) != 0)
        fail_msg("%s/%s: status %s, expected %s (observed %s, reason %s)", rule_id, subject,
                 fixture_cell(F, r, "status"), status, fixture_cell(F, r, "observed"),
                 fixture_cell(F, r, "reason"));
    if (observed)
        assert_string_equal(fixture_cell(F, r, "observed"), observed);
    if (target)
        assert_string_equal(fixture_cell(F, r, "target"), target);
    if (need)
        assert_string_equal(fixture_cell(F, r, "need"), need);
}

static void expect_reason(const char *rule_id, const char *subject, const char *part)
{
    long r = fixture_row(F, rule_id, subject);
    assert_true(r >= 0);
    if (!strstr(fixture_cell(F, r, "reason"), part))
        fail_msg("%s/%s: reason '%s' lacks '%s'", rule_id, subject, fixture_cell(F, r, "reason"), part);
}

static void ambulance_count(void **state)
{
    (void)state;
    /* 甲区: 3 x 100,000 / 30,000 = 10 required, 4 present: needs 6. */
    expect("amb", "331102", "fail", "4", "10", "6");
    long r = fixture_row(F, "amb", "331102");
    assert_string_equal(fixture_cell(F, r, "gap"), "6");
    assert_string_equal(fixture_cell(F, r, "gap_text"), "需增加 6");
    assert_string_equal(fixture_cell(F, r, "gap_text_en"), "needs 6 more");
    /* 戊县: 3 x 40,000 / 30,000 = 4 required, exactly 4 present. */
    expect("amb", "331124", "pass", "4", "4", "0");
    expect("amb", "331121", "unknown", "", NULL, NULL);
    expect_reason("amb", "331121", "no vehicles recorded");
    expect("amb", "331122", "unknown", "", NULL, NULL);
    expect_reason("amb", "331122", "is zero");
    expect("amb", "331123", "unknown", "", NULL, NULL);
    expect_reason("amb", "331123", "not recorded");
    /* The city's population cannot be derived: 丁县 has none. */
    expect("amb_city", "331100", "unknown", "", NULL, NULL);
    expect_reason("amb_city", "331100", "population of 测试市 (331100) is not recorded");
}

static void negative_pressure_share(void **state)
{
    (void)state;
    expect("np", "331102", "pass", "0.5", "0.4", "0");
    /* 1 of 4: 0.25; 0.4 x 4 = 1.6, so 1 more must be negative-pressure. */
    expect("np", "331124", "fail", "0.25", "0.4", "1");
    long r = fixture_row(F, "np", "331124");
    assert_string_equal(fixture_cell(F, r, "gap"), "0.15");
    expect("np", "331121", "unknown", NULL, NULL, NULL);
}

static void per_resident_rates(void **state)
{
    (void)state;
    expect("psych", "331102", "pass", "4", "4", "0"); /* 4 per 100,000: on the threshold */
    /* 乙县: population derived from its township (45,000); 4 x 0.45 = 1.8 -> 2 psychiatrists. */
    expect("psych", "331121", "fail", "0", "4", "2");
    expect("psych", "331122", "unknown", NULL, NULL, NULL); /* no staff, no population */
    expect("gps", "331102", "pass", "0.5", NULL, NULL);     /* 5 per 100,000 = 0.5 per 10,000 */
    expect("mch", "331102", "pass", "1", NULL, NULL); /* 10 MCH staff per 100,000: on the threshold */
    /* beds: 甲区 (115 + 120) / 100,000 x 1,000 = 2.35, exactly the target. */
    expect("beds", "331102", "pass", "2.35", "2.35", NULL);
    expect_reason("beds", "331102", "2 of 4 facilities have no open beds recorded");
    /* 乙县: 30 open beds / 45,000 = 0.6667 per 1,000; 2.35 x 45 = 105.75 -> 76 beds. */
    expect("beds", "331121", "fail", "0.6667", NULL, "76");
    expect("beds", "331122", "unknown", NULL, NULL, NULL);
    expect_reason("beds", "331122", "no open beds recorded");
    expect("inf", "331102", "pass", "1.5", NULL, NULL); /* 15 / 100,000 x 10,000 */
    expect("inf", "331121", "unknown", NULL, NULL, NULL);
    expect_reason("inf", "331121", "no infectious-disease beds recorded");
}

static void staffing_ratios(void **state)
{
    (void)state;
    /* F1: 80 nurses / 115 beds = 0.6957 < 0.7; 0.7 x 115 = 80.5 -> 1 more nurse. */
    expect("nurses_3a", "F1", "fail", "0.6957", "0.7", "1");
    /* F2: 65 / 120 = 0.5417; 0.65 x 120 = 78 -> 13 more. */
    expect("nurses_3b", "F2", "fail", "0.5417", NULL, "13");
    expect("nurses_thc", "F4", "pass", "0.2", NULL, NULL); /* 6 / 30, on the threshold */
    expect("nurses_tcm", "F3", "unknown", NULL, NULL, NULL);
    expect_reason("nurses_tcm", "F3", "no open beds recorded");
    /* F1 health technicians 60 + 80 + 4 = 144 / 115 = 1.2522 (subset categories not added). */
    expect("ht_3a", "F1", "pass", "1.2522", NULL, NULL);
    expect("ht_3b", "F2", "fail", "0.875", NULL, "33"); /* 1.15 x 120 = 138 - 105 */
    expect("open", "F1", "pass", "1.15", "1.15", NULL); /* exactly 115 % */
    expect("open", "F2", "fail", "1.2", NULL, "5");     /* 120 - 115 beds too many */
    assert_true(fixture_row(F, "open", "F3") < 0);        /* 2A: outside the scope */
    expect("php", "F4", "pass", "2", "2", NULL);
    expect("php", "F5", "unknown", NULL, NULL, NULL);
    expect_reason("php", "F5", "no staff recorded");
    expect("ppb", "331102", "fail", "0.4255", NULL, "25"); /* 100 / 235; 0.53 x 235 = 124.55 */
    expect("npp", "F4", "pass", "1.2", NULL, NULL);
    expect("hts", "F1", "pass", "0.9", NULL, NULL); /* 144 / (60 + 80 + 4 + 16): MCH staff is a role, not added */
    expect("vcdoc", "F6", "pass", "1", NULL, NULL);
    expect("aides", "331102", "pass", "2", NULL, NULL); /* 8 aides / 4 ambulances */
    expect("aides", "331124", "unknown", NULL, NULL, NULL);
}

static void presence(void **state)
{
    (void)state;
    expect("thc", "331121001", "pass", "1", "1", NULL);
    expect("thc", "331124001", "fail", "0", "1", "1");
    assert_true(fixture_row(F, "thc", "331102001") < 0); /* urban: not in scope */
    expect("chc", "331102001", "pass", "1", NULL, NULL);
    expect("chc", "331102002", "fail", "0", NULL, "1");
    expect("gh", "331102", "pass", "2", NULL, NULL);
    expect("gh", "331121", "fail", "0", NULL, "1");
    expect("tcm", "331121", "pass", "1", NULL, NULL);
    expect("tcm", "331102", "fail", NULL, NULL, NULL);
    expect("vc", "331121001001", "pass", "1", NULL, NULL);
    expect("vc", "331121001002", "fail", "0", NULL, "1");  /* 1,001 residents: over 1,000 */
    assert_true(fixture_row(F, "vc", "331121001003") < 0); /* exactly 1,000: not over */
    expect("vc", "331121001004", "unknown", NULL, NULL, NULL);
    /* population_over 0: every village needs one, population recorded or not. */
    expect("vc_all", "331121001003", "fail", "0", NULL, "1");
    expect("vc_all", "331121001004", "fail", "0", NULL, "1");
    expect("hall", "F4", "pass", "1", NULL, NULL);
    expect("hall", "F5", "fail", "0", NULL, "1");
    expect("hallshare", "331121", "pass", "1", NULL, NULL);   /* F4 has a TCM hall */
    expect("hallshare", "331102", "fail", "0", NULL, "1");    /* F5 has none: 0.5 x 1 -> 1 */
    expect("hallshare", "331124", "unknown", NULL, NULL, NULL); /* no centres: no share */
    expect("fever", "331102", "pass", "1", NULL, NULL);
    expect("fever", "331124", "fail", "0", NULL, "1");
    expect("central", "331100", "pass", "1", NULL, NULL);
    expect("gov", "331121", "fail", "0", NULL, "1"); /* the one clinic is collective */
    expect("pub", "331121", "pass", "1", NULL, NULL);
    expect("pub", "331102", "unknown", NULL, NULL, NULL); /* no village clinics: no share */
    expect("sub", "331102", "fail", "0", NULL, "1");        /* only 甲区 has >= 50,000 */
    assert_true(fixture_row(F, "sub", "331124") < 0);
    expect("sub", "331123", "unknown", NULL, NULL, NULL);   /* population unknown */
}

static void declared_measures_are_unknown(void **state)
{
    (void)state;
    expect("resp", "331102", "unknown", "", NULL, NULL);
    expect_reason("resp", "331102", "needs road travel times: no road network is stored");
    expect("icr", "331102", "unknown", NULL, NULL, NULL);
    expect_reason("icr", "331102", "needs monthly activity data");
    expect_reason("aed", "331124", "no AEDs recorded for 戊县");
    /* Reasons also in Chinese, for the report. */
    long r = fixture_row(F, "resp", "331102");
    assert_string_equal(fixture_cell(F, r, "reason_zh"), "需要道路通行时间：尚未导入路网（hss roads import 或 generate）");
    r = fixture_row(F, "amb", "331122");
    assert_string_equal(fixture_cell(F, r, "reason_zh"), "丙县（331122）常住人口为0，无法计算人均指标");
    r = fixture_row(F, "aed", "331124");
    assert_string_equal(fixture_cell(F, r, "reason_zh"), "戊县未登记AED");
}

static void named_areas(void **state)
{
    (void)state;
    expect("named", "331102", "pass", "4", NULL, NULL);
    expect("named", "331124", "pass", "1", NULL, NULL);
    assert_true(fixture_row(F, "named", "331121") < 0);
    expect("named_fac", "F4", "pass", "0.2", NULL, NULL); /* in 乙县's subtree */
    expect("named_fac", "F3", "unknown", NULL, NULL, NULL);
    assert_true(fixture_row(F, "named_fac", "F1") < 0);
}

static void comparators(void **state)
{
    (void)state;
    expect("gt3", "331102", "pass", "4", NULL, NULL);
    expect("gt4", "331102", "fail", "4", NULL, "1");
    expect("lt5", "331102", "pass", NULL, NULL, NULL);
    expect("lt4", "331102", "fail", NULL, NULL, "1");
    expect("eq4", "331102", "pass", NULL, NULL, NULL);
    expect("le3", "331102", "fail", NULL, NULL, "1");
    expect("any", "331102", "pass", NULL, NULL, NULL);
    expect("any", "331122", "fail", "0", NULL, NULL);
}

static void grade_and_qualification_shares(void **state)
{
    (void)state;
    expect("g2a", "331100", "pass", "1", NULL, NULL);          /* 3 of 3 at 2A or above */
    expect("g3a", "331102", "fail", "0.5", NULL, NULL);        /* F1 of F1, F2 */
    expect("g3a", "331121", "fail", "0", NULL, NULL);          /* F3 is 2A */
    expect("g3a", "331124", "unknown", NULL, NULL, NULL);      /* no hospital: no share */
    expect("vdq", "331121", "fail", "0.25", NULL, NULL);       /* 1 / (1 + 3) */
    expect("vdq", "331102", "unknown", NULL, NULL, NULL);      /* no village clinic */
}

static void every_finding_cites_its_rule(void **state)
{
    (void)state;
    for (size_t r = 0; r < hss_table_rows(F); r++) {
        assert_string_equal(fixture_cell(F, (long)r, "document"), "901_test.txt");
        assert_string_equal(fixture_cell(F, (long)r, "quote"), "测试原文");
        assert_string_equal(fixture_cell(F, (long)r, "pack"), "test");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ambulance_count),
        cmocka_unit_test(negative_pressure_share),
        cmocka_unit_test(per_resident_rates),
        cmocka_unit_test(staffing_ratios),
        cmocka_unit_test(presence),
        cmocka_unit_test(declared_measures_are_unknown),
        cmocka_unit_test(named_areas),
        cmocka_unit_test(comparators),
        cmocka_unit_test(grade_and_qualification_shares),
        cmocka_unit_test(every_finding_cites_its_rule),
    };
    return cmocka_run_group_tests_name("policy/measures", tests, setup, teardown);
}
