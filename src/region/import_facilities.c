/*
 * import_facilities.c: facilities.csv — institutions with type, grade, ownership, area,
 * location, beds, medical-community membership and service flags. The area must be stored;
 * the location must lie inside the boundary of the area (or of its nearest ancestor that has
 * one); beds must be possible (open beds at most 5 x approved, infectious beds within the
 * others). Optional: rehabilitation and nursing beds and the government level that runs the
 * facility (run_by: city, county, ...), left alone when their column is absent.
 */
#include <stdlib.h>
#include <string.h>

#include "region/region_int.h"

static const char *const REQUIRED[] = {"code", "name", "type", "grade", "ownership", "area_code",
                                       "lon", "lat", "beds_approved", "beds_open", NULL};
static const char *const OPTIONAL[] = {"beds_infectious", "medcom_code", "medcom_lead", "central",
                                       "sub_centre", "services", "generated",
                                       "beds_rehabilitation", "beds_nursing", "run_by", NULL};

/* Columns added for the policy packs (issue 13). Unlike the others, a column absent from the
 * file leaves the stored value alone, so that files written before they existed can still be
 * re-imported; an empty cell stores "not known". */
static const char *const EXTRA_BEDS[] = {"beds_rehabilitation", "beds_nursing"};

/* More beds than any single institution has (the largest hospitals have about 10,000). */
#define MAX_BEDS 50000

/* Checks the ';'-separated service ids and writes them, in vocabulary order, into out. */
static hss_code services(rg_import *im, hss_buf *out)
{
    const char *v = hss_csv_get(im->csv, "services");
    hss_buf_reset(out);
    if (!v || !*v)
        return HSS_OK;
    size_t n;
    const hss_term *t = hss_model_terms(HSS_VOCAB_SERVICE, &n);
    unsigned char seen[64] = {0};
    const char *p = v;
    for (;;) {
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char *one = hss_xstrndup(p, len);
        int i = hss_model_find(HSS_VOCAB_SERVICE, one);
        hss_code rc = HSS_OK;
        if (i < 0) {
            const char *s = hss_model_suggest(HSS_VOCAB_SERVICE, one);
            hss_buf list;
            hss_buf_init(&list);
            for (size_t k = 0; k < n; k++)
                hss_buf_printf(&list, "%s%s", k ? ", " : "", t[k].id);
            if (s)
                rc = rg_bad(im, "services", v, "names '%s', which is not a service (did you mean '%s'?)", one, s);
            else
                rc = rg_bad(im, "services", v, "names '%s', which is not a service (one of: %s; separate them with ';')",
                            one, list.data);
            hss_buf_free(&list);
        } else if (seen[i]) {
            rc = rg_bad(im, "services", v, "names '%s' twice", one);
        }
        free(one);
        if (rc)
            return rc;
        seen[i] = 1;
        if (!end)
            break;
        p = end + 1;
    }
    for (size_t k = 0; k < n && k < 64; k++)
        if (seen[k])
            hss_buf_printf(out, "%s%s", out->len ? ";" : "", t[k].id);
    return HSS_OK;
}

typedef struct {
    hss_stmt *area, *exists, *ins, *upd;
    hss_stmt *extra[3]; /* beds_rehabilitation, beds_nursing, run_by */
    hss_buf svc;
} stmts;

static void bind_int_or_null(hss_stmt *s, int i, int is_null, int64_t v)
{
    if (is_null)
        hss_store_bind_null(s, i);
    else
        hss_store_bind_int64(s, i, v);
}

/* Runs one of the extra updates (?1 code, ?2 value); returns 1 when it changed the row. */
static int extra_step(hss_stmt *u, int *failed)
{
    int rc = hss_store_step(u);
    hss_store_reset(u);
    if (rc != HSS_DONE)
        *failed = 1;
    return rc == HSS_DONE && hss_store_changes(hss_store_of(u)) > 0;
}

/* The optional bed kinds and run_by of one row, stored only when their column is in the file.
 * A kind of bed cannot exceed the facility's beds (the larger of approved and open, `beds`,
 * -1 when neither is known). `was_unchanged`: the main row was counted unchanged, so a change
 * here makes it an update. */
