/*
 * coverage.c: the coverage measures the policy packs name and the CLI prints: residents within
 * N minutes of a facility type set (by area, per village, as GeoJSON), EMS response times
 * (dispatch + turnout + travel, mean and 90th percentile, urban and rural), the share within
 * the EMS service radius (network distance), and each county sub-centre's road distance from
 * the county medical centre.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access/access_int.h"
#include "model/model.h"

/* Per-population-point result of one query. */
typedef struct {
    acc_ctx cx;
    double *minutes;
    int32_t *nearest;
    size_t nsources;
} run_result;

static void run_free(run_result *r)
{
    acc_ctx_free(&r->cx);
    free(r->minutes);
    free(r->nearest);
}

static hss_code run_query(hss_store *st, const char *types, hss_mode mode, const char *under,
                          run_result *r, hss_error *err)
{
    memset(r, 0, sizeof *r);
    char **tv;
    size_t nt;
    hss_code rc = acc_types_parse(types, &tv, &nt, err);
    if (rc)
        return rc;
    rc = acc_ctx_load(st, under, &r->cx, err);
    if (rc) {
        acc_types_free(tv, nt);
        return rc;
    }
    r->minutes = hss_xmalloc((r->cx.pop.n + 1) * sizeof *r->minutes);
    r->nearest = hss_xmalloc((r->cx.pop.n + 1) * sizeof *r->nearest);
    rc = acc_nearest(&r->cx, tv, nt, mode, ACC_COST_TIME, acc_types_dir(tv, nt), r->minutes, r->nearest,
                     &r->nsources);
    acc_types_free(tv, nt);
    return rc;
}

/* For the tables: a query whose facilities are all missing or off the network is an error
 * that says so, rather than a table of zeros. */
static hss_code need_sources(const run_result *r, const hss_access_query *q, hss_error *err)
{
    if (r->nsources > 0)
        return HSS_OK;
    size_t stored = 0, off = 0;
    char **tv;
    size_t nt;
    if (acc_types_parse(q->types, &tv, &nt, NULL) == HSS_OK) {
        for (size_t i = 0; i < r->cx.fac.n; i++)
            for (size_t k = 0; k < nt; k++)
                if (strcmp(r->cx.fac.p[i].type, tv[k]) == 0) {
                    stored++;
                    off += r->cx.fac.p[i].snap[q->mode].flagged;
                    break;
                }
        acc_types_free(tv, nt);
    }
    if (stored == 0)
        return hss_fail(err, HSS_ENOTFOUND, "no facility of type %s with a location is stored", q->types);
    return hss_fail(err, HSS_ENOTFOUND,
                    "none of the %zu facilities of type %s can be reached: %zu are farther than %.0f m from any "
                    "%s road (see `hss roads flagged`; `hss roads snap --max-m` sets the threshold)",
                    stored, q->types, off, r->cx.snap_max_m, q->mode == HSS_MODE_WALK ? "walkable" : "drivable");
}

/* The query behind the tables and the map: on error r is already freed. */
static hss_code run_tables_query(hss_store *st, const hss_access_query *q, run_result *r,
                                 hss_error *err)
{
    hss_code rc = run_query(st, q->types, q->mode, q->under, r, err);
    if (!rc)
        rc = need_sources(r, q, err);
    if (rc)
        run_free(r);
    return rc;
}

/* Residents of the population points of cx and those whose cost (minutes or metres) to the
 * nearest facility is within the circle: urban points within urban, rural ones within rural. */
static void circle_share(const acc_ctx *cx, const double *cost, double urban, double rural,
                         int64_t *residents, int64_t *covered)
{
    int64_t res = 0, cov = 0;
    for (size_t i = 0; i < cx->pop.n; i++) {
        const acc_point *p = &cx->pop.p[i];
        res += p->pop;
        if (cost[i] <= (p->rural ? rural : urban))
            cov += p->pop;
    }
    *residents = res;
    *covered = cov;
}

