/*
 * api_alerts.c: the CDC duty officer's alert triage over HTTP, on top of the surveil module.
 *   GET  /api/v1/alerts?status=&under=&signal=    alerts in the caller's scope, newest first
 *   GET  /api/v1/alerts/{id}                      one alert, its event history, and the daily
 *                                                 series of each source of its area and signal
 *                                                 (60 days up to the alert) with the days each
 *                                                 source signalled
 *   POST /api/v1/alerts/{id}/{assign|investigate|confirm|dismiss}  {"note": "..."}
 *                                                 the acting user is the session user; an
 *                                                 invalid transition is 409 with the allowed
 *                                                 actions; audited
 *   GET  /api/v1/alerts/response                  time to response as CIDARS reports it
 * Every alert is scope-checked by its area code. Acting needs the role admin or county.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "server/server_int.h"
#include "surveil/surveil.h"

#define SERIES_DAYS 60

static const char *const STATUSES[] = {"new", "assigned", "investigating", "confirmed", "dismissed"};

/* The actions allowed from a status (mirrors surveil/alert.c's transitions). */
static const char *const *next_actions(const char *status)
{
    static const char *const from_new[] = {"assign", "dismiss", NULL};
    static const char *const from_assigned[] = {"assign", "investigate", "dismiss", NULL};
    static const char *const from_investigating[] = {"confirm", "dismiss", NULL};
    static const char *const none[] = {NULL};
    if (!strcmp(status, "new"))
        return from_new;
    if (!strcmp(status, "assigned"))
        return from_assigned;
    if (!strcmp(status, "investigating"))
        return from_investigating;
    return none;
}

static cJSON *actions_json(const char *status)
{
    cJSON *a = cJSON_CreateArray();
    for (const char *const *p = next_actions(status); *p; p++)
        cJSON_AddItemToArray(a, cJSON_CreateString(*p));
    return a;
}

static cJSON *alert_json(const hss_table *t, size_t i)
{
    static const char *const keys[] = {"id", "date", "area_code", "area_name", "level", "signal", "sources", "method",
                                       "status", "assigned_to", "raised_at", "responded_at", "closed_at"};
    cJSON *o = hss_json_row(t, i, keys, "nSSSSSSSSSSSS");
    cJSON_AddItemToObject(o, "next_actions", actions_json(hss_table_cell(t, i, 8)));
    return o;
}

static int valid_status(const char *v)
{
    for (size_t i = 0; i < 5; i++)
        if (!strcmp(v, STATUSES[i]))
            return 1;
    return 0;
}

enum MHD_Result hss_api_alerts(hss_req *r)
{
    char under[16];
    const char *status = hss_arg(r, "status"), *signal = hss_arg(r, "signal");
    long long limit = 500;
    if (hss_resolve_under(r, hss_arg(r, "under"), under) || hss_check_word(r, "signal", signal, 64) ||
        hss_check_uint(r, "limit", hss_arg(r, "limit"), 5000, &limit))
        return MHD_YES;
    if (status && !valid_status(status))
        return hss_respond_error(r, 400, "status: must be new, assigned, investigating, confirmed or dismissed");
    hss_table *t = NULL, *n = NULL;
    if (hss_surveil_alert_rows(r->st, under, status, signal, limit, &t, NULL))
        return hss_respond_error(r, 500, "database error");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "under", under);
    cJSON *rows = cJSON_AddArrayToObject(o, "alerts");
    for (size_t i = 0; i < hss_table_rows(t); i++) {
        /* the prefix range is the scope test; keep the explicit check as a second guard */
        if (hss_scope_contains(r->scope, hss_table_cell(t, i, 2)))
            cJSON_AddItemToArray(rows, alert_json(t, i));
    }
    hss_table_free(t);
    /* counts per status in the same area, for the filter buttons */
    cJSON *counts = cJSON_AddObjectToObject(o, "counts");
    if (hss_surveil_alert_counts(r->st, under, &n, NULL) == HSS_OK) {
        for (size_t i = 0; i < hss_table_rows(n); i++)
            hss_json_cell(counts, hss_table_cell(n, i, 0), n, i, 1, 'n');
        hss_table_free(n);
    }
    char *js = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return hss_respond_json(r, 200, js);
}

/* Reads alert `id` into a JSON object if it exists and lies in the caller's scope; otherwise
 * responds (404 / 403) and returns NULL. */
