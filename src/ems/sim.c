/*
 * sim.c: a year of 120 calls simulated. A discrete-event simulation in the manner of EMSTrack's
 * EMS-Simulator: calls arrive (generated from a call rate over the residents of the villages, or
 * replayed from records), the nearest available unit by road time from its station is assigned,
 * and the unit is busy through dispatch, turnout, travel, scene, transport and handover; when
 * every unit is busy the call waits in a first-come queue for the next unit to come free.
 *
 * Events sit in a binary heap keyed by (time, sequence), so ties resolve in the order events were
 * made and the same seed gives the same run. Road times come from one matrix of stations by
 * demand points computed before the loop (src/access). The interval draws come from the stored
 * measured calls when at least 30 have the interval, else the stated defaults. Simplifications,
 * stated in docs/ems.md: a unit is free again at handover and starts its next call from its
 * station; no shifts (every unit is staffed around the clock); the queue ignores priority.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "ems/ems_int.h"

#define MIN_SAMPLES 30

/* ---- event queue ------------------------------------------------------------------------ */

enum { EV_CALL, EV_FREE };

typedef struct sim_event {
    double t;     /* seconds from the start */
    uint64_t seq; /* creation order: breaks ties deterministically */
    int type;
    uint32_t idx; /* call (EV_CALL) or unit (EV_FREE) */
} sim_event;

typedef struct event_heap {
    sim_event *e;
    size_t n, cap;
    uint64_t seq;
} event_heap;

static int ev_less(const sim_event *a, const sim_event *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void heap_push(event_heap *h, double t, int type, uint32_t idx)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 1024;
        h->e = hss_xrealloc(h->e, h->cap * sizeof *h->e);
    }
    sim_event ev = {t, h->seq++, type, idx};
    size_t i = h->n++;
    while (i > 0 && ev_less(&ev, &h->e[(i - 1) / 2])) {
        h->e[i] = h->e[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->e[i] = ev;
}

static sim_event heap_pop(event_heap *h)
{
    sim_event top = h->e[0], last = h->e[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && ev_less(&h->e[c + 1], &h->e[c]))
            c++;
        if (!ev_less(&h->e[c], &last))
            break;
        h->e[i] = h->e[c];
        i = c;
    }
    if (h->n > 0)
        h->e[i] = last;
    return top;
}

/* ---- intervals ---------------------------------------------------------------------------- */

static double draw(const ems_interval *iv, hss_rng *r)
{
    if (iv->n < MIN_SAMPLES)
        return iv->dflt * 60.0;
    return iv->v[hss_rng_below(r, iv->n)] * 60.0;
}

/* Fills the intervals from the stored calls. Returns 1 when scene, transport and handover all
 * have enough measured samples, -1 on a database error. */
static int intervals_load(hss_store *st, ems_interval iv[IV_N], hss_error *err)
{
    static const double dflt[IV_N] = {HSS_EMS_SIM_DISPATCH, HSS_EMS_SIM_TURNOUT, HSS_EMS_SIM_SCENE,
                                      HSS_EMS_SIM_TRANSPORT, HSS_EMS_SIM_HANDOVER};
    double *v[IV_N];
    size_t n[IV_N];
    if (ems_db_interval_samples(st, v, n, err))
        return -1;
    for (int k = 0; k < IV_N; k++) {
        iv[k].v = v[k];
        iv[k].n = n[k];
        iv[k].dflt = dflt[k];
    }
    return iv[IV_SCENE].n >= MIN_SAMPLES && iv[IV_TRANSPORT].n >= MIN_SAMPLES && iv[IV_HANDOVER].n >= MIN_SAMPLES;
}

/* ---- the model ---------------------------------------------------------------------------- */

/* sim_call and sim_model are declared in ems_int.h (the demo generator drives them too). */

