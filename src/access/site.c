/*
 * site.c: `hss site` as a library call. Builds a siting instance from the stored region:
 * demands are the population points, existing facilities of the type stay fixed, candidates
 * are village and township points (or a CSV of code,lon,lat[,name]) snapped to the network.
 * One bounded Dijkstra per candidate finds the demands it reaches; the solvers in
 * site_solve.c choose the sites.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access/access_int.h"
#include "model/model.h"

static hss_code load_candidates(hss_store *st, acc_ctx *cx, const hss_site_opts *o, acc_points *out,
                                hss_error *err)
{
    memset(out, 0, sizeof *out);
    if (o->candidates) {
        hss_csv *csv = hss_csv_open_file(o->candidates, err);
        if (!csv)
            return err ? err->code : HSS_EIO;
        static const char *const req[] = {"code", "lon", "lat", NULL};
        hss_code rc = hss_csv_read_header(csv, err);
        if (!rc)
            rc = hss_csv_require(csv, req, err);
        if (!cx->grid)
            cx->grid = acc_grid_build(&cx->net, 500);
        while (!rc) {
            int more = hss_csv_next(csv, err);
            if (more < 0) {
                rc = err ? err->code : HSS_EINVAL;
                break;
            }
            if (!more)
                break;
            double lon, lat;
            const char *ls = hss_csv_get(csv, "lon"), *as = hss_csv_get(csv, "lat");
            if (hss_parse_double(ls, &lon) || lon < -180 || lon > 180) {
                rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column lon: '%s' is not a longitude", o->candidates,
                              hss_csv_line(csv), ls);
                break;
            }
            if (hss_parse_double(as, &lat) || lat < -90 || lat > 90) {
                rc = hss_fail(err, HSS_EINVAL, "%s:%zu: column lat: '%s' is not a latitude", o->candidates,
                              hss_csv_line(csv), as);
                break;
            }
            if (out->n == out->cap) {
                out->cap = out->cap ? out->cap * 2 : 64;
                out->p = hss_xrealloc(out->p, out->cap * sizeof *out->p);
            }
            acc_point *p = &out->p[out->n++];
            memset(p, 0, sizeof *p);
            p->code = hss_xstrdup(hss_csv_get(csv, "code"));
            const char *nm = hss_csv_get(csv, "name");
            p->name = hss_xstrdup(nm ? nm : "");
            p->lon = lon;
            p->lat = lat;
            for (int m = 0; m < 2; m++)
                acc_grid_nearest(cx->grid, &cx->net, (hss_mode)m, lon, lat, cx->snap_max_m, &p->snap[m]);
        }
        hss_csv_close(csv);
        return rc;
    }
    char prefix[32] = "";
    if (o->under && *o->under) {
        /* same prefix rule as the population points */
        int lvl = -1;
        hss_stmt *s = hss_store_prepare(st, "SELECT level FROM area WHERE code=?", err);
        if (!s)
            return HSS_EDB;
        hss_store_bind_copy(s, 1, o->under);
        if (hss_store_step(s) == HSS_ROW)
            lvl = hss_model_find(HSS_VOCAB_LEVEL, hss_store_col_text(s, 0));
        hss_store_finalize(s);
        int plen = lvl >= 0 ? hss_level_prefix_len(lvl) : (int)strlen(o->under);
        snprintf(prefix, sizeof prefix, "%.*s%%", plen, o->under);
    }
    hss_stmt *s = hss_store_prepare(st,
        "SELECT a.code, a.name, a.lon, a.lat, s.edge_id, s.frac, s.distance_m, s.flagged,"
        "       w.edge_id, w.frac, w.distance_m, w.flagged"
        " FROM area a JOIN road_snap s ON s.kind='area' AND s.code=a.code AND s.mode='drive'"
        " JOIN road_snap w ON w.kind='area' AND w.code=a.code AND w.mode='walk'"
        " WHERE a.level IN ('township','village') AND (?1='' OR a.code LIKE ?1) ORDER BY a.code", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_copy(s, 1, prefix);
    while (hss_store_step(s) == HSS_ROW) {
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 64;
            out->p = hss_xrealloc(out->p, out->cap * sizeof *out->p);
        }
        acc_point *p = &out->p[out->n++];
        memset(p, 0, sizeof *p);
        p->code = hss_xstrdup(hss_store_col_text(s, 0));
        p->name = hss_xstrdup(hss_store_col_text(s, 1));
        p->lon = hss_store_col_double(s, 2);
        p->lat = hss_store_col_double(s, 3);
        acc_read_snap(s, 4, &p->snap[HSS_MODE_DRIVE]);
        acc_read_snap(s, 8, &p->snap[HSS_MODE_WALK]);
    }
    hss_store_finalize(s);
    return HSS_OK;
}

