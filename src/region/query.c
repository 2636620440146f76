/*
 * query.c: the area and facility listings (`hss areas`, `hss facilities`) and the CSV/JSON
 * export built on them. Column names are the CSV column names so that a listing exported as
 * CSV imports back unchanged; the text table shows Chinese labels. "Under" means the area and
 * every descendant, found with a recursive query over parent_code.
 */
#include <stdlib.h>
#include <string.h>

#include "region/region_int.h"

/* One output column: CSV name, Chinese label, type, and the vocabulary its values come from
 * (-1 for none; -2 for the ';'-separated services list). */
typedef struct {
    const char *name, *label;
    hss_col_type type;
    int vocab;
} colspec;

static const colspec AREA_COLS[] = {
    {"code", "代码", HSS_COL_TEXT, -1},
    {"parent_code", "上级代码", HSS_COL_TEXT, -1},
    {"level", "层级", HSS_COL_TEXT, HSS_VOCAB_LEVEL},
    {"name", "名称", HSS_COL_TEXT, -1},
    {"kind", "城乡", HSS_COL_TEXT, HSS_VOCAB_KIND},
    {"population", "常住人口", HSS_COL_INT, -1},
    {"lon", "经度", HSS_COL_REAL, -1},
    {"lat", "纬度", HSS_COL_REAL, -1},
    {"generated", "生成数据", HSS_COL_INT, -1},
};

static const colspec FACILITY_COLS[] = {
    {"code", "代码", HSS_COL_TEXT, -1},
    {"name", "名称", HSS_COL_TEXT, -1},
    {"type", "类型", HSS_COL_TEXT, HSS_VOCAB_FACILITY_TYPE},
    {"grade", "等级", HSS_COL_TEXT, HSS_VOCAB_GRADE},
    {"ownership", "举办主体", HSS_COL_TEXT, HSS_VOCAB_OWNERSHIP},
    {"run_by", "举办层级", HSS_COL_TEXT, HSS_VOCAB_LEVEL},
    {"area_code", "所在区域", HSS_COL_TEXT, -1},
    {"lon", "经度", HSS_COL_REAL, -1},
    {"lat", "纬度", HSS_COL_REAL, -1},
    {"beds_approved", "编制床位", HSS_COL_INT, -1},
    {"beds_open", "开放床位", HSS_COL_INT, -1},
    {"beds_infectious", "传染病床位", HSS_COL_INT, -1},
    {"beds_rehabilitation", "康复床位", HSS_COL_INT, -1},
    {"beds_nursing", "护理床位", HSS_COL_INT, -1},
    {"medcom_code", "医共体", HSS_COL_TEXT, -1},
    {"medcom_lead", "牵头医院", HSS_COL_INT, -1},
    {"central", "中心卫生院", HSS_COL_INT, -1},
    {"sub_centre", "县域次中心", HSS_COL_INT, -1},
    {"services", "服务", HSS_COL_TEXT, -2},
    {"generated", "生成数据", HSS_COL_INT, -1},
};

static const colspec STAFF_COLS[] = {
    {"facility_code", "机构代码", HSS_COL_TEXT, -1},
    {"category", "人员类别", HSS_COL_TEXT, HSS_VOCAB_STAFF},
    {"count", "人数", HSS_COL_INT, -1},
};

static const colspec VEHICLE_COLS[] = {
    {"facility_code", "机构代码", HSS_COL_TEXT, -1},
    {"kind", "车辆类型", HSS_COL_TEXT, HSS_VOCAB_VEHICLE},
    {"count", "数量", HSS_COL_INT, -1},
};

#define NCOLS(a) (sizeof a / sizeof *a)