void ems_sim_model_free(sim_model *m)
{
    free(m->station_ll);
    free(m->unit_station);
    for (size_t i = 0; i < m->nunits; i++)
        free(m->unit_code[i]);
    free(m->unit_code);
    free(m->point_ll);
    free(m->tt);
    free(m->calls);
    free(m->point_area);
    for (int k = 0; k < IV_N; k++)
        free(m->iv[k].v);
}

uint32_t ems_sim_add_station(sim_model *m, double lon, double lat)
{
    for (size_t i = 0; i < m->nstations; i++)
        if (m->station_ll[2 * i] == lon && m->station_ll[2 * i + 1] == lat)
            return (uint32_t)i;
    m->station_ll = hss_xrealloc(m->station_ll, (m->nstations + 1) * 2 * sizeof *m->station_ll);
    m->station_ll[2 * m->nstations] = lon;
    m->station_ll[2 * m->nstations + 1] = lat;
    return (uint32_t)m->nstations++;
}

void ems_sim_add_unit(sim_model *m, uint32_t station, const char *code)
{
    m->unit_station = hss_xrealloc(m->unit_station, (m->nunits + 1) * sizeof *m->unit_station);
    m->unit_code = hss_xrealloc(m->unit_code, (m->nunits + 1) * sizeof *m->unit_code);
    m->unit_station[m->nunits] = station;
    m->unit_code[m->nunits++] = hss_xstrdup(code);
}

/* Units and stations: the stored ones under the area plus the what-ifs. */
static hss_code build_units(sim_model *m, const hss_ems_sim_opts *o, const ems_areas *A, const ems_facs *F,
                            const ems_units *U, hss_error *err)
{
    for (size_t i = 0; i < U->n; i++) {
        const ems_fac *f = ems_fac_find(F, U->u[i].station);
        if (!f || isnan(f->lon) || !ems_area_under(A, ems_area_find(A, f->area), o->under))
            continue;
        ems_sim_add_unit(m, ems_sim_add_station(m, f->lon, f->lat), U->u[i].code);
    }
    if (o->add_units_station) {
        const ems_fac *f = ems_fac_find(F, o->add_units_station);
        if (!f || !ems_fac_is_station(f) || isnan(f->lon))
            return hss_fail(err, HSS_ENOTFOUND, "--add-units: no EMS station '%s' with a location is stored",
                            o->add_units_station);
        for (int k = 0; k < o->add_units; k++) {
            char code[96];
            snprintf(code, sizeof code, "new-%s-%d", f->code, k + 1);
            ems_sim_add_unit(m, ems_sim_add_station(m, f->lon, f->lat), code);
        }
    }
    if (o->add_station) {
        uint32_t s = ems_sim_add_station(m, o->add_lon, o->add_lat);
        for (int k = 0; k < o->add_station_units; k++) {
            char code[48];
            snprintf(code, sizeof code, "new-station-%d", k + 1);
            ems_sim_add_unit(m, s, code);
        }
    }
    if (m->nunits == 0)
        return hss_fail(err, HSS_ENOTFOUND, "no ambulance units at located stations%s%s (hss ems units import)",
                        o->under ? " under " : "", o->under ? o->under : "");
    return HSS_OK;
}

/* Generated calls: a Poisson process at rate per 1,000 residents a year over the villages
 * (townships when no village has residents), each call at a village drawn by population. */
