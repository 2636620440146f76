/*
 * plan.c: where the ambulances should stand. MEXCLP (Daskin 1983, the maximum expected covering
 * location problem) solved greedily: with every ambulance busy with probability q, a village
 * covered by k ambulances is served in time with probability 1 - q^k, so the k-th ambulance
 * covering it adds (1 - q) q^(k-1) of its residents. The greedy step puts the next ambulance at
 * the site whose villages gain most; the gain of each step is reported, so a planner sees when
 * one more ambulance stops paying. Sites are the stored EMS stations and centres and, on request,
 * the township seats without one (a new station). Coverage means the documents' target:
 * dispatch (1 min) + turnout (2 min) + road time within 11 minutes urban, 14 rural.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "ems/ems_int.h"

#define TARGET_URBAN 11.0
#define TARGET_RURAL 14.0
#define DEFAULT_Q 0.1

typedef struct plan_site {
    const char *code, *name;
    double lon, lat;
    int is_new;
    size_t current; /* stored units there */
} plan_site;

typedef struct plan_in {
    ems_areas A;
    ems_facs F;
    ems_units U;
    plan_site *site;
    size_t nsites;
    size_t *village; /* area index of each demand point */
    size_t nv;
    double *ll;      /* demand lon,lat */
    uint8_t *cover;  /* site x village */
    double residents;
} plan_in;

static void plan_free(plan_in *p)
{
    ems_areas_free(&p->A);
    ems_facs_free(&p->F);
    ems_units_free(&p->U);
    free(p->site);
    free(p->village);
    free(p->ll);
    free(p->cover);
}

static void add_site(plan_in *p, const char *code, const char *name, double lon, double lat, int is_new)
{
    p->site = hss_xrealloc(p->site, (p->nsites + 1) * sizeof *p->site);
    p->site[p->nsites++] = (plan_site){code, name, lon, lat, is_new, 0};
}

static hss_code plan_load(hss_store *st, const hss_ems_plan_opts *o, plan_in *p, hss_error *err)
{
    memset(p, 0, sizeof *p);
    hss_code rc = ems_areas_load(st, &p->A, err);
    if (!rc)
        rc = ems_facs_load(st, &p->F, err);
    if (!rc)
        rc = ems_db_units(st, &p->U, err);
    if (rc)
        return rc;
    if (o->under && !ems_area_find(&p->A, o->under))
        return hss_fail(err, HSS_ENOTFOUND, "no area with code '%s'", o->under);
    for (size_t i = 0; i < p->F.n; i++) {
        const ems_fac *f = &p->F.f[i];
        if (ems_fac_is_station(f) && !isnan(f->lon) && ems_area_under(&p->A, ems_area_find(&p->A, f->area), o->under))
            add_site(p, f->code, f->name, f->lon, f->lat, 0);
    }
    for (size_t i = 0; o->new_sites && i < p->A.n; i++) {
        const ems_area *a = &p->A.a[i];
        int has = 0;
        for (size_t s = 0; s < p->nsites && !has; s++) {
            const ems_fac *f = ems_fac_find(&p->F, p->site[s].code);
            has = f && ems_area_under(&p->A, ems_area_find(&p->A, f->area), a->code);
        }
        if (a->level == 3 && !isnan(a->lon) && !has && ems_area_under(&p->A, a, o->under))
            add_site(p, a->code, a->name, a->lon, a->lat, 1);
    }
    for (size_t u = 0; u < p->U.n; u++)
        for (size_t s = 0; s < p->nsites; s++)
            if (!p->site[s].is_new && strcmp(p->site[s].code, p->U.u[u].station) == 0)
                p->site[s].current++;
    p->village = hss_xmalloc((p->A.n + 1) * sizeof *p->village);
    p->ll = hss_xmalloc((p->A.n + 1) * 2 * sizeof *p->ll);
    for (size_t i = 0; i < p->A.n; i++) {
        const ems_area *a = &p->A.a[i];
        if (a->level != 4 || a->population <= 0 || isnan(a->lon) || !ems_area_under(&p->A, a, o->under))
            continue;
        p->ll[2 * p->nv] = a->lon;
        p->ll[2 * p->nv + 1] = a->lat;
        p->village[p->nv++] = i;
        p->residents += (double)a->population;
    }
    if (p->nsites == 0 || p->nv == 0)
        return hss_fail(err, HSS_ENOTFOUND, "no %s to plan for under %s", p->nsites ? "villages with residents" : "EMS stations",
                        o->under ? o->under : "the region");
    return HSS_OK;
}

/* cover[s * nv + v] = 1 when site s reaches village v within its target. */
static hss_code plan_cover(hss_store *st, plan_in *p, hss_error *err)
{
    hss_access_tt *tt = NULL;
    hss_code rc = hss_access_tt_open(st, &tt, err);
    if (rc)
        return rc;
    double *sl = hss_xmalloc((p->nsites + 1) * 2 * sizeof *sl);
    for (size_t s = 0; s < p->nsites; s++) {
        sl[2 * s] = p->site[s].lon;
        sl[2 * s + 1] = p->site[s].lat;
    }
    float *m = hss_xmalloc((p->nsites * p->nv + 1) * sizeof *m);
    hss_access_tt_matrix(tt, sl, p->nsites, p->ll, p->nv, m);
    p->cover = hss_xmalloc(p->nsites * p->nv + 1);
    for (size_t s = 0; s < p->nsites; s++)
        for (size_t v = 0; v < p->nv; v++) {
            double target = p->A.a[p->village[v]].rural ? TARGET_RURAL : TARGET_URBAN;
            p->cover[s * p->nv + v] = HSS_EMS_SIM_DISPATCH + HSS_EMS_SIM_TURNOUT + m[s * p->nv + v] <= target;
        }
    free(sl);
    free(m);
    hss_access_tt_free(tt);
    return HSS_OK;
}

