/*
 * records.c: the monitoring figures HSS takes from its own records. Where HSS holds the care
 * register, the contracts and the follow-ups of a township, the township's monthly
 * contracting and chronic-management figures are counted from them (care's
 * hss_care_township_figures, the same counting path as the family-doctor workbench) on the
 * last day of every month the metrics hold, stored in metric_record_value, and count in the
 * aggregates instead of an imported value for the same key, which is kept but set aside
 * (slice 4) so that `hss data check` can show both. Care's triggers list the townships whose
 * records changed; the figures are taken again for those before the indicators next answer,
 * so no screen shows a figure older than the records.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "care/care.h"
#include "metrics/internal.h"
#include "model/model.h"

/* Which element each counted figure fills. */
static const struct {
    int element;
    size_t off;
} FIGURES[] = {
    {15, offsetof(hss_care_figures, residents)},
    {6, offsetof(hss_care_figures, contracted)},
    {8, offsetof(hss_care_figures, key_group)},
    {7, offsetof(hss_care_figures, key_group_contracted)},
    {13, offsetof(hss_care_figures, chronic_whole_year)},
    {14, offsetof(hss_care_figures, chronic_standard)},
};
#define NFIG (sizeof FIGURES / sizeof *FIGURES)

typedef struct refresher {
    hss_store *st;
    const mx_tree *t;
    mx_aggmap *delta;
    hss_stmt *get_rec, *get_imp, *put, *del;
    size_t changed;
} refresher;

int mx_records_stale(hss_store *st)
{
    hss_vec v;
    hss_vec_init(&v, sizeof(char *));
    hss_error err;
    hss_error_clear(&err);
    int stale = hss_care_figures_changed(st, &v, &err) == HSS_OK && v.len > 0;
    for (size_t i = 0; i < v.len; i++)
        free(HSS_VEC_AT(&v, char *, i));
    hss_vec_free(&v);
    return stale;
}

int mx_record_get(hss_store *st, int element, int64_t org, int yyyymm, double *value)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT value FROM metric_record_value WHERE "
                                            "element_id=? AND org_id=? AND period=?", NULL);
    if (!s)
        return 0;
    hss_store_bind_int(s, 1, element);
    hss_store_bind_int64(s, 2, org);
    hss_store_bind_int(s, 3, yyyymm);
    int found = hss_store_step(s) == HSS_ROW;
    if (found)
        *value = hss_store_col_double(s, 0);
    hss_store_finalize(s);
    return found;
}

/* The months the metrics hold (imported or taken from records); the 12 months up to this one
 * when they hold none yet. */
static void month_range(hss_store *st, int *first, int *last)
{
    *first = *last = 0;
    hss_stmt *s = hss_store_prepare(
        st, "SELECT min(p), max(p) FROM (SELECT period p FROM data_value UNION ALL "
            "SELECT period FROM metric_record_value) AS p", NULL);
    if (s && hss_store_step(s) == HSS_ROW) {
        *first = hss_store_col_int(s, 0);
        *last = hss_store_col_int(s, 1);
    }
    hss_store_finalize(s);
    if (*first && *last)
        return;
    time_t now = time(NULL) + 8 * 3600; /* the month in Asia/Shanghai */
    struct tm tm;
    gmtime_r(&now, &tm);
    *last = (tm.tm_year + 1900) * 100 + tm.tm_mon + 1;
    *first = *last - 100 + 1;
    if (*first % 100 > 12)
        *first += 100 - 12;
}

static int next_month(int ym)
{
    return ym % 100 == 12 ? (ym / 100 + 1) * 100 + 1 : ym + 1;
}

/* Stores one figure and adds the change of the effective value to the aggregates. */
static hss_code take(refresher *r, int area, int element, int ym, int present, double v,
                     hss_error *err)
{
    hss_error local;
    int64_t org = mx_org_id(r->st, r->t->areas[area].code, present, &local);
    if (org < 0)
        return hss_store_error(r->st, err, "storing an org id");
    if (org == 0)
        return HSS_OK; /* no figure stored and none to store */
    double old = 0, imp = 0, nimp = 0;
    int had = 0;
    hss_store_bind_int(r->get_rec, 1, element);
    hss_store_bind_int64(r->get_rec, 2, org);
    hss_store_bind_int(r->get_rec, 3, ym);
    if (hss_store_step(r->get_rec) == HSS_ROW) {
        old = hss_store_col_double(r->get_rec, 0);
        had = 1;
    }
    hss_store_reset(r->get_rec);
    if (!had && !present)
        return HSS_OK;
    if (had && present && old == v)
        return HSS_OK;
    hss_store_bind_int(r->get_imp, 1, element);
    hss_store_bind_int64(r->get_imp, 2, org);
    hss_store_bind_int(r->get_imp, 3, ym);
    if (hss_store_step(r->get_imp) == HSS_ROW) {
        imp = hss_store_col_double(r->get_imp, 0);
        nimp = hss_store_col_double(r->get_imp, 1);
    }
    hss_store_reset(r->get_imp);
    hss_stmt *w = present ? r->put : r->del;
    hss_store_bind_int(w, 1, element);
    hss_store_bind_int64(w, 2, org);
    hss_store_bind_int(w, 3, ym);
    if (present) {
        char county[8];
        snprintf(county, sizeof county, "%.6s", r->t->areas[area].code);
        hss_store_bind_double(w, 4, v);
        hss_store_bind_copy(w, 5, county);
    }
    int rc = hss_store_step(w);
    hss_store_reset(w);
    if (rc != HSS_DONE)
        return hss_store_error(r->st, err, "storing a figure taken from the records");
    /* effective value: the record figure where there is one, else the imported values */
    double old_v = had ? old : imp, old_n = had ? 1 : nimp;
    double new_v = present ? v : imp, new_n = present ? 1 : nimp;
    mx_agg_apply(r->delta, r->t, element, area, -1, ym, new_v - old_v, new_n - old_n);
    mx_agg_apply_slice(r->delta, r->t, element, area, MX_SLICE_RECORDS, ym,
                       (present ? v : 0) - (had ? old : 0), present - had);
    if (nimp > 0 && present != had)
        mx_agg_apply_slice(r->delta, r->t, element, area, MX_SLICE_SHADOWED, ym,
                           present ? imp : -imp, present ? nimp : -nimp);
    r->changed++;
    return HSS_OK;
}

