/*
 * db.c: every SQL statement of the 120 module, so that a later store interface can take them
 * over in one place. Reads fill the in-memory forms of ems_int.h; writes run inside the
 * caller's transaction.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ems/ems_int.h"

static char *col_str(hss_stmt *s, int i)
{
    const char *t = hss_store_col_text(s, i);
    return hss_xstrdup(t ? (const char *)t : "");
}

static double col_num(hss_stmt *s, int i)
{
    return hss_store_col_is_null(s, i) ? NAN : hss_store_col_double(s, i);
}

static int64_t col_time(hss_stmt *s, int i)
{
    return hss_store_col_is_null(s, i) ? HSS_EMS_NO_TIME : hss_store_col_int64(s, i);
}

static hss_code finish(hss_store *st, hss_stmt *s, int rc, hss_error *err, const char *what)
{
    hss_store_finalize(s);
    if (rc != HSS_DONE)
        return hss_store_error(st, err, what);
    return HSS_OK;
}

/* Hands a filled vector's items to the caller's (pointer, count) pair. */
static void *vec_take(hss_vec *v, size_t *n)
{
    *n = v->len;
    return v->items;
}

static int level_of(const char *l)
{
    static const char *const L[] = {"province", "city", "county", "township", "village"};
    for (int i = 0; i < 5; i++)
        if (strcmp(l, L[i]) == 0)
            return i;
    return -1;
}

hss_code ems_db_areas(hss_store *st, ems_areas *A, hss_error *err)
{
    memset(A, 0, sizeof *A);
    hss_stmt *s = hss_store_prepare(st,
        "SELECT code, COALESCE(parent_code,''), name, level, kind, lon, lat, COALESCE(population,0)"
        " FROM area ORDER BY code", err);
    if (!s)
        return HSS_EDB;
    hss_vec v;
    hss_vec_init(&v, sizeof *A->a);
    int rc;
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        ems_area *a = hss_vec_push(&v);
        a->code = col_str(s, 0);
        a->parent = col_str(s, 1);
        a->name = col_str(s, 2);
        a->level = level_of(hss_store_col_text(s, 3));
        a->rural = strcmp(hss_store_col_text(s, 4), "rural") == 0;
        a->lon = col_num(s, 5);
        a->lat = col_num(s, 6);
        a->population = hss_store_col_int64(s, 7);
    }
    A->a = vec_take(&v, &A->n);
    return finish(st, s, rc, err, "reading areas");
}

hss_code ems_db_facilities(hss_store *st, ems_facs *F, hss_error *err)
{
    memset(F, 0, sizeof *F);
    hss_stmt *s = hss_store_prepare(st,
        "SELECT code, name, type, area_code, services, lon, lat FROM facility ORDER BY code", err);
    if (!s)
        return HSS_EDB;
    hss_vec v;
    hss_vec_init(&v, sizeof *F->f);
    int rc;
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        ems_fac *f = hss_vec_push(&v);
        f->code = col_str(s, 0);
        f->name = col_str(s, 1);
        f->type = col_str(s, 2);
        f->area = col_str(s, 3);
        f->services = col_str(s, 4);
        f->lon = col_num(s, 5);
        f->lat = col_num(s, 6);
    }
    F->f = vec_take(&v, &F->n);
    return finish(st, s, rc, err, "reading facilities");
}

hss_code ems_db_units(hss_store *st, ems_units *U, hss_error *err)
{
    memset(U, 0, sizeof *U);
    hss_stmt *s = hss_store_prepare(st,
        "SELECT code, station_code, county_code, kind, doctors, drivers, aides, generated"
        " FROM ems_unit ORDER BY code", err);
    if (!s)
        return HSS_EDB;
    int rc;
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        ems_unit *u = ems_units_push(U);
        u->code = col_str(s, 0);
        u->station = col_str(s, 1);
        u->county = col_str(s, 2);
        u->kind = col_str(s, 3);
        u->doctors = hss_store_col_int64(s, 4);
        u->drivers = hss_store_col_int64(s, 5);
        u->aides = hss_store_col_int64(s, 6);
        u->generated = hss_store_col_int(s, 7);
    }
    return finish(st, s, rc, err, "reading units");
}

