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

#define AREA_COLS "a.code,a.parent_code,a.level,a.name,a.kind,a.population,a.lon,a.lat,a.generated"

static cJSON *area_json(hss_stmt *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "code", hss_store_col_text(s, 0));
    if (hss_store_col_is_null(s, 1))
        cJSON_AddNullToObject(o, "parent_code");
    else
        cJSON_AddStringToObject(o, "parent_code", hss_store_col_text(s, 1));
    cJSON_AddStringToObject(o, "level", hss_store_col_text(s, 2));
    cJSON_AddStringToObject(o, "name", hss_store_col_text(s, 3));
    cJSON_AddStringToObject(o, "kind", hss_store_col_text(s, 4));
    for (int c = 5; c <= 7; c++) {
        const char *key = c == 5 ? "population" : c == 6 ? "lon" : "lat";
        if (hss_store_col_is_null(s, c))
            cJSON_AddNullToObject(o, key);
        else
            cJSON_AddNumberToObject(o, key, hss_store_col_double(s, c));
    }
    cJSON_AddBoolToObject(o, "generated", hss_store_col_int(s, 8));
    return o;
}

static enum MHD_Result db_error(hss_req *r)
{
    return hss_respond_error(r, 500, "database error: %s", hss_store_errmsg(r->st));
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
    char under[16], lo[13], hi[14];
    const char *level;
    enum MHD_Result ret;
    if (area_args(r, under, &level, &ret))
        return ret;
    hss_prefix_range(under, lo, hi);
    /* Without a level the tree stops at townships: villages come with /areas/{township}. */
    hss_stmt *s = hss_req_stmt(r,
        "SELECT " AREA_COLS " FROM area a WHERE a.code>=?1 AND a.code<?2 AND "
        "(?3 IS NULL AND a.level<>'village' OR a.level=?3) ORDER BY a.code");
    if (!s)
        return db_error(r);
    hss_store_bind_text(s, 1, lo);
    hss_store_bind_text(s, 2, hi);
    if (level)
        hss_store_bind_text(s, 3, level);
    cJSON *arr = cJSON_CreateArray();
    while (hss_store_step(s) == HSS_ROW)
        cJSON_AddItemToArray(arr, area_json(s));
    hss_store_reset(s);
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
    hss_stmt *s = hss_req_stmt(r, "SELECT " AREA_COLS " FROM area a WHERE a.code=?");
    if (!s)
        return db_error(r);
    hss_store_bind_copy(s, 1, code);
    if (hss_store_step(s) != HSS_ROW) {
        hss_store_reset(s);
        return hss_respond_error(r, 404, "no area %s", code);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "area", area_json(s));
    hss_store_reset(s);

    /* Breadcrumbs: ancestors from the top of the caller's scope down to the area. */
    cJSON *path = cJSON_CreateArray();
    s = hss_req_stmt(r,
        "WITH RECURSIVE up(code,parent_code,level,name,depth) AS ("
        " SELECT code,parent_code,level,name,0 FROM area WHERE code=?1"
        " UNION ALL SELECT a.code,a.parent_code,a.level,a.name,up.depth+1 FROM area a JOIN up ON a.code=up.parent_code"
        "  WHERE up.depth<8) SELECT code,level,name FROM up ORDER BY depth DESC");
    if (s) {
        hss_store_bind_copy(s, 1, code);
        while (hss_store_step(s) == HSS_ROW) {
            const char *c = hss_store_col_text(s, 0);
            if (!hss_scope_contains(r->scope, c))
                continue;
            cJSON *a = cJSON_CreateObject();
            cJSON_AddStringToObject(a, "code", c);
            cJSON_AddStringToObject(a, "level", hss_store_col_text(s, 1));
            cJSON_AddStringToObject(a, "name", hss_store_col_text(s, 2));
            cJSON_AddItemToArray(path, a);
        }
        hss_store_reset(s);
    }
    cJSON_AddItemToObject(o, "path", path);

    cJSON *kids = cJSON_CreateArray();
    s = hss_req_stmt(r, "SELECT " AREA_COLS " FROM area a WHERE a.parent_code=? ORDER BY a.code");
    if (s) {
        hss_store_bind_copy(s, 1, code);
        while (hss_store_step(s) == HSS_ROW)
            cJSON_AddItemToArray(kids, area_json(s));
        hss_store_reset(s);
    }
    cJSON_AddItemToObject(o, "children", kids);

