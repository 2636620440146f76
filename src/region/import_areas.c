/*
 * import_areas.c: areas.csv — the statistical division tree. Each row's code must be well
 * formed for its level and sit under its parent, which must already be stored or appear on an
 * earlier line (so a file lists parents before children, as `hss export areas` writes it).
 * A top area may have no parent when it is a province, city or county (a region's root).
 */
#include <stdlib.h>
#include <string.h>

#include "region/region_int.h"

static const char *const REQUIRED[] = {"code", "parent_code", "level", "name", "kind",
                                       "population", "lon", "lat", NULL};
static const char *const OPTIONAL[] = {"generated", NULL};

/* Most residents any division can have: more than the most populous province. */
#define MAX_POPULATION 200000000

typedef struct {
    hss_stmt *level_of, *children, *ins, *upd;
} stmts;

static void finalize(stmts *s)
{
    hss_store_finalize(s->level_of);
    hss_store_finalize(s->children);
    hss_store_finalize(s->ins);
    hss_store_finalize(s->upd);
}

/* The stored level index of `code`, or -1 when the area does not exist. */
static int stored_level(hss_stmt *q, const char *code)
{
    hss_store_reset(q);
    hss_store_bind_copy(q, 1, code);
    int lv = -1;
    if (hss_store_step(q) == HSS_ROW)
        lv = rg_level_index(hss_store_col_text(q, 0));
    hss_store_reset(q);
    return lv;
}

static const char *level_id(int i)
{
    size_t n;
    const hss_term *t = hss_model_terms(HSS_VOCAB_LEVEL, &n);
    return i >= 0 && (size_t)i < n ? t[i].id : "?";
}

/* The code one level up that a parentless top area would have, for the format check. */
static void implied_parent(const char *code, int level, char *out, size_t n)
{
    int plen = hss_level_prefix_len(level - 1);
    snprintf(out, n, "%.*s", plen, code);
    if (level - 1 <= HSS_LEVEL_COUNTY)
        while (strlen(out) < 6 && strlen(out) < n - 1)
            strcat(out, "0");
}

static void bind_row(hss_stmt *s, const char *code, const char *parent, const char *level,
                     const char *name, const char *kind, int pop_null, int64_t pop, int has_loc,
                     double lon, double lat, int generated)
{
    hss_store_bind_copy(s, 1, code);
    if (parent)
        hss_store_bind_copy(s, 2, parent);
    else
        hss_store_bind_null(s, 2);
    hss_store_bind_text(s, 3, level);
    hss_store_bind_copy(s, 4, name);
    hss_store_bind_text(s, 5, kind);
    if (pop_null)
        hss_store_bind_null(s, 6);
    else
        hss_store_bind_int64(s, 6, pop);
    if (has_loc) {
        hss_store_bind_double(s, 7, lon);
        hss_store_bind_double(s, 8, lat);
    } else {
        hss_store_bind_null(s, 7);
        hss_store_bind_null(s, 8);
    }
    hss_store_bind_int(s, 9, generated);
}

