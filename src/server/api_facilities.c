/*
 * api_facilities.c: facilities in the caller's scope: a filtered, paged list, one facility
 * with its staff and vehicles (audited as a read of individual-level data), GeoJSON points for
 * the map, and CSV/XLSX export of the same list.
 */
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "model/model.h"
#include "region/region.h"
#include "server/server_int.h"

static const char *const COLS[] = {"code", "name", "type", "type_zh", "grade", "ownership", "area_code",
                                   "area_name", "lon", "lat", "beds_approved", "beds_open", "medcom_code",
                                   "generated"};
enum { NCOLS = sizeof COLS / sizeof *COLS };

hss_code hss_facility_table(hss_store *st, const char *under, const char *type, size_t limit,
                            size_t offset, hss_table **out, long long *total, hss_error *err)
{
    char lo[13], hi[14];
    hss_prefix_range(under, lo, hi);
    hss_stmt *s = hss_store_prepare(st,
        "SELECT count(*) FROM facility WHERE area_code>=?1 AND area_code<?2 AND (?3 IS NULL OR type=?3)", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, lo);
    hss_store_bind_text(s, 2, hi);
    if (type)
        hss_store_bind_text(s, 3, type);
    *total = hss_store_step(s) == HSS_ROW ? hss_store_col_int64(s, 0) : 0;
    hss_store_finalize(s);
    s = hss_store_prepare(st,
        "SELECT f.code,f.name,f.type,f.grade,f.ownership,f.area_code,a.name,f.lon,f.lat,f.beds_approved,"
        "f.beds_open,f.medcom_code,f.generated FROM facility f LEFT JOIN area a ON a.code=f.area_code "
        "WHERE f.area_code>=?1 AND f.area_code<?2 AND (?3 IS NULL OR f.type=?3) ORDER BY f.area_code,f.code "
        "LIMIT ?4 OFFSET ?5", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, lo);
    hss_store_bind_text(s, 2, hi);
    if (type)
        hss_store_bind_text(s, 3, type);
    hss_store_bind_int64(s, 4, limit ? (int64_t)limit : INT64_MAX); /* no limit (-1 is SQLite only) */
    hss_store_bind_int64(s, 5, (int64_t)offset);
    hss_table *t = hss_table_new();
    for (size_t c = 0; c < NCOLS; c++) {
        hss_col_type ty = HSS_COL_TEXT;
        if (c == 8 || c == 9)
            ty = HSS_COL_REAL;
        else if (c == 10 || c == 11 || c == 13)
            ty = HSS_COL_INT;
        hss_table_add_col(t, COLS[c], NULL, ty);
    }
    int rc;
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        hss_table_add_row(t);
        /* source column for each output column (type_zh is computed) */
        static const int src[NCOLS] = {0, 1, 2, -1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        for (int c = 0; c < NCOLS; c++) {
            int k = src[c];
            if (k < 0) {
                hss_table_set_text(t, (size_t)c, hss_model_zh(HSS_VOCAB_FACILITY_TYPE, hss_store_col_text(s, 2)));
                continue;
            }
            if (hss_store_col_is_null(s, k))
                continue;
            if (c == 8 || c == 9)
                hss_table_set_real(t, (size_t)c, hss_store_col_double(s, k), 6);
            else if (c == 10 || c == 11 || c == 13)
                hss_table_set_int(t, (size_t)c, hss_store_col_int64(s, k));
            else
                hss_table_set_text(t, (size_t)c, hss_store_col_text(s, k));
        }
    }
    hss_store_finalize(s);
    if (rc != HSS_DONE) {
        hss_table_free(t);
        return hss_store_error(st, err, "reading facilities");
    }
    *out = t;
    return HSS_OK;
}

/* Common argument handling: under (scoped), type (a known facility type). */
static int facility_args(hss_req *r, char under[16], const char **type)
{
    *type = hss_arg(r, "type");
    if (hss_resolve_under(r, hss_arg(r, "under"), under) || hss_check_word(r, "type", *type, 40))
        return -1;
    if (*type && hss_model_find(HSS_VOCAB_FACILITY_TYPE, *type) < 0) {
        hss_respond_error(r, 400, "type: '%s' is not a facility type", *type);
        return -1;
    }
    return 0;
}

