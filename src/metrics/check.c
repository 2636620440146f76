/*
 * check.c: `hss data check`. Where HSS holds the records of an area and month and a monthly
 * report (an imported aggregate) of the same element exists too, the two should agree; the
 * indicators use the records (records.c). This lists every element, area and month where they
 * do not, with both values: a township's report against its record figure, and a county's own
 * report (a whole-county figure) against the sum of its townships' record figures.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "metrics/internal.h"

enum { K_ELEMENT, K_NAME, K_AREA, K_AREA_NAME, K_PERIOD, K_RECORDS, K_REPORTED, K_DIFF };

static hss_table *new_table(int en)
{
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "element", en ? "element" : "数据元", HSS_COL_TEXT);
    hss_table_add_col(t, "name", en ? "name" : "名称", HSS_COL_TEXT);
    hss_table_add_col(t, "area", en ? "code" : "代码", HSS_COL_TEXT);
    hss_table_add_col(t, "area_name", en ? "area" : "地区", HSS_COL_TEXT);
    hss_table_add_col(t, "period", en ? "period" : "期间", HSS_COL_TEXT);
    hss_table_add_col(t, "records", en ? "from records" : "记录数", HSS_COL_REAL);
    hss_table_add_col(t, "reported", en ? "reported" : "上报数", HSS_COL_REAL);
    hss_table_add_col(t, "difference", en ? "difference" : "差值", HSS_COL_REAL);
    return t;
}

/* Township reports against their record figures; county reports against the sum of the
 * record figures of their townships. Both give element, area, period, records, reported. */
static const char *const SQL[] = {
    "SELECT r.element_id, o.code, r.period, r.value, sum(d.value) FROM metric_record_value r "
    "JOIN metric_org o ON o.id = r.org_id JOIN data_value d ON d.element_id = r.element_id "
    "AND d.org_id = r.org_id AND d.period = r.period "
    "WHERE ?1 IS NULL OR substr(o.code, 1, length(?1)) = ?1 "
    "GROUP BY r.element_id, r.org_id, r.period, o.code, r.value ORDER BY o.code, r.period, r.element_id",
    "SELECT d.element_id, o.code, d.period, (SELECT sum(r.value) FROM metric_record_value r "
    "WHERE r.element_id = d.element_id AND r.period = d.period AND r.county_code = o.code), "
    "sum(d.value) FROM data_value d JOIN metric_org o ON o.id = d.org_id "
    "WHERE length(o.code) = 6 AND d.element_id IN (SELECT DISTINCT element_id FROM "
    "metric_record_value) AND (?1 IS NULL OR substr(o.code, 1, length(?1)) = ?1 "
    "OR substr(?1, 1, 6) = o.code) GROUP BY d.element_id, d.org_id, d.period, o.code "
    "ORDER BY o.code, d.period, d.element_id",
};

static hss_code add_rows(hss_store *st, const mx_tree *tree, const char *sql, const char *under,
                         int en, hss_table *t, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, sql, err);
    if (!s)
        return err->code;
    if (under)
        hss_store_bind_text(s, 1, under);
    int r;
    while ((r = hss_store_step(s)) == HSS_ROW) {
        if (hss_store_col_is_null(s, 3))
            continue; /* no records in that county that month */
        double rec = hss_store_col_double(s, 3), rep = hss_store_col_double(s, 4);
        if (fabs(rec - rep) < 1e-6)
            continue;
        const hss_metrics_element *e = mx_element_by_id(hss_store_col_int(s, 0));
        const char *code = hss_store_col_text(s, 1);
        int area, fac, ym = hss_store_col_int(s, 2);
        char period[16];
        snprintf(period, sizeof period, "%04d-%02d", ym / 100 % 10000, ym % 100);
        hss_table_add_row(t);
        hss_table_set_text(t, K_ELEMENT, e ? e->code : "");
        hss_table_set_text(t, K_NAME, e ? (en ? e->en : e->zh) : "");
        hss_table_set_text(t, K_AREA, code);
        if (mx_tree_find(tree, code, &area, &fac) && fac < 0)
            hss_table_set_text(t, K_AREA_NAME, tree->areas[area].name);
        hss_table_set_text(t, K_PERIOD, period);
        hss_table_set_real(t, K_RECORDS, rec, 2);
        hss_table_set_real(t, K_REPORTED, rep, 2);
        hss_table_set_real(t, K_DIFF, rep - rec, 2);
    }
    hss_store_finalize(s);
    return r == HSS_DONE ? HSS_OK : hss_store_error(st, err, "comparing records and reports");
}

hss_code hss_metrics_check(hss_store *st, const char *under, int english, hss_table **out,
                           hss_error *err)
{
    *out = NULL;
    mx_tree tree;
    hss_code rc = mx_tree_load(st, &tree, err);
    if (rc)
        return rc;
    int area, fac;
    if (under && (!mx_tree_find(&tree, under, &area, &fac) || fac >= 0))
        rc = hss_fail(err, HSS_EINVAL, "--under: no area with code '%s'", under);
    if (rc == HSS_OK) /* compare with figures as fresh as the records */
        rc = mx_refresh(st, &tree, 0, err);
    hss_table *t = rc == HSS_OK ? new_table(english) : NULL;
    for (size_t i = 0; rc == HSS_OK && i < sizeof SQL / sizeof *SQL; i++)
        rc = add_rows(st, &tree, SQL[i], under, english, t, err);
    mx_tree_free(&tree);
    if (rc) {
        hss_table_free(t);
        return rc;
    }
    *out = t;
    return HSS_OK;
}
