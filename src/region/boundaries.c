/*
 * boundaries.c: area boundaries as GeoJSON. Import reads a FeatureCollection whose features
 * name their area by properties.code or the feature id, checks every ring (closed, lon/lat,
 * at least 4 positions) and stores the geometry in a canonical compact form; export writes the
 * stored boundaries back as a FeatureCollection, one feature per line, so that an export
 * re-imports to the same stored text.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "region/region_int.h"

static hss_code bad_feature(rg_import *im, size_t i, const char *code, const char *why)
{
    return hss_fail(im->err, HSS_EINVAL, "%s: feature %zu%s%s%s: %s", im->name, i,
                    code ? " (area " : "", code ? code : "", code ? ")" : "", why);
}

/* The area code a feature names, written into buf; NULL with *why set when it names none. */
static const char *feature_code(const cJSON *f, char *buf, size_t n, const char **why)
{
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(f, "properties");
    const cJSON *pc = cJSON_IsObject(props) ? cJSON_GetObjectItemCaseSensitive(props, "code") : NULL;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(f, "id");
    const char *a = NULL, *b = NULL;
    char nb[32];
    if (cJSON_IsString(pc))
        a = pc->valuestring;
    if (cJSON_IsString(id))
        b = id->valuestring;
    else if (cJSON_IsNumber(id) && id->valuedouble >= 0 && id->valuedouble < 1e15 &&
             floor(id->valuedouble) == id->valuedouble) {
        snprintf(nb, sizeof nb, "%.0f", id->valuedouble);
        b = nb;
    }
    if (a && b && strcmp(a, b) != 0) {
        *why = "its id and properties.code name different areas";
        return NULL;
    }
    if (!a && !b) {
        *why = "names no area (give properties.code or the feature id)";
        return NULL;
    }
    snprintf(buf, n, "%s", a ? a : b);
    return buf;
}

/* Every stored area and facility location under `code` must lie inside the boundary that
 * now applies to it (this one, or a descendant's own). */
static hss_code recheck_locations(rg_import *im, size_t feature, const char *code)
{
    hss_error *err = im->err;
    hss_stmt *q = hss_store_prepare(im->st,
        "WITH RECURSIVE sub(code) AS (SELECT code FROM area WHERE code=?1 "
        "UNION ALL SELECT a.code FROM area a JOIN sub ON a.parent_code = sub.code) "
        "SELECT 'area', code, code, lon, lat FROM area WHERE code IN (SELECT code FROM sub) AND lon IS NOT NULL "
        "UNION ALL SELECT 'facility', code, area_code, lon, lat FROM facility "
        "WHERE area_code IN (SELECT code FROM sub) AND lon IS NOT NULL", err);
    if (!q)
        return HSS_EDB;
    hss_store_bind_copy(q, 1, code);
    hss_code rc = HSS_OK;
    while (rc == HSS_OK && hss_store_step(q) == HSS_ROW) {
        const char *what = hss_store_col_text(q, 0);
        const char *id = hss_store_col_text(q, 1);
        double lon = hss_store_col_double(q, 3), lat = hss_store_col_double(q, 4);
        char *b = NULL;
        if (rg_point_in_area(im->st, im->geo, hss_store_col_text(q, 2), lon, lat, &b) == 0) {
            char msg[400], x[40], y[40];
            rg_fmt_double(x, sizeof x, lon);
            rg_fmt_double(y, sizeof y, lat);
            snprintf(msg, sizeof msg, "the stored %s %s at lon %s, lat %s lies outside %s", what, id, x, y,
                     strcmp(b, code) == 0 ? "this boundary" : "the boundary of its area");
            rc = bad_feature(im, feature, code, msg);
        }
        free(b);
    }
    hss_store_finalize(q);
    return rc;
}

