/*
 * store: where HSS keeps a region's data, behind one interface whatever the database. The
 * embedded default is one SQLite file in WAL mode; `postgresql://…` opens a PostgreSQL server
 * instead (store_pg.c). The schema is versioned per module and migrated forward on open.
 * Modules prepare statements here with `?` placeholders and typed binds, step through rows and
 * read typed columns; no file outside src/store/ names the SQLite or libpq API. SQL is written
 * once, in the dialect both databases take; where they differ, store_dialect.c says how.
 *
 * Schema ownership: each module's tables are declared in src/store/schema_<module>.c as an
 * ordered list of migrations; a module appends migrations, never edits a released one.
 */
#ifndef HSS_STORE_H
#define HSS_STORE_H

#include <stdint.h>

#include "base/base.h"

typedef struct hss_store hss_store;
/* A prepared statement: bind, step through its rows, reset to run it again, finalize. */
typedef struct hss_stmt hss_stmt;

/* What hss_store_step answers: a row is ready, or the statement is done. Anything else is an
 * error, whose message hss_store_error() formats. */
enum { HSS_ROW = 100, HSS_DONE = 101 };
/* A column's type in the current row. */
enum { HSS_SQL_INT = 1, HSS_SQL_FLOAT = 2, HSS_SQL_TEXT = 3, HSS_SQL_BLOB = 4, HSS_SQL_NULL = 5 };

/* One module's schema: an ordered list of SQL scripts; version N = first N applied. */
typedef struct hss_schema {
    const char *module;      /* name recorded in hss_schema_version */
    const char *const *sql;  /* migrations, oldest first */
    size_t count;
} hss_schema;

/* Opens (creating if needed) the database at `path` and migrates every module's schema.
 * `path` is a file (SQLite; ":memory:" works for tests), `file:…`, or `postgresql://…`.
 * Returns NULL and sets err on failure. */
hss_store *hss_store_open(const char *path, hss_error *err);
/* Opens an existing database; fails with a clear message when the file does not exist. */
hss_store *hss_store_open_existing(const char *path, hss_error *err);
void hss_store_close(hss_store *st);
const char *hss_store_path(const hss_store *st);
/* 1 when the store is a PostgreSQL server, 0 for the embedded SQLite file. */
int hss_store_is_pg(const hss_store *st);
/* 1 when no transaction is open on this connection. */
int hss_store_autocommit(hss_store *st);

/* Transactions. begin is BEGIN IMMEDIATE so that a writer fails early, not at commit. Inside an
 * open transaction, begin/commit/rollback become a savepoint, its release and its undo, so
 * atomic steps compose into a larger atomic unit. */
hss_code hss_store_begin(hss_store *st, hss_error *err);
/* Write transactions of one process on one file wait for each other at a gate, in arrival
 * order, and are woken the moment the one before commits (not in SQLite's sleeping busy
 * handler); the log is checkpointed after the gate. This is how many of them wait now, at the
 * gate or for their group (hss_store_write). */
int hss_store_writers_waiting(hss_store *st);
hss_code hss_store_commit(hss_store *st, hss_error *err);
void hss_store_rollback(hss_store *st);

/* One read snapshot for a run of reads (a request's): until hss_store_read_end, the reads on
 * st share one read transaction instead of beginning one each. On SQLite every commit by
 * another connection empties a connection's page cache, and a read transaction's start and end
 * take the log's locks: under the frontline bench a worklist page made about ten reads, each
 * reading its index pages afresh. The snapshot is invisible to writers: a write on st (a
 * write statement, hss_store_begin, hss_store_write) ends it first, and the reads after that
 * run on their own again; hss_store_autocommit stays 1. PostgreSQL: no effect. */
void hss_store_read_begin(hss_store *st);
void hss_store_read_end(hss_store *st);

/* A unit of write work: it runs inside a transaction on `st`, which may be another thread's
 * connection to the same database (use st only, never a connection of your own), and returns
 * HSS_OK to keep its changes; anything else undoes them. */
typedef hss_code (*hss_store_work)(hss_store *st, void *ctx, hss_error *err);
/* Runs `work` in a write transaction and returns once its changes are committed (HSS_OK), or
 * undone (the work's code, or the commit's error in err). The threads of a process writing to
 * one SQLite file at the same time share one commit: the waiting work runs in one transaction,
 * each piece in a savepoint of its own (see group.c for why). Elsewhere, and inside an open
 * transaction, the work runs at once on st. */
hss_code hss_store_write(hss_store *st, hss_store_work work, void *ctx, hss_error *err);

/* Called inside every outermost transaction that changed rows, just before its COMMIT; a
 * failure rolls the transaction back. The CLI writes its audit row this way, so that a change
 * and the record of who made it commit together or not at all. NULL removes the hook. */
