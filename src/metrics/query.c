/*
 * query.c: indicator values served from the maintained aggregates. An evaluation context holds
 * the region tree, the indicator definitions, the aggregate rows it has read (one range read
 * per area and year) and the stored facts it has summed (staff, beds); it evaluates
 * numerator and denominator of an indicator for an area or facility and a period, the target
 * of a pack and the change from the previous period. Facility-level values come straight
 * from data_value (at most 12 months of one facility).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/internal.h"
#include "model/model.h"

typedef struct staff_sum {
    char *category;
    double *area; /* per area index: sum over facilities in its subtree */
    double *fac;  /* per facility */
} staff_sum;

typedef struct mx_ctx {
    hss_store *st;
    mx_tree tree;
    mx_defs defs;
    mx_aggmap aggs;
    mx_strmap loaded; /* "node|year" already read */
    staff_sum *staff;
    size_t nstaff;
    double *beds_area[2]; /* open, approved per area (NAN unknown) */
    hss_vec summaries;    /* mx_summary: areas' own figures above their element's level */
} mx_ctx;

/* An area's own figure of an element reported above the element's level (slice 2). */
typedef struct mx_summary {
    int area, year, element;
} mx_summary;

/* Where the values behind an indicator came from (the `source` column). */
typedef struct mx_src {
    int elements; /* element terms evaluated */
    int records;  /* some value is a figure taken from HSS's records */
    int imports;  /* some value is an imported (or generated) monthly report */
    int summary;  /* a county's own figure stood for its townships */
    int shadowed; /* a value was set aside: an import for a record, townships for a county */
} mx_src;

/* A node is an area (fac < 0) or a facility. */
typedef struct mx_node {
    int area, fac;
} mx_node;

static void ctx_close(mx_ctx *c)
{
    mx_tree_free(&c->tree);
    mx_defs_free(&c->defs);
    mx_aggmap_free(&c->aggs);
    mx_strmap_free(&c->loaded);
    for (size_t i = 0; i < c->nstaff; i++) {
        free(c->staff[i].category);
        free(c->staff[i].area);
        free(c->staff[i].fac);
    }
    free(c->staff);
    free(c->beds_area[0]);
    free(c->beds_area[1]);
    hss_vec_free(&c->summaries);
}

hss_code mx_refresh(hss_store *st, const mx_tree *t, int all, hss_error *err)
{
    int current = mx_agg_current(st, t);
    if (current && !all && !mx_records_stale(st))
        return HSS_OK;
    hss_code rc = hss_store_begin(st, err);
    if (rc)
        return rc;
    mx_aggmap delta;
    mx_aggmap_init(&delta);
    size_t n = 0;
    rc = mx_records_refresh(st, t, &delta, all, &n, err);
    if (rc == HSS_OK)
        rc = current ? mx_agg_store_add(st, &delta, t, err) : mx_rebuild_locked(st, t, err);
    mx_aggmap_free(&delta);
    if (rc == HSS_OK)
        rc = hss_store_commit(st, err);
    else
        hss_store_rollback(st);
    return rc;
}

hss_code hss_metrics_take_records(hss_store *st, hss_error *err)
{
    mx_tree t;
    hss_code rc = mx_tree_load(st, &t, err);
    if (rc == HSS_OK)
        rc = mx_refresh(st, &t, 1, err);
    mx_tree_free(&t);
    return rc;
}

/* Opens a context on the stored region, or on the one given as nodes (areas != NULL). */
static hss_code ctx_open_on(mx_ctx *c, hss_store *st, const hss_metrics_node *areas, size_t na,
                            const hss_metrics_node *facs, size_t nf, hss_error *err)
{
    memset(c, 0, sizeof *c);
    c->st = st;
    mx_aggmap_init(&c->aggs);
    hss_vec_init(&c->summaries, sizeof(mx_summary));
    hss_code rc = HSS_OK;
    if (areas)
        mx_tree_from_nodes(&c->tree, areas, na, facs, nf);
    else
        rc = mx_tree_load(st, &c->tree, err);
    if (rc == HSS_OK)
        rc = mx_defs_load(hss_metrics_indicator_file(), &c->defs, err);
    if (rc == HSS_OK)
        rc = mx_refresh(st, &c->tree, 0, err);
    if (rc)
        ctx_close(c);
    return rc;
}

static hss_code ctx_open(mx_ctx *c, hss_store *st, hss_error *err)
{
    return ctx_open_on(c, st, NULL, 0, NULL, 0, err);
}

static int fac_key(int fac)
{
    return -fac - 2; /* facility nodes use negative area keys in the aggregate map */
}

