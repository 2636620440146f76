/*
 * db.c: every SQL statement of the rounds module, so that the storage interface can move
 * behind a new store layer in one place. Reads fill plain structs or report tables; writes run
 * inside the caller's transaction.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "rounds/rounds_int.h"

static const char *col(hss_stmt *s, int i)
{
    const char *t = hss_store_col_text(s, i);
    return t ? (const char *)t : "";
}

static void bind_text(hss_stmt *s, int i, const char *v)
{
    if (v)
        hss_store_bind_copy(s, i, v);
    else
        hss_store_bind_null(s, i);
}

/* Steps a write statement to the end, then finalizes it. */
static hss_code step_done(hss_store *st, hss_stmt *s, const char *what, hss_error *err)
{
    hss_code rc = hss_store_step(s) == HSS_DONE ? HSS_OK : hss_store_error(st, err, what);
    hss_store_finalize(s);
    return rc;
}

hss_code rdb_prefix(hss_store *st, const char *under, char prefix[32], hss_error *err)
{
    prefix[0] = 0;
    if (!under || !*under)
        return HSS_OK;
    char level[16];
    rdb_area_level(st, under, level);
    int lvl = hss_model_find(HSS_VOCAB_LEVEL, level);
    if (lvl < 0)
        return hss_fail(err, HSS_ENOTFOUND, "area '%s' is not stored", under);
    int plen = hss_level_prefix_len(lvl);
    if (plen <= 0 || (size_t)plen > strlen(under) || plen > 20)
        plen = (int)strlen(under);
    snprintf(prefix, 32, "%.*s%%", plen, under);
    return HSS_OK;
}

void rdb_area_level(hss_store *st, const char *code, char level[16])
{
    level[0] = 0;
    hss_stmt *s = hss_store_prepare(st, "SELECT level FROM area WHERE code=?", NULL);
    if (!s)
        return;
    bind_text(s, 1, code);
    if (hss_store_step(s) == HSS_ROW)
        snprintf(level, 16, "%s", col(s, 0));
    hss_store_finalize(s);
}

hss_code rdb_villages(hss_store *st, const char *prefix, hss_rounds_village **out, size_t *n,
                      hss_error *err)
{
    *out = NULL;
    *n = 0;
    hss_stmt *s = hss_store_prepare(st,
        "SELECT code, name, COALESCE(parent_code,''), population, lon, lat FROM area"
        " WHERE level='village' AND population IS NOT NULL AND population > 0"
        "   AND lon IS NOT NULL AND lat IS NOT NULL AND (?1 = '' OR code LIKE ?1) ORDER BY code", err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, prefix);
    hss_vec villages;
    hss_vec_init(&villages, sizeof(hss_rounds_village));
    while (hss_store_step(s) == HSS_ROW) {
        hss_rounds_village *v = hss_vec_push(&villages);
        snprintf(v->code, sizeof v->code, "%s", col(s, 0));
        v->name = hss_xstrdup(col(s, 1));
        snprintf(v->township, sizeof v->township, "%s", col(s, 2));
        snprintf(v->county, sizeof v->county, "%.6s", v->code);
        v->residents = hss_store_col_int64(s, 3);
        v->lon = hss_store_col_double(s, 4);
        v->lat = hss_store_col_double(s, 5);
        v->clinic_min = INFINITY;
    }
    hss_store_finalize(s);
    *out = villages.items;
    *n = villages.len;
    return HSS_OK;
}

