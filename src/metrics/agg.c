/*
 * agg.c: the maintained aggregates. An aggregate is the sum (and count) of one element's
 * values over every facility and area under an area, per month, quarter and year of one
 * calendar year (slice 1: basic-level facilities only). The same function, mx_agg_apply,
 * serves the full rebuild (every stored value added once) and the incremental import (the
 * difference new - old of each changed value added), which is what keeps the two equal:
 * replacing a value adds (new - old, 0), deleting adds (-old, -1), inserting (new, +1).
 * Stored rows are blobs of 17 sums then 17 counts as native doubles (metric_agg.data).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/internal.h"

static uint64_t key_hash(int area, int year, int element, int slice)
{
    uint64_t h = (uint64_t)(uint32_t)area * 0x9E3779B97F4A7C15ULL;
    h ^= ((uint64_t)(uint32_t)year << 20 | (uint64_t)(uint32_t)element << 1 | (uint64_t)slice) *
         0xC2B2AE3D27D4EB4FULL;
    return h ^ (h >> 29);
}

void mx_aggmap_init(mx_aggmap *m)
{
    memset(m, 0, sizeof *m);
}

void mx_aggmap_free(mx_aggmap *m)
{
    free(m->items);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static void rehash(mx_aggmap *m)
{
    size_t n = m->nslots ? m->nslots * 2 : 1024;
    int32_t *slots = hss_xcalloc(n, sizeof *slots);
    for (size_t i = 0; i < m->len; i++) {
        mx_agg *a = &m->items[i];
        size_t j = key_hash(a->area, a->year, a->element, a->slice) & (n - 1);
        while (slots[j])
            j = (j + 1) & (n - 1);
        slots[j] = (int32_t)i + 1;
    }
    free(m->slots);
    m->slots = slots;
    m->nslots = n;
}

/* Index of the entry, or -1 when absent and not created. */
static long agg_index(mx_aggmap *m, int area, int year, int element, int slice, int create)
{
    if ((m->len + 1) * 2 > m->nslots)
        rehash(m);
    size_t j = key_hash(area, year, element, slice) & (m->nslots - 1);
    while (m->slots[j]) {
        mx_agg *a = &m->items[m->slots[j] - 1];
        if (a->area == area && a->year == year && a->element == element && a->slice == slice)
            return m->slots[j] - 1;
        j = (j + 1) & (m->nslots - 1);
    }
    if (!create)
        return -1;
    if (m->len == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 256;
        m->items = hss_xrealloc(m->items, m->cap * sizeof *m->items);
    }
    mx_agg *a = &m->items[m->len];
    memset(a, 0, sizeof *a);
    a->area = area;
    a->year = year;
    a->element = element;
    a->slice = slice;
    m->slots[j] = (int32_t)m->len + 1;
    return (long)m->len++;
}

mx_agg *mx_aggmap_get(mx_aggmap *m, int area, int year, int element, int slice, int create)
{
    long i = agg_index(m, area, year, element, slice, create);
    return i < 0 ? NULL : &m->items[i];
}

void mx_agg_add(mx_agg *a, int month, double dsum, double dcnt)
{
    int q = 12 + (month - 1) / 3;
    a->sum[month - 1] += dsum;
    a->sum[q] += dsum;
    a->sum[16] += dsum;
    a->cnt[month - 1] += dcnt;
    a->cnt[q] += dcnt;
    a->cnt[16] += dcnt;
}

void mx_agg_apply(mx_aggmap *m, const mx_tree *t, int element, int area, int fac, int yyyymm,
                  double dsum, double dcnt)
{
    int year = yyyymm / 100, month = yyyymm % 100;
    int basic = fac >= 0 && t->facs[fac].basic;
    for (int a = area; a >= 0; a = t->areas[a].parent) {
        mx_agg_add(mx_aggmap_get(m, a, year, element, 0, 1), month, dsum, dcnt);
        if (basic)
            mx_agg_add(mx_aggmap_get(m, a, year, element, 1, 1), month, dsum, dcnt);
    }
}

