/*
 * cache.c: per-thread caches that keep the hot read path off SQLite. Sessions (by token hash)
 * and finished read responses (by the caller's scope, path and arguments) are kept per worker
 * thread and all dropped as soon as the database changes in any way: SQLite's PRAGMA
 * data_version moves when another connection (another thread, `hss user`, an import) commits,
 * and the store's total changes when this thread's connection writes (a login, a logout, an audit
 * record). Cached sessions still honour their expiry time. A few costly answers that are the
 * same for everyone who asks the same (the map's boundaries) are kept once for all threads, by
 * data version (hss_shared_get).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/server_int.h"

void hss_cache_clear(hss_thread_db *t)
{
    for (size_t i = 0; i < HSS_RESP_CACHE; i++) {
        if (t->resp[i].resp)
            MHD_destroy_response(t->resp[i].resp);
        free(t->resp[i].key);
        t->resp[i].resp = NULL;
        t->resp[i].key = NULL;
        t->resp[i].bytes = 0;
    }
    t->resp_bytes = 0;
    for (size_t i = 0; i < HSS_SESS_CACHE; i++)
        t->sess[i].hash[0] = 0;
    t->resp_next = t->sess_next = 0;
}

/* Moves whenever any connection commits (hss_store_commits); -1 when the store cannot say. */
static long long data_version(hss_req *r)
{
    return hss_store_commits(r->st);
}

void hss_cache_validate(hss_req *r)
{
    hss_thread_db *t = r->tdb;
    int64_t v = data_version(r), c = hss_store_total_changes(t->st);
    if (v != t->seen_version || c != t->seen_changes || v < 0) {
        hss_cache_clear(t);
        t->seen_version = v;
        t->seen_changes = c;
    }
}

void hss_cache_after(hss_req *r)
{
    hss_thread_db *t = r->tdb;
    int64_t c = hss_store_total_changes(t->st);
    if (c != t->seen_changes) {
        hss_cache_clear(t);
        t->seen_changes = c;
        t->seen_version = data_version(r);
    }
}

int hss_session_lookup(hss_req *r, const char *hash)
{
    hss_thread_db *t = r->tdb;
    for (size_t i = 0; i < HSS_SESS_CACHE; i++) {
        if (strcmp(t->sess[i].hash, hash) != 0)
            continue;
        if (t->sess[i].expires <= (long long)time(NULL))
            return 0;
        memcpy(r->user, t->sess[i].user, sizeof r->user);
        memcpy(r->role, t->sess[i].role, sizeof r->role);
        memcpy(r->scope, t->sess[i].scope, sizeof r->scope);
        memcpy(r->csrf, t->sess[i].csrf, sizeof r->csrf);
        r->ties = t->sess[i].ties;
        r->ties_known = 1;
        r->authed = 1;
        return 1;
    }
    return 0;
}

void hss_session_remember(hss_req *r, const char *hash, long long expires)
{
    hss_thread_db *t = r->tdb;
    size_t i = t->sess_next++ % HSS_SESS_CACHE;
    snprintf(t->sess[i].hash, sizeof t->sess[i].hash, "%s", hash);
    memcpy(t->sess[i].user, r->user, sizeof r->user);
    memcpy(t->sess[i].role, r->role, sizeof r->role);
    memcpy(t->sess[i].scope, r->scope, sizeof r->scope);
    memcpy(t->sess[i].csrf, r->csrf, sizeof r->csrf);
    t->sess[i].ties = r->ties;
    t->sess[i].expires = expires;
}

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    hss_buf *b = cls;
    hss_buf_printf(b, "&%s=%s", key, value ? value : "");
    return MHD_YES;
}

int hss_cache_serve(hss_req *r, enum MHD_Result *ret)
{
    hss_buf b;
    hss_buf_init(&b);
    /* the language and gzip too: an answer (a refusal, a heading) may be in the user's language,
     * and compressed for a client that takes it */
    hss_buf_printf(&b, "%s\n%s%s\n%s\n%s?", r->scope, hss_lang_en(r) ? "en" : "zh", hss_accepts_gzip(r) ? " gzip" : "",
                   r->method, r->url);
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_arg, &b);
    hss_thread_db *t = r->tdb;
    for (size_t i = 0; i < HSS_RESP_CACHE; i++) {
        if (t->resp[i].key && strcmp(t->resp[i].key, b.data) == 0) {
            hss_buf_free(&b);
            *ret = MHD_queue_response(r->conn, t->resp[i].status, t->resp[i].resp);
            r->responded = (int)t->resp[i].status;
            return 1;
        }
    }
    r->cache_key = hss_buf_steal(&b);
    return 0;
}

static void evict(hss_thread_db *t, size_t i)
{
    if (t->resp[i].resp)
        MHD_destroy_response(t->resp[i].resp);
    free(t->resp[i].key);
    t->resp[i].resp = NULL;
    t->resp[i].key = NULL;
    t->resp_bytes -= t->resp[i].bytes;
    t->resp[i].bytes = 0;
}

void hss_cache_store(hss_req *r, unsigned status, struct MHD_Response *resp, size_t bytes)
{
    hss_thread_db *t = r->tdb;
    /* round robin: the slot after the newest is the oldest */
    size_t i = t->resp_next++ % HSS_RESP_CACHE;
    evict(t, i);
    for (size_t k = 1; k < HSS_RESP_CACHE && t->resp_bytes + bytes > HSS_RESP_CACHE_BYTES; k++)
        evict(t, (i + k) % HSS_RESP_CACHE);
    t->resp[i].key = r->cache_key;
    t->resp[i].resp = resp;
    t->resp[i].status = status;
    t->resp[i].bytes = bytes;
    t->resp_bytes += bytes;
    r->cache_key = NULL;
}

/* ---- answers shared by every thread ----------------------------------------------------------
 * A few answers that are costly to build and the same for every user who asks the same (the
 * map's boundaries) are kept once for the process, by key and the store's data version, so that
 * the warm-up thread can build them before the first screen asks and every worker reuses them. */

enum { SHARED_SLOTS = 16 };
static struct {
    char *key, *body;
    int64_t version;
} shared[SHARED_SLOTS];
static size_t shared_next;
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;

char *hss_shared_get(const char *key, int64_t version)
{
    char *body = NULL;
    pthread_mutex_lock(&shared_lock);
    for (size_t i = 0; i < SHARED_SLOTS && !body; i++)
        if (shared[i].key && shared[i].version == version && strcmp(shared[i].key, key) == 0)
            body = hss_xstrdup(shared[i].body);
    pthread_mutex_unlock(&shared_lock);
    return body;
}

void hss_shared_put(const char *key, int64_t version, const char *body)
{
    pthread_mutex_lock(&shared_lock);
    size_t i = 0;
    while (i < SHARED_SLOTS && !(shared[i].key && strcmp(shared[i].key, key) == 0))
        i++;
    if (i == SHARED_SLOTS)
        i = shared_next++ % SHARED_SLOTS; /* round robin: the oldest slot */
    free(shared[i].key);
    free(shared[i].body);
    shared[i].key = hss_xstrdup(key);
    shared[i].body = hss_xstrdup(body);
    shared[i].version = version;
    pthread_mutex_unlock(&shared_lock);
}

void hss_shared_clear(void)
{
    pthread_mutex_lock(&shared_lock);
    for (size_t i = 0; i < SHARED_SLOTS; i++) {
        free(shared[i].key);
        free(shared[i].body);
        shared[i].key = shared[i].body = NULL;
    }
    pthread_mutex_unlock(&shared_lock);
}
