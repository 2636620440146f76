/*
 * geometry.c: boundary polygons (GeoJSON Polygon / MultiPolygon in lon/lat) and the
 * point-in-polygon test that checks a location lies inside its area. The test is the even-odd
 * ray crossing rule over every ring, so holes are excluded; a point exactly on an edge may fall
 * either way. Boundaries are loaded once per import into a cache keyed by area code.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "region/region_int.h"

/* ---- the per-import boundary cache ------------------------------------------------------- */

struct rg_geo_cache {
    rg_map *index;      /* area code -> slot in geoms */
    rg_map *owner;      /* an area code -> 1 + its entry in owners, or 0 (no boundary above) */
    char **owners;      /* the areas with a boundary that owner_index has met */
    size_t nowners;
    hss_geo_shape *geoms;
    unsigned char *stale; /* 1: the stored boundary changed since it was loaded */
    size_t n;
    hss_stmt *has_boundary, *parent, *load;
};

rg_geo_cache *rg_geo_cache_new(void)
{
    rg_geo_cache *c = hss_xcalloc(1, sizeof *c);
    c->index = rg_map_new();
    c->owner = rg_map_new();
    return c;
}

static void forget_owners(rg_geo_cache *c)
{
    for (size_t i = 0; i < c->nowners; i++)
        free(c->owners[i]);
    free(c->owners);
    c->owners = NULL;
    c->nowners = 0;
}

void rg_geo_cache_free(rg_geo_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        hss_geo_free(&c->geoms[i]);
    free(c->geoms);
    free(c->stale);
    rg_map_free(c->index);
    forget_owners(c);
    rg_map_free(c->owner);
    hss_store_finalize(c->has_boundary);
    hss_store_finalize(c->parent);
    hss_store_finalize(c->load);
    free(c);
}

/* The nearest area at or above area_code that has a boundary, as 1 + its entry in owners (0 when
 * none), walking up the tree one parent at a time and keeping each answer until a boundary
 * changes: an import asks for every facility and village, and their townships and counties are
 * shared (one recursive query per village took half a millisecond on PostgreSQL). */
static size_t owner_index(hss_store *st, rg_geo_cache *c, const char *area_code, int depth)
{
    size_t k = 0;
    if (rg_map_get(c->owner, area_code, &k))
        return k;
    if (!c->has_boundary)
        c->has_boundary = hss_store_prepare(st, "SELECT count(*) FROM boundary WHERE area_code=?1", NULL);
    if (!c->parent)
        c->parent = hss_store_prepare(st, "SELECT parent_code FROM area WHERE code=?1", NULL);
    if (!c->has_boundary || !c->parent)
        return 0;
    hss_store_reset(c->has_boundary);
    hss_store_bind_copy(c->has_boundary, 1, area_code);
    int own = hss_store_step(c->has_boundary) == HSS_ROW && hss_store_col_int(c->has_boundary, 0) > 0;
    hss_store_reset(c->has_boundary);
    if (own) {
        c->owners = hss_xrealloc(c->owners, (c->nowners + 1) * sizeof *c->owners);
        c->owners[c->nowners++] = hss_xstrdup(area_code);
        k = c->nowners;
    } else if (depth < 8) {
        hss_store_reset(c->parent);
        hss_store_bind_copy(c->parent, 1, area_code);
        char *up = hss_store_step(c->parent) == HSS_ROW && hss_store_col_text(c->parent, 0)
                       ? hss_xstrdup(hss_store_col_text(c->parent, 0))
                       : NULL;
        hss_store_reset(c->parent);
        k = up && *up ? owner_index(st, c, up, depth + 1) : 0;
        free(up);
    }
    rg_map_put(c->owner, area_code, k);
    return k;
}

/* The slot of code's boundary, loaded (again, when stale) from the store; -1 when unreadable. */
static long boundary_slot(hss_store *st, rg_geo_cache *c, const char *code)
{
    size_t slot;
    int have = rg_map_get(c->index, code, &slot);
    if (have && !c->stale[slot])
        return (long)slot;
    if (!c->load)
        c->load = hss_store_prepare(st, "SELECT geometry FROM boundary WHERE area_code=?1", NULL);
    if (!c->load)
        return -1;
    hss_store_reset(c->load);
    hss_store_bind_copy(c->load, 1, code);
    cJSON *j = NULL;
    if (hss_store_step(c->load) == HSS_ROW)
        j = cJSON_Parse(hss_store_col_text(c->load, 0));
    hss_store_reset(c->load);
    hss_geo_shape g;
    char why[256];
    int bad = !j || hss_geo_parse(j, &g, why, sizeof why) != 0;
    cJSON_Delete(j);
    if (bad) {
        if (j)
            hss_geo_free(&g);
        return -1;
    }
    if (have) {
        hss_geo_free(&c->geoms[slot]);
        c->geoms[slot] = g;
        c->stale[slot] = 0;
        return (long)slot;
    }
    c->geoms = hss_xrealloc(c->geoms, (c->n + 1) * sizeof *c->geoms);
    c->stale = hss_xrealloc(c->stale, c->n + 1);
    c->geoms[c->n] = g;
    c->stale[c->n] = 0;
    rg_map_put(c->index, code, c->n);
    return (long)c->n++;
}

int rg_point_in_area(hss_store *st, rg_geo_cache *c, const char *area_code, double lon,
                     double lat, char **boundary_area)
{
    if (boundary_area)
        *boundary_area = NULL;
    size_t k = owner_index(st, c, area_code, 0);
    long slot = k ? boundary_slot(st, c, c->owners[k - 1]) : -1;
    if (slot < 0)
        return -1;
    if (boundary_area)
        *boundary_area = hss_xstrdup(c->owners[k - 1]);
    return hss_geo_contains(&c->geoms[slot], lon, lat);
}

void rg_geo_cache_forget(rg_geo_cache *c, const char *area_code)
{
    size_t slot;
    if (rg_map_get(c->index, area_code, &slot))
        c->stale[slot] = 1;
    /* a new boundary may now be the nearest for the areas below it */
    forget_owners(c);
    rg_map_free(c->owner);
    c->owner = rg_map_new();
}

int hss_region_point_in_area(hss_store *st, const char *area_code, double lon, double lat,
                             char **boundary_area)
{
    rg_geo_cache *c = rg_geo_cache_new();
    int in = rg_point_in_area(st, c, area_code, lon, lat, boundary_area);
    rg_geo_cache_free(c);
    return in;
}
