/*
 * fhir_bench.c: the fhir module at Lishui size, on the care benchmark's database
 * (bench/care.sh builds it: generated Lishui area tree, 2.5 million residents, full-size
 * generated care data). Times:
 *   1. bulk export of everything (hss_fhir_export: NDJSON files of every type), in resources
 *      per second; target >= 100,000/s;
 *   2. the import of a 100,000-entry transaction Bundle made from stored residents (25,000
 *      Patient updates, 50,000 blood-pressure Observations of hypertension patients, 25,000
 *      Encounters), inside an outer transaction that is rolled back afterwards.
 * Usage: fhir_bench DB_PATH WORK_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fhir/fhir.h"

static int bench_export(hss_store *st, const char *work)
{
    char dir[1200];
    snprintf(dir, sizeof dir, "%s/export", work);
    hss_fhir_viewer v = {"bench", NULL, 1};
    hss_fhir_export_stats s;
    hss_error err;
    hss_error_clear(&err);
    clock_t c0 = clock();
    int failed = hss_fhir_export(st, &v, dir, NULL, NULL, &s, &err) != HSS_OK;
    double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
    if (failed) {
        fprintf(stderr, "export: %s\n", err.msg);
        return 1;
    }
    size_t n;
    const char *const *types = hss_fhir_types(&n);
    printf("bulk export ($export, NDJSON) of the whole region:\n");
    for (size_t k = 0; k < n; k++)
        printf("  %-15s %10zu\n", types[k], s.count[k]);
    printf("  %zu resources in %.2f s = %.0f resources/s (target >= 100000/s)\n", s.resources, s.seconds,
           s.seconds > 0 ? (double)s.resources / s.seconds : 0.0);
    /* on a shared machine the wall-clock rate depends on the load; this one does not */
    printf("  %.2f s of CPU = %.0f resources per CPU second\n", cpu, cpu > 0 ? (double)s.resources / cpu : 0.0);
    return 0;
}

/* A Bundle of 100,000 entries made from stored rows. */
static char *make_bundle(hss_store *st, size_t *entries)
{
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_puts(&b, "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
    *entries = 0;
    char *asof = hss_store_meta_get(st, "care_demo_date");
    hss_stmt *s = hss_store_prepare(st,
        "SELECT id,id_number,name,sex,birth_date,village_code FROM care_resident WHERE id%100=7 LIMIT 25000", NULL);
    while (s && hss_store_step(s) == HSS_ROW) {
        hss_buf_printf(&b, "%s{\"resource\":{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"%s\",\"value\":\"%s\"}],"
                           "\"name\":[{\"text\":\"%s\"}],\"gender\":\"%s\",\"birthDate\":\"%s\",\"address\":[{\"extension\":"
                           "[{\"url\":\"%s/StructureDefinition/division-code\",\"valueCode\":\"%s\"}]}]},"
                           "\"request\":{\"method\":\"PUT\",\"url\":\"Patient\"}}",
                       *entries ? "," : "", HSS_FHIR_SID_CITIZEN, hss_store_col_text(s, 1), hss_store_col_text(s, 2),
                       hss_store_col_text(s, 3), hss_store_col_text(s, 4), HSS_FHIR_NS, hss_store_col_text(s, 5));
        (*entries)++;
    }
    hss_store_finalize(s);
    /* readings the day after the as-of date, so that they follow every stored visit */
    s = hss_store_prepare(st, "SELECT resident_id FROM care_enrolment WHERE disease='hypertension' AND id%5=1 LIMIT 50000", NULL);
    char day[11] = "2026-11-02";
    if (asof && strlen(asof) == 10) {
        int y, m, d;
        sscanf(asof, "%d-%d-%d", &y, &m, &d);
        hss_day_format(hss_days_from_civil(y, m, d) + 1, day);
    }
    while (s && hss_store_step(s) == HSS_ROW) {
        hss_buf_printf(&b, ",{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":"
                           "[{\"system\":\"http://loinc.org\",\"code\":\"85354-9\"}]},\"subject\":{\"reference\":\"Patient/%lld\"},"
                           "\"effectiveDateTime\":\"%s\",\"component\":[{\"code\":{\"coding\":[{\"system\":\"http://loinc.org\","
                           "\"code\":\"8480-6\"}]},\"valueQuantity\":{\"value\":%d}},{\"code\":{\"coding\":[{\"system\":"
                           "\"http://loinc.org\",\"code\":\"8462-4\"}]},\"valueQuantity\":{\"value\":%d}}]},"
                           "\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}",
                       (long long)hss_store_col_int64(s, 0), day, 120 + (int)(*entries % 50), 70 + (int)(*entries % 25));
        (*entries)++;
    }
    hss_store_finalize(s);
    s = hss_store_prepare(st, "SELECT r.id,f.code FROM care_resident r JOIN care_team_village tv ON tv.village_code=r.village_code "
                              "JOIN care_team t ON t.code=tv.team_code JOIN facility f ON f.code=t.facility_code "
                              "WHERE r.id%100=3 GROUP BY r.id LIMIT 25000", NULL);
    while (s && hss_store_step(s) == HSS_ROW) {
        hss_buf_printf(&b, ",{\"resource\":{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"code\":\"AMB\"},"
                           "\"subject\":{\"reference\":\"Patient/%lld\"},\"serviceProvider\":{\"reference\":\"Organization/%s\"},"
                           "\"period\":{\"start\":\"%s\"}},\"request\":{\"method\":\"POST\",\"url\":\"Encounter\"}}",
                       (long long)hss_store_col_int64(s, 0), hss_store_col_text(s, 1), day);
        (*entries)++;
    }
    hss_store_finalize(s);
    free(asof);
    hss_buf_puts(&b, "]}");
    return hss_buf_steal(&b);
}

static int bench_import(hss_store *st)
{
    size_t n;
    char *bundle = make_bundle(st, &n);
    size_t len = strlen(bundle);
    hss_error err;
    hss_error_clear(&err);
    if (hss_store_begin(st, &err)) {
        fprintf(stderr, "begin: %s\n", err.msg);
        free(bundle);
        return 1;
    }
    char *resp = NULL;
    hss_fhir_import_stats s;
    double t0 = hss_now();
    clock_t c0 = clock();
    hss_code c = hss_fhir_import(st, "bench", NULL, bundle, len, &resp, &s, &err);
    double t = hss_now() - t0, cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
    hss_store_rollback(st);
    free(bundle);
    if (c) {
        fprintf(stderr, "import: %s\n%.2000s\n", err.msg, resp ? resp : "");
        free(resp);
        return 1;
    }
    free(resp);
    printf("import of a %zu-entry transaction Bundle (%.1f MB): %zu patients, %zu follow-ups, %zu encounters in "
           "%.2f s = %.0f entries/s (%.2f s of CPU; rolled back)\n",
           n, (double)len / 1e6, s.patients, s.followups, s.encounters, t, t > 0 ? (double)n / t : 0.0, cpu);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: fhir_bench DB_PATH WORK_DIR\n");
        return 2;
    }
    hss_error err;
    hss_error_clear(&err);
    hss_store *st = hss_store_open_existing(argv[1], &err);
    if (!st) {
        fprintf(stderr, "%s (bench/care.sh builds it)\n", err.msg);
        return 1;
    }
    int rc = bench_export(st, argv[2]);
    if (!rc)
        rc = bench_import(st);
    hss_store_close(st);
    return rc;
}