hss_code ems_sim_generate(sim_model *m, const hss_ems_sim_opts *o, const ems_areas *A, hss_error *err)
{
    double *cum = hss_xmalloc((A->n + 1) * sizeof *cum);
    int *rural = hss_xmalloc((A->n + 1) * sizeof *rural);
    m->point_ll = hss_xmalloc((A->n + 1) * 2 * sizeof *m->point_ll);
    m->point_area = hss_xmalloc((A->n + 1) * sizeof *m->point_area);
    double pop = 0;
    for (int level = 4; level >= 3 && m->npoints == 0; level--)
        for (size_t i = 0; i < A->n; i++) {
            const ems_area *a = &A->a[i];
            if (a->level != level || a->population <= 0 || isnan(a->lon) || !ems_area_under(A, a, o->under))
                continue;
            pop += (double)a->population;
            cum[m->npoints] = pop;
            rural[m->npoints] = a->rural;
            m->point_ll[2 * m->npoints] = a->lon;
            m->point_ll[2 * m->npoints + 1] = a->lat;
            m->point_area[m->npoints] = (uint32_t)i;
            m->npoints++;
        }
    if (m->npoints == 0) {
        free(cum);
        free(rural);
        return hss_fail(err, HSS_ENOTFOUND, "no villages or townships with residents and a location");
    }
    hss_rng r;
    hss_rng_seed(&r, o->seed ^ 0x454d5331ULL);
    double per_s = o->rate / 1000.0 * pop / (365.0 * 86400.0), end = o->days * 86400.0, t = 0;
    size_t cap = (size_t)(per_s * end * 1.2) + 16;
    m->calls = hss_xmalloc(cap * sizeof *m->calls);
    for (;;) {
        t += -log(1.0 - hss_rng_uniform(&r)) / per_s;
        if (t >= end)
            break;
        double x = hss_rng_uniform(&r) * pop;
        size_t lo = 0, hi = m->npoints - 1;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (cum[mid] > x)
                hi = mid;
            else
                lo = mid + 1;
        }
        if (m->ncalls == cap) {
            cap *= 2;
            m->calls = hss_xrealloc(m->calls, cap * sizeof *m->calls);
        }
        sim_call *c = &m->calls[m->ncalls++];
        memset(c, 0, sizeof *c);
        *c = (sim_call){.t = t, .point = (uint32_t)lo, .rural = rural[lo], .measured = NAN, .unit = -1,
                        .transport_min = -1};
    }
    free(cum);
    free(rural);
    return HSS_OK;
}

/* Replayed calls (stored or from a file): each its own demand point. */
static void replay_calls(sim_model *m, const ems_calls *C, const ems_areas *A, const char *under)
{
    m->calls = hss_xmalloc((C->n + 1) * sizeof *m->calls);
    m->point_ll = hss_xmalloc((C->n + 1) * 2 * sizeof *m->point_ll);
    int64_t t0 = C->n ? C->c[0].t[EMS_RECEIVED] : 0;
    for (size_t i = 0; i < C->n; i++)
        if (C->c[i].t[EMS_RECEIVED] < t0)
            t0 = C->c[i].t[EMS_RECEIVED];
    for (size_t i = 0; i < C->n; i++) {
        const ems_call *c = &C->c[i];
        const ems_area *v = ems_area_find(A, c->village);
        if (under && (!v || !ems_area_under(A, v, under)))
            continue;
        double meas = c->t[EMS_ON_SCENE] == HSS_EMS_NO_TIME ? NAN
                                                            : (double)(c->t[EMS_ON_SCENE] - c->t[EMS_RECEIVED]) / 60.0;
        m->point_ll[2 * m->npoints] = c->lon;
        m->point_ll[2 * m->npoints + 1] = c->lat;
        sim_call *sc = &m->calls[m->ncalls++];
        memset(sc, 0, sizeof *sc);
        *sc = (sim_call){.t = (double)(c->t[EMS_RECEIVED] - t0), .point = (uint32_t)m->npoints++,
                         .rural = v ? v->rural : 0, .id = c->id, .measured = meas, .unit = -1, .transport_min = -1};
    }
}

/* Calls from a CSV file in the import format; only call_id, received_at, lon, lat and (when
 * present) village_code and on_scene_at are read. Strict: a bad row names file:line. */
