/*
 * import.c: `hss ems units import` and `hss ems calls import`. Strict like every HSS import:
 * the whole file is checked and stored in one transaction, and the first bad row refuses it
 * with file:line, the field and the value. Calls are checked against the stored region (village,
 * location inside the region's boundaries), the stored units and hospitals, the order of their
 * steps, and whether a unit would be on two calls at once (against the file and the database).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ems/ems_int.h"
#include "geo/geo.h"

#include <cjson/cJSON.h>

/* Fills err with "file:line: field F: 'value': why". */
static hss_code bad(hss_error *err, const hss_csv *csv, const char *field, const char *value,
                    const char *why)
{
    return hss_fail(err, HSS_EINVAL, "%s:%zu: field %s: '%.200s': %s", hss_csv_name(csv),
                    hss_csv_line(csv), field, value ? value : "", why);
}

static const char *field(const hss_csv *csv, const char *name)
{
    const char *v = hss_csv_get(csv, name);
    return v ? v : "";
}

static int parse_count(const char *s, int64_t *out)
{
    return hss_parse_int64(s, out) != 0 || *out < 0 || *out > 1000;
}

/* ---- units ------------------------------------------------------------------------------ */

static hss_code unit_row(const hss_csv *csv, const ems_areas *A, const ems_facs *F, ems_unit *u,
                         hss_error *err)
{
    static const char *const counts[] = {"doctors", "drivers", "aides"};
    int64_t *dst[] = {&u->doctors, &u->drivers, &u->aides};
    const char *code = field(csv, "unit"), *station = field(csv, "station_code"), *kind = field(csv, "kind");
    if (!*code)
        return bad(err, csv, "unit", code, "a unit needs a code");
    const ems_fac *f = ems_fac_find(F, station);
    if (!f)
        return bad(err, csv, "station_code", station, "no such facility is stored");
    if (!ems_fac_is_station(f))
        return bad(err, csv, "station_code", station, "not an ems_station or ems_center");
    if (strcmp(kind, "ambulance") != 0 && strcmp(kind, "negative_pressure_ambulance") != 0)
        return bad(err, csv, "kind", kind, "expected ambulance or negative_pressure_ambulance");
    for (int k = 0; k < 3; k++)
        if (parse_count(field(csv, counts[k]), dst[k]))
            return bad(err, csv, counts[k], field(csv, counts[k]), "expected a whole number 0-1000");
    const ems_area *county = ems_area_up(A, ems_area_find(A, f->area), 2);
    if (!county)
        return bad(err, csv, "station_code", station, "the station's area is in no county");
    u->code = (char *)code;
    u->station = (char *)station;
    u->kind = (char *)kind;
    u->county = county->code;
    return HSS_OK;
}

hss_code hss_ems_units_import(hss_store *st, const char *path, size_t *count, hss_error *err)
{
    static const char *const req[] = {"unit", "station_code", "kind", "doctors", "drivers", "aides", NULL};
    ems_areas A = {0};
    ems_facs F = {0};
    ems_writer *w = NULL;
    *count = 0;
    hss_csv *csv = hss_csv_open_file(path, err);
    if (!csv)
        return err->code;
    hss_code rc = hss_csv_read_header(csv, err);
    if (!rc)
        rc = hss_csv_require(csv, req, err);
    if (!rc)
        rc = ems_areas_load(st, &A, err);
    if (!rc)
        rc = ems_facs_load(st, &F, err);
    if (!rc)
        rc = hss_store_begin(st, err);
    if (rc)
        goto out;
    w = ems_db_writer(st, err);
    rc = w ? HSS_OK : HSS_EDB;
    int more;
    while (!rc && (more = hss_csv_next(csv, err)) != 0) {
        ems_unit u = {0};
        if (more < 0 || (rc = unit_row(csv, &A, &F, &u, err)) || (rc = ems_db_put_unit(w, &u, err))) {
            rc = rc ? rc : err->code;
            break;
        }
        (*count)++;
    }
    ems_db_writer_free(w);
    if (!rc)
        rc = hss_store_bump_version(st, err);
    if (!rc)
        rc = hss_store_commit(st, err);
    if (rc) {
        hss_store_rollback(st);
        *count = 0;
    }
out:
    hss_csv_close(csv);
    ems_areas_free(&A);
    ems_facs_free(&F);
    return rc;
}