hss_code ems_db_calls(hss_store *st, int64_t from, int64_t to, ems_calls *C, hss_error *err)
{
    memset(C, 0, sizeof *C);
    hss_stmt *s = hss_store_prepare(st,
        "SELECT call_id, county_code, village_code, priority, category, COALESCE(unit_code,''),"
        " COALESCE(hospital_code,''), outcome, lon, lat, received_at, dispatched_at, departed_at,"
        " on_scene_at, left_scene_at, at_hospital_at, handover_at FROM ems_call"
        " WHERE received_at >= ?1 AND received_at < ?2 ORDER BY received_at, call_id", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, from == HSS_EMS_NO_TIME ? INT64_MIN : from);
    hss_store_bind_int64(s, 2, to == HSS_EMS_NO_TIME ? INT64_MAX : to);
    int rc;
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        ems_call *c = ems_calls_push(C);
        c->id = col_str(s, 0);
        c->county = col_str(s, 1);
        c->village = col_str(s, 2);
        c->priority = col_str(s, 3);
        c->category = col_str(s, 4);
        c->unit = col_str(s, 5);
        c->hospital = col_str(s, 6);
        c->outcome = col_str(s, 7);
        c->lon = hss_store_col_double(s, 8);
        c->lat = hss_store_col_double(s, 9);
        for (int k = 0; k < EMS_NSTEPS; k++)
            c->t[k] = col_time(s, 10 + k);
    }
    return finish(st, s, rc, err, "reading calls");
}

hss_code ems_db_boundaries(hss_store *st, char ***geojson, size_t *n, hss_error *err)
{
    *geojson = NULL;
    *n = 0;
    hss_stmt *s = hss_store_prepare(st,
        "SELECT b.geometry FROM boundary b JOIN area a ON a.code = b.area_code"
        " WHERE a.level = 'county'", err);
    if (!s)
        return HSS_EDB;
    hss_vec v;
    hss_vec_init(&v, sizeof **geojson);
    int rc;
    while ((rc = hss_store_step(s)) == HSS_ROW)
        *(char **)hss_vec_push(&v) = col_str(s, 0);
    *geojson = vec_take(&v, n);
    return finish(st, s, rc, err, "reading boundaries");
}

/* ---- writes ----------------------------------------------------------------------------- */

struct ems_writer {
    hss_store *st;
    hss_stmt *unit, *call;
};

ems_writer *ems_db_writer(hss_store *st, hss_error *err)
{
    ems_writer *w = hss_xcalloc(1, sizeof *w);
    w->st = st;
    w->unit = hss_store_prepare(st,
        "INSERT INTO ems_unit(code, county_code, station_code, kind, doctors, drivers, aides, generated)"
        " VALUES(?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT(code) DO UPDATE SET county_code=?2,"
        " station_code=?3, kind=?4, doctors=?5, drivers=?6, aides=?7, generated=?8", err);
    w->call = hss_store_prepare(st,
        "INSERT INTO ems_call(call_id, county_code, village_code, lon, lat, priority,"
        " category, received_at, dispatched_at, departed_at, on_scene_at, left_scene_at,"
        " at_hospital_at, handover_at, unit_code, hospital_code, outcome, busy_end, generated)"
        " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19)"
        " ON CONFLICT(call_id, county_code) DO UPDATE SET village_code=excluded.village_code,"
        " lon=excluded.lon, lat=excluded.lat, priority=excluded.priority, category=excluded.category,"
        " received_at=excluded.received_at, dispatched_at=excluded.dispatched_at, departed_at=excluded.departed_at,"
        " on_scene_at=excluded.on_scene_at, left_scene_at=excluded.left_scene_at, at_hospital_at=excluded.at_hospital_at,"
        " handover_at=excluded.handover_at, unit_code=excluded.unit_code, hospital_code=excluded.hospital_code,"
        " outcome=excluded.outcome, busy_end=excluded.busy_end, generated=excluded.generated", err);
    if (!w->unit || !w->call) {
        ems_db_writer_free(w);
        return NULL;
    }
    return w;
}

void ems_db_writer_free(ems_writer *w)
{
    if (!w)
        return;
    hss_store_finalize(w->unit);
    hss_store_finalize(w->call);
    free(w);
}

static hss_code step_reset(ems_writer *w, hss_stmt *s, hss_error *err, const char *what)
{
    int rc = hss_store_step(s);
    hss_store_reset(s);
    hss_store_clear_bindings(s);
    return rc == HSS_DONE ? HSS_OK : hss_store_error(w->st, err, what);
}

