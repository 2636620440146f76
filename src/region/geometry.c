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
    hss_geo_shape *geoms;
    unsigned char *stale; /* 1: the stored boundary changed since it was loaded */
    size_t n;
    hss_stmt *nearest, *load;
};

rg_geo_cache *rg_geo_cache_new(void)
{
    rg_geo_cache *c = hss_xcalloc(1, sizeof *c);
    c->index = rg_map_new();
    return c;
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
    hss_store_finalize(c->nearest);
    hss_store_finalize(c->load);
    free(c);
}

int rg_point_in_area(hss_store *st, rg_geo_cache *c, const char *area_code, double lon,
                     double lat, char **boundary_area)
{
    if (boundary_area)
        *boundary_area = NULL;
    if (!c->nearest)
        c->nearest = hss_store_prepare(st,
            "WITH RECURSIVE up(code, parent_code, d) AS ("
            "  SELECT code, parent_code, 0 FROM area WHERE code=?1"
            "  UNION ALL SELECT a.code, a.parent_code, up.d + 1 FROM area a"
            "  JOIN up ON a.code = up.parent_code WHERE up.d < 8)"
            "SELECT up.code FROM up JOIN boundary b ON b.area_code = up.code ORDER BY up.d LIMIT 1",
            NULL);
    if (!c->load)
        c->load = hss_store_prepare(st, "SELECT geometry FROM boundary WHERE area_code=?1", NULL);
    if (!c->nearest || !c->load)
        return -1;
    hss_store_reset(c->nearest);
    hss_store_bind_copy(c->nearest, 1, area_code);
    if (hss_store_step(c->nearest) != HSS_ROW) {
        hss_store_reset(c->nearest);
        return -1;
    }
    char *code = hss_xstrdup(hss_store_col_text(c->nearest, 0));
    hss_store_reset(c->nearest);
    size_t slot;
    int have = rg_map_get(c->index, code, &slot);
    if (!have || c->stale[slot]) {
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
            free(code);
            return -1;
        }
        if (have) {
            hss_geo_free(&c->geoms[slot]);
            c->geoms[slot] = g;
            c->stale[slot] = 0;
        } else {
            c->geoms = hss_xrealloc(c->geoms, (c->n + 1) * sizeof *c->geoms);
            c->stale = hss_xrealloc(c->stale, c->n + 1);
            c->geoms[c->n] = g;
            c->stale[c->n] = 0;
            slot = c->n++;
            rg_map_put(c->index, code, slot);
        }
    }
    int in = hss_geo_contains(&c->geoms[slot], lon, lat);
    if (boundary_area)
        *boundary_area = code;
    else
        free(code);
    return in;
}

void rg_geo_cache_forget(rg_geo_cache *c, const char *area_code)
{
    size_t slot;
    if (rg_map_get(c->index, area_code, &slot))
        c->stale[slot] = 1;
}

int hss_region_point_in_area(hss_store *st, const char *area_code, double lon, double lat,
                             char **boundary_area)
{
    rg_geo_cache *c = rg_geo_cache_new();
    int in = rg_point_in_area(st, c, area_code, lon, lat, boundary_area);
    rg_geo_cache_free(c);
    return in;
}
