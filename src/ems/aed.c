/*
 * aed.c: the AED registry (自动体外除颤仪) and the five-minute first-aid circle
 * (五分钟社会应急救护圈): which residents live within five minutes' walk of a usable AED (active,
 * not past its expiry), and where the next AEDs help most (greedy maximal covering over the
 * village points, each step's gain reported). Walking times come from src/access (5 km/h on
 * the road network); villages stand for their residents, as everywhere in HSS.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "ems/ems_int.h"
#include "geo/geo.h"

static hss_code bad(hss_error *err, const hss_csv *csv, const char *field, const char *value, const char *why)
{
    return hss_fail(err, HSS_EINVAL, "%s:%zu: field %s: '%.200s': %s", hss_csv_name(csv), hss_csv_line(csv), field,
                    value ? value : "", why);
}

static const char *field(const hss_csv *csv, const char *name)
{
    const char *v = hss_csv_get(csv, name);
    return v ? v : "";
}

/* The county of the nearest village or township point. */
static const ems_area *nearest_county(const ems_areas *A, double lon, double lat)
{
    const ems_area *best = NULL;
    double bd = INFINITY;
    for (size_t i = 0; i < A->n; i++) {
        const ems_area *a = &A->a[i];
        if (a->level < 3 || isnan(a->lon))
            continue;
        double d = hss_geo_distance_km(lon, lat, a->lon, a->lat);
        if (d < bd) {
            bd = d;
            best = a;
        }
    }
    return best ? ems_area_up(A, best, 2) : NULL;
}

static int valid_day(const char *s)
{
    int64_t t;
    return strlen(s) == 10 && hss_ems_day_parse(s, &t) == 0;
}

static hss_code aed_row(hss_store *st, const hss_csv *csv, const ems_areas *A, const region_shape *R, hss_error *err)
{
    ems_aed a = {0};
    a.code = field(csv, "code");
    a.venue = field(csv, "venue");
    a.hours = field(csv, "access_hours");
    a.status = field(csv, "status");
    a.expiry = field(csv, "expiry");
    a.installed = hss_csv_get(csv, "installed"); /* NULL when the file has no such column */
    if (!*a.code)
        return bad(err, csv, "code", a.code, "every AED needs a code");
    if (hss_parse_double(field(csv, "lon"), &a.lon) || a.lon < -180 || a.lon > 180)
        return bad(err, csv, "lon", field(csv, "lon"), "expected a longitude");
    if (hss_parse_double(field(csv, "lat"), &a.lat) || a.lat < -90 || a.lat > 90)
        return bad(err, csv, "lat", field(csv, "lat"), "expected a latitude");
    if (!ems_region_contains(R, a.lon, a.lat))
        return bad(err, csv, "lon,lat", field(csv, "lon"), "the location is outside the region");
    if (!*a.venue)
        return bad(err, csv, "venue", a.venue, "say where the AED is (the venue)");
    if (strcmp(a.status, "active") != 0 && strcmp(a.status, "out_of_service") != 0)
        return bad(err, csv, "status", a.status, "expected active or out_of_service");
    if (*a.expiry && !valid_day(a.expiry))
        return bad(err, csv, "expiry", a.expiry, "expected a day YYYY-MM-DD (or empty when not known)");
    if (a.installed && *a.installed && !valid_day(a.installed))
        return bad(err, csv, "installed", a.installed, "expected a day YYYY-MM-DD (or empty when not known)");
    const ems_area *county = nearest_county(A, a.lon, a.lat);
    if (!county)
        return bad(err, csv, "lon,lat", field(csv, "lon"), "no village or township point to place the AED in a county");
    a.county = county->code;
    return ems_db_put_aed(st, &a, err);
}

