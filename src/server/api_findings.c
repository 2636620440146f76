/*
 * api_findings.c: evaluation findings on demand. Calls the policy module
 * (hss_policy_findings) and caches each result per (pack, year, under) until the store's data
 * version changes. Results are filtered by status, measure and area, and always by the
 * caller's scope, before they are returned as JSON or exported. A warm-up thread evaluates the
 * region's own pack for the city and every county when the server starts and again once the data
 * version has moved and then stood still for a few seconds (after an import, not under every care
 * write), so that the first screen after a login (or after an import) does not wait
 * for an evaluation: a request then finds the result ready, or waits for the one under way. It
 * builds the city map's boundaries and facility points too (kept for every thread, cache.c).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "policy/policy.h"
#include "region/region.h"
#include "server/server_int.h"

typedef struct cache_entry {
    char pack[48];
    int year;
    char under[16];
    int64_t version;
    hss_table *table;
    struct cache_entry *next;
} cache_entry;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static cache_entry *cache_head;
/* What the warm-up thread is evaluating now (pack, year 0, area; "" when nothing): a request for
 * it waits for that result instead of evaluating the same again beside it. */
static char warming_pack[48], warming_under[16];
static pthread_cond_t warmed = PTHREAD_COND_INITIALIZER;

void hss_findings_cache_clear(void)
{
    pthread_mutex_lock(&cache_lock);
    while (cache_head) {
        cache_entry *n = cache_head->next;
        hss_table_free(cache_head->table);
        free(cache_head);
        cache_head = n;
    }
    pthread_mutex_unlock(&cache_lock);
}

static int col_index(const hss_table *t, const char *name)
{
    for (size_t c = 0; c < hss_table_cols(t); c++)
        if (strcmp(hss_table_col_name(t, c), name) == 0)
            return (int)c;
    return -1;
}

typedef struct {
    const char *status, *measure, *area;
} filters;

/* A copy of the rows of `t` that pass the filters and lie in `scope` and `under`. */
static hss_table *filtered(const hss_table *t, const filters *f, const char *scope, const char *under)
{
    hss_table *o = hss_table_new();
    for (size_t c = 0; c < hss_table_cols(t); c++)
        hss_table_add_col(o, hss_table_col_name(t, c), NULL, hss_table_col_type(t, c));
    int cs = col_index(t, "status"), cm = col_index(t, "measure"), ca = col_index(t, "area");
    for (size_t r = 0; r < hss_table_rows(t); r++) {
        const char *area = ca >= 0 ? hss_table_cell(t, r, (size_t)ca) : "";
        if (area[0] && (!hss_scope_contains(scope, area) || !hss_scope_contains(under, area)))
            continue;
        if (f->area && (!area[0] || !hss_scope_contains(f->area, area)))
            continue;
        if (f->status && (cs < 0 || strcmp(hss_table_cell(t, r, (size_t)cs), f->status) != 0))
            continue;
        if (f->measure && (cm < 0 || strcmp(hss_table_cell(t, r, (size_t)cm), f->measure) != 0))
            continue;
        hss_table_add_row(o);
        for (size_t c = 0; c < hss_table_cols(t); c++)
            if (!hss_table_is_null(t, r, c))
                hss_table_set_text(o, c, hss_table_cell(t, r, c));
    }
    return o;
}

/* The cache entry of (pack, year, under) at `version`, evaluated now unless it is there already
 * (*cached = 1). Called with cache_lock held. NULL with *code set when the pack cannot be
 * evaluated. */
static cache_entry *cache_find(const char *pack, int year, const char *under)
{
    cache_entry *e = cache_head;
    while (e && !(strcmp(e->pack, pack) == 0 && e->year == year && strcmp(e->under, under) == 0))
        e = e->next;
    return e;
}

/* Keeps table t (taken) as the findings of (pack, year, under) at version. Lock held. */
static cache_entry *cache_keep(const char *pack, int year, const char *under, int64_t version, hss_table *t)
{
    cache_entry *e = cache_find(pack, year, under);
    if (!e) {
        e = hss_xcalloc(1, sizeof *e);
        snprintf(e->pack, sizeof e->pack, "%s", pack);
        e->year = year;
        snprintf(e->under, sizeof e->under, "%s", under);
        e->next = cache_head;
        cache_head = e;
    }
    hss_table_free(e->table);
    e->table = t;
    e->version = version;
    return e;
}

static cache_entry *cache_fill(hss_store *st, const char *pack, int year, const char *under, int64_t version, int *cached,
                               hss_code *code)
{
    while (year == 0 && strcmp(warming_pack, pack) == 0 && strcmp(warming_under, under) == 0)
        pthread_cond_wait(&warmed, &cache_lock);
    cache_entry *e = cache_find(pack, year, under);
    *cached = e && e->version >= version;
    if (*cached)
        return e;
    hss_table *t = NULL;
    hss_error err;
    hss_error_clear(&err);
    *code = hss_policy_findings(st, pack, year, under, &t, &err);
    return *code ? NULL : cache_keep(pack, year, under, version, t);
}

