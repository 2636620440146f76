/*
 * store_sqlite.c: the embedded backend, one SQLite file in WAL mode with foreign keys on.
 * Write transactions of one process on one file queue in order at a gate (below) instead of
 * in SQLite's busy handler, and the log is checkpointed after the gate.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store_int.h"

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
    pthread_mutex_t mu;
    int held;
    gate_waiter *head, *tail; /* in arrival order */
} write_gate;

static store_files gates = STORE_FILES_INIT; /* by the file's real path */

static void *gate_make(const char *path)
{
    write_gate *g = hss_xcalloc(1, sizeof *g);
    pthread_mutex_init(&g->mu, NULL);
    return g;
}

/* The gate of a file (NULL for ":memory:", which is private to its connection). */
static write_gate *gate_get(const char *path)
{
    char real[PATH_MAX];
    if (strcmp(path, ":memory:") == 0 || *path == 0 || !realpath(path, real))
        return NULL;
    return store_files_ref(&gates, real, gate_make);
}

static void gate_put(write_gate *g)
{
    if ((g = store_files_unref(&gates, g))) {
        pthread_mutex_destroy(&g->mu);
        free(g);
    }
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

/* ---- the connection ------------------------------------------------------------------------- */

/* Statements a connection has finished with, kept prepared (reset, bindings cleared) for the
 * next prepare of the same SQL text: a request runs the same few dozen statements every time,
 * and parsing and planning them again cost as much as running most of them. */
enum { KEPT_STMTS = 64, KEPT_SQL_MAX = 4096 };

typedef struct sq_stmt sq_stmt;

typedef struct sq_conn {
    sqlite3 *db;
    sq_stmt *kept[KEPT_STMTS]; /* idle statements, each with its SQL text */
    unsigned long kept_used[KEPT_STMTS], kept_clock;
    write_gate *gate; /* shared with the process's other connections to the file */
    int gated;        /* this connection is through the gate (its transaction is open) */
    int wal_frames;   /* frames in the write-ahead log after this connection's last commit */
    int defer_ckpt;   /* a group's writer: the group's checkpointer checkpoints (group.c) */
    int reading;      /* a read snapshot is open (hss_store_read_begin) */
} sq_conn;

struct sq_stmt {
    hss_stmt base;
    sqlite3_stmt *s;
    char *sql; /* the text it was prepared from, when it may be kept after finalize */
};

#define CONN(st) ((sq_conn *)(st)->impl)
#define STMT(x) (((sq_stmt *)(x))->s)

static const char *sq_errmsg(hss_store *st) { return sqlite3_errmsg(CONN(st)->db); }

static hss_stmt *sq_prepare(hss_store *st, const char *sql, hss_error *err);
static void sq_finalize(hss_stmt *s);

static void sq_read_end(hss_store *st);

/* One statement runs as a kept statement: a write's BEGIN, savepoints and COMMIT come this way,
 * and parsing them again each time was 5 % of the server's time under the frontline bench.
 * Several statements (a schema step) go through sqlite3_exec. A write ends a read snapshot
 * first (hss_store_read_begin). */
static hss_code sq_exec(hss_store *st, const char *sql, hss_error *err)
{
    if (!strchr(sql, ';')) {
        hss_stmt *s = sq_prepare(st, sql, err);
        if (!s)
            return HSS_EDB;
        if (CONN(st)->reading && !sqlite3_stmt_readonly(STMT(s)))
            sq_read_end(st);
        int rc;
        while ((rc = sqlite3_step(STMT(s))) == SQLITE_ROW)
            ;
        if (rc != SQLITE_DONE)
            hss_fail(err, HSS_EDB, "database: %s", sqlite3_errmsg(CONN(st)->db));
        sq_finalize(s);
        return rc == SQLITE_DONE ? HSS_OK : HSS_EDB;
    }
    char *msg = NULL;
    sq_read_end(st);
    if (sqlite3_exec(CONN(st)->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        hss_fail(err, HSS_EDB, "database: %s", msg ? msg : sqlite3_errmsg(CONN(st)->db));
        sqlite3_free(msg);
        return HSS_EDB;
    }
    return HSS_OK;
}

/* SQLite's own threshold (1000 pages): past it, a passive checkpoint is due. Resets the
 * count when it is. */
static int checkpoint_due(sq_conn *c)
{
    if (c->wal_frames < 1000)
        return 0;
    c->wal_frames = 0;
    return 1;
}

/* A passive checkpoint copies what no reader still needs and waits for nobody, with no
 * write lock held. But the log starts again from its beginning only when no reader is still
 * reading from it, and a server answering reads all the time always has one: under the
 * frontline bench (bench/care_write.sh) the log grew by 100 MB a second, to 2.9 GB in 30 s,
 * each new block of it zeroed by the file system and every page lookup searching a longer
 * index. So once the log holds RESTART_FRAMES pages (64 MB), the passive checkpoint is followed
 * by one that holds the write lock until the log's readers are done (a request's reads,
 * milliseconds; readers that start meanwhile read the file), so that the next commit writes the
 * log from its start again. In that bench (docs/care.md): the log stays under 100 MB, hss
 * serve's CPU per request was 1.23–1.36 ms against 1.48–1.57 ms before, and the restart (about
 * twice a second) held the writers for 26 ms (median). A smaller threshold (4,096 pages)
 * restarted five times a second and the writers' p99 suffered. */
enum { RESTART_FRAMES = 16384 };

/* The restart's busy handler: it waits for the writer of the moment and for the log's readers,
 * each a few milliseconds, so it looks every 0.1 ms (SQLite's own handler sleeps for 1, 2, 5,
 * 10 … ms) and gives up after 20 ms; a later checkpoint tries again. */
static int poll_busy(void *arg, int n)
{
    (void)arg;
    if (n >= 200)
        return 0;
    struct timespec ts = {0, 100000};
    nanosleep(&ts, NULL);
    return 1;
}

static void checkpoint_run(sqlite3 *db)
{
    int log = 0;
    sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, NULL);
    if (log < RESTART_FRAMES)
        return;
    sqlite3_busy_handler(db, poll_busy, NULL);
    sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
}

/* The log's size after a commit, for checkpoint(). A write outside hss_store_begin (one
 * statement in autocommit mode) holds no gate: its checkpoint runs here, as SQLite's would. */
static int wal_committed(void *ctx, sqlite3 *db, const char *name, int frames)
{
    sq_conn *c = ctx;
    (void)name;
    c->wal_frames = frames;
    if (!c->gated && checkpoint_due(c))
        checkpoint_run(db);
    return SQLITE_OK;
}

static void checkpoint(sq_conn *c)
{
    if (checkpoint_due(c))
        checkpoint_run(c->db);
}

/* A savepoint keeps the pages it changes, as they were, in a statement journal; past 64 KiB
 * (SQLite's default) that journal goes to a temporary file. Every piece of a group's work is a
 * savepoint (group.c), so under the frontline bench a server wrote as many pages to that file
 * as to the log: 4,000 system calls a second, for a journal that is gone a moment later. It
 * stays in memory up to 128 KiB (8 spilled in 3 s of that bench; a bulk load's still spill).
 * Not more: SQLite allocates that much at once for each journal (16 MiB made the suite under
 * ASan crawl), and SQLite 3.40 answered "database or disk is full" when a journal of a 256 KiB
 * or 1 MiB threshold spilled (test_copy's demo build). Process-wide, so set once, before
 * SQLite's first use. */
static pthread_once_t sq_once = PTHREAD_ONCE_INIT;
static void sq_configure(void) { sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 128 << 10); }