hss_code hss_aed_import(hss_store *st, const char *path, size_t *count, hss_error *err)
{
    static const char *const req[] = {"code", "lon", "lat", "venue", "access_hours", "status", "expiry", NULL};
    ems_areas A = {0};
    region_shape R = {0};
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
        rc = ems_region_load(st, &A, &R, err);
    if (!rc)
        rc = hss_store_begin(st, err);
    if (!rc) {
        int more;
        while (!rc && (more = hss_csv_next(csv, err)) != 0) {
            rc = more < 0 ? err->code : aed_row(st, csv, &A, &R, err);
            *count += !rc;
        }
        if (!rc)
            rc = hss_store_bump_version(st, err);
        if (!rc)
            rc = hss_store_commit(st, err);
        if (rc) {
            hss_store_rollback(st);
            *count = 0;
        }
    }
    hss_csv_close(csv);
    ems_region_free(&R);
    ems_areas_free(&A);
    return rc;
}

/* ---- coverage and planning ------------------------------------------------------------ */

typedef struct aed_in {
    ems_areas A;
    size_t *village; /* area index by point */
    double *ll;
    size_t nv;
    uint8_t *covered; /* by a usable AED now */
    hss_access_tt *tt;
} aed_in;

static void aed_free(aed_in *x)
{
    ems_areas_free(&x->A);
    free(x->village);
    free(x->ll);
    free(x->covered);
    hss_access_tt_free(x->tt);
}

static hss_code aed_load(hss_store *st, const char *under, double minutes, const char *day, aed_in *x,
                         hss_error *err)
{
    memset(x, 0, sizeof *x);
    if (!valid_day(day))
        return hss_fail(err, HSS_EINVAL, "the day must be YYYY-MM-DD, not '%s'", day);
    hss_code rc = ems_areas_load(st, &x->A, err);
    if (!rc && under && !ems_area_find(&x->A, under))
        rc = hss_fail(err, HSS_ENOTFOUND, "no area with code '%s'", under);
    if (!rc)
        rc = hss_access_tt_open_mode(st, HSS_MODE_WALK, &x->tt, err);
    if (rc)
        return rc;
    x->village = hss_xmalloc((x->A.n + 1) * sizeof *x->village);
    x->ll = hss_xmalloc((x->A.n + 1) * 2 * sizeof *x->ll);
    for (size_t i = 0; i < x->A.n; i++) {
        const ems_area *a = &x->A.a[i];
        if (a->level != 4 || a->population <= 0 || isnan(a->lon) || !ems_area_under(&x->A, a, under))
            continue;
        x->ll[2 * x->nv] = a->lon;
        x->ll[2 * x->nv + 1] = a->lat;
        x->village[x->nv++] = i;
    }
    x->covered = hss_xcalloc(x->nv + 1, 1);
    double *aeds = NULL;
    size_t na = 0;
    rc = ems_db_aeds_usable(st, day, &aeds, &na, err);
    if (!rc && na && x->nv) {
        float *m = hss_xmalloc((na * x->nv + 1) * sizeof *m);
        hss_access_tt_matrix(x->tt, aeds, na, x->ll, x->nv, m);
        for (size_t a = 0; a < na; a++)
            for (size_t v = 0; v < x->nv; v++)
                x->covered[v] |= m[a * x->nv + v] <= minutes;
        free(m);
    }
    free(aeds);
    return rc;
}

static void cov_row(hss_table *t, const char *code, const char *name, double res, double cov)
{
    hss_table_add_row(t);
    hss_table_set_text(t, 0, code);
    hss_table_set_text(t, 1, name);
    hss_table_set_int(t, 2, (long long)res);
    hss_table_set_int(t, 3, (long long)cov);
    if (res > 0)
        hss_table_set_real(t, 4, cov / res, 4);
}