/* Evaluates (or reuses the cache) and returns a filtered copy; responds and returns NULL on error. */
static hss_table *findings(hss_req *r, char under[16], char pack[48], long long *year, int64_t *version, int *cached)
{
    const char *p = hss_arg(r, "policy");
    filters f = {hss_arg(r, "status"), hss_arg(r, "measure"), hss_arg(r, "area")};
    *year = 0;
    char *own = p ? NULL : hss_policy_region_pack(r->st);
    if (!p)
        p = own;
    snprintf(pack, 48, "%s", p);
    free(own);
    p = pack;
    if (hss_check_word(r, "policy", p, 40) || hss_check_uint(r, "year", hss_arg(r, "year"), 2100, year) ||
        hss_check_word(r, "measure", f.measure, 64) || hss_check_code(r, "area", f.area) ||
        hss_resolve_under(r, hss_arg(r, "under"), under))
        return NULL;
    if (f.status && strcmp(f.status, "pass") && strcmp(f.status, "fail") && strcmp(f.status, "unknown")) {
        hss_respond_error(r, 400, "status: must be pass, fail or unknown");
        return NULL;
    }
    if (f.area && !hss_scope_contains(r->scope, f.area)) {
        hss_respond_error(r, 403, "area %s is outside your scope", f.area);
        return NULL;
    }
    *version = hss_store_data_version(r->st);
    pthread_mutex_lock(&cache_lock);
    hss_code c;
    cache_entry *e = cache_fill(r->st, pack, (int)*year, under, *version, cached, &c);
    if (!e) {
        pthread_mutex_unlock(&cache_lock);
        /* The module's message names the pack's file on the server: not for the client. */
        if (c == HSS_ENOTFOUND)
            hss_respond_error(r, 404, "no policy pack '%s'", pack);
        else if (c == HSS_EINVAL)
            hss_respond_error(r, 400, "policy pack '%s' cannot be evaluated for these parameters", pack);
        else
            hss_respond_error(r, 500, "policy pack '%s' could not be evaluated", pack);
        return NULL;
    }
    hss_table *out = filtered(e->table, &f, r->scope, under);
    pthread_mutex_unlock(&cache_lock);
    return out;
}

/* GET /findings: the filtered findings counted per rule and status, and one page of their rows
 * (limit, offset; without limit every row). `count` is the number of filtered rows, whatever the
 * page, so that a screen can say "41-90 of 2,647" and page to the last row. */
enum MHD_Result hss_api_findings(hss_req *r)
{
    char under[16], pack[48];
    long long year, limit = -1, offset = 0;
    int64_t version;
    int cached;
    if (hss_check_uint(r, "limit", hss_arg(r, "limit"), 1000, &limit) ||
        hss_check_uint(r, "offset", hss_arg(r, "offset"), 100000000, &offset))
        return MHD_YES;
    if (!hss_arg(r, "limit"))
        limit = -1;
    else if (limit == 0)
        return hss_respond_error(r, 400, "limit: must be a whole number from 1 to 1000");
    hss_table *t = findings(r, under, pack, &year, &version, &cached);
    if (!t)
        return MHD_YES;
    size_t n = hss_table_rows(t);
    hss_table *by_rule = hss_policy_findings_by_rule(t);
    long long st[3] = {0, 0, 0}; /* pass, fail, unknown */
    for (size_t i = 0; i < hss_table_rows(by_rule); i++)
        for (int k = 0; k < 3; k++)
            st[k] += atoll(hss_table_cell(by_rule, i, hss_table_cols(by_rule) - 3 + (size_t)k));
    hss_table *page = hss_table_page(t, (size_t)offset, limit < 0 ? n : (size_t)limit);
    char *rows = hss_table_render(page, HSS_FORMAT_JSON), *rules = hss_table_render(by_rule, HSS_FORMAT_JSON);
    hss_table_free(page);
    hss_table_free(by_rule);
    hss_table_free(t);
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_printf(&b, "{\"policy\":\"%s\",\"year\":%lld,\"under\":\"%s\",\"data_version\":%lld,\"cached\":%s,"
                       "\"count\":%zu,\"offset\":%lld,\"limit\":%lld,"
                       "\"by_status\":{\"pass\":%lld,\"fail\":%lld,\"unknown\":%lld},\"by_rule\":%s,\"rows\":%s}",
                   pack, year, under, (long long)version, cached ? "true" : "false", n, offset,
                   limit < 0 ? (long long)n : limit, st[0], st[1], st[2], rules, rows);
    free(rows);
    free(rules);
    return hss_respond_json(r, 200, hss_buf_steal(&b));
}

