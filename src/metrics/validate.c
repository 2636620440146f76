/*
 * validate.c: `hss data validate`. The checks of indicators.yaml compare, for each facility or
 * area and month, one element (left) with a sum of elements of the same org and month or the
 * area's population (right): left must not exceed right. Every violation is one row naming
 * the org, the month and both values, so the offending rows can be found and re-imported.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/internal.h"

typedef struct side {
    mx_strmap index; /* "org_id|period" -> row in vals */
    hss_vec vals;    /* struct cell */
} side;

typedef struct cell {
    int org, period;
    double v;
} cell;

static hss_code sum_element(hss_store *st, int element, int sign, side *s, int create,
                            hss_error *err)
{
    hss_stmt *q = hss_store_prepare(st, "SELECT org_id, period, sum(value) FROM data_value "
                                            "WHERE element_id = ? GROUP BY org_id, period", err);
    if (!q)
        return err->code;
    hss_store_bind_int(q, 1, element);
    while (hss_store_step(q) == HSS_ROW) {
        char key[48];
        int org = hss_store_col_int(q, 0), per = hss_store_col_int(q, 1);
        snprintf(key, sizeof key, "%d|%d", org, per);
        int i;
        if (!mx_strmap_get(&s->index, key, &i)) {
            if (!create)
                continue;
            i = (int)s->vals.len;
            cell *c = hss_vec_push(&s->vals);
            c->org = org;
            c->period = per;
            mx_strmap_put(&s->index, key, i);
        }
        HSS_VEC_AT(&s->vals, cell, i).v += sign * hss_store_col_double(q, 2);
    }
    hss_store_finalize(q);
    return HSS_OK;
}

static char **org_codes(hss_store *st, size_t *n, hss_error *err)
{
    hss_stmt *q = hss_store_prepare(st, "SELECT max(id) FROM metric_org", err);
    if (!q)
        return NULL;
    hss_store_step(q);
    *n = (size_t)hss_store_col_int64(q, 0) + 1;
    hss_store_finalize(q);
    char **codes = hss_xcalloc(*n, sizeof *codes);
    q = hss_store_prepare(st, "SELECT id, code FROM metric_org", err);
    if (!q) {
        free(codes);
        return NULL;
    }
    while (hss_store_step(q) == HSS_ROW) {
        int64_t id = hss_store_col_int64(q, 0);
        if (id >= 0 && (size_t)id < *n)
            codes[id] = hss_xstrdup(hss_store_col_text(q, 1));
    }
    hss_store_finalize(q);
    return codes;
}

hss_code hss_metrics_validate(hss_store *st, hss_table **out, hss_error *err)
{
    *out = NULL;
    mx_defs defs;
    hss_code rc = mx_defs_load(hss_metrics_indicator_file(), &defs, err);
    if (rc)
        return rc;
    mx_tree tree;
    rc = mx_tree_load(st, &tree, err);
    if (rc) {
        mx_defs_free(&defs);
        return rc;
    }
    size_t ncodes = 0;
    char **codes = org_codes(st, &ncodes, err);
    if (!codes)
        rc = err->code;
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "check", "检查", HSS_COL_TEXT);
    hss_table_add_col(t, "rule", "规则", HSS_COL_TEXT);
    hss_table_add_col(t, "org", "机构/地区", HSS_COL_TEXT);
    hss_table_add_col(t, "period", "期间", HSS_COL_TEXT);
    hss_table_add_col(t, "left", "左值", HSS_COL_REAL);
    hss_table_add_col(t, "right", "右值", HSS_COL_REAL);
    for (size_t k = 0; rc == HSS_OK && k < defs.nchecks; k++) {
        const mx_check *ck = &defs.checks[k];
        side left, right;
        memset(&left, 0, sizeof left);
        memset(&right, 0, sizeof right);
        hss_vec_init(&left.vals, sizeof(cell));
        hss_vec_init(&right.vals, sizeof(cell));
        rc = sum_element(st, ck->left, 1, &left, 1, err);
        int uses_pop = 0;
        for (size_t i = 0; rc == HSS_OK && i < ck->right.n; i++) {
            if (ck->right.terms[i].kind == MX_TERM_POPULATION)
                uses_pop = 1;
            else
                rc = sum_element(st, ck->right.terms[i].element, ck->right.terms[i].sign, &right,
                                 1, err);
        }
        for (size_t i = 0; rc == HSS_OK && i < left.vals.len; i++) {
            cell *l = &HSS_VEC_AT(&left.vals, cell, i);
            const char *code = (size_t)l->org < ncodes ? codes[l->org] : NULL;
            char key[48];
            snprintf(key, sizeof key, "%d|%d", l->org, l->period);
            int j, has = 0;
            double r = 0;
            if (mx_strmap_get(&right.index, key, &j)) {
                r = HSS_VEC_AT(&right.vals, cell, j).v;
                has = 1;
            }
            if (uses_pop) {
                int a, f;
                if (code && mx_tree_find(&tree, code, &a, &f) && f < 0 &&
                    tree.areas[a].population >= 0) {
                    r += (double)tree.areas[a].population;
                    has = 1;
                } else if (!has)
                    continue; /* unknown population: nothing to compare with */
            }
            if (has && l->v <= r + 1e-9)
                continue;
            char per[16];
            snprintf(per, sizeof per, "%04d-%02d", l->period / 100, l->period % 100);
            hss_table_add_row(t);
            hss_table_set_text(t, 0, ck->id);
            hss_table_set_text(t, 1, ck->zh);
            hss_table_set_text(t, 2, code ? code : "?");
            hss_table_set_text(t, 3, per);
            hss_table_set_real(t, 4, l->v, 2);
            if (has)
                hss_table_set_real(t, 5, r, 2);
        }
        mx_strmap_free(&left.index);
        mx_strmap_free(&right.index);
        hss_vec_free(&left.vals);
        hss_vec_free(&right.vals);
    }
    for (size_t i = 0; codes && i < ncodes; i++)
        free(codes[i]);
    free(codes);
    mx_tree_free(&tree);
    mx_defs_free(&defs);
    if (rc) {
        hss_table_free(t);
        return rc;
    }
    *out = t;
    return HSS_OK;
}
