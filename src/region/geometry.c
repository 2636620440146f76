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

static int parse_ring(const cJSON *arr, rg_ring *r, char *why, size_t n)
{
    if (!cJSON_IsArray(arr))
        return snprintf(why, n, "a ring is not an array of positions"), -1;
    int np = cJSON_GetArraySize(arr);
    if (np < 4)
        return snprintf(why, n, "a ring has %d positions (at least 4 are needed)", np), -1;
    r->n = (size_t)np;
    r->xy = hss_xcalloc(r->n * 2, sizeof *r->xy);
    size_t i = 0;
    const cJSON *pos;
    cJSON_ArrayForEach(pos, arr)
    {
        const cJSON *x = cJSON_GetArrayItem(pos, 0), *y = cJSON_GetArrayItem(pos, 1);
        if (!cJSON_IsArray(pos) || !cJSON_IsNumber(x) || !cJSON_IsNumber(y))
            return snprintf(why, n, "position %zu is not [lon, lat]", i + 1), -1;
        double lon = x->valuedouble, lat = y->valuedouble;
        if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90))
            return snprintf(why, n, "position %zu [%g, %g] is not a lon/lat", i + 1, lon, lat), -1;
        r->xy[2 * i] = lon;
        r->xy[2 * i + 1] = lat;
        i++;
    }
    if (r->xy[0] != r->xy[2 * (r->n - 1)] || r->xy[1] != r->xy[2 * (r->n - 1) + 1])
        return snprintf(why, n, "a ring is not closed (its last position differs from its first)"), -1;
    return 0;
}

static int parse_poly(const cJSON *arr, rg_poly *p, char *why, size_t n)
{
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) < 1)
        return snprintf(why, n, "a polygon is not a non-empty array of rings"), -1;
    p->nrings = (size_t)cJSON_GetArraySize(arr);
    p->rings = hss_xcalloc(p->nrings, sizeof *p->rings);
    size_t i = 0;
    const cJSON *ring;
    cJSON_ArrayForEach(ring, arr)
    {
        if (parse_ring(ring, &p->rings[i++], why, n))
            return -1;
    }
    return 0;
}

int rg_geom_parse(const cJSON *g, rg_geom *out, char *why, size_t n)
{
    memset(out, 0, sizeof *out);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(g, "type");
    const cJSON *coords = cJSON_GetObjectItemCaseSensitive(g, "coordinates");
    if (!cJSON_IsObject(g) || !cJSON_IsString(type))
        return snprintf(why, n, "geometry is not a GeoJSON object with a type"), -1;
    int multi = strcmp(type->valuestring, "MultiPolygon") == 0;
    if (!multi && strcmp(type->valuestring, "Polygon") != 0)
        return snprintf(why, n, "geometry type '%s' is not Polygon or MultiPolygon", type->valuestring), -1;
    if (!cJSON_IsArray(coords) || cJSON_GetArraySize(coords) < 1)
        return snprintf(why, n, "geometry has no coordinates"), -1;
    out->npolys = multi ? (size_t)cJSON_GetArraySize(coords) : 1;
    out->polys = hss_xcalloc(out->npolys, sizeof *out->polys);
    if (multi) {
        size_t i = 0;
        const cJSON *p;
        cJSON_ArrayForEach(p, coords)
        {
            if (parse_poly(p, &out->polys[i++], why, n))
                return -1;
        }
    } else if (parse_poly(coords, &out->polys[0], why, n)) {
        return -1;
    }
    out->minx = out->miny = INFINITY;
    out->maxx = out->maxy = -INFINITY;
    for (size_t i = 0; i < out->npolys; i++)
        for (size_t k = 0; k < out->polys[i].rings[0].n; k++) {
            double x = out->polys[i].rings[0].xy[2 * k], y = out->polys[i].rings[0].xy[2 * k + 1];
            out->minx = fmin(out->minx, x);
            out->maxx = fmax(out->maxx, x);
            out->miny = fmin(out->miny, y);
            out->maxy = fmax(out->maxy, y);
        }
    return 0;
}

void rg_geom_free(rg_geom *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->npolys; i++) {
        for (size_t k = 0; k < g->polys[i].nrings; k++)
            free(g->polys[i].rings[k].xy);
        free(g->polys[i].rings);
    }
    free(g->polys);
    memset(g, 0, sizeof *g);
}

static int ring_contains(const rg_ring *r, double x, double y)
{
    int in = 0;
    for (size_t i = 0, j = r->n - 1; i < r->n; j = i++) {
        double xi = r->xy[2 * i], yi = r->xy[2 * i + 1];
        double xj = r->xy[2 * j], yj = r->xy[2 * j + 1];
        if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
            in = !in;
    }
    return in;
}

int rg_geom_contains(const rg_geom *g, double x, double y)
{
    if (x < g->minx || x > g->maxx || y < g->miny || y > g->maxy)
        return 0;
    for (size_t i = 0; i < g->npolys; i++) {
        const rg_poly *p = &g->polys[i];
        if (!ring_contains(&p->rings[0], x, y))
            continue;
        int hole = 0;
        for (size_t k = 1; k < p->nrings && !hole; k++)
            hole = ring_contains(&p->rings[k], x, y);
        if (!hole)
            return 1;
    }
    return 0;
}

/* ---- the per-import boundary cache ------------------------------------------------------- */

struct rg_geo_cache {
    rg_map *index;      /* area code -> slot in geoms */
    rg_geom *geoms;
    unsigned char *stale; /* 1: the stored boundary changed since it was loaded */
    size_t n;
    sqlite3_stmt *nearest, *load;
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
        rg_geom_free(&c->geoms[i]);
    free(c->geoms);
    free(c->stale);
    rg_map_free(c->index);
    sqlite3_finalize(c->nearest);
    sqlite3_finalize(c->load);
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
    sqlite3_reset(c->nearest);
    sqlite3_bind_text(c->nearest, 1, area_code, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(c->nearest) != SQLITE_ROW) {
        sqlite3_reset(c->nearest);
        return -1;
    }
    char *code = hss_xstrdup((const char *)sqlite3_column_text(c->nearest, 0));
    sqlite3_reset(c->nearest);
    size_t slot;
    int have = rg_map_get(c->index, code, &slot);
    if (!have || c->stale[slot]) {
        sqlite3_reset(c->load);
        sqlite3_bind_text(c->load, 1, code, -1, SQLITE_TRANSIENT);
        cJSON *j = NULL;
        if (sqlite3_step(c->load) == SQLITE_ROW)
            j = cJSON_Parse((const char *)sqlite3_column_text(c->load, 0));
        sqlite3_reset(c->load);
        rg_geom g;
        char why[256];
        int bad = !j || rg_geom_parse(j, &g, why, sizeof why) != 0;
        cJSON_Delete(j);
        if (bad) {
            if (j)
                rg_geom_free(&g);
            free(code);
            return -1;
        }
        if (have) {
            rg_geom_free(&c->geoms[slot]);
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
    int in = rg_geom_contains(&c->geoms[slot], lon, lat);
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
