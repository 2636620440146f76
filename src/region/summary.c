/*
 * summary.c: `hss summary` — per area of one level of the tree: residents, facilities by type,
 * approved/open beds, staff by category and in all, and ambulances, then a total row that is the sum of
 * the rows above it. The rows are the children of --under (or of the single top area), or
 * every area of --level under --under. Facilities sited in the scope but not under any row
 * (a county hospital when the rows are townships) get their own "本级" row so that the total
 * covers the whole scope. Everything is computed from stored rows in one pass each over
 * areas, facilities, staff and vehicles.
 */
#include <stdlib.h>
#include <string.h>

#include "region/region_int.h"

typedef struct {
    char *code, *parent, *level, *name;
    int pop_known;
    int64_t pop;
    int row;        /* summary row this area is counted in; -1 none; -2 not yet known */
    int first_child, next_sibling;
    int res_done, res_known;
    int64_t res;    /* residents: own population, else the sum of its children's */
} node;

typedef struct {
    const char *code, *name, *level;
    int res_known;
    int64_t res;
    int64_t facilities, beds_approved, beds_open, beds_unreported, ambulances, negative_pressure;
    int64_t *by_type, *by_staff;
} row;

static void residents(node *a, int i)
{
    node *n = &a[i];
    if (n->res_done)
        return;
    n->res_done = 1;
    if (n->pop_known) {
        n->res_known = 1;
        n->res = n->pop;
        return;
    }
    n->res_known = n->first_child >= 0;
    n->res = 0;
    for (int c = n->first_child; c >= 0; c = a[c].next_sibling) {
        residents(a, c);
        n->res_known &= a[c].res_known;
        n->res += a[c].res;
    }
}

/* The row area i is counted in, following parents (memoised). */
static int row_of(node *a, rg_map *idx, int i)
{
    if (a[i].row != -2)
        return a[i].row;
    size_t p;
    int r = -1;
    if (a[i].parent && rg_map_get(idx, a[i].parent, &p))
        r = row_of(a, idx, (int)p);
    a[i].row = r;
    return r;
}

typedef struct {
    node *a;
    size_t n;
    rg_map *idx;
    row *rows;
    size_t nrows;
    size_t ntypes, nstaff;
    int leftover; /* index of the 本级 row */
} ctx;

static row *row_for_area(ctx *c, const char *area_code)
{
    size_t i;
    if (!rg_map_get(c->idx, area_code, &i))
        return NULL; /* outside the scope */
    int r = row_of(c->a, c->idx, (int)i);
    return &c->rows[r >= 0 ? r : c->leftover];
}

static hss_code load_areas(hss_store *st, const hss_region_filter *f, ctx *c, hss_error *err)
{
    hss_stmt *q = hss_store_prepare(st,
        "WITH RECURSIVE sub(code) AS (SELECT code FROM area WHERE code=?1 "
        "UNION ALL SELECT a.code FROM area a JOIN sub ON a.parent_code = sub.code) "
        "SELECT code, parent_code, level, name, population FROM area "
        "WHERE ?1 IS NULL OR code IN (SELECT code FROM sub) ORDER BY code", err);
    if (!q)
        return HSS_EDB;
    if (f->under)
        hss_store_bind_copy(q, 1, f->under);
    size_t cap = 0;
    int rc;
    while ((rc = hss_store_step(q)) == HSS_ROW) {
        if (c->n == cap) {
            cap = cap ? cap * 2 : 256;
            c->a = hss_xrealloc(c->a, cap * sizeof *c->a);
        }
        node *n = &c->a[c->n];
        memset(n, 0, sizeof *n);
        n->code = hss_xstrdup(hss_store_col_text(q, 0));
        n->parent = hss_store_col_is_null(q, 1) ? NULL : hss_xstrdup(hss_store_col_text(q, 1));
        n->level = hss_xstrdup(hss_store_col_text(q, 2));
        n->name = hss_xstrdup(hss_store_col_text(q, 3));
        n->pop_known = !hss_store_col_is_null(q, 4);
        n->pop = hss_store_col_int64(q, 4);
        n->row = -2;
        n->first_child = n->next_sibling = -1;
        rg_map_put(c->idx, n->code, c->n);
        c->n++;
    }
    hss_store_finalize(q);
    if (rc != HSS_DONE)
        return hss_store_error(st, err, "reading areas");
    for (size_t i = c->n; i-- > 0;) {
        size_t p;
        if (c->a[i].parent && rg_map_get(c->idx, c->a[i].parent, &p)) {
            c->a[i].next_sibling = c->a[p].first_child;
            c->a[p].first_child = (int)i;
        }
    }
    return HSS_OK;
}

static void new_row(ctx *c, const char *code, const char *name, const char *level)
{
    c->rows = hss_xrealloc(c->rows, (c->nrows + 1) * sizeof *c->rows);
    row *r = &c->rows[c->nrows++];
    memset(r, 0, sizeof *r);
    r->code = code;
    r->name = name;
    r->level = level;
    r->res_known = 1;
    r->by_type = hss_xcalloc(c->ntypes, sizeof *r->by_type);
    r->by_staff = hss_xcalloc(c->nstaff, sizeof *r->by_staff);
}

