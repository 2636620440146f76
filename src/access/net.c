/*
 * net.c: the road network as numbered nodes and edges (the form that is imported, stored and
 * loaded), distances on the sphere, and the component filter that keeps only the largest
 * strongly connected component of the car graph, so that every kept node can reach every
 * other one (a stray one-way stub would otherwise trap a route). Footpaths (nodes no car edge
 * touches) are kept when walkways join them to that component, so walking can use them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access/access_int.h"

void acc_net_init(acc_net *g)
{
    memset(g, 0, sizeof *g);
}

void acc_net_free(acc_net *g)
{
    free(g->lon);
    free(g->lat);
    free(g->eu);
    free(g->ev);
    free(g->elen);
    free(g->espeed);
    free(g->eflag);
    free(g->eclass);
    memset(g, 0, sizeof *g);
}

uint32_t acc_net_add_node(acc_net *g, double lon, double lat)
{
    if (g->n == g->ncap) {
        g->ncap = g->ncap ? g->ncap * 2 : 1024;
        g->lon = hss_xrealloc(g->lon, g->ncap * sizeof *g->lon);
        g->lat = hss_xrealloc(g->lat, g->ncap * sizeof *g->lat);
    }
    g->lon[g->n] = lon;
    g->lat[g->n] = lat;
    return g->n++;
}

void acc_net_add_edge(acc_net *g, uint32_t u, uint32_t v, double len_m, double kmh, int flags,
                      int cls)
{
    if (g->m == g->mcap) {
        g->mcap = g->mcap ? g->mcap * 2 : 1024;
        g->eu = hss_xrealloc(g->eu, g->mcap * sizeof *g->eu);
        g->ev = hss_xrealloc(g->ev, g->mcap * sizeof *g->ev);
        g->elen = hss_xrealloc(g->elen, g->mcap * sizeof *g->elen);
        g->espeed = hss_xrealloc(g->espeed, g->mcap * sizeof *g->espeed);
        g->eflag = hss_xrealloc(g->eflag, g->mcap * sizeof *g->eflag);
        g->eclass = hss_xrealloc(g->eclass, g->mcap * sizeof *g->eclass);
    }
    g->eu[g->m] = u;
    g->ev[g->m] = v;
    g->elen[g->m] = len_m;
    g->espeed[g->m] = (float)kmh;
    g->eflag[g->m] = (uint8_t)flags;
    g->eclass[g->m] = (uint8_t)cls;
    g->m++;
}

double acc_haversine_m(double lon1, double lat1, double lon2, double lat2)
{
    const double r = 6371008.8, d2r = M_PI / 180.0;
    double dlat = (lat2 - lat1) * d2r, dlon = (lon2 - lon1) * d2r;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * d2r) * cos(lat2 * d2r) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * r * asin(sqrt(a < 1 ? a : 1));
}

/* Iterative Tarjan over the car arcs; comp[i] = component id. Returns the number of
 * components. */
static uint32_t tarjan(const acc_csr *c, uint32_t *comp)
{
    uint32_t n = c->n;
    uint32_t *index = hss_xmalloc((size_t)n * sizeof *index);
    uint32_t *low = hss_xmalloc((size_t)n * sizeof *low);
    uint32_t *stack = hss_xmalloc((size_t)n * sizeof *stack);
    uint32_t *cs_node = hss_xmalloc((size_t)n * sizeof *cs_node);
    uint32_t *cs_arc = hss_xmalloc((size_t)n * sizeof *cs_arc);
    uint8_t *on = hss_xcalloc(n, 1);
    const uint32_t UNSEEN = UINT32_MAX;
    for (uint32_t i = 0; i < n; i++)
        index[i] = UNSEEN;
    uint32_t next = 0, sp = 0, ncomp = 0;
    for (uint32_t s = 0; s < n; s++) {
        if (index[s] != UNSEEN)
            continue;
        uint32_t top = 0;
        cs_node[top] = s;
        cs_arc[top] = c->off[s];
        top++;
        index[s] = low[s] = next++;
        stack[sp++] = s;
        on[s] = 1;
        while (top) {
            uint32_t v = cs_node[top - 1];
            if (cs_arc[top - 1] < c->off[v + 1]) {
                uint32_t w = c->to[cs_arc[top - 1]++];
                if (index[w] == UNSEEN) {
                    index[w] = low[w] = next++;
                    stack[sp++] = w;
                    on[w] = 1;
                    cs_node[top] = w;
                    cs_arc[top] = c->off[w];
                    top++;
                } else if (on[w] && index[w] < low[v]) {
                    low[v] = index[w];
                }
                continue;
            }
            if (low[v] == index[v]) {
                uint32_t w;
                do {
                    w = stack[--sp];
                    on[w] = 0;
                    comp[w] = ncomp;
                } while (w != v);
                ncomp++;
            }
            top--;
            if (top) {
                uint32_t u = cs_node[top - 1];
                if (low[v] < low[u])
                    low[u] = low[v];
            }
        }
    }
    free(index);
    free(low);
    free(stack);
    free(cs_node);
    free(cs_arc);
    free(on);
    return ncomp;
}

