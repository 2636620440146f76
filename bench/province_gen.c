/*
 * province_gen.c: a generated province for bench/province.sh, written through the store
 * interface into any backend (a SQLite file or postgresql://…), so that the same province can
 * be built on each and the two compared. Everything is labelled generated: an area tree of 11
 * cities, 88 counties, 1,320 townships and 19,800 villages (names "…(生成)") holding RESIDENTS
 * people, a county hospital and a township health centre for each, imported with the region
 * module's own CSV import; then the care module's generator (hss_care_generate_demo) makes
 * residents (RESIDENTS × SCALE), family-doctor teams, contracts, chronic-disease enrolments
 * (about one resident in five, from the age structure and prevalence it models) and two years
 * of follow-ups ending on 2026-11-01. Deterministic, so both backends hold the same data.
 * Usage: province_gen DB [RESIDENTS [SCALE]]   (defaults 10000000 and 1)
 * Exit status 3: the store could not be opened (province.sh then skips that backend).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "care/care.h"
#include "region/region.h"

enum { CITIES = 11, COUNTIES = 8, TOWNSHIPS = 15, VILLAGES = 15 };

static uint64_t rs = 20261101;
static double unif(void)
{
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return (double)(rs >> 11) / 9007199254740992.0;
}

/* The area tree as an areas CSV (docs/data-formats.md); village populations spread 0.3x..1.7x
 * around the mean so that teams differ in size as they do. */
static void areas_csv(hss_buf *b, double residents)
{
    double mean = residents / (CITIES * COUNTIES * TOWNSHIPS * VILLAGES);
    hss_buf_puts(b, "code,parent_code,level,name,kind,population,lon,lat\n330000,,province,省 (生成),urban,,,\n");
    for (int c = 1; c <= CITIES; c++) {
        hss_buf_printf(b, "33%02d00,330000,city,市%d (生成),urban,,,\n", c, c);
        for (int k = 1; k <= COUNTIES; k++) {
            hss_buf_printf(b, "33%02d%02d,33%02d00,county,县%d-%d (生成),rural,,,\n", c, k, c, c, k);
            for (int t = 1; t <= TOWNSHIPS; t++) {
                hss_buf_printf(b, "33%02d%02d%03d,33%02d%02d,township,乡镇%d-%d-%d (生成),rural,,,\n", c, k, t, c, k,
                               c, k, t);
                for (int v = 1; v <= VILLAGES; v++)
                    hss_buf_printf(b, "33%02d%02d%03d%03d,33%02d%02d%03d,village,村%d (生成),rural,%lld,,\n", c, k, t, v,
                                   c, k, t, v, (long long)(mean * (0.3 + 1.4 * unif())));
            }
        }
    }
}

static void facilities_csv(hss_buf *b)
{
    hss_buf_puts(b, "code,name,type,grade,ownership,area_code,lon,lat,beds_approved,beds_open\n");
    for (int c = 1; c <= CITIES; c++)
        for (int k = 1; k <= COUNTIES; k++) {
            hss_buf_printf(b, "H33%02d%02d,县%d-%d人民医院 (生成),general_hospital,2A,government,33%02d%02d,,,500,480\n", c, k,
                           c, k, c, k);
            for (int t = 1; t <= TOWNSHIPS; t++)
                hss_buf_printf(b, "W33%02d%02d%03d,乡镇%d-%d-%d卫生院 (生成),township_health_center,1,government,"
                                  "33%02d%02d%03d,,,60,45\n", c, k, t, c, k, t, c, k, t);
        }
}

static hss_code import(hss_store *st, hss_region_kind kind, const char *name, hss_buf *csv, hss_error *err)
{
    return hss_region_import_mem(st, kind, name, csv->data, csv->len, HSS_IMPORT_GENERATED, NULL, err);
}

static long long count(hss_store *st, const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    hss_stmt *q = hss_store_prepare(st, sql, NULL);
    long long n = q && hss_store_step(q) == HSS_ROW ? hss_store_col_int64(q, 0) : -1;
    hss_store_finalize(q);
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: province_gen DB [RESIDENTS [SCALE]]\n");
        return 2;
    }
    double residents = argc > 2 ? atof(argv[2]) : 1e7, scale = argc > 3 ? atof(argv[3]) : 1.0;
    hss_error err;
    hss_error_clear(&err);
    hss_store *st = hss_store_open(argv[1], &err);
    if (!st) {
        fprintf(stderr, "province_gen: %s\n", err.msg);
        return 3;
    }
    double t0 = hss_now();
    hss_buf a, f;
    hss_buf_init(&a);
    hss_buf_init(&f);
    areas_csv(&a, residents);
    facilities_csv(&f);
    hss_code rc = import(st, HSS_KIND_AREAS, "province-areas.csv", &a, &err);
    if (!rc)
        rc = import(st, HSS_KIND_FACILITIES, "province-facilities.csv", &f, &err);
    hss_buf_free(&a);
    hss_buf_free(&f);
    if (!rc)
        rc = hss_store_meta_set(st, "region_source", "generated (bench/province_gen.c): every area, facility "
                                "and care record of this province", &err);
    if (!rc)
        rc = hss_store_meta_set(st, "demo_date", "2026-11-01", &err);
    if (!rc)
        rc = hss_care_generate_demo(st, 1, scale, &err);
    if (!rc)
        rc = hss_store_exec(st, "ANALYZE", &err);
    if (rc) {
        fprintf(stderr, "province_gen: %s\n", err.msg);
        hss_store_close(st);
        return 1;
    }
    printf("generated province on %s in %.1f s: %lld villages, %lld residents, %lld chronic enrolments, "
           "%lld follow-ups, %lld teams (all labelled generated)\n",
           hss_store_is_pg(st) ? "PostgreSQL" : "SQLite", hss_now() - t0, count(st, "area WHERE level='village'"),
           count(st, "care_resident"), count(st, "care_enrolment"), count(st, "care_followup"), count(st, "care_team"));
    hss_store_close(st);
    return 0;
}
