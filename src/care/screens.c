/*
 * screens.c: the reads behind the dashboard's care screens that are not already a care query
 * of their own: which area a team or facility belongs to, the team list, a page of residents,
 * a resident's contracts, referrals, follow-ups and access log, one referral's state. Rows come
 * back as tables with the columns named in care.h; the server turns them into JSON.
 */
#include <string.h>

#include "care/care_int.h"
#include "model/model.h"

/* Runs `s` with the texts `v` bound in order and returns its rows; finalizes `s`. */
static hss_code rows(hss_store *st, hss_stmt *s, const char *const *v, int n, hss_table **out, hss_error *err)
{
    if (!s)
        return hss_store_error(st, err, "preparing a care query");
    for (int i = 0; i < n; i++)
        if (v[i])
            hss_store_bind_text(s, i + 1, v[i]);
    hss_code c = hss_store_table(s, out, err);
    hss_store_finalize(s);
    return c;
}

/* One integer answer of `sql` with the texts `v`; -1 on a database error. */
static long long count_of(hss_store *st, const char *sql, const char *const *v, int n)
{
    hss_stmt *s = hss_store_prepare(st, sql, NULL);
    if (!s)
        return -1;
    for (int i = 0; i < n; i++)
        hss_store_bind_text(s, i + 1, v[i]);
    long long c = hss_store_step(s) == HSS_ROW ? hss_store_col_int64(s, 0) : -1;
    hss_store_finalize(s);
    return c;
}

int hss_care_unit_area(hss_store *st, const char *team, const char *facility, char area[16], char fac[64])
{
    hss_stmt *s = hss_store_prepare(st, team
        ? "SELECT f.area_code,f.code FROM care_team t JOIN facility f ON f.code=t.facility_code WHERE t.code=?"
        : "SELECT area_code,code FROM facility WHERE code=?", NULL);
    if (!s)
        return -1;
    hss_store_bind_text(s, 1, team ? team : facility ? facility : "");
    int rc = hss_store_step(s), found = rc == HSS_ROW;
    if (found) {
        snprintf(area, 16, "%s", care_col_text(s, 0));
        if (fac)
            snprintf(fac, 64, "%s", care_col_text(s, 1));
    }
    hss_store_finalize(s);
    return found ? 1 : rc == HSS_DONE ? 0 : -1;
}

int hss_care_team_place(hss_store *st, const char *team, const char *scope, char area[16], long long *outside)
{
    char lo[13], hi[14];
    hss_model_area_range(scope, lo, hi);
    /* one statement: the worklist asks this on every read */
    hss_stmt *s = hss_store_prepare(st,
        "SELECT f.area_code,(SELECT count(*) FROM care_team_village v WHERE v.team_code=t.code"
        " AND NOT (v.village_code>=?2 AND v.village_code<?3)) "
        "FROM care_team t JOIN facility f ON f.code=t.facility_code WHERE t.code=?1", NULL);
    if (!s)
        return -1;
    hss_store_bind_text(s, 1, team);
    hss_store_bind_text(s, 2, lo);
    hss_store_bind_text(s, 3, hi);
    int rc = hss_store_step(s), found = rc == HSS_ROW;
    if (found) {
        snprintf(area, 16, "%s", care_col_text(s, 0));
        *outside = hss_store_col_int64(s, 1);
    }
    hss_store_finalize(s);
    return found ? 1 : rc == HSS_DONE ? 0 : -1;
}

int hss_care_resident_village(hss_store *st, const char *id_number, char village[16], char stored[19])
{
    char upper[19], lower[19];
    snprintf(upper, sizeof upper, "%s", id_number);
    snprintf(lower, sizeof lower, "%s", id_number);
    size_t n = strlen(upper);
    if (n == 18) {
        upper[17] = upper[17] == 'x' ? 'X' : upper[17];
        lower[17] = lower[17] == 'X' ? 'x' : lower[17];
    }
    hss_stmt *s = hss_store_prepare(st, "SELECT village_code,id_number FROM care_resident WHERE id_number=? OR id_number=?", NULL);
    if (!s)
        return -1;
    hss_store_bind_text(s, 1, upper);
    hss_store_bind_text(s, 2, lower);
    int found = hss_store_step(s) == HSS_ROW;
    if (found) {
        snprintf(village, 16, "%s", care_col_text(s, 0));
        snprintf(stored, 19, "%s", care_col_text(s, 1));
    }
    hss_store_finalize(s);
    return found;
}

