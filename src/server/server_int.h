/*
 * server_int.h (private to server/): the request being handled and the helpers the endpoint
 * files share. One `hss_req` lives for one HTTP request on one worker thread.
 */
#ifndef HSS_SERVER_INT_H
#define HSS_SERVER_INT_H

#include <microhttpd.h>
#include <stdarg.h>
#include <pthread.h>

#include "server/server.h"

struct hss_server {
    struct MHD_Daemon *daemon;
    hss_server_config cfg;
    char *db_path;
    char *web_root;         /* realpath of web_dir, or NULL */
    pthread_key_t store_key; /* per-thread hss_store */
    struct hss_pool *pool;   /* the worker threads (pool.c) */
};

/* What each worker thread keeps: its own connection (the modules prepare their statements on
 * it and finish them within the call, so no read transaction outlives a request). */
#define HSS_SESS_CACHE 32
typedef struct hss_thread_db {
    hss_store *st;
    /* What this connection had seen at its last look (cache.c): its data_version, which moves
     * when another connection commits, and its own total changes. */
    long long seen_version, seen_changes;
    /* Sessions (by token hash), dropped whenever the database changes, so that a logout or a
     * `hss user add` from the CLI takes effect on the next request. */
    struct {
        char hash[65]; /* hex BLAKE2b of the cookie token; "" = free slot */
        char user[128], role[16], scope[16], csrf[72];
        long long expires;
        hss_auth_ties ties;
    } sess[HSS_SESS_CACHE];
    size_t sess_next;
} hss_thread_db;

/* One request. */
/* The worker threads that run complete requests (pool.c): hss_pool_push queues arg for
 * run(arg) on the next free worker (-1 once stopping: run it yourself); hss_pool_stop runs
 * what is queued, then joins the workers. */
typedef struct hss_pool hss_pool;
hss_pool *hss_pool_start(int workers, void (*run)(void *));
int hss_pool_push(hss_pool *p, void *arg);
void hss_pool_stop(hss_pool *p);

typedef struct hss_req {
    hss_server *srv;
    struct MHD_Connection *conn;
    const char *method;
    const char *url;       /* decoded path */
    hss_store *st;         /* this thread's connection */
    hss_thread_db *tdb;    /* and its caches */
    char ip[64];
    hss_buf body;          /* request body (bounded by body_limit) */
    int too_big;           /* body went over the limit */
    int responded;
    /* the logged-in user, when authed */
    int authed;
    char user[128];
    char role[16];
    char scope[16];        /* area code */
    char csrf[72];
    int ties_known;        /* ties read with the session (else hss_req_ties reads them) */
    hss_auth_ties ties;    /* the team, facility or resident the account is tied to */
    char *cache_key;       /* set while producing a cacheable response */
    int64_t epoch;         /* the commit epoch when the request began (cache.c) */
    /* While a write runs inside its transaction (http.c), its response is held here and only
     * queued once the change and its audit row are committed, so that no client is told of a
     * change that a crash or a failed commit then loses. */
    int hold;
    struct MHD_Response *held;
    unsigned held_status;
    size_t held_len;       /* its length, for the answer cache */
    /* A request run by a worker (pool.c) while its connection is suspended: every answer is
     * held, and sent by the connection's own libmicrohttpd thread once the worker is done
     * (libmicrohttpd wants a connection's answer queued by its own thread). */
    int deferred;
    int turned;            /* waited one turn of the event loop before its hand-over (http.c) */
    int dispatched;        /* handed to a worker */
    int finished;          /* the worker is done with it */
    char *hit_key;         /* the cached answer the worker found (sent from the cache) */
    int64_t hit_version;
    int cache_skip;        /* that answer was gone by then: computed instead */
    /* What the write's one audit row says, when the endpoint names it (hss_audit_note);
     * else action "write", target "METHOD path". */
    int audit_done;        /* a refusal of this request is already on record */
    char audit_action[32];
    char audit_target[128];
    char *audit_detail;
} hss_req;