/* ---- calls ------------------------------------------------------------------------------ */

/* Where calls may come from: the stored county boundaries, or, when none are stored, the box
 * around the area points widened by about 5 km. */
hss_code ems_region_load(hss_store *st, const ems_areas *A, region_shape *R, hss_error *err)
{
    memset(R, 0, sizeof *R);
    char **gj;
    size_t n;
    hss_code rc = ems_db_boundaries(st, &gj, &n, err);
    if (rc)
        return rc;
    R->shape = hss_xcalloc(n + 1, sizeof *R->shape);
    for (size_t i = 0; i < n; i++) {
        cJSON *j = cJSON_Parse(gj[i]);
        char why[128];
        if (j && hss_geo_parse(j, &R->shape[R->n], why, sizeof why) == 0)
            R->n++;
        else
            hss_geo_free(&R->shape[R->n]);
        cJSON_Delete(j);
    }
    ems_strs_free(gj, n);
    R->minx = R->miny = INFINITY;
    R->maxx = R->maxy = -INFINITY;
    for (size_t i = 0; i < A->n; i++) {
        if (isnan(A->a[i].lon))
            continue;
        R->minx = fmin(R->minx, A->a[i].lon - 0.05);
        R->maxx = fmax(R->maxx, A->a[i].lon + 0.05);
        R->miny = fmin(R->miny, A->a[i].lat - 0.05);
        R->maxy = fmax(R->maxy, A->a[i].lat + 0.05);
    }
    return HSS_OK;
}

void ems_region_free(region_shape *R)
{
    for (size_t i = 0; i < R->n; i++)
        hss_geo_free(&R->shape[i]);
    free(R->shape);
}

int ems_region_contains(const region_shape *R, double lon, double lat)
{
    if (R->n == 0)
        return lon >= R->minx && lon <= R->maxx && lat >= R->miny && lat <= R->maxy;
    for (size_t i = 0; i < R->n; i++)
        if (hss_geo_contains(&R->shape[i], lon, lat))
            return 1;
    return 0;
}

typedef struct call_ctx {
    const ems_areas *A;
    const ems_facs *F;
    const ems_units *U;
    const region_shape *R;
} call_ctx;

