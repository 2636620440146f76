/*
 * store.c: the SQLite backend. Opens the file in WAL mode with foreign keys on and applies
 * each module's pending migrations inside one transaction, so a failed migration leaves the
 * file as it was. Write transactions of one process on one file queue in order at a gate
 * (below) instead of in SQLite's busy handler.
 */
#include "store/store.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/schema.h"

/* How long a writer waits for the database (the gate, then SQLite's busy handler for other
 * processes) before its request fails with "database is locked". */
#define BUSY_TIMEOUT_MS 15000

/* ---- the write gate ------------------------------------------------------------------------
 * SQLite lets one writer at a time into a file; the others wait in its busy handler, which
 * sleeps and polls in growing steps (up to 100 ms), so under load a writer waits far longer than
 * the transactions ahead of it take, and the order is left to chance. All connections of this
 * process to one file therefore pass a gate before BEGIN IMMEDIATE: one at a time, first come
 * first served, each woken the moment the one before it commits. Writers in other processes
 * (an import from the command line) still meet the busy handler. */
typedef struct gate_waiter {
    pthread_cond_t cv;
    struct gate_waiter *next;
} gate_waiter;

typedef struct write_gate {
    char *path; /* the file's real path: every connection to it shares this gate */
    int refs;   /* open stores using it */
    pthread_mutex_t mu;
    int held;
    gate_waiter *head, *tail; /* in arrival order */
    struct write_gate *next;
} write_gate;

static pthread_mutex_t gates_mu = PTHREAD_MUTEX_INITIALIZER;
static write_gate *gates;

/* The gate of a file (NULL for ":memory:", which is private to its connection). */
static write_gate *gate_get(const char *path)
{
    char real[PATH_MAX];
    if (strcmp(path, ":memory:") == 0 || *path == 0 || !realpath(path, real))
        return NULL;
    pthread_mutex_lock(&gates_mu);
    write_gate *g = gates;
    while (g && strcmp(g->path, real) != 0)
        g = g->next;
    if (!g) {
        g = hss_xcalloc(1, sizeof *g);
        g->path = hss_xstrdup(real);
        pthread_mutex_init(&g->mu, NULL);
        g->next = gates;
        gates = g;
    }
    g->refs++;
    pthread_mutex_unlock(&gates_mu);
    return g;
}

static void gate_put(write_gate *g)
{
    if (!g)
        return;
    pthread_mutex_lock(&gates_mu);
    if (--g->refs == 0) {
        write_gate **p = &gates;
        while (*p != g)
            p = &(*p)->next;
        *p = g->next;
        pthread_mutex_destroy(&g->mu);
        free(g->path);
        free(g);
    }
    pthread_mutex_unlock(&gates_mu);
}

static void gate_unlink(write_gate *g, gate_waiter *w)
{
    gate_waiter **p = &g->head, *prev = NULL;
    while (*p != w) {
        prev = *p;
        p = &(*p)->next;
    }
    *p = w->next;
    if (g->tail == w)
        g->tail = prev;
}

/* Waits its turn; 0 when through, -1 after timeout_ms. */
static int gate_enter(write_gate *g, int timeout_ms)
{
    pthread_mutex_lock(&g->mu);
    if (!g->held && !g->head) {
        g->held = 1;
        pthread_mutex_unlock(&g->mu);
        return 0;
    }
    gate_waiter w = {.next = NULL};
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w.cv, &ca);
    pthread_condattr_destroy(&ca);
    if (g->tail)
        g->tail->next = &w;
    else
        g->head = &w;
    g->tail = &w;
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    int rc = 0;
    while (g->held || g->head != &w) {
        if (pthread_cond_timedwait(&w.cv, &g->mu, &until) == ETIMEDOUT && (g->held || g->head != &w)) {
            rc = -1;
            break;
        }
    }
    gate_unlink(g, &w);
    if (rc == 0)
        g->held = 1;
    else if (!g->held && g->head) /* it was this waiter's turn it gave up: pass it on */
        pthread_cond_signal(&g->head->cv);
    pthread_cond_destroy(&w.cv);
    pthread_mutex_unlock(&g->mu);
    return rc;
}

