/*
 * alert.c: the alert lifecycle a CDC duty officer works through:
 *   new -> assigned -> investigating -> confirmed | dismissed   (dismiss also from new/assigned)
 * Each action records who acted, when and why in surveil_alert_event (the audit trail); the
 * first action stamps responded_at, the closing one closed_at. Time to response is reported the
 * way CIDARS evaluations report it: the share of alerts responded to and the median hours from
 * raising to response.
 */
#include "surveil/surveil_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    const char *action, *to;
    const char *from[3];
} transition;

static const transition TRANSITIONS[] = {
    {"assign", "assigned", {"new", "assigned", NULL}},
    {"investigate", "investigating", {"assigned", NULL, NULL}},
    {"confirm", "confirmed", {"investigating", NULL, NULL}},
    {"dismiss", "dismissed", {"new", "assigned", "investigating"}},
};

/* Seconds since the epoch of an ISO 8601 UTC time YYYY-MM-DDTHH:MM:SSZ; -1 when malformed. */
static double iso_seconds(const char *s)
{
    int ok;
    char d[11];
    int hh, mm, ss;
    if (!s || strlen(s) < 19)
        return -1;
    memcpy(d, s, 10);
    d[10] = 0;
    long day = hss_surveil_day_number(d, &ok);
    if (!ok || s[10] != 'T' || sscanf(s + 11, "%2d:%2d:%2d", &hh, &mm, &ss) != 3 || hh > 23 || mm > 59 || ss > 60)
        return -1;
    return (double)day * 86400.0 + hh * 3600.0 + mm * 60.0 + ss;
}

hss_code hss_surveil_alert_act(hss_store *st, int64_t id, const char *action, const char *by,
                               const char *note, const char *at, hss_error *err)
{
    const transition *tr = NULL;
    for (size_t i = 0; i < sizeof TRANSITIONS / sizeof *TRANSITIONS; i++)
        if (!strcmp(TRANSITIONS[i].action, action))
            tr = &TRANSITIONS[i];
    if (!tr)
        return hss_fail(err, HSS_EINVAL, "unknown action '%s' (assign, investigate, confirm or dismiss)", action);
    if (!by || !*by)
        return hss_fail(err, HSS_EINVAL, "--by USER is required: every action records who acted");
    char nowbuf[21];
    if (!at) {
        hss_surveil_now_iso(nowbuf);
        at = nowbuf;
    } else if (iso_seconds(at) < 0) {
        return hss_fail(err, HSS_EINVAL, "--at '%s' is not an ISO 8601 UTC time (YYYY-MM-DDTHH:MM:SSZ)", at);
    }
    hss_code rc = hss_store_begin(st, err);
    if (rc)
        return rc;
    hss_stmt *q = hss_store_prepare(st, "SELECT status FROM surveil_alert WHERE id=?", err);
    if (!q) {
        hss_store_rollback(st);
        return HSS_EDB;
    }
    hss_store_bind_int64(q, 1, id);
    char *status = NULL;
    if (hss_store_step(q) == HSS_ROW)
        status = hss_xstrdup(hss_store_col_text(q, 0));
    hss_store_finalize(q);
    if (!status) {
        hss_store_rollback(st);
        return hss_fail(err, HSS_ENOTFOUND, "alert %lld does not exist", (long long)id);
    }
    int allowed = 0;
    for (int i = 0; i < 3; i++)
        if (tr->from[i] && !strcmp(tr->from[i], status))
            allowed = 1;
    if (!allowed) {
        rc = hss_fail(err, HSS_ECONFLICT, "alert %lld is %s: cannot %s it (allowed: %s%s%s%s%s)", (long long)id, status, action,
                      tr->from[0], tr->from[1] ? ", " : "", tr->from[1] ? tr->from[1] : "",
                      tr->from[2] ? ", " : "", tr->from[2] ? tr->from[2] : "");
        free(status);
        hss_store_rollback(st);
        return rc;
    }
    int closing = !strcmp(tr->to, "confirmed") || !strcmp(tr->to, "dismissed");
    hss_stmt *u = hss_store_prepare(st,
        "UPDATE surveil_alert SET status=?, assigned_to=CASE WHEN ?='assign' THEN ? ELSE assigned_to END, "
        "responded_at=coalesce(responded_at, ?), closed_at=CASE WHEN ?=1 THEN ? ELSE closed_at END WHERE id=?", err);
    hss_stmt *e = u ? hss_store_prepare(st,
        "INSERT INTO surveil_alert_event(alert_id, at, by_user, action, from_status, to_status, note) VALUES(?,?,?,?,?,?,?)", err) : NULL;
    if (!e) {
        hss_store_finalize(u);
        free(status);
        hss_store_rollback(st);
        return HSS_EDB;
    }
    hss_surveil_bind_texts(u, 1, 4, (const char *[]){tr->to, action, by, at});
    hss_store_bind_int(u, 5, closing);
    hss_store_bind_text(u, 6, at);
    hss_store_bind_int64(u, 7, id);
    hss_store_bind_int64(e, 1, id);
    hss_surveil_bind_texts(e, 2, 6, (const char *[]){at, by, action, status, tr->to, note ? note : ""});
    if (hss_store_step(u) != HSS_DONE || hss_store_step(e) != HSS_DONE)
        rc = hss_store_error(st, err, "updating alert");
    hss_store_finalize(u);
    hss_store_finalize(e);
    free(status);
    rc = hss_surveil_finish(st, rc, err);
    return rc;
}

static void text_or_null(hss_table *t, size_t c, hss_stmt *s, int col)
{
    const char *v = hss_store_col_text(s, col);
    if (v)
        hss_table_set_text(t, c, (const char *)v);
    else
        hss_table_set_null(t, c);
}