hss_code ems_db_put_unit(ems_writer *w, const ems_unit *u, hss_error *err)
{
    hss_stmt *s = w->unit;
    hss_store_bind_text(s, 1, u->code);
    hss_store_bind_text(s, 2, u->county);
    hss_store_bind_text(s, 3, u->station);
    hss_store_bind_text(s, 4, u->kind);
    hss_store_bind_int64(s, 5, u->doctors);
    hss_store_bind_int64(s, 6, u->drivers);
    hss_store_bind_int64(s, 7, u->aides);
    hss_store_bind_int(s, 8, u->generated);
    return step_reset(w, s, err, "storing a unit");
}

/* Where a call's values go: a statement's parameters (ems_db_put_call) or a bulk load's columns
 * (ems_db_load_calls), so that both store a call alike. Columns count from 0; a value not set
 * is NULL in both (the statement's bindings are cleared after each call). */
typedef struct {
    hss_stmt *s;
    hss_store_loader *ld;
} call_sink;

static void sink_text(call_sink *k, int c, const char *v)
{
    if (k->ld)
        hss_store_load_text(k->ld, c, v);
    else if (v)
        hss_store_bind_text(k->s, c + 1, v);
    else
        hss_store_bind_null(k->s, c + 1);
}

static void sink_int(call_sink *k, int c, int64_t v)
{
    if (k->ld)
        hss_store_load_int(k->ld, c, v);
    else
        hss_store_bind_int64(k->s, c + 1, v);
}

static void sink_double(call_sink *k, int c, double v)
{
    if (k->ld)
        hss_store_load_double(k->ld, c, v);
    else
        hss_store_bind_double(k->s, c + 1, v);
}

/* The values of one call's row, in the column order of the call writer's INSERT. */
static void call_values(call_sink *k, const ems_call *c, int generated)
{
    sink_text(k, 0, c->id);
    sink_text(k, 1, c->county);
    sink_text(k, 2, c->village);
    sink_double(k, 3, c->lon);
    sink_double(k, 4, c->lat);
    sink_text(k, 5, c->priority ? c->priority : "");
    sink_text(k, 6, c->category ? c->category : "");
    for (int i = 0; i < EMS_NSTEPS; i++)
        if (c->t[i] != HSS_EMS_NO_TIME)
            sink_int(k, 7 + i, c->t[i]);
    sink_text(k, 14, c->unit && *c->unit ? c->unit : NULL);
    sink_text(k, 15, c->hospital && *c->hospital ? c->hospital : NULL);
    sink_text(k, 16, c->outcome ? c->outcome : "");
    if (c->unit && *c->unit && c->t[EMS_DISPATCHED] != HSS_EMS_NO_TIME)
        sink_int(k, 17, ems_call_busy_end(c));
    sink_int(k, 18, generated);
}

hss_code ems_db_put_call(ems_writer *w, const ems_call *c, int generated, hss_error *err)
{
    call_values(&(call_sink){.s = w->call}, c, generated);
    return step_reset(w, w->call, err, "storing a call");
}

/* ---- the generator's calls, in bulk ------------------------------------------------------
 * A year of a city's calls (190,000 for Nanyang) goes in through the store's bulk load (COPY on
 * PostgreSQL) rather than an upsert each, which cost PostgreSQL a round trip per call. The rows
 * are those ems_db_put_call writes; a stored call with the same key (an imported one: the
 * generated ones were cleared first) is replaced, as the upsert replaced it. */

static int call_key_cmp(const void *a, const void *b)
{
    const ems_call *x = *(const ems_call *const *)a, *y = *(const ems_call *const *)b;
    int d = strcmp(x->id, y->id);
    return d ? d : strcmp(x->county, y->county);
}