/* Candidate -> demand reach lists in CSR form (cost in minutes within `bound_min`). */
typedef struct {
    size_t *off;
    uint32_t *cov;
    double *cost;
} reach;

static void build_reach(acc_ctx *cx, const acc_points *cand, hss_mode mode, acc_dir dir, double bound_min,
                        reach *r)
{
    const acc_net *g = &cx->net;
    const acc_csr *c = acc_ctx_csr(cx, mode, ACC_COST_TIME, dir);
    /* node -> demands on an incident edge */
    uint32_t *noff = hss_xcalloc((size_t)g->n + 2, sizeof *noff);
    for (size_t i = 0; i < cx->pop.n; i++) {
        const acc_snap *sn = &cx->pop.p[i].snap[mode];
        if (sn->edge < 0 || sn->flagged)
            continue;
        noff[g->eu[sn->edge] + 1]++;
        noff[g->ev[sn->edge] + 1]++;
    }
    for (uint32_t v = 0; v < g->n; v++)
        noff[v + 1] += noff[v];
    uint32_t *nd = hss_xmalloc(((size_t)noff[g->n] + 1) * sizeof *nd);
    uint32_t *pos = hss_xmalloc(((size_t)g->n + 1) * sizeof *pos);
    memcpy(pos, noff, (size_t)g->n * sizeof *pos);
    for (size_t i = 0; i < cx->pop.n; i++) {
        const acc_snap *sn = &cx->pop.p[i].snap[mode];
        if (sn->edge < 0 || sn->flagged)
            continue;
        nd[pos[g->eu[sn->edge]]++] = (uint32_t)i;
        nd[pos[g->ev[sn->edge]]++] = (uint32_t)i;
    }
    free(pos);
    uint32_t *stamp = hss_xcalloc(cx->pop.n + 1, sizeof *stamp);
    hss_vec cov, cost;
    hss_vec_init(&cov, sizeof(uint32_t));
    hss_vec_init(&cost, sizeof(double));
    r->off = hss_xmalloc((cand->n + 1) * sizeof *r->off);
    r->off[0] = 0;
    for (size_t j = 0; j < cand->n; j++) {
        size_t one = j;
        acc_sources src;
        acc_sources_build(&src, g, mode, ACC_COST_TIME, dir, cand->p, &one, 1);
        double *dist;
        uint32_t *touched;
        size_t nt = acc_dijkstra_sparse(cx->dij, c, src.seeds, src.ns, bound_min * 60.0, &dist, &touched);
        for (size_t k = 0; k < nt; k++) {
            uint32_t v = touched[k];
            for (uint32_t q = noff[v]; q < noff[v + 1]; q++) {
                uint32_t i = nd[q];
                if (stamp[i] == j + 1)
                    continue;
                stamp[i] = (uint32_t)(j + 1);
                int32_t lab;
                double a = acc_arrival(g, mode, ACC_COST_TIME, dist, acc_dij_labels(cx->dij), &cx->pop.p[i], &src, &lab);
                if (a <= bound_min * 60.0) {
                    *(uint32_t *)hss_vec_push(&cov) = i;
                    *(double *)hss_vec_push(&cost) = a / 60.0;
                }
            }
        }
        /* demands on the candidate's own edge, even when a long edge keeps both ends beyond
         * the bound */
        const acc_snap *cs = &cand->p[j].snap[mode];
        if (cs->edge >= 0 && !cs->flagged) {
            uint32_t ends[2] = {g->eu[cs->edge], g->ev[cs->edge]};
            for (int e = 0; e < 2; e++)
                for (uint32_t q = noff[ends[e]]; q < noff[ends[e] + 1]; q++) {
                    uint32_t i = nd[q];
                    if (stamp[i] == j + 1 || cx->pop.p[i].snap[mode].edge != cs->edge)
                        continue;
                    stamp[i] = (uint32_t)(j + 1);
                    int32_t lab;
                    double a = acc_arrival(g, mode, ACC_COST_TIME, dist, acc_dij_labels(cx->dij), &cx->pop.p[i], &src, &lab);
                    if (a <= bound_min * 60.0) {
                        *(uint32_t *)hss_vec_push(&cov) = i;
                        *(double *)hss_vec_push(&cost) = a / 60.0;
                    }
                }
        }
        r->off[j + 1] = cov.len;
        acc_sources_free(&src);
    }
    r->cov = cov.items;
    r->cost = cost.items;
    if (!r->cov) {
        r->cov = hss_xmalloc(sizeof *r->cov);
        r->cost = hss_xmalloc(sizeof *r->cost);
    }
    free(stamp);
    free(noff);
    free(nd);
}

