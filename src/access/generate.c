/*
 * generate.c: a generated road network for regions without real roads (the demo regions).
 * Over the stored area points it lays a plausible hierarchy: primary roads join the county
 * seats (a spanning tree), secondary roads join the township seats of each county, tertiary
 * and unclassified roads join each township's villages to their seat (a spanning tree plus
 * short loops), and secondary roads radiate from each county seat to the township seats within
 * 30 km. Roads wind more and run slower in the mountains: a seeded, smooth terrain
 * field r in [0,1] makes a road 1.2 + 0.4 r times longer than the straight line and slows it
 * to (1 - 0.5 r) of its class speed (profile.c). Long roads are cut into segments of at most
 * 1 km so that snapping meets the road near each village. Everything is labelled generated.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access/access_int.h"

typedef struct {
    char *code, *parent;
    double lon, lat;
    int urban;
    uint32_t node;
} gpt;

typedef struct {
    gpt *p;
    size_t n, cap;
} gpts;

static void gpts_free(gpts *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->p[i].code);
        free(v->p[i].parent);
    }
    free(v->p);
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static double lattice(uint64_t seed, int64_t i, int64_t j)
{
    uint64_t h = mix(seed ^ mix((uint64_t)i * 0x9E3779B97F4A7C15ULL ^ (uint64_t)j));
    return (double)(h >> 11) / 9007199254740992.0;
}

/* Smooth value noise at 0.08 degree spacing: the terrain ruggedness in [0,1]. */
static double rugged(uint64_t seed, double lon, double lat)
{
    double x = lon / 0.08, y = lat / 0.08;
    int64_t i = (int64_t)floor(x), j = (int64_t)floor(y);
    double fx = x - (double)i, fy = y - (double)j;
    fx = fx * fx * (3 - 2 * fx);
    fy = fy * fy * (3 - 2 * fy);
    double a = lattice(seed, i, j), b = lattice(seed, i + 1, j), c = lattice(seed, i, j + 1),
           d = lattice(seed, i + 1, j + 1);
    return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
}

static const struct {
    const char *cls;
    double kmh;
} SPEED[] = {{"primary", 65}, {"secondary", 55}, {"tertiary", 40}, {"unclassified", 25}};

/* Adds a road from node a to node b of class k, cut into segments of <= 1 km. */
static void road(acc_net *g, uint64_t seed, uint32_t a, uint32_t b, int k, size_t *nroads)
{
    double lon1 = g->lon[a], lat1 = g->lat[a], lon2 = g->lon[b], lat2 = g->lat[b];
    double straight = acc_haversine_m(lon1, lat1, lon2, lat2);
    double mlon = (lon1 + lon2) / 2, mlat = (lat1 + lat2) / 2;
    double r = rugged(seed, mlon, mlat);
    double len = straight * (1.2 + 0.4 * r);
    if (len < 1)
        len = 1;
    double kmh = SPEED[k].kmh * (1 - 0.5 * r);
    int cls = acc_profile_class_find(SPEED[k].cls);
    int segs = (int)ceil(len / 1000.0);
    if (segs < 1)
        segs = 1;
    if (segs > 200)
        segs = 200;
    uint32_t prev = a;
    int flags = ACC_CAR_FWD | ACC_CAR_BWD | ACC_WALK | ACC_GENERATED;
    for (int s = 1; s <= segs; s++) {
        uint32_t cur;
        if (s == segs) {
            cur = b;
        } else {
            double f = (double)s / segs;
            /* a gentle sideways wiggle so that parallel roads do not coincide */
            double w = (lattice(seed ^ 0xabcdef, (int64_t)a * 7919 + s, b) - 0.5) * 0.002;
            cur = acc_net_add_node(g, lon1 + f * (lon2 - lon1) - w * (lat2 - lat1) * 10,
                                   lat1 + f * (lat2 - lat1) + w * (lon2 - lon1) * 10);
        }
        acc_net_add_edge(g, prev, cur, len / segs, kmh, flags, cls);
        prev = cur;
    }
    (*nroads)++;
}

