/*
 * demo.c: generated activity data for a demo region. 24 months (2024-01 .. 2025-12) for every
 * treating facility and every township and county of the stored region, deterministic for a
 * seed and labelled generated (data_value.generated = 1, meta metrics.generated). Counties
 * follow one of three scenarios so that the trend views say something: meets the targets,
 * misses them, or starts below and recovers during 2025. Visits have a winter peak,
 * facilities vary around their type's typical volume, and each county's basic-level share,
 * in-county rate, contracting, literacy, fund share and chronic management follow its scenario.
 * The values are made in memory and then bulk-loaded (see gen_value).
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

/* The generated values are kept in memory, then bulk-loaded (SQLite inserts, PostgreSQL COPY):
 * a statement per value cost a PostgreSQL server a round trip each. New org ids go on from the
 * largest stored one, in the order the orgs are first met, as SQLite numbers new rows. */
typedef struct {
    int element, org, period;
    double value;
} gen_value;

typedef struct {
    int id;
    const char *code; /* the tree's */
} gen_org;

/* Keys (element, org, month) of the values held: a value imported by a user for the same key
 * is real and stays, and the generated one is left out. Open addressing; 0 is an empty slot
 * (no key is 0: the month is at least 190001). */
typedef struct {
    uint64_t *slot;
    size_t cap, n;
} keyset;

typedef struct gen {
    hss_store *st;
    mx_tree tree;
    mx_strmap orgs;
    int next_org;
    hss_vec new_orgs; /* gen_org */
    hss_vec values;   /* gen_value */
    size_t written;
} gen;

static uint64_t value_key(int element, int org, int period)
{
    return (uint64_t)element << 42 | (uint64_t)org << 18 | (uint64_t)period;
}

/* Adds k; 0 when it was there already. */
static int keyset_add(keyset *s, uint64_t k)
{
    if (2 * (s->n + 1) > s->cap) {
        keyset g = {NULL, s->cap ? 2 * s->cap : 1024, 0};
        g.slot = hss_xcalloc(g.cap, sizeof *g.slot);
        for (size_t i = 0; i < s->cap; i++)
            if (s->slot[i])
                keyset_add(&g, s->slot[i]);
        free(s->slot);
        *s = g;
    }
    size_t i = (size_t)((k * 0x9E3779B97F4A7C15ull) >> 20) & (s->cap - 1);
    while (s->slot[i] && s->slot[i] != k)
        i = (i + 1) & (s->cap - 1);
    if (s->slot[i])
        return 0;
    s->slot[i] = k;
    s->n++;
    return 1;
}

static int org_id(gen *g, const char *code)
{
    int id;
    if (mx_strmap_get(&g->orgs, code, &id))
        return id;
    gen_org *o = hss_vec_push(&g->new_orgs);
    o->id = id = g->next_org++;
    o->code = code;
    mx_strmap_put(&g->orgs, code, id);
    return id;
}

/* Keeps one value (it cannot fail: the store is written in load_values). */
static hss_code put(gen *g, const char *element, const char *org, int m, double v,
                    hss_error *err)
{
    (void)err;
    const hss_metrics_element *e = hss_metrics_element_find(element);
    gen_value *x = hss_vec_push(&g->values);
    x->element = e->id;
    x->org = org_id(g, org);
    x->period = (FIRST_YEAR + m / 12) * 100 + m % 12 + 1;
    x->value = v < 0 ? 0 : round(v);
    g->written++;
    return HSS_OK;
}

/* The largest org id and the keys of the values stored (none generated: they were deleted). */
static hss_code read_taken(gen *g, keyset *held, hss_error *err)
{
    hss_stmt *q = hss_store_prepare(g->st, "SELECT id, code FROM metric_org", err);
    if (!q)
        return HSS_EDB;
    int r;
    while ((r = hss_store_step(q)) == HSS_ROW) {
        int id = hss_store_col_int(q, 0);
        mx_strmap_put(&g->orgs, hss_store_col_text(q, 1), id);
        if (id >= g->next_org)
            g->next_org = id + 1;
    }
    hss_store_finalize(q);
    if (r != HSS_DONE)
        return hss_store_error(g->st, err, "reading the metric orgs");
    q = hss_store_prepare(g->st, "SELECT element_id, org_id, period FROM data_value WHERE category = ''", err);
    if (!q)
        return HSS_EDB;
    while ((r = hss_store_step(q)) == HSS_ROW)
        keyset_add(held, value_key(hss_store_col_int(q, 0), hss_store_col_int(q, 1), hss_store_col_int(q, 2)));
    hss_store_finalize(q);
    return r == HSS_DONE ? HSS_OK : hss_store_error(g->st, err, "reading the stored values");
}

/* The new orgs, then the values whose key holds none yet. */
static hss_code load_values(gen *g, keyset *held, hss_error *err)
{
    static const char *const ocols[] = {"id", "code"};
    hss_store_loader *ld = hss_store_load_begin(g->st, "metric_org", ocols, 2, err);
    if (!ld)
        return HSS_EDB;
    for (size_t i = 0; i < g->new_orgs.len; i++) {
        const gen_org *o = &HSS_VEC_AT(&g->new_orgs, gen_org, i);
        hss_store_load_int(ld, 0, o->id);
        hss_store_load_text(ld, 1, o->code);
        if (hss_store_load_next(ld, err)) {
            hss_store_load_abort(ld);
            return HSS_EDB;
        }
    }
    hss_code rc = hss_store_load_end(ld, err);
    static const char *const vcols[] = {"element_id", "org_id", "period", "category", "value", "generated"};
    ld = rc ? NULL : hss_store_load_begin(g->st, "data_value", vcols, 6, err);
    if (!ld)
        return HSS_EDB;
    for (size_t i = 0; i < g->values.len; i++) {
        const gen_value *x = &HSS_VEC_AT(&g->values, gen_value, i);
        if (!keyset_add(held, value_key(x->element, x->org, x->period)))
            continue;
        hss_store_load_int(ld, 0, x->element);
        hss_store_load_int(ld, 1, x->org);
        hss_store_load_int(ld, 2, x->period);
        hss_store_load_text(ld, 3, "");
        hss_store_load_double(ld, 4, x->value);
        hss_store_load_int(ld, 5, 1);
        if (hss_store_load_next(ld, err)) {
            hss_store_load_abort(ld);
            return HSS_EDB;
        }
    }
    return hss_store_load_end(ld, err);
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
    keyset held = {0};
    g.next_org = 1;
    hss_vec_init(&g.new_orgs, sizeof(gen_org));
    hss_vec_init(&g.values, sizeof(gen_value));
    if (rc == HSS_OK)
        rc = read_taken(&g, &held, err);
    if (rc == HSS_OK)
        rc = generate(&g, seed, err);
    if (rc == HSS_OK)
        rc = load_values(&g, &held, err);
    free(held.slot);
    hss_vec_free(&g.new_orgs);
    hss_vec_free(&g.values);
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