static hss_code ensure_loaded(mx_ctx *c, mx_node n, int year, hss_error *err)
{
    char key[64];
    snprintf(key, sizeof key, "%d|%d|%d", n.area, n.fac, year);
    int dummy;
    if (mx_strmap_get(&c->loaded, key, &dummy))
        return HSS_OK;
    mx_strmap_put(&c->loaded, key, 1);
    if (n.fac < 0)
        return mx_agg_load(c->st, &c->aggs, &c->tree, n.area, year, err);
    const mx_fac *f = &c->tree.facs[n.fac];
    hss_error local;
    int64_t org = mx_org_id(c->st, f->code, 0, &local);
    if (org <= 0)
        return HSS_OK; /* the facility never reported */
    /* One primary-key range per facility element: (element, org, period). */
    hss_stmt *s = hss_store_prepare(
        c->st, "SELECT period, value FROM data_value WHERE element_id = ? AND org_id = ? "
               "AND period BETWEEN ? AND ?", err);
    if (!s)
        return err->code;
    size_t ne;
    const hss_metrics_element *els = hss_metrics_elements(&ne);
    for (size_t i = 0; i < ne; i++) {
        if (els[i].org_kind != HSS_ORG_FACILITY)
            continue;
        hss_store_bind_int(s, 1, els[i].id);
        hss_store_bind_int64(s, 2, org);
        hss_store_bind_int(s, 3, year * 100 + 1);
        hss_store_bind_int(s, 4, year * 100 + 12);
        while (hss_store_step(s) == HSS_ROW) {
            int ym = hss_store_col_int(s, 0);
            double v = hss_store_col_double(s, 1);
            mx_agg_add(mx_aggmap_get(&c->aggs, fac_key(n.fac), year, els[i].id, 0, 1), ym % 100,
                       v, 1);
            if (f->basic)
                mx_agg_add(mx_aggmap_get(&c->aggs, fac_key(n.fac), year, els[i].id, 1, 1),
                           ym % 100, v, 1);
        }
        hss_store_reset(s);
    }
    hss_store_finalize(s);
    return HSS_OK;
}

/* The first and last month (1-12) of a period. */
static void period_months(const mx_period *p, int *first, int *last)
{
    *first = 1;
    *last = 12;
    if (p->type == MX_MONTH)
        *first = *last = p->n;
    else if (p->type == MX_QUARTER)
        *first = 3 * p->n - 2, *last = 3 * p->n;
    else if (p->type == MX_YTD)
        *last = p->n;
}

/* The areas' own figures of `year` (a county's contracted_residents), read once per year. */
static hss_code ensure_summaries(mx_ctx *c, int year, hss_error *err)
{
    char key[32];
    snprintf(key, sizeof key, "S|%d", year);
    int dummy;
    if (mx_strmap_get(&c->loaded, key, &dummy))
        return HSS_OK;
    mx_strmap_put(&c->loaded, key, 1);
    hss_stmt *s = hss_store_prepare(
        c->st, "SELECT DISTINCT area, element_id FROM metric_agg WHERE slice = 2 AND year = ?", err);
    if (!s)
        return err->code;
    hss_store_bind_int(s, 1, year);
    hss_code rc = HSS_OK;
    while (rc == HSS_OK && hss_store_step(s) == HSS_ROW) {
        int area, fac;
        if (!mx_tree_find(&c->tree, hss_store_col_text(s, 0), &area, &fac) || fac >= 0)
            continue;
        *(mx_summary *)hss_vec_push(&c->summaries) = (mx_summary){area, year, hss_store_col_int(s, 1)};
        rc = ensure_loaded(c, (mx_node){area, -1}, year, err);
    }
    hss_store_finalize(s);
    return rc;
}

static int within(const mx_tree *t, int area, int top)
{
    for (int a = area; a >= 0; a = t->areas[a].parent)
        if (a == top)
            return 1;
    return 0;
}

static void fix_periods(mx_agg *a)
{
    for (int k = 12; k < MX_SLOTS; k++)
        a->sum[k] = a->cnt[k] = 0;
    for (int mo = 1; mo <= 12; mo++) {
        int q = 12 + (mo - 1) / 3;
        a->sum[q] += a->sum[mo - 1];
        a->cnt[q] += a->cnt[mo - 1];
        a->sum[16] += a->sum[mo - 1];
        a->cnt[16] += a->cnt[mo - 1];
    }
}

/* The aggregate of an element for a node as the indicators count it. For an area, where an
 * area at or under it reported its own figure for a month (a county's contracted_residents),
 * that figure stands for the sum of its parts that month and is never added to it, unless
 * HSS holds records there that month (records win). */
static hss_code element_agg(mx_ctx *c, mx_node n, const mx_period *p, int element, int slice,
                            mx_agg *out, mx_src *src, hss_error *err)
{
    int year = p->year, first, last;
    period_months(p, &first, &last);
    const mx_agg *base = mx_aggmap_get(&c->aggs, n.fac >= 0 ? fac_key(n.fac) : n.area, year,
                                       element, slice, 0);
    if (base)
        *out = *base;
    else
        memset(out, 0, sizeof *out);
    if (n.fac >= 0 || (slice != MX_SLICE_ALL && slice != MX_SLICE_RECORDS))
        return HSS_OK;
    hss_code rc = ensure_summaries(c, year, err);
    if (rc)
        return rc;
    int changed = 0;
    for (size_t i = 0; i < c->summaries.len; i++) {
        const mx_summary *sm = &HSS_VEC_AT(&c->summaries, mx_summary, i);
        if (sm->year != year || sm->element != element || !within(&c->tree, sm->area, n.area))
            continue;
        int nested = 0; /* under another own figure that already stands for this one */
        for (size_t j = 0; j < c->summaries.len && !nested; j++) {
            const mx_summary *up = &HSS_VEC_AT(&c->summaries, mx_summary, j);
            nested = j != i && up->year == year && up->element == element && up->area != sm->area &&
                     within(&c->tree, sm->area, up->area) && within(&c->tree, up->area, n.area);
        }
        if (nested)
            continue;
        const mx_agg *own = mx_aggmap_get(&c->aggs, sm->area, year, element, MX_SLICE_OWN, 0);
        const mx_agg *part = mx_aggmap_get(&c->aggs, sm->area, year, element, MX_SLICE_ALL, 0);
        const mx_agg *rec = mx_aggmap_get(&c->aggs, sm->area, year, element, MX_SLICE_RECORDS, 0);
        for (int mo = 0; own && mo < 12; mo++) {
            /* the source is said for the months of the period asked */
            int said = src && mo + 1 >= first && mo + 1 <= last;
            if (own->cnt[mo] <= 0)
                continue;
            if (rec && rec->cnt[mo] > 0) {
                if (said)
                    src->shadowed = 1;
                continue;
            }
            if (slice == MX_SLICE_ALL) {
                out->sum[mo] += own->sum[mo] - (part ? part->sum[mo] : 0);
                out->cnt[mo] += own->cnt[mo] - (part ? part->cnt[mo] : 0);
                changed = 1;
                if (said)
                    src->summary = 1;
            }
            if (said && part && part->cnt[mo] > 0)
                src->shadowed = 1;
        }
    }
    if (changed)
        fix_periods(out);
    return HSS_OK;
}