/* Prim's spanning tree over the points idx[0..k) (by straight distance), roads of class cls. */
static void spanning_tree(acc_net *g, uint64_t seed, const gpt *p, const size_t *idx, size_t k, int cls,
                          size_t *nroads)
{
    if (k < 2)
        return;
    double *best = hss_xmalloc(k * sizeof *best);
    size_t *from = hss_xmalloc(k * sizeof *from);
    char *in = hss_xcalloc(k, 1);
    for (size_t i = 0; i < k; i++) {
        best[i] = INFINITY;
        from[i] = 0;
    }
    best[0] = 0;
    for (size_t it = 0; it < k; it++) {
        size_t u = k;
        for (size_t i = 0; i < k; i++)
            if (!in[i] && (u == k || best[i] < best[u]))
                u = i;
        in[u] = 1;
        if (it > 0 && p[idx[u]].node != p[idx[from[u]]].node)
            road(g, seed, p[idx[from[u]]].node, p[idx[u]].node, cls, nroads);
        for (size_t i = 0; i < k; i++) {
            if (in[i])
                continue;
            double d = acc_haversine_m(p[idx[u]].lon, p[idx[u]].lat, p[idx[i]].lon, p[idx[i]].lat);
            if (d < best[i]) {
                best[i] = d;
                from[i] = u;
            }
        }
    }
    free(best);
    free(from);
    free(in);
}

static hss_code load_level(hss_store *st, const char *level, gpts *out, hss_error *err)
{
    memset(out, 0, sizeof *out);
    hss_stmt *s = hss_store_prepare(st,
        "SELECT code, COALESCE(parent_code,''), lon, lat, kind FROM area"
        " WHERE level=? AND lon IS NOT NULL AND lat IS NOT NULL ORDER BY code", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, level);
    while (hss_store_step(s) == HSS_ROW) {
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 64;
            out->p = hss_xrealloc(out->p, out->cap * sizeof *out->p);
        }
        gpt *p = &out->p[out->n++];
        p->code = hss_xstrdup(hss_store_col_text(s, 0));
        p->parent = hss_xstrdup(hss_store_col_text(s, 1));
        p->lon = hss_store_col_double(s, 2);
        p->lat = hss_store_col_double(s, 3);
        p->urban = strcmp(hss_store_col_text(s, 4), "urban") == 0;
        p->node = UINT32_MAX;
    }
    hss_store_finalize(s);
    return HSS_OK;
}

