/*
 * http.c: the libmicrohttpd daemon and request dispatch. Accumulates bounded request bodies,
 * attaches security headers to every response, authenticates API calls by session cookie,
 * checks the CSRF token on writes, runs each write and its one audit row in one transaction
 * (the response waits for the commit), records every refusal, limits connections, and routes
 * to the endpoint files.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include <sodium.h>
#include <zlib.h>

#include "server/server_int.h"

static const char *const SECURITY_HEADERS[][2] = {
    {"Content-Security-Policy",
     "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
     "form-action 'self'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
    {"Cache-Control", "no-store"},
};

/* The client takes gzip (every browser does). */
int hss_accepts_gzip(hss_req *r)
{
    const char *ae = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept-Encoding");
    return ae && strstr(ae, "gzip") != NULL;
}

/* A text answer of some size (JSON, the dashboard's script and styles) gzip-compressed for a
 * client that takes gzip: the city's boundaries shrink from 1.5 MB to a fraction. Malloc'd, or
 * NULL to send it as it is. */
static char *gzipped(hss_req *r, const char *type, const char *data, size_t len, size_t *out_len)
{
    if (len < 1024 || !type || !hss_accepts_gzip(r) ||
        !(strstr(type, "json") || strstr(type, "javascript") || strstr(type, "text/css") || strstr(type, "text/html")))
        return NULL;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = deflateBound(&z, (uLong)len);
    char *out = hss_xmalloc(cap);
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    *out_len = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    return out;
}

enum MHD_Result hss_respond(hss_req *r, unsigned status, const char *type, const char *data, size_t len,
                            const char *const *headers)
{
    size_t zlen = 0;
    char *z = gzipped(r, type, data, len, &zlen);
    struct MHD_Response *resp = z ? MHD_create_response_from_buffer(zlen, z, MHD_RESPMEM_MUST_FREE)
                                  : MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    if (!resp) {
        free(z);
        return MHD_NO;
    }
    if (z) {
        MHD_add_response_header(resp, "Content-Encoding", "gzip");
        len = zlen;
    }
    if (type && (strstr(type, "json") || strstr(type, "javascript") || strstr(type, "text/")))
        MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    for (size_t i = 0; i < sizeof SECURITY_HEADERS / sizeof *SECURITY_HEADERS; i++)
        MHD_add_response_header(resp, SECURITY_HEADERS[i][0], SECURITY_HEADERS[i][1]);
    if (type)
        MHD_add_response_header(resp, "Content-Type", type);
    for (size_t i = 0; headers && headers[i]; i += 2)
        MHD_add_response_header(resp, headers[i], headers[i + 1]);
    return hss_respond_resp(r, status, resp, len);
}

/* Queues resp and keeps it in the answer cache when the request's answer may be cached. */
static enum MHD_Result queue(hss_req *r, unsigned status, struct MHD_Response *resp, size_t len)
{
    enum MHD_Result ret = MHD_queue_response(r->conn, status, resp);
    if (r->cache_key && status < 500)
        hss_cache_store(r, status, resp, len);
    else
        MHD_destroy_response(resp);
    return ret;
}

enum MHD_Result hss_respond_resp(hss_req *r, unsigned status, struct MHD_Response *resp, size_t len)
{
    r->responded = (int)status;
    if (r->hold || r->deferred) {
        if (r->held)
            MHD_destroy_response(r->held);
        r->held = resp;
        r->held_status = status;
        r->held_len = len;
        return MHD_YES;
    }
    return queue(r, status, resp, len);
}

/* Sends the held answer (none: MHD_NO, the connection is closed). */
static enum MHD_Result send_held(hss_req *r)
{
    struct MHD_Response *resp = r->held;
    if (!resp)
        return MHD_NO;
    r->held = NULL;
    return queue(r, r->held_status, resp, r->held_len);
}

enum MHD_Result hss_respond_json(hss_req *r, unsigned status, char *json)
{
    enum MHD_Result ret = hss_respond(r, status, "application/json; charset=utf-8", json, strlen(json), NULL);
    free(json);
    return ret;
}