static hss_code extras(rg_import *im, stmts *s, const char *code, int64_t beds, int was_unchanged)
{
    int changed = 0, failed = 0;
    for (int k = 0; k < 2; k++) {
        if (hss_csv_col(im->csv, EXTRA_BEDS[k]) < 0)
            continue;
        int64_t n;
        int is_null;
        if (rg_count(im, EXTRA_BEDS[k], MAX_BEDS, 1, &n, &is_null))
            return HSS_EINVAL;
        if (!is_null && beds >= 0 && n > beds)
            return rg_bad(im, EXTRA_BEDS[k], hss_csv_get(im->csv, EXTRA_BEDS[k]),
                          "is impossible: more than the facility's beds (%lld)", (long long)beds);
        hss_store_bind_copy(s->extra[k], 1, code);
        bind_int_or_null(s->extra[k], 2, is_null, n);
        changed |= extra_step(s->extra[k], &failed);
    }
    if (hss_csv_col(im->csv, "run_by") >= 0) {
        const char *v = hss_csv_get(im->csv, "run_by");
        const char *level = NULL;
        if (v && *v && rg_vocab(im, "run_by", HSS_VOCAB_LEVEL, &level))
            return HSS_EINVAL;
        hss_store_bind_copy(s->extra[2], 1, code);
        if (level)
            hss_store_bind_text(s->extra[2], 2, level);
        else
            hss_store_bind_null(s->extra[2], 2);
        changed |= extra_step(s->extra[2], &failed);
    }
    if (failed) {
        hss_store_error(im->st, im->err, "storing facility bed kinds or run_by");
        return hss_fail(im->err, HSS_EDB, "%s:%zu: %s", im->name, hss_csv_line(im->csv),
                        im->err->msg);
    }
    if (changed && was_unchanged) {
        im->stats->unchanged--;
        im->stats->updated++;
    }
    return HSS_OK;
}

static hss_code one_row(rg_import *im, void *ctx)
{
    stmts *s = ctx;
    const char *code, *name, *type, *grade, *own, *area, *medcom;
    int64_t ba, bo, bi;
    int ba_null, bo_null, bi_null, has_loc, lead, central, sub, generated;
    double lon = 0, lat = 0;
    if (rg_code(im, "code", 1, &code) || rg_unique(im, "code", code, code) ||
        rg_text(im, "name", 1, &name) || rg_vocab(im, "type", HSS_VOCAB_FACILITY_TYPE, &type) ||
        rg_vocab(im, "grade", HSS_VOCAB_GRADE, &grade) ||
        rg_vocab(im, "ownership", HSS_VOCAB_OWNERSHIP, &own) ||
        rg_code(im, "area_code", 1, &area) || rg_lonlat(im, &lon, &lat, &has_loc) ||
        rg_count(im, "beds_approved", MAX_BEDS, 1, &ba, &ba_null) ||
        rg_count(im, "beds_open", MAX_BEDS, 1, &bo, &bo_null) ||
        rg_count(im, "beds_infectious", MAX_BEDS, 1, &bi, &bi_null) ||
        rg_code(im, "medcom_code", 0, &medcom) || rg_flag(im, "medcom_lead", 0, &lead) ||
        rg_flag(im, "central", 0, &central) || rg_flag(im, "sub_centre", 0, &sub) ||
        services(im, &s->svc) || rg_flag(im, "generated", im->generated, &generated))
        return HSS_EINVAL;
    if (!ba_null && !bo_null && bo > 5 * ba)
        return rg_bad(im, "beds_open", hss_csv_get(im->csv, "beds_open"),
                      "is impossible: more than 5 times beds_approved (%lld)", (long long)ba);
    if (!bi_null && (ba_null || bi > ba) && (bo_null || bi > bo) && !(ba_null && bo_null))
        return rg_bad(im, "beds_infectious", hss_csv_get(im->csv, "beds_infectious"),
                      "is impossible: more than both beds_approved and beds_open");
    if (lead && !medcom)
        return rg_bad(im, "medcom_lead", "1", "needs a medcom_code (the community it leads)");
    hss_store_reset(s->area);
    hss_store_bind_copy(s->area, 1, area);
    int found = hss_store_step(s->area) == HSS_ROW;
    hss_store_reset(s->area);
    if (!found)
        return rg_bad(im, "area_code", area, "is not a known area (import areas first)");
    hss_store_reset(s->exists);
    hss_store_bind_copy(s->exists, 1, code);
    int old = hss_store_step(s->exists) == HSS_ROW;
    hss_store_reset(s->exists);

    hss_stmt *w = old ? s->upd : s->ins;
    hss_store_reset(w);
    hss_store_bind_copy(w, 1, code);
    hss_store_bind_copy(w, 2, name);
    hss_store_bind_text(w, 3, type);
    hss_store_bind_text(w, 4, grade);
    hss_store_bind_text(w, 5, own);
    hss_store_bind_copy(w, 6, area);
    if (has_loc) {
        hss_store_bind_double(w, 7, lon);
        hss_store_bind_double(w, 8, lat);
    } else {
        hss_store_bind_null(w, 7);
        hss_store_bind_null(w, 8);
    }
    bind_int_or_null(w, 9, ba_null, ba);
    bind_int_or_null(w, 10, bo_null, bo);
    bind_int_or_null(w, 11, bi_null, bi);
    if (medcom)
        hss_store_bind_copy(w, 12, medcom);
    else
        hss_store_bind_null(w, 12);
    hss_store_bind_int(w, 13, lead);
    hss_store_bind_int(w, 14, central);
    hss_store_bind_int(w, 15, sub);
    hss_store_bind_copy(w, 16, s->svc.data ? s->svc.data : "");
    hss_store_bind_int(w, 17, generated);
    if (old)
        hss_store_bind_int(w, 18, (int)rg_present(im, OPTIONAL));
    hss_code rc = rg_store_row(im, w, old, "storing facility");
    if (!rc)
        rc = extras(im, s, code, ba_null && bo_null ? -1 : (ba > bo ? ba : bo),
                    old && hss_store_changes(im->st) == 0);
    if (!rc && has_loc)
        rc = rg_inside(im, area, lon, lat, 1);
    return rc;
}

