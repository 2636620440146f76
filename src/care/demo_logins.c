/*
 * demo_logins.c: whom the demo logins of the care roles stand for on a generated demo region: a
 * township family-doctor team of the first county that has one, that county's general hospital
 * and a resident of the team's villages under chronic-disease management. `hss care demo-logins`
 * makes the accounts; asking the store here (not a shell tool) works on either database.
 */
#include "care/care_int.h"

#include <string.h>

/* Runs `sql` with `arg` bound (when given) and copies the first row's columns into `out`. */
static int first_row(hss_store *st, const char *sql, const char *arg, char *const out[], const size_t sizes[], int n,
                     hss_error *err)
{
    hss_stmt *q = hss_store_prepare(st, sql, err);
    if (!q)
        return -1;
    if (arg)
        hss_store_bind_text(q, 1, arg);
    int found = hss_store_step(q) == HSS_ROW;
    for (int i = 0; found && i < n; i++)
        snprintf(out[i], sizes[i], "%s", hss_store_col_text(q, i) ? hss_store_col_text(q, i) : "");
    hss_store_finalize(q);
    return found;
}

hss_code hss_care_demo_pick(hss_store *st, hss_care_demo_people *out, hss_error *err)
{
    memset(out, 0, sizeof *out);
    char *team[] = {out->team, out->team_label, out->county};
    size_t team_sz[] = {sizeof out->team, sizeof out->team_label, sizeof out->county};
    int r = first_row(st,
                      "SELECT t.code, t.name || ' · ' || f.name, t.county_code FROM care_team t "
                      "JOIN facility f ON f.code=t.facility_code WHERE f.type='township_health_center' "
                      "ORDER BY t.county_code, t.code LIMIT 1",
                      NULL, team, team_sz, 3, err);
    if (r < 0)
        return HSS_EDB;
    char *hosp[] = {out->hospital, out->hospital_name};
    size_t hosp_sz[] = {sizeof out->hospital, sizeof out->hospital_name};
    if (r)
        r = first_row(st,
                      "SELECT code, name FROM facility WHERE type='general_hospital' AND substr(area_code,1,6)=? "
                      "ORDER BY CASE WHEN code LIKE substr(area_code,1,6) || '-%' THEN 0 ELSE 1 END, code LIMIT 1",
                      out->county, hosp, hosp_sz, 2, err);
    if (r < 0)
        return HSS_EDB;
    char *res[] = {out->resident};
    size_t res_sz[] = {sizeof out->resident};
    if (r)
        r = first_row(st,
                      "SELECT r.id_number FROM care_resident r JOIN care_team_village v ON v.village_code=r.village_code "
                      "JOIN care_enrolment e ON e.resident_id=r.id WHERE v.team_code=? ORDER BY r.id LIMIT 1",
                      out->team, res, res_sz, 1, err);
    if (r < 0)
        return HSS_EDB;
    if (!r)
        return hss_fail(err, HSS_ENOTFOUND,
                        "%s: no township family-doctor team, county general hospital or managed resident "
                        "(build a demo region with `hss demo` first)",
                        hss_store_path(st));
    return HSS_OK;
}