/* Runs q and appends every row to a new table with the given columns. */
static hss_code fill(hss_store *st, hss_stmt *q, const colspec *cols, size_t ncols, int display,
                     hss_table **out, hss_error *err)
{
    hss_table *t = hss_table_new();
    for (size_t c = 0; c < ncols; c++)
        hss_table_add_col(t, cols[c].name, cols[c].label, cols[c].type);
    int rc;
    hss_buf b;
    hss_buf_init(&b);
    while ((rc = hss_store_step(q)) == HSS_ROW) {
        hss_table_add_row(t);
        for (size_t c = 0; c < ncols; c++) {
            if (hss_store_col_type(q, (int)c) == HSS_SQL_NULL)
                continue;
            if (cols[c].type == HSS_COL_INT) {
                hss_table_set_int(t, c, hss_store_col_int64(q, (int)c));
            } else if (cols[c].type == HSS_COL_REAL) {
                char num[40];
                rg_fmt_double(num, sizeof num, hss_store_col_double(q, (int)c));
                hss_table_set_text(t, c, num);
            } else {
                const char *s = hss_store_col_text(q, (int)c);
                if (display && cols[c].vocab >= 0) {
                    s = hss_model_zh((hss_vocab)cols[c].vocab, s);
                } else if (display && cols[c].vocab == -2) {
                    /* services: "tcm_hall;fever_clinic" -> "中医馆、发热门诊" */
                    hss_buf_reset(&b);
                    char *copy = hss_xstrdup(s), *save = NULL;
                    for (char *p = strtok_r(copy, ";", &save); p; p = strtok_r(NULL, ";", &save))
                        hss_buf_printf(&b, "%s%s", b.len ? "、" : "", hss_model_zh(HSS_VOCAB_SERVICE, p));
                    free(copy);
                    s = b.data ? b.data : "";
                }
                hss_table_set_text(t, c, s);
            }
        }
    }
    hss_buf_free(&b);
    if (rc != HSS_DONE) {
        hss_table_free(t);
        return hss_store_error(st, err, "query");
    }
    *out = t;
    return HSS_OK;
}

hss_code rg_check_filter(hss_store *st, const hss_region_filter *f, hss_error *err)
{
    if (f->under) {
        hss_stmt *q = hss_store_prepare(st, "SELECT 1 FROM area WHERE code=?1", err);
        if (!q)
            return HSS_EDB;
        hss_store_bind_copy(q, 1, f->under);
        int found = hss_store_step(q) == HSS_ROW;
        hss_store_finalize(q);
        if (!found)
            return hss_fail(err, HSS_ENOTFOUND, "--under: no area with code '%s'", f->under);
    }
    const struct {
        const char *opt, *v;
        hss_vocab vocab;
    } checks[] = {{"--level", f->level, HSS_VOCAB_LEVEL}, {"--type", f->type, HSS_VOCAB_FACILITY_TYPE}};
    for (size_t i = 0; i < 2; i++) {
        if (!checks[i].v || hss_model_find(checks[i].vocab, checks[i].v) >= 0)
            continue;
        const char *s = hss_model_suggest(checks[i].vocab, checks[i].v);
        size_t n;
        const hss_term *t = hss_model_terms(checks[i].vocab, &n);
        hss_buf list;
        hss_buf_init(&list);
        for (size_t k = 0; k < n; k++)
            hss_buf_printf(&list, "%s%s", k ? ", " : "", t[k].id);
        if (s)
            hss_fail(err, HSS_EINVAL, "%s: '%s' is not a %s (did you mean '%s'?)", checks[i].opt,
                     checks[i].v, hss_model_vocab_name(checks[i].vocab), s);
        else
            hss_fail(err, HSS_EINVAL, "%s: '%s' is not a %s (one of: %s)", checks[i].opt, checks[i].v,
                     hss_model_vocab_name(checks[i].vocab), list.data);
        hss_buf_free(&list);
        return HSS_EINVAL;
    }
    return HSS_OK;
}

static void bind_filter(hss_stmt *q, const hss_region_filter *f, const char *level_or_type)
{
    if (f->under)
        hss_store_bind_copy(q, 1, f->under);
    if (f->level)
        hss_store_bind_copy(q, 2, f->level);
    if (level_or_type)
        hss_store_bind_copy(q, 3, level_or_type);
    /* no limit: the largest count (LIMIT -1 means "none" on SQLite only) */
    hss_store_bind_int64(q, 4, f->limit ? (int64_t)f->limit : INT64_MAX);
    hss_store_bind_int64(q, 5, (int64_t)f->offset);
}

/* A filtered list (areas or facilities): checks the filter, runs sql (UNDER_CTE with ?1..?5 as
 * bind_filter binds them; ?3 is the facility type when by_type) and fills the table. */
static hss_code filtered_table(hss_store *st, const hss_region_filter *f, const char *sql, int by_type,
                               const colspec *cols, size_t ncols, hss_table **out, hss_error *err)
{
    hss_region_filter none = {0};
    if (!f)
        f = &none;
    if (rg_check_filter(st, f, err))
        return err ? err->code : HSS_EINVAL;
    hss_stmt *q = hss_store_prepare(st, sql, err);
    if (!q)
        return HSS_EDB;
    bind_filter(q, f, by_type ? f->type : NULL);
    hss_code rc = fill(st, q, cols, ncols, f->display, out, err);
    hss_store_finalize(q);
    return rc;
}