static hss_code read_call_file(const char *path, ems_calls *C, hss_error *err)
{
    static const char *const req[] = {"call_id", "received_at", "lon", "lat", NULL};
    hss_csv *csv = hss_csv_open_file(path, err);
    if (!csv)
        return err->code;
    hss_code rc = hss_csv_read_header(csv, err);
    if (!rc)
        rc = hss_csv_require(csv, req, err);
    int more;
    while (!rc && (more = hss_csv_next(csv, err)) != 0) {
        if (more < 0) {
            rc = err->code;
            break;
        }
        ems_call *c = ems_calls_push(C);
        const char *v = hss_csv_get(csv, "village_code"), *os = hss_csv_get(csv, "on_scene_at");
        c->id = hss_xstrdup(hss_csv_get(csv, "call_id"));
        c->village = hss_xstrdup(v ? v : "");
        if (hss_ems_time_parse(hss_csv_get(csv, "received_at"), &c->t[EMS_RECEIVED]))
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: field received_at: '%s': expected an ISO 8601 time with offset",
                          path, hss_csv_line(csv), hss_csv_get(csv, "received_at"));
        else if (hss_parse_double(hss_csv_get(csv, "lon"), &c->lon) || hss_parse_double(hss_csv_get(csv, "lat"), &c->lat))
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: field lon,lat: '%s,%s': expected numbers", path,
                          hss_csv_line(csv), hss_csv_get(csv, "lon"), hss_csv_get(csv, "lat"));
        else if (os && *os && hss_ems_time_parse(os, &c->t[EMS_ON_SCENE]))
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: field on_scene_at: '%s': expected an ISO 8601 time with offset",
                          path, hss_csv_line(csv), os);
    }
    hss_csv_close(csv);
    return rc;
}

/* ---- the event loop ----------------------------------------------------------------------- */

typedef struct sim_state {
    sim_model *m;
    hss_rng rng;
    uint8_t *busy;
    uint32_t *queue; /* waiting calls, first come first served */
    size_t qhead, qlen;
    event_heap heap;
} sim_state;

/* The free unit nearest the call (-1 when none is free and reachable). */
static int32_t nearest_free(const sim_state *s, const sim_call *c)
{
    const sim_model *m = s->m;
    int32_t best = -1;
    float bt = INFINITY;
    for (size_t u = 0; u < m->nunits; u++) {
        if (s->busy[u])
            continue;
        float t = m->tt[(size_t)m->unit_station[u] * m->npoints + c->point];
        if (t < bt) {
            bt = t;
            best = (int32_t)u;
        }
    }
    return best;
}

/* Sends unit u to call c at time `now`: the response and when the unit is free again. */
static void assign(sim_state *s, uint32_t u, sim_call *c, double now)
{
    sim_model *m = s->m;
    double dispatched = c->t + draw(&m->iv[IV_DISPATCH], &s->rng);
    if (now > dispatched)
        dispatched = now;
    double travel = m->tt[(size_t)m->unit_station[u] * m->npoints + c->point] * 60.0;
    double *t = c->step;
    t[EMS_RECEIVED] = c->t;
    t[EMS_DISPATCHED] = dispatched;
    t[EMS_DEPARTED] = dispatched + draw(&m->iv[IV_TURNOUT], &s->rng);
    t[EMS_ON_SCENE] = t[EMS_DEPARTED] + travel;
    t[EMS_LEFT_SCENE] = t[EMS_ON_SCENE] + draw(&m->iv[IV_SCENE], &s->rng);
    double on_scene = t[EMS_ON_SCENE], free_at = t[EMS_LEFT_SCENE];
    if (!c->not_carried) {
        double transport = c->transport_min >= 0 ? c->transport_min * 60.0 : draw(&m->iv[IV_TRANSPORT], &s->rng);
        t[EMS_AT_HOSPITAL] = t[EMS_LEFT_SCENE] + transport;
        t[EMS_HANDOVER] = t[EMS_AT_HOSPITAL] + draw(&m->iv[IV_HANDOVER], &s->rng);
        free_at = t[EMS_HANDOVER];
    }
    c->unit = (int32_t)u;
    c->wait = (now - c->t) / 60.0;
    c->response = (on_scene - c->t) / 60.0;
    s->busy[u] = 1;
    heap_push(&s->heap, free_at, EV_FREE, u);
}