hss_code rdb_service(hss_store *st, const char *prefix, hss_rounds_village *v, size_t n, hss_error *err)
{
    /* a round stopping twice at a village in one run still visits it once that day */
    static const char *const q[3] = {
        "SELECT village_code, SUM(doctors) FROM stationed_doctor WHERE (?1 = '' OR village_code LIKE ?1)"
        " GROUP BY village_code",
        "SELECT village_code, SUM(length(weekdays)) FROM (SELECT DISTINCT s.village_code, r.code, r.weekdays"
        "   FROM mobile_round_stop s JOIN mobile_round r ON r.code = s.round_code"
        "   WHERE (?1 = '' OR s.village_code LIKE ?1)) AS d GROUP BY village_code",
        "SELECT area_code, COUNT(*) FROM facility WHERE type='village_clinic' AND (?1 = '' OR area_code LIKE ?1)"
        " GROUP BY area_code"};
    for (int k = 0; k < 3; k++) {
        hss_stmt *s = hss_store_prepare(st, q[k], err);
        if (!s)
            return HSS_EDB;
        bind_text(s, 1, prefix);
        while (hss_store_step(s) == HSS_ROW) {
            hss_rounds_village *x = rounds_find_village(v, n, col(s, 0));
            if (!x)
                continue;
            if (k == 0)
                x->stationed = hss_store_col_int(s, 1);
            else if (k == 1)
                x->visits = hss_store_col_int(s, 1);
            else
                x->own_clinic = hss_store_col_int(s, 1);
        }
        hss_store_finalize(s);
    }
    return HSS_OK;
}

int rdb_any_service(hss_store *st)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT EXISTS(SELECT 1 FROM mobile_round_stop)"
                                            " OR EXISTS(SELECT 1 FROM stationed_doctor)", NULL);
    int any = s && hss_store_step(s) == HSS_ROW && hss_store_col_int(s, 0);
    hss_store_finalize(s);
    return any;
}

hss_code rdb_homes(hss_store *st, const char *prefix, char ***codes, char ***areas, size_t *n,
                   hss_error *err)
{
    *codes = *areas = NULL;
    *n = 0;
    hss_stmt *s = hss_store_prepare(st,
        "SELECT code, area_code FROM facility WHERE type='township_health_center'"
        " AND lon IS NOT NULL AND lat IS NOT NULL AND (?1 = '' OR area_code LIKE ?1) ORDER BY code", err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, prefix);
    hss_vec cv, av; /* of char *, side by side */
    hss_vec_init(&cv, sizeof(char *));
    hss_vec_init(&av, sizeof(char *));
    while (hss_store_step(s) == HSS_ROW) {
        *(char **)hss_vec_push(&cv) = hss_xstrdup(col(s, 0));
        *(char **)hss_vec_push(&av) = hss_xstrdup(col(s, 1));
    }
    hss_store_finalize(s);
    *codes = cv.items;
    *areas = av.items;
    *n = cv.len;
    return HSS_OK;
}

char *rdb_facility_area(hss_store *st, const char *code)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT area_code FROM facility WHERE code=?", NULL);
    if (!s)
        return NULL;
    bind_text(s, 1, code);
    char *a = hss_store_step(s) == HSS_ROW ? hss_xstrdup(col(s, 0)) : NULL;
    hss_store_finalize(s);
    return a;
}

int rdb_vehicles_held(hss_store *st, const char *county)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT COALESCE(SUM(v.count),0) FROM vehicle v JOIN facility f ON f.code = v.facility_code"
        " WHERE v.kind='mobile_clinic' AND substr(f.area_code,1,6) = ?", NULL);
    if (!s)
        return 0;
    bind_text(s, 1, county);
    int k = hss_store_step(s) == HSS_ROW ? hss_store_col_int(s, 0) : 0;
    hss_store_finalize(s);
    return k;
}

/* ---- writes -------------------------------------------------------------------------------- */

hss_code rdb_round_put(hss_store *st, const rdb_round *r, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO mobile_round(code,county_code,vehicle,home_code,weekdays,start_time,generated)"
        " VALUES(?1,?2,?3,?4,?5,COALESCE(?6,'08:00'),?7)"
        " ON CONFLICT(code) DO UPDATE SET county_code=excluded.county_code, vehicle=excluded.vehicle,"
        "   home_code=excluded.home_code, weekdays=excluded.weekdays,"
        "   start_time=COALESCE(?6, mobile_round.start_time), generated=excluded.generated", err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, r->code);
    bind_text(s, 2, r->county);
    bind_text(s, 3, r->vehicle);
    bind_text(s, 4, r->home);
    bind_text(s, 5, r->weekdays);
    bind_text(s, 6, r->start);
    hss_store_bind_int(s, 7, r->generated);
    return step_done(st, s, "storing a round", err);
}

