/*
 * cache.c: the server's one answer cache, and each worker thread's cache of sessions.
 *
 * Every cached answer, whatever the endpoint, is one slot of one process-wide table, found by
 * its key (the endpoint, the database, the caller's scope and the arguments: hss_cache_key)
 * and valid at one version:
 *   - whole responses to reads (areas, facilities, alerts, the worklist ...) are kept as the
 *     finished HTTP response at the server's commit epoch. The epoch moves whenever any
 *     connection commits anything: a thread sees another connection's commit (another thread,
 *     `hss user` from the CLI, an import) as a move of its connection's data_version
 *     (hss_store_commits), and its own as a move of its connection's total changes. So a
 *     logout or an access-log row takes effect on the next request, in every thread.
 *   - costly answers that only stored facts decide (coverage and EMS answers, care measures,
 *     the map's boundaries and facility points) are kept as their JSON text at the store's
 *     data version, which only changes of facts move, so that they outlive audit and access-
 *     log rows.
 * The table is bounded in slots and in bytes; the oldest slot goes first. Sessions (by token
 * hash) are kept per thread and dropped on the same moves; cached sessions honour their expiry.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/server_int.h"

enum { SLOTS = 256 };
#define CACHE_BYTES (96u << 20)

static struct {
    char *key;
    int64_t version;            /* commit epoch (responses) or data version (answers) */
    struct MHD_Response *resp;  /* a whole response, or NULL */
    unsigned status;
    char *body;                 /* an answer's JSON text, or NULL */
    size_t bytes;
} slot[SLOTS];
static size_t slot_next, slot_bytes;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_llong epoch = 1;

static void drop(size_t i)
{
    if (slot[i].resp)
        MHD_destroy_response(slot[i].resp);
    free(slot[i].key);
    free(slot[i].body);
    slot_bytes -= slot[i].bytes;
    memset(&slot[i], 0, sizeof slot[i]);
}

/* The slot of `key`, or SLOTS. Lock held. */
static size_t find(const char *key)
{
    for (size_t i = 0; i < SLOTS; i++)
        if (slot[i].key && strcmp(slot[i].key, key) == 0)
            return i;
    return SLOTS;
}

/* The slot of `key` holding a whole response at `version`, or SLOTS. Lock held. */
static size_t live(const char *key, int64_t version)
{
    size_t i = find(key);
    return i < SLOTS && slot[i].resp && slot[i].version == version ? i : SLOTS;
}

/* A slot for `key` holding `bytes`, emptied and named (taking key); older slots make room. */
static size_t claim(char *key, int64_t version, size_t bytes)
{
    size_t i = find(key);
    if (i == SLOTS)
        i = slot_next++ % SLOTS; /* round robin: the slot after the newest is the oldest */
    drop(i);
    for (size_t k = 1; k < SLOTS && slot_bytes + bytes > CACHE_BYTES; k++)
        if (slot[(i + k) % SLOTS].key)
            drop((i + k) % SLOTS);
    slot[i].key = key;
    slot[i].version = version;
    slot[i].bytes = bytes;
    slot_bytes += bytes;
    return i;
}

void hss_cache_clear_all(void)
{
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < SLOTS; i++)
        drop(i);
    slot_next = 0;
    pthread_mutex_unlock(&lock);
}

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    hss_buf *b = cls;
    hss_buf_printf(b, "&%s=%s", key, value ? value : "");
    return MHD_YES;
}

void hss_cache_key(hss_buf *b, hss_req *r, const char *endpoint)
{
    hss_buf_reset(b);
    /* the language and gzip too: an answer (a refusal, a heading) may be in the user's language,
     * and compressed for a client that takes it */
    hss_buf_printf(b, "%s\n%s\n%s\n%s%s\n?", endpoint ? endpoint : r->url, hss_store_path(r->st), r->scope,
                   hss_lang_en(r) ? "en" : "zh", hss_accepts_gzip(r) ? " gzip" : "");
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, add_arg, b);
}

/* ---- answers at a data version --------------------------------------------------------------- */