hss_code hss_care_team_rows(hss_store *st, const char *scope, hss_table **out, hss_error *err)
{
    char lo[13], hi[14];
    hss_model_area_range(scope, lo, hi);
    const char *v[] = {lo, hi};
    return rows(st, hss_store_prepare(st,
        "SELECT t.code,t.name,t.facility_code,f.name,f.area_code,t.generated,"
        " (SELECT count(*) FROM care_team_village v WHERE v.team_code=t.code),t.phone "
        "FROM care_team t JOIN facility f ON f.code=t.facility_code "
        "WHERE f.area_code>=? AND f.area_code<? ORDER BY f.area_code,t.facility_code,t.code LIMIT 2000", err),
        v, 2, out, err);
}

hss_code hss_care_resident_page(hss_store *st, const char *under, long long limit, long long offset,
                                long long *total, hss_table **out, hss_error *err)
{
    char lo[13], hi[14];
    hss_model_area_range(under, lo, hi);
    const char *v[] = {lo, hi};
    *total = count_of(st, "SELECT count(*) FROM care_resident WHERE village_code>=? AND village_code<?", v, 2);
    if (*total < 0)
        *total = 0;
    hss_stmt *s = hss_store_prepare(st,
        "SELECT r.id,r.id_number,r.name,r.sex,r.birth_date,r.village_code,coalesce(a.name,''),r.conditions,r.generated "
        "FROM care_resident r LEFT JOIN area a ON a.code=r.village_code "
        "WHERE r.village_code>=? AND r.village_code<? ORDER BY r.village_code,r.id LIMIT ? OFFSET ?", err);
    if (s) {
        hss_store_bind_int64(s, 3, limit);
        hss_store_bind_int64(s, 4, offset);
    }
    return rows(st, s, v, 2, out, err);
}

static hss_stmt *by_id(hss_store *st, const char *sql, int64_t id, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, sql, err);
    if (s)
        hss_store_bind_int64(s, 1, id);
    return s;
}

hss_code hss_care_resident_history(hss_store *st, int64_t resident_id, hss_table **contracts, hss_table **referrals,
                                   hss_error *err)
{
    *contracts = *referrals = NULL;
    hss_code c = rows(st, by_id(st,
        "SELECT c.id,c.team_code,coalesce(t.name,''),c.package,c.start_date,c.end_date,c.renewal_of,coalesce(t.phone,'') "
        "FROM care_contract c LEFT JOIN care_team t ON t.code=c.team_code WHERE c.resident_id=? ORDER BY c.start_date",
        resident_id, err), NULL, 0, contracts, err);
    if (c)
        return c;
    return rows(st, by_id(st,
        "SELECT f.id,f.from_facility,coalesce(ff.name,f.from_facility),f.to_name,f.in_county,f.priority,f.state,"
        " f.requested_at,coalesce(f.accepted_at,f.rejected_at,''),f.reason "
        "FROM care_referral f LEFT JOIN facility ff ON ff.code=f.from_facility WHERE f.resident_id=? ORDER BY f.requested_at",
        resident_id, err), NULL, 0, referrals, err);
}

hss_code hss_care_resident_followups(hss_store *st, int64_t resident_id, hss_table **out, hss_error *err)
{
    return rows(st, by_id(st,
        "SELECT f.id,e.disease,f.visit_date,f.sbp,f.dbp,f.glucose,f.symptoms,coalesce(f.adherence,''),f.medication,f.note,"
        " f.user_name,coalesce(u.display_name,''),coalesce(u.role,'') "
        "FROM care_followup f JOIN care_enrolment e ON e.id=f.enrolment_id LEFT JOIN app_user u ON u.name=f.user_name "
        "WHERE e.resident_id=? ORDER BY f.visit_date,f.id LIMIT 500", resident_id, err), NULL, 0, out, err);
}

hss_code hss_care_access_log(hss_store *st, int64_t resident_id, hss_table **out, hss_error *err)
{
    return rows(st, by_id(st, "SELECT at,user_name,action FROM care_access_seen WHERE resident_id=? ORDER BY id DESC LIMIT 1000",
                          resident_id, err), NULL, 0, out, err);
}

int hss_care_referral_get(hss_store *st, int64_t id, char village[16], char state[24], int64_t *resident_id)
{
    hss_stmt *s = by_id(st, "SELECT village_code,state,resident_id FROM care_referral WHERE id=?", id, NULL);
    if (!s)
        return -1;
    int rc = hss_store_step(s), found = rc == HSS_ROW;
    if (found) {
        snprintf(village, 16, "%s", care_col_text(s, 0));
        snprintf(state, 24, "%s", care_col_text(s, 1));
        *resident_id = hss_store_col_int64(s, 2);
    }
    hss_store_finalize(s);
    return found ? 1 : rc == HSS_DONE ? 0 : -1;
}