static cJSON *load_alert(hss_req *r, int64_t id)
{
    hss_table *t = NULL;
    if (hss_surveil_alert_row(r->st, id, &t, NULL)) {
        hss_respond_error(r, 500, "database error");
        return NULL;
    }
    if (hss_table_rows(t) == 0) {
        hss_table_free(t);
        hss_respond_error(r, 404, "alert %lld does not exist", (long long)id);
        return NULL;
    }
    const char *area = hss_table_cell(t, 0, 2);
    if (!hss_scope_contains(r->scope, area)) {
        hss_respond_error(r, 403, "alert %lld is in area %s, outside your scope", (long long)id, area);
        hss_table_free(t);
        return NULL;
    }
    cJSON *o = alert_json(t, 0);
    hss_table_free(t);
    return o;
}

/* The series behind an alert: for a township (or any area) alert each source's own series; for
 * a county alert each township's series summed over its sources. Days that signalled are
 * marked with the method's upper bound. */
static cJSON *alert_series(hss_req *r, const char *area, const char *level, const char *signal, const char *date)
{
    int ok;
    long end = hss_surveil_day_number(date, &ok);
    cJSON *arr = cJSON_CreateArray();
    if (!ok)
        return arr;
    long from = end - SERIES_DAYS + 1;
    int county = !strcmp(level, "county");
    hss_table *list = NULL;
    if (hss_surveil_alert_series(r->st, area, signal, county, &list, NULL))
        return arr;
    typedef struct {
        int64_t id;
        char key[64], name[128];
    } ser;
    hss_vec v;
    hss_vec_init(&v, sizeof(ser));
    for (size_t i = 0; i < hss_table_rows(list); i++) {
        ser *x = hss_vec_push(&v);
        x->id = strtoll(hss_table_cell(list, i, 0), NULL, 10);
        snprintf(x->key, sizeof x->key, "%s", hss_table_cell(list, i, 1));
        snprintf(x->name, sizeof x->name, "%s", hss_table_cell(list, i, 2));
    }
    hss_table_free(list);
    int32_t buf[SERIES_DAYS];
    for (size_t i = 0; i < v.len;) {
        ser *x = &HSS_VEC_AT(&v, ser, i);
        size_t j = i + 1;
        while (county && j < v.len && !strcmp(HSS_VEC_AT(&v, ser, j).key, x->key))
            j++;
        double sum[SERIES_DAYS];
        int have[SERIES_DAYS];
        memset(have, 0, sizeof have);
        for (int k = 0; k < SERIES_DAYS; k++)
            sum[k] = 0;
        hss_error err;
        for (size_t k = i; k < j; k++) {
            if (hss_surveil_load(r->st, HSS_VEC_AT(&v, ser, k).id, from, end, buf, &err))
                continue;
            for (int t = 0; t < SERIES_DAYS; t++)
                if (buf[t] >= 0) {
                    sum[t] += buf[t];
                    have[t] = 1;
                }
        }
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, county ? "township" : "source", x->key);
        if (county)
            cJSON_AddStringToObject(o, "name", x->name);
        cJSON *counts = cJSON_AddArrayToObject(o, "counts");
        for (int t = 0; t < SERIES_DAYS; t++)
            cJSON_AddItemToArray(counts, have[t] ? cJSON_CreateNumber(sum[t]) : cJSON_CreateNull());
        /* per-source alarms (township alerts only: a county alert's members are townships) */
        cJSON *sig = cJSON_AddArrayToObject(o, "signals");
        if (!county) {
            char a[11];
            hss_surveil_day_string(from, a);
            hss_table *q = NULL;
            if (hss_surveil_signal_rows(r->st, x->id, a, date, &q, NULL) != HSS_OK)
                q = NULL;
            for (size_t k = 0; q && k < hss_table_rows(q); k++) {
                cJSON *g = cJSON_CreateObject();
                hss_json_cell(g, "date", q, k, 0, 'S');
                hss_json_cell(g, "method", q, k, 1, 'S');
                hss_json_cell(g, "observed", q, k, 2, 'n');
                if (hss_table_is_null(q, k, 3))
                    cJSON_AddNullToObject(g, "upperbound");
                else
                    cJSON_AddNumberToObject(g, "upperbound", round(strtod(hss_table_cell(q, k, 3), NULL) * 1000) / 1000);
                cJSON_AddItemToArray(sig, g);
            }
            hss_table_free(q);
        }
        cJSON_AddItemToArray(arr, o);
        i = j;
    }
    hss_vec_free(&v);
    return arr;
}