/* The number of values counted in the months of a period. */
static double agg_count(const mx_agg *a, const mx_period *p)
{
    int first, last;
    period_months(p, &first, &last);
    double n = 0;
    for (int mo = first; mo <= last; mo++)
        n += a->cnt[mo - 1];
    return n;
}

/* Notes where the values of one element term came from. */
static hss_code note_source(mx_ctx *c, mx_node n, const mx_period *p, int element,
                            const mx_agg *all, mx_src *src, hss_error *err)
{
    src->elements++;
    if (n.fac >= 0) {
        src->imports |= agg_count(all, p) > 0;
        return HSS_OK;
    }
    mx_agg rec;
    mx_src ignore = {0};
    hss_code rc = element_agg(c, n, p, element, MX_SLICE_RECORDS, &rec, &ignore, err);
    if (rc)
        return rc;
    double nrec = agg_count(&rec, p), nall = agg_count(all, p);
    const mx_agg *shadow = mx_aggmap_get(&c->aggs, n.area, p->year, element, MX_SLICE_SHADOWED, 0);
    src->records |= nrec > 0;
    src->imports |= nall > nrec;
    src->shadowed |= shadow && agg_count(shadow, p) > 0;
    return HSS_OK;
}

/* Staff sums per facility and per area (over its subtree) for every staff category the
 * definitions use, read in one pass over the staff table on first use. */
static staff_sum *staff_for(mx_ctx *c, const char *category, hss_error *err)
{
    if (!c->staff) {
        for (size_t i = 0; i < c->defs.nind; i++)
            for (int side = 0; side < 2; side++) {
                const mx_expr *e = side ? &c->defs.ind[i].den : &c->defs.ind[i].num;
                for (size_t k = 0; k < e->n; k++) {
                    if (e->terms[k].kind != MX_TERM_STAFF)
                        continue;
                    size_t j = 0;
                    while (j < c->nstaff && strcmp(c->staff[j].category, e->terms[k].staff))
                        j++;
                    if (j < c->nstaff)
                        continue;
                    c->staff = hss_xrealloc(c->staff, (c->nstaff + 1) * sizeof *c->staff);
                    staff_sum *ss = &c->staff[c->nstaff++];
                    ss->category = hss_xstrdup(e->terms[k].staff);
                    ss->area = hss_xcalloc(c->tree.na + 1, sizeof(double));
                    ss->fac = hss_xcalloc(c->tree.nf + 1, sizeof(double));
                }
            }
        hss_stmt *s =
            hss_store_prepare(c->st, "SELECT facility_code, category, count FROM staff", err);
        if (!s)
            return NULL;
        while (hss_store_step(s) == HSS_ROW) {
            const char *cat = hss_store_col_text(s, 1);
            size_t j = 0;
            while (j < c->nstaff && strcmp(c->staff[j].category, cat))
                j++;
            int area, fac;
            if (j == c->nstaff ||
                !mx_tree_find(&c->tree, hss_store_col_text(s, 0), &area, &fac) ||
                fac < 0)
                continue;
            double v = hss_store_col_double(s, 2);
            c->staff[j].fac[fac] += v;
            for (int a = area; a >= 0; a = c->tree.areas[a].parent)
                c->staff[j].area[a] += v;
        }
        hss_store_finalize(s);
    }
    for (size_t i = 0; i < c->nstaff; i++)
        if (strcmp(c->staff[i].category, category) == 0)
            return &c->staff[i];
    hss_fail(err, HSS_EINVAL, "staff category '%s' is not used by any indicator", category);
    return NULL;
}

