/*
 * run.c: the daily run (多点触发). For the given day every stored series is checked with its
 * signal's method (weekly methods see the daily counts summed into weeks ending that day);
 * series that alarm are recorded as signals; an area alert is raised when at least K sources
 * of the same area and signal signalled within W days (one of them today); a county alert is
 * raised when enough of its townships alerted within W days; an alert repeated for the same
 * area and signal within suppress_days is not raised again. Known outbreak periods
 * (surveil_exclusion) are left out of the baselines. Series with too little history are
 * counted and named, never silently treated as "no alarm".
 */
#include "surveil/surveil_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *area, *signal;
    long from, to;
} exclusion;

void hss_surveil_now_iso(char out[21])
{
    hss_utc_timestamp(out);
}

void hss_surveil_run_stats_free(hss_surveil_run_stats *stats)
{
    hss_buf_free(&stats->notes);
}

static hss_code raise_alert(hss_store *st, const char *area, const char *level, const char *signal,
                            const char *date, long day, int suppress_days, const char *sources,
                            const char *method, const char *now, int *raised, hss_error *err)
{
    *raised = 0;
    char since[11];
    hss_surveil_day_string(day - suppress_days + 1, since);
    hss_stmt *q = hss_store_prepare(st,
        "SELECT 1 FROM surveil_alert WHERE area_code=? AND signal=? AND level=? AND date BETWEEN ? AND ?", err);
    if (!q)
        return HSS_EDB;
    hss_surveil_bind_texts(q, 1, 5, (const char *[]){area, signal, level, since, date});
    int dup = hss_store_step(q) == HSS_ROW;
    hss_store_finalize(q);
    if (dup)
        return HSS_OK;
    hss_stmt *ins = hss_store_prepare(st,
        "INSERT INTO surveil_alert(area_code, level, signal, date, sources, method, status, raised_at) "
        "VALUES(?,?,?,?,?,?,'new',?)", err);
    if (!ins)
        return HSS_EDB;
    hss_surveil_bind_texts(ins, 1, 7, (const char *[]){area, level, signal, date, sources, method, now});
    hss_code rc = hss_surveil_step_done(st, ins, "storing alert", err);
    if (rc)
        return rc;
    int64_t id = hss_store_last_id(st);
    hss_stmt *ev = hss_store_prepare(st,
        "INSERT INTO surveil_alert_event(alert_id, at, by_user, action, from_status, to_status, note) "
        "VALUES(?,?,'hss surveil run','raise',NULL,'new',?)", err);
    if (!ev)
        return HSS_EDB;
    hss_store_bind_int64(ev, 1, id);
    hss_surveil_bind_texts(ev, 2, 2, (const char *[]){now, sources});
    if ((rc = hss_surveil_step_done(st, ev, "storing alert event", err)))
        return rc;
    *raised = 1;
    return HSS_OK;
}

