/*
 * api_areas.c: the area tree (/areas, /areas/{code}), the per-area summary (/summary) and
 * county/township boundaries as GeoJSON (/geo/boundaries). Every query is limited to the
 * caller's scope by an index range on the area code.
 */
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "geo/geo.h"
#include "model/model.h"
#include "region/region.h"
#include "server/server_int.h"

/* An area row of the region module (code, parent_code, level, name, kind, population, lon,
 * lat, generated) as the API writes it. */
static const char *const AREA_KEYS[] = {"code", "parent_code", "level", "name", "kind", "population", "lon", "lat",
                                        "generated"};
static const char AREA_KINDS[] = "sSsssNNNb";

static enum MHD_Result db_error(hss_req *r, const hss_error *err)
{
    return hss_respond_error(r, 500, "database error: %s", err->msg);
}

/* The under= and level= parameters of the area lists; -1 when the answer (an error) is sent,
 * with *ret what the handler returns. */
static int area_args(hss_req *r, char under[16], const char **level, enum MHD_Result *ret)
{
    *level = hss_arg(r, "level");
    *ret = MHD_YES;
    if (hss_resolve_under(r, hss_arg(r, "under"), under) || hss_check_word(r, "level", *level, 10))
        return -1;
    if (*level && hss_model_find(HSS_VOCAB_LEVEL, *level) < 0) {
        *ret = hss_respond_error(r, 400, "level: must be province, city, county, township or village");
        return -1;
    }
    return 0;
}

enum MHD_Result hss_api_areas(hss_req *r)
{
    char under[16];
    const char *level;
    enum MHD_Result ret;
    if (area_args(r, under, &level, &ret))
        return ret;
    hss_table *t = NULL;
    hss_error err;
    hss_error_clear(&err);
    if (hss_region_area_rows(r->st, under, level, &t, &err))
        return db_error(r, &err);
    cJSON *arr = hss_json_rows(t, AREA_KEYS, AREA_KINDS);
    hss_table_free(t);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "under", under);
    cJSON_AddItemToObject(o, "areas", arr);
    char *js = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return hss_respond_json(r, 200, js);
}

enum MHD_Result hss_api_area(hss_req *r, const char *code)
{
    if (hss_check_code(r, "area code", code))
        return MHD_YES;
    if (!hss_scope_contains(r->scope, code))
        return hss_respond_error(r, 403, "area %s is outside your scope", code);
    hss_table *t = NULL, *path = NULL, *kids = NULL, *types = NULL;
    hss_error err;
    hss_error_clear(&err);
    if (hss_region_area_one(r->st, code, &t, &err))
        return db_error(r, &err);
    if (hss_table_rows(t) == 0) {
        hss_table_free(t);
        return hss_respond_error(r, 404, "no area %s", code);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "area", hss_json_row(t, 0, AREA_KEYS, AREA_KINDS));
    hss_table_free(t);

    /* Breadcrumbs: ancestors from the top of the caller's scope down to the area. */
    cJSON *a = cJSON_AddArrayToObject(o, "path");
    if (hss_region_area_path(r->st, code, &path, &err) != HSS_OK)
        path = NULL;
    for (size_t i = 0; path && i < hss_table_rows(path); i++) {
        static const char *const k[] = {"code", "level", "name"};
        if (hss_scope_contains(r->scope, hss_table_cell(path, i, 0)))
            cJSON_AddItemToArray(a, hss_json_row(path, i, k, "sss"));
    }
    hss_table_free(path);
    if (hss_region_area_children(r->st, code, &kids, &err) == HSS_OK) {
        cJSON_AddItemToObject(o, "children", hss_json_rows(kids, AREA_KEYS, AREA_KINDS));
        hss_table_free(kids);
    } else {
        cJSON_AddArrayToObject(o, "children");
    }
    a = cJSON_AddArrayToObject(o, "facilities_by_type");
    if (hss_region_facility_types(r->st, code, &types, &err) != HSS_OK)
        types = NULL;
    for (size_t i = 0; types && i < hss_table_rows(types); i++) {
        const char *ty = hss_table_cell(types, i, 0);
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "type", ty);
        cJSON_AddStringToObject(x, "type_zh", hss_model_zh(HSS_VOCAB_FACILITY_TYPE, ty));
        hss_json_cell(x, "count", types, i, 1, 'n');
        cJSON_AddItemToArray(a, x);
    }
    hss_table_free(types);
    char *js = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return hss_respond_json(r, 200, js);
}

/* Summary: the region module's per-area summary (the one `hss summary` prints), so that the
 * area page, the county table and the CLI give the same figures. `rows`: one per child of
 * `under`, plus a 本级 row for what is sited at `under` itself; `total`: `under` as a whole, with
 * the same fields, so that a township's total equals its row under its county. */
