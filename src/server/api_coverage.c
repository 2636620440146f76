/*
 * api_coverage.c: the access module's results over HTTP. GET /api/v1/coverage (residents
 * within the service circle per area, and every village as a GeoJSON point, covered or not),
 * GET /api/v1/coverage/ems (EMS response times and the share within the service radius) and
 * POST /api/v1/site (proposed new sites, computed and returned, never stored).
 *
 * The endpoints only check, call src/access/ and print. Coverage and EMS answers are kept in
 * the server's one cache (cache.c), keyed by the caller's scope and the canonical arguments at
 * the store's data version. A siting run happens in its own thread with its own
 * connection so that the request can give up after a time limit; at most SITE_MAX_JOBS run at
 * once (a run that was given up on still counts until it ends).
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cjson/cJSON.h>

#include "access/access.h"
#include "model/model.h"
#include "region/region.h"
#include "server/server_int.h"

/* The basic-level facility types of the 15-minute medical service circle. */
#define BASIC_TYPES "township_health_center,community_health_center,community_health_station,village_clinic"
#define MINUTES_MAX 120.0
#define SITE_ADD_MAX 20
#define SITE_MAX_JOBS 2
#define SITE_TIMEOUT_MS 30000 /* default; HSS_SITE_TIMEOUT_MS overrides */

/* ---- answers ------------------------------------------------------------------------------
 * Kept in the server's one cache (cache.c) under the endpoint, the database, the caller's scope
 * and the canonical arguments, at the data version they were computed at. */

/* Responds with `body` (a JSON object) and a leading "cached" member. */
static enum MHD_Result respond_body(hss_req *r, const char *body, int cached)
{
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_printf(&b, "{\"cached\":%s%s%s", cached ? "true" : "false", body[1] == '}' ? "" : ",", body + 1);
    return hss_respond_json(r, 200, hss_buf_steal(&b));
}

/* ---- argument checks ----------------------------------------------------------------------- */

/* A number of minutes (or km) in [lo, hi]; absent keeps *out. 0 or -1 after responding. */
static int check_number(hss_req *r, const char *name, const char *v, double lo, double hi, const char *unit,
                        double *out)
{
    if (!v)
        return 0;
    char *end = NULL;
    errno = 0;
    double x = strtod(v, &end);
    if (end == v || *end || errno || !isfinite(x) || x < lo || x > hi) {
        hss_respond_error(r, 400, "%s: must be a number of %s from %g to %g", name, unit, lo, hi);
        return -1;
    }
    *out = x;
    return 0;
}

/* Checks a comma separated list of facility types; an unknown one gets a did-you-mean. */
static int check_types(hss_req *r, const char *name, const char *v)
{
    if (strlen(v) > 600) {
        hss_respond_error(r, 400, "%s: too long", name);
        return -1;
    }
    char *copy = hss_xstrdup(v);
    int bad = 0;
    char *save = NULL;
    size_t n = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok && !bad; tok = strtok_r(NULL, ",", &save)) {
        n++;
        if (hss_model_find(HSS_VOCAB_FACILITY_TYPE, tok) >= 0)
            continue;
        const char *sug = hss_model_suggest(HSS_VOCAB_FACILITY_TYPE, tok);
        char shown[64];
        snprintf(shown, sizeof shown, "%s", tok);
        for (char *c = shown; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == '"' || *c == '\\')
                *c = '?';
        if (sug)
            hss_respond_error(r, 400, "%s: '%s' is not a facility type; did you mean '%s'?", name, shown, sug);
        else
            hss_respond_error(r, 400, "%s: '%s' is not a facility type", name, shown);
        bad = 1;
    }
    free(copy);
    if (!bad && (n == 0 || v[0] == ',' || v[strlen(v) - 1] == ',' || strstr(v, ",,"))) {
        hss_respond_error(r, 400, "%s: give facility types separated by commas", name);
        bad = 1;
    }
    return bad ? -1 : 0;
}

static unsigned status_of(hss_code c)
{
    return c == HSS_ENOTFOUND ? 404 : c == HSS_EINVAL ? 400 : 500;
}

static double round4(double x)
{
    return round(x * 1e4) / 1e4;
}

