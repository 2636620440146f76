/* test_fhir_import.c: Bundle import (hss_fhir_import and `hss fhir import`) on the care fixture
 * (tests/server/care_fixture.h): a good transaction makes a resident, a follow-up, a referral and
 * monthly activity counts (outpatient visits at the facility, an out-of-county visit for the
 * patient's county) with one audit row; bad bundles (wrong check digit, unknown code, a
 * reference to nothing, a follow-up for a disease the patient is not enrolled in, another
 * county's village for a county caller) answer with an OperationOutcome naming each entry and
 * change nothing. */
#include "fhir/fhir.h"
#include "server/care_fixture.h"

static char *dir, *db;
static care_fixture fx;
static long long id_a;

static int setup(void **state)
{
    (void)state;
    dir = hss_test_tmpdir();
    db = make_region_db(dir);
    add_care_data(dir, db, &fx);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT id FROM care_resident WHERE id_number='%s'", fx.a);
    id_a = db_query_int(db, sql);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(db);
    free(dir);
    return 0;
}

/* Everything an import may change, as one fingerprint. */
static void fingerprint(char out[300])
{
    snprintf(out, 300, "%lld/%lld/%lld/%lld/%lld",
             db_query_int(db, "SELECT count(*) FROM care_resident"),
             db_query_int(db, "SELECT count(*) FROM care_followup"),
             db_query_int(db, "SELECT count(*) FROM care_referral"),
             db_query_int(db, "SELECT count(*) + coalesce(sum(value),0) FROM data_value"),
             db_query_int(db, "SELECT count(*) FROM audit WHERE action='fhir_import'"));
}

static hss_code import(const char *json, const char *scope, char **resp)
{
    hss_error err;
    hss_error_clear(&err);
    hss_store *st = hss_store_open_existing(db, &err);
    assert_non_null(st);
    hss_fhir_import_stats s;
    hss_code c = hss_fhir_import(st, "his", scope, json, strlen(json), resp, &s, &err);
    hss_store_close(st);
    assert_non_null(*resp);
    return c;
}

static char *good_bundle(const char *d)
{
    static char b[8192];
    snprintf(b, sizeof b,
        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
        "{\"fullUrl\":\"urn:uuid:p1\",\"resource\":{\"resourceType\":\"Patient\","
        " \"identifier\":[{\"system\":\"%s\",\"value\":\"%s\"}],\"name\":[{\"text\":\"测试丁\"}],"
        " \"gender\":\"female\",\"birthDate\":\"1985-06-15\",\"address\":[{\"extension\":[{\"url\":"
        " \"http://hss.example.org/fhir/StructureDefinition/division-code\",\"valueCode\":\"331102101201\"}]}]},"
        " \"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
        "{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":"
        " \"http://loinc.org\",\"code\":\"85354-9\"}]},\"subject\":{\"reference\":\"Patient/%lld\"},"
        " \"effectiveDateTime\":\"2025-12-28\",\"component\":["
        " {\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8480-6\"}]},\"valueQuantity\":{\"value\":150}},"
        " {\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8462-4\"}]},\"valueQuantity\":{\"value\":92}}]},"
        " \"request\":{\"method\":\"POST\",\"url\":\"Observation\"}},"
        "{\"resource\":{\"resourceType\":\"ServiceRequest\",\"status\":\"active\",\"intent\":\"order\","
        " \"subject\":{\"reference\":\"urn:uuid:p1\"},\"authoredOn\":\"2025-12-29T10:30:00+08:00\","
        " \"requester\":{\"reference\":\"Organization/F2\"},\"performer\":[{\"reference\":\"Organization/F1\"}],"
        " \"reasonCode\":[{\"text\":\"胸痛待查\"}]},\"request\":{\"method\":\"POST\",\"url\":\"ServiceRequest\"}},"
        "{\"resource\":{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"code\":\"AMB\"},"
        " \"subject\":{\"reference\":\"urn:uuid:p1\"},\"serviceProvider\":{\"reference\":\"Organization/F1\"},"
        " \"period\":{\"start\":\"2025-12-05\"}},\"request\":{\"method\":\"POST\",\"url\":\"Encounter\"}},"
        "{\"resource\":{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"code\":\"AMB\"},"
        " \"subject\":{\"reference\":\"Patient/%lld\"},\"serviceProvider\":{\"display\":\"上海某医院\"},"
        " \"period\":{\"start\":\"2025-12-06\"}},\"request\":{\"method\":\"POST\",\"url\":\"Encounter\"}}"
        "]}", HSS_FHIR_SID_CITIZEN, d, id_a, id_a);
    return b;
}