hss_code hss_region_areas(hss_store *st, const hss_region_filter *f, hss_table **out, hss_error *err)
{
    return filtered_table(st, f, UNDER_CTE
        "SELECT code,parent_code,level,name,kind,population,lon,lat,generated FROM area "
        "WHERE (?1 IS NULL OR code IN (SELECT code FROM sub)) AND (?2 IS NULL OR level=?2) "
        "AND ?3 IS NULL ORDER BY code LIMIT ?4 OFFSET ?5", 0, AREA_COLS, NCOLS(AREA_COLS), out, err);
}

hss_code hss_region_facilities(hss_store *st, const hss_region_filter *f, hss_table **out, hss_error *err)
{
    return filtered_table(st, f, UNDER_CTE
        "SELECT f.code,f.name,f.type,f.grade,f.ownership,f.run_by,f.area_code,f.lon,f.lat,"
        "f.beds_approved,f.beds_open,f.beds_infectious,f.beds_rehabilitation,f.beds_nursing,"
        "f.medcom_code,f.medcom_lead,f.central,f.sub_centre,"
        "f.services,f.generated FROM facility f JOIN area a ON a.code = f.area_code "
        "WHERE (?1 IS NULL OR f.area_code IN (SELECT code FROM sub)) AND (?2 IS NULL OR a.level=?2) "
        "AND (?3 IS NULL OR f.type=?3) ORDER BY f.code LIMIT ?4 OFFSET ?5", 1, FACILITY_COLS,
        NCOLS(FACILITY_COLS), out, err);
}

static hss_code counts_table(hss_store *st, int vehicles, hss_table **out, hss_error *err)
{
    hss_stmt *q = hss_store_prepare(st, vehicles
        ? "SELECT facility_code, kind, count FROM vehicle ORDER BY facility_code, kind"
        : "SELECT facility_code, category, count FROM staff ORDER BY facility_code, category", err);
    if (!q)
        return HSS_EDB;
    hss_code rc = vehicles ? fill(st, q, VEHICLE_COLS, NCOLS(VEHICLE_COLS), 0, out, err)
                           : fill(st, q, STAFF_COLS, NCOLS(STAFF_COLS), 0, out, err);
    hss_store_finalize(q);
    return rc;
}

hss_code hss_region_export(hss_store *st, hss_region_kind kind, int json, FILE *out, hss_error *err)
{
    hss_table *t = NULL;
    hss_code rc;
    switch (kind) {
    case HSS_KIND_AREAS: rc = hss_region_areas(st, NULL, &t, err); break;
    case HSS_KIND_FACILITIES: rc = hss_region_facilities(st, NULL, &t, err); break;
    case HSS_KIND_STAFF: rc = counts_table(st, 0, &t, err); break;
    case HSS_KIND_VEHICLES: rc = counts_table(st, 1, &t, err); break;
    case HSS_KIND_BOUNDARIES: return rg_export_boundaries(st, out, err);
    default: return hss_fail(err, HSS_EINVAL, "unknown export kind %d", (int)kind);
    }
    if (rc)
        return rc;
    hss_table_write(t, json ? HSS_FORMAT_JSON : HSS_FORMAT_CSV, out);
    hss_table_free(t);
    return ferror(out) ? hss_fail(err, HSS_EIO, "writing the export failed") : HSS_OK;
}

void hss_region_medcom_name(hss_store *st, const char *medcom, int en, char *out, size_t n)
{
    out[0] = 0;
    hss_stmt *q = hss_store_prepare(st, "SELECT name FROM facility WHERE medcom_code=?1 AND medcom_lead=1 ORDER BY code LIMIT 1", NULL);
    if (!q)
        return;
    hss_store_bind_text(q, 1, medcom);
    if (hss_store_step(q) == HSS_ROW)
        snprintf(out, n, en ? "medical community led by %s" : "%s医共体", hss_store_col_text(q, 0));
    hss_store_finalize(q);
}

void hss_region_services_text(const char *services, int en, char *out, size_t n)
{
    size_t used = 0, nterms;
    const hss_term *terms = hss_model_terms(HSS_VOCAB_SERVICE, &nterms);
    out[0] = 0;
    for (const char *p = services; p && *p && used < n;) {
        size_t len = strcspn(p, ";");
        char id[64];
        snprintf(id, sizeof id, "%.*s", (int)(len < sizeof id ? len : sizeof id - 1), p);
        int i = hss_model_find(HSS_VOCAB_SERVICE, id);
        const char *word = i < 0 ? id : en ? terms[i].en : terms[i].zh;
        used += (size_t)snprintf(out + used, n - used, "%s%s", used ? (en ? ", " : "、") : "", word);
        p += len + (p[len] == ';');
    }
}