typedef hss_code (*hss_store_commit_hook)(hss_store *st, void *ctx, hss_error *err);
void hss_store_set_commit_hook(hss_store *st, hss_store_commit_hook hook, void *ctx);

/* Runs SQL without results (schema scripts, simple statements without parameters). */
hss_code hss_store_exec(hss_store *st, const char *sql, hss_error *err);
/* Prepares a statement; on failure sets err naming the SQL error. Parameters are `?`, `?N`
 * or `:name` (hss_store_bind_index). */
hss_stmt *hss_store_prepare(hss_store *st, const char *sql, hss_error *err);
/* Runs the statement to its next row: HSS_ROW, HSS_DONE, or an error code. */
int hss_store_step(hss_stmt *s);
/* Makes the statement ready to run again; its bindings stay. */
void hss_store_reset(hss_stmt *s);
void hss_store_clear_bindings(hss_stmt *s);
void hss_store_finalize(hss_stmt *s);
/* The store a statement was prepared on. */
hss_store *hss_store_of(hss_stmt *s);

/* Binds parameter i (from 1). Text and blobs are read when the statement runs, so they must
 * stay valid until the step (the _copy forms copy them now); NULL text binds SQL NULL; n < 0
 * means up to the terminating NUL. */
void hss_store_bind_int(hss_stmt *s, int i, int v);
void hss_store_bind_int64(hss_stmt *s, int i, int64_t v);
void hss_store_bind_double(hss_stmt *s, int i, double v);
void hss_store_bind_null(hss_stmt *s, int i);
void hss_store_bind_text(hss_stmt *s, int i, const char *v);
void hss_store_bind_textn(hss_stmt *s, int i, const char *v, int n);
void hss_store_bind_copy(hss_stmt *s, int i, const char *v);
void hss_store_bind_copyn(hss_stmt *s, int i, const char *v, int n);
void hss_store_bind_blob(hss_stmt *s, int i, const void *p, size_t n);
void hss_store_bind_blob_copy(hss_stmt *s, int i, const void *p, size_t n);
/* The index of the named parameter `:name`, 0 when the statement has none. */
int hss_store_bind_index(hss_stmt *s, const char *name);

/* Columns of the current row, from 0. Text stays valid until the next step, reset or
 * finalize; NULL reads as 0, 0.0 or a NULL pointer. */
int hss_store_col_int(hss_stmt *s, int c);
long long hss_store_col_int64(hss_stmt *s, int c);
double hss_store_col_double(hss_stmt *s, int c);
const char *hss_store_col_text(hss_stmt *s, int c);
const void *hss_store_col_blob(hss_stmt *s, int c);
int hss_store_col_bytes(hss_stmt *s, int c);
int hss_store_col_type(hss_stmt *s, int c);
int hss_store_col_is_null(hss_stmt *s, int c);
/* The number of result columns and the name of one. */
int hss_store_col_count(hss_stmt *s);
const char *hss_store_col_name(hss_stmt *s, int c);
/* Steps `s` to its end and returns its rows as a table (store_rows.c): columns named as the
 * statement names them, integers and text as they are, reals so that they read back exactly,
 * SQL NULL as a null cell. The statement is left done, for the caller to finalize. */
typedef struct hss_table hss_table;
hss_code hss_store_table(hss_stmt *s, hss_table **out, hss_error *err);
/* A counter that moves whenever any connection commits a change to the database (SQLite's
 * data_version as this connection sees it; on PostgreSQL the sequence hss_commits, moved by
 * each transaction that changed rows right after its commit), for caches that must notice
 * writes by other processes; -1 when it cannot be read (such a cache is then never reused). */
int64_t hss_store_commits(hss_store *st);

/* The audit rows (INSERT INTO audit(...)) this connection has written since it opened, so that
 * a caller can tell whether a step wrote its own audit row, whatever other connections write
 * meanwhile (on PostgreSQL they write at the same time). */
long long hss_store_audit_rows(hss_store *st);

/* The tables that hold the data, in the order the migrations created them (so that a table
 * comes after the tables it refers to). Returns a malloc'd array of malloc'd names; *n is
 * set to its length. The store's own bookkeeping (hss_schema_version) is not listed. */
char **hss_store_tables(hss_store *st, size_t *n, hss_error *err);

/* Rows changed by the connection's last statement, and since it opened. */
long long hss_store_changes(hss_store *st);
long long hss_store_total_changes(hss_store *st);
/* The id the connection's last INSERT gave a row (its INTEGER PRIMARY KEY). */
long long hss_store_last_id(hss_store *st);
/* 1 when the last failure was a uniqueness or other constraint violation. */
int hss_store_is_constraint(hss_store *st);
int hss_store_is_unique(hss_store *st);
/* The connection's last error message. */
const char *hss_store_errmsg(hss_store *st);
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