/* Residents of the population points under area_code and those within the time circle of
 * the nearest facility: urban points within urban_minutes, rural ones within rural_minutes. */
static hss_code share_within(hss_store *st, const char *types, hss_mode mode, double urban_minutes,
                             double rural_minutes, const char *area_code, int64_t *residents,
                             int64_t *covered, hss_error *err)
{
    run_result r;
    hss_code rc = run_query(st, types, mode, area_code, &r, err);
    if (!rc)
        circle_share(&r.cx, r.minutes, urban_minutes, rural_minutes, residents, covered);
    run_free(&r);
    return rc;
}

hss_code hss_access_share_within_mode(hss_store *st, const char *types, double minutes,
                                      hss_mode mode, const char *area_code, int64_t *residents,
                                      int64_t *covered, hss_error *err)
{
    return share_within(st, types, mode, minutes, minutes, area_code, residents, covered, err);
}

hss_code hss_access_share_within_circle(hss_store *st, const char *types, double urban_minutes,
                                        double rural_minutes, const char *area_code,
                                        int64_t *residents, int64_t *covered, hss_error *err)
{
    return share_within(st, types, HSS_MODE_DRIVE, urban_minutes, rural_minutes, area_code, residents,
                        covered, err);
}

hss_code hss_access_share_within(hss_store *st, const char *types, double minutes,
                                 const char *area_code, int64_t *residents, int64_t *covered,
                                 hss_error *err)
{
    return hss_access_share_within_mode(st, types, minutes, HSS_MODE_DRIVE, area_code, residents,
                                        covered, err);
}

/* The code of the area at `level` that contains population point code `code`. */
static void group_code(const char *code, int level, char *out, size_t n)
{
    int len = hss_level_prefix_len(level);
    size_t cl = strlen(code);
    if (level <= HSS_LEVEL_COUNTY) {
        snprintf(out, n, "%.*s%.*s", len, code, 6 - len, "000000");
    } else {
        snprintf(out, n, "%.*s", (int)((size_t)len < cl ? (size_t)len : cl), code);
    }
}

static hss_code area_name(hss_store *st, const char *code, char **out)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT name FROM area WHERE code=?", NULL);
    *out = NULL;
    if (!s)
        return HSS_EDB;
    hss_store_bind_copy(s, 1, code);
    if (hss_store_step(s) == HSS_ROW)
        *out = hss_xstrdup(hss_store_col_text(s, 0));
    hss_store_finalize(s);
    return HSS_OK;
}

/* The circle that applies to a population point. */
static double circle(const hss_access_query *q, const acc_point *p)
{
    return p->rural && q->rural_minutes > 0 ? q->rural_minutes : q->minutes;
}

/* One row of the coverage table, whose columns are area, name, residents, covered, share,
 * points, flagged in that order. */
static void coverage_row(hss_table *t, const char *area, const char *name, int64_t res, int64_t cov,
                         int64_t pts, int64_t flag)
{
    hss_table_add_row(t);
    hss_table_set_text(t, 0, area);
    hss_table_set_text(t, 1, name);
    hss_table_set_int(t, 2, res);
    hss_table_set_int(t, 3, cov);
    if (res > 0)
        hss_table_set_real(t, 4, (double)cov / (double)res, 4);
    hss_table_set_int(t, 5, pts);
    hss_table_set_int(t, 6, flag);
}

