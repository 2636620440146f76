/*
 * import.c: `hss data import`. Reads element,org,period,value[,category] rows, validates each
 * against the catalogue and the stored region (a facility element needs a facility, an area
 * element an area of its level), writes them in one transaction and updates the aggregates by
 * the difference between the old and new value of every key, so a re-import that changes a
 * value replaces it and is never counted twice. With delete_rows the rows name keys to delete.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/internal.h"
#include "model/model.h"

typedef struct importer {
    hss_store *st;
    hss_csv *csv;
    mx_tree tree;
    mx_strmap orgs;   /* metric_org code -> id */
    mx_strmap seen;   /* key -> line, to refuse a key twice in one file */
    mx_aggmap delta;
    hss_stmt *org_ins, *get, *put, *del;
    int delete_rows;
    size_t changed;
} importer;

static hss_code row_fail(importer *im, hss_error *err, const char *col, const char *val,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static hss_code row_fail(importer *im, hss_error *err, const char *col, const char *val,
                         const char *fmt, ...)
{
    char why[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    char shown[100];
    return hss_fail(err, HSS_EINVAL, "%s:%zu: column %s: '%s': %s", hss_csv_name(im->csv),
                    hss_csv_line(im->csv), col, hss_text_shown(val, shown, sizeof shown), why);
}

static hss_code load_orgs(importer *im, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(im->st, "SELECT id, code FROM metric_org", err);
    if (!s)
        return err->code;
    while (hss_store_step(s) == HSS_ROW)
        mx_strmap_put(&im->orgs, hss_store_col_text(s, 1),
                      hss_store_col_int(s, 0));
    hss_store_finalize(s);
    return HSS_OK;
}

static int org_id(importer *im, const char *code, int create)
{
    int id;
    if (mx_strmap_get(&im->orgs, code, &id))
        return id;
    if (!create)
        return 0;
    hss_store_bind_text(im->org_ins, 1, code);
    int rc = hss_store_step(im->org_ins);
    hss_store_reset(im->org_ins);
    if (rc != HSS_DONE)
        return -1;
    id = (int)hss_store_last_id(im->st);
    mx_strmap_put(&im->orgs, code, id);
    return id;
}

static const char *element_suggestion(const char *code)
{
    size_t n;
    const hss_metrics_element *els = hss_metrics_elements(&n);
    const char *names[64];
    for (size_t i = 0; i < n && i < 64; i++)
        names[i] = els[i].code;
    return hss_suggest(code, names, n < 64 ? n : 64);
}

static hss_code import_row(importer *im, hss_error *err)
{
    const char *ecode = hss_csv_get(im->csv, "element");
    const char *org = hss_csv_get(im->csv, "org");
    const char *period = hss_csv_get(im->csv, "period");
    const char *vtext = hss_csv_get(im->csv, "value");
    const char *cat = hss_csv_get(im->csv, "category");
    const char *gen = hss_csv_get(im->csv, "generated");
    if (!cat)
        cat = "";
    if (gen && *gen && strcmp(gen, "0") != 0 && strcmp(gen, "1") != 0)
        return row_fail(im, err, "generated", gen, "a flag is 0 or 1 (or empty)");

    const hss_metrics_element *e = hss_metrics_element_find(ecode);
    if (!e) {
        const char *s = element_suggestion(ecode);
        return row_fail(im, err, "element", ecode, "unknown data element%s%s%s",
                        s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
    }
    int area, fac;
    if (!*org || !mx_tree_find(&im->tree, org, &area, &fac))
        return row_fail(im, err, "org", org, "no facility or area with this code in the region");
    if (e->org_kind == HSS_ORG_FACILITY && fac < 0)
        return row_fail(im, err, "org", org,
                        "'%s' is reported per facility, but this is an area (%s)", e->code,
                        im->tree.areas[area].name);
    if (e->org_kind == HSS_ORG_AREA) {
        const char *want = hss_model_terms(HSS_VOCAB_LEVEL, &(size_t){0})[e->area_level].id;
        if (fac >= 0)
            return row_fail(im, err, "org", org,
                            "'%s' is reported per %s area, but this is a facility", e->code, want);
        /* A township element may also be reported for a whole county (as counties report
         * contracting totals): that figure is the county's own and wins over its townships'
         * sum, never added to it (agg.c, slice 2). */
        int lv = im->tree.areas[area].level;
        int county_figure = e->area_level == HSS_LEVEL_TOWNSHIP && lv == HSS_LEVEL_COUNTY;
        if (lv != e->area_level && !county_figure)
            return row_fail(im, err, "org", org, "'%s' is reported per %s area%s, but %s is a %s",
                            e->code, want, e->area_level == HSS_LEVEL_TOWNSHIP ? " or per county" : "",
                            im->tree.areas[area].name,
                            hss_model_terms(HSS_VOCAB_LEVEL, &(size_t){0})[lv].id);
    }
    int ym;
    if (mx_month_parse(period, &ym) != 0)
        return row_fail(im, err, "period", period, "a period is a month written YYYY-MM");
    if (strlen(cat) > 40)
        return row_fail(im, err, "category", cat, "a category is at most 40 bytes");
    double v = 0;
    if (!im->delete_rows) {
        if (!vtext || hss_parse_double(vtext, &v) != 0 || !isfinite(v))
            return row_fail(im, err, "value", vtext ? vtext : "", "not a number");
        if (v < 0)
            return row_fail(im, err, "value", vtext, "a count or amount cannot be negative");
        if (e->whole && v != floor(v))
            return row_fail(im, err, "value", vtext, "'%s' counts %s: it must be a whole number",
                            e->code, e->unit);
        if (v > 1e12)
            return row_fail(im, err, "value", vtext, "impossibly large for one month");
    }

    hss_buf key;
    hss_buf_init(&key);
    hss_buf_printf(&key, "%d|%s|%d|%s", e->id, org, ym, cat);
    int prev;
    if (mx_strmap_get(&im->seen, key.data, &prev)) {
        hss_buf_free(&key);
        return row_fail(im, err, "element", ecode, "the same element, org, period and category "
                                                   "are already on line %d",
                        prev);
    }
    mx_strmap_put(&im->seen, key.data, (int)hss_csv_line(im->csv));
    hss_buf_free(&key);

    int oid = org_id(im, org, !im->delete_rows);
    if (oid < 0)
        return hss_store_error(im->st, err, "storing an org id");
    double old = 0;
    int had = 0;
    if (oid > 0) {
        hss_store_bind_int(im->get, 1, e->id);
        hss_store_bind_int(im->get, 2, oid);
        hss_store_bind_int(im->get, 3, ym);
        hss_store_bind_text(im->get, 4, cat);
        if (hss_store_step(im->get) == HSS_ROW) {
            old = hss_store_col_double(im->get, 0);
            had = 1;
        }
        hss_store_reset(im->get);
    }
    hss_stmt *w = im->delete_rows ? im->del : im->put;
    if (im->delete_rows && !had)
        return row_fail(im, err, "element", ecode, "no value is stored for %s %s %s%s%s", org,
                        period, *cat ? "category " : "", cat, "");
    hss_store_bind_int(w, 1, e->id);
    hss_store_bind_int(w, 2, oid);
    hss_store_bind_int(w, 3, ym);
    hss_store_bind_text(w, 4, cat);
    if (!im->delete_rows) {
        hss_store_bind_double(w, 5, v);
        if (gen && *gen)
            hss_store_bind_int(w, 6, gen[0] == '1');
        else
            hss_store_bind_null(w, 6);
    }
    int rc = hss_store_step(w);
    hss_store_reset(w);
    if (rc != HSS_DONE)
        return hss_store_error(im->st, err, "storing a data value");
    /* a value whose key has a figure from HSS's records is kept but set aside (records win) */
    double rv;
    int shadowed = e->records_zh && oid > 0 && mx_record_get(im->st, e->id, oid, ym, &rv);
    if (im->delete_rows)
        mx_agg_apply_value(&im->delta, &im->tree, e->id, area, fac, ym, -old, -1, shadowed);
    else if (!had || old != v)
        mx_agg_apply_value(&im->delta, &im->tree, e->id, area, fac, ym, v - old, had ? 0 : 1,
                           shadowed);
    im->changed++;
    return HSS_OK;
}

static hss_code prepare(importer *im, hss_error *err)
{
    im->org_ins = hss_store_prepare(im->st, "INSERT INTO metric_org(code) VALUES(?)", err);
    im->get = hss_store_prepare(im->st, "SELECT value FROM data_value WHERE element_id=? AND "
                                        "org_id=? AND period=? AND category=?", err);
    /* ?6 is the row's generated label, NULL when the file has no generated column: then a
     * stored value keeps its label (a new one is not generated), so re-importing the output of
     * `hss data values --format csv` keeps what was made up marked as made up. */
    im->put = hss_store_prepare(im->st, "INSERT INTO data_value(element_id, org_id, "
                                        "period, category, value, generated) "
                                        "VALUES(?1,?2,?3,?4,?5,coalesce(?6,0)) "
                                        "ON CONFLICT(element_id, org_id, period, category) DO UPDATE "
                                        "SET value=excluded.value, generated=coalesce(?6,data_value.generated)", err);
    im->del = hss_store_prepare(im->st, "DELETE FROM data_value WHERE element_id=? AND "
                                        "org_id=? AND period=? AND category=?", err);
    return im->org_ins && im->get && im->put && im->del ? HSS_OK : err->code;
}

/* Every column must be one the importer reads: a misspelt optional column would otherwise be
 * ignored silently. */
static hss_code known_columns(hss_csv *csv, hss_error *err)
{
    static const char *const known[] = {"element", "org", "period", "value", "category", "generated"};
    size_t nk = sizeof known / sizeof *known;
    for (size_t c = 0; c < hss_csv_ncols(csv); c++) {
        const char *h = hss_csv_header(csv, c);
        int ok = 0;
        for (size_t k = 0; k < nk; k++)
            ok |= strcmp(h, known[k]) == 0;
        if (!ok) {
            const char *s = hss_suggest(h, known, nk);
            return hss_fail(err, HSS_EINVAL, "%s:1: unknown column '%s'%s%s%s (the columns are element, org, "
                            "period, value, category, generated)", hss_csv_name(csv), h,
                            s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
        }
    }
    return HSS_OK;
}

hss_code hss_metrics_import(hss_store *st, const char *path, int delete_rows, size_t *changed,
                            hss_error *err)
{
    importer im;
    memset(&im, 0, sizeof im);
    im.st = st;
    im.delete_rows = delete_rows;
    mx_aggmap_init(&im.delta);
    hss_code rc = mx_tree_load(st, &im.tree, err);
    if (rc)
        return rc;
    im.csv = hss_csv_open_file(path, err);
    if (!im.csv) {
        mx_tree_free(&im.tree);
        return err->code;
    }
    hss_csv_limit(im.csv, 256, 1); /* no field is longer, none holds control characters */
    static const char *const need[] = {"element", "org", "period", "value", NULL};
    static const char *const need_del[] = {"element", "org", "period", NULL};
    rc = hss_csv_read_header(im.csv, err);
    if (rc == HSS_OK)
        rc = hss_csv_require(im.csv, delete_rows ? need_del : need, err);
    if (rc == HSS_OK)
        rc = known_columns(im.csv, err);
    int began = 0;
    if (rc == HSS_OK && (rc = hss_store_begin(st, err)) == HSS_OK)
        began = 1;
    if (rc == HSS_OK)
        rc = mx_catalog_sync(st, err);
    if (rc == HSS_OK)
        rc = load_orgs(&im, err);
    if (rc == HSS_OK)
        rc = prepare(&im, err);
    int current = rc == HSS_OK && mx_agg_current(st, &im.tree);
    while (rc == HSS_OK) {
        int r = hss_csv_next(im.csv, err);
        if (r < 0)
            rc = err->code;
        if (r <= 0)
            break;
        rc = import_row(&im, err);
    }
    if (rc == HSS_OK)
        rc = current ? mx_agg_store_add(st, &im.delta, &im.tree, err)
                     : mx_rebuild_locked(st, &im.tree, err);
    if (rc == HSS_OK && im.changed)
        rc = hss_store_bump_version(st, err);
    hss_store_finalize(im.org_ins);
    hss_store_finalize(im.get);
    hss_store_finalize(im.put);
    hss_store_finalize(im.del);
    if (began) {
        if (rc == HSS_OK)
            rc = hss_store_commit(st, err);
        else
            hss_store_rollback(st);
    }
    if (changed)
        *changed = rc == HSS_OK ? im.changed : 0;
    hss_csv_close(im.csv);
    mx_tree_free(&im.tree);
    mx_strmap_free(&im.orgs);
    mx_strmap_free(&im.seen);
    mx_aggmap_free(&im.delta);
    return rc;
}
