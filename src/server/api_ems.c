/*
 * api_ems.c: the 120 endpoints (src/ems/). Thin: parse and check the arguments, resolve the
 * area against the user's scope, call the module, render JSON.
 *   GET  /api/v1/ems/units?under=&at=                units with crews and their state at `at`
 *   GET  /api/v1/ems/performance?under=&by=&from=&to=  measured times by area or month, units,
 *                                                    worst villages
 *   GET  /api/v1/ems/dispatch?at=&lon=&lat=&category=  nearest available unit and hospital
 *   GET  /api/v1/ems/simulate?under=&rate=&days=&seed=&add_units=STATION:N   a simulated period
 *   GET  /api/v1/ems/plan?under=&units=&busy=&new_sites=1   MEXCLP greedy ambulance allocation
 *   POST /api/v1/ems/units/{unit}/state  {"state": "...", "at": "..."}  (audited in the module)
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ems/ems.h"
#include "server/server_int.h"

static unsigned status_of(hss_code c)
{
    return c == HSS_EINVAL ? 400 : c == HSS_ENOTFOUND ? 404 : c == HSS_ECONFLICT ? 409 : 500;
}

/* A time argument (ISO 8601 with offset, or a day when `day`); absent leaves *out. */
static int time_arg(hss_req *r, const char *name, int day, int64_t *out)
{
    const char *v = hss_arg(r, name);
    if (!v)
        return 0;
    if ((day ? hss_ems_day_parse(v, out) : hss_ems_time_parse(v, out)) != 0) {
        hss_respond_error(r, 400, "%s: expected %s", name,
                          day ? "a day YYYY-MM-DD" : "an ISO 8601 time with offset, e.g. 2025-03-01T08:15:00+08:00");
        return -1;
    }
    return 0;
}

static int num_arg(hss_req *r, const char *name, double lo, double hi, double *out)
{
    const char *v = hss_arg(r, name);
    if (!v || hss_parse_double(v, out) != 0 || !(*out >= lo && *out <= hi)) {
        hss_respond_error(r, 400, "%s: expected a number from %g to %g", name, lo, hi);
        return -1;
    }
    return 0;
}

/* Adds table t as an array under key (t freed). */
static void add_table(cJSON *o, const char *key, hss_table *t)
{
    char *s = hss_table_render(t, HSS_FORMAT_JSON);
    cJSON *a = cJSON_Parse(s);
    cJSON_AddItemToObject(o, key, a ? a : cJSON_CreateArray());
    free(s);
    hss_table_free(t);
}

static enum MHD_Result respond_obj(hss_req *r, cJSON *o)
{
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return hss_respond_json(r, 200, s);
}

static enum MHD_Result units(hss_req *r)
{
    char under[16];
    int64_t at = HSS_EMS_NO_TIME;
    if (hss_resolve_under(r, hss_arg(r, "under"), under) || time_arg(r, "at", 0, &at))
        return MHD_YES;
    hss_table *t = NULL;
    hss_error err;
    hss_error_clear(&err);
    hss_code rc = hss_ems_units_table(r->st, under, at, &t, &err);
    if (rc)
        return hss_respond_error(r, status_of(rc), "%s", err.msg);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "under", under);
    add_table(o, "units", t);
    return respond_obj(r, o);
}

static enum MHD_Result performance(hss_req *r)
{
    char under[16];
    hss_ems_perf_query q = {NULL, "county", HSS_EMS_NO_TIME, HSS_EMS_NO_TIME};
    const char *by = hss_arg(r, "by");
    if (hss_resolve_under(r, hss_arg(r, "under"), under) || hss_check_word(r, "by", by, 16) ||
        time_arg(r, "from", 1, &q.from) || time_arg(r, "to", 1, &q.to))
        return MHD_YES;
    if (q.to != HSS_EMS_NO_TIME && strlen(hss_arg(r, "to")) == 10)
        q.to += 86400; /* `to` names the last day included */
    q.under = under;
    q.by = by ? by : "county";
    hss_table *a = NULL, *u = NULL, *w = NULL;
    hss_error err;
    hss_error_clear(&err);
    hss_code rc = hss_ems_performance(r->st, &q, &a, &u, &w, &err);
    if (rc)
        return hss_respond_error(r, status_of(rc), "%s", err.msg);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "under", under);
    cJSON_AddStringToObject(o, "by", q.by);
    cJSON_AddStringToObject(o, "source", "120 call records (received to on scene)");
    add_table(o, "areas", a);
    add_table(o, "units", u);
    add_table(o, "worst", w);
    return respond_obj(r, o);
}