/* Whom an answer is computed for: a request, or the warm-up thread computing the first screen's
 * answers before anyone asks (hss_coverage_warm). An error is left here for the caller to send. */
typedef struct {
    hss_store *st;
    const char *scope; /* the caller's scope */
    int en;            /* the caller reads English */
    unsigned status;   /* out: an error's HTTP status, 0 when none */
    char msg[1024];    /* out: its message (an English format's result, put into Chinese on sending) */
} cov_ctx;

static cov_ctx ctx_of(hss_req *r)
{
    cov_ctx c = {.st = r->st, .scope = r->scope, .en = hss_lang_en(r)};
    return c;
}

static char *ctx_fail(cov_ctx *c, unsigned status, const char *msg)
{
    c->status = status;
    snprintf(c->msg, sizeof c->msg, "%s", msg);
    return NULL;
}

/* A valid question the stored data cannot answer yet (no road network, no facility of the
 * types on it) is not an error of the request: 200 with "available": false and the reason, so
 * that the dashboard can say so in its card. */
static char *unavailable_body(const cov_ctx *c, const char *under, int64_t version, const char *reason)
{
    char said[600];
    hss_words_reason(reason, c->en, said, sizeof said); /* the user's language, no paths */
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "under", under);
    cJSON_AddNumberToObject(o, "data_version", (double)version);
    cJSON_AddBoolToObject(o, "available", 0);
    cJSON_AddStringToObject(o, "reason", said);
    char *body = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return body;
}

/* 0 when area `code` is stored, else -1 after responding 404. */
static int check_area_exists(hss_req *r, const char *code)
{
    int found = hss_region_area_name(r->st, code, NULL, 0, NULL, 0);
    if (!found) {
        hss_respond_error(r, 404, "no area %s", code);
        return -1;
    }
    return 0;
}

/* ---- GET /api/v1/coverage ------------------------------------------------------------------ */

typedef struct {
    char code[16];
    int64_t residents, covered;
    size_t points;
} group;

/* Name of area `code` into buf, or "". */
static const char *area_name(const cov_ctx *c, const char *code, char *buf, size_t n)
{
    if (!hss_region_area_name(c->st, code, buf, n, NULL, 0))
        buf[0] = 0;
    return buf;
}

/* Replaces the nearest facility of each village by null when it lies outside the caller's
 * scope (a village near a county border may be served from the next county), and adds its
 * name otherwise. */
static void scope_nearest(const cov_ctx *c, cJSON *props)
{
    cJSON *nf = cJSON_GetObjectItem(props, "nearest_facility");
    if (!cJSON_IsString(nf))
        return;
    char area[16], name[256];
    int inside = hss_region_facility_place(c->st, nf->valuestring, area, name, sizeof name) &&
                 hss_scope_contains(c->scope, area);
    if (inside)
        cJSON_AddStringToObject(props, "nearest_name", name);
    if (!inside) {
        cJSON_ReplaceItemInObject(props, "nearest_facility", cJSON_CreateNull());
        cJSON_AddBoolToObject(props, "nearest_outside_scope", 1);
    }
}

/* Computes the coverage answer (without "cached"), with the population points when `villages`;
 * NULL with the error in c. */
