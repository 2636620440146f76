/*
 * region_int.h (private to src/region/): what the region files share and callers never see:
 * a string-keyed hash map, the import context with its field validators, geometry parsing and
 * point-in-polygon, and the per-kind import entry points.
 */
#ifndef HSS_REGION_INT_H
#define HSS_REGION_INT_H

#include <cjson/cJSON.h>

#include "model/model.h"
#include "geo/geo.h"
#include "region/region.h"

/* ---- string map (strmap.c): code -> size_t, owns copies of its keys ---------------------- */
typedef struct rg_map rg_map;
rg_map *rg_map_new(void);
void rg_map_free(rg_map *m);
/* 1 and *val when present, else 0. */
int rg_map_get(const rg_map *m, const char *key, size_t *val);
/* Sets key to val (replacing any previous value). */
void rg_map_put(rg_map *m, const char *key, size_t val);

/* ---- geometry (geometry.c; polygons come from src/geo) ------------------------------- */
/* Loads and caches boundaries of one import (keyed by area code). */
typedef struct rg_geo_cache rg_geo_cache;
rg_geo_cache *rg_geo_cache_new(void);
void rg_geo_cache_free(rg_geo_cache *c);
/* Marks an area's cached boundary as changed (it is reloaded on next use). */
void rg_geo_cache_forget(rg_geo_cache *c, const char *area_code);
/* As hss_region_point_in_area, with a cache. */
int rg_point_in_area(hss_store *st, rg_geo_cache *c, const char *area_code, double lon,
                     double lat, char **boundary_area);

/* ---- import context (import.c) ----------------------------------------------------------- */
typedef struct rg_import {
    hss_store *st;
    hss_csv *csv;            /* CSV kinds */
    const char *name;        /* file name for messages */
    int generated;           /* default for the generated flag */
    hss_import_stats *stats;
    hss_error *err;
    rg_geo_cache *geo;
    rg_map *seen;            /* keys met in this file -> line */
} rg_import;

/* "name:line: column 'col': value 'v' <why>" */
hss_code rg_bad(rg_import *im, const char *col, const char *value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Checks the header: the required columns are present, every column is known. */
hss_code rg_header(rg_import *im, const char *const *required, const char *const *optional);
/* Text: no control characters, at most 200 bytes, non-empty when required. */
hss_code rg_text(rg_import *im, const char *col, int required, const char **out);
/* A code: 1..64 of [A-Za-z0-9_.-]; empty allowed unless required (then *out = NULL). */
hss_code rg_code(rg_import *im, const char *col, int required, const char **out);
/* Vocabulary value: *out is the stored id. */
hss_code rg_vocab(rg_import *im, const char *col, hss_vocab v, const char **out);
/* Whole number in [0, max]; empty -> *is_null = 1 when nullable, else an error. */
hss_code rg_count(rg_import *im, const char *col, int64_t max, int nullable, int64_t *out,
                  int *is_null);
/* 0/1 flag; empty or absent column -> dflt. */
hss_code rg_flag(rg_import *im, const char *col, int dflt, int *out);
/* lon/lat pair: both empty -> *has = 0; checks ranges (China's extent). */
hss_code rg_lonlat(rg_import *im, double *lon, double *lat, int *has);
/* Duplicate key within the file (key may be composite). */
hss_code rg_unique(rg_import *im, const char *col, const char *value, const char *key);

/* Which of the optional columns the file has, bit i for optional[i] (the generated column
 * counts as present when the import sets the label): an absent column leaves stored values
 * alone on update. */
unsigned rg_present(const rg_import *im, const char *const *optional);
/* Steps the insert (existed = 0) or update statement w of the current row and counts the row
 * as inserted, updated or unchanged; a failed step is an error naming file:line. */
hss_code rg_store_row(rg_import *im, hss_stmt *w, int existed, const char *what);
/* A located row must lie inside the boundary of `area` (when one is stored); when
 * name_area, the message also names `area` as the row's area_code. */
hss_code rg_inside(rg_import *im, const char *area, double lon, double lat, int name_area);
/* Calls row(im, ctx) for every remaining CSV row, counting rows, until one fails. */
hss_code rg_rows(rg_import *im, hss_code (*row)(rg_import *im, void *ctx), void *ctx);

hss_code rg_import_areas(rg_import *im);
hss_code rg_import_facilities(rg_import *im);
hss_code rg_import_counts(rg_import *im, int vehicles);
hss_code rg_import_boundaries(rg_import *im, const char *data, size_t len);
hss_code rg_export_boundaries(hss_store *st, FILE *out, hss_error *err);
/* Checks --under exists and --level/--type are known. */
hss_code rg_check_filter(hss_store *st, const hss_region_filter *f, hss_error *err);

/* Shortest decimal text that reads back as exactly v. */
void rg_fmt_double(char *buf, size_t n, double v);
/* Extent of China that every location must fall in (area codes are Chinese division codes). */
#define RG_LON_MIN 73.4
#define RG_LON_MAX 135.1
#define RG_LAT_MIN 3.8
#define RG_LAT_MAX 53.6

/* The codes of area ?1 and every area below it, as a CTE `sub(code)` to start a query with. */
#define UNDER_CTE                                                                              \
    "WITH RECURSIVE sub(code) AS (SELECT code FROM area WHERE code=?1 "                       \
    "UNION ALL SELECT a.code FROM area a JOIN sub ON a.parent_code = sub.code) "

/* Index of a level id (province = 0 ...), -1 when unknown. */
int rg_level_index(const char *level);

#endif
