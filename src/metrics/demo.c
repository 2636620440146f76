/*
 * demo.c: generated activity data for a demo region. 24 months (2024-01 .. 2025-12) for every
 * treating facility and every township and county of the stored region, deterministic for a
 * seed and labelled generated (data_value.generated = 1, meta metrics.generated). Counties
 * follow one of three scenarios so that the trend views say something: meets the targets,
 * misses them, or starts below and recovers during 2025. Visits have a winter peak,
 * facilities vary around their type's typical volume, and each county's basic-level share,
 * in-county rate, contracting, literacy, fund share and chronic management follow its scenario.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/internal.h"
#include "model/model.h"

#define MONTHS 24
#define FIRST_YEAR 2024

static double unif(uint64_t *s)
{
    return (double)(hss_splitmix64(s) >> 11) / 9007199254740992.0;
}

/* Typical monthly outpatient visits by facility type; 0 for facilities that do not treat. */
static double base_visits(const char *type)
{
    static const struct { const char *type; double v; } tab[] = {
        {"general_hospital", 26000}, {"tcm_hospital", 12000}, {"mch_hospital", 8000},
        {"psychiatric_hospital", 2500}, {"infectious_disease_hospital", 1500},
        {"township_health_center", 3500}, {"community_health_center", 4500},
        {"community_health_station", 900}, {"village_clinic", 260}, {"clinic", 420}};
    for (size_t i = 0; i < sizeof tab / sizeof *tab; i++)
        if (strcmp(tab[i].type, type) == 0)
            return tab[i].v;
    return 0;
}

/* A county's scenario value at month index m (0..23): meets, misses, or recovers from `low`
 * in 2024 to `good` by the end of 2025. */
static double scenario(int kind, int m, double good, double low)
{
    if (kind == 0)
        return good;
    if (kind == 1)
        return low;
    double t = m < 12 ? 0 : (m - 11) / 12.0;
    return low + (good - low) * t;
}

typedef struct gen {
    hss_store *st;
    mx_tree tree;
    mx_strmap orgs;
    hss_stmt *org_ins, *put;
    size_t written;
} gen;

static int org_id(gen *g, const char *code)
{
    int id;
    if (mx_strmap_get(&g->orgs, code, &id))
        return id;
    hss_store_bind_text(g->org_ins, 1, code);
    int rc = hss_store_step(g->org_ins);
    hss_store_reset(g->org_ins);
    if (rc != HSS_DONE)
        return -1;
    id = (int)hss_store_last_id(g->st);
    mx_strmap_put(&g->orgs, code, id);
    return id;
}

static hss_code put(gen *g, const char *element, const char *org, int m, double v,
                    hss_error *err)
{
    const hss_metrics_element *e = hss_metrics_element_find(element);
    int oid = org_id(g, org);
    if (oid < 0)
        return hss_store_error(g->st, err, "storing an org id");
    int ym = (FIRST_YEAR + m / 12) * 100 + m % 12 + 1;
    hss_store_bind_int(g->put, 1, e->id);
    hss_store_bind_int(g->put, 2, oid);
    hss_store_bind_int(g->put, 3, ym);
    hss_store_bind_double(g->put, 4, v < 0 ? 0 : round(v));
    int rc = hss_store_step(g->put);
    hss_store_reset(g->put);
    if (rc != HSS_DONE)
        return hss_store_error(g->st, err, "storing a generated value");
    g->written++;
    return HSS_OK;
}

static int county_of(const mx_tree *t, int area)
{
    for (int a = area; a >= 0; a = t->areas[a].parent)
        if (t->areas[a].level == HSS_LEVEL_COUNTY)
            return a;
    return -1;
}