char *hss_cache_get(const char *key, int64_t version)
{
    char *body = NULL;
    pthread_mutex_lock(&lock);
    size_t i = find(key);
    if (i < SLOTS && slot[i].body && slot[i].version == version)
        body = hss_xstrdup(slot[i].body);
    pthread_mutex_unlock(&lock);
    return body;
}

void hss_cache_put(const char *key, int64_t version, const char *body)
{
    size_t len = strlen(body);
    if (len > CACHE_BYTES / 4)
        return;
    pthread_mutex_lock(&lock);
    size_t i = claim(hss_xstrdup(key), version, len);
    slot[i].body = hss_xstrdup(body);
    pthread_mutex_unlock(&lock);
}

/* ---- whole responses at the commit epoch ------------------------------------------------------ */

/* A move of what this thread's connection has seen: another connection's commit, or its own. */
static int moved(hss_thread_db *t)
{
    int64_t v = hss_store_commits(t->st), c = hss_store_total_changes(t->st);
    int m = v != t->seen_version || c != t->seen_changes || v < 0;
    t->seen_version = v;
    t->seen_changes = c;
    return m;
}

static void sessions_clear(hss_thread_db *t)
{
    for (size_t i = 0; i < HSS_SESS_CACHE; i++)
        t->sess[i].hash[0] = 0;
    t->sess_next = 0;
}

void hss_cache_validate(hss_req *r)
{
    if (moved(r->tdb)) {
        atomic_fetch_add(&epoch, 1);
        sessions_clear(r->tdb);
    }
    /* what this request reads is at least this new: a response it keeps is stamped with the
     * epoch from before its reads, so that a commit during them leaves it unserved */
    r->epoch = atomic_load(&epoch);
}

void hss_cache_after(hss_req *r)
{
    hss_thread_db *t = r->tdb;
    if (hss_store_total_changes(t->st) != t->seen_changes) {
        moved(t);
        atomic_fetch_add(&epoch, 1);
        sessions_clear(t);
    }
}

void hss_cache_changed(hss_req *r)
{
    atomic_fetch_add(&epoch, 1);
    sessions_clear(r->tdb);
}

int hss_cache_serve(hss_req *r, enum MHD_Result *ret)
{
    hss_buf b;
    hss_buf_init(&b);
    hss_cache_key(&b, r, NULL); /* the path, for a GET */
    int64_t now = atomic_load(&epoch);
    pthread_mutex_lock(&lock);
    size_t i = r->cache_skip ? SLOTS : live(b.data, now);
    if (i < SLOTS && r->deferred) {
        /* a worker: the connection's own thread sends it (hss_cache_send_hit) */
        r->responded = (int)slot[i].status;
        pthread_mutex_unlock(&lock);
        r->hit_key = hss_buf_steal(&b);
        r->hit_version = now;
        *ret = MHD_YES;
        return 1;
    }
    if (i < SLOTS) {
        /* queued under the lock, so that no other thread destroys it meanwhile */
        *ret = MHD_queue_response(r->conn, slot[i].status, slot[i].resp);
        r->responded = (int)slot[i].status;
        pthread_mutex_unlock(&lock);
        hss_buf_free(&b);
        return 1;
    }
    pthread_mutex_unlock(&lock);
    r->cache_key = hss_buf_steal(&b);
    return 0;
}

int hss_cache_send_hit(hss_req *r, enum MHD_Result *ret)
{
    pthread_mutex_lock(&lock);
    size_t i = live(r->hit_key, r->hit_version);
    int found = i < SLOTS;
    if (found) /* queued under the lock, so that no other thread destroys it meanwhile */
        *ret = MHD_queue_response(r->conn, slot[i].status, slot[i].resp);
    pthread_mutex_unlock(&lock);
    return found;
}

void hss_cache_store(hss_req *r, unsigned status, struct MHD_Response *resp, size_t bytes)
{
    if (bytes > CACHE_BYTES / 4) {
        MHD_destroy_response(resp);
        return;
    }
    pthread_mutex_lock(&lock);
    size_t i = claim(r->cache_key, r->epoch, bytes);
    slot[i].resp = resp;
    slot[i].status = status;
    pthread_mutex_unlock(&lock);
    r->cache_key = NULL;
}

/* ---- sessions, per thread ---------------------------------------------------------------------- */

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
