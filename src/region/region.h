/*
 * region: the region model's import, validation, export and queries (areas, facilities,
 * staff, vehicles, boundaries). Imports are strict and transactional: on any error nothing
 * changes and the error names file:line, column, value and why.
 *
 * CONTRACT (used by cli/ and server/; implemented in the src/region/ files):
 */
#ifndef HSS_REGION_H
#define HSS_REGION_H

#include "base/base.h"
#include "report/report.h"
#include "store/store.h"

/* What can be imported and exported. */
typedef enum {
    HSS_KIND_AREAS,
    HSS_KIND_FACILITIES,
    HSS_KIND_STAFF,
    HSS_KIND_VEHICLES,
    HSS_KIND_BOUNDARIES /* GeoJSON FeatureCollection; feature id or properties.code = area code */
} hss_region_kind;

/* Parses "areas" ... "boundaries". Returns 0 on success. */
int hss_region_kind_parse(const char *s, hss_region_kind *out);

typedef struct hss_import_stats {
    size_t rows;     /* records read */
    size_t inserted; /* new rows */
    size_t updated;  /* existing rows (by code) replaced */
    size_t unchanged; /* existing rows (by code) whose values were already the same */
} hss_import_stats;

/* Imports one file in one transaction. With dry_run, validates only. `generated` marks
 * rows as generated (demo data). */
hss_code hss_region_import(hss_store *st, hss_region_kind kind, const char *path, int dry_run,
                           hss_import_stats *stats, hss_error *err);

/* Filters shared by the queries. NULL/0 fields do not filter. */
typedef struct hss_region_filter {
    const char *under; /* area code: this area and everything below it */
    const char *level; /* area level */
    const char *type;  /* facility type */
    size_t limit;      /* 0 = no limit */
    size_t offset;
    int display;       /* 1: for a terminal table: vocabulary values shown as Chinese labels and
                        * the summary's all-zero breakdown columns left out (CSV/JSON keep ids
                        * and every column) */
    int whole;         /* summary with `under`: the total row is that area as a whole, with its
                        * own residents where stored (a sample of villages may not add up to
                        * the census count), so that it equals the area's row one level up */
} hss_region_filter;

/* Query results as tables whose column names are the CSV column names. */
hss_code hss_region_areas(hss_store *st, const hss_region_filter *f, hss_table **out, hss_error *err);
hss_code hss_region_facilities(hss_store *st, const hss_region_filter *f, hss_table **out, hss_error *err);
/* Per area (the `under` area's children, or the level asked for): residents, facilities by
 * type, approved/open beds, staff by category, ambulances, with a total row that adds up. */
hss_code hss_region_summary(hss_store *st, const hss_region_filter *f, hss_table **out, hss_error *err);

/* Areas and facilities in `under` (and below) whose name contains `text`, or whose code starts
 * with it when it is all digits: kind (area|facility), code, name, detail (level or facility
 * type), detail_zh, place (the parent area's name, or the facility's area). At most `limit`
 * rows (0 = 20): exact names first, then names starting with the text, areas before facilities. */
hss_code hss_region_search(hss_store *st, const char *text, const char *under, size_t limit, hss_table **out,
                           hss_error *err);

/* The name of medical community (医共体) `medcom` as a reader knows it: "<lead hospital>医共体"
 * ("medical community led by <lead hospital>" with en), or "" when no facility leads it. */
void hss_region_medcom_name(hss_store *st, const char *medcom, int en, char *out, size_t n);
/* A ';'-separated services list in words: "发热门诊、康复" ("fever clinic, rehabilitation"). */
void hss_region_services_text(const char *services, int en, char *out, size_t n);

/* Exports a kind in CSV (areas/facilities/staff/vehicles) or GeoJSON (boundaries) to `out`;
 * with json != 0, a JSON array of objects with the CSV column names. */
hss_code hss_region_export(hss_store *st, hss_region_kind kind, int json, FILE *out, hss_error *err);

/* ---- additions beyond the first contract ------------------------------------------------- */