/* ---- bulk load -------------------------------------------------------------------------------
 * Many rows into one table, fast, inside the caller's open transaction: SQLite reuses one
 * prepared INSERT, PostgreSQL streams COPY FROM STDIN. Set a row's columns (from 0, in the order
 * of `cols`; a column not set is NULL), then hss_store_load_next writes it. Text and blobs are
 * read by hss_store_load_next, so they must stay valid until it returns. While a load is open,
 * run no other statement on the same store (PostgreSQL's connection is busy with the COPY).
 * A bad row may fail at hss_store_load_next or only at hss_store_load_end (PostgreSQL checks
 * the stream as it ends); either way the caller rolls its transaction back. */
typedef struct hss_store_loader hss_store_loader;
/* `table` and `cols` are plain identifiers (letters, digits, _). NULL and err set on failure,
 * also when no transaction is open. */
hss_store_loader *hss_store_load_begin(hss_store *st, const char *table, const char *const *cols, int ncols,
                                       hss_error *err);
void hss_store_load_int(hss_store_loader *ld, int c, int64_t v);
void hss_store_load_double(hss_store_loader *ld, int c, double v);
void hss_store_load_null(hss_store_loader *ld, int c);
/* NULL text loads SQL NULL. */
void hss_store_load_text(hss_store_loader *ld, int c, const char *v);
void hss_store_load_textn(hss_store_loader *ld, int c, const char *v, size_t n);
void hss_store_load_blob(hss_store_loader *ld, int c, const void *p, size_t n);
/* Writes the row set so far and starts the next one (every column NULL). */
hss_code hss_store_load_next(hss_store_loader *ld, hss_error *err);
/* Rows written so far. */
long long hss_store_load_rows(const hss_store_loader *ld);
/* Ends the load and frees the loader: HSS_OK when every row is in the table. */
hss_code hss_store_load_end(hss_store_loader *ld, hss_error *err);
/* Ends a load the caller gives up on (its transaction will roll back) and frees the loader. */
void hss_store_load_abort(hss_store_loader *ld);

/* Takes the planner's statistics of `table` (a plain identifier) now, for the reads that follow
 * a large bulk load in the same transaction: PostgreSQL would otherwise plan them for the table
 * as it was (a correlated subquery over an "empty" table becomes a scan per outer row). Nothing
 * on SQLite, whose plans do not depend on statistics unless ANALYZE was run. */
hss_code hss_store_analyse(hss_store *st, const char *table, hss_error *err);

/* Foreign keys of the open transaction are checked at its commit, not row by row, so that
 * tables whose rows refer to each other (or to themselves) can be loaded in any order. */
hss_code hss_store_defer_fk(hss_store *st, hss_error *err);
/* The columns of `table`'s primary key in key order: a malloc'd array of malloc'd names, *n
 * set to its length (0 when the table has no declared key). */
char **hss_store_primary_key(hss_store *st, const char *table, size_t *n, hss_error *err);
/* Frees an array of names from hss_store_tables or hss_store_primary_key. */
void hss_store_names_free(char **names, size_t n);

/* ---- moving a region (copy.c) ------------------------------------------------------------------
 * Copies the data tables of one store into another, of either backend, in one transaction on
 * the destination, and checks each table afterwards: the row count and a checksum of the rows
 * read back in primary-key order, computed the same way on both sides. The destination must
 * hold no rows (a fresh file or database); the source is held in a transaction (no writer
 * changes it meanwhile) and left as it was. */
typedef struct hss_store_copy_table {
    char *name;
    long long rows_src, rows_dst;    /* rows in the source table, and in the copy */
    char sum_src[17], sum_dst[17];   /* checksums (64-bit, hex) of the same */
    int ok;                          /* counts and checksums agree */
} hss_store_copy_table;

typedef struct hss_store_copy_result {
    hss_store_copy_table *tables;    /* in the order copied (creation order) */
    size_t n;
    long long rows;                  /* rows copied in all */
} hss_store_copy_result;

typedef struct hss_store_copy_options {
    const char *const *tables;       /* copy only these (names as hss_store_tables lists them) */
    size_t ntables;                  /* 0: every data table */
    /* Called as a table starts (rows = 0, done = 0), every 100000 rows, and when it is copied
     * (done = 1), for the caller to show progress; NULL for none. */
    void (*progress)(void *ctx, const char *table, long long rows, int done);
    void *ctx;
} hss_store_copy_options;

/* Copies, checks and commits; on any failure (a destination that holds rows, a mismatch) the
 * destination is left as it was and err names the table. `res` is filled as far as the copy
 * got, also on a mismatch; free it with hss_store_copy_result_free. */
hss_code hss_store_copy(hss_store *src, hss_store *dst, const hss_store_copy_options *o, hss_store_copy_result *res,
                        hss_error *err);
void hss_store_copy_result_free(hss_store_copy_result *res);

#endif