static char *coverage_body(cov_ctx *c, const hss_access_query *q, int64_t version, int villages)
{
    char *gj = NULL;
    size_t gjlen = 0;
    FILE *f = open_memstream(&gj, &gjlen);
    if (!f)
        return ctx_fail(c, 500, "out of memory");
    hss_error err;
    hss_error_clear(&err);
    hss_code rc = hss_access_geojson(c->st, q, f, &err);
    fclose(f);
    cJSON *fc = rc ? NULL : cJSON_Parse(gj);
    free(gj);
    if (rc == HSS_ENOTFOUND)
        return unavailable_body(c, q->under, version, err.msg);
    if (rc)
        return ctx_fail(c, status_of(rc), err.msg);
    if (!fc)
        return ctx_fail(c, 500, "coverage: unreadable result");
    int level_len = strcmp(q->by, "county") == 0 ? 6 : 9;
    hss_vec groups; /* of group, in code order (the points come ordered by code) */
    hss_vec_init(&groups, sizeof(group));
    int64_t residents = 0, covered = 0;
    size_t points = 0, uncovered_points = 0;
    cJSON *feat;
    cJSON_ArrayForEach(feat, cJSON_GetObjectItem(fc, "features"))
    {
        cJSON *props = cJSON_GetObjectItem(feat, "properties");
        const char *code = cJSON_GetStringValue(cJSON_GetObjectItem(props, "area_code"));
        double res = cJSON_GetNumberValue(cJSON_GetObjectItem(props, "residents"));
        int cov = cJSON_IsTrue(cJSON_GetObjectItem(props, "covered"));
        if (!code)
            continue;
        char g[16];
        if (level_len == 6)
            snprintf(g, sizeof g, "%.6s", code);
        else
            snprintf(g, sizeof g, "%.9s", code);
        group *last = groups.len ? (group *)groups.items + groups.len - 1 : NULL;
        if (!last || strcmp(last->code, g) != 0) {
            last = hss_vec_push(&groups);
            snprintf(last->code, sizeof last->code, "%s", g);
        }
        last->residents += (int64_t)res;
        last->covered += cov ? (int64_t)res : 0;
        last->points++;
        residents += (int64_t)res;
        covered += cov ? (int64_t)res : 0;
        points++;
        uncovered_points += !cov;
        if (villages) /* the points are sent: their nearest facility named or hidden (a look-up each) */
            scope_nearest(c, props);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "under", q->under);
    cJSON_AddBoolToObject(o, "available", 1);
    cJSON_AddStringToObject(o, "types", q->types);
    cJSON_AddNumberToObject(o, "minutes", q->minutes);
    cJSON_AddNumberToObject(o, "rural_minutes", q->rural_minutes > 0 ? q->rural_minutes : q->minutes);
    cJSON_AddStringToObject(o, "mode", q->mode == HSS_MODE_WALK ? "walk" : "drive");
    cJSON_AddStringToObject(o, "by", q->by);
    cJSON_AddNumberToObject(o, "data_version", (double)version);
    cJSON_AddNumberToObject(o, "residents", (double)residents);
    cJSON_AddNumberToObject(o, "covered", (double)covered);
    cJSON_AddNumberToObject(o, "uncovered", (double)(residents - covered));
    if (residents > 0)
        cJSON_AddNumberToObject(o, "share", round4((double)covered / (double)residents));
    else
        cJSON_AddNullToObject(o, "share");
    cJSON_AddNumberToObject(o, "points", (double)points);
    cJSON_AddNumberToObject(o, "uncovered_points", (double)uncovered_points);
    cJSON *items = cJSON_AddArrayToObject(o, "items");
    for (size_t i = 0; i < groups.len; i++) {
        const group *g = (const group *)groups.items + i;
        cJSON *it = cJSON_CreateObject();
        char name[256];
        cJSON_AddStringToObject(it, "area", g->code);
        cJSON_AddStringToObject(it, "name", area_name(c, g->code, name, sizeof name));
        cJSON_AddNumberToObject(it, "residents", (double)g->residents);
        cJSON_AddNumberToObject(it, "covered", (double)g->covered);
        if (g->residents > 0)
            cJSON_AddNumberToObject(it, "share", round4((double)g->covered / (double)g->residents));
        else
            cJSON_AddNullToObject(it, "share");
        cJSON_AddNumberToObject(it, "points", (double)g->points);
        cJSON_AddItemToArray(items, it);
    }
    hss_vec_free(&groups);
    if (villages) /* the map's layer; a card needs only the totals (a city's points are 0.6 MB) */
        cJSON_AddItemToObject(o, "villages", fc);
    else
        cJSON_Delete(fc);
    char *body = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return body;
}

/* The cache key of a coverage answer: the database, the caller's scope, the canonical arguments
 * and the language (an unavailable answer says why in it). */