hss_code rg_import_boundaries(rg_import *im, const char *data, size_t len)
{
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(data, len, &end, 0);
    if (!root) {
        size_t at = end && end >= data ? (size_t)(end - data) : 0;
        return hss_fail(im->err, HSS_EINVAL, "%s: not valid JSON (error near byte %zu)", im->name, at);
    }
    if (!hss_utf8_valid(data, len) || memchr(data, '\0', len)) {
        cJSON_Delete(root);
        return hss_fail(im->err, HSS_EINVAL, "%s: bad encoding (not UTF-8 text)", im->name);
    }
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "type");
    const cJSON *features = cJSON_GetObjectItemCaseSensitive(root, "features");
    if (!cJSON_IsString(type) || strcmp(type->valuestring, "FeatureCollection") != 0 ||
        !cJSON_IsArray(features)) {
        cJSON_Delete(root);
        return hss_fail(im->err, HSS_EINVAL, "%s: not a GeoJSON FeatureCollection (expected "
                        "{\"type\":\"FeatureCollection\",\"features\":[...]})", im->name);
    }
    hss_stmt *area = hss_store_prepare(im->st, "SELECT 1 FROM area WHERE code=?1", im->err);
    hss_stmt *old = hss_store_prepare(im->st, "SELECT geometry, source FROM boundary WHERE area_code=?1", im->err);
    hss_stmt *put = hss_store_prepare(im->st,
        "INSERT INTO boundary(area_code, geometry, source) VALUES(?1,?2,?3) "
        "ON CONFLICT(area_code) DO UPDATE SET geometry=excluded.geometry, source=excluded.source", im->err);
    hss_code rc = area && old && put ? HSS_OK : HSS_EDB;
    size_t i = 0;
    const cJSON *f;
    cJSON_ArrayForEach(f, features)
    {
        if (rc)
            break;
        i++;
        im->stats->rows++;
        char buf[80];
        const char *why = NULL;
        const cJSON *ft = cJSON_GetObjectItemCaseSensitive(f, "type");
        if (!cJSON_IsObject(f) || !cJSON_IsString(ft) || strcmp(ft->valuestring, "Feature") != 0) {
            rc = bad_feature(im, i, NULL, "is not a GeoJSON Feature");
            break;
        }
        const char *code = feature_code(f, buf, sizeof buf, &why);
        if (!code) {
            rc = bad_feature(im, i, NULL, why);
            break;
        }
        size_t first;
        if (rg_map_get(im->seen, code, &first)) {
            char msg[128];
            snprintf(msg, sizeof msg, "is a duplicate (feature %zu has the same area)", first);
            rc = bad_feature(im, i, code, msg);
            break;
        }
        rg_map_put(im->seen, code, i);
        hss_store_reset(area);
        hss_store_bind_copy(area, 1, code);
        int known = hss_store_step(area) == HSS_ROW;
        hss_store_reset(area);
        if (!known) {
            rc = bad_feature(im, i, code, "is not a known area (import areas first)");
            break;
        }
        const cJSON *props = cJSON_GetObjectItemCaseSensitive(f, "properties");
        const cJSON *src = cJSON_IsObject(props) ? cJSON_GetObjectItemCaseSensitive(props, "source") : NULL;
        const char *source = cJSON_IsString(src) ? src->valuestring : "";
        if (src && !cJSON_IsString(src) && !cJSON_IsNull(src)) {
            rc = bad_feature(im, i, code, "properties.source is not a string");
            break;
        }
        const cJSON *geom = cJSON_GetObjectItemCaseSensitive(f, "geometry");
        hss_geo_shape g;
        char gwhy[256];
        if (hss_geo_parse(geom, &g, gwhy, sizeof gwhy) != 0) {
            hss_geo_free(&g);
            char msg[300];
            snprintf(msg, sizeof msg, "geometry: %s", gwhy);
            rc = bad_feature(im, i, code, msg);
            break;
        }
        hss_geo_free(&g);
        char *text = cJSON_PrintUnformatted(geom);
        hss_store_reset(old);
        hss_store_bind_copy(old, 1, code);
        int had = hss_store_step(old) == HSS_ROW;
        int same = had && strcmp(hss_store_col_text(old, 0), text) == 0 &&
                   strcmp(hss_store_col_text(old, 1), source) == 0;
        hss_store_reset(old);
        if (same) {
            im->stats->unchanged++;
        } else {
            hss_store_reset(put);
            hss_store_bind_copy(put, 1, code);
            hss_store_bind_copy(put, 2, text);
            hss_store_bind_copy(put, 3, source);
            if (hss_store_step(put) != HSS_DONE)
                rc = hss_store_error(im->st, im->err, "storing boundary");
            else if (had)
                im->stats->updated++;
            else
                im->stats->inserted++;
            rg_geo_cache_forget(im->geo, code);
            if (!rc)
                rc = recheck_locations(im, i, code);
        }
        cJSON_free(text);
    }
    hss_store_finalize(area);
    hss_store_finalize(old);
    hss_store_finalize(put);
    cJSON_Delete(root);
    return rc;
}

hss_code rg_export_boundaries(hss_store *st, FILE *out, hss_error *err)
{
    hss_stmt *q = hss_store_prepare(st,
        "SELECT b.area_code, a.name, b.source, b.geometry FROM boundary b "
        "JOIN area a ON a.code = b.area_code ORDER BY b.area_code", err);
    if (!q)
        return HSS_EDB;
    fputs("{\"type\":\"FeatureCollection\",\"features\":[", out);
    int n = 0, rc;
    while ((rc = hss_store_step(q)) == HSS_ROW) {
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "type", "Feature");
        cJSON_AddStringToObject(f, "id", hss_store_col_text(q, 0));
        cJSON *p = cJSON_AddObjectToObject(f, "properties");
        cJSON_AddStringToObject(p, "code", hss_store_col_text(q, 0));
        cJSON_AddStringToObject(p, "name", hss_store_col_text(q, 1));
        cJSON_AddStringToObject(p, "source", hss_store_col_text(q, 2));
        cJSON_AddItemToObject(f, "geometry", cJSON_Parse(hss_store_col_text(q, 3)));
        char *s = cJSON_PrintUnformatted(f);
        fprintf(out, "%s\n%s", n++ ? "," : "", s);
        cJSON_free(s);
        cJSON_Delete(f);
    }
    fputs("\n]}\n", out);
    hss_store_finalize(q);
    return rc == HSS_DONE ? HSS_OK : hss_store_error(st, err, "reading boundaries");
}
