/*
 * api_fhir.c: the FHIR R4 API under /fhir/R4 (src/fhir/ does the work; this file parses, calls
 * and renders). Callers are dashboard sessions or system clients with a bearer token
 * (hss client add), both scoped by area; residents' own accounts are refused. Answers are
 * application/fhir+json; errors are OperationOutcomes. Bulk export follows the Bulk Data spec:
 * GET /$export answers 202 with Content-Location of a status URL; the export runs on its own
 * thread and connection; the status URL answers 202 while it runs, then a manifest whose output
 * files are served to the same caller only. Export files live beside the database and are
 * removed when the job is deleted or the server stops.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include <sodium.h>

#include "fhir/fhir.h"
#include "server/server_int.h"

#define FHIR_JSON "application/fhir+json; charset=utf-8"

/* ---- bearer tokens (called from hss_auth_session) ---------------------------------------------- */

int hss_auth_bearer(hss_req *r)
{
    const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return 0;
    char name[128], scope[16];
    if (hss_fhir_client_check(r->st, h + 7, name, scope)) {
        snprintf(r->user, sizeof r->user, "client:%.100s", name);
        snprintf(r->role, sizeof r->role, "client");
        snprintf(r->scope, sizeof r->scope, "%s", scope);
        /* a CSRF token nobody knows: the dashboard API's writes stay closed to clients (they
         * write through POST /fhir/R4, which needs no CSRF token: no cookie is involved) */
        hss_random_hex(r->csrf, 32);
        r->authed = 1;
    }
    return 1; /* a bearer header was given: no fallback to the cookie */
}

/* ---- responses ------------------------------------------------------------------------------------ */

static enum MHD_Result send_fhir(hss_req *r, unsigned status, char *json, const char *const *headers)
{
    enum MHD_Result ret = hss_respond(r, status, FHIR_JSON, json, strlen(json), headers);
    free(json);
    return ret;
}

static enum MHD_Result outcome(hss_req *r, unsigned status, const char *code, const char *msg)
{
    return send_fhir(r, status, hss_fhir_outcome(status >= 500 ? "fatal" : "error", code, msg, NULL), NULL);
}

static enum MHD_Result fail(hss_req *r, hss_code c, const hss_error *err)
{
    const char *msg = err->msg[0] ? err->msg : "internal error";
    switch (c) {
    case HSS_EINVAL: return outcome(r, 400, "invalid", msg);
    case HSS_ENOTFOUND: return outcome(r, 404, "not-found", msg);
    case HSS_EDENIED: return outcome(r, 403, "forbidden", msg);
    default: return outcome(r, 500, "exception", msg);
    }
}

enum MHD_Result hss_fhir_too_big(hss_req *r)
{
    char msg[200];
    snprintf(msg, sizeof msg, "request body over the limit of %zu bytes; nothing was changed", r->srv->cfg.body_limit);
    return outcome(r, 413, "too-costly", msg);
}

static void base_url(hss_req *r, char out[300])
{
    const char *host = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Host");
    int ok = host && *host && strlen(host) < 200;
    for (const char *p = host; ok && *p; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
             *p == '-' || *p == ':' || *p == '[' || *p == ']';
    snprintf(out, 300, "%s://%s/fhir/R4", r->srv->cfg.secure_cookie ? "https" : "http", ok ? host : "127.0.0.1");
}

/* Which callers may read named residents (and so see citizen IDs): as in the care API, planners,
 * county and CDC users see aggregates only. */
static int sees_ids(const char *role)
{
    static const char *const roles[] = {"admin", "facility", "doctor", "hospital", "client"};
    for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
        if (strcmp(role, roles[i]) == 0)
            return 1;
    return 0;
}

/* ---- read and search ------------------------------------------------------------------------------ */

typedef struct params {
    hss_fhir_param p[64];
    size_t n;
    int over;
} params;

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    params *ps = cls;
    if (ps->n == sizeof ps->p / sizeof *ps->p) {
        ps->over = 1;
        return MHD_NO;
    }
    ps->p[ps->n].name = key;
    ps->p[ps->n].value = value ? value : "";
    ps->n++;
    return MHD_YES;
}

static enum MHD_Result api_search(hss_req *r, const hss_fhir_viewer *v, const char *type)
{
    params ps = {0};
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect, &ps);
    if (ps.over)
        return outcome(r, 400, "too-costly", "more than 64 search parameters");
    char base[300];
    base_url(r, base);
    char *json = NULL;
    hss_error err;
    hss_error_clear(&err);
    hss_code c = hss_fhir_search(r->st, v, base, type, ps.p, ps.n, &json, &err);
    if (c)
        return fail(r, c, &err);
    return send_fhir(r, 200, json, NULL);
}