hss_code hss_access_coverage_table(hss_store *st, const hss_access_query *q, hss_table **out,
                                   hss_error *err)
{
    int level = HSS_LEVEL_COUNTY;
    if (q->by && strcmp(q->by, "township") == 0)
        level = HSS_LEVEL_TOWNSHIP;
    else if (q->by && strcmp(q->by, "county") != 0)
        return hss_fail(err, HSS_EINVAL, "--by must be county or township, not '%s'", q->by);
    run_result r;
    hss_code rc = run_tables_query(st, q, &r, err);
    if (rc)
        return rc;
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "area", "地区代码 area", HSS_COL_TEXT);
    hss_table_add_col(t, "name", "名称 name", HSS_COL_TEXT);
    hss_table_add_col(t, "residents", "常住人口 residents", HSS_COL_INT);
    hss_table_add_col(t, "covered", "覆盖人口 covered", HSS_COL_INT);
    hss_table_add_col(t, "share", "覆盖率 share", HSS_COL_REAL);
    hss_table_add_col(t, "points", "居民点 points", HSS_COL_INT);
    hss_table_add_col(t, "flagged", "离路过远 off-road", HSS_COL_INT);
    /* population points are ordered by code, so one group is contiguous */
    int64_t tres = 0, tcov = 0, tpts = 0, tflag = 0;
    size_t i = 0;
    while (i < r.cx.pop.n) {
        char g[32], g2[32];
        group_code(r.cx.pop.p[i].code, level, g, sizeof g);
        int64_t res = 0, cov = 0, pts = 0, flag = 0;
        size_t j = i;
        for (; j < r.cx.pop.n; j++) {
            group_code(r.cx.pop.p[j].code, level, g2, sizeof g2);
            if (strcmp(g, g2) != 0)
                break;
            res += r.cx.pop.p[j].pop;
            cov += r.minutes[j] <= circle(q, &r.cx.pop.p[j]) ? r.cx.pop.p[j].pop : 0;
            pts++;
            flag += r.cx.pop.p[j].snap[q->mode].flagged;
        }
        char *nm;
        area_name(st, g, &nm);
        coverage_row(t, g, nm ? nm : "", res, cov, pts, flag);
        free(nm);
        tres += res;
        tcov += cov;
        tpts += pts;
        tflag += flag;
        i = j;
    }
    coverage_row(t, "total", "合计 total", tres, tcov, tpts, tflag);
    run_free(&r);
    *out = t;
    return HSS_OK;
}

hss_code hss_access_detail_table(hss_store *st, const hss_access_query *q, hss_table **out,
                                 hss_error *err)
{
    run_result r;
    hss_code rc = run_tables_query(st, q, &r, err);
    if (rc)
        return rc;
    hss_table *t = hss_table_new();
    size_t c_code = hss_table_add_col(t, "area_code", "地区代码 area", HSS_COL_TEXT);
    size_t c_fac = hss_table_add_col(t, "nearest_facility", "最近机构 nearest", HSS_COL_TEXT);
    size_t c_min = hss_table_add_col(t, "minutes", "分钟 minutes", HSS_COL_REAL);
    size_t c_name = hss_table_add_col(t, "name", "名称 name", HSS_COL_TEXT);
    size_t c_kind = hss_table_add_col(t, "kind", "城乡 kind", HSS_COL_TEXT);
    size_t c_res = hss_table_add_col(t, "residents", "常住人口 residents", HSS_COL_INT);
    size_t c_cov = hss_table_add_col(t, "covered", "覆盖 covered", HSS_COL_INT);
    size_t c_snap = hss_table_add_col(t, "snap_m", "距路 snap_m", HSS_COL_REAL);
    size_t c_flag = hss_table_add_col(t, "flagged", "离路过远 flagged", HSS_COL_INT);
    for (size_t i = 0; i < r.cx.pop.n; i++) {
        const acc_point *p = &r.cx.pop.p[i];
        hss_table_add_row(t);
        hss_table_set_text(t, c_code, p->code);
        if (r.nearest[i] >= 0)
            hss_table_set_text(t, c_fac, r.cx.fac.p[r.nearest[i]].code);
        if (r.minutes[i] < INFINITY)
            hss_table_set_real(t, c_min, r.minutes[i], 2);
        hss_table_set_text(t, c_name, p->name);
        hss_table_set_text(t, c_kind, p->rural ? "rural" : "urban");
        hss_table_set_int(t, c_res, p->pop);
        hss_table_set_int(t, c_cov, r.minutes[i] <= circle(q, p));
        if (p->snap[q->mode].dist_m < INFINITY)
            hss_table_set_real(t, c_snap, p->snap[q->mode].dist_m, 1);
        hss_table_set_int(t, c_flag, p->snap[q->mode].flagged);
    }
    run_free(&r);
    *out = t;
    return HSS_OK;
}

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