static void coverage_key(hss_buf *key, const cov_ctx *c, const hss_access_query *q, int villages)
{
    hss_buf_init(key);
    hss_buf_printf(key, "coverage\n%s\n%s\n%s\n%s\n%.6g\n%.6g\n%d\n%s\n%d\n%d", hss_store_path(c->st), c->scope, q->under, q->types,
                   q->minutes, q->rural_minutes, (int)q->mode, q->by, c->en, villages);
}

enum MHD_Result hss_api_coverage(hss_req *r)
{
    char under[16];
    const char *types = hss_arg(r, "types");
    const char *by = hss_arg(r, "by");
    const char *mode_s = hss_arg(r, "mode"), *villages = hss_arg(r, "villages");
    double minutes = 15, rural = 0;
    hss_mode mode = HSS_MODE_DRIVE;
    if (!types)
        types = BASIC_TYPES;
    if (hss_resolve_under(r, hss_arg(r, "under"), under) || check_types(r, "types", types) ||
        check_number(r, "minutes", hss_arg(r, "minutes"), 1, MINUTES_MAX, "minutes", &minutes) ||
        check_number(r, "rural_minutes", hss_arg(r, "rural_minutes"), 1, MINUTES_MAX, "minutes", &rural))
        return MHD_YES;
    if (mode_s && hss_mode_parse(mode_s, &mode) != 0)
        return hss_respond_error(r, 400, "mode: must be drive or walk");
    if (by && strcmp(by, "county") != 0 && strcmp(by, "township") != 0)
        return hss_respond_error(r, 400, "by: must be county or township");
    if (villages && strcmp(villages, "0") != 0 && strcmp(villages, "1") != 0)
        return hss_respond_error(r, 400, "villages: must be 0 or 1");
    int with_villages = !villages || villages[0] == '1';
    if (check_area_exists(r, under))
        return MHD_YES;
    if (!by) /* a city or province is shown by county, a county or township by township */
        by = strlen(under) == 6 && strcmp(under + 4, "00") == 0 ? "county" : "township";
    hss_access_query q = {types, minutes, mode, under, by, rural};
    cov_ctx c = ctx_of(r);
    hss_buf key;
    coverage_key(&key, &c, &q, with_villages);
    int64_t version = hss_store_data_version(r->st);
    char *body = hss_cache_get(key.data, version);
    int cached = body != NULL;
    if (!body) {
        body = coverage_body(&c, &q, version, with_villages);
        if (body)
            hss_cache_put(key.data, version, body);
    }
    hss_buf_free(&key);
    if (!body)
        return hss_respond_error(r, c.status, "%s", c.msg);
    enum MHD_Result ret = respond_body(r, body, cached);
    free(body);
    return ret;
}

/* ---- GET /api/v1/coverage/ems -------------------------------------------------------------- */

static void add_minutes(cJSON *o, const char *name, double v, int64_t residents)
{
    if (residents > 0 && isfinite(v))
        cJSON_AddNumberToObject(o, name, round(v * 100) / 100);
    else
        cJSON_AddNullToObject(o, name);
}

static cJSON *ems_part(double mean, double p90, int64_t residents, int64_t unreached, double target)
{
    cJSON *o = cJSON_CreateObject();
    int64_t reached = residents - unreached;
    add_minutes(o, "mean", mean, reached);
    add_minutes(o, "p90", p90, reached);
    cJSON_AddNumberToObject(o, "residents", (double)residents);
    cJSON_AddNumberToObject(o, "unreached", (double)unreached);
    if (target > 0) {
        cJSON_AddNumberToObject(o, "target", target);
        if (reached > 0 && isfinite(mean))
            cJSON_AddBoolToObject(o, "meets_target", mean < target && unreached == 0);
        else
            cJSON_AddNullToObject(o, "meets_target");
    }
    return o;
}

/* The EMS answer's cache key, as coverage_key. */
static void ems_key(hss_buf *key, const cov_ctx *c, const char *under, const hss_ems_opts *eo, double urban_km, double rural_km)
{
    hss_buf_init(key);
    hss_buf_printf(key, "ems\n%s\n%s\n%s\n%.6g\n%.6g\n%.6g\n%.6g\n%d", hss_store_path(c->st), c->scope, under, eo->dispatch_min,
                   eo->turnout_min, urban_km, rural_km, c->en);
}