hss_code hss_access_site(hss_store *st, const hss_site_opts *o, hss_table **sites,
                         hss_table **summary, hss_error *err)
{
    if (!o->type || hss_model_find(HSS_VOCAB_FACILITY_TYPE, o->type) < 0)
        return hss_fail(err, HSS_EINVAL, "--type: '%s' is not a facility type", o->type ? o->type : "");
    if (o->add < 1)
        return hss_fail(err, HSS_EINVAL, "--add: give the number of new sites (1 or more)");
    double minutes = o->minutes > 0 ? o->minutes : 15;
    acc_ctx cx;
    hss_code rc = acc_ctx_load(st, o->under, &cx, err);
    if (rc) {
        acc_ctx_free(&cx);
        return rc;
    }
    acc_points cand;
    rc = load_candidates(st, &cx, o, &cand, err);
    if (rc) {
        acc_points_free(&cand);
        acc_ctx_free(&cx);
        return rc;
    }
    if (cand.n == 0) {
        acc_points_free(&cand);
        acc_ctx_free(&cx);
        return hss_fail(err, HSS_ENOTFOUND, "no candidate sites (no village or township points in scope)");
    }
    size_t nd = cx.pop.n;
    double *base_cost = hss_xmalloc((nd + 1) * sizeof *base_cost);
    int32_t *near = hss_xmalloc((nd + 1) * sizeof *near);
    char *types[1] = {(char *)o->type};
    acc_dir dir = acc_types_dir(types, 1);
    acc_nearest(&cx, types, 1, o->mode, ACC_COST_TIME, dir, base_cost, near, NULL);
    uint8_t *base = hss_xmalloc(nd + 1);
    double *w = hss_xmalloc((nd + 1) * sizeof *w);
    double penalty = o->objective == HSS_SITE_PMEDIAN ? (minutes * 4 > 120 ? minutes * 4 : 120) : minutes;
    for (size_t i = 0; i < nd; i++) {
        base[i] = base_cost[i] <= minutes;
        w[i] = (double)cx.pop.p[i].pop;
    }
    reach rch;
    build_reach(&cx, &cand, o->mode, dir, penalty, &rch);
    /* for covering, keep only the demands within the minutes */
    size_t *coff = hss_xmalloc((cand.n + 1) * sizeof *coff);
    uint32_t *ccov = hss_xmalloc((rch.off[cand.n] + 1) * sizeof *ccov);
    coff[0] = 0;
    for (size_t j = 0; j < cand.n; j++) {
        size_t k = coff[j];
        for (size_t q = rch.off[j]; q < rch.off[j + 1]; q++)
            if (rch.cost[q] <= minutes)
                ccov[k++] = rch.cov[q];
        coff[j + 1] = k;
    }
    acc_site_inst in = {nd, cand.n, w, base, base_cost, coff, ccov, NULL, penalty, (double)o->capacity};
    size_t k = o->add < cand.n ? o->add : cand.n;
    uint32_t *chosen = hss_xmalloc((k + 1) * sizeof *chosen);
    double *gain = hss_xmalloc((k + 1) * sizeof *gain);
    if (o->objective == HSS_SITE_PMEDIAN) {
        acc_site_inst pm = {nd, cand.n, w, NULL, base_cost, rch.off, rch.cov, rch.cost, penalty, 0};
        acc_site_pmedian(&pm, k, chosen, gain);
    } else {
        acc_site_cover(&in, k, chosen, gain);
    }
    /* report: residents newly covered by each (in rank order), before/after */
    hss_table *t = hss_table_new();
    size_t c_rank = hss_table_add_col(t, "rank", "序 rank", HSS_COL_INT);
    size_t c_code = hss_table_add_col(t, "code", "地点 code", HSS_COL_TEXT);
    size_t c_name = hss_table_add_col(t, "name", "名称 name", HSS_COL_TEXT);
    size_t c_lon = hss_table_add_col(t, "lon", "经度 lon", HSS_COL_REAL);
    size_t c_lat = hss_table_add_col(t, "lat", "纬度 lat", HSS_COL_REAL);
    size_t c_new = hss_table_add_col(t, "newly_covered", "新增覆盖人口 newly covered", HSS_COL_INT);
    size_t c_gain = hss_table_add_col(t, "gain", "目标增益 objective gain", HSS_COL_REAL);
    uint8_t *cov_now = hss_xmalloc(nd + 1);
    double *cur = hss_xmalloc((nd + 1) * sizeof *cur);
    int64_t res = 0, before = 0;
    double sum_before = 0, sum_after = 0;
    int64_t reach_before = 0, reach_after = 0;
    for (size_t i = 0; i < nd; i++) {
        cov_now[i] = base[i];
        cur[i] = base_cost[i];
        res += cx.pop.p[i].pop;
        before += base[i] ? cx.pop.p[i].pop : 0;
        if (base_cost[i] < INFINITY) {
            sum_before += base_cost[i] * (double)cx.pop.p[i].pop;
            reach_before += cx.pop.p[i].pop;
        }
    }
    int64_t after = before;
    for (size_t r = 0; r < k; r++) {
        uint32_t j = chosen[r];
        int64_t newly = 0;
        for (size_t q = rch.off[j]; q < rch.off[j + 1]; q++) {
            uint32_t i = rch.cov[q];
            if (rch.cost[q] <= minutes && !cov_now[i]) {
                cov_now[i] = 1;
                newly += cx.pop.p[i].pop;
            }
            if (rch.cost[q] < cur[i])
                cur[i] = rch.cost[q];
        }
        if (o->capacity > 0 && newly > o->capacity)
            newly = o->capacity;
        after += newly;
        hss_table_add_row(t);
        hss_table_set_int(t, c_rank, (long long)r + 1);
        hss_table_set_text(t, c_code, cand.p[j].code);
        hss_table_set_text(t, c_name, cand.p[j].name);
        hss_table_set_real(t, c_lon, cand.p[j].lon, 6);
        hss_table_set_real(t, c_lat, cand.p[j].lat, 6);
        hss_table_set_int(t, c_new, newly);
        hss_table_set_real(t, c_gain, gain[r], 2);
    }
    for (size_t i = 0; i < nd; i++)
        if (cur[i] < INFINITY) {
            sum_after += cur[i] * (double)cx.pop.p[i].pop;
            reach_after += cx.pop.p[i].pop;
        }
    if (summary) {
        hss_table *s = hss_table_new();
        size_t a = hss_table_add_col(s, "residents", "常住人口 residents", HSS_COL_INT);
        size_t b = hss_table_add_col(s, "covered_before", "原覆盖 covered before", HSS_COL_INT);
        size_t c = hss_table_add_col(s, "covered_after", "新覆盖 covered after", HSS_COL_INT);
        size_t d = hss_table_add_col(s, "share_before", "原覆盖率 share before", HSS_COL_REAL);
        size_t e = hss_table_add_col(s, "share_after", "新覆盖率 share after", HSS_COL_REAL);
        size_t f = hss_table_add_col(s, "mean_minutes_before", "原平均分钟 mean before", HSS_COL_REAL);
        size_t g = hss_table_add_col(s, "mean_minutes_after", "新平均分钟 mean after", HSS_COL_REAL);
        size_t h = hss_table_add_col(s, "minutes", "服务圈分钟 minutes", HSS_COL_REAL);
        size_t ci = hss_table_add_col(s, "candidates", "候选点 candidates", HSS_COL_INT);
        hss_table_add_row(s);
        hss_table_set_int(s, a, res);
        hss_table_set_int(s, b, before);
        hss_table_set_int(s, c, after);
        if (res > 0) {
            hss_table_set_real(s, d, (double)before / (double)res, 4);
            hss_table_set_real(s, e, (double)after / (double)res, 4);
        }
        if (reach_before > 0)
            hss_table_set_real(s, f, sum_before / (double)reach_before, 2);
        if (reach_after > 0)
            hss_table_set_real(s, g, sum_after / (double)reach_after, 2);
        hss_table_set_real(s, h, minutes, 1);
        hss_table_set_int(s, ci, (long long)cand.n);
        *summary = s;
    }
    *sites = t;
    free(cov_now);
    free(cur);
    free(chosen);
    free(gain);
    free(coff);
    free(ccov);
    free(rch.off);
    free(rch.cov);
    free(rch.cost);
    free(base);
    free(w);
    free(base_cost);
    free(near);
    acc_points_free(&cand);
    acc_ctx_free(&cx);
    return HSS_OK;
}