hss_code hss_access_geojson(hss_store *st, const hss_access_query *q, FILE *out, hss_error *err)
{
    run_result r;
    hss_code rc = run_tables_query(st, q, &r, err);
    if (rc)
        return rc;
    fprintf(out, "{\"type\":\"FeatureCollection\",\"properties\":{\"types\":");
    json_str(out, q->types);
    fprintf(out, ",\"minutes\":%g,\"rural_minutes\":%g,\"mode\":\"%s\"},\"features\":[", q->minutes,
            q->rural_minutes > 0 ? q->rural_minutes : q->minutes, q->mode == HSS_MODE_WALK ? "walk" : "drive");
    for (size_t i = 0; i < r.cx.pop.n; i++) {
        const acc_point *p = &r.cx.pop.p[i];
        int cov = r.minutes[i] <= circle(q, p);
        fprintf(out, "%s\n{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.6f,%.6f]},"
                     "\"properties\":{\"area_code\":",
                i ? "," : "", p->lon, p->lat);
        json_str(out, p->code);
        fprintf(out, ",\"name\":");
        json_str(out, p->name);
        fprintf(out, ",\"residents\":%lld,\"covered\":%s,\"status\":\"%s\",\"minutes\":", (long long)p->pop,
                cov ? "true" : "false", cov ? "covered" : "uncovered");
        if (r.minutes[i] < INFINITY)
            fprintf(out, "%.2f", r.minutes[i]);
        else
            fprintf(out, "null");
        fprintf(out, ",\"nearest_facility\":");
        if (r.nearest[i] >= 0)
            json_str(out, r.cx.fac.p[r.nearest[i]].code);
        else
            fprintf(out, "null");
        fprintf(out, ",\"flagged\":%s}}", p->snap[q->mode].flagged ? "true" : "false");
    }
    fprintf(out, "\n]}\n");
    run_free(&r);
    return HSS_OK;
}

/* ---- EMS -------------------------------------------------------------------------------- */

typedef struct {
    double v;
    int64_t w;
} wval;

static int cmp_wval(const void *a, const void *b)
{
    double x = ((const wval *)a)->v, y = ((const wval *)b)->v;
    return x < y ? -1 : x > y;
}

/* Weighted mean and 90th percentile (the smallest value with >= 90 % of the weight at or
 * below it). */
static void wstats(wval *v, size_t n, double *mean, double *p90)
{
    *mean = *p90 = NAN;
    int64_t tw = 0;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        tw += v[i].w;
        sum += v[i].v * (double)v[i].w;
    }
    if (tw <= 0)
        return;
    *mean = sum / (double)tw;
    qsort(v, n, sizeof *v, cmp_wval);
    int64_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        acc += v[i].w;
        if ((double)acc >= 0.9 * (double)tw) {
            *p90 = v[i].v;
            return;
        }
    }
}