static enum MHD_Result api_read(hss_req *r, const hss_fhir_viewer *v, const char *type, const char *id)
{
    char base[300];
    base_url(r, base);
    char *json = NULL;
    hss_error err;
    hss_error_clear(&err);
    hss_code c = hss_fhir_read(r->st, v, base, type, id, &json, &err);
    if (c)
        return fail(r, c, &err);
    return send_fhir(r, 200, json, NULL);
}

/* ---- import --------------------------------------------------------------------------------------- */

/* A refused import leaves one audit row (a good one is audited by the import itself, in its
 * transaction). */
static enum MHD_Result import_refused(hss_req *r, unsigned status, const char *code, const char *why, char *resp)
{
    hss_auth_audit_log(r->st, r->user, r->ip, "fhir_import_refused", "POST /fhir/R4", (int)status, why, NULL);
    if (resp)
        return send_fhir(r, status, resp, NULL);
    return outcome(r, status, code, why);
}

static enum MHD_Result api_import(hss_req *r)
{
    if (!sees_ids(r->role))
        return import_refused(r, 403, "forbidden", "your role may not write residents' records", NULL);
    const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
    if (!ct || (strncmp(ct, "application/fhir+json", 21) != 0 && strncmp(ct, "application/json", 16) != 0))
        return import_refused(r, 415, "not-supported",
                              "body must be a FHIR Bundle in JSON (Content-Type: application/fhir+json)", NULL);
    char *resp = NULL;
    hss_fhir_import_stats stats;
    hss_error err;
    hss_error_clear(&err);
    hss_code c = hss_fhir_import(r->st, r->user, r->scope, r->body.data ? r->body.data : "", r->body.len, &resp,
                                 &stats, &err);
    if (!c)
        return send_fhir(r, 200, resp, NULL);
    unsigned status = c == HSS_EDENIED ? 403 : c == HSS_EINVAL ? 400 : 500;
    return import_refused(r, status, status == 500 ? "exception" : "invalid", err.msg[0] ? err.msg : "import failed", resp);
}

/* ---- bulk export ---------------------------------------------------------------------------------- */

typedef struct export_job {
    char id[33];
    char user[128], scope[16];
    int see_ids;
    char *types, *since;
    char dir[4200];
    char request[600];
    char transaction_time[21];
    int done;         /* 0 running, 1 finished, -1 failed */
    time_t finished;  /* when done became non-zero */
    char error[600];
    hss_fhir_export_stats stats;
    char *db_path;
    pthread_t thread;
    struct export_job *next;
} export_job;

static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static export_job *jobs;

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char p[4500];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

static void *run_export(void *arg)
{
    export_job *j = arg;
    hss_error err;
    hss_error_clear(&err);
    hss_store *st = hss_store_open_existing(j->db_path, &err);
    hss_code c = st ? HSS_OK : err.code;
    if (st) {
        hss_fhir_viewer v = {j->user, j->scope, j->see_ids};
        c = hss_fhir_export(st, &v, j->dir, j->types, j->since, &j->stats, &err);
        char detail[200];
        snprintf(detail, sizeof detail, "%zu resources in %zu files%s", j->stats.resources, j->stats.types,
                 c ? " (failed)" : "");
        /* an export of named residents is audited once, with what it held */
        hss_auth_audit_log(st, j->user, "", "fhir_export", j->request, c ? 500 : 200, detail, NULL);
        hss_store_close(st);
    }
    pthread_mutex_lock(&jobs_lock);
    if (c)
        snprintf(j->error, sizeof j->error, "%.500s", err.msg);
    j->done = c ? -1 : 1;
    j->finished = time(NULL);
    pthread_mutex_unlock(&jobs_lock);
    return NULL;
}

static void free_job(export_job *j)
{
    pthread_join(j->thread, NULL);
    remove_dir(j->dir);
    free(j->types);
    free(j->since);
    free(j->db_path);
    free(j);
}

void hss_fhir_api_shutdown(void)
{
    pthread_mutex_lock(&jobs_lock);
    export_job *j = jobs;
    jobs = NULL;
    pthread_mutex_unlock(&jobs_lock);
    while (j) {
        export_job *n = j->next;
        free_job(j);
        j = n;
    }
}

/* Output files of exports finished more than an hour ago are removed (they hold named residents'
 * data); at most EXPORTS_RUNNING exports run at once. Returns the number still running. */
#define EXPORT_KEEP_SECONDS 3600
#define EXPORTS_RUNNING 2
static int expire_jobs(void)
{
    export_job *old = NULL;
    int running = 0;
    time_t now = time(NULL);
    pthread_mutex_lock(&jobs_lock);
    for (export_job **p = &jobs; *p;) {
        export_job *j = *p;
        if (j->done && now - j->finished > EXPORT_KEEP_SECONDS) {
            *p = j->next;
            j->next = old;
            old = j;
            continue;
        }
        running += !j->done;
        p = &j->next;
    }
    pthread_mutex_unlock(&jobs_lock);
    while (old) {
        export_job *n = old->next;
        free_job(old);
        old = n;
    }
    return running;
}

