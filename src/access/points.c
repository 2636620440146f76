/*
 * points.c: the places a query starts from and arrives at. Loads the population points
 * (villages, and townships that have no villages with residents) and the facilities, snaps
 * them to the network (kept in road_snap; re-snapped when the stored data changed), turns a
 * set of facilities into Dijkstra seeds on the ends of their edges, and reads the arrival cost
 * at a point from a finished run, including a source on the same edge.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "access/access_int.h"
#include "model/model.h"

#define EPS_T 1e-9

void acc_points_free(acc_points *ps)
{
    for (size_t i = 0; i < ps->n; i++) {
        free(ps->p[i].code);
        free(ps->p[i].name);
        free(ps->p[i].type);
        free(ps->p[i].area);
    }
    free(ps->p);
    memset(ps, 0, sizeof *ps);
}

static acc_point *points_push(acc_points *ps)
{
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 256;
        ps->p = hss_xrealloc(ps->p, ps->cap * sizeof *ps->p);
    }
    acc_point *p = &ps->p[ps->n++];
    memset(p, 0, sizeof *p);
    for (int m = 0; m < 2; m++) {
        p->snap[m].edge = -1;
        p->snap[m].flagged = 1;
        p->snap[m].dist_m = INFINITY;
    }
    return p;
}

static char *col_text(hss_stmt *s, int i)
{
    const char *t = hss_store_col_text(s, i);
    return hss_xstrdup(t ? (const char *)t : "");
}

static double snap_threshold(hss_store *st)
{
    char *v = hss_store_meta_get(st, "access.snap_max_m");
    double x = 0;
    if (!v || hss_parse_double(v, &x) != 0 || !(x > 0))
        x = HSS_ACCESS_SNAP_MAX_M;
    free(v);
    return x;
}

hss_code hss_access_snap(hss_store *st, double max_m, hss_roads_stats *stats, hss_error *err)
{
    acc_net g;
    hss_code rc = acc_net_load(st, &g, err);
    if (rc) {
        acc_net_free(&g);
        return rc;
    }
    char buf[64];
    if (max_m > 0) {
        snprintf(buf, sizeof buf, "%.17g", max_m);
        if ((rc = hss_store_meta_set(st, "access.snap_max_m", buf, err)))
            goto out;
    } else {
        max_m = snap_threshold(st);
    }
    acc_grid *gr = acc_grid_build(&g, 500);
    if ((rc = hss_store_exec(st, "DELETE FROM road_snap", err)))
        goto out_grid;
    static const char *const q[2] = {
        "SELECT code, lon, lat FROM area WHERE lon IS NOT NULL AND lat IS NOT NULL",
        "SELECT code, lon, lat FROM facility WHERE lon IS NOT NULL AND lat IS NOT NULL"};
    static const char *const kind[2] = {"area", "facility"};
    hss_stmt *ins = hss_store_prepare(st, "INSERT INTO road_snap(kind,code,mode,edge_id,frac,distance_m,flagged)"
                                              " VALUES(?,?,?,?,?,?,?)", err);
    if (!ins) {
        rc = HSS_EDB;
        goto out_grid;
    }
    for (int k = 0; k < 2 && !rc; k++) {
        hss_stmt *s = hss_store_prepare(st, q[k], err);
        if (!s) {
            rc = HSS_EDB;
            break;
        }
        while (hss_store_step(s) == HSS_ROW && !rc) {
            for (int m = 0; m < 2; m++) {
                acc_snap sn;
                acc_grid_nearest(gr, &g, (hss_mode)m, hss_store_col_double(s, 1), hss_store_col_double(s, 2), max_m,
                                 &sn);
                hss_store_bind_text(ins, 1, kind[k]);
                hss_store_bind_copy(ins, 2, hss_store_col_text(s, 0));
                hss_store_bind_text(ins, 3, m == HSS_MODE_WALK ? "walk" : "drive");
                if (sn.edge >= 0) {
                    hss_store_bind_int64(ins, 4, sn.edge);
                    hss_store_bind_double(ins, 5, sn.t);
                    hss_store_bind_double(ins, 6, sn.dist_m);
                } else {
                    hss_store_bind_null(ins, 4);
                    hss_store_bind_null(ins, 5);
                    hss_store_bind_null(ins, 6);
                }
                hss_store_bind_int(ins, 7, sn.flagged);
                if (hss_store_step(ins) != HSS_DONE) {
                    rc = hss_store_error(st, err, "storing snapping results");
                    break;
                }
                hss_store_reset(ins);
                if (stats && m == HSS_MODE_DRIVE) {
                    stats->snapped++;
                    stats->snap_flagged += sn.flagged;
                }
            }
        }
        hss_store_finalize(s);
    }
    hss_store_finalize(ins);
    if (!rc) {
        snprintf(buf, sizeof buf, "%lld", (long long)hss_store_data_version(st));
        rc = hss_store_meta_set(st, "access.snap_version", buf, err);
    }
out_grid:
    acc_grid_free(gr);
out:
    acc_net_free(&g);
    return rc;
}

/* Re-snaps in its own transaction when the stored snaps are older than the data. */
static int snaps_fresh(hss_store *st)
{
    char *v = hss_store_meta_get(st, "access.snap_version");
    char now[32];
    snprintf(now, sizeof now, "%lld", (long long)hss_store_data_version(st));
    int fresh = v && strcmp(v, now) == 0;
    free(v);
    return fresh;
}