/* Deletes the stored calls whose (id, county) is one of the n calls'. */
static hss_code drop_same_keys(hss_store *st, const ems_call *c, size_t n, hss_error *err)
{
    const ems_call **by_key = hss_xmalloc((n + 1) * sizeof *by_key);
    for (size_t i = 0; i < n; i++)
        by_key[i] = &c[i];
    qsort(by_key, n, sizeof *by_key, call_key_cmp);
    hss_vec hit; /* the keys found, as pointers into c */
    hss_vec_init(&hit, sizeof(const ems_call *));
    hss_stmt *s = hss_store_prepare(st, "SELECT call_id, county_code FROM ems_call", err);
    int rc = s ? HSS_ROW : HSS_EDB;
    while (s && (rc = hss_store_step(s)) == HSS_ROW) {
        ems_call key = {.id = (char *)hss_store_col_text(s, 0), .county = (char *)hss_store_col_text(s, 1)};
        const ems_call *kp = &key, **found = bsearch(&kp, by_key, n, sizeof *by_key, call_key_cmp);
        if (found)
            *(const ems_call **)hss_vec_push(&hit) = *found;
    }
    hss_code out = s ? finish(st, s, rc, err, "reading the stored call ids") : HSS_EDB;
    hss_stmt *d = out || !hit.len ? NULL
                : hss_store_prepare(st, "DELETE FROM ems_call WHERE call_id = ? AND county_code = ?", err);
    if (!out && hit.len && !d)
        out = HSS_EDB;
    for (size_t i = 0; d && !out && i < hit.len; i++) {
        const ems_call *k = HSS_VEC_AT(&hit, const ems_call *, i);
        hss_store_bind_text(d, 1, k->id);
        hss_store_bind_text(d, 2, k->county);
        if (hss_store_step(d) != HSS_DONE)
            out = hss_store_error(st, err, "replacing a stored call");
        hss_store_reset(d);
    }
    hss_store_finalize(d);
    hss_vec_free(&hit);
    free(by_key);
    return out;
}

hss_code ems_db_load_calls(hss_store *st, const ems_call *c, size_t n, int generated, hss_error *err)
{
    static const char *const cols[] = {
        "call_id", "county_code", "village_code", "lon", "lat", "priority", "category",
        "received_at", "dispatched_at", "departed_at", "on_scene_at", "left_scene_at",
        "at_hospital_at", "handover_at", "unit_code", "hospital_code", "outcome", "busy_end", "generated"};
    hss_code rc = drop_same_keys(st, c, n, err);
    hss_store_loader *ld = rc ? NULL : hss_store_load_begin(st, "ems_call", cols, 19, err);
    if (!ld)
        return rc ? rc : HSS_EDB;
    for (size_t i = 0; i < n; i++) {
        call_values(&(call_sink){.ld = ld}, &c[i], generated);
        if (hss_store_load_next(ld, err)) {
            hss_store_load_abort(ld);
            return HSS_EDB;
        }
    }
    return hss_store_load_end(ld, err);
}

/* A call stored under two counties, or NULL: on PostgreSQL a call's key is (call_id,
 * county_code), so a file that puts a stored call in another county would add a second row
 * (SQLite's call id alone stays unique and refuses it at the insert). */
int ems_db_call_in_two_counties(hss_store *st, char **id, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT call_id FROM ems_call GROUP BY call_id HAVING count(*) > 1 "
                                        "ORDER BY call_id LIMIT 1", err);
    if (!s)
        return -1;
    int found = hss_store_step(s) == HSS_ROW;
    *id = found ? col_str(s, 0) : NULL;
    hss_store_finalize(s);
    return found;
}

int ems_db_overlap(hss_store *st, char **a, char **b, hss_error *err)
{
    /* Each call against the latest end among the unit's earlier calls. */
    hss_stmt *s = hss_store_prepare(st,
        "SELECT call_id, prev_id FROM (SELECT call_id, dispatched_at,"
        "  MAX(busy_end) OVER w AS prev_end, LAST_VALUE(call_id) OVER w AS prev_id"
        "  FROM ems_call WHERE busy_end IS NOT NULL"
        "  WINDOW w AS (PARTITION BY unit_code ORDER BY dispatched_at, call_id"
        "               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) AS o"
        " WHERE dispatched_at < prev_end ORDER BY dispatched_at, call_id LIMIT 1", err);
    if (!s)
        return -1;
    int found = 0;
    if (hss_store_step(s) == HSS_ROW) {
        *a = col_str(s, 0);
        *b = col_str(s, 1);
        found = 1;
    }
    hss_store_finalize(s);
    return found;
}