static double beds(mx_ctx *c, mx_node n, int approved)
{
    if (n.fac >= 0) {
        int64_t b = approved ? c->tree.facs[n.fac].beds_approved : c->tree.facs[n.fac].beds_open;
        return b < 0 ? NAN : (double)b;
    }
    if (!c->beds_area[approved]) {
        double *s = hss_xmalloc((c->tree.na + 1) * sizeof *s);
        for (size_t i = 0; i < c->tree.na; i++)
            s[i] = NAN;
        for (size_t i = 0; i < c->tree.nf; i++) {
            const mx_fac *f = &c->tree.facs[i];
            int64_t b = approved ? f->beds_approved : f->beds_open;
            if (b < 0)
                continue;
            for (int a = f->area; a >= 0; a = c->tree.areas[a].parent)
                s[a] = (isnan(s[a]) ? 0 : s[a]) + (double)b;
        }
        c->beds_area[approved] = s;
    }
    return c->beds_area[approved][n.area];
}

/* Evaluates an expression; *has = 0 when none of its elements has data or a fact is unknown. */
static hss_code eval_expr(mx_ctx *c, const mx_expr *e, mx_node n, const mx_period *p,
                          double *out, int *has, mx_src *src, hss_error *err)
{
    double sum = 0;
    int any_el = 0, el_terms = 0, unknown = 0;
    for (size_t i = 0; i < e->n; i++) {
        const mx_term *t = &e->terms[i];
        double v = 0;
        switch (t->kind) {
        case MX_TERM_ELEMENT: {
            el_terms++;
            hss_code rc = ensure_loaded(c, n, p->year, err);
            mx_agg all, part;
            mx_src local = {0};
            mx_src *sp = src ? src : &local;
            if (rc == HSS_OK)
                rc = element_agg(c, n, p, t->element, MX_SLICE_ALL, &all, sp, err);
            if (rc == HSS_OK && t->slice)
                rc = element_agg(c, n, p, t->element, t->slice, &part, sp, err);
            if (rc == HSS_OK && src)
                rc = note_source(c, n, p, t->element, &all, src, err);
            if (rc)
                return rc;
            int h;
            const hss_metrics_element *el = mx_element_by_id(t->element);
            v = mx_agg_value(t->slice ? &part : &all, el, p, &h);
            /* element[basic]: when the element has data at all, a missing basic-level slice
             * is a true zero (no basic-level facility reported any). */
            if (t->slice)
                mx_agg_value(&all, el, p, &h);
            any_el |= h;
            break;
        }
        case MX_TERM_POPULATION:
            if (n.fac >= 0 || c->tree.areas[n.area].population < 0)
                unknown = 1;
            else
                v = (double)c->tree.areas[n.area].population;
            break;
        case MX_TERM_STAFF: {
            staff_sum *ss = staff_for(c, t->staff, err);
            if (!ss)
                return err->code;
            v = n.fac >= 0 ? ss->fac[n.fac] : ss->area[n.area];
            break;
        }
        case MX_TERM_BEDS_OPEN:
        case MX_TERM_BEDS_APPROVED:
            v = beds(c, n, t->kind == MX_TERM_BEDS_APPROVED);
            if (isnan(v))
                unknown = 1;
            break;
        }
        sum += t->sign * v;
    }
    *out = sum;
    *has = !unknown && (el_terms == 0 || any_el);
    return HSS_OK;
}

/* value = num / den * factor; *ok = 0 when there is no value. `src` (may be NULL) receives
 * where the values came from. When the numerator comes from HSS's records only and the
 * indicator names a records_denominator, that is the denominator (*rec_den = 1). */
static hss_code eval_indicator_src(mx_ctx *c, const mx_indicator *ind, mx_node n,
                                   const mx_period *p, double *value, double *num, double *den,
                                   int *ok, mx_src *src, int *rec_den, hss_error *err)
{
    int hn, hd;
    *ok = 0;
    mx_src ns = {0};
    hss_code rc = eval_expr(c, &ind->num, n, p, num, &hn, &ns, err);
    int by_records = ind->rec_den && ns.records && !ns.imports && !ns.summary;
    if (rec_den)
        *rec_den = by_records;
    if (rc == HSS_OK)
        rc = eval_expr(c, by_records ? ind->rec_den : &ind->den, n, p, den, &hd, src, err);
    if (src) {
        src->elements += ns.elements;
        src->records |= ns.records;
        src->imports |= ns.imports;
        src->summary |= ns.summary;
        src->shadowed |= ns.shadowed;
    }
    if (rc)
        return rc;
    if (hn && hd && *den != 0) {
        *value = *num / *den * ind->factor;
        *ok = 1;
    }
    return HSS_OK;
}

static hss_code eval_indicator(mx_ctx *c, const mx_indicator *ind, mx_node n,
                               const mx_period *p, double *value, double *num, double *den,
                               int *ok, hss_error *err)
{
    return eval_indicator_src(c, ind, n, p, value, num, den, ok, NULL, NULL, err);
}

static int applies(const mx_ctx *c, const mx_indicator *ind, mx_node n)
{
    int lv = n.fac >= 0 ? MX_LEVEL_FACILITY : c->tree.areas[n.area].level;
    return (ind->levels >> lv) & 1;
}

/* A session keeps the area tree, the indicator definitions and the aggregates it has read, so
 * that many values in a row (a policy evaluation asks one per rule and area) cost one load. */
struct hss_metrics_session {
    mx_ctx c;
};

static hss_metrics_session *session_open_on(hss_store *st, const hss_metrics_node *areas,
                                            size_t na, const hss_metrics_node *facs, size_t nf,
                                            hss_error *err)
{
    hss_metrics_session *s = hss_xcalloc(1, sizeof *s);
    if (ctx_open_on(&s->c, st, areas, na, facs, nf, err)) {
        free(s);
        return NULL;
    }
    return s;
}

