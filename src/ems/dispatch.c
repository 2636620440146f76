/*
 * dispatch.c: the dispatcher's questions. Which unit goes to a call now (the nearest available
 * by road time from its station, and the next two), which hospital receives the patient (the
 * nearest with the centre the call's category needs, so it can be told before arrival:
 * 上车即入院), and the state of every unit: from the call records (dispatched, on scene,
 * transporting, at hospital) and from the state changes a dispatcher made, each audited.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access/access.h"
#include "ems/ems_int.h"

static const char *const STATES[] = {"available", "dispatched", "on_scene", "transporting",
                                     "at_hospital", "out_of_service"};

int hss_ems_state_valid(const char *state)
{
    for (size_t i = 0; i < sizeof STATES / sizeof *STATES; i++)
        if (state && strcmp(state, STATES[i]) == 0)
            return 1;
    return 0;
}

/* The state a call's times give its unit at `at`. */
static const char *call_state(const ems_call *c, int64_t at)
{
    static const int step[] = {EMS_HANDOVER, EMS_AT_HOSPITAL, EMS_LEFT_SCENE, EMS_ON_SCENE};
    static const char *const name[] = {"available", "at_hospital", "transporting", "on_scene"};
    for (int i = 0; i < 4; i++)
        if (c->t[step[i]] != HSS_EMS_NO_TIME && c->t[step[i]] <= at)
            return name[i];
    return "dispatched";
}

/* Each unit's state at `at`: a call covering `at` decides, else the last state change. */
typedef struct unit_states {
    ems_calls busy;
    char **ev_unit, **ev_state;
    size_t nev;
} unit_states;

static hss_code states_load(hss_store *st, int64_t at, unit_states *S, hss_error *err)
{
    memset(S, 0, sizeof *S);
    hss_code rc = ems_db_busy_calls(st, at, &S->busy, err);
    if (!rc)
        rc = ems_db_states_at(st, at, &S->ev_unit, &S->ev_state, &S->nev, err);
    return rc;
}

static void states_free(unit_states *S)
{
    ems_calls_free(&S->busy);
    ems_strs_free(S->ev_unit, S->nev);
    ems_strs_free(S->ev_state, S->nev);
}

static const char *state_of(const unit_states *S, const char *unit, int64_t at)
{
    for (size_t i = 0; i < S->busy.n; i++)
        if (strcmp(S->busy.c[i].unit, unit) == 0)
            return call_state(&S->busy.c[i], at);
    for (size_t i = 0; i < S->nev; i++)
        if (strcmp(S->ev_unit[i], unit) == 0)
            return S->ev_state[i];
    return "available";
}

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

/* ---- nearest available unit ------------------------------------------------------------- */

static void copy(char *dst, size_t n, const char *s)
{
    snprintf(dst, n, "%s", s ? s : "");
}

static int cmp_cand(const void *a, const void *b)
{
    const hss_ems_candidate *x = a, *y = b;
    if (x->minutes != y->minutes)
        return x->minutes < y->minutes ? -1 : 1;
    return strcmp(x->unit, y->unit);
}

typedef struct dispatch_data {
    ems_facs F;
    ems_units U;
    unit_states S;
    hss_access_tt *tt;
} dispatch_data;

static void data_free(dispatch_data *d)
{
    ems_facs_free(&d->F);
    ems_units_free(&d->U);
    states_free(&d->S);
    hss_access_tt_free(d->tt);
}

static hss_code data_load(hss_store *st, int64_t at, dispatch_data *d, hss_error *err)
{
    memset(d, 0, sizeof *d);
    hss_code rc = ems_facs_load(st, &d->F, err);
    if (!rc)
        rc = ems_db_units(st, &d->U, err);
    if (!rc)
        rc = states_load(st, at, &d->S, err);
    if (!rc)
        rc = hss_access_tt_open(st, &d->tt, err);
    return rc;
}