/* Names the one audit row of the current write (action, target, detail), which http.c writes in
 * the write's transaction with the response status: an endpoint calls this instead of writing
 * a row of its own, so every write leaves exactly one row. */
void hss_audit_note(hss_req *r, const char *action, const char *target, const char *detail);
/* A refusal (outside the caller's scope, a resident reading someone else ...): one `denied` row
 * naming what was asked for, written at once. */
void hss_audit_denied(hss_req *r, const char *what);

/* Responses. Every response carries the security headers. `data` is copied. */
enum MHD_Result hss_respond(hss_req *r, unsigned status, const char *type, const char *data, size_t len,
                            const char *const *headers);
/* The client takes gzip-compressed answers (hss_respond compresses text of 1 KiB and more). */
int hss_accepts_gzip(hss_req *r);
/* {"error": msg} with status. */
enum MHD_Result hss_respond_error(hss_req *r, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Takes ownership of a malloc'd JSON string. */
/* Sends (or holds, see hss_req) a response made elsewhere, taking it; len: its body's bytes,
 * for the answer cache. */
enum MHD_Result hss_respond_resp(hss_req *r, unsigned status, struct MHD_Response *resp, size_t len);
enum MHD_Result hss_respond_json(hss_req *r, unsigned status, char *json);

/* cache.c: the one answer cache (see there) and the sessions of each thread. */
void hss_cache_validate(hss_req *r);  /* at the start of a request */
void hss_cache_after(hss_req *r);     /* at its end */
void hss_cache_changed(hss_req *r);   /* after a write committed on another connection */
/* Sends the cached answer a worker found (r->hit_key), from the connection's own thread;
 * 0 when it has gone meanwhile. */
int hss_cache_send_hit(hss_req *r, enum MHD_Result *ret);
void hss_cache_clear_all(void);       /* at the server's stop */
/* The cache key of an answer of the request: `endpoint` (NULL: the request's path), the
 * database, the caller's scope, language and gzip, and every query argument. */
void hss_cache_key(hss_buf *b, hss_req *r, const char *endpoint);
int hss_session_lookup(hss_req *r, const char *hash);
void hss_session_remember(hss_req *r, const char *hash, long long expires);
/* For a cacheable GET: serves the cached response of this commit epoch and returns 1, or sets
 * r->cache_key and returns 0 so that hss_respond keeps what the endpoint produces. */
int hss_cache_serve(hss_req *r, enum MHD_Result *ret);
/* Keeps `resp` (taking the caller's reference) under r->cache_key at r->epoch. */
void hss_cache_store(hss_req *r, unsigned status, struct MHD_Response *resp, size_t bytes);
/* An answer that only stored facts decide: a copy of the JSON text kept under `key` at data
 * version `version`, or NULL; keeping one (copied). */
char *hss_cache_get(const char *key, int64_t version);
void hss_cache_put(const char *key, int64_t version, const char *body);

/* render.c: a module's rows as JSON. kinds[c] says how column c is written under keys[c]:
 * 's' text (a null cell leaves the key out), 'S' text or null, 'n' number (null reads 0),
 * 'm' number (a null leaves the key out), 'N' number or null, 'b' boolean (non-zero), '-' left out; the string ends the columns. */
struct cJSON;
void hss_json_cell(struct cJSON *o, const char *key, const hss_table *t, size_t i, size_t c, char kind);
struct cJSON *hss_json_row(const hss_table *t, size_t i, const char *const *keys, const char *kinds);
struct cJSON *hss_json_rows(const hss_table *t, const char *const *keys, const char *kinds);

/* A query-string argument, or NULL. */
const char *hss_arg(hss_req *r, const char *name);

/* Parameter validation: each returns 0 when the value is acceptable (NULL is acceptable and
 * means absent), else responds 400 and returns -1. */
int hss_check_code(hss_req *r, const char *name, const char *v);
int hss_check_word(hss_req *r, const char *name, const char *v, size_t maxlen);
int hss_check_uint(hss_req *r, const char *name, const char *v, long long max, long long *out);
/* Resolves the `under` argument against the user's scope: absent = the scope itself; outside the
 * scope = 403. Writes the code to out. Returns 0, or -1 after responding. */
int hss_resolve_under(hss_req *r, const char *under, char out[16]);

/* auth.c */
/* Reads the session cookie; fills r->authed/user/role/scope/csrf when it names a live session. */
void hss_auth_session(hss_req *r);
enum MHD_Result hss_api_login(hss_req *r);
enum MHD_Result hss_api_logout(hss_req *r);
enum MHD_Result hss_api_me(hss_req *r);
enum MHD_Result hss_api_password(hss_req *r);
/* Random bytes as lowercase hex (2*n chars + NUL into out). */
void hss_random_hex(char *out, size_t n);

/* api_areas.c */
enum MHD_Result hss_api_areas(hss_req *r);
enum MHD_Result hss_api_area(hss_req *r, const char *code);
enum MHD_Result hss_api_summary(hss_req *r);
enum MHD_Result hss_api_search(hss_req *r);
enum MHD_Result hss_api_boundaries(hss_req *r);
/* The boundaries answer of (under, level or NULL, scope), built once per data version and shared
 * (hss_cache_get); the warm-up thread builds the city's before the first screen asks. */
char *hss_boundaries_json(hss_store *st, const char *under, const char *level, const char *scope);

/* api_facilities.c */
enum MHD_Result hss_api_facilities(hss_req *r);
enum MHD_Result hss_api_facility(hss_req *r, const char *code);
enum MHD_Result hss_api_geo_facilities(hss_req *r);
/* The map's facility points under `under` of `type` (NULL = all), built once per data version
 * and shared like the boundaries; NULL on a database error. */
char *hss_geo_facilities_json(hss_store *st, const char *under, const char *type);
enum MHD_Result hss_api_export_facilities(hss_req *r, int xlsx);

/* api_findings.c */
enum MHD_Result hss_api_findings(hss_req *r);
enum MHD_Result hss_api_export_findings(hss_req *r, int xlsx);
void hss_findings_cache_clear(void);
/* The findings warm-up thread (api_findings.c): the region's pack for the city and each county,
 * evaluated at start and whenever the data version moves. */
void hss_findings_warm_start(const char *db_path);
void hss_findings_warm_stop(void);

/* api_coverage.c: service-circle coverage, EMS response and siting proposals (src/access/). */
enum MHD_Result hss_api_coverage(hss_req *r);
enum MHD_Result hss_api_coverage_ems(hss_req *r);
enum MHD_Result hss_api_site(hss_req *r);
/* Waits for siting runs still under way (hss_server_stop). */
void hss_coverage_shutdown(void);
/* Computes and keeps the coverage and EMS answers the first screen asks for `under`, for a user
 * whose scope is `under`, in both languages (api_coverage.c; the findings warm-up calls it). */
void hss_coverage_warm(hss_store *st, const char *under);

/* export.c: a table as a download (CSV with BOM for Excel, or XLSX). */
enum MHD_Result hss_respond_table_file(hss_req *r, const hss_table *t, const char *basename, int xlsx);

/* api_care.c: the /care/... endpoints (p is the path after /api/v1) */
enum MHD_Result hss_api_care(hss_req *r, const char *p);

/* api_care_write.c: the care writes (POST followups, contracts, referrals, enrolments, residents)
 * and GET /care/destinations. Returns 1 after answering a path it handles, 0 otherwise. */
int hss_api_care_write(hss_req *r, const char *p, enum MHD_Result *ret);
/* Adds a record's follow-ups (oldest first) to a resident answer o; the read is already audited. */
struct cJSON;
void hss_care_add_followups(hss_req *r, struct cJSON *o, int64_t resident_id);
/* Adds to each access-log entry (objects with "user") the reader's display name, role and
 * facility name, so that a resident sees who read their record. */
void hss_care_describe_readers(hss_req *r, struct cJSON *log);

/* care_roles.c: who may do what with named residents. Each check returns 0 when allowed, else
 * answers 403 in the user's language (audited) and returns -1. */
#include "care/care.h"
typedef struct hss_care_actor {
    hss_care_viewer v; /* the scope of the user's reads and writes */
    char team[64];     /* role doctor: the team */
    char facility[64]; /* role doctor: the team's facility; hospital: the facility */
} hss_care_actor;
int hss_lang_en(hss_req *r); /* the user's language is English (?lang=, X-HSS-Lang, Accept-Language) */

/* words.c: the server's words in the user's language. */
/* The Chinese text of an error given as the English printf format `fmt` and its arguments `ap`
 * (en_msg: the English message already formatted) into out. */
void hss_words_error(unsigned status, const char *fmt, va_list ap, const char *en_msg, char *out, size_t n);
/* Why a question cannot be answered yet (a module's message, e.g. no road network) as the user
 * reads it: in Chinese, or in English without the server's file paths. */
void hss_words_reason(const char *msg, int en, char *out, size_t n);
/* The export heading of column `col` in the language, or NULL when that export leaves it out. */
const char *hss_words_heading(const hss_table *t, size_t col, int en);
int hss_care_named_role(const hss_req *r); /* may the role see named residents at all */
int hss_care_actor_of(hss_req *r, hss_care_actor *a);
/* What the user's account is tied to (read with the session, else now); NULL after answering
 * 500 on a database error. */
const hss_auth_ties *hss_req_ties(hss_req *r);
int hss_care_may_record(hss_req *r, const hss_care_actor *a, const char *kind);
int hss_care_read_refused(hss_req *r);
int hss_care_worklist_refused(hss_req *r, const char *team, const char *facility);
/* Role hospital: widens v to the resident `key` when an open referral is addressed to the
 * user's facility (buf keeps the village code). */
void hss_care_hospital_viewer(hss_req *r, const char *key, hss_care_viewer *v, char buf[24]);
int hss_care_transition_check(hss_req *r, int64_t referral, const char *state, const char *village, int64_t resident);

/* static.c */
enum MHD_Result hss_serve_static(hss_req *r);

/* The codes inside area `code` are exactly those with lo <= c < hi, where lo is the code's
 * significant prefix and hi is lo followed by ':' (the byte after '9'): an index range scan. */
void hss_prefix_range(const char *code, char lo[13], char hi[14]);
/* api_indicators.c */
enum MHD_Result hss_api_indicators(hss_req *r);

/* api_fhir.c: /fhir/R4 (FHIR R4 read, search, import, bulk export) */
enum MHD_Result hss_api_fhir(hss_req *r);
/* A bearer token (system client) in Authorization: fills r like a session; 1 when a bearer
 * header was given (valid or not), 0 when there was none. */
int hss_auth_bearer(hss_req *r);
/* 413 for a body over the limit (an OperationOutcome under /fhir/). */
enum MHD_Result hss_fhir_too_big(hss_req *r);
/* Waits for bulk exports still running and removes their files (hss_server_stop). */
void hss_fhir_api_shutdown(void);

/* api_ems.c: the /ems/... endpoints (p is the path after /api/v1) */
enum MHD_Result hss_api_ems(hss_req *r, const char *p);
/* api_rounds.c: mobile-clinic rounds for the map and a village's schedule (src/rounds/). */
enum MHD_Result hss_api_rounds(hss_req *r);
enum MHD_Result hss_api_rounds_schedule(hss_req *r);

/* api_alerts.c */
enum MHD_Result hss_api_alerts(hss_req *r);
enum MHD_Result hss_api_alerts_response(hss_req *r);
/* /alerts/{id} (GET) and /alerts/{id}/{action} (POST); `rest` follows "/alerts/". */
enum MHD_Result hss_api_alert_route(hss_req *r, const char *rest);
/* api_plan.c: tasks, progress reports, saved evaluations, 整改, bulletin (p follows /api/v1);
 * and the body limit of a URL (a progress report with its files may be larger). */
enum MHD_Result hss_api_plan(hss_req *r, const char *p);
size_t hss_api_plan_body_limit(const char *url, size_t normal);
#endif
