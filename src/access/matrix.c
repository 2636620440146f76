/*
 * matrix.c: the one travel-time matrix engine, for every caller that asks "how many minutes from
 * here to there" rather than "what is the nearest facility": the 120 module (ambulances from
 * stations to call locations, given as lon/lat points) and the rounds module (tours between
 * named villages and facilities). Both go through the same handle and the same runs:
 * - lon/lat points are snapped onto the network of the handle's mode with the grid index;
 *   named places use their stored snaps, so their figures agree with `hss access`;
 * - one Dijkstra runs from each point of the smaller side (on the reversed graph when that side
 *   is the destinations), so 60 stations by 70,000 call locations cost 60 runs; a bound keeps
 *   the runs local (the engine then touches only the nodes within it);
 * - the arrival at a point is read from its edge's two ends plus a source on the same edge.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access/access_int.h"

struct hss_access_tt {
    hss_mode mode;
    acc_net net;
    acc_grid *grid;
    acc_csr csr[2]; /* by acc_dir: outbound (forward) and inbound (reversed) */
    acc_dij *dij;
};

hss_code hss_access_tt_open(hss_store *st, hss_access_tt **out, hss_error *err)
{
    return hss_access_tt_open_mode(st, HSS_MODE_DRIVE, out, err);
}

hss_code hss_access_tt_open_mode(hss_store *st, hss_mode mode, hss_access_tt **out, hss_error *err)
{
    hss_access_tt *tt = hss_xcalloc(1, sizeof *tt);
    tt->mode = mode;
    acc_net_init(&tt->net);
    hss_code rc = acc_net_load(st, &tt->net, err);
    if (rc) {
        acc_net_free(&tt->net);
        free(tt);
        return rc;
    }
    tt->grid = acc_grid_build(&tt->net, 500);
    acc_csr_build(&tt->csr[ACC_OUTBOUND], &tt->net, mode, ACC_COST_TIME, 0);
    acc_csr_build(&tt->csr[ACC_INBOUND], &tt->net, mode, ACC_COST_TIME, 1);
    tt->dij = acc_dij_new(tt->net.n);
    *out = tt;
    return HSS_OK;
}

void hss_access_tt_free(hss_access_tt *tt)
{
    if (!tt)
        return;
    acc_grid_free(tt->grid);
    acc_csr_free(&tt->csr[0]);
    acc_csr_free(&tt->csr[1]);
    acc_dij_free(tt->dij);
    acc_net_free(&tt->net);
    free(tt);
}

static void snap_points(const hss_access_tt *tt, const double *lonlat, size_t n, acc_point *p)
{
    for (size_t i = 0; i < n; i++) {
        memset(&p[i], 0, sizeof p[i]);
        p[i].lon = lonlat[2 * i];
        p[i].lat = lonlat[2 * i + 1];
        acc_grid_nearest(tt->grid, &tt->net, tt->mode, p[i].lon, p[i].lat, HSS_ACCESS_SNAP_MAX_M,
                         &p[i].snap[tt->mode]);
    }
}

/* Minutes between point `one` of side a and every point of side b (from a to b when outbound,
 * from b to a when inbound), INFINITY beyond `bound_s` seconds: row[j] for j < nb. */
static void run_one(hss_access_tt *tt, acc_dir dir, const acc_point *const *a, size_t one,
                    const acc_point *const *b, size_t nb, double bound_s, double *row)
{
    acc_sources s;
    acc_sources_build(&s, &tt->net, tt->mode, ACC_COST_TIME, dir, a[one], &(size_t){0}, 1);
    double *dist;
    uint32_t *touched;
    acc_dijkstra_sparse(tt->dij, &tt->csr[dir], s.seeds, s.ns, bound_s, &dist, &touched);
    const int32_t *label = acc_dij_labels(tt->dij);
    for (size_t j = 0; j < nb; j++) {
        int32_t lab;
        double sec = s.n ? acc_arrival(&tt->net, tt->mode, ACC_COST_TIME, dist, label, b[j], &s, &lab) : INFINITY;
        row[j] = sec <= bound_s ? sec / 60.0 : INFINITY;
    }
    acc_sources_free(&s);
}

/* The engine: out(i, j) = minutes from src[i] to dst[j], set through `put` (ctx, i, j, v). */
typedef void (*put_fn)(void *ctx, size_t i, size_t j, double minutes);

