/*
 * metrics_bench.c: the metrics benchmark (bench/metrics.sh). Builds a generated region (1
 * city, 20 counties, 200 townships, 2,000 villages, 2,240 facilities) and at least 10 million
 * generated data values, then times, in one run:
 *   - the full build of the aggregates (hss_metrics_rebuild);
 *   - the incremental update of one county-month (hss_metrics_import of every value of one
 *     county for one month, each changed);
 *   - a dashboard query (every indicator for the city and its 20 counties for a quarter);
 *   - the peer: the same aggregation (sum and count per area of the tree, element, basic-level
 *     slice and month) with plain SQL GROUP BY over the area tree in SQLite on the same table.
 * Usage: metrics_bench DB [VALUES]   (DB is overwritten)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metrics/metrics.h"

#define COUNTIES 20
#define TOWNS 10
#define VILLAGES 10

static void check(hss_code rc, const hss_error *err, const char *what)
{
    if (rc != HSS_OK) {
        fprintf(stderr, "metrics_bench: %s: %s\n", what, err->msg);
        exit(1);
    }
}

static void exec(hss_store *st, const char *sql)
{
    hss_error err;
    check(hss_store_exec(st, sql, &err), &err, sql);
}

static hss_stmt *prep(hss_store *st, const char *sql)
{
    hss_error err;
    hss_stmt *s = hss_store_prepare(st, sql, &err);
    if (!s)
        check(err.code, &err, sql);
    return s;
}

static void step(hss_stmt *s)
{
    if (hss_store_step(s) != HSS_DONE) {
        fprintf(stderr, "metrics_bench: %s\n", hss_store_errmsg(hss_store_of(s)));
        exit(1);
    }
    hss_store_reset(s);
}

typedef struct org {
    char code[16];
    int id, facility, county;
} org;

static org *orgs;
static int norgs;

static void add_area(hss_stmt *s, const char *code, const char *parent, const char *level,
                     long pop)
{
    hss_store_bind_copy(s, 1, code);
    if (parent)
        hss_store_bind_copy(s, 2, parent);
    else
        hss_store_bind_null(s, 2);
    hss_store_bind_text(s, 3, level);
    if (pop >= 0)
        hss_store_bind_int64(s, 4, pop);
    else
        hss_store_bind_null(s, 4);
    step(s);
}

static void add_fac(hss_stmt *s, hss_stmt *staff, const char *code, const char *type,
                    const char *area, int beds, int county)
{
    hss_store_bind_copy(s, 1, code);
    hss_store_bind_text(s, 2, type);
    hss_store_bind_copy(s, 3, area);
    hss_store_bind_int(s, 4, beds);
    step(s);
    static const char *const cats[] = {"licensed_physician", "registered_nurse",
                                       "general_practitioner", "public_health_physician"};
    for (int i = 0; i < 4; i++) {
        hss_store_bind_copy(staff, 1, code);
        hss_store_bind_text(staff, 2, cats[i]);
        hss_store_bind_int(staff, 3, beds / (i + 2) + 1);
        step(staff);
    }
    org *o = &orgs[norgs++];
    snprintf(o->code, sizeof o->code, "%s", code);
    o->facility = 1;
    o->county = county;
}

static void add_area_org(const char *code, int county)
{
    org *o = &orgs[norgs++];
    snprintf(o->code, sizeof o->code, "%s", code);
    o->facility = 0;
    o->county = county;
}

static void build_region(hss_store *st)
{
    orgs = hss_xcalloc(8000, sizeof *orgs);
    hss_stmt *a = prep(st, "INSERT INTO area(code, parent_code, level, name, kind, "
                               "population, generated) VALUES(?,?,?,'bench','rural',?,1)");
    hss_stmt *f = prep(st, "INSERT INTO facility(code, name, type, ownership, area_code, "
                               "beds_open, generated) VALUES(?,'bench',?,'government',?,?,1)");
    hss_stmt *s = prep(st, "INSERT INTO staff(facility_code, category, count) VALUES(?,?,?)");
    add_area(a, "339900", NULL, "city", -1);
    for (int c = 0; c < COUNTIES; c++) {
        char cc[8], tc[12], vc[16], fc[16];
        snprintf(cc, sizeof cc, "3399%02d", (c + 1) % 100);
        add_area(a, cc, "339900", "county", -1);
        add_area_org(cc, c);
        for (int h = 0; h < 2; h++) {
            snprintf(fc, sizeof fc, "H%02d%d", c, h);
            add_fac(f, s, fc, h ? "tcm_hospital" : "general_hospital", cc, 300, c);
        }
        for (int t = 0; t < TOWNS; t++) {
            snprintf(tc, sizeof tc, "%.6s%03d", cc, (t + 1) % 1000);
            add_area(a, tc, cc, "township", -1);
            add_area_org(tc, c);
            snprintf(fc, sizeof fc, "T%02d%02d", c, t);
            add_fac(f, s, fc, "township_health_center", tc, 40, c);
            for (int v = 0; v < VILLAGES; v++) {
                snprintf(vc, sizeof vc, "%.9s%03d", tc, (v + 1) % 1000);
                add_area(a, vc, tc, "village", 1500 + 97 * ((c + t + v) % 11));
                snprintf(fc, sizeof fc, "V%02d%02d%02d", c, t, v);
                add_fac(f, s, fc, "village_clinic", vc, 0, c);
            }
        }
    }
    hss_store_finalize(a);
    hss_store_finalize(f);
    hss_store_finalize(s);
    hss_stmt *o = prep(st, "INSERT INTO metric_org(code) VALUES(?)");
    for (int i = 0; i < norgs; i++) {
        hss_store_bind_text(o, 1, orgs[i].code);
        step(o);
        orgs[i].id = (int)hss_store_last_id(st);
    }
    hss_store_finalize(o);
}

static const char *const CATS[] = {"0-6", "18-44", "45-64", "65+", "7-17", "rural", "urban"};
#define NCATS 7

/* Facility elements with 7 categories each; area elements (township/county) without. */
static long fill_values(hss_store *st, long target, int *first_month, int *months)
{
    static const int fac_el[] = {1, 2, 3, 4};
    static const int town_el[] = {6, 7, 8, 13, 14};
    static const int cty_el[] = {5, 9, 10, 11, 12};
    long per_month = 0;
    for (int i = 0; i < norgs; i++)
        per_month += orgs[i].facility ? 4 * NCATS : strlen(orgs[i].code) == 9 ? 5 : 5;
    int nm = (int)((target + per_month - 1) / per_month);
    int y0 = 2025 - (nm - 1) / 12;
    int start = y0 * 12 + 0; /* January of y0 ... */
    *first_month = start;
    *months = nm;
    hss_stmt *p = prep(st, "INSERT INTO data_value(element_id, org_id, period, category, "
                               "value, generated) VALUES(?,?,?,?,?,1)");
    long n = 0;
    uint64_t r = 88172645463325252ULL;
    /* primary-key order: element, org, period, category */
    for (int e = 1; e <= 14; e++) {
        for (int i = 0; i < norgs; i++) {
            org *o = &orgs[i];
            int is_town = !o->facility && strlen(o->code) == 9;
            int ok = 0;
            if (o->facility)
                ok = e == fac_el[0] || e == fac_el[1] || e == fac_el[2] || e == fac_el[3];
            else if (is_town)
                for (int k = 0; k < 5; k++)
                    ok |= e == town_el[k];
            else
                for (int k = 0; k < 5; k++)
                    ok |= e == cty_el[k];
            if (!ok)
                continue;
            int ncat = o->facility ? NCATS : 1;
            for (int m = 0; m < nm; m++) {
                int ym = (start + m) / 12 * 100 + (start + m) % 12 + 1;
                for (int c = 0; c < ncat; c++) {
                    r ^= r << 13;
                    r ^= r >> 7;
                    r ^= r << 17;
                    hss_store_bind_int(p, 1, e);
                    hss_store_bind_int(p, 2, o->id);
                    hss_store_bind_int(p, 3, ym);
                    hss_store_bind_text(p, 4, o->facility ? CATS[c] : "");
                    hss_store_bind_double(p, 5, (double)(r % 500));
                    step(p);
                    n++;
                }
            }
        }
    }
    hss_store_finalize(p);
    return n;
}

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: metrics_bench DB [VALUES]\n");
        return 2;
    }
    long target = argc > 2 ? atol(argv[2]) : 10000000;
    const char *db = argv[1];
    char wal[1100];
    unlink(db);
    snprintf(wal, sizeof wal, "%s-wal", db);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", db);
    unlink(wal);
    hss_error err;
    hss_error_clear(&err);
    hss_store *st = hss_store_open(db, &err);
    if (!st)
        check(err.code, &err, "open");

    double t0 = hss_now();
    exec(st, "BEGIN");
    build_region(st);
    int first, nm;
    long n = fill_values(st, target, &first, &nm);
    exec(st, "INSERT OR REPLACE INTO metric_element(id, code, name_zh, name_en, unit, org_kind) "
             "VALUES(1,'outpatient_visits','','','','facility')");
    exec(st, "COMMIT");
    double t_fill = hss_now() - t0;
    printf("data: %ld generated data values (%d months from %d-%02d), %d orgs; loaded in %.1f s\n",
           n, nm, first / 12, first % 12 + 1, norgs, t_fill);
    hss_store_close(st);
    st = hss_store_open_existing(db, &err);

    /* HSS full build */
    t0 = hss_now();
    check(hss_metrics_rebuild(st, &err), &err, "rebuild");
    double t_build = hss_now() - t0;
    long aggs = (long)hss_store_data_version(st);
    (void)aggs;
    hss_stmt *q = prep(st, "SELECT count(*) FROM metric_agg");
    hss_store_step(q);
    long nagg = hss_store_col_int64(q, 0);
    hss_store_finalize(q);
    printf("hss full build:          %8.3f s  (%ld aggregate rows)\n", t_build, nagg);

    /* incremental: every value of county 339905 for one month, changed, three different
     * months; the median */
    double inc[3];
    size_t rows = 0;
    for (int k = 0; k < 3; k++) {
        int ym = (2025 - k) * 100 + 1;
        char csv[1100];
        snprintf(csv, sizeof csv, "%s.county-month.csv", db);
        FILE *fp = fopen(csv, "w");
        fprintf(fp, "element,org,period,value,category\n");
        for (int i = 0; i < norgs; i++) {
            org *o = &orgs[i];
            if (o->county != 4)
                continue;
            if (o->facility) {
                static const char *const el[] = {"outpatient_visits", "inpatient_admissions",
                                                 "referrals_up", "referrals_down"};
                for (int e = 0; e < 4; e++)
                    for (int c = 0; c < NCATS; c++)
                        fprintf(fp, "%s,%s,%d-%02d,%d,%s\n", el[e], o->code, ym / 100, ym % 100,
                                600 + i % 50, CATS[c]);
            } else if (strlen(o->code) == 9) {
                static const char *const el[] = {"contracted_residents", "key_group_residents",
                                                 "contracted_key_group_residents",
                                                 "chronic_patients_managed",
                                                 "chronic_patients_standard"};
                for (int e = 0; e < 5; e++)
                    fprintf(fp, "%s,%s,%d-%02d,%d,\n", el[e], o->code, ym / 100, ym % 100, 700);
            } else {
                static const char *const el[] = {"out_of_county_visits", "insurance_fund_in_county",
                                                 "insurance_fund_out_of_county",
                                                 "literacy_respondents", "literacy_literate"};
                for (int e = 0; e < 5; e++)
                    fprintf(fp, "%s,%s,%d-%02d,%d,\n", el[e], o->code, ym / 100, ym % 100, 800);
            }
        }
        fclose(fp);
        t0 = hss_now();
        check(hss_metrics_import(st, csv, 0, &rows, &err), &err, "incremental import");
        inc[k] = hss_now() - t0;
        unlink(csv);
    }
    qsort(inc, 3, sizeof *inc, cmpd);
    printf("hss incremental update:  %8.3f s  (one county-month: %zu values changed, import "
           "+ validation + aggregates; median of 3)\n", inc[1], rows);

    /* dashboard query: every indicator for the city and its counties, one quarter */
    double qt[5], q_dashboard;
    size_t qrows = 0;
    for (int k = 0; k < 5; k++) {
        hss_metrics_query dq = {.under = "339900", .period = "2025Q1"};
        hss_table *t;
        t0 = hss_now();
        check(hss_metrics_indicators(st, &dq, &t, &err), &err, "query");
        qt[k] = hss_now() - t0;
        qrows = hss_table_rows(t);
        hss_table_free(t);
    }
    qsort(qt, 5, sizeof *qt, cmpd);
    q_dashboard = qt[2];
    printf("hss dashboard query:     %8.4f s  (%zu indicator rows: city + %d counties, 2025Q1, "
           "with targets and change; median of 5)\n", q_dashboard, qrows, COUNTIES);

    /* drill-down: a township, its health centre and its ten village clinics (facility rows
     * read straight from data_value) */
    for (int k = 0; k < 5; k++) {
        hss_metrics_query dq = {.under = "339905001", .period = "2025Q1"};
        hss_table *t;
        t0 = hss_now();
        check(hss_metrics_indicators(st, &dq, &t, &err), &err, "query");
        qt[k] = hss_now() - t0;
        qrows = hss_table_rows(t);
        hss_table_free(t);
    }
    qsort(qt, 5, sizeof *qt, cmpd);
    printf("hss drill-down query:    %8.4f s  (%zu indicator rows: a township and its 11 "
           "facilities; median of 5)\n", qt[2], qrows);

    /* peer: plain SQL GROUP BY over the area tree */
    t0 = hss_now();
    exec(st, "CREATE TEMP TABLE org_anc AS WITH RECURSIVE "
             "leaf(org_id, area, basic) AS (SELECT o.id, coalesce(f.area_code, a.code), "
             "  coalesce(f.type IN ('township_health_center','community_health_center',"
             "  'community_health_station','village_clinic','clinic'), 0) FROM metric_org o "
             "  LEFT JOIN facility f ON f.code = o.code LEFT JOIN area a ON a.code = o.code), "
             "anc(org_id, area, basic) AS (SELECT org_id, area, basic FROM leaf UNION ALL "
             "  SELECT anc.org_id, ar.parent_code, anc.basic FROM anc JOIN area ar "
             "  ON ar.code = anc.area WHERE ar.parent_code IS NOT NULL) "
             "SELECT * FROM anc");
    exec(st, "CREATE TEMP TABLE sql_agg AS "
             "SELECT a.area, d.element_id, a.basic, d.period, sum(d.value) AS s, count(*) AS n "
             "FROM data_value d JOIN org_anc a ON a.org_id = d.org_id "
             "GROUP BY a.area, d.element_id, a.basic, d.period");
    double t_sql = hss_now() - t0;
    q = prep(st, "SELECT count(*) FROM sql_agg");
    hss_store_step(q);
    long nsql = hss_store_col_int64(q, 0);
    hss_store_finalize(q);
    printf("SQLite GROUP BY (peer):  %8.3f s  (%ld month groups; quarters and years not "
           "included)\n", t_sql, nsql);

    /* cross-check: the county's total outpatient visits for a month agree */
    q = prep(st, "SELECT sum(s) FROM sql_agg WHERE area = '339905' AND element_id = 1 AND "
                 "period = 202401");
    hss_store_step(q);
    double sql_v = hss_store_col_double(q, 0);
    hss_store_finalize(q);
    q = prep(st, "SELECT data FROM metric_agg WHERE area = '339905' AND year = 2024 AND "
                 "element_id = 1 AND slice = 0");
    double hss_v = NAN;
    if (hss_store_step(q) == HSS_ROW)
        hss_v = ((const double *)hss_store_col_blob(q, 0))[0];
    hss_store_finalize(q);
    printf("check: 339905 outpatient visits 2024-01: hss %.0f, SQL %.0f (%s)\n", hss_v, sql_v,
           fabs(hss_v - sql_v) < 1e-6 ? "equal" : "DIFFERENT");
    printf("targets: full build < 5 s: %s; incremental < 0.1 s: %s; query < 0.01 s: %s; "
           "full build >= 10x faster than SQL: %s (%.1fx)\n",
           t_build < 5 ? "met" : "MISSED", inc[1] < 0.1 ? "met" : "MISSED",
           q_dashboard < 0.01 ? "met" : "MISSED", t_sql >= 10 * t_build ? "met" : "MISSED",
           t_sql / t_build);
    hss_store_close(st);
    free(orgs);
    return 0;
}