/* Computes the EMS answer (without "cached"); NULL with the error in c. */
static char *ems_body(cov_ctx *c, const char *under, const hss_ems_opts *eo, double urban_km, double rural_km, int64_t version)
{
    hss_ems_result e;
    int64_t res = 0, cov = 0;
    hss_error err;
    hss_error_clear(&err);
    hss_code rc = hss_access_ems_response(c->st, under, eo, &e, &err);
    if (!rc)
        rc = hss_access_ems_radius_share(c->st, under, urban_km, rural_km, &res, &cov, &err);
    if (rc == HSS_ENOTFOUND)
        return unavailable_body(c, under, version, err.msg);
    if (rc)
        return ctx_fail(c, status_of(rc), err.msg);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "under", under);
    cJSON_AddBoolToObject(o, "available", 1);
    cJSON_AddNumberToObject(o, "data_version", (double)version);
    cJSON_AddNumberToObject(o, "dispatch_min", e.dispatch_min);
    cJSON_AddNumberToObject(o, "turnout_min", e.turnout_min);
    cJSON_AddStringToObject(o, "model", "response = dispatch + turnout + travel from the nearest ems_station or ems_center");
    /* the documents' targets: mean response under 11 minutes urban, under 14 rural */
    cJSON_AddItemToObject(o, "urban", ems_part(e.urban_mean, e.urban_p90, e.urban_residents, e.unreached_urban, 11));
    cJSON_AddItemToObject(o, "rural", ems_part(e.rural_mean, e.rural_p90, e.rural_residents, e.unreached_rural, 14));
    cJSON_AddItemToObject(o, "all", ems_part(e.all_mean, e.all_p90, e.urban_residents + e.rural_residents,
                                             e.unreached_urban + e.unreached_rural, 0));
    cJSON *rad = cJSON_AddObjectToObject(o, "radius");
    cJSON_AddNumberToObject(rad, "urban_km", urban_km);
    cJSON_AddNumberToObject(rad, "rural_km", rural_km);
    cJSON_AddNumberToObject(rad, "residents", (double)res);
    cJSON_AddNumberToObject(rad, "covered", (double)cov);
    if (res > 0)
        cJSON_AddNumberToObject(rad, "share", round4((double)cov / (double)res));
    else
        cJSON_AddNullToObject(rad, "share");
    char *body = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return body;
}

enum MHD_Result hss_api_coverage_ems(hss_req *r)
{
    char under[16];
    hss_ems_opts eo = {HSS_EMS_DISPATCH_MIN, HSS_EMS_TURNOUT_MIN};
    double urban_km = 3.5, rural_km = 10;
    if (hss_resolve_under(r, hss_arg(r, "under"), under) ||
        check_number(r, "dispatch", hss_arg(r, "dispatch"), 0, 30, "minutes", &eo.dispatch_min) ||
        check_number(r, "turnout", hss_arg(r, "turnout"), 0, 30, "minutes", &eo.turnout_min) ||
        check_number(r, "urban_km", hss_arg(r, "urban_km"), 0.1, 100, "km", &urban_km) ||
        check_number(r, "rural_km", hss_arg(r, "rural_km"), 0.1, 100, "km", &rural_km))
        return MHD_YES;
    if (check_area_exists(r, under))
        return MHD_YES;
    cov_ctx c = ctx_of(r);
    hss_buf key;
    ems_key(&key, &c, under, &eo, urban_km, rural_km);
    int64_t version = hss_store_data_version(r->st);
    char *body = hss_cache_get(key.data, version);
    int cached = body != NULL;
    if (!body) {
        body = ems_body(&c, under, &eo, urban_km, rural_km, version);
        if (body)
            hss_cache_put(key.data, version, body);
    }
    hss_buf_free(&key);
    if (!body)
        return hss_respond_error(r, c.status, "%s", c.msg);
    enum MHD_Result ret = respond_body(r, body, cached);
    free(body);
    return ret;
}

/* ---- the first screen's answers, before anyone asks ------------------------------------------ */

/* Keeps `body` under the key of each language: an available answer has no words of its own, so
 * one computation serves both; an unavailable one says why in the language computed. */