enum MHD_Result hss_respond_error(hss_req *r, unsigned status, const char *fmt, ...)
{
    char msg[1200], zh[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* a server-side failure is the operator's to see, not only the caller's */
    if (status >= 500)
        fprintf(stderr, "hss: %u %s %s: %s\n", status, r->method, r->url, msg);
    cJSON *o = cJSON_CreateObject();
    if (hss_lang_en(r)) {
        cJSON_AddStringToObject(o, "error", msg);
    } else { /* the user's language: the same message in Chinese (words.c) */
        va_start(ap, fmt);
        hss_words_error(status, fmt, ap, msg, zh, sizeof zh);
        va_end(ap);
        cJSON_AddStringToObject(o, "error", zh);
    }
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return hss_respond_json(r, status, s);
}

const char *hss_arg(hss_req *r, const char *name)
{
    const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
    return v && *v ? v : NULL;
}

int hss_check_code(hss_req *r, const char *name, const char *v)
{
    char p[13];
    if (!v)
        return 0;
    if (hss_scope_prefix(v, p) != 0) {
        hss_respond_error(r, 400, "%s: not an area code (6, 9 or 12 digits)", name);
        return -1;
    }
    return 0;
}

int hss_check_word(hss_req *r, const char *name, const char *v, size_t maxlen)
{
    if (!v)
        return 0;
    size_t n = strlen(v);
    int ok = n > 0 && n <= maxlen;
    for (size_t i = 0; ok && i < n; i++)
        ok = islower((unsigned char)v[i]) || isdigit((unsigned char)v[i]) || v[i] == '_' || v[i] == '-' || v[i] == '.';
    if (!ok) {
        hss_respond_error(r, 400, "%s: must be 1-%zu characters of a-z, 0-9, '_', '-', '.'", name, maxlen);
        return -1;
    }
    return 0;
}

int hss_check_uint(hss_req *r, const char *name, const char *v, long long max, long long *out)
{
    if (!v)
        return 0;
    int64_t x;
    if (hss_parse_int64(v, &x) != 0 || x < 0 || x > max) {
        hss_respond_error(r, 400, "%s: must be a whole number from 0 to %lld", name, max);
        return -1;
    }
    *out = x;
    return 0;
}

int hss_resolve_under(hss_req *r, const char *under, char out[16])
{
    if (hss_check_code(r, "under", under))
        return -1;
    if (!under)
        under = r->scope;
    if (!hss_scope_contains(r->scope, under)) {
        hss_respond_error(r, 403, "area %s is outside your scope", under);
        return -1;
    }
    snprintf(out, 16, "%s", under);
    return 0;
}

/* ---- per-thread database connections ---------------------------------------------------- */

static void close_thread_db(void *p)
{
    hss_thread_db *t = p;
    hss_store_close(t->st);
    free(t);
}

static hss_thread_db *thread_db(hss_server *srv, hss_error *err)
{
    hss_thread_db *t = pthread_getspecific(srv->store_key);
    if (t)
        return t;
    hss_store *st = hss_store_open_existing(srv->db_path, err);
    if (!st)
        return NULL;
    t = hss_xcalloc(1, sizeof *t);
    t->st = st;
    pthread_setspecific(srv->store_key, t);
    return t;
}

/* ---- routing ------------------------------------------------------------------------------ */

static int is_write(const char *m)
{
    return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0;
}

static enum MHD_Result method_not_allowed(hss_req *r, const char *allow)
{
    const char *h[] = {"Allow", allow, NULL};
    char msg[200];
    if (hss_lang_en(r))
        snprintf(msg, sizeof msg, "{\"error\":\"method %s not allowed here; use %s\"}", r->method, allow);
    else
        snprintf(msg, sizeof msg, "{\"error\":\"不支持此操作\"}");
    return hss_respond(r, 405, "application/json; charset=utf-8", msg, strlen(msg), h);
}

/* Matches `path` against `prefix` followed by one segment; returns the segment or NULL. */
static const char *segment_after(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(path, prefix, n) != 0 || !path[n] || strchr(path + n, '/'))
        return NULL;
    return path + n;
}

/* The reads under /api/v1 routed by their path alone; `cached`: answered from the response
 * cache when it holds the answer (also on libmicrohttpd's own thread, cached_inline). */