hss_metrics_session *hss_metrics_session_open_nodes(hss_store *st, const hss_metrics_node *areas,
                                                    size_t na, const hss_metrics_node *facs,
                                                    size_t nf, hss_error *err)
{
    static const hss_metrics_node none; /* no areas: still the nodes' tree, an empty one */
    return session_open_on(st, areas ? areas : &none, na, facs, nf, err);
}

hss_metrics_session *hss_metrics_session_open(hss_store *st, hss_error *err)
{
    return session_open_on(st, NULL, 0, NULL, 0, err);
}

void hss_metrics_session_close(hss_metrics_session *s)
{
    if (!s)
        return;
    ctx_close(&s->c);
    free(s);
}

hss_code hss_metrics_session_value(hss_metrics_session *s, const char *indicator, const char *area,
                                   const char *period, double *value, double *num, double *den,
                                   hss_error *err)
{
    mx_period p;
    if (!period || mx_period_parse(period, &p) != 0)
        return hss_fail(err, HSS_EINVAL, "period '%s' is not a month (2025-03), quarter (2025Q1), "
                                         "year (2025) or year to date (YTD2025-03)",
                        period ? period : "");
    mx_ctx *c = &s->c;
    const mx_indicator *ind = mx_defs_find(&c->defs, indicator);
    mx_node n;
    double v = 0, nu = 0, de = 0;
    int ok = 0;
    hss_code rc;
    if (!ind)
        rc = hss_fail(err, HSS_EINVAL, "unknown indicator '%s'", indicator);
    else if (!mx_tree_find(&c->tree, area, &n.area, &n.fac))
        rc = hss_fail(err, HSS_EINVAL, "no area or facility with code '%s'", area);
    else
        rc = eval_indicator(c, ind, n, &p, &v, &nu, &de, &ok, err);
    if (rc == HSS_OK && !ok)
        rc = hss_fail(err, HSS_ENOTFOUND, "no data for %s in %s for %s", indicator, area, period);
    if (rc == HSS_OK) {
        if (value)
            *value = v;
        if (num)
            *num = nu;
        if (den)
            *den = de;
    }
    return rc;
}

hss_code hss_metrics_value(hss_store *st, const char *indicator, const char *area,
                           const char *period, double *value, double *num, double *den,
                           hss_error *err)
{
    hss_metrics_session *s = hss_metrics_session_open(st, err);
    if (!s)
        return err && err->code ? err->code : HSS_EDB;
    hss_code rc = hss_metrics_session_value(s, indicator, area, period, value, num, den, err);
    hss_metrics_session_close(s);
    return rc;
}

/* ---- the indicators table ----------------------------------------------------------------- */

static hss_code latest_month(hss_store *st, mx_period *p, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT max(period) FROM data_value", err);
    if (!s)
        return err->code;
    int ym = 0;
    if (hss_store_step(s) == HSS_ROW)
        ym = hss_store_col_int(s, 0);
    hss_store_finalize(s);
    if (!ym)
        return hss_fail(err, HSS_ENOTFOUND, "no data values are stored: import them with "
                                            "'hss data import' or 'hss data generate'");
    *p = (mx_period){MX_MONTH, ym / 100, ym % 100};
    return HSS_OK;
}

static const mx_target *target_of(const mx_indicator *ind, const char *pack)
{
    for (size_t i = 0; i < ind->ntargets; i++)
        if (strcmp(ind->targets[i].pack, pack) == 0)
            return &ind->targets[i];
    return NULL;
}

enum { C_IND, C_NAME, C_AREA, C_AREA_NAME, C_LEVEL, C_PERIOD, C_VALUE, C_NUM, C_DEN, C_UNIT,
       C_TARGET, C_OP, C_STATUS, C_PREV, C_CHANGE, C_DOC, C_SOURCE, C_NOTE };

static hss_table *new_table(int en)
{
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "indicator", en ? "indicator" : "指标", HSS_COL_TEXT);
    hss_table_add_col(t, "name", en ? "name" : "名称", HSS_COL_TEXT);
    hss_table_add_col(t, "area", en ? "code" : "代码", HSS_COL_TEXT);
    hss_table_add_col(t, "area_name", en ? "area" : "地区/机构", HSS_COL_TEXT);
    hss_table_add_col(t, "level", en ? "level" : "层级", HSS_COL_TEXT);
    hss_table_add_col(t, "period", en ? "period" : "期间", HSS_COL_TEXT);
    hss_table_add_col(t, "value", en ? "value" : "值", HSS_COL_REAL);
    hss_table_add_col(t, "numerator", en ? "numerator" : "分子", HSS_COL_REAL);
    hss_table_add_col(t, "denominator", en ? "denominator" : "分母", HSS_COL_REAL);
    hss_table_add_col(t, "unit", en ? "unit" : "单位", HSS_COL_TEXT);
    hss_table_add_col(t, "target", en ? "target" : "目标", HSS_COL_REAL);
    hss_table_add_col(t, "op", en ? "op" : "比较", HSS_COL_TEXT);
    hss_table_add_col(t, "status", en ? "status" : "状态", HSS_COL_TEXT);
    hss_table_add_col(t, "previous", en ? "previous" : "上期", HSS_COL_REAL);
    hss_table_add_col(t, "change", en ? "change" : "变化", HSS_COL_REAL);
    hss_table_add_col(t, "document", en ? "document" : "依据", HSS_COL_TEXT);
    hss_table_add_col(t, "source", en ? "source" : "来源", HSS_COL_TEXT);
    hss_table_add_col(t, "source_note", en ? "source note" : "来源说明", HSS_COL_TEXT);
    return t;
}