static void a_good_transaction_lands_in_care_and_monitoring(void **state)
{
    (void)state;
    char d[19];
    make_id(d, "331102", "19850615", "004");
    char *resp = NULL;
    hss_code ic = import(good_bundle(d), "331102", &resp);
    if (ic)
        fprintf(stderr, "%s\n", resp);
    assert_int_equal(ic, HSS_OK);
    cJSON *j = cJSON_Parse(resp);
    assert_string_equal(cJSON_GetObjectItem(j, "type")->valuestring, "transaction-response");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "entry")), 5);
    cJSON_Delete(j);
    free(resp);
    char sql[300];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM care_resident WHERE id_number='%s' AND name='测试丁' AND sex='female'", d);
    assert_int_equal(db_query_int(db, sql), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM care_followup f JOIN care_enrolment e ON e.id=f.enrolment_id "
                              "WHERE e.resident_id=%lld AND f.visit_date='2025-12-28' AND f.sbp=150 AND f.dbp=92", id_a);
    assert_int_equal(db_query_int(db, sql), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM care_referral r JOIN care_resident p ON p.id=r.resident_id "
                              "WHERE p.id_number='%s' AND r.to_facility='F1' AND r.state='requested' AND r.reason='胸痛待查'", d);
    assert_int_equal(db_query_int(db, sql), 1);
    assert_int_equal(db_query_int(db, "SELECT value FROM data_value_v WHERE element='outpatient_visits' AND org='F1' AND period='2025-12'"), 1);
    assert_int_equal(db_query_int(db, "SELECT value FROM data_value_v WHERE element='out_of_county_visits' AND org='331102' AND period='2025-12'"), 1);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM audit WHERE action='fhir_import' AND user_name='his'"), 1);
    /* A's recorded hypertension survives an update of A through a Patient entry: counts add up */
    char again[8192];
    snprintf(again, sizeof again, "%s", good_bundle(d));
    char *p = strstr(again, "{\"resource\":{\"resourceType\":\"Observation\"");
    char *q = strstr(again, "{\"resource\":{\"resourceType\":\"Encounter\"");
    memmove(p, q, strlen(q) + 1); /* drop the observation and the referral */
    assert_int_equal(import(again, NULL, &resp), HSS_OK);
    free(resp);
    assert_int_equal(db_query_int(db, "SELECT value FROM data_value_v WHERE element='outpatient_visits' AND org='F1' AND period='2025-12'"), 2);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM care_resident WHERE conditions<>0"), 1);
}

static void bad_bundles_change_nothing_and_name_each_entry(void **state)
{
    (void)state;
    char before[300], after[300];
    fingerprint(before);
    char d[19];
    make_id(d, "331102", "19850615", "005");
    d[17] = d[17] == '1' ? '2' : '1'; /* a wrong check digit */
    char b[8192];
    snprintf(b, sizeof b, "%s", good_bundle(d));
    char *code = strstr(b, "85354-9");
    memcpy(code, "99999-9", 7);                        /* an unknown LOINC code */
    char *ref = strstr(b, "Organization/F1");
    memcpy(ref, "Organization/ZZ", 15);                /* a reference to nothing */
    char *resp = NULL;
    assert_int_equal(import(b, NULL, &resp), HSS_EINVAL);
    cJSON *j = cJSON_Parse(resp);
    assert_string_equal(cJSON_GetObjectItem(j, "resourceType")->valuestring, "OperationOutcome");
    assert_non_null(strstr(resp, "Bundle.entry[0].resource.identifier[0].value"));
    assert_non_null(strstr(resp, "Bundle.entry[1].resource.code.coding"));
    assert_non_null(strstr(resp, "Bundle.entry[2].resource.performer[0].reference"));
    cJSON_Delete(j);
    free(resp);
    fingerprint(after);
    assert_string_equal(before, after);

    /* a follow-up for a disease the patient is not enrolled in fails while applying: rolled back */
    make_id(d, "331102", "19850615", "006");
    snprintf(b, sizeof b, "%s", good_bundle(d));
    char *obs = strstr(b, "\"code\":\"85354-9\"}]}");
    assert_non_null(obs);
    const char *glu = "{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":"
                      "\"http://loinc.org\",\"code\":\"14771-0\"}]},\"subject\":{\"reference\":\"urn:uuid:p1\"},"
                      "\"effectiveDateTime\":\"2025-12-28\",\"valueQuantity\":{\"value\":6.1,\"code\":\"mmol/L\"}}},";
    char c2[9000];
    char *first_obs = strstr(b, "{\"resource\":{\"resourceType\":\"Observation\"");
    snprintf(c2, sizeof c2, "%.*s%s%s", (int)(first_obs - b), b, glu, first_obs);
    assert_int_equal(import(c2, NULL, &resp), HSS_EINVAL);
    assert_non_null(strstr(resp, "Bundle.entry[1].resource"));
    free(resp);
    fingerprint(after);
    assert_string_equal(before, after);

    /* a county caller cannot write another county's residents */
    make_id(d, "331121", "19850615", "007");
    snprintf(b, sizeof b, "%s", good_bundle(d));
    char *v = strstr(b, "331102101201");
    memcpy(v, "331121100201", 12);
    assert_int_equal(import(b, "331102", &resp), HSS_EINVAL);
    assert_non_null(strstr(resp, "forbidden"));
    free(resp);
    /* not JSON, not a Bundle, an unsupported type */
    const char *junk[] = {"{", "{\"resourceType\":\"Patient\"}", "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}",
                          "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"resource\":{\"resourceType\":\"Medication\"}}]}"};
    for (size_t i = 0; i < sizeof junk / sizeof *junk; i++) {
        assert_int_equal(import(junk[i], NULL, &resp), HSS_EINVAL);
        assert_non_null(strstr(resp, "OperationOutcome"));
        free(resp);
    }
    fingerprint(after);
    assert_string_equal(before, after);
}

static void the_cli_imports_a_file(void **state)
{
    (void)state;
    char d[19];
    make_id(d, "331102", "19850615", "008");
    char *path = hss_test_write(dir, "bundle.json", good_bundle(d));
    char cmd[1200], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s fhir import --db '%s' '%s' 2>&1", hss_test_bin(), db, path);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "5 entries: 1 patients, 1 follow-ups, 1 referrals, 2 encounters"));
    free(out);
    /* bad file: exit 1, the outcome on stderr */
    char *bad = hss_test_write(dir, "bad.json", "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{}]}");
    snprintf(cmd, sizeof cmd, "%s fhir import --db '%s' '%s' 2>&1", hss_test_bin(), db, bad);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "Bundle.entry[0].resource"));
    free(out);
    free(path);
    free(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_good_transaction_lands_in_care_and_monitoring),
        cmocka_unit_test(bad_bundles_change_nothing_and_name_each_entry),
        cmocka_unit_test(the_cli_imports_a_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
