/*
 * csr.c: the query graph. The stored edge list becomes compressed sparse rows for one travel
 * mode (drive: car speeds and one-way flags; walk: 5 km/h both ways on walkable edges) and one
 * cost (seconds or metres), forward or reversed. Arcs of a node are contiguous, so a Dijkstra
 * scan reads memory in order.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access/access_int.h"

int acc_edge_fwd(const acc_net *g, size_t e, hss_mode mode)
{
    return mode == HSS_MODE_WALK ? (g->eflag[e] & ACC_WALK) != 0 : (g->eflag[e] & ACC_CAR_FWD) != 0;
}

int acc_edge_bwd(const acc_net *g, size_t e, hss_mode mode)
{
    return mode == HSS_MODE_WALK ? (g->eflag[e] & ACC_WALK) != 0 : (g->eflag[e] & ACC_CAR_BWD) != 0;
}

double acc_edge_cost(const acc_net *g, size_t e, hss_mode mode, acc_cost cost)
{
    if (cost == ACC_COST_LENGTH)
        return g->elen[e];
    double kmh = g->espeed[e];
    if (mode == HSS_MODE_WALK && !(g->eflag[e] & ACC_FERRY))
        kmh = ACC_WALK_KMH;
    if (!(kmh > 0))
        return INFINITY;
    return g->elen[e] / (kmh / 3.6);
}

void acc_csr_build(acc_csr *c, const acc_net *g, hss_mode mode, acc_cost cost, int reverse)
{
    c->n = g->n;
    c->off = hss_xcalloc((size_t)g->n + 1, sizeof *c->off);
    for (size_t e = 0; e < g->m; e++) {
        int f = acc_edge_fwd(g, e, mode), b = acc_edge_bwd(g, e, mode);
        if (reverse) {
            int t = f;
            f = b;
            b = t;
        }
        if (f)
            c->off[g->eu[e] + 1]++;
        if (b)
            c->off[g->ev[e] + 1]++;
    }
    for (uint32_t i = 0; i < g->n; i++)
        c->off[i + 1] += c->off[i];
    size_t m = c->off[g->n];
    c->to = hss_xmalloc((m ? m : 1) * sizeof *c->to);
    c->w = hss_xmalloc((m ? m : 1) * sizeof *c->w);
    uint32_t *pos = hss_xmalloc(((size_t)g->n + 1) * sizeof *pos);
    memcpy(pos, c->off, ((size_t)g->n + 1) * sizeof *pos);
    for (size_t e = 0; e < g->m; e++) {
        int f = acc_edge_fwd(g, e, mode), b = acc_edge_bwd(g, e, mode);
        if (reverse) {
            int t = f;
            f = b;
            b = t;
        }
        double w = acc_edge_cost(g, e, mode, cost);
        if (f) {
            c->to[pos[g->eu[e]]] = g->ev[e];
            c->w[pos[g->eu[e]]++] = w;
        }
        if (b) {
            c->to[pos[g->ev[e]]] = g->eu[e];
            c->w[pos[g->ev[e]]++] = w;
        }
    }
    free(pos);
    c->wmin = INFINITY;
    c->wmax = 0;
    for (size_t a = 0; a < m; a++)
        if (c->w[a] < INFINITY) {
            c->wmin = c->w[a] < c->wmin ? c->w[a] : c->wmin;
            c->wmax = c->w[a] > c->wmax ? c->w[a] : c->wmax;
        }
    if (c->wmin == INFINITY)
        c->wmin = 0;
}

void acc_csr_free(acc_csr *c)
{
    free(c->off);
    free(c->to);
    free(c->w);
    memset(c, 0, sizeof *c);
}