/* Import flags. */
enum {
    HSS_IMPORT_DRY_RUN = 1,  /* validate only: everything is rolled back */
    HSS_IMPORT_GENERATED = 2 /* rows without a `generated` column are marked generated (demo) */
};

/* Imports `len` bytes of `data` (CSV, or GeoJSON for boundaries) named `name` in messages.
 * When the caller already has a transaction open on `st`, the import runs inside a savepoint
 * of it (on error only the import is undone; the caller commits); otherwise it is its own
 * transaction. The data version is bumped when a row was inserted or changed. */
hss_code hss_region_import_mem(hss_store *st, hss_region_kind kind, const char *name,
                               const char *data, size_t len, int flags, hss_import_stats *stats,
                               hss_error *err);

/* The kind's name ("areas" ...). */
const char *hss_region_kind_name(hss_region_kind kind);

/* Whether (lon, lat) lies inside the boundary stored for `area_code` or, when it has none, for
 * its nearest ancestor with one. Returns 1 inside, 0 outside, -1 when no boundary applies or
 * on a database error. When `boundary_area` is not NULL it receives the code (malloc'd) of the
 * area whose boundary was tested. */
int hss_region_point_in_area(hss_store *st, const char *area_code, double lon, double lat,
                             char **boundary_area);

/* ---- the dashboard's reads (lookup.c) -------------------------------------------------------
 * Rows as tables; area rows have the columns code, parent_code, level, name, kind, population,
 * lon, lat, generated. `under` is an area code: that area and everything below it. */

/* The name and level of area `code`; 1 when it is stored, else 0. */
int hss_region_area_name(hss_store *st, const char *code, char *name, size_t n, char *level, size_t m);
/* The areas under `under` of `level` (NULL: every level above the villages), by code. */
hss_code hss_region_area_rows(hss_store *st, const char *under, const char *level, hss_table **out, hss_error *err);
/* Area `code` alone (no row when it is not stored), and its children by code. */
hss_code hss_region_area_one(hss_store *st, const char *code, hss_table **out, hss_error *err);
hss_code hss_region_area_children(hss_store *st, const char *code, hss_table **out, hss_error *err);
/* Area `code` and its ancestors, the top first: code, level, name. */
hss_code hss_region_area_path(hss_store *st, const char *code, hss_table **out, hss_error *err);
/* Facilities under `under` counted by type: type, count. */
hss_code hss_region_facility_types(hss_store *st, const char *under, hss_table **out, hss_error *err);
/* The boundaries a map of `under` shows: of `level` inside `under`, or by default of the children
 * of `under`, falling back to `under` itself and then to its nearest ancestor inside `scope`
 * that has one. Columns code, name, level, population, geometry (GeoJSON text). */
hss_code hss_region_boundary_rows(hss_store *st, const char *under, const char *level, const char *scope,
                                  hss_table **out, hss_error *err);
/* The facilities under `under` of `type` (NULL = all), by area and code, `limit` rows (0 = all)
 * from `offset`; *total gets the count before paging. Columns code, name, type, type_zh, grade,
 * ownership, area_code, area_name, lon, lat, beds_approved, beds_open, medcom_code, generated. */
hss_code hss_region_facility_page(hss_store *st, const char *under, const char *type, size_t limit,
                                  size_t offset, hss_table **out, long long *total, hss_error *err);
/* Facility `code` (no row when not stored): code, name, type, grade, ownership, area_code,
 * area_name, lon, lat, beds_approved, beds_open, beds_infectious, medcom_code, medcom_lead,
 * central, sub_centre, services, generated. */
hss_code hss_region_facility_detail(hss_store *st, const char *code, hss_table **out, hss_error *err);
/* A facility's staff by category (vehicles = 0) or vehicles by kind (1): id, count. */
hss_code hss_region_facility_counts(hss_store *st, const char *code, int vehicles, hss_table **out, hss_error *err);
/* The area code and name of facility `code`; 1 when it is stored, else 0. */
int hss_region_facility_place(hss_store *st, const char *code, char area[16], char *name, size_t n);

#endif