/* Re-snaps the points after the data changed. A server's readers may all find the snaps stale at
 * once: they take turns on this lock instead of racing for SQLite's write lock (where the loser
 * would wait out the busy timeout while the winner snaps a whole city), and whoever comes second
 * finds the work done. */
static pthread_mutex_t snap_lock = PTHREAD_MUTEX_INITIALIZER;

static hss_code ensure_snaps(hss_store *st, hss_error *err)
{
    if (snaps_fresh(st))
        return HSS_OK;
    if (hss_store_autocommit(st) == 0)
        return hss_access_snap(st, 0, NULL, err);
    pthread_mutex_lock(&snap_lock);
    hss_code rc = hss_store_begin(st, err);
    if (rc == HSS_OK && !snaps_fresh(st)) {
        rc = hss_access_snap(st, 0, NULL, err);
        if (rc)
            hss_store_rollback(st);
    }
    if (rc == HSS_OK)
        rc = hss_store_commit(st, err);
    pthread_mutex_unlock(&snap_lock);
    return rc;
}

/* Reads a snap from columns c .. c+3 (edge_id, frac, distance_m, flagged). */
void acc_read_snap(hss_stmt *s, int c, acc_snap *sn)
{
    if (hss_store_col_is_null(s, c)) {
        sn->edge = -1;
        sn->t = 0;
        sn->flagged = 1;
        sn->dist_m = hss_store_col_is_null(s, c + 2) ? INFINITY : hss_store_col_double(s, c + 2);
        return;
    }
    sn->edge = hss_store_col_int64(s, c);
    sn->t = hss_store_col_double(s, c + 1);
    sn->dist_m = hss_store_col_double(s, c + 2);
    sn->flagged = hss_store_col_int(s, c + 3);
}

hss_code acc_ctx_load(hss_store *st, const char *under, acc_ctx *cx, hss_error *err)
{
    memset(cx, 0, sizeof *cx);
    hss_code rc = acc_net_load(st, &cx->net, err);
    if (rc)
        return rc;
    return acc_points_load(st, under, &cx->pop, &cx->fac, &cx->snap_max_m, err);
}