static hss_code generate(gen *g, uint64_t seed, hss_error *err)
{
    mx_tree *t = &g->tree;
    /* Per facility: type volume times a lasting variation; per county: a scenario. */
    double *vol = hss_xcalloc(t->nf + 1, sizeof *vol);
    int *kind = hss_xcalloc(t->na + 1, sizeof *kind);
    uint64_t rs = seed * 2654435761ULL + 12345;
    int nth = 0;
    for (size_t i = 0; i < t->na; i++)
        if (t->areas[i].level == HSS_LEVEL_COUNTY)
            kind[i] = (int)((nth++ + seed) % 3);
    for (size_t i = 0; i < t->nf; i++)
        vol[i] = base_visits(t->facs[i].type) * (0.6 + 0.8 * unif(&rs));
    hss_code rc = HSS_OK;
    double *inside = hss_xcalloc(t->na + 1, sizeof *inside);
    for (int m = 0; m < MONTHS && rc == HSS_OK; m++) {
        int month = m % 12 + 1;
        double season = 1 + 0.18 * cos(2 * M_PI * (month - 1) / 12.0) + 0.02 * (m / 12);
        /* Basic-level and hospital volume per county, to steer each county's basic share. */
        double *basic = hss_xcalloc(t->na + 1, sizeof *basic);
        double *hosp = hss_xcalloc(t->na + 1, sizeof *hosp);
        for (size_t i = 0; i < t->nf; i++) {
            int c = county_of(t, t->facs[i].area);
            if (c >= 0)
                (t->facs[i].basic ? basic : hosp)[c] += vol[i];
        }
        memset(inside, 0, (t->na + 1) * sizeof *inside);
        for (size_t i = 0; i < t->nf && rc == HSS_OK; i++) {
            const mx_fac *f = &t->facs[i];
            int c = county_of(t, f->area);
            if (vol[i] <= 0 || c < 0)
                continue;
            double k = 1;
            if (f->basic && basic[c] > 0 && hosp[c] > 0) {
                double s = scenario(kind[c], m, 0.70, 0.58) + 0.01 * (unif(&rs) - 0.5);
                k = s * hosp[c] / ((1 - s) * basic[c]);
            }
            double visits = vol[i] * k * season * (1 + 0.06 * (unif(&rs) - 0.5));
            int hospital = hss_facility_type_is_hospital(f->type);
            double adm = visits * (hospital ? 0.045 : f->basic && strcmp(f->type,
                                   "township_health_center") == 0 ? 0.02 : 0);
            rc = put(g, "outpatient_visits", f->code, m, visits, err);
            if (rc == HSS_OK && adm > 0)
                rc = put(g, "inpatient_admissions", f->code, m, adm, err);
            if (rc == HSS_OK && f->basic)
                rc = put(g, "referrals_up", f->code, m, visits * (0.012 + 0.006 * unif(&rs)), err);
            if (rc == HSS_OK && hospital)
                rc = put(g, "referrals_down", f->code, m, adm * (0.06 + 0.04 * unif(&rs)), err);
            inside[c] += round(visits) + round(adm);
        }
        free(basic);
        free(hosp);
        for (size_t a = 0; a < t->na && rc == HSS_OK; a++) {
            const mx_area *ar = &t->areas[a];
            int c = county_of(t, (int)a);
            if (c < 0)
                continue;
            int kd = kind[c];
            if (ar->level == HSS_LEVEL_COUNTY && inside[a] > 0) {
                double r = scenario(kd, m, 0.93, 0.85);
                rc = put(g, "out_of_county_visits", ar->code, m, inside[a] * (1 - r) / r, err);
                double fin = inside[a] * 165 * (0.9 + 0.2 * unif(&rs));
                double fs = scenario(kd, m, 0.88, 0.74);
                if (rc == HSS_OK)
                    rc = put(g, "insurance_fund_in_county", ar->code, m, fin, err);
                if (rc == HSS_OK)
                    rc = put(g, "insurance_fund_out_of_county", ar->code, m, fin * (1 - fs) / fs,
                             err);
                if (rc == HSS_OK && month == 9) { /* the yearly literacy survey */
                    double lit = scenario(kd, m, 0.40, 0.33);
                    rc = put(g, "literacy_respondents", ar->code, m, 1200, err);
                    if (rc == HSS_OK)
                        rc = put(g, "literacy_literate", ar->code, m, 1200 * lit, err);
                }
            }
            if (ar->level == HSS_LEVEL_TOWNSHIP && ar->population > 0) {
                double pop = (double)ar->population;
                double cr = scenario(kd, m, 0.65, 0.52) + 0.002 * m;
                double key = pop * 0.28;
                double kr = scenario(kd, m, 0.93, 0.85);
                double managed = pop * 0.11;
                double sr = scenario(kd, m, 0.78, 0.62);
                rc = put(g, "contracted_residents", ar->code, m, pop * cr, err);
                if (rc == HSS_OK)
                    rc = put(g, "key_group_residents", ar->code, m, key, err);
                if (rc == HSS_OK)
                    rc = put(g, "contracted_key_group_residents", ar->code, m, key * kr, err);
                if (rc == HSS_OK)
                    rc = put(g, "chronic_patients_managed", ar->code, m, managed, err);
                if (rc == HSS_OK)
                    rc = put(g, "chronic_patients_standard", ar->code, m, managed * sr, err);
            }
        }
    }
    free(inside);
    free(vol);
    free(kind);
    return rc;
}