static hss_code sq_open(hss_store *st, hss_error *err)
{
    pthread_once(&sq_once, sq_configure);
    sq_conn *c = hss_xcalloc(1, sizeof *c);
    st->impl = c;
    const char *path = st->path;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
    if (strncmp(path, "file:", 5) == 0)
        flags |= SQLITE_OPEN_URI;
    if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK)
        return hss_fail(err, HSS_EDB, "%s: cannot open database: %s", path,
                        c->db ? sqlite3_errmsg(c->db) : "out of memory");
    /* Writers (imports, re-snapping after a data change, audit rows) queue behind each other;
     * allow a slow machine a while before a request fails with "database is locked". */
    sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
    hss_error local;
    hss_error_clear(&local);
    if (sq_exec(st, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;", &local))
        return hss_fail(err, local.code, "%s: %s", path, local.msg);
    const char *file = sqlite3_db_filename(c->db, "main");
    c->gate = file && *file ? gate_get(file) : NULL; /* the file exists now */
    if (c->gate) {
        /* SQLite copies the log back into the file (a checkpoint, with an fsync) at the end of
         * the commit that fills it, while the gate is still held: every writer queued behind
         * would wait for the disk. The checkpoint runs after the gate instead (checkpoint()). */
        sqlite3_wal_autocheckpoint(c->db, 0);
        sqlite3_wal_hook(c->db, wal_committed, c);
    }
    return HSS_OK;
}

static void stmt_free(sq_stmt *x)
{
    sqlite3_finalize(x->s);
    free(x->sql);
    free(x);
}

static void sq_close(hss_store *st)
{
    sq_conn *c = CONN(st);
    if (!c)
        return;
    for (size_t i = 0; i < KEPT_STMTS; i++)
        if (c->kept[i])
            stmt_free(c->kept[i]);
    if (c->db)
        sqlite3_close_v2(c->db);
    if (c->gated)
        gate_leave(c->gate);
    gate_put(c->gate);
    free(c);
    st->impl = NULL;
}

/* A read snapshot is a deferred transaction that only reads: callers see autocommit. */
static int sq_autocommit(hss_store *st) { return CONN(st)->reading || sqlite3_get_autocommit(CONN(st)->db); }

static void sq_read_begin(hss_store *st)
{
    sq_conn *c = CONN(st);
    if (c->reading || !sqlite3_get_autocommit(c->db))
        return;
    hss_error e;
    c->reading = sq_exec(st, "BEGIN", &e) == HSS_OK;
}

static void sq_read_end(hss_store *st)
{
    sq_conn *c = CONN(st);
    if (!c->reading)
        return;
    c->reading = 0;
    hss_error e;
    if (!sqlite3_get_autocommit(c->db) && sq_exec(st, "COMMIT", &e))
        sq_exec(st, "ROLLBACK", &e); /* it only read: nothing is lost */
}

static hss_code sq_begin(hss_store *st, hss_error *err)
{
    sq_conn *c = CONN(st);
    sq_read_end(st);
    if (c->gate) {
        if (gate_enter(c->gate, BUSY_TIMEOUT_MS))
            return hss_fail(err, HSS_EDB, "database: database is locked (other writers of this process)");
        c->gated = 1;
    }
    /* IMMEDIATE: a writer fails early, not at commit */
    return sq_exec(st, "BEGIN IMMEDIATE", err);
}

static void sq_ended(hss_store *st)
{
    sq_conn *c = CONN(st);
    if (c->gated) {
        c->gated = 0;
        gate_leave(c->gate);
        if (!c->defer_ckpt)
            checkpoint(c);
    }
}

static void sq_defer_checkpoint(hss_store *st) { CONN(st)->defer_ckpt = 1; }

/* The writer's log is over the threshold (asked while nobody else uses the writer). */
static int sq_checkpoint_due(hss_store *writer) { return checkpoint_due(CONN(writer)); }

/* On `by`, another connection to the file than its writer's, so that the writer is free for
 * the next group meanwhile. */
static void sq_checkpoint(hss_store *by) { checkpoint_run(CONN(by)->db); }

static long long sq_changes(hss_store *st) { return sqlite3_changes64(CONN(st)->db); }
static long long sq_total_changes(hss_store *st) { return sqlite3_total_changes64(CONN(st)->db); }
static long long sq_last_id(hss_store *st) { return sqlite3_last_insert_rowid(CONN(st)->db); }

static int sq_is_constraint(hss_store *st, int unique_only)
{
    int x = sqlite3_extended_errcode(CONN(st)->db);
    if (unique_only)
        return x == SQLITE_CONSTRAINT_UNIQUE || x == SQLITE_CONSTRAINT_PRIMARYKEY;
    return (x & 0xff) == SQLITE_CONSTRAINT;
}

/* A file's connections share their commits; a private database (":memory:", a temporary
 * file) has nobody to share with. */
static const char *sq_group_file(hss_store *st)
{
    const char *file = CONN(st)->gate ? sqlite3_db_filename(CONN(st)->db, "main") : NULL;
    return file && *file ? file : NULL;
}

static int sq_writers_waiting(hss_store *st) { return CONN(st)->gate ? gate_waiting(CONN(st)->gate) : 0; }

/* ---- statements ----------------------------------------------------------------------------- */

static hss_stmt *sq_prepare(hss_store *st, const char *sql, hss_error *err)
{
    sq_conn *c = CONN(st);
    for (size_t i = 0; i < KEPT_STMTS; i++)
        if (c->kept[i] && strcmp(c->kept[i]->sql, sql) == 0) {
            sq_stmt *x = c->kept[i];
            c->kept[i] = NULL;
            return &x->base;
        }
    sqlite3_stmt *s = NULL;
    const char *tail = NULL;
    if (sqlite3_prepare_v2(c->db, sql, -1, &s, &tail) != SQLITE_OK) {
        hss_fail(err, HSS_EDB, "database: cannot prepare statement: %s", sqlite3_errmsg(c->db));
        return NULL;
    }
    sq_stmt *x = hss_xcalloc(1, sizeof *x);
    x->base.st = st;
    x->s = s;
    /* one statement of plain SQL (the text after a first statement would be lost) */
    if (s && strlen(sql) < KEPT_SQL_MAX && tail && tail[strspn(tail, " \t\r\n;")] == 0)
        x->sql = hss_xstrdup(sql);
    return &x->base;
}

static int sq_step(hss_stmt *s)
{
    sq_conn *c = CONN(s->st);
    /* a write ends the read snapshot first: it commits on its own, as without one */
    if (c->reading && !sqlite3_stmt_busy(STMT(s)) && !sqlite3_stmt_readonly(STMT(s)))
        sq_read_end(s->st);
    int rc = sqlite3_step(STMT(s));
    return rc == SQLITE_ROW ? HSS_ROW : rc == SQLITE_DONE ? HSS_DONE : rc;
}

static void sq_reset(hss_stmt *s) { sqlite3_reset(STMT(s)); }
static void sq_clear(hss_stmt *s) { sqlite3_clear_bindings(STMT(s)); }

/* Keeps a finished statement for the next prepare of its SQL, or finalizes it. */
static void sq_finalize(hss_stmt *s)
{
    sq_stmt *x = (sq_stmt *)s;
    sq_conn *c = s->st && s->st->impl ? CONN(s->st) : NULL;
    if (!c || !x->sql || !x->s) {
        stmt_free(x);
        return;
    }
    sqlite3_reset(x->s); /* ends its read, if it was in the middle of one */
    sqlite3_clear_bindings(x->s);
    size_t slot = 0;
    for (size_t i = 0; i < KEPT_STMTS; i++) {
        if (!c->kept[i]) {
            slot = i;
            break;
        }
        if (c->kept_used[i] < c->kept_used[slot])
            slot = i;
    }
    if (c->kept[slot])
        stmt_free(c->kept[slot]);
    c->kept[slot] = x;
    c->kept_used[slot] = ++c->kept_clock;
}

static void sq_bind(hss_stmt *s, int i, const store_val *v)
{
    sqlite3_stmt *q = STMT(s);
    sqlite3_destructor_type d = v->copy ? SQLITE_TRANSIENT : SQLITE_STATIC;
    switch (v->type) {
    case HSS_SQL_INT:
        sqlite3_bind_int64(q, i, v->i);
        break;
    case HSS_SQL_FLOAT:
        sqlite3_bind_double(q, i, v->d);
        break;
    case HSS_SQL_TEXT:
        sqlite3_bind_text64(q, i, v->p, v->n, d, SQLITE_UTF8);
        break;
    case HSS_SQL_BLOB:
        sqlite3_bind_blob64(q, i, v->p, v->n, d);
        break;
    default:
        sqlite3_bind_null(q, i);
    }
}

static int sq_bind_index(hss_stmt *s, const char *name) { return sqlite3_bind_parameter_index(STMT(s), name); }
static long long sq_col_int64(hss_stmt *s, int c) { return sqlite3_column_int64(STMT(s), c); }
static double sq_col_double(hss_stmt *s, int c) { return sqlite3_column_double(STMT(s), c); }
static const char *sq_col_text(hss_stmt *s, int c) { return (const char *)sqlite3_column_text(STMT(s), c); }
static const void *sq_col_blob(hss_stmt *s, int c) { return sqlite3_column_blob(STMT(s), c); }
static int sq_col_bytes(hss_stmt *s, int c) { return sqlite3_column_bytes(STMT(s), c); }

static int sq_col_type(hss_stmt *s, int c)
{
    switch (sqlite3_column_type(STMT(s), c)) {
    case SQLITE_INTEGER:
        return HSS_SQL_INT;
    case SQLITE_FLOAT:
        return HSS_SQL_FLOAT;
    case SQLITE_TEXT:
        return HSS_SQL_TEXT;
    case SQLITE_BLOB:
        return HSS_SQL_BLOB;
    default:
        return HSS_SQL_NULL;
    }
}

static int sq_col_count(hss_stmt *s) { return sqlite3_column_count(STMT(s)); }
static const char *sq_col_name(hss_stmt *s, int c) { return sqlite3_column_name(STMT(s), c); }

/* ---- bulk load: one prepared INSERT, bound and run once a row, in the caller's transaction -- */

static hss_code sq_load_begin(hss_store_loader *ld, const char *const *cols, hss_error *err)
{
    hss_buf sql;
    hss_buf_init(&sql);
    hss_buf_printf(&sql, "INSERT INTO %s(", ld->table);
    for (int c = 0; c < ld->ncols; c++)
        hss_buf_printf(&sql, "%s%s", c ? "," : "", cols[c]);
    hss_buf_puts(&sql, ") VALUES(");
    for (int c = 0; c < ld->ncols; c++)
        hss_buf_puts(&sql, c ? ",?" : "?");
    hss_buf_puts(&sql, ")");
    hss_error local;
    hss_error_clear(&local);
    ld->impl = sq_prepare(ld->st, sql.data, &local);
    hss_buf_free(&sql);
    return ld->impl ? HSS_OK : hss_fail(err, HSS_EDB, "%s: bulk load: %s", ld->table, local.msg);
}

static hss_code sq_load_row(hss_store_loader *ld, hss_error *err)
{
    hss_stmt *s = ld->impl;
    for (int c = 0; c < ld->ncols; c++)
        sq_bind(s, c + 1, &ld->vals[c]);
    int rc = sq_step(s);
    sq_reset(s);
    if (rc != HSS_DONE)
        return hss_fail(err, HSS_EDB, "%s: row %lld: %s", ld->table, ld->rows + 1, sq_errmsg(ld->st));
    return HSS_OK;
}

static hss_code sq_load_end(hss_store_loader *ld, int abort, hss_error *err)
{
    (void)abort;
    (void)err;
    sq_finalize(ld->impl);
    ld->impl = NULL;
    return HSS_OK;
}

/* Inside the transaction only: SQLite turns it off again at the commit. */
static hss_code sq_defer_fk(hss_store *st, hss_error *err) { return sq_exec(st, "PRAGMA defer_foreign_keys=ON", err); }

const store_ops hss_store_sqlite_ops = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .autocommit = sq_autocommit,
    .read_begin = sq_read_begin,
    .read_end = sq_read_end,
    .begin = sq_begin,
    .ended = sq_ended,
    .errmsg = sq_errmsg,
    .changes = sq_changes,
    .total_changes = sq_total_changes,
    .last_id = sq_last_id,
    .is_constraint = sq_is_constraint,
    .writers_waiting = sq_writers_waiting,
    .group_file = sq_group_file,
    .defer_checkpoint = sq_defer_checkpoint,
    .checkpoint_due = sq_checkpoint_due,
    .checkpoint = sq_checkpoint,
    .ddl = NULL,
    .prepare = sq_prepare,
    .step = sq_step,
    .reset = sq_reset,
    .clear = sq_clear,
    .finalize = sq_finalize,
    .bind = sq_bind,
    .bind_index = sq_bind_index,
    .col_int64 = sq_col_int64,
    .col_double = sq_col_double,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
    .col_bytes = sq_col_bytes,
    .col_type = sq_col_type,
    .col_count = sq_col_count,
    .col_name = sq_col_name,
    .tables_sql = "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                  "AND name<>'hss_schema_version' ORDER BY rowid",
    .load_begin = sq_load_begin,
    .load_row = sq_load_row,
    .load_end = sq_load_end,
    .defer_fk = sq_defer_fk,
    .key_sql = "SELECT name FROM pragma_table_info(?) WHERE pk>0 ORDER BY pk",
};