hss_table *hss_surveil_alerts_table(hss_store *st, const char *status, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT al.id, al.date, al.area_code, a.name, al.level, al.signal, al.sources, al.method, al.status, "
        "al.assigned_to, al.raised_at, al.responded_at, al.closed_at FROM surveil_alert al "
        "LEFT JOIN area a ON a.code = al.area_code WHERE ?1 IS NULL OR al.status = ?1 ORDER BY al.id DESC", err);
    if (!s)
        return NULL;
    if (status)
        hss_store_bind_text(s, 1, status);
    hss_table *t = hss_table_new();
    static const char *const cols[][2] = {
        {"id", "编号"}, {"date", "日期"}, {"area_code", "地区代码"}, {"area_name", "地区"}, {"level", "级别"},
        {"signal", "监测信号"}, {"sources", "触发来源"}, {"method", "方法"}, {"status", "状态"},
        {"assigned_to", "负责人"}, {"raised_at", "预警时间"}, {"responded_at", "响应时间"}, {"closed_at", "结案时间"}};
    for (size_t c = 0; c < 13; c++)
        hss_table_add_col(t, cols[c][0], cols[c][1], c == 0 ? HSS_COL_INT : HSS_COL_TEXT);
    while (hss_store_step(s) == HSS_ROW) {
        hss_table_add_row(t);
        hss_table_set_int(t, 0, hss_store_col_int64(s, 0));
        for (int c = 1; c < 13; c++)
            text_or_null(t, (size_t)c, s, c);
    }
    hss_store_finalize(s);
    return t;
}

hss_table *hss_surveil_alert_events_table(hss_store *st, int64_t id, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT at, by_user, action, from_status, to_status, note FROM surveil_alert_event WHERE alert_id=? ORDER BY id", err);
    if (!s)
        return NULL;
    hss_store_bind_int64(s, 1, id);
    hss_table *t = hss_table_new();
    static const char *const cols[][2] = {{"at", "时间"}, {"by", "操作人"}, {"action", "操作"},
                                          {"from_status", "原状态"}, {"to_status", "新状态"}, {"note", "备注"}};
    for (size_t c = 0; c < 6; c++)
        hss_table_add_col(t, cols[c][0], cols[c][1], HSS_COL_TEXT);
    while (hss_store_step(s) == HSS_ROW) {
        hss_table_add_row(t);
        for (int c = 0; c < 6; c++)
            text_or_null(t, (size_t)c, s, c);
    }
    hss_store_finalize(s);
    return t;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

hss_table *hss_surveil_response_table(hss_store *st, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT level, raised_at, responded_at FROM surveil_alert ORDER BY level", err);
    if (!s)
        return NULL;
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "level", "级别", HSS_COL_TEXT);
    hss_table_add_col(t, "alerts", "预警数", HSS_COL_INT);
    hss_table_add_col(t, "responded", "已响应", HSS_COL_INT);
    hss_table_add_col(t, "share_responded", "响应率", HSS_COL_REAL);
    hss_table_add_col(t, "median_hours", "响应时间中位数(小时)", HSS_COL_REAL);
    hss_table_add_col(t, "share_within_24h", "24小时内响应率", HSS_COL_REAL);
    char *level = NULL;
    hss_vec hours;
    hss_vec_init(&hours, sizeof(double));
    size_t alerts = 0, all_alerts = 0;
    hss_vec all_hours;
    hss_vec_init(&all_hours, sizeof(double));
    for (int more = 1; more;) {
        more = hss_store_step(s) == HSS_ROW;
        const char *lv = more ? hss_store_col_text(s, 0) : NULL;
        if (level && (!more || strcmp(level, lv) != 0)) {
            for (int pass = 0; pass < 2; pass++) {
                hss_vec *h = pass ? &all_hours : &hours;
                size_t n = pass ? all_alerts : alerts;
                if (pass && more)
                    break;
                hss_table_add_row(t);
                hss_table_set_text(t, 0, pass ? "all" : level);
                hss_table_set_int(t, 1, (long long)n);
                hss_table_set_int(t, 2, (long long)h->len);
                hss_table_set_real(t, 3, n ? (double)h->len / (double)n : 0, 3);
                if (h->len) {
                    double *v = h->items;
                    qsort(v, h->len, sizeof *v, cmp_d);
                    double med = h->len % 2 ? v[h->len / 2] : (v[h->len / 2 - 1] + v[h->len / 2]) / 2;
                    size_t in24 = 0;
                    for (size_t i = 0; i < h->len; i++)
                        in24 += v[i] <= 24;
                    hss_table_set_real(t, 4, med, 2);
                    hss_table_set_real(t, 5, n ? (double)in24 / (double)n : 0, 3);
                } else {
                    hss_table_set_null(t, 4);
                    hss_table_set_real(t, 5, 0, 3);
                }
            }
            hours.len = 0;
            alerts = 0;
        }
        if (!more)
            break;
        if (!level || strcmp(level, lv) != 0) {
            free(level);
            level = hss_xstrdup(lv);
        }
        alerts++;
        all_alerts++;
        double r = iso_seconds(hss_store_col_text(s, 1));
        const char *resp = hss_store_col_text(s, 2);
        if (resp && r >= 0) {
            double h = (iso_seconds(resp) - r) / 3600.0;
            *(double *)hss_vec_push(&hours) = h;
            *(double *)hss_vec_push(&all_hours) = h;
        }
    }
    free(level);
    hss_vec_free(&hours);
    hss_vec_free(&all_hours);
    hss_store_finalize(s);
    return t;
}
