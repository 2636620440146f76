/*
 * values.c: `hss data values`, the stored data values as a table in the import format
 * (element,org,period,value,category, plus generated), filtered by element, org (an area
 * selects every facility and area under it) and month range, so that values can be checked,
 * corrected and re-imported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/internal.h"

hss_code hss_metrics_values(hss_store *st, const char *element, const char *org,
                            const char *from, const char *to, hss_table **out, hss_error *err)
{
    *out = NULL;
    const hss_metrics_element *e = NULL;
    if (element && !(e = hss_metrics_element_find(element)))
        return hss_fail(err, HSS_EINVAL, "unknown data element '%s'", element);
    int pf = 190001, pt = 210012;
    if (from && mx_month_parse(from, &pf) != 0)
        return hss_fail(err, HSS_EINVAL, "--from '%s' is not a month YYYY-MM", from);
    if (to && mx_month_parse(to, &pt) != 0)
        return hss_fail(err, HSS_EINVAL, "--to '%s' is not a month YYYY-MM", to);
    mx_tree tree;
    hss_code rc = mx_tree_load(st, &tree, err);
    if (rc)
        return rc;
    int root = -1, rfac = -1;
    if (org && !mx_tree_find(&tree, org, &root, &rfac)) {
        mx_tree_free(&tree);
        return hss_fail(err, HSS_EINVAL, "no facility or area with code '%s'", org);
    }
    hss_stmt *s = hss_store_prepare(
        st, "SELECT d.element_id, o.code, d.period, d.value, d.category, d.generated "
            "FROM data_value d JOIN metric_org o ON o.id = d.org_id "
            "WHERE (CAST(?1 AS BIGINT) IS NULL OR d.element_id = ?1) AND d.period BETWEEN ?2 AND ?3 "
            "ORDER BY d.element_id, o.code, d.period, d.category", err);
    if (!s) {
        mx_tree_free(&tree);
        return err->code;
    }
    if (e)
        hss_store_bind_int(s, 1, e->id);
    hss_store_bind_int(s, 2, pf);
    hss_store_bind_int(s, 3, pt);
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "element", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "org", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "period", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "value", NULL, HSS_COL_REAL);
    hss_table_add_col(t, "category", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "generated", NULL, HSS_COL_INT);
    while (hss_store_step(s) == HSS_ROW) {
        const char *code = hss_store_col_text(s, 1);
        if (org) {
            int a, f;
            if (!mx_tree_find(&tree, code, &a, &f))
                continue;
            int in = 0;
            if (rfac >= 0)
                in = f == rfac;
            else
                for (int x = a; x >= 0 && !in; x = tree.areas[x].parent)
                    in = x == root;
            if (!in)
                continue;
        }
        const hss_metrics_element *el = mx_element_by_id(hss_store_col_int(s, 0));
        int ym = hss_store_col_int(s, 2);
        char per[16];
        snprintf(per, sizeof per, "%04d-%02d", ym / 100, ym % 100);
        hss_table_add_row(t);
        hss_table_set_text(t, 0, el ? el->code : "?");
        hss_table_set_text(t, 1, code);
        hss_table_set_text(t, 2, per);
        hss_table_set_real(t, 3, hss_store_col_double(s, 3), 6);
        hss_table_set_text(t, 4, hss_store_col_text(s, 4));
        hss_table_set_int(t, 5, hss_store_col_int(s, 5));
    }
    hss_store_finalize(s);
    mx_tree_free(&tree);
    *out = t;
    return HSS_OK;
}