void mx_agg_apply_slice(mx_aggmap *m, const mx_tree *t, int element, int area, int slice,
                        int yyyymm, double dsum, double dcnt)
{
    for (int a = area; a >= 0; a = t->areas[a].parent)
        mx_agg_add(mx_aggmap_get(m, a, yyyymm / 100, element, slice, 1), yyyymm % 100, dsum, dcnt);
}

void mx_agg_apply_value(mx_aggmap *m, const mx_tree *t, int element, int area, int fac,
                        int yyyymm, double dsum, double dcnt, int shadowed)
{
    const hss_metrics_element *e = mx_element_by_id(element);
    if (shadowed)
        mx_agg_apply_slice(m, t, element, area, MX_SLICE_SHADOWED, yyyymm, dsum, dcnt);
    else if (fac < 0 && e && e->org_kind == HSS_ORG_AREA && t->areas[area].level < e->area_level)
        mx_agg_add(mx_aggmap_get(m, area, yyyymm / 100, element, MX_SLICE_OWN, 1), yyyymm % 100,
                   dsum, dcnt);
    else
        mx_agg_apply(m, t, element, area, fac, yyyymm, dsum, dcnt);
}

double mx_agg_value(const mx_agg *a, const hss_metrics_element *e, const mx_period *p, int *has)
{
    *has = 0;
    if (!a)
        return 0;
    int first = 1, last = 12;
    switch (p->type) {
    case MX_MONTH:
        first = last = p->n;
        break;
    case MX_QUARTER:
        if (!e->stock) {
            *has = a->cnt[12 + p->n - 1] > 0;
            return a->sum[12 + p->n - 1];
        }
        first = 3 * p->n - 2;
        last = 3 * p->n;
        break;
    case MX_YEAR:
        if (!e->stock) {
            *has = a->cnt[16] > 0;
            return a->sum[16];
        }
        break;
    case MX_YTD:
        last = p->n;
        break;
    }
    if (e->stock) {
        /* A stock (people contracted at month end): the last month of the period with data. */
        for (int mo = last; mo >= first; mo--)
            if (a->cnt[mo - 1] > 0) {
                *has = 1;
                return a->sum[mo - 1];
            }
        return 0;
    }
    double s = 0;
    for (int mo = first; mo <= last; mo++) {
        s += a->sum[mo - 1];
        if (a->cnt[mo - 1] > 0)
            *has = 1;
    }
    return s;
}

/* ---- storage ------------------------------------------------------------------------------ */

static void blob_to(mx_agg *a, const void *blob, int n)
{
    if (n == (int)(2 * MX_SLOTS * sizeof(double))) {
        memcpy(a->sum, blob, sizeof a->sum);
        memcpy(a->cnt, (const char *)blob + sizeof a->sum, sizeof a->cnt);
    }
}

hss_code mx_agg_load(hss_store *st, mx_aggmap *m, const mx_tree *t, int area, int year,
                     hss_error *err)
{
    hss_stmt *s = hss_store_prepare(
        st, "SELECT element_id, slice, data FROM metric_agg WHERE area = ? AND year = ?", err);
    if (!s)
        return err->code;
    hss_store_bind_text(s, 1, t->areas[area].code);
    hss_store_bind_int(s, 2, year);
    while (hss_store_step(s) == HSS_ROW) {
        mx_agg *a = mx_aggmap_get(m, area, year, hss_store_col_int(s, 0),
                                  hss_store_col_int(s, 1), 1);
        blob_to(a, hss_store_col_blob(s, 2), hss_store_col_bytes(s, 2));
    }
    hss_store_finalize(s);
    return HSS_OK;
}

static int agg_empty(const mx_agg *a)
{
    for (int i = 0; i < MX_SLOTS; i++)
        if (a->cnt[i] != 0)
            return 0;
    return 1;
}

static void bind_key(hss_stmt *s, const mx_tree *t, const mx_agg *a)
{
    hss_store_bind_text(s, 1, t->areas[a->area].code);
    hss_store_bind_int(s, 2, a->year);
    hss_store_bind_int(s, 3, a->element);
    hss_store_bind_int(s, 4, a->slice);
}