static int kept(const char *key, int64_t version)
{
    char *b = hss_cache_get(key, version);
    free(b);
    return b != NULL;
}

static void warm_put(const char *key_zh, const char *key_en, int64_t version, char *body)
{
    if (!body)
        return;
    hss_cache_put(key_zh, version, body);
    if (strstr(body, "\"available\":true"))
        hss_cache_put(key_en, version, body);
    free(body);
}

void hss_coverage_warm(hss_store *st, const char *under)
{
    int64_t version = hss_store_data_version(st);
    cov_ctx zh = {.st = st, .scope = under}, en = {.st = st, .scope = under, .en = 1};
    /* the dashboard's coverage card (coverage.js: the basic types, 15 and 20 minutes, no points) */
    hss_access_query q = {BASIC_TYPES, 15, HSS_MODE_DRIVE, under,
                          strlen(under) == 6 && strcmp(under + 4, "00") == 0 ? "county" : "township", 20};
    hss_buf kz, ke;
    coverage_key(&kz, &zh, &q, 0);
    coverage_key(&ke, &en, &q, 0);
    if (!kept(kz.data, version))
        warm_put(kz.data, ke.data, version, coverage_body(&zh, &q, version, 0));
    hss_buf_free(&kz);
    hss_buf_free(&ke);
    /* and its EMS card, with the defaults */
    hss_ems_opts eo = {HSS_EMS_DISPATCH_MIN, HSS_EMS_TURNOUT_MIN};
    ems_key(&kz, &zh, under, &eo, 3.5, 10);
    ems_key(&ke, &en, under, &eo, 3.5, 10);
    if (!kept(kz.data, version))
        warm_put(kz.data, ke.data, version, ems_body(&zh, under, &eo, 3.5, 10, version));
    hss_buf_free(&kz);
    hss_buf_free(&ke);
}

/* ---- POST /api/v1/site --------------------------------------------------------------------- */

typedef struct site_job {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done, abandoned;
    char *db;
    char type[48], under[16];
    hss_site_opts o;
    unsigned delay_ms; /* test hook (HSS_SITE_DELAY_MS): sleep before working */
    hss_table *sites, *summary;
    hss_code rc;
    hss_error err;
} site_job;

static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t jobs_cv = PTHREAD_COND_INITIALIZER;
static int jobs_running;

static void job_free(site_job *j)
{
    hss_table_free(j->sites);
    hss_table_free(j->summary);
    free(j->db);
    pthread_mutex_destroy(&j->mu);
    pthread_cond_destroy(&j->cv);
    free(j);
}

static void *site_worker(void *arg)
{
    site_job *j = arg;
    if (j->delay_ms)
        usleep(j->delay_ms * 1000u);
    hss_store *st = hss_store_open_existing(j->db, &j->err);
    if (!st) {
        j->rc = HSS_EDB;
    } else {
        j->rc = hss_access_site(st, &j->o, &j->sites, &j->summary, &j->err);
        hss_store_close(st);
    }
    pthread_mutex_lock(&j->mu);
    j->done = 1;
    int abandoned = j->abandoned;
    pthread_cond_signal(&j->cv);
    pthread_mutex_unlock(&j->mu);
    if (abandoned)
        job_free(j);
    pthread_mutex_lock(&jobs_lock);
    jobs_running--;
    pthread_cond_broadcast(&jobs_cv);
    pthread_mutex_unlock(&jobs_lock);
    return NULL;
}

static unsigned env_ms(const char *name, unsigned dflt)
{
    const char *v = getenv(name);
    int64_t x;
    if (v && hss_parse_int64(v, &x) == 0 && x >= 0 && x < 3600000)
        return (unsigned)x;
    return dflt;
}

/* A JSON member as a whole number in [lo, hi] (absent keeps *out). */
static int json_uint(hss_req *r, cJSON *body, const char *name, long long lo, long long hi, long long *out)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(body, name);
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < (double)lo ||
        v->valuedouble > (double)hi) {
        hss_respond_error(r, 400, "%s: must be a whole number from %lld to %lld", name, lo, hi);
        return -1;
    }
    *out = (long long)v->valuedouble;
    return 0;
}