/* The source id of an indicator value: records (HSS's own records), import (monthly reports),
 * county (a county's own figure stood for its townships), mixed, region (facts of the region
 * model only: facilities, beds, staff, population). */
static const char *source_id(const mx_src *s)
{
    if (!s->elements)
        return "region";
    if (s->records && (s->imports || s->summary))
        return "mixed";
    if (s->records)
        return "records";
    return s->summary ? "county" : "import";
}

/* What the indicators screen says under a value about where it came from. */
static void source_note(mx_ctx *c, const mx_indicator *ind, mx_node n, const mx_src *s,
                        int rec_den, double den, int en, char *out, size_t size)
{
    const hss_metrics_element *el = ind->num.n && ind->num.terms[0].kind == MX_TERM_ELEMENT
                                        ? mx_element_by_id(ind->num.terms[0].element) : NULL;
    const char *rec = el && el->records_zh ? (en ? el->records_en : el->records_zh)
                                           : (en ? "HSS records" : "业务记录");
    const char *id = source_id(s);
    int pos = 0;
    if (!strcmp(id, "region"))
        pos = snprintf(out, size, en ? "from the facility and staff register" : "来自机构和人员登记");
    else if (!strcmp(id, "records"))
        pos = snprintf(out, size, en ? "from %s" : "来自%s", rec);
    else if (!strcmp(id, "mixed"))
        pos = snprintf(out, size, en ? "partly from %s, partly from monthly reports"
                                     : "部分来自%s，部分来自上报汇总", rec);
    else if (!strcmp(id, "county"))
        pos = snprintf(out, size, en ? "from the county's own monthly report (not added to its "
                                       "townships' figures)"
                                     : "来自县级上报汇总（不与乡镇数相加）");
    else
        pos = snprintf(out, size, en ? "from monthly reports" : "来自上报汇总");
    if (s->shadowed && s->records && pos >= 0 && (size_t)pos < size)
        pos += snprintf(out + pos, size - (size_t)pos,
                        en ? "; monthly reports for the same areas and months exist too: the "
                             "records are used"
                           : "；同期另有上报汇总，采用记录数");
    if (rec_den && n.fac < 0 && pos >= 0 && (size_t)pos < size) {
        int64_t pop = c->tree.areas[n.area].population;
        if (pop > 0 && den < 0.9 * (double)pop)
            snprintf(out + pos, size - (size_t)pos,
                     en ? "; the resident register is a sample (%.0f registered, %lld residents): "
                          "the rate is over the registered residents"
                        : "；居民登记为抽样（在册 %.0f 人，常住人口 %lld 人），以在册居民为分母",
                     den, (long long)pop);
    }
}

static hss_code add_rows(mx_ctx *c, hss_table *t, const mx_indicator *ind, mx_node n,
                         const mx_period *p, const char *pack, int en, hss_error *err)
{
    double v, nu, de, pv, pn, pd;
    int ok, pok, rec_den = 0;
    mx_src src = {0};
    hss_code rc = eval_indicator_src(c, ind, n, p, &v, &nu, &de, &ok, &src, &rec_den, err);
    mx_period prev = mx_period_prev(p);
    if (rc == HSS_OK)
        rc = eval_indicator(c, ind, n, &prev, &pv, &pn, &pd, &pok, err);
    if (rc)
        return rc;
    const mx_target *tg = target_of(ind, pack);
    double target = NAN;
    if (tg && !tg->relative)
        target = tg->value;
    else if (tg) {
        mx_period ly = *p;
        ly.year--;
        double lv, ln, ld;
        int lok;
        rc = eval_indicator(c, ind, n, &ly, &lv, &ln, &ld, &lok, err);
        if (rc)
            return rc;
        if (lok)
            target = lv + tg->value;
    }
    char pbuf[32];
    mx_period_format(p, pbuf, sizeof pbuf);
    hss_table_add_row(t);
    hss_table_set_text(t, C_IND, ind->id);
    hss_table_set_text(t, C_NAME, en ? ind->en : ind->zh);
    if (n.fac >= 0) {
        hss_table_set_text(t, C_AREA, c->tree.facs[n.fac].code);
        hss_table_set_text(t, C_AREA_NAME, c->tree.facs[n.fac].name);
        hss_table_set_text(t, C_LEVEL, "facility");
    } else {
        hss_table_set_text(t, C_AREA, c->tree.areas[n.area].code);
        hss_table_set_text(t, C_AREA_NAME, c->tree.areas[n.area].name);
        hss_table_set_text(t, C_LEVEL,
                           hss_model_terms(HSS_VOCAB_LEVEL, &(size_t){0})[c->tree.areas[n.area].level].id);
    }
    hss_table_set_text(t, C_PERIOD, pbuf);
    if (ok) {
        hss_table_set_real(t, C_VALUE, v, 2);
        hss_table_set_real(t, C_NUM, nu, 2);
        hss_table_set_real(t, C_DEN, de, 2);
    }
    hss_table_set_text(t, C_UNIT, ind->unit);
    const char *status = "none";
    if (tg) {
        hss_table_set_text(t, C_OP, tg->op);
        if (!isnan(target))
            hss_table_set_real(t, C_TARGET, target, 2);
        if (!ok || isnan(target))
            status = "unknown";
        else if (strcmp(tg->op, ">=") == 0)
            status = v >= target - 1e-9 ? "pass" : "fail";
        else
            status = v <= target + 1e-9 ? "pass" : "fail";
    } else if (!ok)
        status = "unknown";
    hss_table_set_text(t, C_STATUS, status);
    if (pok)
        hss_table_set_real(t, C_PREV, pv, 2);
    if (ok && pok)
        hss_table_set_real(t, C_CHANGE, v - pv, 2);
    hss_table_set_text(t, C_DOC, tg ? tg->document : ind->document);
    if (ok) {
        char note[400];
        source_note(c, ind, n, &src, rec_den, de, en, note, sizeof note);
        hss_table_set_text(t, C_SOURCE, source_id(&src));
        hss_table_set_text(t, C_NOTE, note);
    }
    return HSS_OK;
}