hss_code ems_db_unit_event(hss_store *st, const char *unit, const char *county, const char *state,
                           int64_t at, const char *user, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO ems_unit_event(unit_code, county_code, at, state, user_name, recorded_at)"
        " VALUES(?,?,?,?,?,?)", err);
    if (!s)
        return HSS_EDB;
    char ts[21];
    hss_utc_timestamp(ts);
    hss_store_bind_text(s, 1, unit);
    hss_store_bind_text(s, 2, county);
    hss_store_bind_int64(s, 3, at);
    hss_store_bind_text(s, 4, state);
    hss_store_bind_text(s, 5, user ? user : "");
    hss_store_bind_text(s, 6, ts);
    return finish(st, s, hss_store_step(s), err, "recording a unit state");
}

hss_code ems_db_states_at(hss_store *st, int64_t at, char ***units, char ***states, size_t *n,
                          hss_error *err)
{
    *units = *states = NULL;
    *n = 0;
    hss_stmt *s = hss_store_prepare(st,
        "SELECT unit_code, state FROM (SELECT unit_code, state, ROW_NUMBER() OVER"
        " (PARTITION BY unit_code ORDER BY at DESC, id DESC) AS k FROM ems_unit_event WHERE at <= ?) AS e"
        " WHERE k = 1 ORDER BY unit_code", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, at);
    hss_vec vu, vs;
    hss_vec_init(&vu, sizeof **units);
    hss_vec_init(&vs, sizeof **states);
    int rc;
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        *(char **)hss_vec_push(&vu) = col_str(s, 0);
        *(char **)hss_vec_push(&vs) = col_str(s, 1);
    }
    *units = vec_take(&vu, n);
    *states = vec_take(&vs, n);
    return finish(st, s, rc, err, "reading unit states");
}

void ems_strs_free(char **s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i]);
    free(s);
}

hss_code ems_db_busy_calls(hss_store *st, int64_t at, ems_calls *C, hss_error *err)
{
    memset(C, 0, sizeof *C);
    hss_stmt *s = hss_store_prepare(st,
        "SELECT call_id, unit_code, dispatched_at, departed_at, on_scene_at, left_scene_at,"
        " at_hospital_at, handover_at FROM ems_call"
        " WHERE dispatched_at <= ?1 AND busy_end > ?1 ORDER BY unit_code", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_int64(s, 1, at);
    int rc;
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        ems_call *c = ems_calls_push(C);
        c->id = col_str(s, 0);
        c->unit = col_str(s, 1);
        for (int k = EMS_DISPATCHED; k < EMS_NSTEPS; k++)
            c->t[k] = col_time(s, 2 + k - EMS_DISPATCHED);
    }
    return finish(st, s, rc, err, "reading busy units");
}

int ems_db_unit_exists(hss_store *st, const char *unit, char **county)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT county_code FROM ems_unit WHERE code = ?", NULL);
    if (!s)
        return 0;
    hss_store_bind_text(s, 1, unit);
    int found = hss_store_step(s) == HSS_ROW;
    if (found)
        *county = col_str(s, 0);
    hss_store_finalize(s);
    return found;
}

hss_code ems_db_mean_response(hss_store *st, const char *area, int kind, double *mean, int64_t *calls,
                              hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "WITH RECURSIVE sub(code) AS (SELECT code FROM area WHERE CAST(?1 AS TEXT) IS NULL AND parent_code IS NULL"
        "  UNION SELECT CAST(?1 AS TEXT) WHERE ?1 IS NOT NULL"
        "  UNION ALL SELECT a.code FROM area a JOIN sub ON a.parent_code = sub.code)"
        " SELECT COUNT(*), AVG(c.on_scene_at - c.received_at) / 60.0 FROM ems_call c"
        " JOIN area v ON v.code = c.village_code"
        " WHERE c.village_code IN (SELECT code FROM sub) AND c.on_scene_at IS NOT NULL"
        " AND (?2 < 0 OR v.kind = CASE ?2 WHEN 0 THEN 'urban' ELSE 'rural' END)", err);
    if (!s)
        return HSS_EDB;
    if (area)
        hss_store_bind_text(s, 1, area);
    hss_store_bind_int(s, 2, kind);
    int rc = hss_store_step(s);
    if (rc == HSS_ROW) {
        *calls = hss_store_col_int64(s, 0);
        *mean = hss_store_col_double(s, 1);
        rc = HSS_DONE;
    }
    return finish(st, s, rc, err, "measuring response times");
}