static void matrix_run(hss_access_tt *tt, const acc_point *const *src, size_t nsrc,
                       const acc_point *const *dst, size_t ndst, double bound_s, put_fn put, void *ctx)
{
    int fwd = nsrc <= ndst;
    size_t nrow = fwd ? ndst : nsrc;
    double *row = hss_xmalloc((nrow + 1) * sizeof *row);
    if (fwd) {
        for (size_t i = 0; i < nsrc; i++) {
            run_one(tt, ACC_OUTBOUND, src, i, dst, ndst, bound_s, row);
            for (size_t j = 0; j < ndst; j++)
                put(ctx, i, j, row[j]);
        }
    } else {
        /* from each destination backwards: the arrival at a source is its cost to the destination */
        for (size_t j = 0; j < ndst; j++) {
            run_one(tt, ACC_INBOUND, dst, j, src, nsrc, bound_s, row);
            for (size_t i = 0; i < nsrc; i++)
                put(ctx, i, j, row[i]);
        }
    }
    free(row);
}

typedef struct {
    size_t ndst;
    float *f;
    double *d;
} put_ctx;

static void put_float(void *ctx, size_t i, size_t j, double v)
{
    put_ctx *p = ctx;
    p->f[i * p->ndst + j] = (float)v;
}

static void put_double(void *ctx, size_t i, size_t j, double v)
{
    put_ctx *p = ctx;
    p->d[i * p->ndst + j] = i == j ? 0 : v;
}

static const acc_point **point_refs(const acc_point *p, size_t n)
{
    const acc_point **r = hss_xmalloc((n + 1) * sizeof *r);
    for (size_t i = 0; i < n; i++)
        r[i] = &p[i];
    return r;
}

void hss_access_tt_matrix(hss_access_tt *tt, const double *src, size_t nsrc, const double *dst,
                          size_t ndst, float *minutes)
{
    acc_point *ps = hss_xcalloc(nsrc + 1, sizeof *ps), *pd = hss_xcalloc(ndst + 1, sizeof *pd);
    snap_points(tt, src, nsrc, ps);
    snap_points(tt, dst, ndst, pd);
    const acc_point **rs = point_refs(ps, nsrc), **rd = point_refs(pd, ndst);
    put_ctx c = {ndst, minutes, NULL};
    matrix_run(tt, rs, nsrc, rd, ndst, INFINITY, put_float, &c);
    free(rs);
    free(rd);
    free(ps);
    free(pd);
}

/* The point named `code`: an area's population point, else a facility; NULL when neither. */
static const acc_point *find_place(const acc_points *pop, const acc_points *fac, const char *code)
{
    for (size_t i = 0; i < pop->n; i++)
        if (strcmp(pop->p[i].code, code) == 0)
            return &pop->p[i];
    for (size_t i = 0; i < fac->n; i++)
        if (strcmp(fac->p[i].code, code) == 0)
            return &fac->p[i];
    return NULL;
}

hss_code hss_access_tt_places(hss_access_tt *tt, hss_store *st, const char *const *codes, size_t n,
                              double max_minutes, double *minutes, hss_error *err)
{
    acc_points pop = {0}, fac = {0};
    double snap_max;
    hss_code rc = acc_points_load(st, NULL, &pop, &fac, &snap_max, err);
    const acc_point **pts = hss_xmalloc((n + 1) * sizeof *pts);
    for (size_t i = 0; i < n && !rc; i++) {
        pts[i] = find_place(&pop, &fac, codes[i]);
        if (!pts[i])
            rc = hss_fail(err, HSS_ENOTFOUND, "'%s' is neither a located population point nor a located facility",
                          codes[i]);
    }
    if (!rc) {
        put_ctx c = {n, NULL, minutes};
        matrix_run(tt, pts, n, pts, n, max_minutes > 0 ? max_minutes * 60.0 : INFINITY, put_double, &c);
    }
    free(pts);
    acc_points_free(&pop);
    acc_points_free(&fac);
    return rc;
}

int hss_access_tt_on_road(const hss_access_tt *tt, double lon, double lat)
{
    acc_snap sn;
    acc_grid_nearest(tt->grid, &tt->net, tt->mode, lon, lat, HSS_ACCESS_SNAP_MAX_M, &sn);
    return sn.edge >= 0 && !sn.flagged;
}