hss_code rg_import_facilities(rg_import *im)
{
    if (rg_header(im, REQUIRED, OPTIONAL))
        return HSS_EINVAL;
    stmts s = {0};
    hss_buf_init(&s.svc);
    s.area = hss_store_prepare(im->st, "SELECT 1 FROM area WHERE code=?1", im->err);
    s.exists = hss_store_prepare(im->st, "SELECT 1 FROM facility WHERE code=?1", im->err);
    s.ins = hss_store_prepare(im->st,
        "INSERT INTO facility(code,name,type,grade,ownership,area_code,lon,lat,beds_approved,"
        "beds_open,beds_infectious,medcom_code,medcom_lead,central,sub_centre,services,generated) "
        "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)", im->err);
    /* ?18: which optional columns the file has (bit i = OPTIONAL[i]); an absent one keeps
     * the stored value (K), so a file of the required columns alone loses nothing. */
#define K(col, n, bit) "CASE WHEN (?18&" #bit ")<>0 THEN ?" #n " ELSE " #col " END"
    s.upd = hss_store_prepare(im->st,
        "UPDATE facility SET name=?2,type=?3,grade=?4,ownership=?5,area_code=?6,lon=?7,lat=?8,"
        "beds_approved=?9,beds_open=?10,beds_infectious=" K(beds_infectious, 11, 1) ","
        "medcom_code=" K(medcom_code, 12, 2) ",medcom_lead=" K(medcom_lead, 13, 4) ","
        "central=" K(central, 14, 8) ",sub_centre=" K(sub_centre, 15, 16) ",services=" K(services, 16, 32) ","
        "generated=" K(generated, 17, 64) " WHERE code=?1 AND NOT ("
#define SAME " IS NOT DISTINCT FROM "
        "name" SAME "?2 AND type" SAME "?3 AND grade" SAME "?4 AND ownership" SAME "?5 AND area_code" SAME "?6 AND "
        "lon" SAME "?7 AND lat" SAME "?8 AND beds_approved" SAME "?9 AND beds_open" SAME "?10 AND "
        "beds_infectious" SAME K(beds_infectious, 11, 1) " AND medcom_code" SAME K(medcom_code, 12, 2)
        " AND medcom_lead" SAME K(medcom_lead, 13, 4) " AND central" SAME K(central, 14, 8)
        " AND sub_centre" SAME K(sub_centre, 15, 16) " AND services" SAME K(services, 16, 32)
        " AND generated" SAME K(generated, 17, 64) ")", im->err);
#undef SAME
#undef K
    static const char *const extra_sql[] = {
        "UPDATE facility SET beds_rehabilitation=?2 WHERE code=?1 AND beds_rehabilitation IS DISTINCT FROM ?2",
        "UPDATE facility SET beds_nursing=?2 WHERE code=?1 AND beds_nursing IS DISTINCT FROM ?2",
        "UPDATE facility SET run_by=?2 WHERE code=?1 AND run_by IS DISTINCT FROM ?2"};
    for (int k = 0; k < 3; k++)
        s.extra[k] = hss_store_prepare(im->st, extra_sql[k], im->err);
    hss_code rc = HSS_OK;
    if (!s.area || !s.exists || !s.ins || !s.upd || !s.extra[0] || !s.extra[1] || !s.extra[2])
        rc = HSS_EDB;
    if (rc == HSS_OK)
        rc = rg_rows(im, one_row, &s);
    hss_store_finalize(s.area);
    hss_store_finalize(s.exists);
    hss_store_finalize(s.ins);
    hss_store_finalize(s.upd);
    for (int k = 0; k < 3; k++)
        hss_store_finalize(s.extra[k]);
    hss_buf_free(&s.svc);
    return rc;
}