hss_code hss_access_ems_response(hss_store *st, const char *area_code, const hss_ems_opts *opts,
                                 hss_ems_result *out, hss_error *err)
{
    hss_ems_opts def = {HSS_EMS_DISPATCH_MIN, HSS_EMS_TURNOUT_MIN};
    if (!opts)
        opts = &def;
    memset(out, 0, sizeof *out);
    out->dispatch_min = opts->dispatch_min;
    out->turnout_min = opts->turnout_min;
    run_result r;
    hss_code rc = run_query(st, "ems_station,ems_center", HSS_MODE_DRIVE, area_code, &r, err);
    if (rc) {
        run_free(&r);
        return rc;
    }
    if (r.nsources == 0) {
        run_free(&r);
        return hss_fail(err, HSS_ENOTFOUND, "no ems_station or ems_center on the road network (none stored, or all too far from a road)");
    }
    size_t n = r.cx.pop.n;
    wval *u = hss_xmalloc((n + 1) * sizeof *u), *ru = hss_xmalloc((n + 1) * sizeof *ru),
         *al = hss_xmalloc((n + 1) * sizeof *al);
    size_t nu = 0, nr = 0, na = 0;
    for (size_t i = 0; i < n; i++) {
        const acc_point *p = &r.cx.pop.p[i];
        if (p->rural)
            out->rural_residents += p->pop;
        else
            out->urban_residents += p->pop;
        if (!(r.minutes[i] < INFINITY)) {
            if (p->rural)
                out->unreached_rural += p->pop;
            else
                out->unreached_urban += p->pop;
            continue;
        }
        wval w = {opts->dispatch_min + opts->turnout_min + r.minutes[i], p->pop};
        if (p->rural)
            ru[nr++] = w;
        else
            u[nu++] = w;
        al[na++] = w;
    }
    wstats(u, nu, &out->urban_mean, &out->urban_p90);
    wstats(ru, nr, &out->rural_mean, &out->rural_p90);
    wstats(al, na, &out->all_mean, &out->all_p90);
    free(u);
    free(ru);
    free(al);
    run_free(&r);
    return HSS_OK;
}

hss_code hss_access_ems_radius_share(hss_store *st, const char *area_code, double urban_km,
                                     double rural_km, int64_t *residents, int64_t *covered,
                                     hss_error *err)
{
    acc_ctx cx;
    hss_code rc = acc_ctx_load(st, area_code, &cx, err);
    if (rc) {
        acc_ctx_free(&cx);
        return rc;
    }
    char *types[2] = {"ems_station", "ems_center"};
    double *m = hss_xmalloc((cx.pop.n + 1) * sizeof *m);
    int32_t *near = hss_xmalloc((cx.pop.n + 1) * sizeof *near);
    acc_nearest(&cx, types, 2, HSS_MODE_DRIVE, ACC_COST_LENGTH, ACC_OUTBOUND, m, near, NULL);
    circle_share(&cx, m, urban_km * 1000.0, rural_km * 1000.0, residents, covered);
    free(m);
    free(near);
    acc_ctx_free(&cx);
    return HSS_OK;
}

/* ---- per point, for callers summing many areas ---------------------------------------- */

hss_code hss_access_point_costs(hss_store *st, const char *types, int want_metres,
                                hss_access_points **out, hss_error *err)
{
    *out = NULL;
    run_result r;
    hss_code rc = run_query(st, types, HSS_MODE_DRIVE, NULL, &r, err);
    if (rc) {
        run_free(&r);
        return rc;
    }
    size_t n = r.cx.pop.n;
    hss_access_points *p = hss_xcalloc(1, sizeof *p);
    p->n = n;
    p->nsources = r.nsources;
    p->code = hss_xcalloc(n + 1, sizeof *p->code);
    p->rural = hss_xcalloc(n + 1, sizeof *p->rural);
    p->pop = hss_xcalloc(n + 1, sizeof *p->pop);
    for (size_t i = 0; i < n; i++) {
        p->code[i] = hss_xstrdup(r.cx.pop.p[i].code);
        p->rural[i] = r.cx.pop.p[i].rural;
        p->pop[i] = r.cx.pop.p[i].pop;
    }
    p->minutes = r.minutes;
    r.minutes = NULL;
    if (want_metres) {
        /* as hss_access_ems_radius_share: outbound from the facilities, by length */
        char **tv;
        size_t nt;
        if (acc_types_parse(types, &tv, &nt, NULL) == HSS_OK) {
            p->metres = hss_xmalloc((n + 1) * sizeof *p->metres);
            acc_nearest(&r.cx, tv, nt, HSS_MODE_DRIVE, ACC_COST_LENGTH, ACC_OUTBOUND, p->metres,
                        r.nearest, NULL);
            acc_types_free(tv, nt);
        }
    }
    run_free(&r);
    *out = p;
    return HSS_OK;
}

