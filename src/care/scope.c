/*
 * scope.c: who may see which residents. A family-doctor team sees the residents of the
 * villages it serves; a facility those of its teams' villages; an area user those of villages
 * under the area; a resident only their own record. Queries add care_scope_clause() to their
 * WHERE so that the database never returns rows outside the scope.
 */
#include "care/care_int.h"

#include <string.h>

#include "model/model.h"

void care_timestamp(char *out)
{
    hss_utc_timestamp(out);
}

const char *care_col_text(hss_stmt *s, int i)
{
    const char *t = hss_store_col_text(s, i);
    return t ? (const char *)t : "";
}

const char *care_scope_clause(const hss_care_viewer *v, const char *col, hss_buf *buf)
{
    hss_buf_reset(buf);
    if (!v)
        hss_buf_puts(buf, "1=1");
    else if (v->team)
        hss_buf_printf(buf, "%s IN (SELECT village_code FROM care_team_village WHERE team_code=:scope)", col);
    else if (v->facility)
        hss_buf_printf(buf, "%s IN (SELECT tv.village_code FROM care_team_village tv JOIN care_team t "
                            "ON t.code=tv.team_code WHERE t.facility_code=:scope)", col);
    else if (v->area)
        hss_buf_printf(buf, "substr(%s,1,:plen)=:scope", col);
    else if (v->self_id_number)
        hss_buf_printf(buf, "%s IN (SELECT village_code FROM care_resident WHERE id_number=:scope)", col);
    else
        hss_buf_puts(buf, "1=0"); /* a viewer with no scope sees nothing */
    return buf->data;
}

static int area_prefix_len(hss_store *st, const char *code)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT level FROM area WHERE code=?", NULL);
    if (!s)
        return -1;
    hss_store_bind_text(s, 1, code);
    int len = -1;
    if (hss_store_step(s) == HSS_ROW) {
        int lv = hss_model_find(HSS_VOCAB_LEVEL, care_col_text(s, 0));
        if (lv >= 0)
            len = hss_level_prefix_len(lv);
    }
    hss_store_finalize(s);
    return len;
}

hss_code care_viewer_check(hss_store *st, const hss_care_viewer *v, hss_error *err)
{
    if (!v)
        return HSS_OK;
    const char *sql = NULL, *what = NULL, *code = NULL;
    if (v->team) {
        sql = "SELECT 1 FROM care_team WHERE code=?";
        what = "family-doctor team";
        code = v->team;
    } else if (v->facility) {
        sql = "SELECT 1 FROM facility WHERE code=?";
        what = "facility";
        code = v->facility;
    } else if (v->area) {
        if (area_prefix_len(st, v->area) < 0)
            return hss_fail(err, HSS_ENOTFOUND, "no area with code '%s'", v->area);
        return HSS_OK;
    } else {
        return HSS_OK;
    }
    hss_stmt *s = hss_store_prepare(st, sql, err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, code);
    int found = hss_store_step(s) == HSS_ROW;
    hss_store_finalize(s);
    return found ? HSS_OK : hss_fail(err, HSS_ENOTFOUND, "no %s with code '%s'", what, code);
}

hss_code care_scope_bind(hss_store *st, hss_stmt *s, const hss_care_viewer *v, hss_error *err)
{
    if (!v)
        return HSS_OK;
    int i = hss_store_bind_index(s, ":scope");
    if (!i)
        return HSS_OK;
    const char *code = v->team ? v->team : v->facility ? v->facility : v->area ? v->area : v->self_id_number;
    if (v->area && !v->team && !v->facility) {
        int len = area_prefix_len(st, v->area);
        if (len < 0)
            return hss_fail(err, HSS_ENOTFOUND, "no area with code '%s'", v->area);
        hss_store_bind_int(s, hss_store_bind_index(s, ":plen"), len);
        hss_store_bind_copyn(s, i, v->area, len);
        return HSS_OK;
    }
    hss_store_bind_copy(s, i, code);
    return HSS_OK;
}

hss_code care_scope_check(hss_store *st, const hss_care_viewer *v, const care_resident *r,
                          hss_error *err)
{
    if (!v)
        return HSS_OK;
    char masked[19];
    hss_care_id_mask(r->id_number, masked);
    if (!v->team && !v->facility && !v->area) {
        if (v->self_id_number && strcasecmp(v->self_id_number, r->id_number) == 0)
            return HSS_OK;
        return hss_fail(err, HSS_EDENIED, "%s may not read resident %s: not their own record and no "
                        "team, facility or area scope", v->user ? v->user : "this user", masked);
    }
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_puts(&b, "SELECT ");
    hss_buf c;
    hss_buf_init(&c);
    hss_buf_puts(&b, care_scope_clause(v, "?1", &c));
    hss_buf_free(&c);
    hss_stmt *s = hss_store_prepare(st, b.data, err);
    hss_buf_free(&b);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, r->village);
    hss_code rc = care_scope_bind(st, s, v, err);
    int ok = rc == HSS_OK && hss_store_step(s) == HSS_ROW && hss_store_col_int(s, 0);
    hss_store_finalize(s);
    if (rc)
        return rc;
    if (ok)
        return HSS_OK;
    return hss_fail(err, HSS_EDENIED, "%s may not read resident %s: village %s is outside the %s %s",
                    v->user ? v->user : "this user", masked, r->village,
                    v->team ? "team" : v->facility ? "facility" : "area",
                    v->team ? v->team : v->facility ? v->facility : v->area);
}

hss_code care_step_done(hss_store *st, hss_stmt *s, hss_error *err, const char *what)
{
    int rc = hss_store_step(s);
    hss_store_finalize(s);
    return rc == HSS_DONE ? HSS_OK : hss_store_error(st, err, what);
}

hss_code care_commit_village(hss_store *st, const char *village, int64_t resident, hss_error *err)
{
    hss_code rc;
    if ((rc = care_changed(st, village, resident, err)) || (rc = hss_store_commit(st, err)))
        hss_store_rollback(st);
    return rc;
}

hss_code care_commit(hss_store *st, hss_error *err)
{
    return care_commit_village(st, NULL, 0, err);
}

hss_code care_commit_table(hss_store *st, hss_code rc, hss_table *t, hss_table **out, hss_error *err)
{
    if (rc || (rc = hss_store_commit(st, err))) {
        hss_store_rollback(st);
        hss_table_free(t);
        return rc;
    }
    *out = t;
    return HSS_OK;
}

void care_fill(hss_table *t, hss_stmt *s)
{
    size_t n = hss_table_cols(t);
    while (hss_store_step(s) == HSS_ROW) {
        hss_table_add_row(t);
        for (size_t i = 0; i < n; i++) {
            if (hss_table_col_type(t, i) == HSS_COL_INT)
                hss_table_set_int(t, i, hss_store_col_int64(s, (int)i));
            else
                hss_table_set_text(t, i, care_col_text(s, (int)i));
        }
    }
    hss_store_finalize(s);
}
