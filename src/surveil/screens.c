/*
 * screens.c: the reads behind the CDC duty officer's alert screens: alerts of an area, their
 * counts by status, one alert, the series behind it with the days each source signalled, its
 * event history, and the times to response. Rows come back as tables with the columns named
 * in surveil.h; the server turns them into JSON.
 */
#include <string.h>

#include "model/model.h"
#include "surveil/surveil_int.h"

#define ALERT_COLS                                                                                  \
    "al.id, al.date, al.area_code, a.name, al.level, al.signal, al.sources, al.method, al.status, " \
    "al.assigned_to, al.raised_at, al.responded_at, al.closed_at"

/* The rows of `s` (finalized here), or the error of preparing it. */
static hss_code rows(hss_store *st, hss_stmt *s, hss_table **out, hss_error *err)
{
    if (!s)
        return hss_store_error(st, err, "preparing an alert query");
    hss_code c = hss_store_table(s, out, err);
    hss_store_finalize(s);
    return c;
}

/* Binds ?1 = under, ?2/?3 = the code range of the areas inside it. */
static void bind_under(hss_stmt *s, const char *under)
{
    char lo[13], hi[14];
    hss_model_area_range(under, lo, hi);
    hss_store_bind_copy(s, 1, under);
    hss_store_bind_copy(s, 2, lo);
    hss_store_bind_copy(s, 3, hi);
}

hss_code hss_surveil_alert_rows(hss_store *st, const char *under, const char *status, const char *signal,
                                long long limit, hss_table **out, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT " ALERT_COLS " FROM surveil_alert al LEFT JOIN area a ON a.code = al.area_code "
        "WHERE (al.area_code = ?1 OR (al.area_code >= ?2 AND al.area_code < ?3)) "
        "AND (?4 IS NULL OR al.status = ?4) AND (?5 IS NULL OR al.signal = ?5) ORDER BY al.id DESC LIMIT ?6", err);
    if (s) {
        bind_under(s, under);
        if (status)
            hss_store_bind_copy(s, 4, status);
        if (signal)
            hss_store_bind_copy(s, 5, signal);
        hss_store_bind_int64(s, 6, limit);
    }
    return rows(st, s, out, err);
}

hss_code hss_surveil_alert_counts(hss_store *st, const char *under, hss_table **out, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT status, count(*) FROM surveil_alert WHERE area_code = ?1 OR (area_code >= ?2 AND area_code < ?3) "
        "GROUP BY status ORDER BY status", err);
    if (s)
        bind_under(s, under);
    return rows(st, s, out, err);
}

hss_code hss_surveil_alert_row(hss_store *st, int64_t id, hss_table **out, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT " ALERT_COLS " FROM surveil_alert al LEFT JOIN area a ON a.code = al.area_code WHERE al.id = ?", err);
    if (s)
        hss_store_bind_int64(s, 1, id);
    return rows(st, s, out, err);
}

hss_code hss_surveil_alert_series(hss_store *st, const char *area, const char *signal, int county, hss_table **out,
                                  hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, county
        ? "SELECT s.id, s.area_code, a.name FROM surveil_series s JOIN area a ON a.code = s.area_code "
          "WHERE a.parent_code = ?1 AND s.signal = ?2 ORDER BY s.area_code, s.source"
        : "SELECT s.id, s.source, NULL FROM surveil_series s WHERE s.area_code = ?1 AND s.signal = ?2 ORDER BY s.source",
        err);
    if (s) {
        hss_store_bind_copy(s, 1, area);
        hss_store_bind_copy(s, 2, signal);
    }
    return rows(st, s, out, err);
}

hss_code hss_surveil_signal_rows(hss_store *st, int64_t series_id, const char *from, const char *to, hss_table **out,
                                 hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT date, method, observed, upperbound FROM surveil_signal WHERE series_id = ? AND date BETWEEN ? AND ? "
        "ORDER BY date, method", err);
    if (s) {
        hss_store_bind_int64(s, 1, series_id);
        hss_store_bind_copy(s, 2, from);
        hss_store_bind_copy(s, 3, to);
    }
    return rows(st, s, out, err);
}

hss_code hss_surveil_alert_events(hss_store *st, int64_t id, hss_table **out, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT at, by_user, action, from_status, to_status, note FROM surveil_alert_event WHERE alert_id = ? ORDER BY id",
        err);
    if (s)
        hss_store_bind_int64(s, 1, id);
    return rows(st, s, out, err);
}

hss_code hss_surveil_response_rows(hss_store *st, const char *under, hss_table **out, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT level, raised_at, responded_at FROM surveil_alert "
        "WHERE area_code = ?1 OR (area_code >= ?2 AND area_code < ?3) ORDER BY level, id", err);
    if (s)
        bind_under(s, under);
    return rows(st, s, out, err);
}
