/*
 * map.c: the rounds and the villages of an area as one JSON object for the dashboard's map:
 * each round with its home and stops in order (coordinates included), each village with how it
 * is served (rural circle 20 minutes, weekly visits).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "rounds/rounds_int.h"

static void add_num_or_null(cJSON *o, const char *k, const hss_table *t, size_t r, size_t c)
{
    double x;
    if (hss_table_is_null(t, r, c) || hss_parse_double(hss_table_cell(t, r, c), &x))
        cJSON_AddNullToObject(o, k);
    else
        cJSON_AddNumberToObject(o, k, x);
}

static cJSON *rounds_json(const hss_table *t)
{
    cJSON *arr = cJSON_CreateArray(), *cur = NULL, *stops = NULL;
    const char *prev = "";
    for (size_t r = 0; r < hss_table_rows(t); r++) {
        const char *code = hss_table_cell(t, r, 0);
        if (!cur || strcmp(code, prev) != 0) {
            cur = cJSON_CreateObject();
            cJSON_AddStringToObject(cur, "code", code);
            cJSON_AddStringToObject(cur, "vehicle", hss_table_cell(t, r, 1));
            cJSON_AddStringToObject(cur, "home", hss_table_cell(t, r, 2));
            cJSON_AddStringToObject(cur, "home_name", hss_table_cell(t, r, 3));
            add_num_or_null(cur, "home_lon", t, r, 4);
            add_num_or_null(cur, "home_lat", t, r, 5);
            cJSON_AddStringToObject(cur, "weekdays", hss_table_cell(t, r, 6));
            cJSON_AddStringToObject(cur, "start", hss_table_cell(t, r, 7));
            cJSON_AddBoolToObject(cur, "generated", strcmp(hss_table_cell(t, r, 8), "1") == 0);
            stops = cJSON_AddArrayToObject(cur, "stops");
            cJSON_AddItemToArray(arr, cur);
            prev = code;
        }
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "village", hss_table_cell(t, r, 9));
        cJSON_AddStringToObject(s, "name", hss_table_cell(t, r, 10));
        add_num_or_null(s, "lon", t, r, 11);
        add_num_or_null(s, "lat", t, r, 12);
        add_num_or_null(s, "dwell_min", t, r, 13);
        cJSON_AddStringToObject(s, "place", hss_table_cell(t, r, 14));
        cJSON_AddItemToArray(stops, s);
    }
    return arr;
}

static const char *served_by(const hss_rounds_village *v)
{
    return v->by_clinic ? "clinic" : v->by_stationed ? "stationed" : v->by_rounds ? "rounds" : "";
}

static void add_villages(cJSON *root, hss_store *st, const char *under)
{
    hss_rounds_cover_opts o;
    hss_rounds_cover_defaults(&o);
    hss_rounds_village *v = NULL;
    size_t n = 0, served = 0;
    hss_error err;
    hss_error_clear(&err);
    cJSON *arr = cJSON_AddArrayToObject(root, "villages");
    if (hss_rounds_villages(st, under, &o, &v, &n, &err)) {
        cJSON_AddNumberToObject(root, "villages_total", 0);
        cJSON_AddNumberToObject(root, "villages_served", 0);
        cJSON_AddStringToObject(root, "coverage_error", err.msg);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "code", v[i].code);
        cJSON_AddStringToObject(x, "name", v[i].name);
        cJSON_AddNumberToObject(x, "residents", (double)v[i].residents);
        cJSON_AddNumberToObject(x, "lon", v[i].lon);
        cJSON_AddNumberToObject(x, "lat", v[i].lat);
        cJSON_AddBoolToObject(x, "served", v[i].served);
        cJSON_AddStringToObject(x, "served_by", served_by(&v[i]));
        cJSON_AddNumberToObject(x, "visits", v[i].visits);
        cJSON_AddNumberToObject(x, "required", v[i].required);
        cJSON_AddItemToArray(arr, x);
        served += (size_t)v[i].served;
    }
    cJSON_AddNumberToObject(root, "villages_total", (double)n);
    cJSON_AddNumberToObject(root, "villages_served", (double)served);
    cJSON_AddNullToObject(root, "coverage_error");
    hss_rounds_villages_free(v, n);
}

hss_code hss_rounds_map_json(hss_store *st, const char *under, char **out, hss_error *err)
{
    hss_table *t = hss_table_new();
    static const char *const cols[] = {"round", "vehicle", "home", "home_name", "home_lon", "home_lat", "weekdays",
                                       "start", "generated", "village", "village_name", "lon", "lat", "dwell_min",
                                       "place"};
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++)
        hss_table_add_col(t, cols[i], NULL, HSS_COL_TEXT);
    hss_code rc = rdb_map_rounds(st, under, t, err);
    if (rc) {
        hss_table_free(t);
        return rc;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "under", under ? under : "");
    cJSON_AddItemToObject(root, "rounds", rounds_json(t));
    hss_table_free(t);
    add_villages(root, st, under);
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    *out = hss_xstrdup(s);
    cJSON_free(s);
    return HSS_OK;
}
