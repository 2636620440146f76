/*
 * demo.c: generated 120 data for a demo region, labelled generated. Units come from the
 * region's own fleet: each ambulance of an EMS station or centre becomes a unit whose crew is
 * the station's EMS staff shared out over its ambulances (so the crew rule finds the stations
 * that are short). A year of calls is produced by the simulation itself (sim.c): Poisson
 * arrivals at a stated rate per 1,000 residents over the villages (so the urban/rural mix
 * follows the residents), nearest-available dispatch on the road network, the patient carried
 * to the nearest hospital with an emergency department by road in 4 calls of 5, and intervals
 * drawn around the stated defaults. The result is stored as call records, as an import would
 * store them, in one bulk load.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "ems/ems_int.h"

/* Share of calls whose patient is carried to hospital. */
#define CARRIED 0.8

static void free_fleet(ems_fleet *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(f[i].station);
    free(f);
}

/* Units of one station: the ambulances first, then the negative-pressure ones; crew counts
 * shared out with the remainder going to the first units. */
static hss_code station_units(ems_writer *w, const ems_fleet *f, const ems_facs *F, const ems_areas *A,
                              sim_model *m, size_t *made, hss_error *err)
{
    int64_t n = f->count[0] + f->count[1];
    const ems_fac *fac = ems_fac_find(F, f->station);
    const ems_area *county = fac ? ems_area_up(A, ems_area_find(A, fac->area), 2) : NULL;
    if (n <= 0 || !fac || !county)
        return HSS_OK;
    uint32_t s = ems_sim_add_station(m, fac->lon, fac->lat);
    for (int64_t i = 0; i < n; i++) {
        char code[96];
        snprintf(code, sizeof code, "%s-%02lld", f->station, (long long)i + 1);
        ems_unit u = {0};
        u.code = code;
        u.station = f->station;
        u.county = county->code;
        u.kind = i < f->count[0] ? "ambulance" : "negative_pressure_ambulance";
        u.doctors = f->count[2] / n + (i < f->count[2] % n);
        u.drivers = f->count[3] / n + (i < f->count[3] % n);
        u.aides = f->count[4] / n + (i < f->count[4] % n);
        u.generated = 1;
        hss_code rc = ems_db_put_unit(w, &u, err);
        if (rc)
            return rc;
        ems_sim_add_unit(m, s, code);
        (*made)++;
    }
    return HSS_OK;
}

/* Interval samples around the defaults: default x exp(0.35 N(0,1)). */
static void synthetic_intervals(sim_model *m, hss_rng *r)
{
    static const double dflt[IV_N] = {HSS_EMS_SIM_DISPATCH, HSS_EMS_SIM_TURNOUT, HSS_EMS_SIM_SCENE,
                                      HSS_EMS_SIM_TRANSPORT, HSS_EMS_SIM_HANDOVER};
    for (int k = 0; k < IV_N; k++) {
        m->iv[k].n = 2000;
        m->iv[k].dflt = dflt[k];
        m->iv[k].v = hss_xmalloc(m->iv[k].n * sizeof(double));
        for (size_t i = 0; i < m->iv[k].n; i++)
            m->iv[k].v[i] = dflt[k] * exp(0.35 * hss_rng_normal(r));
    }
}

/* Nearest hospital with an emergency department for every demand point (index into F, -1). */
static void hospitals(hss_access_tt *tt, const ems_facs *F, const sim_model *m, int32_t *best, float *minutes)
{
    size_t nh = 0;
    size_t *idx = hss_xmalloc((F->n + 1) * sizeof *idx);
    double *ll = hss_xmalloc((F->n + 1) * 2 * sizeof *ll);
    for (size_t i = 0; i < F->n; i++)
        if (ems_fac_is_hospital(&F->f[i]) && !isnan(F->f[i].lon) && ems_fac_has_service(&F->f[i], "emergency_department")) {
            ll[2 * nh] = F->f[i].lon;
            ll[2 * nh + 1] = F->f[i].lat;
            idx[nh++] = i;
        }
    float *mx = hss_xmalloc((m->npoints * nh + 1) * sizeof *mx);
    if (nh)
        hss_access_tt_matrix(tt, m->point_ll, m->npoints, ll, nh, mx);
    for (size_t p = 0; p < m->npoints; p++) {
        best[p] = -1;
        minutes[p] = INFINITY;
        for (size_t h = 0; h < nh; h++)
            if (mx[p * nh + h] < minutes[p]) {
                minutes[p] = mx[p * nh + h];
                best[p] = (int32_t)idx[h];
            }
    }
    free(idx);
    free(ll);
    free(mx);
}

static const char *category(hss_rng *r)
{
    double x = hss_rng_uniform(r);
    return x < 0.06 ? "chest_pain" : x < 0.12 ? "stroke" : x < 0.32 ? "trauma" : "other";
}