/* Adds facilities, staff and vehicles of the scope into their rows. */
static hss_code count_resources(hss_store *st, const hss_region_filter *f, ctx *c, hss_error *err)
{
    static const char *const SQL[] = {
        "SELECT area_code, type, beds_approved, beds_open FROM facility WHERE ?1 IS NULL OR type=?1",
        "SELECT f.area_code, s.category, sum(s.count) FROM staff s JOIN facility f ON f.code = s.facility_code "
        "WHERE ?1 IS NULL OR f.type=?1 GROUP BY f.area_code, s.category",
        "SELECT f.area_code, v.kind, sum(v.count) FROM vehicle v JOIN facility f ON f.code = v.facility_code "
        "WHERE ?1 IS NULL OR f.type=?1 GROUP BY f.area_code, v.kind",
    };
    for (int k = 0; k < 3; k++) {
        hss_stmt *q = hss_store_prepare(st, SQL[k], err);
        if (!q)
            return HSS_EDB;
        if (f->type)
            hss_store_bind_copy(q, 1, f->type);
        int rc;
        while ((rc = hss_store_step(q)) == HSS_ROW) {
            row *r = row_for_area(c, hss_store_col_text(q, 0));
            if (!r)
                continue;
            const char *what = hss_store_col_text(q, 1);
            if (k == 0) {
                r->facilities++;
                int t = hss_model_find(HSS_VOCAB_FACILITY_TYPE, what);
                if (t >= 0)
                    r->by_type[t]++;
                if (hss_store_col_is_null(q, 2) || hss_store_col_is_null(q, 3))
                    r->beds_unreported++;
                r->beds_approved += hss_store_col_int64(q, 2);
                r->beds_open += hss_store_col_int64(q, 3);
            } else if (k == 1) {
                int s = hss_model_find(HSS_VOCAB_STAFF, what);
                if (s >= 0)
                    r->by_staff[s] += hss_store_col_int64(q, 2);
            } else if (hss_vehicle_is_ambulance(what)) {
                r->ambulances += hss_store_col_int64(q, 2);
                if (strcmp(what, "negative_pressure_ambulance") == 0)
                    r->negative_pressure += hss_store_col_int64(q, 2);
            }
        }
        hss_store_finalize(q);
        if (rc != HSS_DONE)
            return hss_store_error(st, err, "counting resources");
    }
    return HSS_OK;
}

static void free_ctx(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->a[i].code);
        free(c->a[i].parent);
        free(c->a[i].level);
        free(c->a[i].name);
    }
    free(c->a);
    for (size_t i = 0; i < c->nrows; i++) {
        free(c->rows[i].by_type);
        free(c->rows[i].by_staff);
    }
    free(c->rows);
    rg_map_free(c->idx);
}