hss_code rdb_stop_put(hss_store *st, const char *round, const char *county, int seq, const char *village,
                      int dwell, const char *place, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO mobile_round_stop(round_code,seq,county_code,village_code,dwell_min,place)"
        " VALUES(?1,?2,?3,?4,?5,COALESCE(?6,''))"
        " ON CONFLICT(round_code,seq) DO UPDATE SET county_code=excluded.county_code,"
        "   village_code=excluded.village_code, dwell_min=excluded.dwell_min, place=COALESCE(?6, mobile_round_stop.place)", err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, round);
    hss_store_bind_int(s, 2, seq);
    bind_text(s, 3, county);
    bind_text(s, 4, village);
    hss_store_bind_int(s, 5, dwell);
    bind_text(s, 6, place);
    return step_done(st, s, "storing a round stop", err);
}

hss_code rdb_stops_trim(hss_store *st, const char *round, int n, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, "DELETE FROM mobile_round_stop WHERE round_code=? AND seq>?", err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, round);
    hss_store_bind_int(s, 2, n);
    return step_done(st, s, "trimming a round's stops", err);
}

hss_code rdb_stationed_put(hss_store *st, const char *village, const char *facility, const char *county,
                           int doctors, int days_per_week, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO stationed_doctor(village_code,facility_code,county_code,doctors,days_per_week)"
        " VALUES(?1,?2,?3,?4,COALESCE(?5,5))"
        " ON CONFLICT(village_code,facility_code) DO UPDATE SET county_code=excluded.county_code,"
        "   doctors=excluded.doctors, days_per_week=COALESCE(?5, stationed_doctor.days_per_week), generated=0", err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, village);
    bind_text(s, 2, facility);
    bind_text(s, 3, county);
    hss_store_bind_int(s, 4, doctors);
    if (days_per_week > 0)
        hss_store_bind_int(s, 5, days_per_week);
    else
        hss_store_bind_null(s, 5);
    return step_done(st, s, "storing a stationed doctor", err);
}

hss_code rdb_delete_generated(hss_store *st, const char *county, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, "DELETE FROM mobile_round WHERE county_code=?1"
                                            " AND (generated=1 OR code LIKE 'G' || ?1 || '-%')", err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, county);
    return step_done(st, s, "replacing generated rounds", err);
}

hss_code rdb_audit(hss_store *st, const char *target, const char *detail, hss_error *err)
{
    char ts[21];
    hss_utc_timestamp(ts);
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO audit(at,user_name,ip,action,target,status,detail) VALUES(?,'','','write',?,0,?)", err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, ts);
    bind_text(s, 2, target);
    bind_text(s, 3, detail);
    return step_done(st, s, "writing the audit row", err);
}

/* ---- tables ----------------------------------------------------------------------------- */

/* Copies every row of a query into t (columns already declared, in the same order); ?1 is the
 * code prefix of the area `under` (NULL: all). */
static hss_code fill(hss_store *st, const char *sql, const char *under, hss_table *t, hss_error *err)
{
    char prefix[32];
    hss_code rc = rdb_prefix(st, under, prefix, err);
    if (rc)
        return rc;
    hss_stmt *s = hss_store_prepare(st, sql, err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, prefix);
    size_t nc = hss_table_cols(t);
    while (hss_store_step(s) == HSS_ROW) {
        hss_table_add_row(t);
        for (size_t c = 0; c < nc; c++) {
            int ty = hss_store_col_type(s, (int)c);
            if (ty == HSS_SQL_NULL)
                hss_table_set_null(t, c);
            else if (ty == HSS_SQL_INT)
                hss_table_set_int(t, c, hss_store_col_int64(s, (int)c));
            else if (ty == HSS_SQL_FLOAT)
                hss_table_set_real(t, c, hss_store_col_double(s, (int)c), 6);
            else
                hss_table_set_text(t, c, col(s, (int)c));
        }
    }
    hss_store_finalize(s);
    return HSS_OK;
}