/* Expected covered residents of an allocation (ambulances per site). */
static double expected(const plan_in *p, const size_t *alloc, double q)
{
    double sum = 0;
    for (size_t v = 0; v < p->nv; v++) {
        size_t k = 0;
        for (size_t s = 0; s < p->nsites; s++)
            if (p->cover[s * p->nv + v])
                k += alloc[s];
        sum += (double)p->A.a[p->village[v]].population * (1 - pow(q, (double)k));
    }
    return sum;
}

static hss_table *steps_table(void)
{
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "rank", NULL, HSS_COL_INT);
    hss_table_add_col(t, "site", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "name", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "new_site", NULL, HSS_COL_INT);
    hss_table_add_col(t, "gain", NULL, HSS_COL_REAL);
    hss_table_add_col(t, "expected_covered", NULL, HSS_COL_REAL);
    hss_table_add_col(t, "expected_share", NULL, HSS_COL_REAL);
    return t;
}

/* The greedy: k[v] ambulances now cover village v; the next goes where sum (1-q) q^k w is largest
 * (ties: the earlier site). */
static void greedy(const plan_in *p, size_t n, double q, size_t *alloc, hss_table *t)
{
    size_t *k = hss_xcalloc(p->nv + 1, sizeof *k);
    double total = 0;
    for (size_t step = 0; step < n; step++) {
        size_t best = 0;
        double bg = -1;
        for (size_t s = 0; s < p->nsites; s++) {
            double g = 0;
            for (size_t v = 0; v < p->nv; v++)
                if (p->cover[s * p->nv + v])
                    g += (double)p->A.a[p->village[v]].population * (1 - q) * pow(q, (double)k[v]);
            if (g > bg) {
                bg = g;
                best = s;
            }
        }
        alloc[best]++;
        for (size_t v = 0; v < p->nv; v++)
            k[v] += p->cover[best * p->nv + v];
        total += bg;
        hss_table_add_row(t);
        hss_table_set_int(t, 0, (long long)step + 1);
        hss_table_set_text(t, 1, p->site[best].code);
        hss_table_set_text(t, 2, p->site[best].name);
        hss_table_set_int(t, 3, p->site[best].is_new);
        hss_table_set_real(t, 4, bg, 1);
        hss_table_set_real(t, 5, total, 1);
        hss_table_set_real(t, 6, total / p->residents, 4);
    }
    free(k);
}

static hss_table *summary_table(const plan_in *p, double q, int measured, size_t planned, double planned_cov)
{
    size_t *cur = hss_xcalloc(p->nsites + 1, sizeof *cur), ncur = 0;
    for (size_t s = 0; s < p->nsites; s++) {
        cur[s] = p->site[s].current;
        ncur += cur[s];
    }
    double reach_w = 0;
    for (size_t v = 0; v < p->nv; v++)
        for (size_t s = 0; s < p->nsites; s++)
            if (p->cover[s * p->nv + v]) {
                reach_w += (double)p->A.a[p->village[v]].population;
                break;
            }
    hss_table *t = hss_table_new();
    static const char *const cols[] = {"residents", "busy_q", "busy_source", "current_units", "current_expected_share",
                                       "planned_units", "planned_expected_share", "reachable_share"};
    for (int i = 0; i < 8; i++)
        hss_table_add_col(t, cols[i], NULL, i == 2 ? HSS_COL_TEXT : i == 0 || i == 3 || i == 5 ? HSS_COL_INT : HSS_COL_REAL);
    hss_table_add_row(t);
    hss_table_set_int(t, 0, (long long)p->residents);
    hss_table_set_real(t, 1, q, 4);
    hss_table_set_text(t, 2, measured ? "measured from the call records" : "stated default 0.1");
    hss_table_set_int(t, 3, (long long)ncur);
    hss_table_set_real(t, 4, expected(p, cur, q) / p->residents, 4);
    hss_table_set_int(t, 5, (long long)planned);
    hss_table_set_real(t, 6, planned_cov / p->residents, 4);
    hss_table_set_real(t, 7, reach_w / p->residents, 4);
    free(cur);
    return t;
}

hss_code hss_ems_plan(hss_store *st, const hss_ems_plan_opts *o, hss_table **steps, hss_table **summary,
                      hss_error *err)
{
    plan_in p;
    double q = o->busy;
    int measured = 0;
    hss_code rc = plan_load(st, o, &p, err);
    if (!rc && q <= 0) {
        rc = ems_db_busy_share(st, &q, err);
        measured = !rc && !isnan(q) && q > 0 && q < 1;
        if (!measured)
            q = DEFAULT_Q;
    }
    if (!rc && q >= 1)
        rc = hss_fail(err, HSS_EINVAL, "the busy probability must be below 1, not %g", q);
    if (!rc)
        rc = plan_cover(st, &p, err);
    if (!rc) {
        size_t n = o->units;
        if (n == 0)
            for (size_t s = 0; s < p.nsites; s++)
                n += p.site[s].current;
        if (n == 0)
            n = p.nsites;
        size_t *alloc = hss_xcalloc(p.nsites + 1, sizeof *alloc);
        *steps = steps_table();
        greedy(&p, n, q, alloc, *steps);
        if (summary)
            *summary = summary_table(&p, q, measured, n, expected(&p, alloc, q));
        free(alloc);
    }
    plan_free(&p);
    return rc;
}