static hss_code one_row(rg_import *im, void *ctx)
{
    stmts *s = ctx;
    const char *code, *parent, *level, *name, *kind;
    int64_t pop;
    int pop_null, has_loc, generated;
    double lon = 0, lat = 0;
    if (rg_code(im, "code", 1, &code) || rg_unique(im, "code", code, code) ||
        rg_vocab(im, "level", HSS_VOCAB_LEVEL, &level) || rg_code(im, "parent_code", 0, &parent) ||
        rg_text(im, "name", 1, &name) || rg_vocab(im, "kind", HSS_VOCAB_KIND, &kind) ||
        rg_count(im, "population", MAX_POPULATION, 1, &pop, &pop_null) ||
        rg_lonlat(im, &lon, &lat, &has_loc) ||
        rg_flag(im, "generated", im->generated, &generated))
        return HSS_EINVAL;
    int lv = rg_level_index(level);
    const char *why;
    if (parent) {
        int plv = stored_level(s->level_of, parent);
        if (plv < 0)
            return rg_bad(im, "parent_code", parent,
                          "is not a known area (a parent must be in the database or on an "
                          "earlier line of this file)");
        if (strcmp(parent, code) == 0)
            return rg_bad(im, "parent_code", parent, "is the area itself");
        why = hss_area_code_check(code, lv, parent, plv);
        if (why && strcmp(why, "parent is not one level up") == 0)
            return rg_bad(im, "level", level, "does not fit under parent '%s', which is a %s (a %s is one level up)",
                          parent, level_id(plv), lv > 0 ? level_id(lv - 1) : "nothing");
        if (why)
            return rg_bad(im, "code", code, "does not fit parent '%s': %s", parent, why);
    } else {
        if (lv > HSS_LEVEL_COUNTY)
            return rg_bad(im, "parent_code", "",
                          "is empty: a %s needs its parent (only a province, city or county can be a top area)",
                          level);
        char implied[16];
        if (lv == HSS_LEVEL_PROVINCE)
            why = hss_area_code_check(code, lv, NULL, -1);
        else {
            implied_parent(code, lv, implied, sizeof implied);
            why = hss_area_code_check(code, lv, implied, lv - 1);
        }
        if (why)
            return rg_bad(im, "code", code, "is not a %s code: %s", level, why);
        if (lv != HSS_LEVEL_PROVINCE && stored_level(s->level_of, implied) == lv - 1)
            return rg_bad(im, "parent_code", "",
                          "is empty, but area '%s' (the parent its code names) is stored: give it as parent_code",
                          implied);
    }
    int old = stored_level(s->level_of, code);
    if (old >= 0 && old != lv) {
        hss_store_reset(s->children);
        hss_store_bind_copy(s->children, 1, code);
        int nchild = hss_store_step(s->children) == HSS_ROW ? hss_store_col_int(s->children, 0) : 0;
        hss_store_reset(s->children);
        if (nchild > 0)
            return rg_bad(im, "level", level,
                          "would change the level of stored area '%s', which has %d child areas",
                          code, nchild);
    }
    hss_stmt *w = old >= 0 ? s->upd : s->ins;
    hss_store_reset(w);
    bind_row(w, code, parent, level, name, kind, pop_null, pop, has_loc, lon, lat, generated);
    if (old >= 0)
        hss_store_bind_int(w, 10, (int)rg_present(im, OPTIONAL));
    hss_code rc = rg_store_row(im, w, old >= 0, "storing area");
    if (!rc && has_loc)
        rc = rg_inside(im, code, lon, lat, 0);
    return rc;
}

hss_code rg_import_areas(rg_import *im)
{
    if (rg_header(im, REQUIRED, OPTIONAL))
        return HSS_EINVAL;
    stmts s = {0};
    s.level_of = hss_store_prepare(im->st, "SELECT level FROM area WHERE code=?1", im->err);
    s.children = hss_store_prepare(im->st, "SELECT count(*) FROM area WHERE parent_code=?1", im->err);
    s.ins = hss_store_prepare(im->st,
        "INSERT INTO area(code,parent_code,level,name,kind,population,lon,lat,generated) "
        "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)", im->err);
    s.upd = hss_store_prepare(im->st,
        /* ?10 bit 1: the file has a generated column (or --generated): else the label stays */
        "UPDATE area SET parent_code=?2,level=?3,name=?4,kind=?5,population=?6,lon=?7,lat=?8,"
        "generated=CASE WHEN (?10&1)<>0 THEN ?9 ELSE generated END WHERE code=?1 AND NOT ("
        "parent_code IS NOT DISTINCT FROM ?2 AND level IS NOT DISTINCT FROM ?3 "
        "AND name IS NOT DISTINCT FROM ?4 AND kind IS NOT DISTINCT FROM ?5 AND population IS NOT DISTINCT FROM ?6 "
        "AND lon IS NOT DISTINCT FROM ?7 AND lat IS NOT DISTINCT FROM ?8 AND "
        "generated IS NOT DISTINCT FROM CASE WHEN (?10&1)<>0 THEN ?9 ELSE generated END)",
        im->err);
    hss_code rc = HSS_OK;
    if (!s.level_of || !s.children || !s.ins || !s.upd)
        rc = HSS_EDB;
    if (rc == HSS_OK)
        rc = rg_rows(im, one_row, &s);
    finalize(&s);
    return rc;
}