hss_code acc_points_load(hss_store *st, const char *under, acc_points *pop, acc_points *fac,
                         double *snap_max_m, hss_error *err)
{
    hss_code rc;
    char prefix[32] = "";
    if (under && *under) {
        hss_stmt *s = hss_store_prepare(st, "SELECT level FROM area WHERE code=?", err);
        if (!s)
            return HSS_EDB;
        hss_store_bind_copy(s, 1, under);
        int lvl = -1;
        if (hss_store_step(s) == HSS_ROW)
            lvl = hss_model_find(HSS_VOCAB_LEVEL, hss_store_col_text(s, 0));
        hss_store_finalize(s);
        if (lvl < 0)
            return hss_fail(err, HSS_ENOTFOUND, "area '%s' is not stored", under);
        int plen = hss_level_prefix_len(lvl);
        if (plen <= 0 || (size_t)plen > strlen(under) || plen > 20)
            plen = (int)strlen(under);
        snprintf(prefix, sizeof prefix, "%.*s%%", plen, under);
    }
    if ((rc = ensure_snaps(st, err)))
        return rc;
    *snap_max_m = snap_threshold(st);
    hss_stmt *s = hss_store_prepare(st,
        "SELECT a.code, a.name, a.level, a.kind, a.population, a.lon, a.lat,"
        "       s.edge_id, s.frac, s.distance_m, s.flagged, w.edge_id, w.frac, w.distance_m, w.flagged"
        " FROM area a LEFT JOIN road_snap s ON s.kind='area' AND s.code=a.code AND s.mode='drive'"
        " LEFT JOIN road_snap w ON w.kind='area' AND w.code=a.code AND w.mode='walk'"
        " WHERE a.level IN ('township','village') AND a.population IS NOT NULL"
        "   AND a.lon IS NOT NULL AND a.lat IS NOT NULL"
        "   AND NOT EXISTS (SELECT 1 FROM area c WHERE c.parent_code=a.code AND c.population IS NOT NULL)"
        "   AND (?1 = '' OR a.code LIKE ?1)"
        " ORDER BY a.code", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_copy(s, 1, prefix);
    while (hss_store_step(s) == HSS_ROW) {
        acc_point *p = points_push(pop);
        p->code = col_text(s, 0);
        p->name = col_text(s, 1);
        p->type = col_text(s, 2);
        p->rural = strcmp(hss_store_col_text(s, 3), "rural") == 0;
        p->pop = hss_store_col_int64(s, 4);
        p->lon = hss_store_col_double(s, 5);
        p->lat = hss_store_col_double(s, 6);
        acc_read_snap(s, 7, &p->snap[HSS_MODE_DRIVE]);
        acc_read_snap(s, 11, &p->snap[HSS_MODE_WALK]);
    }
    hss_store_finalize(s);
    s = hss_store_prepare(st,
        "SELECT f.code, f.name, f.type, f.lon, f.lat, f.medcom_lead, f.sub_centre,"
        "       s.edge_id, s.frac, s.distance_m, s.flagged, f.area_code, w.edge_id, w.frac, w.distance_m, w.flagged"
        " FROM facility f LEFT JOIN road_snap s ON s.kind='facility' AND s.code=f.code AND s.mode='drive'"
        " LEFT JOIN road_snap w ON w.kind='facility' AND w.code=f.code AND w.mode='walk'"
        " WHERE f.lon IS NOT NULL AND f.lat IS NOT NULL ORDER BY f.code", err);
    if (!s)
        return HSS_EDB;
    while (hss_store_step(s) == HSS_ROW) {
        acc_point *p = points_push(fac);
        p->code = col_text(s, 0);
        p->name = col_text(s, 1);
        p->type = col_text(s, 2);
        p->lon = hss_store_col_double(s, 3);
        p->lat = hss_store_col_double(s, 4);
        p->flags = (hss_store_col_int(s, 5) ? 1 : 0) | (hss_store_col_int(s, 6) ? 2 : 0);
        acc_read_snap(s, 7, &p->snap[HSS_MODE_DRIVE]);
        acc_read_snap(s, 12, &p->snap[HSS_MODE_WALK]);
        p->area = col_text(s, 11);
    }
    hss_store_finalize(s);
    return HSS_OK;
}

void acc_ctx_free(acc_ctx *cx)
{
    acc_net_free(&cx->net);
    acc_grid_free(cx->grid);
    acc_points_free(&cx->pop);
    acc_points_free(&cx->fac);
    for (int m = 0; m < 2; m++)
        for (int c = 0; c < 2; c++)
            for (int d = 0; d < 2; d++)
                if (cx->have_csr[m][c][d])
                    acc_csr_free(&cx->csr[m][c][d]);
    acc_dij_free(cx->dij);
    memset(cx, 0, sizeof *cx);
}

const acc_csr *acc_ctx_csr(acc_ctx *cx, hss_mode mode, acc_cost cost, acc_dir dir)
{
    if (!cx->have_csr[mode][cost][dir]) {
        acc_csr_build(&cx->csr[mode][cost][dir], &cx->net, mode, cost, dir == ACC_INBOUND);
        cx->have_csr[mode][cost][dir] = 1;
    }
    if (!cx->dij)
        cx->dij = acc_dij_new(cx->net.n);
    return &cx->csr[mode][cost][dir];
}

acc_dir acc_types_dir(char **types, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(types[i], "ems_station") != 0 && strcmp(types[i], "ems_center") != 0)
            return ACC_INBOUND;
    return n ? ACC_OUTBOUND : ACC_INBOUND;
}