/* The figures of every township (township NULL) or one, on the last day of month ym. */
static hss_code take_month(refresher *r, const hss_care_rules *rules, const char *township,
                           int ym, hss_error *err)
{
    char d[48];
    int nx = next_month(ym);
    snprintf(d, sizeof d, "%04d-%02d-01", nx / 100, nx % 100);
    int32_t day;
    if (hss_care_parse_day(d, 0, &day) != 0)
        return hss_fail(err, HSS_EINVAL, "month %d is out of range", ym);
    hss_care_figures *f = NULL;
    size_t n = 0;
    hss_code rc = hss_care_township_figures(r->st, rules, township, day - 1, &f, &n, err);
    for (size_t i = 0; rc == HSS_OK && i < n; i++) {
        int area, fac;
        if (!mx_tree_find(r->t, f[i].township, &area, &fac) || fac >= 0)
            continue;
        int present = f[i].residents > 0; /* HSS holds records of this township */
        for (size_t k = 0; rc == HSS_OK && k < NFIG; k++) {
            long long v = *(const long long *)((const char *)&f[i] + FIGURES[k].off);
            rc = take(r, area, FIGURES[k].element, ym, present, (double)v, err);
        }
    }
    free(f);
    return rc;
}

static void free_codes(hss_vec *v)
{
    for (size_t i = 0; i < v->len; i++)
        free(HSS_VEC_AT(v, char *, i));
    hss_vec_free(v);
}

hss_code mx_records_refresh(hss_store *st, const mx_tree *t, mx_aggmap *delta, int all,
                            size_t *changed, hss_error *err)
{
    *changed = 0;
    hss_vec towns;
    hss_vec_init(&towns, sizeof(char *));
    hss_code rc = hss_care_figures_changed(st, &towns, err);
    if (rc || (!all && towns.len == 0)) {
        free_codes(&towns);
        return rc;
    }
    refresher r = {.st = st, .t = t, .delta = delta};
    r.get_rec = hss_store_prepare(st, "SELECT value FROM metric_record_value WHERE "
                                      "element_id=? AND org_id=? AND period=?", err);
    r.get_imp = hss_store_prepare(st, "SELECT sum(value), count(*) FROM data_value WHERE "
                                      "element_id=? AND org_id=? AND period=?", err);
    r.put = hss_store_prepare(st, "INSERT INTO metric_record_value(element_id, "
                                  "org_id, period, value, county_code) VALUES(?,?,?,?,?) "
                                  "ON CONFLICT(element_id, org_id, period, county_code) DO UPDATE SET value=excluded.value", err);
    r.del = hss_store_prepare(st, "DELETE FROM metric_record_value WHERE element_id=? AND "
                                  "org_id=? AND period=?", err);
    if (!r.get_rec || !r.get_imp || !r.put || !r.del)
        rc = err->code ? err->code : HSS_EDB;
    hss_care_rules rules;
    hss_care_rules_default(&rules);
    int first, last;
    month_range(st, &first, &last);
    /* A few changed townships are counted one by one; many (an import, the demo) in one pass
     * over the records per month. */
    int each = !all && towns.len <= 8;
    for (int ym = first; rc == HSS_OK && ym <= last; ym = next_month(ym)) {
        if (!each)
            rc = take_month(&r, &rules, NULL, ym, err);
        for (size_t i = 0; each && rc == HSS_OK && i < towns.len; i++)
            rc = take_month(&r, &rules, HSS_VEC_AT(&towns, char *, i), ym, err);
    }
    if (rc == HSS_OK)
        rc = hss_care_figures_taken(st, err);
    hss_store_finalize(r.get_rec);
    hss_store_finalize(r.get_imp);
    hss_store_finalize(r.put);
    hss_store_finalize(r.del);
    free_codes(&towns);
    *changed = r.changed;
    return rc;
}