static cJSON *candidate(const hss_ems_candidate *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "unit", c->unit);
    cJSON_AddStringToObject(o, "station", c->station);
    cJSON_AddStringToObject(o, "station_name", c->station_name);
    cJSON_AddNumberToObject(o, "minutes", round(c->minutes * 100) / 100);
    return o;
}

static enum MHD_Result dispatch(hss_req *r)
{
    int64_t at = HSS_EMS_NO_TIME;
    double lon, lat;
    const char *cat = hss_arg(r, "category");
    if (!hss_arg(r, "at"))
        return hss_respond_error(r, 400, "at: required (ISO 8601 time with offset)");
    if (time_arg(r, "at", 0, &at) || num_arg(r, "lon", -180, 180, &lon) || num_arg(r, "lat", -90, 90, &lat) ||
        hss_check_word(r, "category", cat, 32))
        return MHD_YES;
    hss_ems_dispatch_result d;
    hss_error err;
    hss_error_clear(&err);
    hss_code rc = hss_ems_dispatch(r->st, at, lon, lat, cat, &d, &err);
    if (rc)
        return hss_respond_error(r, status_of(rc), "%s", err.msg);
    cJSON *o = d.found ? candidate(&d.best) : cJSON_CreateObject();
    if (!d.found) {
        cJSON_AddNullToObject(o, "unit");
        cJSON_AddNullToObject(o, "station");
        cJSON_AddNullToObject(o, "minutes");
    }
    cJSON *alt = cJSON_AddArrayToObject(o, "alternatives");
    for (size_t i = 0; i < d.nalt; i++)
        cJSON_AddItemToArray(alt, candidate(&d.alt[i]));
    cJSON_AddNumberToObject(o, "busy", (double)d.busy);
    if (*d.hospital) {
        cJSON_AddStringToObject(o, "hospital", d.hospital);
        cJSON_AddStringToObject(o, "hospital_name", d.hospital_name);
        cJSON_AddStringToObject(o, "hospital_service", d.hospital_service);
        cJSON_AddNumberToObject(o, "hospital_minutes", round(d.hospital_minutes * 100) / 100);
    } else {
        cJSON_AddNullToObject(o, "hospital");
    }
    return respond_obj(r, o);
}

/* A simulation reads the stored region and changes nothing, so it is a GET. */
static enum MHD_Result simulate(hss_req *r)
{
    char under[16], station[64] = "";
    double rate = 20, days = 365, seed = 1, n = 0;
    hss_ems_sim_opts o = {0};
    const char *add = hss_arg(r, "add_units");
    if (hss_resolve_under(r, hss_arg(r, "under"), under) ||
        (hss_arg(r, "rate") && num_arg(r, "rate", 0.1, 200, &rate)) ||
        (hss_arg(r, "days") && num_arg(r, "days", 1, 366, &days)) ||
        (hss_arg(r, "seed") && num_arg(r, "seed", 0, 1e9, &seed)))
        return MHD_YES;
    if (add) {
        const char *c = strrchr(add, ':');
        if (!c || c == add || (size_t)(c - add) >= sizeof station || hss_parse_double(c + 1, &n) != 0 || n < 1 || n > 50)
            return hss_respond_error(r, 400, "add_units: STATION:N with N from 1 to 50");
        snprintf(station, sizeof station, "%.*s", (int)(c - add), add);
        o.add_units_station = station;
        o.add_units = (int)n;
    }
    o.rate = rate;
    o.days = (int)days;
    o.seed = (uint64_t)seed;
    o.under = under;
    hss_ems_sim_result res;
    hss_error err;
    hss_error_clear(&err);
    hss_code rc = hss_ems_simulate(r->st, &o, &res, NULL, &err);
    if (rc)
        return hss_respond_error(r, status_of(rc), "%s", err.msg);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "under", under);
    cJSON_AddNumberToObject(j, "calls", (double)res.calls);
    cJSON_AddNumberToObject(j, "served", (double)res.served);
    cJSON_AddNumberToObject(j, "queued", (double)res.queued);
    cJSON_AddNumberToObject(j, "unreachable", (double)res.unreachable);
    const double v[] = {res.response_mean, res.response_median, res.response_p90, res.urban_mean, res.rural_mean, res.queue_mean};
    const char *const k[] = {"response_mean", "response_median", "response_p90", "urban_mean", "rural_mean", "queue_mean"};
    for (int i = 0; i < 6; i++) {
        if (isnan(v[i]))
            cJSON_AddNullToObject(j, k[i]);
        else
            cJSON_AddNumberToObject(j, k[i], round(v[i] * 100) / 100);
    }
    cJSON_AddNumberToObject(j, "units", (double)res.units);
    cJSON_AddNumberToObject(j, "stations", (double)res.stations);
    cJSON_AddStringToObject(j, "intervals", res.intervals_measured ? "measured" : "defaults");
    return respond_obj(r, j);
}