static enum MHD_Result api_export_kickoff(hss_req *r, const hss_fhir_viewer *v)
{
    if (expire_jobs() >= EXPORTS_RUNNING) {
        const char *h[] = {"Retry-After", "60", NULL};
        return send_fhir(r, 429, hss_fhir_outcome("error", "throttled", "exports are already running; retry later", NULL), h);
    }
    const char *fmt = hss_arg(r, "_outputFormat");
    if (fmt && strcmp(fmt, "application/fhir+ndjson") != 0 && strcmp(fmt, "application/ndjson") != 0 &&
        strcmp(fmt, "ndjson") != 0)
        return outcome(r, 400, "not-supported", "_outputFormat: only application/fhir+ndjson is written");
    export_job *j = hss_xcalloc(1, sizeof *j);
    hss_random_hex(j->id, 16);
    snprintf(j->user, sizeof j->user, "%s", r->user);
    snprintf(j->scope, sizeof j->scope, "%s", r->scope);
    j->see_ids = v->see_ids;
    const char *types = hss_arg(r, "_type"), *since = hss_arg(r, "_since");
    j->types = types ? hss_xstrdup(types) : NULL;
    j->since = since ? hss_xstrdup(since) : NULL;
    j->db_path = hss_xstrdup(r->srv->db_path);
    char root[4096];
    snprintf(root, sizeof root, "%s.fhir-export", r->srv->db_path);
    if (mkdir(root, 0700) != 0 && errno != EEXIST) {
        free(j->types);
        free(j->since);
        free(j->db_path);
        free(j);
        return outcome(r, 500, "exception", "cannot create the export directory");
    }
    snprintf(j->dir, sizeof j->dir, "%s/%s", root, j->id);
    char base[300];
    base_url(r, base);
    snprintf(j->request, sizeof j->request, "%s/$export%s%s", base, types ? "?_type=" : "", types ? types : "");
    hss_utc_timestamp(j->transaction_time);
    if (pthread_create(&j->thread, NULL, run_export, j) != 0) {
        free(j->types);
        free(j->since);
        free(j->db_path);
        free(j);
        return outcome(r, 500, "exception", "cannot start the export");
    }
    pthread_mutex_lock(&jobs_lock);
    j->next = jobs;
    jobs = j;
    pthread_mutex_unlock(&jobs_lock);
    char loc[400];
    snprintf(loc, sizeof loc, "%s/$export-status/%s", base, j->id);
    const char *h[] = {"Content-Location", loc, NULL};
    return send_fhir(r, 202, hss_fhir_outcome("information", "informational", "export started", NULL), h);
}

/* The caller's job with this id (locked: the caller unlocks), or NULL (unlocked). */
static export_job *find_job(hss_req *r, const char *id, export_job ***link)
{
    pthread_mutex_lock(&jobs_lock);
    for (export_job **p = &jobs; *p; p = &(*p)->next) {
        if (strcmp((*p)->id, id) == 0 && strcmp((*p)->user, r->user) == 0) {
            if (link)
                *link = p;
            return *p;
        }
    }
    pthread_mutex_unlock(&jobs_lock);
    return NULL;
}

static char *manifest(const export_job *j, const char *base)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "transactionTime", j->transaction_time);
    cJSON_AddStringToObject(o, "request", j->request);
    cJSON_AddBoolToObject(o, "requiresAccessToken", 1);
    cJSON *out = cJSON_AddArrayToObject(o, "output");
    size_t n;
    const char *const *types = hss_fhir_types(&n);
    for (size_t k = 0; k < n; k++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/%s.ndjson", j->dir, types[k]);
        struct stat sb;
        if (stat(path, &sb) != 0 || j->stats.count[k] == 0)
            continue;
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "type", types[k]);
        char url[500];
        snprintf(url, sizeof url, "%s/$export-file/%s/%s.ndjson", base, j->id, types[k]);
        cJSON_AddStringToObject(f, "url", url);
        cJSON_AddNumberToObject(f, "count", (double)j->stats.count[k]);
        cJSON_AddItemToArray(out, f);
    }
    cJSON_AddArrayToObject(o, "error");
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static enum MHD_Result api_export_status(hss_req *r, const char *id)
{
    export_job **link = NULL;
    export_job *j = find_job(r, id, &link);
    if (!j)
        return outcome(r, 404, "not-found", "no such export");
    if (strcmp(r->method, "DELETE") == 0) {
        *link = j->next;
        pthread_mutex_unlock(&jobs_lock);
        free_job(j);
        return send_fhir(r, 202, hss_fhir_outcome("information", "informational", "export deleted", NULL), NULL);
    }
    int done = j->done;
    char error[600];
    snprintf(error, sizeof error, "%s", j->error);
    if (done == 0) {
        pthread_mutex_unlock(&jobs_lock);
        const char *h[] = {"X-Progress", "running", "Retry-After", "1", NULL};
        return hss_respond(r, 202, FHIR_JSON, "", 0, h);
    }
    char base[300];
    base_url(r, base);
    char *m = done > 0 ? manifest(j, base) : NULL;
    pthread_mutex_unlock(&jobs_lock);
    if (!m)
        return outcome(r, 500, "exception", error);
    return hss_respond_json(r, 200, m);
}

