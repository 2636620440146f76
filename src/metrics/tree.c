/*
 * tree.c: the region as the aggregates see it. Loads areas (with their parent links) and
 * facilities (with their area and whether they are basic-level) into arrays, indexes every
 * code, fills in area populations from children where an area has none stored, and hashes
 * the tree's shape so that aggregates built for another shape are detected and rebuilt.
 * The tree is built from the stored tables, or from the region a caller already read
 * (hss_metrics_session_open_nodes: the policy evaluation). Also the small string->int hash map used for code lookups.
 */
#include <stdlib.h>
#include <string.h>

#include "metrics/internal.h"
#include "model/model.h"

static uint64_t fnv(const char *s, uint64_t h)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static void strmap_resize(mx_strmap *m, size_t ncap)
{
    char **keys = hss_xmalloc_large(ncap * sizeof *keys);
    int *vals = hss_xmalloc_large(ncap * sizeof *vals);
    memset(keys, 0, ncap * sizeof *keys);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i])
            continue;
        size_t j = fnv(m->keys[i], 1469598103934665603ULL) & (ncap - 1);
        while (keys[j])
            j = (j + 1) & (ncap - 1);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = ncap;
}

void mx_strmap_reserve(mx_strmap *m, size_t n)
{
    size_t cap = m->cap ? m->cap : 64;
    while (n * 2 > cap)
        cap *= 2;
    if (cap > m->cap)
        strmap_resize(m, cap);
}