/* A JSON member as a string (absent = NULL); else 400. */
static int json_str(hss_req *r, cJSON *body, const char *name, const char **out)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(body, name);
    *out = NULL;
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsString(v) || !v->valuestring[0]) {
        hss_respond_error(r, 400, "%s: must be a non-empty string", name);
        return -1;
    }
    *out = v->valuestring;
    return 0;
}

/* Checks the body; fills the job's options. 0, or -1 after responding. */
static int site_args(hss_req *r, cJSON *body, site_job *j)
{
    static const char *const known[] = {"type", "add", "minutes", "under", "objective", "mode", "capacity"};
    if (!cJSON_IsObject(body)) {
        hss_respond_error(r, 400, "body: must be a JSON object {\"type\", \"add\", \"minutes\", \"under\", \"objective\"}");
        return -1;
    }
    cJSON *m;
    cJSON_ArrayForEach(m, body)
    {
        int ok = 0;
        for (size_t i = 0; i < sizeof known / sizeof *known; i++)
            ok |= m->string && strcmp(m->string, known[i]) == 0;
        if (!ok) {
            hss_respond_error(r, 400, "body: unknown member (known: type, add, minutes, under, objective, mode, capacity)");
            return -1;
        }
    }
    const char *type, *under, *objective, *mode;
    long long add = 0, capacity = 0;
    double minutes = 15;
    if (json_str(r, body, "type", &type) || json_str(r, body, "under", &under) ||
        json_str(r, body, "objective", &objective) || json_str(r, body, "mode", &mode) ||
        json_uint(r, body, "add", 1, SITE_ADD_MAX, &add) || json_uint(r, body, "capacity", 0, 100000000, &capacity))
        return -1;
    if (!type) {
        hss_respond_error(r, 400, "type: required (the facility type to add, e.g. village_clinic or ems_station)");
        return -1;
    }
    if (strchr(type, ',') || check_types(r, "type", type))
        return strchr(type, ',') ? (hss_respond_error(r, 400, "type: one facility type"), -1) : -1;
    if (add == 0) {
        hss_respond_error(r, 400, "add: required, a whole number from 1 to %d", SITE_ADD_MAX);
        return -1;
    }
    cJSON *mv = cJSON_GetObjectItemCaseSensitive(body, "minutes");
    if (mv && !cJSON_IsNull(mv)) {
        if (!cJSON_IsNumber(mv) || !isfinite(mv->valuedouble) || mv->valuedouble < 1 || mv->valuedouble > MINUTES_MAX) {
            hss_respond_error(r, 400, "minutes: must be a number of minutes from 1 to %g", MINUTES_MAX);
            return -1;
        }
        minutes = mv->valuedouble;
    }
    if (!under && strcmp(r->role, "admin") != 0) {
        hss_respond_error(r, 400, "under: required (the area to site in, inside your scope)");
        return -1;
    }
    if (hss_resolve_under(r, under, j->under))
        return -1;
    j->o.objective = HSS_SITE_COVER;
    if (objective && strcmp(objective, "pmedian") == 0)
        j->o.objective = HSS_SITE_PMEDIAN;
    else if (objective && strcmp(objective, "cover") != 0) {
        hss_respond_error(r, 400, "objective: must be cover or pmedian");
        return -1;
    }
    j->o.mode = HSS_MODE_DRIVE;
    if (mode && hss_mode_parse(mode, &j->o.mode) != 0) {
        hss_respond_error(r, 400, "mode: must be drive or walk");
        return -1;
    }
    snprintf(j->type, sizeof j->type, "%s", type);
    j->o.type = j->type;
    j->o.under = j->under;
    j->o.add = (size_t)add;
    j->o.minutes = minutes;
    j->o.capacity = capacity;
    j->o.candidates = NULL;
    return 0;
}