static enum MHD_Result api_export_file(hss_req *r, const char *rest)
{
    char id[40], type[40];
    if (sscanf(rest, "%32[0-9a-f]/%39[A-Za-z].ndjson", id, type) != 2)
        return outcome(r, 404, "not-found", "no such export file");
    export_job *j = find_job(r, id, NULL);
    if (!j)
        return outcome(r, 404, "not-found", "no such export file");
    char path[4400];
    snprintf(path, sizeof path, "%s/%s.ndjson", j->dir, type);
    int done = j->done;
    pthread_mutex_unlock(&jobs_lock);
    int fd = done > 0 ? open(path, O_RDONLY) : -1;
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        if (fd >= 0)
            close(fd);
        return outcome(r, 404, "not-found", "no such export file");
    }
    /* streamed from the file: an export may be larger than memory */
    struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
    if (!resp) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", "application/fhir+ndjson");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    return hss_respond_resp(r, 200, resp, (size_t)sb.st_size);
}

/* ---- routing -------------------------------------------------------------------------------------- */

/* Authenticates; refusals are audited. Returns 0, or -1 after responding. */
static int authenticate(hss_req *r, int write)
{
    hss_auth_session(r);
    const char *why = NULL;
    unsigned status = 401;
    if (!r->authed) {
        why = "authentication required: a bearer token (hss client add) or a session";
    } else if (strcmp(r->role, "resident") == 0) {
        why = "a resident's account reads only their own record, not the FHIR API";
        status = 403;
    } else if (write && strcmp(r->role, "client") != 0) {
        const char *tok = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
        size_t n = strlen(r->csrf);
        if (!tok || strlen(tok) != n || n == 0 || sodium_memcmp(tok, r->csrf, n) != 0) {
            why = "missing or wrong X-CSRF-Token";
            status = 403;
        }
    }
    if (!why)
        return 0;
    char target[600];
    snprintf(target, sizeof target, "%s %s", r->method, r->url);
    hss_auth_audit_log(r->st, r->authed ? r->user : "", r->ip, "fhir_denied", target, (int)status, why, NULL);
    const char *h[] = {"WWW-Authenticate", "Bearer", NULL};
    send_fhir(r, status, hss_fhir_outcome("error", status == 401 ? "login" : "forbidden", why, NULL),
              status == 401 ? h : NULL);
    return -1;
}

enum MHD_Result hss_api_fhir(hss_req *r)
{
    const char *p = r->url + strlen("/fhir/R4");
    int get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    int post = strcmp(r->method, "POST") == 0;
    if (r->too_big)
        return hss_fhir_too_big(r);
    if ((strcmp(p, "/metadata") == 0) && get) {
        char base[300];
        base_url(r, base);
        return send_fhir(r, 200, hss_fhir_capability(base), NULL);
    }
    if (authenticate(r, !get))
        return MHD_YES;
    hss_fhir_viewer v = {r->user, r->scope, sees_ids(r->role)};
    if ((strcmp(p, "") == 0 || strcmp(p, "/") == 0) && post)
        return api_import(r);
    if (strcmp(p, "/$export") == 0 && get)
        return api_export_kickoff(r, &v);
    if (strncmp(p, "/$export-status/", 16) == 0 && (get || strcmp(r->method, "DELETE") == 0))
        return api_export_status(r, p + 16);
    if (strncmp(p, "/$export-file/", 14) == 0 && get)
        return api_export_file(r, p + 14);
    if (!get)
        return outcome(r, 405, "not-supported", "only GET here (POST a Bundle to the base URL)");
    char type[40], id[80];
    if (sscanf(p, "/%39[A-Za-z]/%79[A-Za-z0-9.-]", type, id) == 2 && strlen(p) == 2 + strlen(type) + strlen(id))
        return api_read(r, &v, type, id);
    if (sscanf(p, "/%39[A-Za-z]", type) == 1 && strlen(p) == 1 + strlen(type))
        return api_search(r, &v, type);
    return outcome(r, 404, "not-found", "no such FHIR endpoint");
}