static void gate_leave(write_gate *g)
{
    pthread_mutex_lock(&g->mu);
    g->held = 0;
    if (g->head)
        pthread_cond_signal(&g->head->cv);
    pthread_mutex_unlock(&g->mu);
}

static int gate_waiting(write_gate *g)
{
    pthread_mutex_lock(&g->mu);
    int n = 0;
    for (gate_waiter *w = g->head; w; w = w->next)
        n++;
    pthread_mutex_unlock(&g->mu);
    return n;
}

/* ---- the store ------------------------------------------------------------------------------ */

struct hss_store {
    sqlite3 *db;
    char *path;
    write_gate *gate; /* shared with the process's other connections to the file */
    int gated;        /* this connection is through the gate (its transaction is open) */
    int wal_frames;   /* frames in the write-ahead log after this connection's last commit */
    int depth; /* open hss_store_begin levels: 1 = the transaction, more = savepoints in it */
    sqlite3_int64 changes_at_begin; /* sqlite3_total_changes64 when the transaction began */
    hss_store_commit_hook hook;     /* see hss_store_set_commit_hook */
    void *hook_ctx;
};

static const hss_schema *const SCHEMAS[] = {
    &hss_schema_core, &hss_schema_region, &hss_schema_policy, &hss_schema_metrics,
    &hss_schema_access, &hss_schema_surveil, &hss_schema_care, &hss_schema_server,
    &hss_schema_fhir,
    &hss_schema_ems,
    &hss_schema_plan,
    &hss_schema_rounds,
};

hss_code hss_store_error(hss_store *st, hss_error *err, const char *context)
{
    return hss_fail(err, HSS_EDB, "%s: %s", context, sqlite3_errmsg(st->db));
}

hss_code hss_store_exec(hss_store *st, const char *sql, hss_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        hss_fail(err, HSS_EDB, "database: %s", msg ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        return HSS_EDB;
    }
    return HSS_OK;
}

sqlite3_stmt *hss_store_prepare(hss_store *st, const char *sql, hss_error *err)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        hss_fail(err, HSS_EDB, "database: cannot prepare statement: %s", sqlite3_errmsg(st->db));
        return NULL;
    }
    return stmt;
}

int hss_store_schema_version(hss_store *st, const char *module)
{
    sqlite3_stmt *s = hss_store_prepare(st, "SELECT version FROM hss_schema_version WHERE module=?", NULL);
    if (!s)
        return 0;
    sqlite3_bind_text(s, 1, module, -1, SQLITE_STATIC);
    int v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
    sqlite3_finalize(s);
    return v;
}

static hss_code migrate(hss_store *st, hss_error *err)
{
    if (hss_store_exec(st, "CREATE TABLE IF NOT EXISTS hss_schema_version("
                           "module TEXT PRIMARY KEY, version INTEGER NOT NULL)", err))
        return HSS_EDB;
    if (hss_store_begin(st, err))
        return HSS_EDB;
    for (size_t i = 0; i < sizeof SCHEMAS / sizeof *SCHEMAS; i++) {
        const hss_schema *sc = SCHEMAS[i];
        int have = hss_store_schema_version(st, sc->module);
        if ((size_t)have > sc->count) {
            hss_store_rollback(st);
            return hss_fail(err, HSS_EDB,
                            "%s: schema of module '%s' is version %d, newer than this hss (%zu)",
                            st->path, sc->module, have, sc->count);
        }
        for (size_t v = (size_t)have; v < sc->count; v++) {
            if (hss_store_exec(st, sc->sql[v], err)) {
                hss_store_rollback(st);
                return HSS_EDB;
            }
        }
        if ((size_t)have < sc->count) {
            sqlite3_stmt *s = hss_store_prepare(st, "INSERT OR REPLACE INTO hss_schema_version VALUES(?,?)", err);
            if (!s) {
                hss_store_rollback(st);
                return HSS_EDB;
            }
            sqlite3_bind_text(s, 1, sc->module, -1, SQLITE_STATIC);
            sqlite3_bind_int(s, 2, (int)sc->count);
            int rc = sqlite3_step(s);
            sqlite3_finalize(s);
            if (rc != SQLITE_DONE) {
                hss_store_rollback(st);
                return hss_store_error(st, err, "recording schema version");
            }
        }
    }
    return hss_store_commit(st, err);
}

