/*
 * store_int.h (private to store/): what a backend provides. store.c keeps what every backend
 * shares (opening by URL, migrations, nested transactions and the commit hook, metadata);
 * store_sqlite.c and store_pg.c implement the operations below on their own connection.
 */
#ifndef HSS_STORE_INT_H
#define HSS_STORE_INT_H

#include <pthread.h>

#include "store/store.h"

/* One bound value, as the backend receives it. */
typedef struct store_val {
    int type; /* HSS_SQL_INT, HSS_SQL_FLOAT, HSS_SQL_TEXT, HSS_SQL_BLOB or HSS_SQL_NULL */
    int64_t i;
    double d;
    const void *p; /* text or blob */
    size_t n;      /* its length in bytes (text: without the NUL) */
    int copy;      /* the backend must copy p now; otherwise p stays valid until the step */
} store_val;

typedef struct store_ops {
    const char *name;
    /* Connects st->impl to st->path; on failure sets err (the caller frees st). */
    hss_code (*open)(hss_store *st, hss_error *err);
    void (*close)(hss_store *st);
    hss_code (*exec)(hss_store *st, const char *sql, hss_error *err);
    int (*autocommit)(hss_store *st);
    /* Opens the outermost transaction (writers queue here). */
    hss_code (*begin)(hss_store *st, hss_error *err);
    /* The outermost transaction has ended, committed or not. */
    void (*ended)(hss_store *st);
    const char *(*errmsg)(hss_store *st);
    long long (*changes)(hss_store *st);
    long long (*total_changes)(hss_store *st);
    long long (*last_id)(hss_store *st);
    int (*is_constraint)(hss_store *st, int unique_only);
    int (*writers_waiting)(hss_store *st);
    /* A counter that moves when any connection commits a change (hss_store_commits); NULL:
     * SQLite's PRAGMA data_version. */
    long long (*commits)(hss_store *st);
    /* Translates one migration script into this backend's dialect (NULL: as written).
     * Returns a malloc'd string. */
    char *(*ddl)(const char *sql);

    hss_stmt *(*prepare)(hss_store *st, const char *sql, hss_error *err);
    int (*step)(hss_stmt *s);
    void (*reset)(hss_stmt *s);
    void (*clear)(hss_stmt *s);
    void (*finalize)(hss_stmt *s);
    void (*bind)(hss_stmt *s, int i, const store_val *v);
    int (*bind_index)(hss_stmt *s, const char *name);
    long long (*col_int64)(hss_stmt *s, int c);
    double (*col_double)(hss_stmt *s, int c);
    const char *(*col_text)(hss_stmt *s, int c);
    const void *(*col_blob)(hss_stmt *s, int c);
    int (*col_bytes)(hss_stmt *s, int c);
    int (*col_type)(hss_stmt *s, int c);
    int (*col_count)(hss_stmt *s);
    const char *(*col_name)(hss_stmt *s, int c);
    /* SQL listing the data tables, one name per row, in creation order. */
    const char *tables_sql;

    /* ---- bulk load and moving a region (hss_store_load_*, hss_store_copy) ----
     * load_begin starts loading ld->table(cols...) inside the open transaction and sets
     * ld->impl; load_row writes the row in ld->vals (ld->ncols values); load_end finishes
     * (abort = 1: the caller gives up and rolls back), frees ld->impl and, where the backend
     * hands out ids itself, makes the next id follow the loaded ones. */
    hss_code (*load_begin)(hss_store_loader *ld, const char *const *cols, hss_error *err);
    hss_code (*load_row)(hss_store_loader *ld, hss_error *err);
    hss_code (*load_end)(hss_store_loader *ld, int abort, hss_error *err);
    /* Defers the open transaction's foreign-key checks to its commit. */
    hss_code (*defer_fk)(hss_store *st, hss_error *err);
    /* SQL listing a table's primary-key columns in key order, one name per row; its one
     * parameter is the table's name. */
    const char *key_sql;
    /* The file whose writers this process may commit in groups (hss_store_write), as a real
     * path; NULL when there is nobody to share a commit with (NULL op: never). */
    const char *(*group_file)(hss_store *st);
    /* A group's writer leaves its log's checkpoint to the group: the leader asks whether one
     * is due while it holds the writer, and the group's checkpointer thread runs it on its own
     * connection (`by`; group.c). Needed where group_file is. */
    void (*defer_checkpoint)(hss_store *writer);
    /* hss_store_read_begin/_end (NULL: no effect) */
    void (*read_begin)(hss_store *st);
    void (*read_end)(hss_store *st);
    int (*checkpoint_due)(hss_store *writer);
    void (*checkpoint)(hss_store *by);
    /* After migrations were applied (NULL: nothing to do). */
    hss_code (*migrated)(hss_store *st, hss_error *err);
} store_ops;

/* A bulk load in progress: store.c collects one row's values, the backend writes them. */
struct hss_store_loader {
    hss_store *st;
    char *table;
    int ncols;
    store_val *vals;  /* the row being set, ncols values; back to NULL after each row */
    long long rows;   /* rows written */
    int bad_col;      /* a set call named a column outside 0..ncols-1 (index + 1) */
    void *impl;       /* the backend's state */
};

/* One object per database file in this process, shared by its connections (files.c). ref
 * finds the object of `path`, made by make(path) for the first connection, and counts one
 * more user; unref counts one less and returns the object when that was the last user (for
 * the caller to free, no longer listed), else NULL. */
typedef struct store_file store_file;
typedef struct store_files {
    pthread_mutex_t mu;
    store_file *head;
} store_files;
#define STORE_FILES_INIT {PTHREAD_MUTEX_INITIALIZER, NULL}
void *store_files_ref(store_files *fs, const char *path, void *(*make)(const char *path));
void *store_files_unref(store_files *fs, const void *obj);

/* The writers of one file in this process (group.c). */
typedef struct store_group store_group;
store_group *hss_store_group_ref(const char *file);
void hss_store_group_unref(store_group *g);
/* Work waiting for its group to be written (0 for NULL). */
int hss_store_group_waiting(store_group *g);
/* Opens a connection that takes no part in a group (the group's own writer). */
hss_store *hss_store_open_plain(const char *path, hss_error *err);

struct hss_store {
    const store_ops *ops;
    void *impl;  /* the backend's connection */
    char *path;  /* as given to hss_store_open */
    int depth;   /* open hss_store_begin levels: 1 = the transaction, more = savepoints in it */
    long long changes_at_begin;   /* total changes when the transaction began */
    hss_store_commit_hook hook; /* see hss_store_set_commit_hook */
    long long audit_rows;       /* audit rows this connection wrote */
    void *hook_ctx;
    store_group *group; /* this file's group of writers (NULL: writes run alone) */
};

/* Every backend's statement starts with this. */
struct hss_stmt {
    hss_store *st;
    int audit; /* an INSERT INTO audit: hss_store_audit_rows counts its rows */
};

extern const store_ops hss_store_sqlite_ops;
extern const store_ops hss_store_pg_ops;

#endif