hss_code mx_agg_store_add(hss_store *st, mx_aggmap *m, const mx_tree *t, hss_error *err)
{
    hss_stmt *get = hss_store_prepare(
        st, "SELECT data FROM metric_agg WHERE area=? AND year=? AND element_id=? AND slice=?",
        err);
    hss_stmt *put = get ? hss_store_prepare(st, "INSERT INTO metric_agg"
                                                    "(area, year, element_id, slice, data) "
                                                    "VALUES(?,?,?,?,?) ON CONFLICT(area, year, element_id, slice) "
                                                    "DO UPDATE SET data=excluded.data", err)
                            : NULL;
    hss_stmt *del = put ? hss_store_prepare(st, "DELETE FROM metric_agg WHERE area=? AND "
                                                    "year=? AND element_id=? AND slice=?", err)
                            : NULL;
    hss_code rc = HSS_OK;
    if (!del) {
        rc = err->code;
        goto done;
    }
    for (size_t i = 0; i < m->len; i++) {
        mx_agg *d = &m->items[i];
        mx_agg cur;
        memset(&cur, 0, sizeof cur);
        bind_key(get, t, d);
        if (hss_store_step(get) == HSS_ROW)
            blob_to(&cur, hss_store_col_blob(get, 0), hss_store_col_bytes(get, 0));
        hss_store_reset(get);
        for (int k = 0; k < MX_SLOTS; k++) {
            cur.sum[k] += d->sum[k];
            cur.cnt[k] += d->cnt[k];
            if (cur.cnt[k] == 0)
                cur.sum[k] = 0; /* no values left: no rounding residue either */
        }
        hss_stmt *w = agg_empty(&cur) ? del : put;
        bind_key(w, t, d);
        if (w == put) {
            double buf[2 * MX_SLOTS];
            memcpy(buf, cur.sum, sizeof cur.sum);
            memcpy(buf + MX_SLOTS, cur.cnt, sizeof cur.cnt);
            hss_store_bind_blob_copy(put, 5, buf, sizeof buf);
        }
        if (hss_store_step(w) != HSS_DONE) {
            rc = hss_store_error(st, err, "updating aggregates");
            goto done;
        }
        hss_store_reset(w);
    }
done:
    hss_store_finalize(get);
    hss_store_finalize(put);
    hss_store_finalize(del);
    return rc;
}

/* ---- full rebuild ------------------------------------------------------------------------- */

/* org id (metric_org) -> tree position: area index and facility index (-1), or area -1 when
 * the org is no longer in the region (its values are kept but not aggregated). */
typedef struct { int area, fac; } org_pos;

static org_pos *load_orgs(hss_store *st, const mx_tree *t, size_t *n, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT max(id) FROM metric_org", err);
    if (!s)
        return NULL;
    hss_store_step(s);
    size_t max = (size_t)hss_store_col_int64(s, 0);
    hss_store_finalize(s);
    org_pos *pos = hss_xmalloc((max + 1) * sizeof *pos);
    for (size_t i = 0; i <= max; i++)
        pos[i] = (org_pos){-1, -1};
    s = hss_store_prepare(st, "SELECT id, code FROM metric_org", err);
    if (!s) {
        free(pos);
        return NULL;
    }
    while (hss_store_step(s) == HSS_ROW) {
        int64_t id = hss_store_col_int64(s, 0);
        int area, fac;
        if (id >= 0 && (size_t)id <= max &&
            mx_tree_find(t, hss_store_col_text(s, 1), &area, &fac))
            pos[id] = (org_pos){area, fac};
    }
    hss_store_finalize(s);
    *n = max + 1;
    return pos;
}