hss_code hss_access_generate_roads_ex(hss_store *st, uint64_t seed, hss_roads_stats *stats,
                                      hss_error *err)
{
    hss_roads_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    gpts tw, vi;
    hss_code rc = load_level(st, "township", &tw, err);
    if (!rc)
        rc = load_level(st, "village", &vi, err);
    else
        memset(&vi, 0, sizeof vi);
    if (rc)
        goto out_pts;
    if (tw.n + vi.n < 2) {
        rc = hss_fail(err, HSS_ENOTFOUND,
                      "%s: fewer than two township or village points with a location are stored; import areas with lon/lat first",
                      hss_store_path(st));
        goto out_pts;
    }
    acc_net g;
    acc_net_init(&g);
    size_t nroads = 0;
    for (size_t i = 0; i < tw.n; i++)
        tw.p[i].node = acc_net_add_node(&g, tw.p[i].lon, tw.p[i].lat);
    for (size_t i = 0; i < vi.n; i++)
        vi.p[i].node = acc_net_add_node(&g, vi.p[i].lon, vi.p[i].lat);
    size_t *idx = hss_xmalloc((tw.n + vi.n + 2) * sizeof *idx);
    /* villages to their township seat (or among themselves when the seat has no point) */
    size_t v0 = 0;
    while (v0 < vi.n) {
        size_t v1 = v0;
        while (v1 < vi.n && strcmp(vi.p[v1].parent, vi.p[v0].parent) == 0)
            v1++;
        size_t k = 0;
        gpt *all = hss_xmalloc((v1 - v0 + 1) * sizeof *all);
        for (size_t i = 0; i < tw.n; i++)
            if (strcmp(tw.p[i].code, vi.p[v0].parent) == 0) {
                all[k] = tw.p[i];
                idx[k] = k;
                k++;
                break;
            }
        for (size_t i = v0; i < v1; i++) {
            all[k] = vi.p[i];
            idx[k] = k;
            k++;
        }
        /* Streets (urban townships) have town roads (tertiary); villages unclassified lanes. */
        int town = k > 0 && all[0].urban && strcmp(all[0].code, vi.p[v0].parent) == 0;
        spanning_tree(&g, seed, all, idx, k, town ? 2 : 3, &nroads);
        /* short loops: each village to its nearest non-neighbour within 3 km, tertiary when
         * it touches the seat */
        for (size_t i = 0; i < k; i++) {
            size_t bj = k;
            double bd = 3000;
            for (size_t j = i + 1; j < k; j++) {
                double d = acc_haversine_m(all[i].lon, all[i].lat, all[j].lon, all[j].lat);
                if (d < bd && lattice(seed ^ 0x55, (int64_t)all[i].node, (int64_t)all[j].node) < 0.35) {
                    bd = d;
                    bj = j;
                }
            }
            if (bj < k)
                road(&g, seed, all[i].node, all[bj].node, i == 0 ? 2 : 3, &nroads);
        }
        free(all);
        v0 = v1;
    }
    /* township seats of each county (parent of a township is its county) */
    size_t t0 = 0;
    gpt *seats = hss_xmalloc((tw.n + 1) * sizeof *seats);
    size_t nseats = 0;
    while (t0 < tw.n) {
        size_t t1 = t0;
        while (t1 < tw.n && strcmp(tw.p[t1].parent, tw.p[t0].parent) == 0)
            t1++;
        size_t k = 0, seat = t0;
        for (size_t i = t0; i < t1; i++) {
            idx[k++] = i;
            if (tw.p[i].urban && !tw.p[seat].urban)
                seat = i;
        }
        spanning_tree(&g, seed, tw.p, idx, k, 1, &nroads);
        /* County roads also radiate from the county seat: a tree alone sends an ambulance
         * through every township in between. Seats within 30 km get a direct secondary road. */
        for (size_t i = t0; i < t1; i++)
            if (i != seat && acc_haversine_m(tw.p[i].lon, tw.p[i].lat, tw.p[seat].lon, tw.p[seat].lat) < 30000)
                road(&g, seed, tw.p[i].node, tw.p[seat].node, 1, &nroads);
        seats[nseats++] = tw.p[seat];
        t0 = t1;
    }
    /* county seats */
    for (size_t i = 0; i < nseats; i++)
        idx[i] = i;
    spanning_tree(&g, seed, seats, idx, nseats, 0, &nroads);
    /* townships without any township point: their villages form their own trees; join each
     * such tree to the nearest other point so that the network is one piece */
    for (size_t i = 0; i < vi.n; i++) {
        int has_seat = 0;
        for (size_t j = 0; j < tw.n && !has_seat; j++)
            has_seat = strcmp(tw.p[j].code, vi.p[i].parent) == 0;
        if (has_seat || (i > 0 && strcmp(vi.p[i - 1].parent, vi.p[i].parent) == 0))
            continue;
        double bd = INFINITY;
        uint32_t bn = UINT32_MAX;
        for (size_t j = 0; j < tw.n; j++) {
            double d = acc_haversine_m(vi.p[i].lon, vi.p[i].lat, tw.p[j].lon, tw.p[j].lat);
            if (d < bd) {
                bd = d;
                bn = tw.p[j].node;
            }
        }
        for (size_t j = 0; j < vi.n && tw.n == 0; j++) {
            if (strcmp(vi.p[j].parent, vi.p[i].parent) == 0)
                continue;
            double d = acc_haversine_m(vi.p[i].lon, vi.p[i].lat, vi.p[j].lon, vi.p[j].lat);
            if (d < bd) {
                bd = d;
                bn = vi.p[j].node;
            }
        }
        if (bn != UINT32_MAX)
            road(&g, seed, vi.p[i].node, bn, 2, &nroads);
    }
    free(seats);
    free(idx);
    stats->ways = nroads;
    acc_net_largest_scc(&g, stats);
    char src[64];
    snprintf(src, sizeof src, "generated (seed %llu)", (unsigned long long)seed);
    if (g.m == 0)
        rc = hss_fail(err, HSS_EINVAL, "no road could be generated over the stored points");
    else
        rc = acc_store_network(st, &g, src, 1, stats, err);
    acc_net_free(&g);
out_pts:
    gpts_free(&tw);
    gpts_free(&vi);
    return rc;
}

hss_code hss_access_generate_roads(hss_store *st, uint64_t seed, hss_error *err)
{
    return hss_access_generate_roads_ex(st, seed, NULL, err);
}