/* 1 when some unit (busy or not) reaches the call by road. */
static int reachable(const sim_model *m, const sim_call *c)
{
    for (size_t st = 0; st < m->nstations; st++)
        if (isfinite(m->tt[st * m->npoints + c->point]))
            return 1;
    return 0;
}

static void on_free(sim_state *s, uint32_t u, double now)
{
    sim_model *m = s->m;
    s->busy[u] = 0;
    /* the oldest waiting call this unit can reach */
    for (size_t k = s->qhead; k < s->qhead + s->qlen; k++) {
        sim_call *c = &m->calls[s->queue[k]];
        if (!isfinite(m->tt[(size_t)m->unit_station[u] * m->npoints + c->point]))
            continue;
        memmove(&s->queue[k], &s->queue[k + 1], (s->qhead + s->qlen - k - 1) * sizeof *s->queue);
        s->qlen--;
        assign(s, u, c, now);
        return;
    }
}

void ems_sim_run(sim_model *m, uint64_t seed)
{
    sim_state s = {0};
    s.m = m;
    hss_rng_seed(&s.rng, seed);
    s.busy = hss_xcalloc(m->nunits + 1, 1);
    s.queue = hss_xmalloc((m->ncalls + 1) * sizeof *s.queue);
    for (size_t i = 0; i < m->ncalls; i++)
        heap_push(&s.heap, m->calls[i].t, EV_CALL, (uint32_t)i);
    while (s.heap.n > 0) {
        sim_event ev = heap_pop(&s.heap);
        if (ev.type == EV_FREE) {
            on_free(&s, ev.idx, ev.t);
            continue;
        }
        sim_call *c = &m->calls[ev.idx];
        if (!reachable(m, c))
            continue;
        int32_t u = nearest_free(&s, c);
        if (u >= 0)
            assign(&s, (uint32_t)u, c, ev.t);
        else
            s.queue[s.qhead + s.qlen++] = ev.idx;
    }
    free(s.busy);
    free(s.queue);
    free(s.heap.e);
}

/* ---- results ------------------------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile(const double *v, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h), hi = lo + 1 < n ? lo + 1 : lo;
    return v[lo] + (h - (double)lo) * (v[hi] - v[lo]);
}

static void summarise(const sim_model *m, hss_ems_sim_result *r)
{
    double *v = hss_xmalloc((m->ncalls + 1) * sizeof *v), s = 0, su = 0, sr = 0, sq = 0, sm = 0;
    size_t nu = 0, nr = 0;
    r->calls = m->ncalls;
    for (size_t i = 0; i < m->ncalls; i++) {
        const sim_call *c = &m->calls[i];
        if (c->unit < 0) {
            r->unreachable++;
            continue;
        }
        v[r->served++] = c->response;
        s += c->response;
        if (c->rural) {
            sr += c->response;
            nr++;
        } else {
            su += c->response;
            nu++;
        }
        if (c->wait > 1e-9) {
            r->queued++;
            sq += c->wait;
        }
        if (!isnan(c->measured)) {
            sm += c->measured;
            r->measured_calls++;
        }
    }
    qsort(v, r->served, sizeof *v, cmp_double);
    r->response_mean = r->served ? s / (double)r->served : NAN;
    r->response_median = quantile(v, r->served, 0.5);
    r->response_p90 = quantile(v, r->served, 0.9);
    r->urban_mean = nu ? su / (double)nu : NAN;
    r->rural_mean = nr ? sr / (double)nr : NAN;
    r->queue_mean = r->queued ? sq / (double)r->queued : 0;
    r->measured_mean = r->measured_calls ? sm / (double)r->measured_calls : NAN;
    r->units = m->nunits;
    r->stations = m->nstations;
    free(v);
}

static hss_table *per_call_table(const sim_model *m)
{
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "call", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "unit", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "wait", NULL, HSS_COL_REAL);
    hss_table_add_col(t, "response", NULL, HSS_COL_REAL);
    for (size_t i = 0; i < m->ncalls; i++) {
        const sim_call *c = &m->calls[i];
        hss_table_add_row(t);
        char id[32];
        snprintf(id, sizeof id, "%zu", i + 1);
        hss_table_set_text(t, 0, c->id ? c->id : id);
        if (c->unit >= 0) {
            hss_table_set_text(t, 1, m->unit_code[c->unit]);
            hss_table_set_real(t, 2, c->wait, 2);
            hss_table_set_real(t, 3, c->response, 2);
        }
    }
    return t;
}

typedef struct sim_inputs {
    ems_areas A;
    ems_facs F;
    ems_units U;
    ems_calls stored; /* the replay of --stored */
    ems_calls file;   /* --calls */
} sim_inputs;