static const struct {
    const char *path;
    enum MHD_Result (*fn)(hss_req *);
    int cached;
} GETS[] = {
    {"/me", hss_api_me, 0},
    {"/areas", hss_api_areas, 1},
    {"/facilities", hss_api_facilities, 1},
    {"/summary", hss_api_summary, 1},
    {"/search", hss_api_search, 1},
    {"/findings", hss_api_findings, 0},
    {"/geo/boundaries", hss_api_boundaries, 1},
    {"/geo/facilities", hss_api_geo_facilities, 1},
    {"/indicators", hss_api_indicators, 1},
    {"/alerts", hss_api_alerts, 1},
    {"/alerts/response", hss_api_alerts_response, 1},
    {"/rounds", hss_api_rounds, 1},
};

/* A path under /api/v1 whose answer the response cache may hold. */
static int cacheable(const char *p)
{
    for (size_t i = 0; i < sizeof GETS / sizeof *GETS; i++)
        if (strcmp(p, GETS[i].path) == 0)
            return GETS[i].cached;
    return segment_after(p, "/areas/") != NULL;
}

static enum MHD_Result route_api(hss_req *r)
{
    const char *p = r->url + strlen("/api/v1");
    int get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    int post = strcmp(r->method, "POST") == 0;

    if (strcmp(p, "/login") == 0)
        return post ? hss_api_login(r) : method_not_allowed(r, "POST");

    hss_auth_session(r);
    if (!r->authed)
        return hss_respond_error(r, 401, "not logged in (or the session expired)");
    if (is_write(r->method)) {
        const char *tok = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
        size_t n = strlen(r->csrf);
        if (!tok || strlen(tok) != n || sodium_memcmp(tok, r->csrf, n) != 0)
            return hss_respond_error(r, 403, "missing or wrong X-CSRF-Token");
    }

    if (strcmp(p, "/logout") == 0)
        return post ? hss_api_logout(r) : method_not_allowed(r, "POST");
    if (strcmp(p, "/password") == 0)
        return post ? hss_api_password(r) : method_not_allowed(r, "POST");
    if (strncmp(p, "/care/", 6) == 0)
        return hss_api_care(r, p);
    if (strcmp(r->role, "resident") == 0 && strcmp(p, "/me") != 0)
        return hss_respond_error(r, 403, "a resident's account reads only their own record (/api/v1/care/residents/me)");
    if (strcmp(p, "/coverage") == 0)
        return get ? hss_api_coverage(r) : method_not_allowed(r, "GET");
    if (strcmp(p, "/coverage/ems") == 0)
        return get ? hss_api_coverage_ems(r) : method_not_allowed(r, "GET");
    if (strcmp(p, "/site") == 0)
        return post ? hss_api_site(r) : method_not_allowed(r, "POST");
    if (strncmp(p, "/ems/", 5) == 0)
        return hss_api_ems(r, p);
    if (strcmp(p, "/rounds/schedule") == 0) /* not cached: "from" defaults to today */
        return get ? hss_api_rounds_schedule(r) : method_not_allowed(r, "GET");

    for (size_t i = 0; i < sizeof GETS / sizeof *GETS; i++) {
        if (strcmp(p, GETS[i].path) == 0) {
            if (!get)
                return method_not_allowed(r, "GET");
            enum MHD_Result ret;
            if (GETS[i].cached && hss_cache_serve(r, &ret))
                return ret;
            return GETS[i].fn(r);
        }
    }
    const char *seg;
    if ((seg = segment_after(p, "/areas/"))) {
        if (!get)
            return method_not_allowed(r, "GET");
        enum MHD_Result ret;
        if (hss_cache_serve(r, &ret))
            return ret;
        return hss_api_area(r, seg);
    }
    if ((seg = segment_after(p, "/facilities/")))
        return get ? hss_api_facility(r, seg) : method_not_allowed(r, "GET");
    if ((seg = segment_after(p, "/export/"))) {
        int xlsx = -1, kind = -1;
        if (strcmp(seg, "findings.csv") == 0 || strcmp(seg, "findings.xlsx") == 0)
            kind = 0;
        else if (strcmp(seg, "facilities.csv") == 0 || strcmp(seg, "facilities.xlsx") == 0)
            kind = 1;
        if (kind >= 0) {
            xlsx = strstr(seg, ".xlsx") != NULL;
            if (!get)
                return method_not_allowed(r, "GET");
            return kind == 0 ? hss_api_export_findings(r, xlsx) : hss_api_export_facilities(r, xlsx);
        }
    }
    if (strncmp(p, "/alerts/", 8) == 0)
        return hss_api_alert_route(r, p + 8);
    if (!strncmp(p, "/tasks", 6) || !strncmp(p, "/evaluations", 12) || !strcmp(p, "/rectifications") || !strcmp(p, "/bulletin"))
        return hss_api_plan(r, p);
    return hss_respond_error(r, 404, "no such endpoint: %s", r->url);
}

