/*
 * strmap.c: a small open-addressing hash map from string keys (area and facility codes) to
 * size_t values. Imports use it to find duplicates in a file; the summary uses it to map each
 * area to the row it is counted in.
 */
#include <stdlib.h>
#include <string.h>

#include "region/region_int.h"

struct rg_map {
    char **keys; /* NULL = empty slot */
    size_t *vals;
    size_t cap, len;
};

static size_t hash(const char *s)
{
    size_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

rg_map *rg_map_new(void)
{
    rg_map *m = hss_xcalloc(1, sizeof *m);
    m->cap = 64;
    m->keys = hss_xcalloc(m->cap, sizeof *m->keys);
    m->vals = hss_xcalloc(m->cap, sizeof *m->vals);
    return m;
}

void rg_map_free(rg_map *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    free(m);
}

static size_t slot(const rg_map *m, const char *key)
{
    size_t i = hash(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

int rg_map_get(const rg_map *m, const char *key, size_t *val)
{
    size_t i = slot(m, key);
    if (!m->keys[i])
        return 0;
    if (val)
        *val = m->vals[i];
    return 1;
}

static void grow(rg_map *m)
{
    rg_map old = *m;
    m->cap *= 2;
    m->len = 0;
    m->keys = hss_xcalloc(m->cap, sizeof *m->keys);
    m->vals = hss_xcalloc(m->cap, sizeof *m->vals);
    for (size_t i = 0; i < old.cap; i++) {
        if (!old.keys[i])
            continue;
        size_t j = slot(m, old.keys[i]);
        m->keys[j] = old.keys[i];
        m->vals[j] = old.vals[i];
        m->len++;
    }
    free(old.keys);
    free(old.vals);
}

void rg_map_put(rg_map *m, const char *key, size_t val)
{
    if ((m->len + 1) * 2 > m->cap)
        grow(m);
    size_t i = slot(m, key);
    if (!m->keys[i]) {
        m->keys[i] = hss_xstrdup(key);
        m->len++;
    }
    m->vals[i] = val;
}