/* Checks every series for day D and records the signals. */
static hss_code check_series(hss_store *st, const hss_surveil_config *cfg, long D, const char *date,
                             const exclusion *ex, size_t nex, hss_surveil_run_stats *S, hss_error *err)
{
    hss_stmt *list = hss_store_prepare(st,
        "SELECT id, area_code, signal, source, first_date, last_date FROM surveil_series ORDER BY id", err);
    hss_stmt *load = list ? hss_surveil_load_prepare(st, err) : NULL;
    hss_stmt *sig = load ? hss_store_prepare(st,
        "INSERT INTO surveil_signal(series_id, date, method, observed, upperbound) VALUES(?,?,?,?,?) "
        "ON CONFLICT(series_id, date) DO UPDATE SET method=excluded.method, observed=excluded.observed, "
        "upperbound=excluded.upperbound", err) : NULL;
    hss_stmt *unsig = sig ? hss_store_prepare(st, "DELETE FROM surveil_signal WHERE date=?", err) : NULL;
    if (!unsig) {
        hss_store_finalize(list);
        hss_store_finalize(load);
        hss_store_finalize(sig);
        return HSS_EDB;
    }
    hss_code rc = HSS_OK;
    /* a re-run of the day replaces that day's signals */
    hss_store_bind_text(unsig, 1, date);
    if (hss_store_step(unsig) != HSS_DONE)
        rc = hss_store_error(st, err, "clearing signals");
    size_t cap = 0;
    int32_t *days = NULL;
    double *y = NULL;
    unsigned char *flags = NULL;
    size_t notes = 0;
    while (!rc && hss_store_step(list) == HSS_ROW) {
        int64_t id = hss_store_col_int64(list, 0);
        const char *area = hss_store_col_text(list, 1);
        const char *signal = hss_store_col_text(list, 2);
        const char *source = hss_store_col_text(list, 3);
        int ok;
        long first = hss_surveil_day_number(hss_store_col_text(list, 4), &ok);
        long last = hss_surveil_day_number(hss_store_col_text(list, 5), &ok);
        S->series++;
        const hss_surveil_signal_cfg *c = hss_surveil_config_find(cfg, signal);
        hss_surveil_params p = c->params;
        long plen = p.frequency == 52 ? 7 : p.frequency == 12 ? 30 : 1;
        size_t need = hss_surveil_min_history(&p);
        /* CUSUM in the daily run: m is the mean of the 28 periods before the last 7, over
         * which the sum accumulates; the day's alarm is the last one. */
        int cusum = p.method == HSS_SURVEIL_CUSUM;
        if (cusum)
            need = isnan(p.cusum_m) ? 28 + 6 : 6;
        size_t span = need + 1;
        long ndays = (long)span * plen;
        if (last < D || first > D) {
            S->missing_today++;
            continue;
        }
        if (first > D - ndays + 1) {
            S->too_little_history++;
            if (notes++ < 20)
                hss_buf_printf(&S->notes, "too little history: area %s, signal %s, source %s: %s needs %zu %s before the day, data start %s\n",
                               area, signal, source, hss_surveil_method_name(p.method), need,
                               plen == 7 ? "weeks" : plen == 1 ? "days" : "periods",
                               hss_store_col_text(list, 4));
            continue;
        }
        if ((size_t)ndays > cap) {
            cap = (size_t)ndays;
            days = hss_xrealloc(days, cap * sizeof *days);
            y = hss_xrealloc(y, cap * sizeof *y);
            flags = hss_xrealloc(flags, cap);
        }
        hss_surveil_load_with(load, id, D - ndays + 1, D, days);
        memset(flags, 0, span);
        int gap = 0;
        for (size_t t = 0; t < span; t++) {
            double s = 0;
            for (long j = 0; j < plen; j++) {
                long di = (long)t * plen + j;
                if (days[di] < 0)
                    gap = 1;
                s += days[di];
                long day = D - ndays + 1 + di;
                for (size_t e = 0; e < nex; e++)
                    if (day >= ex[e].from && day <= ex[e].to && !strcmp(ex[e].signal, signal) &&
                        (!strcmp(ex[e].area, "*") || !strcmp(ex[e].area, area)))
                        flags[t] = 1;
            }
            y[t] = s;
        }
        if (gap) {
            S->too_little_history++;
            if (notes++ < 20)
                hss_buf_printf(&S->notes, "missing days in the history: area %s, signal %s, source %s\n", area, signal, source);
            continue;
        }
        if (flags[span - 1])
            continue; /* the day itself lies in a known outbreak */
        p.range_from = cusum ? span - 7 : span - 1;
        p.range_to = span - 1;
        p.exclude = nex ? flags : NULL;
        hss_surveil_result r;
        hss_error derr;
        hss_error_clear(&derr);
        if (hss_surveil_detect(y, span, &p, &r, &derr)) {
            S->too_little_history++;
            if (notes++ < 20)
                hss_buf_printf(&S->notes, "area %s, signal %s, source %s: %s\n", area, signal, source, derr.msg);
            continue;
        }
        S->checked++;
        size_t L = r.n - 1; /* the day itself */
        hss_stmt *w = sig;
        if (r.alarm[L] == 1) {
            hss_store_bind_int64(w, 1, id);
            hss_store_bind_text(w, 2, date);
            S->signals++;
            hss_store_bind_text(w, 3, hss_surveil_method_name(p.method));
            hss_store_bind_double(w, 4, r.observed[L]);
            if (isnan(r.upperbound[L]))
                hss_store_bind_null(w, 5);
            else
                hss_store_bind_double(w, 5, r.upperbound[L]);
            if (hss_store_step(w) != HSS_DONE)
                rc = hss_store_error(st, err, "storing signal");
            hss_store_reset(w);
        }
        hss_surveil_result_free(&r);
    }
    if (notes > 20)
        hss_buf_printf(&S->notes, "... and %zu more\n", notes - 20);
    free(days);
    free(y);
    free(flags);
    hss_store_finalize(list);
    hss_store_finalize(load);
    hss_store_finalize(sig);
    hss_store_finalize(unsig);
    return rc;
}

/* Groups (key1, key2, member, date) rows and raises an alert per group meeting its threshold.
 * county = 0: area alerts from sources' signals; 1: county alerts from township alerts. */