void mx_strmap_put(mx_strmap *m, const char *key, int val)
{
    if ((m->len + 1) * 2 > m->cap)
        strmap_resize(m, m->cap ? m->cap * 2 : 64);
    size_t j = fnv(key, 1469598103934665603ULL) & (m->cap - 1);
    while (m->keys[j]) {
        if (strcmp(m->keys[j], key) == 0) {
            m->vals[j] = val;
            return;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->keys[j] = m->borrowed ? (char *)key : hss_xstrdup(key);
    m->vals[j] = val;
    m->len++;
}

int mx_strmap_get(const mx_strmap *m, const char *key, int *val)
{
    if (!m->cap)
        return 0;
    size_t j = fnv(key, 1469598103934665603ULL) & (m->cap - 1);
    while (m->keys[j]) {
        if (strcmp(m->keys[j], key) == 0) {
            *val = m->vals[j];
            return 1;
        }
        j = (j + 1) & (m->cap - 1);
    }
    return 0;
}

void mx_strmap_free(mx_strmap *m)
{
    for (size_t i = 0; i < m->cap && !m->borrowed; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* A copy in the tree's pool; a NULL (a column without a value) reads as "". */
static char *tree_str(mx_tree *t, const char *s)
{
    return hss_strpool_copy(&t->strings, s ? s : "");
}

/* Fills in the population of every area without a stored one from its children's, deepest
 * level first so that sums propagate up. */
static void fill_populations(mx_tree *t)
{
    for (int lv = HSS_LEVEL_VILLAGE; lv > HSS_LEVEL_PROVINCE; lv--) {
        int64_t *sum = hss_xcalloc(t->na + 1, sizeof *sum);
        char *any = hss_xcalloc(t->na + 1, 1);
        for (size_t i = 0; i < t->na; i++) {
            mx_area *a = &t->areas[i];
            if (a->level == lv && a->parent >= 0 && a->population >= 0) {
                sum[a->parent] += a->population;
                any[a->parent] = 1;
            }
        }
        for (size_t i = 0; i < t->na; i++)
            if (t->areas[i].population < 0 && any[i])
                t->areas[i].population = sum[i];
        free(sum);
        free(any);
    }
}

/* Builds the tree from its nodes (strings borrowed): areas linked to their parents by code,
 * facilities placed in their areas (one in no stored area is left out), the code index and
 * the fingerprint of the shape. */
static void tree_build(mx_tree *t, const hss_metrics_node *areas, size_t na,
                       const hss_metrics_node *facs, size_t nf)
{
    t->index.borrowed = 1;
    mx_strmap_reserve(&t->index, na + nf);
    t->areas = hss_xmalloc_large((na + 1) * sizeof *t->areas);
    t->na = na;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < na; i++) {
        const hss_metrics_node *n = &areas[i];
        mx_area *a = &t->areas[i];
        a->code = (char *)n->code;
        a->name = (char *)n->name;
        a->level = n->level < 0 ? HSS_LEVEL_VILLAGE : n->level;
        a->population = n->population;
        mx_strmap_put(&t->index, a->code, (int)i);
        /* order-independent: a sum of one hash per row */
        h += fnv(n->parent ? n->parent : "-", fnv(a->code, 1469598103934665603ULL));
    }
    for (size_t i = 0; i < na; i++) {
        int pi = -1;
        if (areas[i].parent && !mx_strmap_get(&t->index, areas[i].parent, &pi))
            pi = -1;
        t->areas[i].parent = pi;
    }
    fill_populations(t);
    t->facs = hss_xmalloc_large((nf + 1) * sizeof *t->facs);
    for (size_t i = 0; i < nf; i++) {
        const hss_metrics_node *n = &facs[i];
        int ai;
        if (!mx_strmap_get(&t->index, n->parent, &ai))
            continue; /* the region module's foreign key prevents this */
        mx_fac *f = &t->facs[t->nf++];
        f->code = (char *)n->code;
        f->name = (char *)n->name;
        f->type = (char *)n->type;
        f->area = ai;
        f->basic = hss_facility_type_is_basic(f->type);
        f->beds_open = n->beds_open;
        f->beds_approved = n->beds_approved;
        h += fnv(f->type, fnv(n->parent, fnv(f->code, 7)));
    }
    for (size_t i = 0; i < t->nf; i++)
        mx_strmap_put(&t->index, t->facs[i].code, -(int)i - 1);
    t->fingerprint = h;
}

void mx_tree_from_nodes(mx_tree *t, const hss_metrics_node *areas, size_t na,
                        const hss_metrics_node *facs, size_t nf)
{
    memset(t, 0, sizeof *t);
    tree_build(t, areas, na, facs, nf);
}

static int64_t col_count(hss_stmt *s, int c)
{
    return hss_store_col_is_null(s, c) ? -1 : hss_store_col_int64(s, c);
}

hss_code mx_tree_load(hss_store *st, mx_tree *t, hss_error *err)
{
    memset(t, 0, sizeof *t);
    hss_strpool_init(&t->strings, HSS_STRPOOL_LARGE);
    /* in code order: the generated demo data draw their random numbers in tree order, and an
     * unordered scan returns rows in a different order on each database */
    hss_stmt *s = hss_store_prepare(
        st, "SELECT code, parent_code, level, name, population FROM area ORDER BY code", err);
    if (!s)
        return err->code;
    hss_vec areas, facs;
    hss_vec_init(&areas, sizeof(hss_metrics_node));
    hss_vec_init(&facs, sizeof(hss_metrics_node));
    while (hss_store_step(s) == HSS_ROW) {
        hss_metrics_node *a = hss_vec_push(&areas);
        memset(a, 0, sizeof *a);
        a->code = tree_str(t, hss_store_col_text(s, 0));
        const char *p = hss_store_col_text(s, 1);
        a->parent = p ? tree_str(t, p) : NULL;
        a->level = hss_model_find(HSS_VOCAB_LEVEL, hss_store_col_text(s, 2));
        a->name = tree_str(t, hss_store_col_text(s, 3));
        a->population = col_count(s, 4);
    }
    hss_store_finalize(s);
    s = hss_store_prepare(st, "SELECT code, name, type, area_code, beds_open, beds_approved "
                              "FROM facility ORDER BY code", err);
    hss_code rc = s ? HSS_OK : err->code;
    while (s && hss_store_step(s) == HSS_ROW) {
        hss_metrics_node *f = hss_vec_push(&facs);
        memset(f, 0, sizeof *f);
        f->code = tree_str(t, hss_store_col_text(s, 0));
        f->name = tree_str(t, hss_store_col_text(s, 1));
        f->type = tree_str(t, hss_store_col_text(s, 2));
        f->parent = tree_str(t, hss_store_col_text(s, 3));
        f->beds_open = col_count(s, 4);
        f->beds_approved = col_count(s, 5);
    }
    hss_store_finalize(s);
    if (rc == HSS_OK)
        tree_build(t, areas.items, areas.len, facs.items, facs.len);
    else
        mx_tree_free(t);
    hss_vec_free(&areas);
    hss_vec_free(&facs);
    return rc;
}

void mx_tree_free(mx_tree *t)
{
    hss_strpool_free(&t->strings);
    free(t->areas);
    free(t->facs);
    mx_strmap_free(&t->index);
    memset(t, 0, sizeof *t);
}

int mx_tree_find(const mx_tree *t, const char *code, int *area, int *fac)
{
    int v;
    if (!mx_strmap_get(&t->index, code, &v))
        return 0;
    if (v >= 0) {
        *area = v;
        *fac = -1;
    } else {
        *fac = -v - 1;
        *area = t->facs[*fac].area;
    }
    return 1;
}