/* Candidates: available units at a located station, with road minutes to the call. */
static size_t candidates(dispatch_data *d, int64_t at, double lon, double lat, hss_ems_candidate *cand,
                         size_t *busy)
{
    size_t n = 0;
    double *src = hss_xmalloc((d->U.n + 1) * 2 * sizeof *src);
    const ems_fac **fac = hss_xmalloc((d->U.n + 1) * sizeof *fac);
    *busy = 0;
    for (size_t i = 0; i < d->U.n; i++) {
        const ems_fac *f = ems_fac_find(&d->F, d->U.u[i].station);
        if (strcmp(state_of(&d->S, d->U.u[i].code, at), "available") != 0) {
            (*busy)++;
            continue;
        }
        if (!f || isnan(f->lon))
            continue;
        copy(cand[n].unit, sizeof cand[n].unit, d->U.u[i].code);
        copy(cand[n].station, sizeof cand[n].station, f->code);
        copy(cand[n].station_name, sizeof cand[n].station_name, f->name);
        src[2 * n] = f->lon;
        src[2 * n + 1] = f->lat;
        fac[n++] = f;
    }
    float *m = hss_xmalloc((n + 1) * sizeof *m);
    double dst[2] = {lon, lat};
    if (n)
        hss_access_tt_matrix(d->tt, src, n, dst, 1, m);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(m[i])) {
            cand[k] = cand[i];
            cand[k++].minutes = m[i];
        }
    qsort(cand, k, sizeof *cand, cmp_cand);
    free(src);
    free(fac);
    free(m);
    return k;
}

/* The centre a category needs ("" = none in particular). */
static const char *needed_service(const char *category)
{
    static const char *const cat[] = {"chest_pain", "stroke", "trauma"};
    static const char *const svc[] = {"chest_pain_center", "stroke_center", "trauma_center"};
    for (int i = 0; category && i < 3; i++)
        if (strcmp(category, cat[i]) == 0)
            return svc[i];
    return "";
}

/* The nearest hospital by road offering `service` (any hospital with an emergency
 * department when service is ""). Returns 0 when none is reachable. */
static int nearest_hospital(dispatch_data *d, double lon, double lat, const char *service,
                            hss_ems_dispatch_result *out)
{
    const char *svc = *service ? service : "emergency_department";
    const ems_fac **h = hss_xmalloc((d->F.n + 1) * sizeof *h);
    double *dst = hss_xmalloc((d->F.n + 1) * 2 * sizeof *dst);
    size_t n = 0;
    for (size_t i = 0; i < d->F.n; i++) {
        const ems_fac *f = &d->F.f[i];
        if (!ems_fac_is_hospital(f) || isnan(f->lon) || !ems_fac_has_service(f, svc))
            continue;
        dst[2 * n] = f->lon;
        dst[2 * n + 1] = f->lat;
        h[n++] = f;
    }
    float *m = hss_xmalloc((n + 1) * sizeof *m);
    double src[2] = {lon, lat};
    if (n)
        hss_access_tt_matrix(d->tt, src, 1, dst, n, m);
    size_t best = n;
    for (size_t i = 0; i < n; i++)
        if (isfinite(m[i]) && (best == n || m[i] < m[best]))
            best = i;
    if (best < n) {
        copy(out->hospital, sizeof out->hospital, h[best]->code);
        copy(out->hospital_name, sizeof out->hospital_name, h[best]->name);
        copy(out->hospital_service, sizeof out->hospital_service, service);
        out->hospital_minutes = m[best];
    }
    free(h);
    free(dst);
    free(m);
    return best < n;
}

hss_code hss_ems_dispatch(hss_store *st, int64_t at, double lon, double lat, const char *category,
                          hss_ems_dispatch_result *out, hss_error *err)
{
    memset(out, 0, sizeof *out);
    if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90))
        return hss_fail(err, HSS_EINVAL, "the call's location %g,%g is not a longitude,latitude", lon, lat);
    dispatch_data d;
    hss_code rc = data_load(st, at, &d, err);
    if (!rc && !hss_access_tt_on_road(d.tt, lon, lat))
        rc = hss_fail(err, HSS_EINVAL, "the call's location %g,%g is farther than %.0f m from any road",
                      lon, lat, HSS_ACCESS_SNAP_MAX_M);
    if (!rc) {
        hss_ems_candidate *cand = hss_xcalloc(d.U.n + 1, sizeof *cand);
        size_t n = candidates(&d, at, lon, lat, cand, &out->busy);
        out->found = n > 0;
        if (n)
            out->best = cand[0];
        for (size_t i = 1; i < n && out->nalt < 2; i++)
            out->alt[out->nalt++] = cand[i];
        free(cand);
        const char *svc = needed_service(category);
        if (!nearest_hospital(&d, lon, lat, svc, out) && *svc)
            nearest_hospital(&d, lon, lat, "", out);
    }
    data_free(&d);
    return rc;
}