hss_code rdb_list_rounds(hss_store *st, const char *under, hss_table *t, hss_error *err)
{
    return fill(st,
        "SELECT r.code, r.county_code, r.vehicle, r.home_code, COALESCE(f.name,''), r.weekdays, r.start_time,"
        "       s.seq, s.village_code, COALESCE(a.name,''), s.dwell_min, s.place, r.generated"
        " FROM mobile_round r JOIN mobile_round_stop s ON s.round_code = r.code"
        " LEFT JOIN facility f ON f.code = r.home_code LEFT JOIN area a ON a.code = s.village_code"
        " WHERE (?1 = '' OR s.village_code LIKE ?1 OR r.county_code LIKE ?1) ORDER BY r.code, s.seq",
        under, t, err);
}

hss_code rdb_list_stationed(hss_store *st, const char *under, hss_table *t, hss_error *err)
{
    return fill(st,
        "SELECT d.village_code, COALESCE(a.name,''), d.facility_code, COALESCE(f.name,''), d.county_code,"
        "       d.doctors, d.days_per_week, d.generated"
        " FROM stationed_doctor d LEFT JOIN area a ON a.code = d.village_code"
        " LEFT JOIN facility f ON f.code = d.facility_code"
        " WHERE (?1 = '' OR d.village_code LIKE ?1) ORDER BY d.village_code, d.facility_code",
        under, t, err);
}

hss_code rdb_map_rounds(hss_store *st, const char *under, hss_table *t, hss_error *err)
{
    return fill(st,
        "SELECT r.code, r.vehicle, r.home_code, COALESCE(f.name,''), f.lon, f.lat, r.weekdays, r.start_time,"
        "       r.generated, s.village_code, COALESCE(a.name,''), a.lon, a.lat, s.dwell_min, s.place"
        " FROM mobile_round r JOIN mobile_round_stop s ON s.round_code = r.code"
        " LEFT JOIN facility f ON f.code = r.home_code LEFT JOIN area a ON a.code = s.village_code"
        " WHERE (?1 = '' OR r.county_code LIKE ?1 OR r.code IN (SELECT round_code FROM mobile_round_stop"
        "   WHERE village_code LIKE ?1)) ORDER BY r.code, s.seq",
        under, t, err);
}

hss_code rdb_village_rounds(hss_store *st, const char *village, rdb_stop_row **rows, size_t *n,
                            hss_error *err)
{
    *rows = NULL;
    *n = 0;
    hss_stmt *s = hss_store_prepare(st,
        "SELECT r.code, r.vehicle, r.home_code, COALESCE(f.name,''), r.weekdays, r.start_time,"
        "       s.seq, s.village_code, COALESCE(a.name,''), s.dwell_min, s.place"
        " FROM mobile_round r JOIN mobile_round_stop s ON s.round_code = r.code"
        " LEFT JOIN facility f ON f.code = r.home_code LEFT JOIN area a ON a.code = s.village_code"
        " WHERE r.code IN (SELECT round_code FROM mobile_round_stop WHERE village_code = ?1)"
        " ORDER BY r.code, s.seq", err);
    if (!s)
        return HSS_EDB;
    bind_text(s, 1, village);
    hss_vec stops;
    hss_vec_init(&stops, sizeof(rdb_stop_row));
    while (hss_store_step(s) == HSS_ROW) {
        rdb_stop_row *r = hss_vec_push(&stops);
        snprintf(r->round, sizeof r->round, "%s", col(s, 0));
        snprintf(r->vehicle, sizeof r->vehicle, "%s", col(s, 1));
        snprintf(r->home, sizeof r->home, "%s", col(s, 2));
        snprintf(r->home_name, sizeof r->home_name, "%s", col(s, 3));
        snprintf(r->weekdays, sizeof r->weekdays, "%s", col(s, 4));
        snprintf(r->start, sizeof r->start, "%s", col(s, 5));
        r->seq = hss_store_col_int(s, 6);
        snprintf(r->village, sizeof r->village, "%s", col(s, 7));
        snprintf(r->village_name, sizeof r->village_name, "%s", col(s, 8));
        r->dwell = hss_store_col_int(s, 9);
        snprintf(r->place, sizeof r->place, "%s", col(s, 10));
    }
    hss_store_finalize(s);
    *rows = stops.items;
    *n = stops.len;
    return HSS_OK;
}
