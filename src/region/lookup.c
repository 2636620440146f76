/*
 * lookup.c: the reads behind the dashboard's region screens (the area tree, an area's page,
 * boundaries, facility lists and a facility's detail). Each answers rows as a table whose
 * columns are named in region.h; the server only turns them into JSON.
 */
#include <string.h>

#include "model/model.h"
#include "region/region.h"

#define AREA_COLS "a.code,a.parent_code,a.level,a.name,a.kind,a.population,a.lon,a.lat,a.generated"

/* Runs `sql` with the texts `v` bound in order (NULL binds SQL NULL) and returns its rows. */
static hss_code rows(hss_store *st, const char *sql, const char *const *v, int n, hss_table **out, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, sql, err);
    if (!s)
        return HSS_EDB;
    for (int i = 0; i < n; i++)
        if (v[i])
            hss_store_bind_text(s, i + 1, v[i]);
    hss_code c = hss_store_table(s, out, err);
    hss_store_finalize(s);
    return c;
}

int hss_region_area_name(hss_store *st, const char *code, char *name, size_t n, char *level, size_t m)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT name,level FROM area WHERE code=?", NULL);
    if (!s)
        return 0;
    hss_store_bind_text(s, 1, code);
    int found = hss_store_step(s) == HSS_ROW;
    if (found && name)
        snprintf(name, n, "%s", hss_store_col_text(s, 0));
    if (found && level)
        snprintf(level, m, "%s", hss_store_col_text(s, 1));
    hss_store_finalize(s);
    return found;
}

hss_code hss_region_area_rows(hss_store *st, const char *under, const char *level, hss_table **out, hss_error *err)
{
    char lo[13], hi[14];
    hss_model_area_range(under, lo, hi);
    const char *v[] = {lo, hi, level};
    /* Without a level the tree stops at townships: villages come with an area's children. */
    return rows(st, "SELECT " AREA_COLS " FROM area a WHERE a.code>=?1 AND a.code<?2 AND "
                    "(?3 IS NULL AND a.level<>'village' OR a.level=?3) ORDER BY a.code", v, 3, out, err);
}

hss_code hss_region_area_one(hss_store *st, const char *code, hss_table **out, hss_error *err)
{
    const char *v[] = {code};
    return rows(st, "SELECT " AREA_COLS " FROM area a WHERE a.code=?", v, 1, out, err);
}

hss_code hss_region_area_children(hss_store *st, const char *code, hss_table **out, hss_error *err)
{
    const char *v[] = {code};
    return rows(st, "SELECT " AREA_COLS " FROM area a WHERE a.parent_code=? ORDER BY a.code", v, 1, out, err);
}

hss_code hss_region_area_path(hss_store *st, const char *code, hss_table **out, hss_error *err)
{
    const char *v[] = {code};
    return rows(st,
        "WITH RECURSIVE up(code,parent_code,level,name,depth) AS ("
        " SELECT code,parent_code,level,name,0 FROM area WHERE code=?1"
        " UNION ALL SELECT a.code,a.parent_code,a.level,a.name,up.depth+1 FROM area a JOIN up ON a.code=up.parent_code"
        "  WHERE up.depth<8) SELECT code,level,name FROM up ORDER BY depth DESC", v, 1, out, err);
}

hss_code hss_region_facility_types(hss_store *st, const char *under, hss_table **out, hss_error *err)
{
    char lo[13], hi[14];
    hss_model_area_range(under, lo, hi);
    const char *v[] = {lo, hi};
    return rows(st, "SELECT type,count(*) AS count FROM facility WHERE area_code>=? AND area_code<? GROUP BY type ORDER BY type",
                v, 2, out, err);
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

hss_code hss_region_boundary_rows(hss_store *st, const char *under, const char *level, const char *scope,
                                  hss_table **out, hss_error *err)
{
    char lo[13], hi[14], slo[13], shi[14];
    hss_model_area_range(under, lo, hi);
    hss_model_area_range(scope, slo, shi);
    *out = NULL;
    for (int pass = 0; pass < 3; pass++) {
        /* the ancestor pass ranges over the caller's scope, the others over `under` */
        const char *v[] = {pass == 2 ? slo : lo, pass == 2 ? shi : hi, pass == 0 ? level : NULL, under};
        hss_table *t = NULL;
        hss_code c = rows(st, BOUNDARY_SQL[pass], v, 4, &t, err);
        if (c)
            return c;
        if (hss_table_rows(t) > 0 || level || pass == 2) {
            *out = t;
            return HSS_OK;
        }
        hss_table_free(t);
    }
    return HSS_OK;
}

int hss_region_facility_place(hss_store *st, const char *code, char area[16], char *name, size_t n)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT area_code,name FROM facility WHERE code=?1", NULL);
    if (!s)
        return 0;
    hss_store_bind_text(s, 1, code);
    int found = hss_store_step(s) == HSS_ROW;
    if (found) {
        const char *a = hss_store_col_text(s, 0);
        snprintf(area, 16, "%s", a ? a : "");
        snprintf(name, n, "%s", hss_store_col_text(s, 1));
    }
    hss_store_finalize(s);
    return found;
}

hss_code hss_region_facility_detail(hss_store *st, const char *code, hss_table **out, hss_error *err)
{
    const char *v[] = {code};
    return rows(st,
        "SELECT f.code,f.name,f.type,f.grade,f.ownership,f.area_code,a.name AS area_name,f.lon,f.lat,f.beds_approved,"
        "f.beds_open,f.beds_infectious,f.medcom_code,f.medcom_lead,f.central,f.sub_centre,f.services,f.generated "
        "FROM facility f LEFT JOIN area a ON a.code=f.area_code WHERE f.code=?", v, 1, out, err);
}

hss_code hss_region_facility_counts(hss_store *st, const char *code, int vehicles, hss_table **out, hss_error *err)
{
    const char *v[] = {code};
    return rows(st, vehicles ? "SELECT kind AS id,count FROM vehicle WHERE facility_code=? ORDER BY kind"
                             : "SELECT category AS id,count FROM staff WHERE facility_code=? ORDER BY category",
                v, 1, out, err);
}

static const char *const COLS[] = {"code", "name", "type", "type_zh", "grade", "ownership", "area_code",
                                   "area_name", "lon", "lat", "beds_approved", "beds_open", "medcom_code",
                                   "generated"};
enum { NCOLS = sizeof COLS / sizeof *COLS };

hss_code hss_region_facility_page(hss_store *st, const char *under, const char *type, size_t limit,
                            size_t offset, hss_table **out, long long *total, hss_error *err)
{
    char lo[13], hi[14];
    hss_model_area_range(under, lo, hi);
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
    hss_store_bind_int64(s, 4, limit ? (int64_t)limit : INT64_MAX);
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