/* Direction flags as a trip of `dir` sees them: an inbound search runs against the edges, so
 * "forward" is the edge's backward direction and vice versa. */
static int dir_fwd(const acc_net *g, size_t e, hss_mode mode, acc_dir dir)
{
    return dir == ACC_INBOUND ? acc_edge_bwd(g, e, mode) : acc_edge_fwd(g, e, mode);
}

static int dir_bwd(const acc_net *g, size_t e, hss_mode mode, acc_dir dir)
{
    return dir == ACC_INBOUND ? acc_edge_fwd(g, e, mode) : acc_edge_bwd(g, e, mode);
}

typedef struct {
    int64_t edge;
    double t;
    int32_t lab;
} src_item;

static int cmp_src(const void *a, const void *b)
{
    const src_item *x = a, *y = b;
    if (x->edge != y->edge)
        return x->edge < y->edge ? -1 : 1;
    return x->lab < y->lab ? -1 : x->lab > y->lab;
}

void acc_sources_build(acc_sources *s, const acc_net *g, hss_mode mode, acc_cost cost, acc_dir dir,
                       const acc_point *pts, const size_t *which, size_t nwhich)
{
    memset(s, 0, sizeof *s);
    s->dir = dir;
    s->seeds = hss_xmalloc((nwhich * 2 + 1) * sizeof *s->seeds);
    src_item *items = hss_xmalloc((nwhich + 1) * sizeof *items);
    for (size_t k = 0; k < nwhich; k++) {
        const acc_snap *sn = &pts[which[k]].snap[mode];
        if (sn->edge < 0 || sn->flagged || (size_t)sn->edge >= g->m)
            continue;
        size_t e = (size_t)sn->edge;
        double c = acc_edge_cost(g, e, mode, cost), t = sn->t;
        int32_t lab = (int32_t)k;
        if (t <= EPS_T)
            s->seeds[s->ns++] = (acc_seed){g->eu[e], 0, lab};
        else if (t >= 1 - EPS_T)
            s->seeds[s->ns++] = (acc_seed){g->ev[e], 0, lab};
        if (t > EPS_T && t < 1 - EPS_T) {
            if (dir_fwd(g, e, mode, dir))
                s->seeds[s->ns++] = (acc_seed){g->ev[e], (1 - t) * c, lab};
            if (dir_bwd(g, e, mode, dir))
                s->seeds[s->ns++] = (acc_seed){g->eu[e], t * c, lab};
        }
        items[s->n++] = (src_item){(int64_t)e, t, lab};
    }
    qsort(items, s->n, sizeof *items, cmp_src);
    s->edge = hss_xmalloc((s->n + 1) * sizeof *s->edge);
    s->t = hss_xmalloc((s->n + 1) * sizeof *s->t);
    s->lab = hss_xmalloc((s->n + 1) * sizeof *s->lab);
    for (size_t i = 0; i < s->n; i++) {
        s->edge[i] = items[i].edge;
        s->t[i] = items[i].t;
        s->lab[i] = items[i].lab;
    }
    free(items);
}

void acc_sources_free(acc_sources *s)
{
    free(s->seeds);
    free(s->edge);
    free(s->t);
    free(s->lab);
    memset(s, 0, sizeof *s);
}

static void take(double c, int32_t l, double *best, int32_t *bl)
{
    if (l < 0 || !(c < INFINITY))
        return;
    if (c < *best || (c == *best && l < *bl)) {
        *best = c;
        *bl = l;
    }
}