hss_code ems_db_sums(hss_store *st, int which, hss_ems_sum **out, size_t *n, hss_error *err)
{
    *out = NULL;
    *n = 0;
    /* the crew standard is ems_unit_crew_ok's: at least 1 doctor, 1 driver and 2 aides */
    hss_stmt *s = hss_store_prepare(st, which == 0
        ? "SELECT f.area_code, -1, COUNT(*), "
          " SUM(CASE WHEN u.doctors >= 1 AND u.drivers >= 1 AND u.aides >= 2 THEN 1 ELSE 0 END)"
          " FROM ems_unit u JOIN facility f ON f.code = u.station_code GROUP BY f.area_code"
        : "SELECT c.village_code, CASE v.kind WHEN 'urban' THEN 0 WHEN 'rural' THEN 1 ELSE -1 END,"
          " COUNT(*), SUM(c.on_scene_at - c.received_at) FROM ems_call c"
          " JOIN area v ON v.code = c.village_code WHERE c.on_scene_at IS NOT NULL"
          " GROUP BY c.village_code, v.kind", err);
    if (!s)
        return HSS_EDB;
    hss_vec v;
    hss_vec_init(&v, sizeof(hss_ems_sum));
    int rc;
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        hss_ems_sum *e = hss_vec_push(&v);
        e->code = col_str(s, 0);
        e->kind = hss_store_col_int(s, 1);
        e->count = hss_store_col_int64(s, 2);
        e->sum = hss_store_col_double(s, 3);
    }
    hss_code r = finish(st, s, rc, err, which == 0 ? "summing units" : "summing calls");
    if (r) {
        hss_ems_sums_free(v.items, v.len);
        return r;
    }
    *out = v.items;
    *n = v.len;
    return HSS_OK;
}

hss_code ems_db_fleet(hss_store *st, ems_fleet **out, size_t *n, hss_error *err)
{
    *out = NULL;
    *n = 0;
    hss_stmt *s = hss_store_prepare(st,
        "SELECT f.code,"
        " COALESCE((SELECT count FROM vehicle WHERE facility_code=f.code AND kind='ambulance'),0),"
        " COALESCE((SELECT count FROM vehicle WHERE facility_code=f.code AND kind='negative_pressure_ambulance'),0),"
        " COALESCE((SELECT count FROM staff WHERE facility_code=f.code AND category='ems_doctor'),0),"
        " COALESCE((SELECT count FROM staff WHERE facility_code=f.code AND category='ems_driver'),0),"
        " COALESCE((SELECT count FROM staff WHERE facility_code=f.code AND category='ems_aide'),0)"
        " FROM facility f WHERE f.type IN ('ems_station','ems_center') AND f.lon IS NOT NULL ORDER BY f.code", err);
    if (!s)
        return HSS_EDB;
    hss_vec v;
    hss_vec_init(&v, sizeof **out);
    int rc;
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        ems_fleet *f = hss_vec_push(&v);
        f->station = col_str(s, 0);
        for (int k = 0; k < 5; k++)
            f->count[k] = hss_store_col_int64(s, 1 + k);
    }
    *out = vec_take(&v, n);
    return finish(st, s, rc, err, "reading the ambulance fleet");
}

hss_code ems_db_clear_generated(hss_store *st, hss_error *err)
{
    return hss_store_exec(st, "DELETE FROM ems_call WHERE generated = 1;"
                              "DELETE FROM ems_unit_event WHERE unit_code IN (SELECT code FROM ems_unit WHERE generated = 1);"
                              "DELETE FROM ems_unit WHERE generated = 1;", err);
}

hss_code ems_db_interval_samples(hss_store *st, double *v[5], size_t n[5], hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT dispatched_at - received_at, departed_at - dispatched_at, left_scene_at - on_scene_at,"
        " at_hospital_at - left_scene_at, handover_at - at_hospital_at FROM ems_call", err);
    if (!s)
        return HSS_EDB;
    hss_vec vk[5];
    for (int k = 0; k < 5; k++)
        hss_vec_init(&vk[k], sizeof *v[k]);
    int rc;
    while ((rc = hss_store_step(s)) == HSS_ROW)
        for (int k = 0; k < 5; k++)
            if (!hss_store_col_is_null(s, k))
                *(double *)hss_vec_push(&vk[k]) = hss_store_col_double(s, k) / 60.0;
    for (int k = 0; k < 5; k++)
        v[k] = vec_take(&vk[k], &n[k]);
    return finish(st, s, rc, err, "reading call intervals");
}