void hss_access_points_free(hss_access_points *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->code[i]);
    free(p->code);
    free(p->rural);
    free(p->pop);
    free(p->minutes);
    free(p->metres);
    free(p);
}

/* ---- sub-centres ------------------------------------------------------------------------- */

hss_code hss_access_subcentre_distances(hss_store *st, const char *area_code, hss_table **out,
                                        hss_error *err)
{
    acc_ctx cx;
    hss_code rc = acc_ctx_load(st, area_code, &cx, err);
    if (rc) {
        acc_ctx_free(&cx);
        return rc;
    }
    hss_table *t = hss_table_new();
    size_t c_fac = hss_table_add_col(t, "facility", "次中心 sub-centre", HSS_COL_TEXT);
    size_t c_name = hss_table_add_col(t, "name", "名称 name", HSS_COL_TEXT);
    size_t c_county = hss_table_add_col(t, "county", "县 county", HSS_COL_TEXT);
    size_t c_cen = hss_table_add_col(t, "centre", "县医疗中心 centre", HSS_COL_TEXT);
    size_t c_cname = hss_table_add_col(t, "centre_name", "中心名称 centre name", HSS_COL_TEXT);
    size_t c_road = hss_table_add_col(t, "road_km", "道路距离 road km", HSS_COL_REAL);
    size_t c_str = hss_table_add_col(t, "straight_km", "直线距离 straight km", HSS_COL_REAL);
    const acc_csr *c = acc_ctx_csr(&cx, HSS_MODE_DRIVE, ACC_COST_LENGTH, ACC_OUTBOUND);
    double *dist = hss_xmalloc(((size_t)cx.net.n + 1) * sizeof *dist);
    int32_t *label = hss_xmalloc(((size_t)cx.net.n + 1) * sizeof *label);
    size_t plen = area_code ? strlen(area_code) : 0;
    for (size_t i = 0; i < cx.fac.n; i++) {
        const acc_point *sc = &cx.fac.p[i];
        if (!(sc->flags & 2) || strlen(sc->area) < 6)
            continue;
        if (plen && strncmp(sc->area, area_code, plen < 6 ? plen : 6) != 0)
            continue;
        /* the county's lead hospitals, by the first six digits of the area code */
        size_t *which = hss_xmalloc((cx.fac.n + 1) * sizeof *which);
        size_t nw = 0;
        for (size_t j = 0; j < cx.fac.n; j++)
            if ((cx.fac.p[j].flags & 1) && strncmp(cx.fac.p[j].area, sc->area, 6) == 0)
                which[nw++] = j;
        char county[8];
        snprintf(county, sizeof county, "%.6s", sc->area);
        hss_table_add_row(t);
        hss_table_set_text(t, c_fac, sc->code);
        hss_table_set_text(t, c_name, sc->name);
        hss_table_set_text(t, c_county, county);
        if (nw) {
            acc_sources src;
            acc_sources_build(&src, &cx.net, HSS_MODE_DRIVE, ACC_COST_LENGTH, ACC_OUTBOUND, cx.fac.p, which, nw);
            acc_dijkstra(cx.dij, c, src.seeds, src.ns, INFINITY, dist, label);
            int32_t lab;
            double d = acc_arrival(&cx.net, HSS_MODE_DRIVE, ACC_COST_LENGTH, dist, label, sc, &src, &lab);
            const acc_point *cen = &cx.fac.p[which[lab >= 0 ? lab : 0]];
            hss_table_set_text(t, c_cen, cen->code);
            hss_table_set_text(t, c_cname, cen->name);
            if (d < INFINITY)
                hss_table_set_real(t, c_road, d / 1000.0, 2);
            hss_table_set_real(t, c_str, acc_haversine_m(sc->lon, sc->lat, cen->lon, cen->lat) / 1000.0, 2);
            acc_sources_free(&src);
        }
        free(which);
    }
    free(dist);
    free(label);
    acc_ctx_free(&cx);
    *out = t;
    return HSS_OK;
}