double acc_arrival(const acc_net *g, hss_mode mode, acc_cost cost, const double *dist,
                   const int32_t *label, const acc_point *pt, const acc_sources *s, int32_t *lab)
{
    double best = INFINITY;
    int32_t bl = -1;
    const acc_snap *sn = &pt->snap[mode];
    if (sn->edge < 0 || sn->flagged || (size_t)sn->edge >= g->m) {
        *lab = -1;
        return INFINITY;
    }
    size_t e = (size_t)sn->edge;
    uint32_t u = g->eu[e], v = g->ev[e];
    double c = acc_edge_cost(g, e, mode, cost), t = sn->t;
    if (t <= EPS_T)
        take(dist[u], label[u], &best, &bl);
    if (t >= 1 - EPS_T)
        take(dist[v], label[v], &best, &bl);
    int fwd = dir_fwd(g, e, mode, s->dir), bwd = dir_bwd(g, e, mode, s->dir);
    if (fwd)
        take(dist[u] + t * c, label[u], &best, &bl);
    if (bwd)
        take(dist[v] + (1 - t) * c, label[v], &best, &bl);
    /* sources on the same edge */
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->edge[mid] < (int64_t)e)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < s->n && s->edge[i] == (int64_t)e; i++) {
        double ts = s->t[i];
        if (ts <= t && fwd)
            take((t - ts) * c, s->lab[i], &best, &bl);
        if (ts >= t && bwd)
            take((ts - t) * c, s->lab[i], &best, &bl);
    }
    *lab = bl;
    return best;
}

hss_code acc_types_parse(const char *types, char ***out, size_t *n, hss_error *err)
{
    *out = NULL;
    *n = 0;
    if (!types || !*types)
        return hss_fail(err, HSS_EINVAL, "--types: give one or more facility types, comma separated");
    char **v = NULL;
    size_t k = 0;
    const char *p = types;
    while (*p) {
        const char *q = strchr(p, ',');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        char *t = hss_xstrndup(p, len);
        if (hss_model_find(HSS_VOCAB_FACILITY_TYPE, t) < 0) {
            const char *sug = hss_model_suggest(HSS_VOCAB_FACILITY_TYPE, t);
            hss_fail(err, HSS_EINVAL, "facility type '%s' is not known%s%s%s", t, sug ? " (did you mean '" : "",
                     sug ? sug : "", sug ? "'?)" : "");
            free(t);
            acc_types_free(v, k);
            return HSS_EINVAL;
        }
        v = hss_xrealloc(v, (k + 1) * sizeof *v);
        v[k++] = t;
        p = q ? q + 1 : p + len;
    }
    *out = v;
    *n = k;
    return HSS_OK;
}

void acc_types_free(char **t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(t[i]);
    free(t);
}

hss_code acc_nearest(acc_ctx *cx, char **types, size_t ntypes, hss_mode mode, acc_cost cost,
                     acc_dir dir, double *cost_out, int32_t *nearest, size_t *nsources)
{
    size_t *which = hss_xmalloc((cx->fac.n + 1) * sizeof *which);
    size_t nw = 0;
    for (size_t i = 0; i < cx->fac.n; i++)
        for (size_t k = 0; k < ntypes; k++)
            if (strcmp(cx->fac.p[i].type, types[k]) == 0) {
                which[nw++] = i;
                break;
            }
    const acc_csr *c = acc_ctx_csr(cx, mode, cost, dir);
    acc_sources src;
    acc_sources_build(&src, &cx->net, mode, cost, dir, cx->fac.p, which, nw);
    if (nsources)
        *nsources = src.n;
    double *dist = hss_xmalloc(((size_t)cx->net.n + 1) * sizeof *dist);
    int32_t *label = hss_xmalloc(((size_t)cx->net.n + 1) * sizeof *label);
    acc_dijkstra(cx->dij, c, src.seeds, src.ns, INFINITY, dist, label);
    for (size_t i = 0; i < cx->pop.n; i++) {
        int32_t lab;
        double a = acc_arrival(&cx->net, mode, cost, dist, label, &cx->pop.p[i], &src, &lab);
        cost_out[i] = cost == ACC_COST_TIME ? a / 60.0 : a;
        nearest[i] = lab >= 0 ? (int32_t)which[lab] : -1;
    }
    free(dist);
    free(label);
    free(which);
    acc_sources_free(&src);
    return HSS_OK;
}