enum MHD_Result hss_api_facilities(hss_req *r)
{
    char under[16];
    const char *type;
    long long limit = 100, offset = 0, total = 0;
    if (facility_args(r, under, &type) || hss_check_uint(r, "limit", hss_arg(r, "limit"), 1000, &limit) ||
        hss_check_uint(r, "offset", hss_arg(r, "offset"), 1000000000, &offset))
        return MHD_YES;
    if (limit == 0)
        return hss_respond_error(r, 400, "limit: must be from 1 to 1000");
    hss_table *t;
    hss_error err;
    hss_error_clear(&err);
    if (hss_facility_table(r->st, under, type, (size_t)limit, (size_t)offset, &t, &total, &err))
        return hss_respond_error(r, 500, "%s", err.msg);
    char *items = hss_table_render(t, HSS_FORMAT_JSON);
    hss_table_free(t);
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_printf(&b, "{\"under\":\"%s\",\"total\":%lld,\"limit\":%lld,\"offset\":%lld,\"items\":%s}", under,
                   total, limit, offset, items);
    free(items);
    return hss_respond_json(r, 200, hss_buf_steal(&b));
}

static cJSON *counts(hss_store *st, const char *sql, const char *code, hss_vocab v)
{
    cJSON *arr = cJSON_CreateArray();
    hss_stmt *s = hss_store_prepare(st, sql, NULL);
    if (!s)
        return arr;
    hss_store_bind_text(s, 1, code);
    while (hss_store_step(s) == HSS_ROW) {
        const char *k = hss_store_col_text(s, 0);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", k);
        cJSON_AddStringToObject(o, "zh", hss_model_zh(v, k));
        cJSON_AddNumberToObject(o, "count", hss_store_col_int(s, 1));
        cJSON_AddItemToArray(arr, o);
    }
    hss_store_finalize(s);
    return arr;
}

enum MHD_Result hss_api_facility(hss_req *r, const char *code)
{
    if (strlen(code) > 64 || !hss_utf8_valid(code, strlen(code)))
        return hss_respond_error(r, 400, "facility code: at most 64 bytes of UTF-8");
    hss_stmt *s = hss_req_stmt(r,
        "SELECT f.code,f.name,f.type,f.grade,f.ownership,f.area_code,a.name,f.lon,f.lat,f.beds_approved,f.beds_open,"
        "f.beds_infectious,f.medcom_code,f.medcom_lead,f.central,f.sub_centre,f.services,f.generated "
        "FROM facility f LEFT JOIN area a ON a.code=f.area_code WHERE f.code=?");
    if (!s)
        return hss_respond_error(r, 500, "database error");
    hss_store_bind_copy(s, 1, code);
    if (hss_store_step(s) != HSS_ROW) {
        hss_store_reset(s);
        return hss_respond_error(r, 404, "no facility %s", code);
    }
    const char *area = hss_store_col_text(s, 5);
    if (!hss_scope_contains(r->scope, area)) {
        hss_store_reset(s);
        hss_audit_log(r->st, r->user, r->ip, "read_denied", r->url, 403, "facility outside scope", NULL);
        r->audit_done = 1;
        return hss_respond_error(r, 403, "facility %s is outside your scope", code);
    }
    static const char *const keys[] = {"code", "name", "type", "grade", "ownership", "area_code", "area_name", "lon",
                                       "lat", "beds_approved", "beds_open", "beds_infectious", "medcom_code",
                                       "medcom_lead", "central", "sub_centre", "services", "generated"};
    cJSON *o = cJSON_CreateObject();
    for (int c = 0; c < 18; c++) {
        int t = hss_store_col_type(s, c);
        if (t == HSS_SQL_NULL)
            cJSON_AddNullToObject(o, keys[c]);
        else if (t == HSS_SQL_INT || t == HSS_SQL_FLOAT)
            cJSON_AddNumberToObject(o, keys[c], hss_store_col_double(s, c));
        else
            cJSON_AddStringToObject(o, keys[c], hss_store_col_text(s, c));
    }
    char fcode[200];
    snprintf(fcode, sizeof fcode, "%s", hss_store_col_text(s, 0));
    hss_store_reset(s);
    const char *type = cJSON_GetObjectItem(o, "type")->valuestring;
    cJSON_AddStringToObject(o, "type_zh", hss_model_zh(HSS_VOCAB_FACILITY_TYPE, type));
    cJSON_AddStringToObject(o, "grade_zh", hss_model_zh(HSS_VOCAB_GRADE, cJSON_GetObjectItem(o, "grade")->valuestring));
    cJSON_AddStringToObject(o, "ownership_zh",
                            hss_model_zh(HSS_VOCAB_OWNERSHIP, cJSON_GetObjectItem(o, "ownership")->valuestring));
    /* the 医共体 by its name and the services in words, in the user's language */
    char words[1024];
    int en = hss_lang_en(r);
    cJSON *mc = cJSON_GetObjectItem(o, "medcom_code");
    hss_region_medcom_name(r->st, cJSON_IsString(mc) ? mc->valuestring : "", en, words, sizeof words);
    cJSON_AddStringToObject(o, "medcom_name", words);
    cJSON *sv = cJSON_GetObjectItem(o, "services");
    hss_region_services_text(cJSON_IsString(sv) ? sv->valuestring : "", en, words, sizeof words);
    cJSON_AddStringToObject(o, "services_text", words);
    cJSON_AddItemToObject(o, "staff", counts(r->st, "SELECT category,count FROM staff WHERE facility_code=? ORDER BY category",
                                             fcode, HSS_VOCAB_STAFF));
    cJSON_AddItemToObject(o, "vehicles", counts(r->st, "SELECT kind,count FROM vehicle WHERE facility_code=? ORDER BY kind",
                                                fcode, HSS_VOCAB_VEHICLE));
    hss_audit_log(r->st, r->user, r->ip, "read", r->url, 200, "facility detail", NULL);
    char *js = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return hss_respond_json(r, 200, js);
}