static enum MHD_Result handle_db(hss_req *r);

static enum MHD_Result handle(hss_req *r)
{
    if (r->too_big)
        return strncmp(r->url, "/fhir/", 6) == 0 ? hss_fhir_too_big(r) : hss_respond_error(r, 413, "request body over the limit of %zu bytes", r->srv->cfg.body_limit);
    hss_error err;
    hss_error_clear(&err);
    r->tdb = thread_db(r->srv, &err);
    if (!r->tdb)
        return hss_respond_error(r, 500, "database unavailable");
    r->st = r->tdb->st;
    /* a request's reads share one snapshot until it writes (a read's access-log row, a write's
     * group): a write ends it first. Not a login's: its slow password check would hold it. */
    if (strcmp(r->url, "/api/v1/login") != 0)
        hss_store_read_begin(r->st);
    hss_cache_validate(r);
    enum MHD_Result ret = handle_db(r);
    hss_cache_after(r);
    hss_store_read_end(r->st);
    return ret;
}

/* A write that changes stored data runs in one transaction with its audit row: both commit or
 * neither does. Login writes its own (auth.c, after the slow password check, so that the write
 * lock is not held during it); /site only computes (its audit row is alone). */
static int write_in_tx(const hss_req *r)
{
    return is_write(r->method) && strcmp(r->url, "/api/v1/login") != 0 && strcmp(r->url, "/api/v1/site") != 0;
}

void hss_audit_note(hss_req *r, const char *action, const char *target, const char *detail)
{
    snprintf(r->audit_action, sizeof r->audit_action, "%s", action);
    snprintf(r->audit_target, sizeof r->audit_target, "%s", target);
    free(r->audit_detail);
    r->audit_detail = hss_xstrdup(detail ? detail : "");
}

void hss_audit_denied(hss_req *r, const char *what)
{
    if (r->audit_done)
        return;
    r->audit_done = 1;
    char target[600];
    snprintf(target, sizeof target, "%s %s", r->method, r->url);
    hss_auth_audit_log(r->st, r->authed ? r->user : "", r->ip, "denied", target, 403, what, NULL);
}

static void audit_write(hss_req *r, int status)
{
    if (r->audit_done) /* a refusal the endpoint put on record (in the resident's access log) */
        return;
    char target[600];
    snprintf(target, sizeof target, "%s %s", r->method, r->url);
    /* a refused write is this one row with status 403 */
    const char *action = r->audit_action[0] ? r->audit_action : "write";
    hss_auth_audit_log(r->st, r->authed ? r->user : "", r->ip, action,
                  r->audit_target[0] ? r->audit_target : target, status, r->audit_detail ? r->audit_detail : "", NULL);
}

/* The newest audit row's id: a write endpoint that put its own row on record (care, plan, 120
 * unit states name theirs in their own words, inside this transaction) needs no generic one. */
static int64_t audit_mark(hss_req *r)
{
    return hss_auth_audit_mark(r->st);
}

/* The write itself, run by hss_store_write on `st`: perhaps another thread's connection,
 * committing this write together with the others that came at the same time, so the request
 * reads and writes through st for as long as it runs. The answer is held, not sent, until the
 * commit is done. */
static hss_code write_work(hss_store *st, void *ctx, hss_error *err)
{
    hss_req *r = ctx;
    hss_store *own = r->st;
    (void)err;
    r->st = st;
    int64_t mark = audit_mark(r);
    route_api(r);
    if (audit_mark(r) > mark)
        r->audit_done = 1; /* the endpoint's own row is this write's one row */
    audit_write(r, r->responded);
    r->st = own;
    return HSS_OK;
}