static enum MHD_Result alert_detail(hss_req *r, int64_t id)
{
    cJSON *o = load_alert(r, id);
    if (!o)
        return MHD_YES;
    const char *area = cJSON_GetObjectItem(o, "area_code")->valuestring;
    const char *level = cJSON_GetObjectItem(o, "level")->valuestring;
    const char *signal = cJSON_GetObjectItem(o, "signal")->valuestring;
    const char *date = cJSON_GetObjectItem(o, "date")->valuestring;
    int ok;
    long end = hss_surveil_day_number(date, &ok);
    char first[11];
    hss_surveil_day_string(end - SERIES_DAYS + 1, first);
    cJSON_AddStringToObject(o, "series_from", first);
    cJSON_AddItemToObject(o, "series", alert_series(r, area, level, signal, date));
    cJSON *ev = cJSON_AddArrayToObject(o, "events");
    hss_table *t = NULL;
    if (hss_surveil_alert_events(r->st, id, &t, NULL) == HSS_OK) {
        static const char *const keys[] = {"at", "by", "action", "from_status", "to_status", "note"};
        for (size_t i = 0; i < hss_table_rows(t); i++)
            cJSON_AddItemToArray(ev, hss_json_row(t, i, keys, "SSSSSS"));
        hss_table_free(t);
    }
    char *js = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return hss_respond_json(r, 200, js);
}

static enum MHD_Result alert_act(hss_req *r, int64_t id, const char *action)
{
    if (strcmp(r->role, "admin") != 0 && strcmp(r->role, "county") != 0)
        return hss_respond_error(r, 403, "role %s may read alerts but not act on them (admin or county)", r->role);
    cJSON *al = load_alert(r, id);
    if (!al)
        return MHD_YES;
    char status[32];
    snprintf(status, sizeof status, "%s", cJSON_GetObjectItem(al, "status")->valuestring);
    cJSON_Delete(al);
    const char *note = "";
    cJSON *body = NULL;
    if (r->body.len) {
        body = cJSON_ParseWithLength(r->body.data, r->body.len);
        cJSON *n = body ? cJSON_GetObjectItem(body, "note") : NULL;
        if (!body || !cJSON_IsObject(body) || (n && !cJSON_IsString(n) && !cJSON_IsNull(n))) {
            cJSON_Delete(body);
            return hss_respond_error(r, 400, "body: must be a JSON object {\"note\": \"...\"}");
        }
        if (cJSON_IsString(n))
            note = n->valuestring;
    }
    if (strlen(note) > 2000) {
        cJSON_Delete(body);
        return hss_respond_error(r, 400, "note: at most 2000 bytes");
    }
    hss_error err;
    hss_error_clear(&err);
    hss_code c = hss_surveil_alert_act(r->st, id, action, r->user, note, NULL, &err);
    char target[64], detail[2100];
    snprintf(target, sizeof target, "alert %lld", (long long)id);
    snprintf(detail, sizeof detail, "%s -> %s%s%s", status, c ? "refused" : action, note[0] ? ": " : "", note);
    hss_audit_note(r, c ? "alert_refused" : "alert_action", target, detail); /* the write's one row */
    cJSON_Delete(body);
    if (c == HSS_ECONFLICT) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "error", err.msg);
        cJSON_AddStringToObject(o, "status", status);
        cJSON_AddItemToObject(o, "allowed", actions_json(status));
        char *js = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        return hss_respond_json(r, 409, js);
    }
    if (c)
        return hss_respond_error(r, c == HSS_EINVAL ? 400 : c == HSS_ENOTFOUND ? 404 : 500, "%s", err.msg);
    return alert_detail(r, id);
}