static int unit_known(const ems_units *U, const char *code)
{
    size_t lo = 0, hi = U->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(U->u[mid].code, code);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static hss_code call_times(const hss_csv *csv, ems_call *c, hss_error *err)
{
    int last = -1;
    for (int k = 0; k < EMS_NSTEPS; k++) {
        const char *v = field(csv, EMS_STEP_NAME[k]);
        if (!*v) {
            if (k == EMS_RECEIVED)
                return bad(err, csv, "received_at", v, "every call needs the time it was received");
            continue;
        }
        if (hss_ems_time_parse(v, &c->t[k]))
            return bad(err, csv, EMS_STEP_NAME[k], v,
                       "expected an ISO 8601 time with offset, e.g. 2025-03-01T08:15:00+08:00");
        if (last >= 0 && c->t[k] < c->t[last]) {
            char why[96];
            snprintf(why, sizeof why, "is before %s (%.40s)", EMS_STEP_NAME[last], field(csv, EMS_STEP_NAME[last]));
            return bad(err, csv, EMS_STEP_NAME[k], v, why);
        }
        last = k;
    }
    return HSS_OK;
}

static hss_code call_place(const hss_csv *csv, const call_ctx *x, ems_call *c, hss_error *err)
{
    const char *lon = field(csv, "lon"), *lat = field(csv, "lat"), *vil = field(csv, "village_code");
    if (hss_parse_double(lon, &c->lon) || c->lon < -180 || c->lon > 180)
        return bad(err, csv, "lon", lon, "expected a longitude");
    if (hss_parse_double(lat, &c->lat) || c->lat < -90 || c->lat > 90)
        return bad(err, csv, "lat", lat, "expected a latitude");
    const ems_area *a = ems_area_find(x->A, vil);
    if (!a || a->level < 3)
        return bad(err, csv, "village_code", vil, "no such village or township is stored");
    const ems_area *county = ems_area_up(x->A, a, 2);
    if (!county)
        return bad(err, csv, "village_code", vil, "the area is in no county");
    if (!ems_region_contains(x->R, c->lon, c->lat)) {
        char v[80];
        snprintf(v, sizeof v, "%s,%s", lon, lat);
        return bad(err, csv, "lon,lat", v, "the location is outside the region");
    }
    c->village = hss_xstrdup(vil);
    c->county = hss_xstrdup(county->code);
    return HSS_OK;
}

static hss_code call_refs(const hss_csv *csv, const call_ctx *x, ems_call *c, hss_error *err)
{
    const char *unit = field(csv, "unit"), *hosp = field(csv, "hospital");
    if (*unit && !unit_known(x->U, unit))
        return bad(err, csv, "unit", unit, "no such unit is stored (hss ems units import first)");
    if (*unit && c->t[EMS_DISPATCHED] == HSS_EMS_NO_TIME)
        return bad(err, csv, "dispatched_at", "", "a call with a unit needs the time it was dispatched");
    for (int k = EMS_DISPATCHED; k < EMS_NSTEPS && !*unit; k++)
        if (c->t[k] != HSS_EMS_NO_TIME)
            return bad(err, csv, "unit", unit, "empty, but the call has unit times");
    const ems_fac *h = *hosp ? ems_fac_find(x->F, hosp) : NULL;
    if (*hosp && (!h || !ems_fac_is_hospital(h)))
        return bad(err, csv, "hospital", hosp, "no such hospital is stored");
    if (!*hosp && (c->t[EMS_AT_HOSPITAL] != HSS_EMS_NO_TIME || c->t[EMS_HANDOVER] != HSS_EMS_NO_TIME))
        return bad(err, csv, "hospital", hosp, "empty, but the call reached a hospital");
    c->unit = hss_xstrdup(unit);
    c->hospital = hss_xstrdup(hosp);
    return HSS_OK;
}

static hss_code call_row(const hss_csv *csv, const call_ctx *x, ems_call *c, hss_error *err)
{
    const char *id = field(csv, "call_id");
    if (!*id)
        return bad(err, csv, "call_id", id, "every call needs an id");
    hss_code rc;
    if ((rc = call_times(csv, c, err)) || (rc = call_place(csv, x, c, err)) || (rc = call_refs(csv, x, c, err)))
        return rc;
    c->id = hss_xstrdup(id);
    c->priority = hss_xstrdup(field(csv, "priority"));
    c->category = hss_xstrdup(field(csv, "category"));
    c->outcome = hss_xstrdup(field(csv, "outcome"));
    c->line = hss_csv_line(csv);
    return HSS_OK;
}

static const ems_call *by_id(const ems_calls *C, const char *id)
{
    for (size_t i = 0; i < C->n; i++)
        if (strcmp(C->c[i].id, id) == 0)
            return &C->c[i];
    return NULL;
}

static int cmp_call_id(const void *a, const void *b)
{
    const ems_call *x = *(const ems_call *const *)a, *y = *(const ems_call *const *)b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* A call id twice in one file is an error naming the second line. */
static hss_code check_duplicates(const char *path, const ems_calls *C, hss_error *err)
{
    const ems_call **p = hss_xmalloc((C->n + 1) * sizeof *p);
    for (size_t i = 0; i < C->n; i++)
        p[i] = &C->c[i];
    qsort(p, C->n, sizeof *p, cmp_call_id);
    hss_code rc = HSS_OK;
    for (size_t i = 1; i < C->n && !rc; i++)
        if (strcmp(p[i]->id, p[i - 1]->id) == 0)
            rc = hss_fail(err, HSS_EINVAL, "%s:%zu: field call_id: '%.100s': the same call is on line %zu",
                          path, p[i]->line, p[i]->id, p[i - 1]->line);
    free(p);
    return rc;
}

/* After the rows are in: a unit on two calls at once is refused, naming the file's line. */
static hss_code check_overlaps(hss_store *st, const char *path, const ems_calls *C, hss_error *err)
{
    char *a = NULL, *b = NULL;
    int found = ems_db_overlap(st, &a, &b, err);
    if (found < 0)
        return HSS_EDB;
    if (found == 0)
        return HSS_OK;
    const ems_call *ca = by_id(C, a), *cb = by_id(C, b);
    const ems_call *in = ca ? ca : cb;
    const char *other = in == ca ? b : a;
    const ems_call *oc = in == ca ? cb : ca;
    char where[64] = "already stored";
    if (oc)
        snprintf(where, sizeof where, "line %zu", oc->line);
    hss_fail(err, HSS_EINVAL, "%s:%zu: field unit: '%.64s': the unit is on call %.64s (%s) at the same time",
             path, in ? in->line : 0, in ? in->unit : "", other, where);
    free(a);
    free(b);
    return HSS_EINVAL;
}

static hss_code read_calls(hss_csv *csv, const call_ctx *x, ems_calls *C, hss_error *err)
{
    static const char *const req[] = {"call_id", "received_at", "lon", "lat", "village_code", NULL};
    hss_code rc = hss_csv_read_header(csv, err);
    if (!rc)
        rc = hss_csv_require(csv, req, err);
    int more;
    while (!rc && (more = hss_csv_next(csv, err)) != 0) {
        if (more < 0)
            return err->code;
        rc = call_row(csv, x, ems_calls_push(C), err);
    }
    return rc;
}

static hss_code store_calls(hss_store *st, const char *path, const ems_calls *C, int generated,
                            hss_error *err)
{
    hss_code rc = hss_store_begin(st, err);
    if (rc)
        return rc;
    ems_writer *w = ems_db_writer(st, err);
    rc = w ? HSS_OK : HSS_EDB;
    for (size_t i = 0; i < C->n && !rc; i++)
        rc = ems_db_put_call(w, &C->c[i], generated, err);
    ems_db_writer_free(w);
    char *moved = NULL;
    int two = rc ? 0 : ems_db_call_in_two_counties(st, &moved, err);
    if (two < 0)
        rc = HSS_EDB;
    else if (two > 0)
        rc = hss_fail(err, HSS_EINVAL, "%s: call %s: already stored in another county (a call cannot move "
                      "between counties)", path, moved);
    free(moved);
    if (!rc)
        rc = check_overlaps(st, path, C, err);
    if (!rc)
        rc = hss_store_bump_version(st, err);
    if (!rc)
        rc = hss_store_commit(st, err);
    if (rc)
        hss_store_rollback(st);
    return rc;
}

hss_code hss_ems_calls_import(hss_store *st, const char *path, int generated, size_t *count,
                              hss_error *err)
{
    ems_areas A = {0};
    ems_facs F = {0};
    ems_units U = {0};
    ems_calls C = {0};
    region_shape R = {0};
    *count = 0;
    hss_csv *csv = hss_csv_open_file(path, err);
    if (!csv)
        return err->code;
    hss_code rc = ems_areas_load(st, &A, err);
    if (!rc)
        rc = ems_facs_load(st, &F, err);
    if (!rc)
        rc = ems_db_units(st, &U, err);
    if (!rc)
        rc = ems_region_load(st, &A, &R, err);
    call_ctx x = {&A, &F, &U, &R};
    if (!rc)
        rc = read_calls(csv, &x, &C, err);
    if (!rc)
        rc = check_duplicates(path, &C, err);
    if (!rc)
        rc = store_calls(st, path, &C, generated, err);
    if (!rc)
        *count = C.n;
    hss_csv_close(csv);
    ems_region_free(&R);
    ems_calls_free(&C);
    ems_units_free(&U);
    ems_facs_free(&F);
    ems_areas_free(&A);
    return rc;
}