static enum MHD_Result api_write(hss_req *r)
{
    hss_error err;
    hss_error_clear(&err);
    r->hold = 1;
    hss_code rc = hss_store_write(r->st, write_work, r, &err);
    r->hold = 0;
    if (rc != HSS_OK) {
        if (r->held)
            MHD_destroy_response(r->held);
        r->held = NULL;
        if (!r->responded) { /* the transaction could not begin: nothing was tried */
            const char *h[] = {"Retry-After", "5", NULL};
            const char *msg = "{\"error\":\"the database is busy; nothing was changed, try again\"}";
            return hss_respond(r, 503, "application/json; charset=utf-8", msg, strlen(msg), h);
        }
        r->audit_done = 0;   /* the endpoint's own row went with the rollback */
        audit_write(r, 500); /* on its own: the change is gone, the attempt is not */
        return hss_respond_error(r, 500, "the change could not be saved; nothing was changed");
    }
    hss_cache_changed(r);
    if (r->deferred && r->held) /* the connection's own thread sends it */
        return MHD_YES;
    return send_held(r);
}

static enum MHD_Result handle_db(hss_req *r)
{
    if (strncmp(r->url, "/fhir/R4", 8) == 0 && (r->url[8] == 0 || r->url[8] == '/'))
        return hss_api_fhir(r);
    if (strcmp(r->url, "/api/v1") == 0 || strncmp(r->url, "/api/v1/", 8) == 0) {
        if (write_in_tx(r))
            return api_write(r);
        enum MHD_Result ret = route_api(r);
        /* Every write (successful or not) leaves a trace, as do logins (in auth.c); every
         * refusal of a read (outside the scope, the role, a resident's own record) one
         * `denied` row, unless the endpoint recorded it in its own words. */
        if (is_write(r->method) && strcmp(r->url, "/api/v1/login") != 0)
            audit_write(r, r->responded);
        else if (r->responded == 403)
            hss_audit_denied(r, "refused: outside the caller's scope or role");
        return ret;
    }
    if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
        return method_not_allowed(r, "GET");
    return hss_serve_static(r);
}

/* ---- requests on workers (pool.c) ------------------------------------------------------------ */

/* A complete request, on a worker; its connection is suspended meanwhile, and r may be gone
 * once it is resumed. */
static void run_request(void *arg)
{
    hss_req *r = arg;
    struct MHD_Connection *conn = r->conn;
    r->deferred = 1;
    handle(r);
    r->finished = 1;
    MHD_resume_connection(conn);
}

/* A read whose answer is in the response cache, answered here on libmicrohttpd's thread:
 * handing it to a worker and back would cost more than the answer. The same steps as
 * route_api's for these paths: the session, then the cache (a resident's account goes the
 * whole way, for its refusal). 0: not in the cache, for a worker to compute. */
static int cached_inline(hss_req *r, enum MHD_Result *ret)
{
    if (strcmp(r->method, "GET") != 0 || strncmp(r->url, "/api/v1/", 8) != 0 || !cacheable(r->url + 7))
        return 0;
    hss_error err;
    hss_error_clear(&err);
    if (!(r->tdb = thread_db(r->srv, &err)))
        return 0;
    r->st = r->tdb->st;
    hss_cache_validate(r);
    hss_auth_session(r);
    if (r->authed && strcmp(r->role, "resident") != 0 && hss_cache_serve(r, ret))
        return 1;
    free(r->cache_key);
    r->cache_key = NULL;
    return 0;
}

/* Hands a complete request to the next free worker, so that this thread goes on moving the
 * bytes of its other connections.
 *
 * Not on the call that completes the request, but one turn of the event loop later. On that
 * call libmicrohttpd (0.9.75) still marks the connection as waiting to read, and a suspended
 * connection keeps the mark: once resumed, it was read before its answer was sent, whenever
 * another connection was older. A client that had closed its sending side after the request
 * (HTTP allows it) then read as gone, and the connection was closed without the answer. Left
 * without an answer for one turn, the connection is marked as waiting for us, and is
 * suspended, and resumed, with that mark. Test: half_closed_requests_get_their_answer. */