static enum MHD_Result plan(hss_req *r)
{
    char under[16];
    double units = 0, busy = 0;
    const char *ns = hss_arg(r, "new_sites");
    if (hss_resolve_under(r, hss_arg(r, "under"), under) ||
        (hss_arg(r, "units") && num_arg(r, "units", 1, 2000, &units)) ||
        (hss_arg(r, "busy") && num_arg(r, "busy", 0, 0.99, &busy)))
        return MHD_YES;
    hss_ems_plan_opts o = {under, (size_t)units, busy, ns && strcmp(ns, "1") == 0};
    hss_table *steps = NULL, *sum = NULL;
    hss_error err;
    hss_error_clear(&err);
    hss_code rc = hss_ems_plan(r->st, &o, &steps, &sum, &err);
    if (rc)
        return hss_respond_error(r, status_of(rc), "%s", err.msg);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "under", under);
    add_table(j, "summary", sum);
    add_table(j, "steps", steps);
    return respond_obj(r, j);
}

/* The unit must be inside the user's scope: it is listed by the units table under the scope. */
static int unit_in_scope(hss_req *r, const char *unit)
{
    hss_table *t = NULL;
    hss_error err;
    if (hss_ems_units_table(r->st, r->scope, HSS_EMS_NO_TIME, &t, &err))
        return 0;
    int found = 0;
    for (size_t i = 0; i < hss_table_rows(t) && !found; i++)
        found = strcmp(hss_table_cell(t, i, 0), unit) == 0;
    hss_table_free(t);
    return found;
}

static enum MHD_Result set_state(hss_req *r, const char *unit)
{
    cJSON *b = r->body.len ? cJSON_ParseWithLength(r->body.data, r->body.len) : NULL;
    const cJSON *st = cJSON_GetObjectItem(b, "state"), *at_s = cJSON_GetObjectItem(b, "at");
    int64_t at = HSS_EMS_NO_TIME;
    enum MHD_Result ret;
    if (!cJSON_IsString(st) || !hss_ems_state_valid(st->valuestring))
        ret = hss_respond_error(r, 400, "state: must be available, dispatched, on scene, transporting, at hospital or "
                                        "out of service"); /* words, not ids: a user reads it (docs/ems.md gives the ids) */
    else if (at_s && (!cJSON_IsString(at_s) || hss_ems_time_parse(at_s->valuestring, &at) != 0))
        ret = hss_respond_error(r, 400, "at: an ISO 8601 time with offset");
    else if (!unit_in_scope(r, unit))
        ret = hss_respond_error(r, 404, "no unit '%.64s' in your area", unit);
    else {
        hss_error err;
        hss_error_clear(&err);
        hss_code rc = hss_ems_unit_set_state(r->st, unit, st->valuestring, at, r->user, &err);
        if (rc)
            ret = hss_respond_error(r, status_of(rc), "%s", err.msg);
        else {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "unit", unit);
            cJSON_AddStringToObject(o, "state", st->valuestring);
            ret = respond_obj(r, o);
        }
    }
    cJSON_Delete(b);
    return ret;
}

enum MHD_Result hss_api_ems(hss_req *r, const char *p)
{
    int get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    int post = strcmp(r->method, "POST") == 0;
    const char *rest = p + strlen("/ems/");
    if (strcmp(rest, "units") == 0 && get)
        return units(r);
    if (strcmp(rest, "performance") == 0 && get)
        return performance(r);
    if (strcmp(rest, "dispatch") == 0 && get)
        return dispatch(r);
    if (strcmp(rest, "simulate") == 0 && get)
        return simulate(r);
    if (strcmp(rest, "plan") == 0 && get)
        return plan(r);
    const char *slash = strncmp(rest, "units/", 6) == 0 ? strchr(rest + 6, '/') : NULL;
    if (slash && strcmp(slash, "/state") == 0 && post && slash - rest - 6 > 0 && slash - rest - 6 < 64) {
        char unit[64];
        snprintf(unit, sizeof unit, "%.*s", (int)(slash - rest - 6), rest + 6);
        return set_state(r, unit);
    }
    return hss_respond_error(r, 404, "no such 120 endpoint or method: %s %.100s", r->method, p);
}
