/*
 * snap.c: the grid index that finds the nearest road edge to a point. Edge segments are
 * bucketed into a uniform grid (in a local equirectangular projection, metres); a query scans
 * rings of cells outwards until no unscanned cell can hold anything nearer. The result is the
 * edge, the position along it and the straight distance, so a point on a long edge is snapped
 * onto the edge, not moved to a far end node. Driving looks only at drivable edges and walking
 * only at walkable ones, so a facility beside a footpath is still reached by car from its
 * nearest road.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access/access_int.h"

struct acc_grid {
    double lon0, lat0, kx, ky; /* projection: x = (lon-lon0)*kx, y = (lat-lat0)*ky */
    double cell;               /* metres */
    int64_t nx, ny;
    uint32_t *off;             /* nx*ny + 1 */
    uint32_t *edges;
};

#define MAX_SEARCH_M 200000.0

static void proj(const acc_grid *gr, double lon, double lat, double *x, double *y)
{
    *x = (lon - gr->lon0) * gr->kx;
    *y = (lat - gr->lat0) * gr->ky;
}

static int64_t clampi(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

acc_grid *acc_grid_build(const acc_net *g, double cell_m)
{
    acc_grid *gr = hss_xcalloc(1, sizeof *gr);
    double minx = 180, maxx = -180, miny = 90, maxy = -90;
    for (uint32_t i = 0; i < g->n; i++) {
        if (g->lon[i] < minx) minx = g->lon[i];
        if (g->lon[i] > maxx) maxx = g->lon[i];
        if (g->lat[i] < miny) miny = g->lat[i];
        if (g->lat[i] > maxy) maxy = g->lat[i];
    }
    if (g->n == 0)
        minx = maxx = miny = maxy = 0;
    gr->lon0 = minx;
    gr->lat0 = miny;
    gr->ky = 111194.93; /* metres per degree on the 6371008.8 m sphere */
    gr->kx = gr->ky * cos((miny + maxy) / 2 * M_PI / 180);
    /* keep the grid at most ~4M cells */
    double w = (maxx - minx) * gr->kx + 1, h = (maxy - miny) * gr->ky + 1;
    double cell = cell_m;
    while ((w / cell) * (h / cell) > 4e6)
        cell *= 2;
    gr->cell = cell;
    gr->nx = (int64_t)(w / cell) + 1;
    gr->ny = (int64_t)(h / cell) + 1;
    size_t ncell = (size_t)(gr->nx * gr->ny);
    gr->off = hss_xcalloc(ncell + 1, sizeof *gr->off);
    for (int pass = 0; pass < 2; pass++) {
        uint32_t *pos = NULL;
        if (pass == 1) {
            for (size_t c = 0; c < ncell; c++)
                gr->off[c + 1] += gr->off[c];
            gr->edges = hss_xmalloc((gr->off[ncell] + 1) * sizeof *gr->edges);
            pos = hss_xmalloc((ncell + 1) * sizeof *pos);
            memcpy(pos, gr->off, (ncell + 1) * sizeof *pos);
        }
        for (size_t e = 0; e < g->m; e++) {
            double x1, y1, x2, y2;
            proj(gr, g->lon[g->eu[e]], g->lat[g->eu[e]], &x1, &y1);
            proj(gr, g->lon[g->ev[e]], g->lat[g->ev[e]], &x2, &y2);
            int64_t cx1 = clampi((int64_t)(fmin(x1, x2) / cell), 0, gr->nx - 1);
            int64_t cx2 = clampi((int64_t)(fmax(x1, x2) / cell), 0, gr->nx - 1);
            int64_t cy1 = clampi((int64_t)(fmin(y1, y2) / cell), 0, gr->ny - 1);
            int64_t cy2 = clampi((int64_t)(fmax(y1, y2) / cell), 0, gr->ny - 1);
            for (int64_t cy = cy1; cy <= cy2; cy++)
                for (int64_t cx = cx1; cx <= cx2; cx++) {
                    size_t c = (size_t)(cy * gr->nx + cx);
                    if (pass == 0)
                        gr->off[c + 1]++;
                    else
                        gr->edges[pos[c]++] = (uint32_t)e;
                }
        }
        free(pos);
    }
    return gr;
}

void acc_grid_free(acc_grid *gr)
{
    if (!gr)
        return;
    free(gr->off);
    free(gr->edges);
    free(gr);
}

/* Squared distance from (px,py) to segment a-b, and the parameter t of the nearest point. */
static double seg_d2(double px, double py, double ax, double ay, double bx, double by, double *t)
{
    double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
    double u = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0;
    if (u < 0)
        u = 0;
    if (u > 1)
        u = 1;
    *t = u;
    double qx = ax + u * dx - px, qy = ay + u * dy - py;
    return qx * qx + qy * qy;
}

void acc_grid_nearest(const acc_grid *gr, const acc_net *g, hss_mode mode, double lon, double lat,
                      double max_m, acc_snap *out)
{
    uint8_t need = mode == HSS_MODE_WALK ? ACC_WALK : (ACC_CAR_FWD | ACC_CAR_BWD);
    out->edge = -1;
    out->t = 0;
    out->dist_m = INFINITY;
    out->flagged = 1;
    if (g->m == 0)
        return;
    double px, py;
    proj(gr, lon, lat, &px, &py);
    int64_t cx = (int64_t)floor(px / gr->cell), cy = (int64_t)floor(py / gr->cell);
    double best = INFINITY, bt = 0;
    int64_t be = -1;
    int64_t maxr = (int64_t)(MAX_SEARCH_M / gr->cell) + 1;
    int64_t span = gr->nx > gr->ny ? gr->nx : gr->ny;
    /* a point outside the grid must travel to it first */
    int64_t ox = cx < 0 ? -cx : cx >= gr->nx ? cx - gr->nx + 1 : 0;
    int64_t oy = cy < 0 ? -cy : cy >= gr->ny ? cy - gr->ny + 1 : 0;
    int64_t r0 = ox > oy ? ox : oy;
    for (int64_t r = r0 > 0 ? r0 - 1 : 0; r <= maxr && r <= span + r0 + 1; r++) {
        for (int64_t y = cy - r; y <= cy + r; y++) {
            if (y < 0 || y >= gr->ny)
                continue;
            /* the ring: whole top and bottom rows, only the two end cells in between */
            int64_t step = (y == cy - r || y == cy + r || r == 0) ? 1 : 2 * r;
            for (int64_t x = cx - r; x <= cx + r; x += step) {
                if (x < 0 || x >= gr->nx)
                    continue;
                size_t c = (size_t)(y * gr->nx + x);
                for (uint32_t k = gr->off[c]; k < gr->off[c + 1]; k++) {
                    uint32_t e = gr->edges[k];
                    if (!(g->eflag[e] & need))
                        continue;
                    double ax, ay, bx, by, t;
                    proj(gr, g->lon[g->eu[e]], g->lat[g->eu[e]], &ax, &ay);
                    proj(gr, g->lon[g->ev[e]], g->lat[g->ev[e]], &bx, &by);
                    double d2 = seg_d2(px, py, ax, ay, bx, by, &t);
                    if (d2 < best || (d2 == best && (int64_t)e < be)) {
                        best = d2;
                        bt = t;
                        be = e;
                    }
                }
            }
        }
        /* everything not yet scanned is at least r cells away */
        if (be >= 0 && sqrt(best) <= (double)r * gr->cell)
            break;
    }
    if (be < 0)
        return;
    /* within 1 m of an end: snap onto the node itself, so that a point at a junction is
     * reached from every road into it, not only along the edge that happened to win */
    double elen = acc_haversine_m(g->lon[g->eu[be]], g->lat[g->eu[be]], g->lon[g->ev[be]], g->lat[g->ev[be]]);
    if (bt * elen < 1.0)
        bt = 0;
    else if ((1 - bt) * elen < 1.0)
        bt = 1;
    out->edge = be;
    out->t = bt;
    double qlon = g->lon[g->eu[be]] + bt * (g->lon[g->ev[be]] - g->lon[g->eu[be]]);
    double qlat = g->lat[g->eu[be]] + bt * (g->lat[g->ev[be]] - g->lat[g->eu[be]]);
    out->dist_m = acc_haversine_m(lon, lat, qlon, qlat);
    out->flagged = out->dist_m > max_m;
}