/* The record figures (metrics/records.c) count in slice 0 and, to say the source, slice 3. */
static hss_code add_records(hss_store *st, const mx_tree *t, const org_pos *pos, size_t norg,
                            mx_aggmap *m, mx_strmap *recs, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(
        st, "SELECT element_id, org_id, period, value FROM metric_record_value", err);
    if (!s)
        return err->code;
    int r;
    while ((r = hss_store_step(s)) == HSS_ROW) {
        int el = hss_store_col_int(s, 0);
        int64_t org = hss_store_col_int64(s, 1);
        int ym = hss_store_col_int(s, 2);
        double v = hss_store_col_double(s, 3);
        char key[64];
        snprintf(key, sizeof key, "%d|%lld|%d", el, (long long)org, ym);
        mx_strmap_put(recs, key, 1);
        if (org < 0 || (size_t)org >= norg || pos[org].area < 0 || pos[org].fac >= 0)
            continue;
        mx_agg_apply(m, t, el, pos[org].area, -1, ym, v, 1);
        mx_agg_apply_slice(m, t, el, pos[org].area, MX_SLICE_RECORDS, ym, v, 1);
    }
    hss_store_finalize(s);
    return r == HSS_DONE ? HSS_OK : hss_store_error(st, err, "reading the record figures");
}

/* The sums go in through the store's bulk loader (COPY on PostgreSQL), inside the caller's
 * transaction. */
static hss_code store_aggs(hss_store *st, const mx_tree *t, const mx_aggmap *m, hss_error *err)
{
    static const char *const cols[] = {"area", "year", "element_id", "slice", "data"};
    hss_store_loader *ld = hss_store_load_begin(st, "metric_agg", cols, 5, err);
    if (!ld)
        return HSS_EDB;
    for (size_t i = 0; i < m->len; i++) {
        const mx_agg *a = &m->items[i];
        double buf[2 * MX_SLOTS];
        memcpy(buf, a->sum, sizeof a->sum);
        memcpy(buf + MX_SLOTS, a->cnt, sizeof a->cnt);
        hss_store_load_text(ld, 0, t->areas[a->area].code);
        hss_store_load_int(ld, 1, a->year);
        hss_store_load_int(ld, 2, a->element);
        hss_store_load_int(ld, 3, a->slice);
        hss_store_load_blob(ld, 4, buf, sizeof buf);
        if (hss_store_load_next(ld, err)) {
            hss_store_load_abort(ld);
            return HSS_EDB;
        }
    }
    return hss_store_load_end(ld, err);
}

hss_code mx_rebuild_locked(hss_store *st, const mx_tree *t, hss_error *err)
{
    size_t norg = 0;
    org_pos *pos = load_orgs(st, t, &norg, err);
    if (!pos)
        return err->code;
    hss_stmt *s =
        hss_store_prepare(st, "SELECT element_id, org_id, period, value FROM data_value", err);
    if (!s) {
        free(pos);
        return err->code;
    }
    mx_aggmap m;
    mx_aggmap_init(&m);
    mx_strmap recs; /* "element|org|period" of every record figure: its data values set aside */
    memset(&recs, 0, sizeof recs);
    hss_code rc = add_records(st, t, pos, norg, &m, &recs, err);
    if (rc) {
        hss_store_finalize(s);
        free(pos);
        mx_aggmap_free(&m);
        mx_strmap_free(&recs);
        return rc;
    }
    /* Rows come in key order (element, org, period), so consecutive rows share their chain of
     * aggregate entries; the chain (indexes, stable under growth) is looked up once per run. */
    long chain[16][2];
    int nchain = 0, c_el = -1, c_year = -1;
    int64_t c_org = -1;
    while (hss_store_step(s) == HSS_ROW) {
        int el = hss_store_col_int(s, 0);
        int64_t org = hss_store_col_int64(s, 1);
        int ym = hss_store_col_int(s, 2);
        double v = hss_store_col_double(s, 3);
        if (org < 0 || (size_t)org >= norg || pos[org].area < 0)
            continue;
        int year = ym / 100, month = ym % 100;
        const hss_metrics_element *e = mx_element_by_id(el);
        if (e && e->org_kind == HSS_ORG_AREA && (e->records_zh || e->area_level > t->areas[pos[org].area].level)) {
            /* the slow path for the few values a record figure may set aside or that are an
             * area's own figure above the element's level */
            char key[64];
            int dummy;
            snprintf(key, sizeof key, "%d|%lld|%d", el, (long long)org, ym);
            mx_agg_apply_value(&m, t, el, pos[org].area, -1, ym, v, 1, mx_strmap_get(&recs, key, &dummy));
            c_el = -1;
            continue;
        }
        if (el != c_el || org != c_org || year != c_year) {
            c_el = el;
            c_org = org;
            c_year = year;
            nchain = 0;
            int basic = pos[org].fac >= 0 && t->facs[pos[org].fac].basic;
            for (int a = pos[org].area; a >= 0 && nchain < 16; a = t->areas[a].parent) {
                chain[nchain][0] = agg_index(&m, a, year, el, 0, 1);
                chain[nchain][1] = basic ? agg_index(&m, a, year, el, 1, 1) : -1;
                nchain++;
            }
        }
        for (int i = 0; i < nchain; i++) {
            mx_agg_add(&m.items[chain[i][0]], month, v, 1);
            if (chain[i][1] >= 0)
                mx_agg_add(&m.items[chain[i][1]], month, v, 1);
        }
    }
    hss_store_finalize(s);
    free(pos);
    mx_strmap_free(&recs);
    rc = hss_store_exec(st, "DELETE FROM metric_agg", err);
    if (rc == HSS_OK)
        rc = store_aggs(st, t, &m, err);
    mx_aggmap_free(&m);
    if (rc == HSS_OK)
        rc = mx_agg_mark(st, t, err);
    return rc;
}