hss_code hss_metrics_generate_demo(hss_store *st, uint64_t seed, hss_error *err)
{
    gen g;
    memset(&g, 0, sizeof g);
    g.st = st;
    hss_code rc = mx_tree_load(st, &g.tree, err);
    if (rc)
        return rc;
    if (g.tree.nf == 0) {
        mx_tree_free(&g.tree);
        return hss_fail(err, HSS_ENOTFOUND, "the database has no facilities: load a region first");
    }
    rc = hss_store_begin(st, err);
    if (rc) {
        mx_tree_free(&g.tree);
        return rc;
    }
    rc = mx_catalog_sync(st, err);
    if (rc == HSS_OK)
        rc = hss_store_exec(st, "DELETE FROM data_value WHERE generated = 1", err);
    hss_stmt *q = rc ? NULL : hss_store_prepare(st, "SELECT id, code FROM metric_org", err);
    while (q && hss_store_step(q) == HSS_ROW)
        mx_strmap_put(&g.orgs, hss_store_col_text(q, 1), hss_store_col_int(q, 0));
    hss_store_finalize(q);
    if (rc == HSS_OK) {
        g.org_ins = hss_store_prepare(st, "INSERT INTO metric_org(code) VALUES(?)", err);
        /* OR IGNORE: a value imported by a user for the same key is real and stays. */
        g.put = hss_store_prepare(st, "INSERT INTO data_value(element_id, org_id, "
                                      "period, category, value, generated) "
                                      "VALUES(?,?,?,'',?,1) ON CONFLICT DO NOTHING", err);
        if (!g.org_ins || !g.put)
            rc = err->code;
    }
    if (rc == HSS_OK)
        rc = generate(&g, seed, err);
    hss_store_finalize(g.org_ins);
    hss_store_finalize(g.put);
    if (rc == HSS_OK)
        rc = mx_rebuild_locked(st, &g.tree, err);
    if (rc == HSS_OK) {
        char note[160];
        snprintf(note, sizeof note, "generated activity data 2024-01..2025-12, seed %llu, %zu values",
                 (unsigned long long)seed, g.written);
        rc = hss_store_meta_set(st, "metrics.generated", note, err);
    }
    if (rc == HSS_OK)
        rc = hss_store_bump_version(st, err);
    if (rc == HSS_OK)
        rc = hss_store_commit(st, err);
    else
        hss_store_rollback(st);
    mx_tree_free(&g.tree);
    mx_strmap_free(&g.orgs);
    return rc;
}

hss_code hss_metrics_demo_from_records(hss_store *st, hss_error *err)
{
    return mx_retake_rebuild(st, 1, err);
}