/* The facilities under `under` of `type` with a position, as GeoJSON points. */
static char *points_build(hss_store *st, const char *under, const char *type)
{
    hss_table *t;
    long long total;
    hss_error err;
    hss_error_clear(&err);
    if (hss_facility_table(st, under, type, 0, 0, &t, &total, &err))
        return NULL;
    cJSON *fc = cJSON_CreateObject();
    cJSON_AddStringToObject(fc, "type", "FeatureCollection");
    cJSON *feats = cJSON_AddArrayToObject(fc, "features");
    for (size_t i = 0; i < hss_table_rows(t); i++) {
        if (hss_table_is_null(t, i, 8) || hss_table_is_null(t, i, 9))
            continue;
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "type", "Feature");
        cJSON_AddStringToObject(f, "id", hss_table_cell(t, i, 0));
        cJSON *p = cJSON_AddObjectToObject(f, "properties");
        static const int keep[] = {0, 1, 2, 3, 4, 6, 10};
        for (size_t k = 0; k < sizeof keep / sizeof *keep; k++) {
            int c = keep[k];
            if (hss_table_is_null(t, i, (size_t)c))
                continue;
            if (c == 10)
                cJSON_AddNumberToObject(p, COLS[c], atof(hss_table_cell(t, i, (size_t)c)));
            else
                cJSON_AddStringToObject(p, COLS[c], hss_table_cell(t, i, (size_t)c));
        }
        cJSON *g = cJSON_AddObjectToObject(f, "geometry");
        cJSON_AddStringToObject(g, "type", "Point");
        cJSON *xy = cJSON_AddArrayToObject(g, "coordinates");
        cJSON_AddItemToArray(xy, cJSON_CreateNumber(atof(hss_table_cell(t, i, 8))));
        cJSON_AddItemToArray(xy, cJSON_CreateNumber(atof(hss_table_cell(t, i, 9))));
        cJSON_AddItemToArray(feats, f);
    }
    hss_table_free(t);
    char *js = cJSON_PrintUnformatted(fc);
    cJSON_Delete(fc);
    return js;
}

/* The map's points, from the shared cache or built and kept there: the same for everyone who
 * asks for the same area and type (under is already inside the caller's scope). */
char *hss_geo_facilities_json(hss_store *st, const char *under, const char *type)
{
    char key[96];
    snprintf(key, sizeof key, "points\n%s\n%s", under, type ? type : "");
    int64_t version = hss_store_data_version(st);
    char *js = hss_shared_get(key, version);
    if (!js && (js = points_build(st, under, type)))
        hss_shared_put(key, version, js);
    return js;
}

enum MHD_Result hss_api_geo_facilities(hss_req *r)
{
    char under[16];
    const char *type;
    if (facility_args(r, under, &type))
        return MHD_YES;
    char *js = hss_geo_facilities_json(r->st, under, type);
    if (!js)
        return hss_respond_error(r, 500, "database error: %s", hss_store_errmsg(r->st));
    return hss_respond_json(r, 200, js);
}

enum MHD_Result hss_api_export_facilities(hss_req *r, int xlsx)
{
    char under[16];
    const char *type;
    long long total;
    if (facility_args(r, under, &type))
        return MHD_YES;
    hss_table *t;
    hss_error err;
    hss_error_clear(&err);
    if (hss_facility_table(r->st, under, type, 0, 0, &t, &total, &err))
        return hss_respond_error(r, 500, "%s", err.msg);
    char name[64];
    snprintf(name, sizeof name, "facilities-%s", under);
    enum MHD_Result ret = hss_respond_table_file(r, t, name, xlsx);
    hss_table_free(t);
    return ret;
}