enum MHD_Result hss_api_alert_route(hss_req *r, const char *rest)
{
    int get = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD");
    const char *slash = strchr(rest, '/');
    char idbuf[24];
    size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
    int64_t id;
    if (n == 0 || n >= sizeof idbuf)
        return hss_respond_error(r, 404, "no such endpoint: %s", r->url);
    memcpy(idbuf, rest, n);
    idbuf[n] = 0;
    if (hss_parse_int64(idbuf, &id) != 0 || id < 1)
        return hss_respond_error(r, 400, "alert id: must be a positive whole number");
    if (!slash) {
        if (!get) {
            const char *h[] = {"Allow", "GET", NULL};
            const char *m = "{\"error\":\"use GET for an alert, POST for /alerts/{id}/{action}\"}";
            return hss_respond(r, 405, "application/json; charset=utf-8", m, strlen(m), h);
        }
        return alert_detail(r, id);
    }
    const char *action = slash + 1;
    if (strcmp(action, "assign") && strcmp(action, "investigate") && strcmp(action, "confirm") && strcmp(action, "dismiss"))
        return hss_respond_error(r, 404, "no such alert action '%s' (assign, investigate, confirm, dismiss)", action);
    if (strcmp(r->method, "POST") != 0) {
        const char *h[] = {"Allow", "POST", NULL};
        const char *m = "{\"error\":\"alert actions need POST\"}";
        return hss_respond(r, 405, "application/json; charset=utf-8", m, strlen(m), h);
    }
    return alert_act(r, id, action);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double iso_hours(const char *s)
{
    int ok, hh = 0, mm = 0, ss = 0;
    char d[11];
    if (!s || strlen(s) < 19)
        return NAN;
    memcpy(d, s, 10);
    d[10] = 0;
    long day = hss_surveil_day_number(d, &ok);
    if (!ok || sscanf(s + 11, "%2d:%2d:%2d", &hh, &mm, &ss) != 3)
        return NAN;
    return (double)day * 24.0 + hh + mm / 60.0 + ss / 3600.0;
}

/* GET /alerts/response: per level and overall, the alerts in scope, how many were responded
 * to (any lifecycle action), the share, the median hours from raising to the first action and
 * the share responded within 24 hours (the figures CIDARS evaluations report). */
enum MHD_Result hss_api_alerts_response(hss_req *r)
{
    char under[16];
    if (hss_resolve_under(r, hss_arg(r, "under"), under))
        return MHD_YES;
    hss_table *t = NULL;
    if (hss_surveil_response_rows(r->st, under, &t, NULL))
        return hss_respond_error(r, 500, "database error");
    typedef struct {
        char level[16];
        double hours; /* NAN: not responded */
    } item;
    hss_vec v;
    hss_vec_init(&v, sizeof(item));
    for (size_t i = 0; i < hss_table_rows(t); i++) {
        item *it = hss_vec_push(&v);
        snprintf(it->level, sizeof it->level, "%s", hss_table_cell(t, i, 0));
        it->hours = hss_table_is_null(t, i, 2) ? NAN
                                               : iso_hours(hss_table_cell(t, i, 2)) - iso_hours(hss_table_cell(t, i, 1));
    }
    hss_table_free(t);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "under", under);
    cJSON *rows = cJSON_AddArrayToObject(o, "rows");
    double *h = hss_xmalloc(sizeof(double) * (v.len + 1));
    for (size_t i = 0; i <= v.len;) {
        /* groups by level, then one pass over everything ("all") */
        int all = i == v.len;
        size_t j = i;
        const char *lv = all ? "all" : HSS_VEC_AT(&v, item, i).level;
        if (all)
            i = 0, j = v.len;
        else
            while (j < v.len && !strcmp(HSS_VEC_AT(&v, item, j).level, lv))
                j++;
        size_t nh = 0, in24 = 0;
        for (size_t k = i; k < j; k++) {
            double x = HSS_VEC_AT(&v, item, k).hours;
            if (!isnan(x)) {
                h[nh++] = x;
                in24 += x <= 24;
            }
        }
        size_t total = j - i;
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "level", lv);
        cJSON_AddNumberToObject(row, "alerts", (double)total);
        cJSON_AddNumberToObject(row, "responded", (double)nh);
        cJSON_AddNumberToObject(row, "share_responded", total ? round(1000.0 * (double)nh / (double)total) / 1000.0 : 0);
        if (nh) {
            qsort(h, nh, sizeof *h, cmp_d);
            double med = nh % 2 ? h[nh / 2] : (h[nh / 2 - 1] + h[nh / 2]) / 2;
            cJSON_AddNumberToObject(row, "median_hours", round(med * 100) / 100);
        } else {
            cJSON_AddNullToObject(row, "median_hours");
        }
        cJSON_AddNumberToObject(row, "share_within_24h", total ? round(1000.0 * (double)in24 / (double)total) / 1000.0 : 0);
        cJSON_AddItemToArray(rows, row);
        if (all)
            break;
        i = j;
    }
    free(h);
    hss_vec_free(&v);
    char *js = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return hss_respond_json(r, 200, js);
}
