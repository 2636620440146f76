/*
 * matrix.c: driving minutes between arbitrary lon/lat points, for modules that route vehicles
 * rather than residents (the 120 module: ambulances from their stations to calls). The points
 * are snapped onto the drivable network with the grid index; one Dijkstra runs from each point
 * of the smaller side (on the reversed graph when that side is the destinations), so a matrix of
 * 60 stations by 70,000 call locations costs 60 runs.
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
    double *dist;
    int32_t *label;
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
    tt->dist = hss_xmalloc(((size_t)tt->net.n + 1) * sizeof *tt->dist);
    tt->label = hss_xmalloc(((size_t)tt->net.n + 1) * sizeof *tt->label);
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
    free(tt->dist);
    free(tt->label);
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

/* Minutes from point `one` (of side a) to every point of side b, written at stride. */
static void run_one(hss_access_tt *tt, acc_dir dir, const acc_point *a, size_t one, const acc_point *b,
                    size_t nb, float *out, size_t stride)
{
    acc_sources s;
    acc_sources_build(&s, &tt->net, tt->mode, ACC_COST_TIME, dir, a, &one, 1);
    acc_dijkstra(tt->dij, &tt->csr[dir], s.seeds, s.ns, INFINITY, tt->dist, tt->label);
    for (size_t j = 0; j < nb; j++) {
        int32_t lab;
        double sec = s.n ? acc_arrival(&tt->net, tt->mode, ACC_COST_TIME, tt->dist, tt->label, &b[j], &s, &lab)
                         : INFINITY;
        out[j * stride] = (float)(sec / 60.0);
    }
    acc_sources_free(&s);
}

void hss_access_tt_matrix(hss_access_tt *tt, const double *src, size_t nsrc, const double *dst,
                          size_t ndst, float *minutes)
{
    acc_point *ps = hss_xcalloc(nsrc + 1, sizeof *ps), *pd = hss_xcalloc(ndst + 1, sizeof *pd);
    snap_points(tt, src, nsrc, ps);
    snap_points(tt, dst, ndst, pd);
    if (nsrc <= ndst) {
        for (size_t i = 0; i < nsrc; i++)
            run_one(tt, ACC_OUTBOUND, ps, i, pd, ndst, minutes + i * ndst, 1);
    } else {
        /* from each destination backwards: the arrival at a source is its cost to the destination */
        for (size_t j = 0; j < ndst; j++)
            run_one(tt, ACC_INBOUND, pd, j, ps, nsrc, minutes + j, ndst);
    }
    free(ps);
    free(pd);
}

int hss_access_tt_on_road(const hss_access_tt *tt, double lon, double lat)
{
    acc_snap sn;
    acc_grid_nearest(tt->grid, &tt->net, tt->mode, lon, lat, HSS_ACCESS_SNAP_MAX_M, &sn);
    return sn.edge >= 0 && !sn.flagged;
}