hss_code ems_db_busy_share(hss_store *st, double *q, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT SUM(busy_end - dispatched_at), MIN(received_at), MAX(busy_end),"
        " (SELECT COUNT(*) FROM ems_unit) FROM ems_call WHERE busy_end IS NOT NULL", err);
    if (!s)
        return HSS_EDB;
    *q = NAN;
    int rc = hss_store_step(s);
    if (rc == HSS_ROW && !hss_store_col_is_null(s, 0)) {
        double busy = hss_store_col_double(s, 0), span = hss_store_col_double(s, 2) - hss_store_col_double(s, 1);
        double units = hss_store_col_double(s, 3);
        if (span > 0 && units > 0)
            *q = busy / (span * units);
    }
    return finish(st, s, rc == HSS_ROW ? HSS_DONE : rc, err, "measuring how busy units are");
}

hss_code ems_db_put_aed(hss_store *st, const ems_aed *a, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO ems_aed(code, county_code, lon, lat, venue, access_hours, status, expiry, generated, installed)"
        " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,0,?9) ON CONFLICT(code) DO UPDATE SET county_code=excluded.county_code,"
        " lon=excluded.lon, lat=excluded.lat, venue=excluded.venue, access_hours=excluded.access_hours,"
        " status=excluded.status, expiry=excluded.expiry, generated=0,"
        " installed=CASE WHEN ?10<>0 THEN excluded.installed ELSE ems_aed.installed END", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, a->code);
    hss_store_bind_text(s, 2, a->county);
    hss_store_bind_double(s, 3, a->lon);
    hss_store_bind_double(s, 4, a->lat);
    hss_store_bind_text(s, 5, a->venue);
    hss_store_bind_text(s, 6, a->hours);
    hss_store_bind_text(s, 7, a->status);
    if (a->expiry && *a->expiry)
        hss_store_bind_text(s, 8, a->expiry);
    if (a->installed && *a->installed)
        hss_store_bind_text(s, 9, a->installed);
    hss_store_bind_int(s, 10, a->installed != NULL);
    return finish(st, s, hss_store_step(s), err, "storing an AED");
}

/* Per county: active AEDs, those installed on or after `since` (when given) and those with no
 * installed day. */
hss_code hss_ems_aed_sums(hss_store *st, const char *since, hss_ems_aed_sum **out, size_t *n,
                          hss_error *err)
{
    *out = NULL;
    *n = 0;
    hss_stmt *s = hss_store_prepare(st,
        "SELECT county_code, count(*), sum(CASE WHEN ?1 <> '' AND installed >= ?1 THEN 1 ELSE 0 END),"
        " sum(CASE WHEN installed IS NULL THEN 1 ELSE 0 END) FROM ems_aed"
        " WHERE status = 'active' GROUP BY county_code ORDER BY county_code", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, since ? since : "");
    hss_vec v;
    hss_vec_init(&v, sizeof **out);
    int rc;
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        hss_ems_aed_sum *e = hss_vec_push(&v);
        e->county = hss_xstrdup(hss_store_col_text(s, 0));
        e->active = hss_store_col_int64(s, 1);
        e->since = hss_store_col_int64(s, 2);
        e->undated = hss_store_col_int64(s, 3);
    }
    *out = vec_take(&v, n);
    return finish(st, s, rc, err, "reading AEDs");
}

void hss_ems_aed_sums_free(hss_ems_aed_sum *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i].county);
    free(s);
}

hss_code ems_db_aeds_usable(hss_store *st, const char *day, double **ll, size_t *n, hss_error *err)
{
    *ll = NULL;
    *n = 0;
    hss_stmt *s = hss_store_prepare(st,
        "SELECT lon, lat FROM ems_aed WHERE status = 'active' AND (expiry IS NULL OR expiry >= ?) ORDER BY code", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, day);
    hss_vec v; /* of lon, lat pairs */
    hss_vec_init(&v, 2 * sizeof **ll);
    int rc;
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        double *p = hss_vec_push(&v);
        p[0] = hss_store_col_double(s, 0);
        p[1] = hss_store_col_double(s, 1);
    }
    *ll = vec_take(&v, n);
    return finish(st, s, rc, err, "reading AEDs");
}