static hss_code raise_from(hss_store *st, const hss_surveil_config *cfg, long D, const char *date,
                           int county, const char *now, hss_surveil_run_stats *S, hss_error *err)
{
    int maxw = cfg->fallback.within_days;
    for (size_t i = 0; i < cfg->n; i++)
        if (cfg->signals[i].within_days > maxw)
            maxw = cfg->signals[i].within_days;
    char from[11];
    hss_surveil_day_string(D - maxw + 1, from);
    const char *sql = county
        ? "SELECT a.parent_code, al.signal, al.area_code, al.date, p.level FROM surveil_alert al "
          "JOIN area a ON a.code = al.area_code JOIN area p ON p.code = a.parent_code "
          "WHERE a.level = 'township' AND al.level = 'township' AND p.level = 'county' AND al.date BETWEEN ? AND ? "
          "ORDER BY a.parent_code, al.signal, al.area_code, al.date"
        : "SELECT s.area_code, s.signal, s.source, g.date, a.level FROM surveil_signal g "
          "JOIN surveil_series s ON s.id = g.series_id JOIN area a ON a.code = s.area_code "
          "WHERE g.date BETWEEN ? AND ? ORDER BY s.area_code, s.signal, s.source, g.date";
    hss_stmt *q = hss_store_prepare(st, sql, err);
    if (!q)
        return HSS_EDB;
    hss_store_bind_text(q, 1, from);
    hss_store_bind_text(q, 2, date);
    typedef struct {
        char *k1, *k2, *member, *level;
        long day;
    } row;
    hss_vec rows;
    hss_vec_init(&rows, sizeof(row));
    while (hss_store_step(q) == HSS_ROW) {
        row *r = hss_vec_push(&rows);
        r->k1 = hss_xstrdup(hss_store_col_text(q, 0));
        r->k2 = hss_xstrdup(hss_store_col_text(q, 1));
        r->member = hss_xstrdup(hss_store_col_text(q, 2));
        r->level = hss_xstrdup(hss_store_col_text(q, 4));
        int ok;
        r->day = hss_surveil_day_number(hss_store_col_text(q, 3), &ok);
    }
    hss_store_finalize(q);
    hss_code rc = HSS_OK;
    row *R = rows.items;
    for (size_t i = 0; i < rows.len && !rc;) {
        size_t j = i;
        while (j < rows.len && !strcmp(R[j].k1, R[i].k1) && !strcmp(R[j].k2, R[i].k2))
            j++;
        const hss_surveil_signal_cfg *c = hss_surveil_config_find(cfg, R[i].k2);
        long since = D - c->within_days + 1;
        int today = 0, members = 0;
        hss_buf list;
        hss_buf_init(&list);
        const char *prev = NULL;
        for (size_t k = i; k < j; k++) {
            if (R[k].day < since)
                continue;
            if (R[k].day == D)
                today = 1;
            if (!prev || strcmp(prev, R[k].member) != 0) {
                if (members++)
                    hss_buf_putc(&list, ';');
                hss_buf_puts(&list, R[k].member);
                prev = R[k].member;
            }
        }
        int need = county ? c->county_townships : c->k_sources;
        if (today && need > 0 && members >= need) {
            int raised = 0;
            rc = raise_alert(st, R[i].k1, county ? "county" : R[i].level, R[i].k2, date, D, c->suppress_days,
                             list.data ? list.data : "", county ? "townships" : hss_surveil_method_name(c->params.method),
                             now, &raised, err);
            if (raised)
                (*(county ? &S->county_alerts : &S->alerts))++;
            else
                S->suppressed++;
        }
        hss_buf_free(&list);
        i = j;
    }
    for (size_t i = 0; i < rows.len; i++) {
        free(R[i].k1);
        free(R[i].k2);
        free(R[i].member);
        free(R[i].level);
    }
    hss_vec_free(&rows);
    return rc;
}

hss_code hss_surveil_run(hss_store *st, const hss_surveil_config *cfg, const char *date,
                         const char *now, hss_surveil_run_stats *stats, hss_error *err)
{
    memset(stats, 0, sizeof *stats);
    hss_buf_init(&stats->notes);
    int ok;
    long D = hss_surveil_day_number(date, &ok);
    if (!ok)
        return hss_fail(err, HSS_EINVAL, "--date: '%s' is not a date (YYYY-MM-DD)", date);
    char nowbuf[21];
    if (!now) {
        hss_surveil_now_iso(nowbuf);
        now = nowbuf;
    }
    hss_code rc = hss_store_begin(st, err);
    if (rc)
        return rc;
    hss_vec ex;
    hss_vec_init(&ex, sizeof(exclusion));
    hss_stmt *q = hss_store_prepare(st, "SELECT area_code, signal, from_date, to_date FROM surveil_exclusion", err);
    if (!q)
        rc = HSS_EDB;
    while (!rc && hss_store_step(q) == HSS_ROW) {
        exclusion *e = hss_vec_push(&ex);
        e->area = hss_xstrdup(hss_store_col_text(q, 0));
        e->signal = hss_xstrdup(hss_store_col_text(q, 1));
        e->from = hss_surveil_day_number(hss_store_col_text(q, 2), &ok);
        e->to = hss_surveil_day_number(hss_store_col_text(q, 3), &ok);
    }
    hss_store_finalize(q);
    if (!rc)
        rc = check_series(st, cfg, D, date, ex.items, ex.len, stats, err);
    if (!rc)
        rc = raise_from(st, cfg, D, date, 0, now, stats, err);
    if (!rc)
        rc = raise_from(st, cfg, D, date, 1, now, stats, err);
    rc = hss_surveil_finish(st, rc, err);
    for (size_t i = 0; i < ex.len; i++) {
        free(HSS_VEC_AT(&ex, exclusion, i).area);
        free(HSS_VEC_AT(&ex, exclusion, i).signal);
    }
    hss_vec_free(&ex);
    return rc;
}