/* The job's tables as the response. */
static enum MHD_Result site_respond(hss_req *r, const site_job *j, double elapsed_ms)
{
    char *sites = hss_table_render(j->sites, HSS_FORMAT_JSON);
    char *sum = hss_table_render(j->summary, HSS_FORMAT_JSON);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", j->type);
    cJSON_AddStringToObject(o, "type_zh", hss_model_zh(HSS_VOCAB_FACILITY_TYPE, j->type));
    cJSON_AddNumberToObject(o, "add", (double)j->o.add);
    cJSON_AddNumberToObject(o, "minutes", j->o.minutes);
    cJSON_AddStringToObject(o, "objective", j->o.objective == HSS_SITE_PMEDIAN ? "pmedian" : "cover");
    cJSON_AddStringToObject(o, "mode", j->o.mode == HSS_MODE_WALK ? "walk" : "drive");
    cJSON_AddStringToObject(o, "under", j->under);
    cJSON_AddNumberToObject(o, "elapsed_ms", round(elapsed_ms));
    cJSON_AddBoolToObject(o, "stored", 0); /* a proposal: nothing is written */
    cJSON *sa = cJSON_Parse(sites);
    cJSON_AddItemToObject(o, "sites", sa ? sa : cJSON_CreateArray());
    cJSON *su = cJSON_Parse(sum);
    cJSON *first = su ? cJSON_DetachItemFromArray(su, 0) : NULL;
    cJSON_AddItemToObject(o, "summary", first ? first : cJSON_CreateObject());
    cJSON_Delete(su);
    free(sites);
    free(sum);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return hss_respond_json(r, 200, s);
}

enum MHD_Result hss_api_site(hss_req *r)
{
    cJSON *body = cJSON_ParseWithLength(r->body.data ? r->body.data : "", r->body.len);
    if (!body)
        return hss_respond_error(r, 400, "body: not valid JSON");
    site_job *j = hss_xcalloc(1, sizeof *j);
    int bad = site_args(r, body, j);
    cJSON_Delete(body);
    if (bad) {
        free(j);
        return MHD_YES;
    }
    pthread_mutex_lock(&jobs_lock);
    int busy = jobs_running >= SITE_MAX_JOBS;
    if (!busy)
        jobs_running++;
    pthread_mutex_unlock(&jobs_lock);
    if (busy) {
        free(j);
        const char *h[] = {"Retry-After", "10", NULL};
        const char *msg = "{\"error\":\"siting is busy with other requests; try again shortly\"}";
        return hss_respond(r, 503, "application/json; charset=utf-8", msg, strlen(msg), h);
    }
    j->db = hss_xstrdup(r->srv->db_path);
    j->delay_ms = env_ms("HSS_SITE_DELAY_MS", 0);
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->cv, NULL);
    unsigned limit_ms = env_ms("HSS_SITE_TIMEOUT_MS", SITE_TIMEOUT_MS);
    struct timespec t0, deadline;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_t th;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&th, &attr, site_worker, j) != 0) {
        pthread_attr_destroy(&attr);
        job_free(j);
        pthread_mutex_lock(&jobs_lock);
        jobs_running--;
        pthread_mutex_unlock(&jobs_lock);
        return hss_respond_error(r, 500, "cannot start the siting run");
    }
    pthread_attr_destroy(&attr);
    /* wait with a deadline on CLOCK_REALTIME (the condition's clock) */
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += limit_ms / 1000;
    deadline.tv_nsec += (long)(limit_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&j->mu);
    while (!j->done) {
        if (pthread_cond_timedwait(&j->cv, &j->mu, &deadline) == ETIMEDOUT && !j->done)
            break;
    }
    int done = j->done;
    if (!done)
        j->abandoned = 1; /* the worker frees the job when it ends */
    pthread_mutex_unlock(&j->mu);
    if (!done)
        return hss_respond_error(r, 503, "siting took longer than the limit of %u ms; choose a smaller area (under) or fewer sites",
                                 limit_ms);
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    enum MHD_Result ret;
    if (j->rc)
        ret = hss_respond_error(r, status_of(j->rc), "%s", j->err.msg);
    else
        ret = site_respond(r, j, ms);
    job_free(j);
    return ret;
}

void hss_coverage_shutdown(void)
{
    pthread_mutex_lock(&jobs_lock);
    while (jobs_running > 0)
        pthread_cond_wait(&jobs_cv, &jobs_lock);
    pthread_mutex_unlock(&jobs_lock);
}