int mx_agg_current(hss_store *st, const mx_tree *t)
{
    char want[32];
    snprintf(want, sizeof want, "%016llx", (unsigned long long)t->fingerprint);
    char *have = hss_store_meta_get(st, "metrics.aggregates_tree");
    int ok = have && strcmp(have, want) == 0;
    free(have);
    return ok;
}

hss_code mx_agg_mark(hss_store *st, const mx_tree *t, hss_error *err)
{
    char fp[32];
    snprintf(fp, sizeof fp, "%016llx", (unsigned long long)t->fingerprint);
    return hss_store_meta_set(st, "metrics.aggregates_tree", fp, err);
}

/* Demo only: the generated reports of the elements HSS takes from records become copies of
 * the record figures (see hss_metrics_demo_from_records). */
static const char *const COPY_FIGURES[] = {
    "DELETE FROM data_value WHERE generated = 1 AND element_id IN "
    "(SELECT DISTINCT element_id FROM metric_record_value)",
    "INSERT INTO data_value(element_id, org_id, period, category, value, generated) "
    "SELECT element_id, org_id, period, '', value, 1 FROM metric_record_value WHERE true ON CONFLICT DO NOTHING",
};

hss_code mx_retake_rebuild(hss_store *st, int copy_to_reports, hss_error *err)
{
    mx_tree t;
    hss_code rc = mx_tree_load(st, &t, err);
    if (rc)
        return rc;
    rc = hss_store_begin(st, err);
    if (rc == HSS_OK) {
        /* every township's figures are taken from the records again, then everything summed */
        mx_aggmap ignored;
        mx_aggmap_init(&ignored);
        size_t n;
        rc = mx_records_refresh(st, &t, &ignored, 1, &n, err);
        mx_aggmap_free(&ignored);
        for (size_t i = 0; copy_to_reports && rc == HSS_OK && i < 2; i++)
            rc = hss_store_exec(st, COPY_FIGURES[i], err);
        if (rc == HSS_OK)
            rc = mx_rebuild_locked(st, &t, err);
        if (rc == HSS_OK && copy_to_reports)
            rc = hss_store_bump_version(st, err);
        if (rc == HSS_OK)
            rc = hss_store_commit(st, err);
        else
            hss_store_rollback(st);
    }
    mx_tree_free(&t);
    return rc;
}

hss_code hss_metrics_rebuild(hss_store *st, hss_error *err)
{
    return mx_retake_rebuild(st, 0, err);
}