void acc_net_largest_scc(acc_net *g, hss_roads_stats *stats)
{
    stats->nodes_read = g->n;
    stats->edges_read = g->m;
    if (g->n == 0) {
        stats->nodes = stats->edges = 0;
        return;
    }
    acc_csr c;
    acc_csr_build(&c, g, HSS_MODE_DRIVE, ACC_COST_LENGTH, 0);
    uint32_t *comp = hss_xmalloc((size_t)g->n * sizeof *comp);
    uint32_t ncomp = tarjan(&c, comp);
    acc_csr_free(&c);
    size_t *size = hss_xcalloc(ncomp, sizeof *size);
    /* only nodes that touch a car edge count towards a component's size */
    uint8_t *car = hss_xcalloc(g->n, 1);
    for (size_t e = 0; e < g->m; e++)
        if (g->eflag[e] & (ACC_CAR_FWD | ACC_CAR_BWD))
            car[g->eu[e]] = car[g->ev[e]] = 1;
    for (uint32_t i = 0; i < g->n; i++)
        if (car[i])
            size[comp[i]]++;
    uint32_t best = 0;
    for (uint32_t k = 1; k < ncomp; k++)
        if (size[k] > size[best])
            best = k;
    /* footpaths: a node that no car edge touches stays when walkways join it to the kept
     * car component (union-find over the walk edges among such nodes and kept car nodes) */
    uint32_t *uf = hss_xmalloc((size_t)g->n * sizeof *uf);
    for (uint32_t i = 0; i < g->n; i++)
        uf[i] = i;
    for (size_t e = 0; e < g->m; e++) {
        uint32_t a = g->eu[e], b = g->ev[e];
        if (!(g->eflag[e] & ACC_WALK))
            continue;
        if ((car[a] && comp[a] != best) || (car[b] && comp[b] != best))
            continue;
        while (uf[a] != a)
            a = uf[a] = uf[uf[a]];
        while (uf[b] != b)
            b = uf[b] = uf[uf[b]];
        if (a != b)
            uf[a < b ? b : a] = a < b ? a : b;
    }
    uint8_t *joined = hss_xcalloc(g->n, 1);
    for (uint32_t i = 0; i < g->n; i++) {
        uint32_t r = i;
        while (uf[r] != r)
            r = uf[r];
        uf[i] = r;
        if (car[i] && comp[i] == best)
            joined[r] = 1;
    }
    uint32_t *map = hss_xmalloc((size_t)g->n * sizeof *map);
    uint32_t nn = 0;
    for (uint32_t i = 0; i < g->n; i++) {
        if ((car[i] && comp[i] == best) || (!car[i] && joined[uf[i]])) {
            map[i] = nn;
            g->lon[nn] = g->lon[i];
            g->lat[nn] = g->lat[i];
            nn++;
        } else {
            map[i] = UINT32_MAX;
        }
    }
    size_t mm = 0;
    for (size_t e = 0; e < g->m; e++) {
        uint32_t u = map[g->eu[e]], v = map[g->ev[e]];
        if (u == UINT32_MAX || v == UINT32_MAX)
            continue;
        g->eu[mm] = u;
        g->ev[mm] = v;
        g->elen[mm] = g->elen[e];
        g->espeed[mm] = g->espeed[e];
        g->eflag[mm] = g->eflag[e];
        g->eclass[mm] = g->eclass[e];
        mm++;
    }
    stats->nodes = nn;
    stats->edges = mm;
    stats->nodes_dropped = g->n - nn;
    stats->edges_dropped = g->m - mm;
    g->n = nn;
    g->m = mm;
    free(map);
    free(uf);
    free(joined);
    free(car);
    free(size);
    free(comp);
}