    char lo[13], hi[14];
    hss_prefix_range(code, lo, hi);
    cJSON *types = cJSON_CreateArray();
    s = hss_req_stmt(r,
        "SELECT type,count(*) FROM facility WHERE area_code>=? AND area_code<? GROUP BY type ORDER BY type");
    if (s) {
        hss_store_bind_text(s, 1, lo);
        hss_store_bind_text(s, 2, hi);
        while (hss_store_step(s) == HSS_ROW) {
            const char *t = hss_store_col_text(s, 0);
            cJSON *a = cJSON_CreateObject();
            cJSON_AddStringToObject(a, "type", t);
            cJSON_AddStringToObject(a, "type_zh", hss_model_zh(HSS_VOCAB_FACILITY_TYPE, t));
            cJSON_AddNumberToObject(a, "count", hss_store_col_int(s, 1));
            cJSON_AddItemToArray(types, a);
        }
        hss_store_reset(s);
    }
    cJSON_AddItemToObject(o, "facilities_by_type", types);
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

/* Boundaries: of `level` inside `under`, or by default of the children of `under`, falling back
 * to `under` itself, and then to its nearest ancestor inside the caller's scope that has one (a
 * township without its own boundary is shown inside its county). */
static const char *const BOUNDARY_SQL[3] = {
    "SELECT a.code,a.name,a.level,a.population,b.geometry FROM boundary b JOIN area a ON a.code=b.area_code "
    "WHERE a.code>=?1 AND a.code<?2 AND (CASE WHEN ?3 IS NOT NULL THEN a.level=?3 ELSE a.parent_code=?4 END) "
    "ORDER BY a.code",
    "SELECT a.code,a.name,a.level,a.population,b.geometry FROM boundary b JOIN area a ON a.code=b.area_code "
    "WHERE a.code=?4",
    "WITH RECURSIVE up(code,depth) AS (SELECT parent_code,1 FROM area WHERE code=?4"
    " UNION ALL SELECT a.parent_code,up.depth+1 FROM area a JOIN up ON a.code=up.code"
    "  WHERE up.depth<8 AND a.parent_code IS NOT NULL)"
    "SELECT a.code,a.name,a.level,a.population,b.geometry FROM up JOIN area a ON a.code=up.code "
    "JOIN boundary b ON b.area_code=a.code WHERE a.code>=?1 AND a.code<?2 ORDER BY up.depth LIMIT 1",
};

/* Builds the FeatureCollection; the same statements as a request would run, on `st`. */
static char *boundaries_build(hss_store *st, const char *under, const char *level, const char *scope)
{
    char lo[13], hi[14], slo[13], shi[14];
    hss_prefix_range(under, lo, hi);
    hss_prefix_range(scope, slo, shi);
    char sig[13];
    int digits = hss_scope_prefix(under, sig) == 0 && strlen(sig) <= 4 ? 3 : 4; /* city or province: 3 */
    cJSON *fc = cJSON_CreateObject();
    cJSON_AddStringToObject(fc, "type", "FeatureCollection");
    cJSON *feats = cJSON_AddArrayToObject(fc, "features");
    for (int pass = 0; pass < 3 && cJSON_GetArraySize(feats) == 0; pass++) {
        hss_stmt *s = hss_store_prepare(st, BOUNDARY_SQL[pass], NULL);
        if (!s)
            break;
        /* the ancestor pass ranges over the caller's scope, the others over `under` */
        hss_store_bind_text(s, 1, pass == 2 ? slo : lo);
        hss_store_bind_text(s, 2, pass == 2 ? shi : hi);
        if (level && pass == 0)
            hss_store_bind_text(s, 3, level);
        hss_store_bind_text(s, 4, under);
        while (hss_store_step(s) == HSS_ROW) {
            cJSON *geom = cJSON_Parse(hss_store_col_text(s, 4));
            if (!geom)
                continue;
            /* the detail a screen shows: ~100 m for a city or province map, ~10 m below */
            hss_geo_quantise(geom, digits);
            cJSON *f = cJSON_CreateObject();
            cJSON_AddStringToObject(f, "type", "Feature");
            cJSON_AddStringToObject(f, "id", hss_store_col_text(s, 0));
            cJSON *p = cJSON_AddObjectToObject(f, "properties");
            cJSON_AddStringToObject(p, "code", hss_store_col_text(s, 0));
            cJSON_AddStringToObject(p, "name", hss_store_col_text(s, 1));
            cJSON_AddStringToObject(p, "level", hss_store_col_text(s, 2));
            if (!hss_store_col_is_null(s, 3))
                cJSON_AddNumberToObject(p, "population", hss_store_col_double(s, 3));
            cJSON_AddItemToObject(f, "geometry", geom);
            cJSON_AddItemToArray(feats, f);
        }
        hss_store_finalize(s);
        if (level)
            break;
    }
    char *js = cJSON_PrintUnformatted(fc);
    cJSON_Delete(fc);
    return js;
}

/* The boundaries answer, from the shared cache or built and kept there: parsing, quantising and
 * printing a city's county outlines (1.5 MB stored) takes a few hundred ms, the same for everyone
 * with the same scope. */
char *hss_boundaries_json(hss_store *st, const char *under, const char *level, const char *scope)
{
    char key[96];
    snprintf(key, sizeof key, "boundaries\n%s\n%s\n%s", under, level ? level : "", scope);
    int64_t version = hss_store_data_version(st);
    char *js = hss_shared_get(key, version);
    if (!js) {
        js = boundaries_build(st, under, level, scope);
        hss_shared_put(key, version, js);
    }
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
