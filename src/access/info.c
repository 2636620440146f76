/*
 * info.c: what is stored about the road network, for `hss roads info` and `hss roads
 * flagged`: its source, size and road kilometres by class, what the component filter dropped,
 * and the points that are too far from any road (flagged, never moved).
 */
#include <stdlib.h>
#include <string.h>

#include "access/access_int.h"

static hss_code ensure_network(hss_store *st, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT 1 FROM road_node LIMIT 1", err);
    if (!s)
        return HSS_EDB;
    int have = hss_store_step(s) == HSS_ROW;
    hss_store_finalize(s);
    if (!have)
        return hss_fail(err, HSS_ENOTFOUND,
                        "%s: no road network is stored (run `hss roads import` or `hss roads generate` first)",
                        hss_store_path(st));
    return HSS_OK;
}

static void meta_cell(hss_store *st, hss_table *t, size_t col, const char *key, int integer)
{
    char *v = hss_store_meta_get(st, key);
    if (!v)
        return;
    int64_t x;
    if (integer && hss_parse_int64(v, &x) == 0)
        hss_table_set_int(t, col, x);
    else
        hss_table_set_text(t, col, v);
    free(v);
}

hss_code hss_access_info(hss_store *st, hss_table **out, hss_error *err)
{
    hss_code rc = ensure_network(st, err);
    if (rc)
        return rc;
    hss_table *t = hss_table_new();
    size_t c_src = hss_table_add_col(t, "source", "来源 source", HSS_COL_TEXT);
    size_t c_gen = hss_table_add_col(t, "generated", "生成 generated", HSS_COL_INT);
    size_t c_n = hss_table_add_col(t, "nodes", "节点 nodes", HSS_COL_INT);
    size_t c_m = hss_table_add_col(t, "edges", "路段 edges", HSS_COL_INT);
    size_t c_nd = hss_table_add_col(t, "nodes_dropped", "剔除节点 nodes dropped", HSS_COL_INT);
    size_t c_md = hss_table_add_col(t, "edges_dropped", "剔除路段 edges dropped", HSS_COL_INT);
    size_t c_sn = hss_table_add_col(t, "snapped", "已匹配点 snapped", HSS_COL_INT);
    size_t c_fl = hss_table_add_col(t, "flagged", "离路过远 flagged", HSS_COL_INT);
    size_t c_th = hss_table_add_col(t, "snap_max_m", "匹配阈值米 snap max m", HSS_COL_REAL);
    /* km by class: one column per class present */
    hss_stmt *s = hss_store_prepare(st, "SELECT road_class, sum(length_m)/1000.0 FROM road_edge GROUP BY road_class ORDER BY 2 DESC, road_class", err);
    if (!s) {
        hss_table_free(t);
        return HSS_EDB;
    }
    char names[32][48];
    double km[32];
    size_t nc = 0;
    while (hss_store_step(s) == HSS_ROW && nc < 32) {
        snprintf(names[nc], sizeof names[nc], "km_%s", hss_store_col_text(s, 0));
        km[nc] = hss_store_col_double(s, 1);
        nc++;
    }
    hss_store_finalize(s);
    size_t c_km0 = hss_table_cols(t);
    for (size_t i = 0; i < nc; i++)
        hss_table_add_col(t, names[i], names[i], HSS_COL_REAL);
    hss_table_add_row(t);
    meta_cell(st, t, c_src, "access.source", 0);
    meta_cell(st, t, c_gen, "access.generated", 1);
    s = hss_store_prepare(st,
        "SELECT (SELECT count(*) FROM road_node), (SELECT count(*) FROM road_edge),"
        " (SELECT count(*) FROM road_snap WHERE mode='drive'),"
        " (SELECT count(*) FROM road_snap WHERE mode='drive' AND flagged=1)", err);
    if (s && hss_store_step(s) == HSS_ROW) {
        hss_table_set_int(t, c_n, hss_store_col_int64(s, 0));
        hss_table_set_int(t, c_m, hss_store_col_int64(s, 1));
        hss_table_set_int(t, c_sn, hss_store_col_int64(s, 2));
        hss_table_set_int(t, c_fl, hss_store_col_int64(s, 3));
    }
    hss_store_finalize(s);
    meta_cell(st, t, c_nd, "access.nodes_dropped", 1);
    meta_cell(st, t, c_md, "access.edges_dropped", 1);
    char *v = hss_store_meta_get(st, "access.snap_max_m");
    double th = HSS_ACCESS_SNAP_MAX_M;
    if (v)
        hss_parse_double(v, &th);
    free(v);
    hss_table_set_real(t, c_th, th, 1);
    for (size_t i = 0; i < nc; i++)
        hss_table_set_real(t, c_km0 + i, km[i], 1);
    *out = t;
    return HSS_OK;
}

hss_code hss_access_flagged(hss_store *st, hss_table **out, hss_error *err)
{
    hss_code rc = ensure_network(st, err);
    if (rc)
        return rc;
    /* fresh snaps first (a query re-snaps when the data changed) */
    acc_ctx cx;
    rc = acc_ctx_load(st, NULL, &cx, err);
    acc_ctx_free(&cx);
    if (rc)
        return rc;
    hss_stmt *s = hss_store_prepare(st,
        "SELECT s.kind, s.code, COALESCE(a.name, f.name, ''), s.mode, s.distance_m FROM road_snap s"
        " LEFT JOIN area a ON s.kind='area' AND a.code=s.code"
        " LEFT JOIN facility f ON s.kind='facility' AND f.code=s.code"
        " WHERE s.flagged=1 ORDER BY s.kind, s.code, s.mode", err);
    if (!s)
        return HSS_EDB;
    hss_table *t = hss_table_new();
    size_t c0 = hss_table_add_col(t, "kind", "类别 kind", HSS_COL_TEXT);
    size_t c1 = hss_table_add_col(t, "code", "代码 code", HSS_COL_TEXT);
    size_t c2 = hss_table_add_col(t, "name", "名称 name", HSS_COL_TEXT);
    size_t cm = hss_table_add_col(t, "mode", "方式 mode", HSS_COL_TEXT);
    size_t c3 = hss_table_add_col(t, "distance_m", "距最近道路米 distance m", HSS_COL_REAL);
    while (hss_store_step(s) == HSS_ROW) {
        hss_table_add_row(t);
        hss_table_set_text(t, c0, hss_store_col_text(s, 0));
        hss_table_set_text(t, c1, hss_store_col_text(s, 1));
        hss_table_set_text(t, c2, hss_store_col_text(s, 2));
        hss_table_set_text(t, cm, hss_store_col_text(s, 3));
        if (!hss_store_col_is_null(s, 4))
            hss_table_set_real(t, c3, hss_store_col_double(s, 4), 1);
    }
    hss_store_finalize(s);
    *out = t;
    return HSS_OK;
}