hss_code hss_aed_coverage(hss_store *st, const char *under, double minutes, const char *day,
                          hss_table **out, hss_error *err)
{
    aed_in x;
    hss_code rc = aed_load(st, under, minutes, day, &x, err);
    if (!rc) {
        hss_table *t = hss_table_new();
        hss_table_add_col(t, "area", NULL, HSS_COL_TEXT);
        hss_table_add_col(t, "name", NULL, HSS_COL_TEXT);
        hss_table_add_col(t, "residents", NULL, HSS_COL_INT);
        hss_table_add_col(t, "covered", NULL, HSS_COL_INT);
        hss_table_add_col(t, "share", NULL, HSS_COL_REAL);
        double tr = 0, tc = 0;
        for (size_t i = 0; i < x.A.n; i++) {
            const ems_area *c = &x.A.a[i];
            if (c->level != 2 || !ems_area_under(&x.A, c, under))
                continue;
            double r = 0, cv = 0;
            for (size_t v = 0; v < x.nv; v++)
                if (ems_area_under(&x.A, &x.A.a[x.village[v]], c->code)) {
                    r += (double)x.A.a[x.village[v]].population;
                    cv += x.covered[v] ? (double)x.A.a[x.village[v]].population : 0;
                }
            if (r > 0)
                cov_row(t, c->code, c->name, r, cv);
        }
        for (size_t v = 0; v < x.nv; v++) {
            tr += (double)x.A.a[x.village[v]].population;
            tc += x.covered[v] ? (double)x.A.a[x.village[v]].population : 0;
        }
        cov_row(t, "total", "合计", tr, tc);
        *out = t;
    }
    aed_free(&x);
    return rc;
}

/* Adds up to n AEDs one at a time at the village whose walk circle brings the most residents
 * not yet covered (m: village x village minutes); one row per AED. */
static void aed_greedy(aed_in *x, const float *m, double minutes, size_t n, double total, double covered,
                       hss_table *t)
{
    for (size_t step = 0; step < n; step++) {
        size_t best = x->nv;
        double bg = 0;
        for (size_t c = 0; c < x->nv; c++) {
            double g = 0;
            for (size_t v = 0; v < x->nv; v++)
                if (!x->covered[v] && m[c * x->nv + v] <= minutes)
                    g += (double)x->A.a[x->village[v]].population;
            if (g > bg) {
                bg = g;
                best = c;
            }
        }
        if (best == x->nv)
            break; /* nothing left to gain */
        for (size_t v = 0; v < x->nv; v++)
            x->covered[v] |= m[best * x->nv + v] <= minutes;
        covered += bg;
        const ems_area *a = &x->A.a[x->village[best]];
        hss_table_add_row(t);
        hss_table_set_int(t, 0, (long long)step + 1);
        hss_table_set_text(t, 1, a->code);
        hss_table_set_text(t, 2, a->name);
        hss_table_set_int(t, 3, (long long)bg);
        hss_table_set_real(t, 4, total > 0 ? covered / total : 0, 4);
    }
}

hss_code hss_aed_plan(hss_store *st, const char *under, double minutes, const char *day, size_t n,
                      hss_table **out, hss_error *err)
{
    aed_in x;
    hss_code rc = aed_load(st, under, minutes, day, &x, err);
    if (!rc && x.nv > 4000)
        rc = hss_fail(err, HSS_EINVAL, "%zu villages: plan AEDs county by county (--under)", x.nv);
    if (!rc) {
        float *m = hss_xmalloc((x.nv * x.nv + 1) * sizeof *m);
        hss_access_tt_matrix(x.tt, x.ll, x.nv, x.ll, x.nv, m);
        double total = 0, covered = 0;
        for (size_t v = 0; v < x.nv; v++) {
            total += (double)x.A.a[x.village[v]].population;
            covered += x.covered[v] ? (double)x.A.a[x.village[v]].population : 0;
        }
        hss_table *t = hss_table_new();
        hss_table_add_col(t, "rank", NULL, HSS_COL_INT);
        hss_table_add_col(t, "village", NULL, HSS_COL_TEXT);
        hss_table_add_col(t, "name", NULL, HSS_COL_TEXT);
        hss_table_add_col(t, "gain", NULL, HSS_COL_INT);
        hss_table_add_col(t, "covered_share", NULL, HSS_COL_REAL);
        aed_greedy(&x, m, minutes, n, total, covered, t);
        free(m);
        *out = t;
    }
    aed_free(&x);
    return rc;
}