/* The simulated calls as call records, in order (ids and their texts in `pool`). */
static ems_call *make_calls(const sim_model *m, const ems_areas *A, const ems_facs *F, const int32_t *hosp,
                            int64_t t0, hss_rng *r, int year, hss_strpool *pool)
{
    static const char *const PRIORITY[] = {"1", "2", "3"};
    ems_call *out = hss_xcalloc(m->ncalls + 1, sizeof *out);
    for (size_t i = 0; i < m->ncalls; i++) {
        const sim_call *sc = &m->calls[i];
        const ems_area *v = &A->a[m->point_area[sc->point]];
        const ems_area *county = ems_area_up(A, v, 2);
        char id[48];
        snprintf(id, sizeof id, "G%d-%06zu", year, i + 1);
        ems_call *c = &out[i];
        c->id = hss_strpool_copy(pool, id);
        c->county = county ? county->code : v->code;
        c->village = v->code;
        c->lon = v->lon;
        c->lat = v->lat;
        c->priority = (char *)PRIORITY[hss_rng_below(r, 3)];
        c->category = (char *)category(r);
        c->outcome = sc->unit < 0 ? "unreachable" : sc->not_carried ? "treated_on_scene" : "transported";
        for (int k = 0; k < EMS_NSTEPS; k++)
            c->t[k] = HSS_EMS_NO_TIME;
        c->t[EMS_RECEIVED] = t0 + (int64_t)llround(sc->t);
        if (sc->unit >= 0) {
            c->unit = m->unit_code[sc->unit];
            for (int k = EMS_DISPATCHED; k <= EMS_LEFT_SCENE; k++)
                c->t[k] = t0 + (int64_t)llround(sc->step[k]);
            if (!sc->not_carried) {
                c->t[EMS_AT_HOSPITAL] = t0 + (int64_t)llround(sc->step[EMS_AT_HOSPITAL]);
                c->t[EMS_HANDOVER] = t0 + (int64_t)llround(sc->step[EMS_HANDOVER]);
                c->hospital = F->f[hosp[sc->point]].code;
            }
        }
    }
    return out;
}

/* Stores the year of calls in one bulk load (a statement per call cost PostgreSQL a round trip
 * each: 190,000 for Nanyang). */
static hss_code write_calls(hss_store *st, const sim_model *m, const ems_areas *A, const ems_facs *F,
                            const int32_t *hosp, int64_t t0, hss_rng *r, int year, hss_error *err)
{
    hss_strpool pool;
    hss_strpool_init(&pool, HSS_STRPOOL_LARGE);
    ems_call *calls = make_calls(m, A, F, hosp, t0, r, year, &pool);
    hss_code rc = ems_db_load_calls(st, calls, m->ncalls, 1, err);
    free(calls);
    hss_strpool_free(&pool);
    return rc;
}

/* Decides per call whether the patient is carried and how long the road to hospital is. */
static void plan_transport(sim_model *m, const int32_t *hosp, const float *minutes, hss_rng *r)
{
    for (size_t i = 0; i < m->ncalls; i++) {
        sim_call *c = &m->calls[i];
        c->not_carried = hosp[c->point] < 0 || hss_rng_uniform(r) >= CARRIED;
        c->transport_min = c->not_carried ? -1 : minutes[c->point];
    }
}

hss_code hss_ems_demo(hss_store *st, uint64_t seed, double per_1000, int year, size_t *units,
                      size_t *calls, hss_error *err)
{
    ems_areas A = {0};
    ems_facs F = {0};
    ems_fleet *fleet = NULL;
    size_t nfleet = 0, made = 0;
    sim_model m = {0};
    hss_access_tt *tt = NULL;
    ems_writer *w = NULL;
    hss_rng r;
    hss_rng_seed(&r, seed ^ 0x3132304445ULL);
    hss_code rc = hss_store_begin(st, err);
    if (rc)
        return rc;
    rc = ems_areas_load(st, &A, err);
    if (!rc)
        rc = ems_facs_load(st, &F, err);
    if (!rc)
        rc = ems_db_fleet(st, &fleet, &nfleet, err);
    if (!rc)
        rc = ems_db_clear_generated(st, err);
    if (!rc && !(w = ems_db_writer(st, err)))
        rc = HSS_EDB;
    for (size_t i = 0; !rc && i < nfleet; i++)
        rc = station_units(w, &fleet[i], &F, &A, &m, &made, err);
    int days = hss_days_from_civil(year + 1, 1, 1) - hss_days_from_civil(year, 1, 1);
    hss_ems_sim_opts o = {.rate = per_1000, .days = days, .seed = seed};
    if (!rc && made > 0)
        rc = ems_sim_generate(&m, &o, &A, err);
    if (!rc && made > 0)
        rc = hss_access_tt_open(st, &tt, err);
    if (!rc && made > 0) {
        int32_t *hosp = hss_xmalloc((m.npoints + 1) * sizeof *hosp);
        float *hmin = hss_xmalloc((m.npoints + 1) * sizeof *hmin);
        m.tt = hss_xmalloc((m.nstations * m.npoints + 1) * sizeof *m.tt);
        hss_access_tt_matrix(tt, m.station_ll, m.nstations, m.point_ll, m.npoints, m.tt);
        hospitals(tt, &F, &m, hosp, hmin);
        synthetic_intervals(&m, &r);
        plan_transport(&m, hosp, hmin, &r);
        ems_sim_run(&m, seed);
        int64_t t0 = (int64_t)hss_days_from_civil(year, 1, 1) * 86400 - 8 * 3600;
        ems_db_writer_free(w); /* the units are written; the calls go in bulk */
        w = NULL;
        rc = write_calls(st, &m, &A, &F, hosp, t0, &r, year, err);
        free(hosp);
        free(hmin);
    }
    ems_db_writer_free(w);
    if (!rc) {
        char what[200];
        snprintf(what, sizeof what, "120 units from the generated fleet; %zu calls of %d generated at %.0f per 1,000 "
                 "residents a year (seed %llu)", m.ncalls, year, per_1000, (unsigned long long)seed);
        rc = hss_store_meta_set(st, "ems_generated", what, err);
    }
    if (!rc)
        rc = hss_store_bump_version(st, err);
    if (!rc)
        rc = hss_store_commit(st, err);
    else
        hss_store_rollback(st);
    if (units)
        *units = rc ? 0 : made;
    if (calls)
        *calls = rc ? 0 : m.ncalls;
    hss_access_tt_free(tt);
    ems_sim_model_free(&m);
    free_fleet(fleet, nfleet);
    ems_facs_free(&F);
    ems_areas_free(&A);
    return rc;
}