hss_code hss_region_summary(hss_store *st, const hss_region_filter *f, hss_table **out, hss_error *err)
{
    hss_region_filter none = {0};
    if (!f)
        f = &none;
    if (rg_check_filter(st, f, err))
        return err ? err->code : HSS_EINVAL;
    ctx c = {.idx = rg_map_new()};
    const hss_term *types = hss_model_terms(HSS_VOCAB_FACILITY_TYPE, &c.ntypes);
    const hss_term *staff = hss_model_terms(HSS_VOCAB_STAFF, &c.nstaff);
    hss_code rc = load_areas(st, f, &c, err);
    if (rc) {
        free_ctx(&c);
        return rc;
    }
    /* The scope area whose children are the rows (none in --level mode or with several tops). */
    int scope = -1;
    if (f->under) {
        size_t i;
        if (rg_map_get(c.idx, f->under, &i))
            scope = (int)i;
    } else {
        int tops = 0;
        for (size_t i = 0; i < c.n; i++)
            if (!c.a[i].parent || !rg_map_get(c.idx, c.a[i].parent, NULL)) {
                tops++;
                scope = (int)i;
            }
        if (tops != 1)
            scope = -1;
    }
    /* Row 0 is the 本级 row: resources in the scope but under no listed area. */
    char leftover_name[256];
    if (scope >= 0)
        snprintf(leftover_name, sizeof leftover_name, f->level ? "%s(所列层级以上)" : "%s(本级)",
                 c.a[scope].name);
    else
        snprintf(leftover_name, sizeof leftover_name, "(其他)");
    new_row(&c, scope >= 0 ? c.a[scope].code : "", leftover_name, scope >= 0 ? c.a[scope].level : "");
    c.leftover = 0;
    for (size_t i = 0; i < c.n; i++) {
        node *a = &c.a[i];
        int is_row;
        if (f->level)
            is_row = strcmp(a->level, f->level) == 0;
        else if (scope >= 0)
            is_row = a->parent && strcmp(a->parent, c.a[scope].code) == 0;
        else
            is_row = !a->parent || !rg_map_get(c.idx, a->parent, NULL);
        if (!is_row)
            continue;
        a->row = (int)c.nrows;
        residents(c.a, (int)i);
        new_row(&c, a->code, a->name, a->level);
        c.rows[c.nrows - 1].res_known = a->res_known;
        c.rows[c.nrows - 1].res = a->res;
    }
    rc = count_resources(st, f, &c, err);
    if (rc) {
        free_ctx(&c);
        return rc;
    }
    /* The total: the sum of every row shown. */
    row total = {.code = "total", .name = "合计", .level = "", .res_known = 1};
    total.by_type = hss_xcalloc(c.ntypes, sizeof *total.by_type);
    total.by_staff = hss_xcalloc(c.nstaff, sizeof *total.by_staff);
    int show_leftover = c.rows[0].facilities > 0;
    for (size_t r = show_leftover ? 0 : 1; r < c.nrows; r++) {
        row *x = &c.rows[r];
        total.res_known &= x->res_known;
        total.res += x->res;
        total.facilities += x->facilities;
        total.beds_approved += x->beds_approved;
        total.beds_open += x->beds_open;
        total.beds_unreported += x->beds_unreported;
        total.ambulances += x->ambulances;
        total.negative_pressure += x->negative_pressure;
        for (size_t k = 0; k < c.ntypes; k++)
            total.by_type[k] += x->by_type[k];
        for (size_t k = 0; k < c.nstaff; k++)
            total.by_staff[k] += x->by_staff[k];
    }
    if (f->whole && scope >= 0 && !f->level) {
        residents(c.a, scope);
        total.res_known = c.a[scope].res_known;
        total.res = c.a[scope].res;
    }
    /* Columns. */
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "code", "代码", HSS_COL_TEXT);
    hss_table_add_col(t, "name", "名称", HSS_COL_TEXT);
    hss_table_add_col(t, "level", "层级", HSS_COL_TEXT);
    hss_table_add_col(t, "population", "常住人口", HSS_COL_INT);
    hss_table_add_col(t, "facilities", "机构数", HSS_COL_INT);
    int *type_col = hss_xcalloc(c.ntypes, sizeof *type_col), *staff_col = hss_xcalloc(c.nstaff, sizeof *staff_col);
    for (size_t k = 0; k < c.ntypes; k++)
        type_col[k] = f->display && total.by_type[k] == 0 ? -1
                      : (int)hss_table_add_col(t, types[k].id, types[k].zh, HSS_COL_INT);
    size_t c_ba = hss_table_add_col(t, "beds_approved", "编制床位", HSS_COL_INT);
    size_t c_bo = hss_table_add_col(t, "beds_open", "开放床位", HSS_COL_INT);
    size_t c_bu = hss_table_add_col(t, "beds_unreported", "床位未填机构数", HSS_COL_INT);
    for (size_t k = 0; k < c.nstaff; k++)
        staff_col[k] = f->display && total.by_staff[k] == 0 ? -1
                       : (int)hss_table_add_col(t, staff[k].id, staff[k].zh, HSS_COL_INT);
    size_t c_staff = hss_table_add_col(t, "staff", "卫生人员合计", HSS_COL_INT);
    size_t c_amb = hss_table_add_col(t, "ambulances", "救护车(含负压)", HSS_COL_INT);
    size_t c_np = hss_table_add_col(t, "negative_pressure_ambulances", "其中负压", HSS_COL_INT);
    for (size_t r = show_leftover ? 0 : 1; r <= c.nrows; r++) {
        row *x = r < c.nrows ? &c.rows[r] : &total;
        hss_table_add_row(t);
        hss_table_set_text(t, 0, x->code);
        hss_table_set_text(t, 1, x->name);
        hss_table_set_text(t, 2, f->display && *x->level ? hss_model_zh(HSS_VOCAB_LEVEL, x->level) : x->level);
        if (r == 0)
            hss_table_set_int(t, 3, 0); /* residents live in the listed areas */
        else if (x->res_known)
            hss_table_set_int(t, 3, x->res);
        hss_table_set_int(t, 4, x->facilities);
        for (size_t k = 0; k < c.ntypes; k++)
            if (type_col[k] >= 0)
                hss_table_set_int(t, (size_t)type_col[k], x->by_type[k]);
        hss_table_set_int(t, c_ba, x->beds_approved);
        hss_table_set_int(t, c_bo, x->beds_open);
        hss_table_set_int(t, c_bu, x->beds_unreported);
        int64_t people = 0;
        for (size_t k = 0; k < c.nstaff; k++) {
            people += x->by_staff[k];
            if (staff_col[k] >= 0)
                hss_table_set_int(t, (size_t)staff_col[k], x->by_staff[k]);
        }
        hss_table_set_int(t, c_staff, people);
        hss_table_set_int(t, c_amb, x->ambulances);
        hss_table_set_int(t, c_np, x->negative_pressure);
    }
    free(type_col);
    free(staff_col);
    free(total.by_type);
    free(total.by_staff);
    free_ctx(&c);
    *out = t;
    return HSS_OK;
}