/* The log's size after a commit, for checkpoint(). A write outside hss_store_begin (one
 * statement in autocommit mode) holds no gate: its checkpoint runs here, as SQLite's would. */
static int wal_committed(void *ctx, sqlite3 *db, const char *name, int frames)
{
    hss_store *st = ctx;
    (void)name;
    st->wal_frames = frames;
    if (!st->gated && frames >= 1000) {
        st->wal_frames = 0;
        sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    }
    return SQLITE_OK;
}

/* SQLite's own threshold (1000 pages): past it, a passive checkpoint, which copies what no
 * reader still needs and waits for nobody, with no write lock held. */
static void checkpoint(hss_store *st)
{
    if (st->wal_frames < 1000)
        return;
    st->wal_frames = 0;
    sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

hss_store *hss_store_open(const char *path, hss_error *err)
{
    hss_store *st = hss_xcalloc(1, sizeof *st);
    st->path = hss_xstrdup(path);
    if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
        hss_fail(err, HSS_EDB, "%s: cannot open database: %s", path,
                 st->db ? sqlite3_errmsg(st->db) : "out of memory");
        hss_store_close(st);
        return NULL;
    }
    /* Writers (imports, re-snapping after a data change, audit rows) queue behind each other;
     * allow a slow machine a while before a request fails with "database is locked". */
    sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
    hss_error local;
    hss_error_clear(&local);
    if (hss_store_exec(st, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;", &local)) {
        hss_fail(err, local.code, "%s: %s", path, local.msg);
        hss_store_close(st);
        return NULL;
    }
    st->gate = gate_get(path); /* the file exists now; migrating already queues at it */
    if (st->gate) {
        /* SQLite copies the log back into the file (a checkpoint, with an fsync) at the end of
         * the commit that fills it, while the gate is still held: every writer queued behind
         * would wait for the disk. The checkpoint runs after the gate instead (checkpoint()). */
        sqlite3_wal_autocheckpoint(st->db, 0);
        sqlite3_wal_hook(st->db, wal_committed, st);
    }
    if (migrate(st, &local)) {
        hss_fail(err, local.code, "%s: %s", path, local.msg);
        hss_store_close(st);
        return NULL;
    }
    return st;
}

hss_store *hss_store_open_existing(const char *path, hss_error *err)
{
    if (strcmp(path, ":memory:") != 0 && access(path, F_OK) != 0) {
        hss_fail(err, HSS_ENOTFOUND, "%s: no such database (create one with `hss demo` or `hss import`)", path);
        return NULL;
    }
    return hss_store_open(path, err);
}

void hss_store_close(hss_store *st)
{
    if (!st)
        return;
    if (st->db)
        sqlite3_close_v2(st->db);
    if (st->gated)
        gate_leave(st->gate);
    gate_put(st->gate);
    free(st->path);
    free(st);
}

sqlite3 *hss_store_sqlite(hss_store *st) { return st->db; }
const char *hss_store_path(const hss_store *st) { return st->path; }

/* Transactions nest: a begin inside an open transaction becomes a savepoint, so that a module
 * which keeps its work atomic on its own (an import, a generator) can also run as one step of a
 * larger unit that commits or rolls back as a whole (`hss demo`). */
static void savepoint_sql(char *buf, size_t n, const char *verb, int level)
{
    snprintf(buf, n, "%s hss_sp%d", verb, level);
}

/* SQLite ends a transaction by itself on some errors (disk full, I/O): resynchronise, and let
 * the next writer through once no transaction is open. */
static void sync_depth(hss_store *st)
{
    if (sqlite3_get_autocommit(st->db)) {
        st->depth = 0;
        if (st->gated) {
            st->gated = 0;
            gate_leave(st->gate);
            checkpoint(st);
        }
    }
}

hss_code hss_store_begin(hss_store *st, hss_error *err)
{
    sync_depth(st);
    char sql[48];
    if (st->depth == 0 && st->gate) {
        if (gate_enter(st->gate, BUSY_TIMEOUT_MS))
            return hss_fail(err, HSS_EDB, "database: database is locked (other writers of this process)");
        st->gated = 1;
    }
    if (st->depth == 0)
        snprintf(sql, sizeof sql, "BEGIN IMMEDIATE");
    else
        savepoint_sql(sql, sizeof sql, "SAVEPOINT", st->depth);
    hss_code rc = hss_store_exec(st, sql, err);
    if (rc)
        sync_depth(st); /* a BEGIN that failed opened nothing: the gate opens again */
    if (rc == HSS_OK && st->depth == 0)
        st->changes_at_begin = sqlite3_total_changes64(st->db);
    if (rc == HSS_OK)
        st->depth++;
    return rc;
}

int hss_store_writers_waiting(hss_store *st)
{
    return st->gate ? gate_waiting(st->gate) : 0;
}

void hss_store_set_commit_hook(hss_store *st, hss_store_commit_hook hook, void *ctx)
{
    st->hook = hook;
    st->hook_ctx = ctx;
}

hss_code hss_store_commit(hss_store *st, hss_error *err)
{
    sync_depth(st);
    if (st->depth == 0)
        return hss_fail(err, HSS_EDB, "database: commit without an open transaction");
    /* The hook's rows (the CLI's audit row) join the transaction they describe. */
    if (st->depth == 1 && st->hook && sqlite3_total_changes64(st->db) > st->changes_at_begin) {
        hss_store_commit_hook hook = st->hook;
        st->hook = NULL; /* no recursion if the hook itself begins and commits */
        hss_code hc = hook(st, st->hook_ctx, err);
        st->hook = hook;
        if (hc) {
            hss_store_rollback(st);
            return hc;
        }
    }
    char sql[48];
    if (st->depth == 1)
        snprintf(sql, sizeof sql, "COMMIT");
    else
        savepoint_sql(sql, sizeof sql, "RELEASE", st->depth - 1);
    if (hss_store_exec(st, sql, err)) {
        hss_store_rollback(st);
        return HSS_EDB;
    }
    st->depth--;
    sync_depth(st);
    return HSS_OK;
}

void hss_store_rollback(hss_store *st)
{
    sync_depth(st);
    if (st->depth == 0)
        return;
    if (st->depth == 1) {
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    } else {
        char sql[64];
        savepoint_sql(sql, sizeof sql, "ROLLBACK TO", st->depth - 1);
        sqlite3_exec(st->db, sql, NULL, NULL, NULL);
        savepoint_sql(sql, sizeof sql, "RELEASE", st->depth - 1);
        sqlite3_exec(st->db, sql, NULL, NULL, NULL);
    }
    st->depth--;
    sync_depth(st);
}

int64_t hss_store_data_version(hss_store *st)
{
    char *v = hss_store_meta_get(st, "data_version");
    int64_t n = 0;
    if (v)
        hss_parse_int64(v, &n);
    free(v);
    return n;
}

hss_code hss_store_bump_version(hss_store *st, hss_error *err)
{
    return hss_store_exec(st, "INSERT INTO hss_meta(key,value) VALUES('data_version','1') "
                              "ON CONFLICT(key) DO UPDATE SET value=CAST(value AS INTEGER)+1", err);
}

hss_code hss_store_meta_set(hss_store *st, const char *key, const char *value, hss_error *err)
{
    sqlite3_stmt *s = hss_store_prepare(st, "INSERT OR REPLACE INTO hss_meta(key,value) VALUES(?,?)", err);
    if (!s)
        return HSS_EDB;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? HSS_OK : hss_store_error(st, err, "writing metadata");
}

char *hss_store_meta_get(hss_store *st, const char *key)
{
    sqlite3_stmt *s = hss_store_prepare(st, "SELECT value FROM hss_meta WHERE key=?", NULL);
    if (!s)
        return NULL;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    char *v = NULL;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        v = hss_xstrdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return v;
}
