/*
 * geo.c: polygon parsing and point-in-polygon (even-odd ray crossing per ring), areas and
 * great-circle distances.
 */
#include "geo/geo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static int parse_ring(const cJSON *arr, hss_geo_ring *r, char *why, size_t n)
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

static int parse_poly(const cJSON *arr, hss_geo_poly *p, char *why, size_t n)
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

int hss_geo_parse(const cJSON *g, hss_geo_shape *out, char *why, size_t n)
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

void hss_geo_free(hss_geo_shape *g)
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

static int ring_contains(const hss_geo_ring *r, double x, double y)
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

int hss_geo_contains(const hss_geo_shape *g, double x, double y)
{
    if (x < g->minx || x > g->maxx || y < g->miny || y > g->maxy)
        return 0;
    for (size_t i = 0; i < g->npolys; i++) {
        const hss_geo_poly *p = &g->polys[i];
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


double hss_geo_area_km2(const hss_geo_shape *g)
{
    double lat0 = (g->miny + g->maxy) / 2 * M_PI / 180;
    double kx = 111.320 * cos(lat0), ky = 110.574;
    double total = 0;
    for (size_t p = 0; p < g->npolys; p++)
        for (size_t r = 0; r < g->polys[p].nrings; r++) {
            const hss_geo_ring *ring = &g->polys[p].rings[r];
            double a = 0;
            for (size_t i = 0, j = ring->n - 1; i < ring->n; j = i++)
                a += (ring->xy[2 * j] * kx) * (ring->xy[2 * i + 1] * ky) -
                     (ring->xy[2 * i] * kx) * (ring->xy[2 * j + 1] * ky);
            total += r == 0 ? fabs(a) / 2 : -fabs(a) / 2;
        }
    return total;
}

double hss_geo_distance_km(double lon1, double lat1, double lon2, double lat2)
{
    double p1 = lat1 * M_PI / 180, p2 = lat2 * M_PI / 180;
    double dp = p2 - p1, dl = (lon2 - lon1) * M_PI / 180;
    double h = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
    return 2 * 6371.0088 * asin(fmin(1.0, sqrt(h)));
}

/* One ring: positions rounded, repeats dropped (the closing position kept). */
static void quantise_ring(cJSON *ring, double scale)
{
    cJSON *prev = NULL, *pos = ring->child;
    /* the ring's length kept here: counting the list at each point made a ring of n points O(n^2) */
    int size = cJSON_GetArraySize(ring);
    while (pos) {
        cJSON *next = pos->next;
        for (cJSON *c = pos->child; c; c = c->next)
            if (cJSON_IsNumber(c))
                cJSON_SetNumberValue(c, round(c->valuedouble * scale) / scale);
        int same = prev && pos->child && prev->child && pos->child->next && prev->child->next &&
                   pos->child->valuedouble == prev->child->valuedouble &&
                   pos->child->next->valuedouble == prev->child->next->valuedouble;
        if (same && next && size > 4) {
            cJSON_Delete(cJSON_DetachItemViaPointer(ring, pos));
            size--;
        } else
            prev = pos;
        pos = next;
    }
}

void hss_geo_quantise(cJSON *geometry, int digits)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(geometry, "type");
    cJSON *coords = cJSON_GetObjectItemCaseSensitive(geometry, "coordinates");
    if (!cJSON_IsString(type) || !cJSON_IsArray(coords))
        return;
    double scale = pow(10, digits);
    int multi = strcmp(type->valuestring, "MultiPolygon") == 0;
    if (!multi && strcmp(type->valuestring, "Polygon") != 0)
        return;
    cJSON *poly, *ring;
    if (multi) {
        cJSON_ArrayForEach(poly, coords) cJSON_ArrayForEach(ring, poly) quantise_ring(ring, scale);
    } else {
        cJSON_ArrayForEach(ring, coords) quantise_ring(ring, scale);
    }
}

/* Distance from (px, py) to the segment a-b, in degrees (at city scale the plane is good enough). */
static double segment_distance(const double *p, const double *a, const double *b)
{
    double dx = b[0] - a[0], dy = b[1] - a[1], len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

/* Marks in keep[] the positions Douglas-Peucker keeps of xy[0..n-1], the first and last always;
 * an explicit stack of spans, so a long ring cannot exhaust the C stack. */
static size_t douglas_peucker(const double *xy, size_t n, double tolerance, unsigned char *keep)
{
    size_t *stack = hss_xmalloc(2 * n * sizeof *stack), top = 0, kept = 2;
    keep[0] = keep[n - 1] = 1;
    stack[top++] = 0;
    stack[top++] = n - 1;
    while (top) {
        size_t z = stack[--top], a = stack[--top], far = 0;
        double worst = -1;
        for (size_t i = a + 1; i < z; i++) {
            double d = segment_distance(xy + 2 * i, xy + 2 * a, xy + 2 * z);
            if (d > worst)
                worst = d, far = i;
        }
        if (worst > tolerance) {
            keep[far] = 1, kept++;
            stack[top++] = a, stack[top++] = far;
            stack[top++] = far, stack[top++] = z;
        }
    }
    free(stack);
    return kept;
}

static void simplify_ring(cJSON *ring, double tolerance)
{
    size_t n = (size_t)cJSON_GetArraySize(ring), i = 0;
    if (n < 5)
        return;
    double *xy = hss_xcalloc(2 * n, sizeof *xy);
    unsigned char *keep = hss_xcalloc(n, 1);
    for (cJSON *pos = ring->child; pos; pos = pos->next, i++) {
        const cJSON *x = cJSON_GetArrayItem(pos, 0), *y = cJSON_GetArrayItem(pos, 1);
        if (!cJSON_IsNumber(x) || !cJSON_IsNumber(y))
            goto done; /* not a ring of positions: left as it is */
        xy[2 * i] = x->valuedouble, xy[2 * i + 1] = y->valuedouble;
    }
    if (douglas_peucker(xy, n, tolerance, keep) >= 4) {
        i = 0;
        for (cJSON *pos = ring->child, *next; pos; pos = next, i++) {
            next = pos->next;
            if (!keep[i])
                cJSON_Delete(cJSON_DetachItemViaPointer(ring, pos));
        }
    }
done:
    free(keep);
    free(xy);
}

void hss_geo_simplify(cJSON *geometry, double tolerance)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(geometry, "type");
    cJSON *coords = cJSON_GetObjectItemCaseSensitive(geometry, "coordinates");
    if (!cJSON_IsString(type) || !cJSON_IsArray(coords))
        return;
    cJSON *poly, *ring;
    if (strcmp(type->valuestring, "MultiPolygon") == 0) {
        cJSON_ArrayForEach(poly, coords) cJSON_ArrayForEach(ring, poly) simplify_ring(ring, tolerance);
    } else if (strcmp(type->valuestring, "Polygon") == 0) {
        cJSON_ArrayForEach(ring, coords) simplify_ring(ring, tolerance);
    }
}
