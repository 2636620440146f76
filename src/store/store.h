/*
 * store: where HSS keeps a region's data. The embedded default is one SQLite file in WAL mode;
 * the schema is versioned per module and migrated forward on open. Domain modules run their
 * prepared statements on the connection returned by hss_store_sqlite(); every statement is
 * prepared with bound parameters, never built from strings.
 *
 * Schema ownership: each module's tables are declared in src/store/schema_<module>.c as an
 * ordered list of migrations; a module appends migrations, never edits a released one.
 */
#ifndef HSS_STORE_H
#define HSS_STORE_H

#include <sqlite3.h>
#include <stdint.h>

#include "base/base.h"

typedef struct hss_store hss_store;

/* One module's schema: an ordered list of SQL scripts; version N = first N applied. */
typedef struct hss_schema {
    const char *module;      /* name recorded in hss_schema_version */
    const char *const *sql;  /* migrations, oldest first */
    size_t count;
} hss_schema;

/* Opens (creating if needed) the database at `path` and migrates every module's schema.
 * ":memory:" works for tests. Returns NULL and sets err on failure. */
hss_store *hss_store_open(const char *path, hss_error *err);
/* Opens an existing database; fails with a clear message when the file does not exist. */
hss_store *hss_store_open_existing(const char *path, hss_error *err);
void hss_store_close(hss_store *st);
sqlite3 *hss_store_sqlite(hss_store *st);
const char *hss_store_path(const hss_store *st);

/* Transactions. begin is BEGIN IMMEDIATE so that a writer fails early, not at commit. Inside an
 * open transaction, begin/commit/rollback become a savepoint, its release and its undo, so
 * atomic steps compose into a larger atomic unit. */
hss_code hss_store_begin(hss_store *st, hss_error *err);
/* Write transactions of one process on one file wait for each other at a gate, in arrival
 * order, and are woken the moment the one before commits (not in SQLite's sleeping busy
 * handler); the log is checkpointed after the gate. This is how many of them wait now. */
int hss_store_writers_waiting(hss_store *st);
hss_code hss_store_commit(hss_store *st, hss_error *err);
void hss_store_rollback(hss_store *st);

/* Called inside every outermost transaction that changed rows, just before its COMMIT; a
 * failure rolls the transaction back. The CLI writes its audit row this way, so that a change
 * and the record of who made it commit together or not at all. NULL removes the hook. */
typedef hss_code (*hss_store_commit_hook)(hss_store *st, void *ctx, hss_error *err);
void hss_store_set_commit_hook(hss_store *st, hss_store_commit_hook hook, void *ctx);

/* Runs SQL without results (schema scripts, simple statements without parameters). */
hss_code hss_store_exec(hss_store *st, const char *sql, hss_error *err);
/* Prepares a statement; on failure sets err naming the SQL error. */
sqlite3_stmt *hss_store_prepare(hss_store *st, const char *sql, hss_error *err);
/* Formats the connection's last error into err with a context prefix. */
hss_code hss_store_error(hss_store *st, hss_error *err, const char *context);

/* The data version: a counter bumped by every committed change to stored facts, so that
 * caches (evaluation findings, dashboard aggregates) know when to recompute. */
int64_t hss_store_data_version(hss_store *st);
hss_code hss_store_bump_version(hss_store *st, hss_error *err);

/* Key/value metadata about the region (name, sources, what was generated). */
hss_code hss_store_meta_set(hss_store *st, const char *key, const char *value, hss_error *err);
/* Returns a malloc'd copy, or NULL when absent. */
char *hss_store_meta_get(hss_store *st, const char *key);

/* Schema version applied for a module (0 when none). */
int hss_store_schema_version(hss_store *st, const char *module);

#endif