/* ---- unit states ------------------------------------------------------------------------ */

hss_code hss_ems_unit_set_state(hss_store *st, const char *unit, const char *state, int64_t at,
                                const char *user, hss_error *err)
{
    if (!hss_ems_state_valid(state))
        return hss_fail(err, HSS_EINVAL, "unknown unit state '%s' (available, dispatched, on_scene, "
                        "transporting, at_hospital, out_of_service)", state ? state : "");
    char *county = NULL;
    if (!unit || !ems_db_unit_exists(st, unit, &county))
        return hss_fail(err, HSS_ENOTFOUND, "no unit '%s' is stored", unit ? unit : "");
    hss_code rc = hss_store_begin(st, err);
    if (!rc)
        rc = ems_db_unit_event(st, unit, county, state, at == HSS_EMS_NO_TIME ? now_s() : at, user, err);
    if (!rc)
        rc = hss_store_bump_version(st, err);
    if (!rc)
        rc = hss_store_commit(st, err);
    if (rc)
        hss_store_rollback(st);
    free(county);
    return rc;
}

static hss_table *units_cols(void)
{
    static const char *const text[] = {"unit", "station", "station_name", "county", "kind"};
    static const char *const ints[] = {"doctors", "drivers", "aides", "crew_ok"};
    hss_table *t = hss_table_new();
    for (int i = 0; i < 5; i++)
        hss_table_add_col(t, text[i], NULL, HSS_COL_TEXT);
    for (int i = 0; i < 4; i++)
        hss_table_add_col(t, ints[i], NULL, HSS_COL_INT);
    hss_table_add_col(t, "state", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "lon", NULL, HSS_COL_REAL);
    hss_table_add_col(t, "lat", NULL, HSS_COL_REAL);
    return t;
}

hss_code hss_ems_units_table(hss_store *st, const char *area, int64_t at, hss_table **out,
                             hss_error *err)
{
    if (at == HSS_EMS_NO_TIME)
        at = now_s();
    ems_areas A = {0};
    ems_facs F = {0};
    ems_units U = {0};
    unit_states S = {0};
    hss_code rc = ems_areas_load(st, &A, err);
    if (!rc)
        rc = ems_facs_load(st, &F, err);
    if (!rc)
        rc = ems_db_units(st, &U, err);
    if (!rc)
        rc = states_load(st, at, &S, err);
    if (!rc && area && !ems_area_find(&A, area))
        rc = hss_fail(err, HSS_ENOTFOUND, "no area with code '%s'", area);
    if (!rc) {
        hss_table *t = units_cols();
        for (size_t i = 0; i < U.n; i++) {
            const ems_unit *u = &U.u[i];
            const ems_fac *f = ems_fac_find(&F, u->station);
            if (!f || !ems_area_under(&A, ems_area_find(&A, f->area), area))
                continue;
            hss_table_add_row(t);
            const char *txt[] = {u->code, u->station, f->name, u->county, u->kind};
            for (int k = 0; k < 5; k++)
                hss_table_set_text(t, (size_t)k, txt[k]);
            int64_t n[] = {u->doctors, u->drivers, u->aides, ems_unit_crew_ok(u)};
            for (int k = 0; k < 4; k++)
                hss_table_set_int(t, (size_t)(5 + k), n[k]);
            hss_table_set_text(t, 9, state_of(&S, u->code, at));
            if (!isnan(f->lon)) {
                hss_table_set_real(t, 10, f->lon, 6);
                hss_table_set_real(t, 11, f->lat, 6);
            }
        }
        *out = t;
    }
    states_free(&S);
    ems_units_free(&U);
    ems_facs_free(&F);
    ems_areas_free(&A);
    return rc;
}