enum MHD_Result hss_api_export_findings(hss_req *r, int xlsx)
{
    char under[16], pack[48];
    long long year;
    int64_t version;
    int cached;
    hss_table *t = findings(r, under, pack, &year, &version, &cached);
    if (!t)
        return MHD_YES;
    char name[96];
    snprintf(name, sizeof name, "findings-%s-%s", pack, under);
    enum MHD_Result ret = hss_respond_table_file(r, t, name, xlsx);
    hss_table_free(t);
    return ret;
}

/* ---- the warm-up thread ------------------------------------------------------------------------ */

static struct {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int running, stop;
    char *db;
} warm = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static int warm_stopping(void)
{
    pthread_mutex_lock(&warm.lock);
    int s = warm.stop;
    pthread_mutex_unlock(&warm.lock);
    return s;
}

/* Evaluates the region's pack for every area of `level` (city, county) at `version`. */
static void warm_level(hss_store *st, const char *pack, const char *level, int64_t version)
{
    hss_region_filter f = {.level = level};
    hss_table *areas = NULL;
    if (hss_region_areas(st, &f, &areas, NULL))
        return;
    for (size_t i = 0; i < hss_table_rows(areas) && !warm_stopping(); i++) {
        const char *under = hss_table_cell(areas, i, 0);
        /* evaluated without holding the cache: a request for an area already warm is answered
         * meanwhile, and one for this area waits for this result (cache_fill) */
        pthread_mutex_lock(&cache_lock);
        snprintf(warming_pack, sizeof warming_pack, "%s", pack);
        snprintf(warming_under, sizeof warming_under, "%s", under);
        pthread_mutex_unlock(&cache_lock);
        hss_table *t = NULL;
        hss_error err;
        hss_error_clear(&err);
        int failed = hss_policy_findings(st, pack, 0, under, &t, &err) != HSS_OK;
        pthread_mutex_lock(&cache_lock);
        if (!failed)
            cache_keep(pack, 0, under, version, t);
        warming_pack[0] = warming_under[0] = 0;
        pthread_cond_broadcast(&warmed);
        pthread_mutex_unlock(&cache_lock);
        /* and the city map's outlines and points, for a user whose scope is the city (the first screen) */
        if (strcmp(level, "city") == 0) {
            free(hss_boundaries_json(st, under, NULL, under));
            free(hss_geo_facilities_json(st, under, NULL));
            hss_coverage_warm(st, under); /* its coverage and EMS cards */
        }
    }
    hss_table_free(areas);
}

/* Seconds without a change of the data version before the warm-up evaluates it again. */
enum { WARM_SETTLE_S = 5 };

static void *warm_main(void *arg)
{
    (void)arg;
    hss_store *st = hss_store_open_existing(warm.db, NULL);
    int64_t done = -1, seen = -1;
    time_t seen_at = 0;
    while (st && !warm_stopping()) {
        int64_t v = hss_store_data_version(st);
        if (v != seen) {
            seen = v;
            seen_at = time(NULL);
        }
        /* At start at once; after that only once the data has settled (no write for
         * WARM_SETTLE_S): under a steady stream of care writes the version moves every second,
         * and findings warmed for a version that is gone by the next request are CPU thrown
         * away (a request for a version not yet warm evaluates it itself, as before). */
        if (v != done && (done < 0 || time(NULL) - seen_at >= WARM_SETTLE_S)) {
            char *pack = hss_policy_region_pack(st);
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            warm_level(st, pack, "city", v);
            warm_level(st, pack, "county", v);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            /* said once, on stderr: bench/first_screen.sh waits for it to log in to a server that
             * is done warming (a server is usually up long before anyone logs in) */
            if (done < 0)
                fprintf(stderr, "hss: warm (findings of the city and counties, the city's map and coverage) after %.0f ms\n",
                        (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
            free(pack);
            done = v;
        }
        /* look at the data version again in a second, or stop at once when asked */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        pthread_mutex_lock(&warm.lock);
        if (!warm.stop)
            pthread_cond_timedwait(&warm.wake, &warm.lock, &until);
        pthread_mutex_unlock(&warm.lock);
    }
    hss_store_close(st);
    return NULL;
}

void hss_findings_warm_start(const char *db_path)
{
    if (warm.running)
        return; /* one server per process warms */
    warm.db = hss_xstrdup(db_path);
    warm.stop = 0;
    warm.running = pthread_create(&warm.thread, NULL, warm_main, NULL) == 0;
}

void hss_findings_warm_stop(void)
{
    if (warm.running) {
        pthread_mutex_lock(&warm.lock);
        warm.stop = 1;
        pthread_cond_signal(&warm.wake);
        pthread_mutex_unlock(&warm.lock);
        pthread_join(warm.thread, NULL);
        warm.running = 0;
    }
    free(warm.db);
    warm.db = NULL;
}