hss_code hss_metrics_indicators(hss_store *st, const hss_metrics_query *q, hss_table **out,
                                hss_error *err)
{
    *out = NULL;
    mx_period p;
    if (q->period && mx_period_parse(q->period, &p) != 0)
        return hss_fail(err, HSS_EINVAL, "--period '%s' is not a month (2025-03), quarter "
                                         "(2025Q1), year (2025) or year to date (YTD2025-03)",
                        q->period);
    mx_ctx c;
    hss_code rc = ctx_open(&c, st, err);
    if (rc)
        return rc;
    if (!q->period)
        rc = latest_month(st, &p, err);
    const char *pack = q->pack ? q->pack : "liaocheng";
    int known_pack = 0;
    for (size_t i = 0; i < c.defs.nind; i++)
        known_pack |= target_of(&c.defs.ind[i], pack) != NULL;
    if (rc == HSS_OK && !known_pack && !q->any_pack)
        rc = hss_fail(err, HSS_EINVAL, "--pack '%s': no indicator has a target from that pack "
                                       "(indicators.yaml has liaocheng and yiwu targets)", pack);
    if (rc == HSS_OK && q->indicator && !mx_defs_find(&c.defs, q->indicator)) {
        const char *names[128];
        size_t k = 0;
        for (; k < c.defs.nind && k < 128; k++)
            names[k] = c.defs.ind[k].id;
        const char *s = hss_suggest(q->indicator, names, k);
        rc = hss_fail(err, HSS_EINVAL, "unknown indicator '%s'%s%s%s", q->indicator,
                      s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
    }
    /* The nodes: the area and its children (areas, then facilities sitting in it). */
    hss_vec nodes;
    hss_vec_init(&nodes, sizeof(mx_node));
    if (rc == HSS_OK && q->under) {
        mx_node n;
        if (!mx_tree_find(&c.tree, q->under, &n.area, &n.fac))
            rc = hss_fail(err, HSS_EINVAL, "--under: no area or facility with code '%s'",
                          q->under);
        else {
            *(mx_node *)hss_vec_push(&nodes) = n;
            for (size_t i = 0; n.fac < 0 && i < c.tree.na; i++)
                if (c.tree.areas[i].parent == n.area)
                    *(mx_node *)hss_vec_push(&nodes) = (mx_node){(int)i, -1};
            /* facilities in the area itself, and in its villages (a township's village
             * clinics are what pull a township down) */
            for (size_t i = 0; n.fac < 0 && i < c.tree.nf; i++) {
                const mx_area *fa = &c.tree.areas[c.tree.facs[i].area];
                if (c.tree.facs[i].area == n.area ||
                    (fa->parent == n.area && fa->level == HSS_LEVEL_VILLAGE))
                    *(mx_node *)hss_vec_push(&nodes) = (mx_node){c.tree.facs[i].area, (int)i};
            }
        }
    } else if (rc == HSS_OK) {
        for (size_t i = 0; i < c.tree.na; i++)
            if (c.tree.areas[i].parent < 0) {
                *(mx_node *)hss_vec_push(&nodes) = (mx_node){(int)i, -1};
                for (size_t j = 0; j < c.tree.na; j++)
                    if (c.tree.areas[j].parent == (int)i)
                        *(mx_node *)hss_vec_push(&nodes) = (mx_node){(int)j, -1};
            }
    }
    hss_table *t = rc == HSS_OK ? new_table(q->english) : NULL;
    for (size_t i = 0; rc == HSS_OK && i < c.defs.nind; i++) {
        const mx_indicator *ind = &c.defs.ind[i];
        if (q->indicator && strcmp(q->indicator, ind->id) != 0)
            continue;
        for (size_t j = 0; rc == HSS_OK && j < nodes.len; j++) {
            mx_node n = HSS_VEC_AT(&nodes, mx_node, j);
            if (!applies(&c, ind, n))
                continue;
            /* --trend N: the N periods ending with p, oldest first */
            int nt = q->trend > 1 ? (q->trend > 120 ? 120 : q->trend) : 1;
            mx_period ps[120];
            ps[nt - 1] = p;
            for (int k = nt - 2; k >= 0; k--)
                ps[k] = mx_period_prev(&ps[k + 1]);
            for (int k = 0; rc == HSS_OK && k < nt; k++)
                rc = add_rows(&c, t, ind, n, &ps[k], pack, q->english, err);
        }
    }
    hss_vec_free(&nodes);
    ctx_close(&c);
    if (rc) {
        hss_table_free(t);
        return rc;
    }
    *out = t;
    return HSS_OK;
}

/* ---- findings in the policy module's shape ------------------------------------------------- */

hss_code hss_metrics_findings(hss_store *st, const char *pack, int year, const char *under,
                              hss_table **out, hss_error *err)
{
    *out = NULL;
    mx_ctx c;
    hss_code rc = ctx_open(&c, st, err);
    if (rc)
        return rc;
    mx_period latest = {MX_MONTH, 0, 0}, p;
    hss_error none;
    if (latest_month(st, &latest, &none) != HSS_OK) {
        latest.year = 0; /* no data: every finding is unknown */
    }
    if (year <= 0)
        year = latest.year ? latest.year : 0;
    if (latest.year == year && latest.n < 12)
        p = (mx_period){MX_YTD, year, latest.n};
    else
        p = (mx_period){MX_YEAR, year, 0};
    int root = -1, fac = -1;
    if (under && !mx_tree_find(&c.tree, under, &root, &fac))
        rc = hss_fail(err, HSS_EINVAL, "no area with code '%s'", under);
    else if (under && fac >= 0)
        root = -1, rc = hss_fail(err, HSS_EINVAL, "'%s' is a facility, not an area", under);
    hss_table *t = NULL;
    if (rc == HSS_OK) {
        t = hss_table_new();
        static const char *const cols[] = {"rule", "title", "measure", "area", "facility",
                                           "status", "observed", "target", "gap", "unit",
                                           "gap_text", "document", "quote"};
        for (size_t i = 0; i < 13; i++)
            hss_table_add_col(t, cols[i], NULL,
                              i >= 6 && i <= 8 ? HSS_COL_REAL : HSS_COL_TEXT);
    }
    char pbuf[32];
    mx_period_format(&p, pbuf, sizeof pbuf);
    for (size_t i = 0; rc == HSS_OK && i < c.defs.nind; i++) {
        const mx_indicator *ind = &c.defs.ind[i];
        const mx_target *tg = target_of(ind, pack);
        if (!tg)
            continue;
        for (size_t a = 0; rc == HSS_OK && a < c.tree.na; a++) {
            if (c.tree.areas[a].level > HSS_LEVEL_COUNTY)
                continue;
            int inside = root < 0;
            for (int x = (int)a; x >= 0 && !inside; x = c.tree.areas[x].parent)
                inside = x == root;
            mx_node n = {(int)a, -1};
            if (!inside || !applies(&c, ind, n))
                continue;
            double v = 0, nu, de, target = tg->value;
            int ok = 0, tok = 1;
            if (year > 0)
                rc = eval_indicator(&c, ind, n, &p, &v, &nu, &de, &ok, err);
            if (rc == HSS_OK && tg->relative) {
                mx_period ly = p;
                ly.year--;
                double lv = 0;
                rc = year > 0 ? eval_indicator(&c, ind, n, &ly, &lv, &nu, &de, &tok, err) : rc;
                tok = year > 0 && tok;
                target = lv + tg->value;
            }
            if (rc)
                break;
            int ge = strcmp(tg->op, ">=") == 0;
            const char *status = !ok || !tok ? "unknown"
                                 : (ge ? v >= target - 1e-9 : v <= target + 1e-9) ? "pass"
                                                                                   : "fail";
            char rule[160], text[512];
            snprintf(rule, sizeof rule, "%s.%s", pack, ind->id);
            hss_table_add_row(t);
            hss_table_set_text(t, 0, rule);
            hss_table_set_text(t, 1, ind->zh);
            hss_table_set_text(t, 2, ind->id);
            hss_table_set_text(t, 3, c.tree.areas[a].code);
            hss_table_set_text(t, 5, status);
            if (ok)
                hss_table_set_real(t, 6, v, 2);
            if (tok)
                hss_table_set_real(t, 7, target, 2);
            if (ok && tok)
                hss_table_set_real(t, 8, ge ? (v < target ? target - v : 0)
                                            : (v > target ? v - target : 0), 2);
            hss_table_set_text(t, 9, ind->unit);
            if (ok && tok)
                snprintf(text, sizeof text, "%s %s %s: %.2f %s (目标 %s %.2f)",
                         c.tree.areas[a].name, ind->zh, pbuf, v, ind->unit, tg->op, target);
            else
                snprintf(text, sizeof text, "%s %s %s: 无数据", c.tree.areas[a].name, ind->zh,
                         pbuf);
            hss_table_set_text(t, 10, text);
            hss_table_set_text(t, 11, tg->document);
            hss_table_set_text(t, 12, tg->quote);
        }
    }
    ctx_close(&c);
    if (rc) {
        hss_table_free(t);
        return rc;
    }
    *out = t;
    return HSS_OK;
}