static void inputs_free(sim_inputs *in)
{
    ems_areas_free(&in->A);
    ems_facs_free(&in->F);
    ems_units_free(&in->U);
    ems_calls_free(&in->stored);
    ems_calls_free(&in->file);
}

static hss_code inputs_load(hss_store *st, const hss_ems_sim_opts *o, sim_inputs *in, hss_error *err)
{
    memset(in, 0, sizeof *in);
    hss_code rc = ems_areas_load(st, &in->A, err);
    if (!rc)
        rc = ems_facs_load(st, &in->F, err);
    if (!rc)
        rc = ems_db_units(st, &in->U, err);
    if (!rc && !o->calls_file && (o->replay_stored || o->rate <= 0))
        rc = ems_db_calls(st, HSS_EMS_NO_TIME, HSS_EMS_NO_TIME, &in->stored, err);
    if (!rc && o->calls_file)
        rc = read_call_file(o->calls_file, &in->file, err);
    if (!rc && o->under && !ems_area_find(&in->A, o->under))
        rc = hss_fail(err, HSS_ENOTFOUND, "no area with code '%s'", o->under);
    return rc;
}

hss_code hss_ems_simulate(hss_store *st, const hss_ems_sim_opts *o, hss_ems_sim_result *out,
                          hss_table **per_call, hss_error *err)
{
    memset(out, 0, sizeof *out);
    sim_inputs in;
    sim_model m = {0};
    hss_access_tt *tt = NULL;
    hss_code rc = inputs_load(st, o, &in, err);
    if (!rc)
        rc = build_units(&m, o, &in.A, &in.F, &in.U, err);
    if (!rc && o->calls_file)
        replay_calls(&m, &in.file, &in.A, o->under);
    else if (!rc && (o->replay_stored || o->rate <= 0))
        replay_calls(&m, &in.stored, &in.A, o->under);
    else if (!rc)
        rc = ems_sim_generate(&m, o, &in.A, err);
    if (!rc)
        rc = hss_access_tt_open(st, &tt, err);
    if (!rc && (m.measured = intervals_load(st, m.iv, err)) < 0)
        rc = HSS_EDB;
    if (!rc) {
        m.tt = hss_xmalloc((m.nstations * m.npoints + 1) * sizeof *m.tt);
        hss_access_tt_matrix(tt, m.station_ll, m.nstations, m.point_ll, m.npoints, m.tt);
        double t0 = hss_now();
        ems_sim_run(&m, o->seed);
        out->seconds = hss_now() - t0;
        summarise(&m, out);
        out->intervals_measured = m.measured;
        if (per_call)
            *per_call = per_call_table(&m);
    }
    hss_access_tt_free(tt);
    ems_sim_model_free(&m);
    inputs_free(&in);
    return rc;
}