static enum MHD_Result dispatch(hss_req *r)
{
    if (!r->srv->pool)
        return handle(r);
    if (!r->turned) {
        r->turned = 1;
        return MHD_YES;
    }
    r->dispatched = 1;
    r->finished = 0;
    MHD_suspend_connection(r->conn);
    if (hss_pool_push(r->srv->pool, r))
        run_request(r); /* the server is stopping: here and now */
    return MHD_YES;
}

/* The worker's answer, sent from the connection's own thread once it resumed. */
static enum MHD_Result send_finished(hss_req *r)
{
    enum MHD_Result ret;
    if (r->hit_key) {
        if (hss_cache_send_hit(r, &ret))
            return ret;
        /* dropped from the cache in between: computed after all */
        free(r->hit_key);
        r->hit_key = NULL;
        r->cache_skip = 1;
        r->responded = 0;
        return dispatch(r);
    }
    return send_held(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    hss_server *srv = cls;
    hss_req *r = *con_cls;
    if (!r) {
        r = hss_xcalloc(1, sizeof *r);
        r->srv = srv;
        r->conn = conn;
        r->method = method;
        r->url = url;
        hss_buf_init(&r->body);
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, r->ip, sizeof r->ip);
        else
            snprintf(r->ip, sizeof r->ip, "unknown");
        *con_cls = r;
        /* A declared length over the limit is refused before reading the body. */
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        int64_t n;
        if (cl && hss_parse_int64(cl, &n) == 0 && (uint64_t)n > hss_api_plan_body_limit(url, srv->cfg.body_limit)) {
            r->too_big = 1;
            return strncmp(url, "/fhir/", 6) == 0 ? hss_fhir_too_big(r) : hss_respond_error(r, 413, "request body over the limit of %zu bytes", srv->cfg.body_limit);
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!r->responded) {
            if (r->body.len + *upload_data_size > hss_api_plan_body_limit(r->url, srv->cfg.body_limit))
                r->too_big = 1;
            else
                hss_buf_append(&r->body, upload_data, *upload_data_size);
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (r->dispatched)
        return r->finished ? send_finished(r) : MHD_YES;
    if (r->responded)
        return MHD_YES;
    enum MHD_Result ret;
    if (r->srv->pool && cached_inline(r, &ret))
        return ret;
    return dispatch(r);
}

/* Percent-decoding for paths and query arguments. Like libmicrohttpd's own, except that %00 becomes
 * the control byte 0x01 instead of cutting the string short, so that "/index.html%00.txt" and
 * "under=331102%00x" are refused by the checks for control bytes instead of silently shortened. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (r[0] == '%' && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2])) {
            char hex[3] = {r[1], r[2], 0};
            char v = (char)strtol(hex, NULL, 16);
            *w++ = v ? v : 1;
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = 0;
    return (size_t)(w - s);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    hss_req *r = *con_cls;
    if (!r)
        return;
    hss_buf_free(&r->body);
    if (r->held)
        MHD_destroy_response(r->held);
    free(r->audit_detail);
    free(r->cache_key);
    free(r->hit_key);
    free(r);
    *con_cls = NULL;
}

hss_server *hss_server_start(const hss_server_config *cfg, hss_error *err)
{
    if (sodium_init() < 0) {
        hss_fail(err, HSS_EUNKNOWN, "libsodium failed to initialise");
        return NULL;
    }
    /* Check the database once here so that a bad --db fails before we listen. */
    hss_store *probe = hss_store_open_existing(cfg->db_path, err);
    if (!probe)
        return NULL;
    hss_store_close(probe);

    hss_server *srv = hss_xcalloc(1, sizeof *srv);
    srv->cfg = *cfg;
    srv->db_path = hss_xstrdup(cfg->db_path);
    /* workers: a request waiting for its group of writes (store group.c) or for PostgreSQL
     * holds a worker, not the connections of a libmicrohttpd thread; more waiting requests make
     * larger groups (fewer commits, each shared page written once for more of them). Under the
     * frontline bench, 16 workers on 2 cores took 0.60–0.63 ms of CPU a request against
     * 0.65–0.69 with 8, and 32 no less than 16. */
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if (ncpu < 1)
        ncpu = 1;
    if (!srv->cfg.threads)
        srv->cfg.threads = (int)(8 * ncpu < 16 ? 16 : 8 * ncpu > 64 ? 64 : 8 * ncpu);
    if (!srv->cfg.session_ttl)
        srv->cfg.session_ttl = 8 * 3600;
    if (!srv->cfg.lock_failures)
        srv->cfg.lock_failures = 5;
    if (!srv->cfg.lock_window)
        srv->cfg.lock_window = 900;
    if (!srv->cfg.ip_failures)
        srv->cfg.ip_failures = 50;
    if (!srv->cfg.body_limit)
        srv->cfg.body_limit = 64 * 1024;
    if (!srv->cfg.conn_per_ip)
        srv->cfg.conn_per_ip = 32;
    if (!srv->cfg.conn_limit)
        srv->cfg.conn_limit = 1000;
    if (!srv->cfg.conn_timeout)
        srv->cfg.conn_timeout = 10;
    if (cfg->web_dir) {
        char real[PATH_MAX];
        if (!realpath(cfg->web_dir, real)) {
            hss_fail(err, HSS_ENOTFOUND, "%s: dashboard directory not found (run `make web`)", cfg->web_dir);
            free(srv->db_path);
            free(srv);
            return NULL;
        }
        srv->web_root = hss_xstrdup(real);
    }
    srv->cfg.db_path = srv->db_path;
    srv->cfg.web_dir = srv->web_root;
    srv->cfg.bind = NULL;
    pthread_key_create(&srv->store_key, close_thread_db);

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)cfg->port);
    const char *bind = cfg->bind ? cfg->bind : "127.0.0.1";
    if (inet_pton(AF_INET, bind, &addr.sin_addr) != 1) {
        hss_fail(err, HSS_EINVAL, "--bind %s: not an IPv4 address", bind);
        hss_server_stop(srv);
        return NULL;
    }
    srv->pool = hss_pool_start(srv->cfg.threads, run_request);
    /* libmicrohttpd's threads only move bytes: one per core, up to 4 */
    srv->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                                       MHD_ALLOW_SUSPEND_RESUME,
                                   (uint16_t)cfg->port, NULL, NULL, on_request, srv,
                                   MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                                   MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(ncpu > 4 ? 4 : ncpu),
                                   MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
                                   MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
                                   /* Against connection exhaustion: one address holds at most
                                    * conn_per_ip connections (more are closed at accept), all
                                    * together conn_limit, and a connection idle for
                                    * conn_timeout seconds (a slow or stalled header included)
                                    * is closed. Headers must fit in 32 KiB of connection
                                    * memory: a larger request head is refused (431). */
                                   MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)srv->cfg.conn_per_ip,
                                   MHD_OPTION_CONNECTION_LIMIT, (unsigned)srv->cfg.conn_limit,
                                   MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)srv->cfg.conn_timeout,
                                   MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32 * 1024,
                                   MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
                                   MHD_OPTION_END);
    if (!srv->daemon) {
        hss_fail(err, HSS_EIO, "cannot listen on %s:%d (in use, or not allowed)", bind, cfg->port);
        hss_server_stop(srv);
        return NULL;
    }
    hss_findings_warm_start(srv->db_path); /* the first screen's findings, ready before it asks */
    return srv;
}

int hss_server_port(const hss_server *srv)
{
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return di ? di->port : -1;
}

void hss_server_stop(hss_server *srv)
{
    if (!srv)
        return;
    /* no new connections; the workers finish what they hold (and resume its connections),
     * then the daemon closes the connections */
    MHD_socket listen = srv->daemon ? MHD_quiesce_daemon(srv->daemon) : MHD_INVALID_SOCKET;
    hss_pool_stop(srv->pool);
    srv->pool = NULL;
    if (srv->daemon)
        MHD_stop_daemon(srv->daemon);
    if (listen != MHD_INVALID_SOCKET)
        close(listen); /* quiescing handed it to us */
    pthread_key_delete(srv->store_key);
    hss_findings_warm_stop();
    hss_findings_cache_clear();
    hss_cache_clear_all();
    hss_coverage_shutdown();
    hss_fhir_api_shutdown();
    free(srv->db_path);
    free(srv->web_root);
    free(srv);
}