enum MHD_Result hss_api_summary(hss_req *r)
{
    char under[16];
    if (hss_resolve_under(r, hss_arg(r, "under"), under))
        return MHD_YES;
    hss_region_filter f = {.under = under, .whole = 1};
    hss_table *t = NULL;
    hss_error err;
    hss_error_clear(&err);
    if (hss_region_summary(r->st, &f, &t, &err))
        return hss_respond_error(r, err.code == HSS_ENOTFOUND ? 404 : 500, "%s", err.msg);
    size_t n = hss_table_rows(t);
    hss_table *rows = hss_table_page(t, 0, n - 1), *total = hss_table_page(t, n - 1, 1);
    hss_table_free(t);
    char *rj = hss_table_render(rows, HSS_FORMAT_JSON), *tj = hss_table_render(total, HSS_FORMAT_JSON);
    hss_table_free(rows);
    hss_table_free(total);
    cJSON *o = cJSON_CreateObject(), *tot = cJSON_Parse(tj);
    cJSON_AddStringToObject(o, "under", under);
    cJSON_AddItemToObject(o, "rows", cJSON_Parse(rj));
    cJSON *whole = cJSON_DetachItemFromArray(tot, 0);
    cJSON_ReplaceItemInObject(whole, "code", cJSON_CreateString(under));
    cJSON_DeleteItemFromObject(whole, "name");
    cJSON_DeleteItemFromObject(whole, "level");
    cJSON_AddItemToObject(o, "total", whole);
    cJSON_Delete(tot);
    free(rj);
    free(tj);
    char *js = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return hss_respond_json(r, 200, js);
}

/* Search: areas and facilities of the caller's scope by name or code (q), for the search box. */
enum MHD_Result hss_api_search(hss_req *r)
{
    long long limit = 20;
    const char *q = hss_arg(r, "q");
    if (hss_check_uint(r, "limit", hss_arg(r, "limit"), 100, &limit))
        return MHD_YES;
    hss_table *t = NULL;
    hss_error err;
    hss_error_clear(&err);
    if (hss_region_search(r->st, q, r->scope, (size_t)limit, &t, &err))
        return hss_respond_error(r, err.code == HSS_EINVAL ? 400 : 500, "%s", err.msg);
    char *rows = hss_table_render(t, HSS_FORMAT_JSON);
    hss_table_free(t);
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_printf(&b, "{\"items\":%s}", rows);
    free(rows);
    return hss_respond_json(r, 200, hss_buf_steal(&b));
}

/* Builds the FeatureCollection of the region module's boundary rows. */
static char *boundaries_build(hss_store *st, const char *under, const char *level, const char *scope)
{
    char sig[13];
    int digits = hss_scope_prefix(under, sig) == 0 && strlen(sig) <= 4 ? 3 : 4; /* city or province: 3 */
    cJSON *fc = cJSON_CreateObject();
    cJSON_AddStringToObject(fc, "type", "FeatureCollection");
    cJSON *feats = cJSON_AddArrayToObject(fc, "features");
    hss_table *t = NULL;
    if (hss_region_boundary_rows(st, under, level, scope, &t, NULL) != HSS_OK)
        t = NULL;
    for (size_t i = 0; t && i < hss_table_rows(t); i++) {
        cJSON *geom = cJSON_Parse(hss_table_cell(t, i, 4));
        if (!geom)
            continue;
        /* the detail a screen shows: ~100 m for a city or province map, ~10 m below; a city map
         * draws ~300 m to a pixel, so positions within 100 m of their neighbours' line go */
        hss_geo_quantise(geom, digits);
        hss_geo_simplify(geom, digits == 3 ? 1e-3 : 1e-4);
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "type", "Feature");
        cJSON_AddStringToObject(f, "id", hss_table_cell(t, i, 0));
        static const char *const keys[] = {"code", "name", "level", "population"};
        cJSON_AddItemToObject(f, "properties", hss_json_row(t, i, keys, "sssm"));
        cJSON_AddItemToObject(f, "geometry", geom);
        cJSON_AddItemToArray(feats, f);
    }
    hss_table_free(t);
    char *js = cJSON_PrintUnformatted(fc);
    cJSON_Delete(fc);
    return js;
}

/* The boundaries answer, from the shared cache or built and kept there: parsing, quantising and
 * printing a city's county outlines (1.5 MB stored) takes a few hundred ms, the same for everyone
 * with the same scope. */
char *hss_boundaries_json(hss_store *st, const char *under, const char *level, const char *scope)
{
    hss_buf key;
    hss_buf_init(&key);
    hss_buf_printf(&key, "boundaries\n%s\n%s\n%s\n%s", hss_store_path(st), under, level ? level : "", scope);
    int64_t version = hss_store_data_version(st);
    char *js = hss_cache_get(key.data, version);
    if (!js) {
        js = boundaries_build(st, under, level, scope);
        hss_cache_put(key.data, version, js);
    }
    hss_buf_free(&key);
    return js;
}

enum MHD_Result hss_api_boundaries(hss_req *r)
{
    char under[16];
    const char *level;
    enum MHD_Result ret;
    if (area_args(r, under, &level, &ret))
        return ret;
    return hss_respond_json(r, 200, hss_boundaries_json(r->st, under, level, r->scope));
}
