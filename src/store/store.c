/*
 * store.c: the SQLite backend. Opens the file in WAL mode with foreign keys on and applies
 * each module's pending migrations inside one transaction, so a failed migration leaves the
 * file as it was.
 */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/schema.h"

struct hss_store {
    sqlite3 *db;
    char *path;
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
    sqlite3_busy_timeout(st->db, 15000);
    hss_error local;
    hss_error_clear(&local);
    if (hss_store_exec(st, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;", &local) ||
        migrate(st, &local)) {
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

/* SQLite ends a transaction by itself on some errors (disk full, I/O): resynchronise. */
static void sync_depth(hss_store *st)
{
    if (sqlite3_get_autocommit(st->db))
        st->depth = 0;
}

hss_code hss_store_begin(hss_store *st, hss_error *err)
{
    sync_depth(st);
    char sql[48];
    if (st->depth == 0)
        snprintf(sql, sizeof sql, "BEGIN IMMEDIATE");
    else
        savepoint_sql(sql, sizeof sql, "SAVEPOINT", st->depth);
    hss_code rc = hss_store_exec(st, sql, err);
    if (rc == HSS_OK && st->depth == 0)
        st->changes_at_begin = sqlite3_total_changes64(st->db);
    if (rc == HSS_OK)
        st->depth++;
    return rc;
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
