/*
 * store.c: what every backend shares. Opens by URL (a file or `file:…` is SQLite,
 * `postgresql://…` is a PostgreSQL server), applies each module's pending migrations inside
 * one transaction, so a failed migration leaves the database as it was, nests transactions
 * as savepoints, runs the commit hook, and keeps the region's metadata.
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/schema.h"
#include "store/store_pg.h"

static const hss_schema *const SCHEMAS[] = {
    &hss_schema_core, &hss_schema_region, &hss_schema_policy, &hss_schema_metrics,
    &hss_schema_access, &hss_schema_surveil, &hss_schema_care, &hss_schema_server,
    &hss_schema_fhir, &hss_schema_ems, &hss_schema_plan, &hss_schema_rounds,
};

/* ---- statements: each call goes to the store's backend -------------------------------------- */

#define OPS(s) ((s)->st->ops)

hss_stmt *hss_store_prepare(hss_store *st, const char *sql, hss_error *err)
{
    hss_stmt *s = st->ops->prepare(st, sql, err);
    if (s)
        s->audit = strncmp(sql + strspn(sql, " \t\r\n"), "INSERT INTO audit(", 18) == 0;
    return s;
}

int hss_store_step(hss_stmt *s)
{
    int rc = OPS(s)->step(s);
    if (s->audit && rc == HSS_DONE)
        s->st->audit_rows += s->st->ops->changes(s->st);
    return rc;
}

long long hss_store_audit_rows(hss_store *st) { return st->audit_rows; }
void hss_store_reset(hss_stmt *s) { OPS(s)->reset(s); }
void hss_store_clear_bindings(hss_stmt *s) { OPS(s)->clear(s); }
hss_store *hss_store_of(hss_stmt *s) { return s->st; }

void hss_store_finalize(hss_stmt *s)
{
    if (s)
        OPS(s)->finalize(s);
}

static void bind(hss_stmt *s, int i, store_val v) { OPS(s)->bind(s, i, &v); }

void hss_store_bind_int(hss_stmt *s, int i, int v) { bind(s, i, (store_val){.type = HSS_SQL_INT, .i = v}); }
void hss_store_bind_int64(hss_stmt *s, int i, int64_t v) { bind(s, i, (store_val){.type = HSS_SQL_INT, .i = v}); }
void hss_store_bind_double(hss_stmt *s, int i, double v) { bind(s, i, (store_val){.type = HSS_SQL_FLOAT, .d = v}); }
void hss_store_bind_null(hss_stmt *s, int i) { bind(s, i, (store_val){.type = HSS_SQL_NULL}); }

static void bind_text(hss_stmt *s, int i, const char *v, int n, int copy)
{
    if (!v) {
        hss_store_bind_null(s, i);
        return;
    }
    size_t len = n < 0 ? strlen(v) : strnlen(v, (size_t)n);
    bind(s, i, (store_val){.type = HSS_SQL_TEXT, .p = v, .n = len, .copy = copy});
}

void hss_store_bind_text(hss_stmt *s, int i, const char *v) { bind_text(s, i, v, -1, 0); }
void hss_store_bind_textn(hss_stmt *s, int i, const char *v, int n) { bind_text(s, i, v, n, 0); }
void hss_store_bind_copy(hss_stmt *s, int i, const char *v) { bind_text(s, i, v, -1, 1); }
void hss_store_bind_copyn(hss_stmt *s, int i, const char *v, int n) { bind_text(s, i, v, n, 1); }

void hss_store_bind_blob(hss_stmt *s, int i, const void *p, size_t n)
{
    bind(s, i, (store_val){.type = HSS_SQL_BLOB, .p = p ? p : "", .n = n});
}

void hss_store_bind_blob_copy(hss_stmt *s, int i, const void *p, size_t n)
{
    bind(s, i, (store_val){.type = HSS_SQL_BLOB, .p = p ? p : "", .n = n, .copy = 1});
}

int hss_store_bind_index(hss_stmt *s, const char *name) { return OPS(s)->bind_index(s, name); }
int hss_store_col_int(hss_stmt *s, int c) { return (int)OPS(s)->col_int64(s, c); }
long long hss_store_col_int64(hss_stmt *s, int c) { return OPS(s)->col_int64(s, c); }
double hss_store_col_double(hss_stmt *s, int c) { return OPS(s)->col_double(s, c); }
const char *hss_store_col_text(hss_stmt *s, int c) { return OPS(s)->col_text(s, c); }
const void *hss_store_col_blob(hss_stmt *s, int c) { return OPS(s)->col_blob(s, c); }
int hss_store_col_bytes(hss_stmt *s, int c) { return OPS(s)->col_bytes(s, c); }
int hss_store_col_type(hss_stmt *s, int c) { return OPS(s)->col_type(s, c); }
int hss_store_col_is_null(hss_stmt *s, int c) { return OPS(s)->col_type(s, c) == HSS_SQL_NULL; }
int hss_store_col_count(hss_stmt *s) { return OPS(s)->col_count(s); }
const char *hss_store_col_name(hss_stmt *s, int c) { return OPS(s)->col_name(s, c); }

char **hss_store_tables(hss_store *st, size_t *n, hss_error *err)
{
    *n = 0;
    hss_stmt *s = hss_store_prepare(st, st->ops->tables_sql, err);
    if (!s)
        return NULL;
    size_t cap = 16;
    char **names = hss_xcalloc(cap, sizeof *names);
    while (hss_store_step(s) == HSS_ROW) {
        if (*n == cap)
            names = hss_xrealloc(names, (cap *= 2) * sizeof *names);
        names[(*n)++] = hss_xstrdup(hss_store_col_text(s, 0));
    }
    hss_store_finalize(s);
    return names;
}

long long hss_store_changes(hss_store *st) { return st->ops->changes(st); }
long long hss_store_total_changes(hss_store *st) { return st->ops->total_changes(st); }
long long hss_store_last_id(hss_store *st) { return st->ops->last_id(st); }
int hss_store_is_constraint(hss_store *st) { return st->ops->is_constraint(st, 0); }
int hss_store_is_unique(hss_store *st) { return st->ops->is_constraint(st, 1); }
const char *hss_store_errmsg(hss_store *st) { return st->ops->errmsg(st); }
int hss_store_autocommit(hss_store *st) { return st->ops->autocommit(st); }

void hss_store_read_begin(hss_store *st)
{
    if (st->ops->read_begin)
        st->ops->read_begin(st);
}

void hss_store_read_end(hss_store *st)
{
    if (st->ops->read_end)
        st->ops->read_end(st);
}
int hss_store_is_pg(const hss_store *st) { return st->ops == &hss_store_pg_ops; }
const char *hss_store_path(const hss_store *st) { return st->path; }
int hss_store_writers_waiting(hss_store *st)
{
    return st->ops->writers_waiting(st) + hss_store_group_waiting(st->group);
}

hss_code hss_store_error(hss_store *st, hss_error *err, const char *context)
{
    return hss_fail(err, HSS_EDB, "%s: %s", context, hss_store_errmsg(st));
}

hss_code hss_store_exec(hss_store *st, const char *sql, hss_error *err) { return st->ops->exec(st, sql, err); }

/* ---- migrations ----------------------------------------------------------------------------- */

int hss_store_schema_version(hss_store *st, const char *module)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT version FROM hss_schema_version WHERE module=?", NULL);
    if (!s)
        return 0;
    hss_store_bind_text(s, 1, module);
    int v = hss_store_step(s) == HSS_ROW ? hss_store_col_int(s, 0) : 0;
    hss_store_finalize(s);
    return v;
}

static hss_code apply(hss_store *st, const char *sql, hss_error *err)
{
    const char *split = strchr(sql, HSS_SQL_PG[0]);
    if (split && !st->ops->ddl) {
        char *own = hss_xstrndup(sql, (size_t)(split - sql));
        hss_code rc = hss_store_exec(st, own, err);
        free(own);
        return rc;
    }
    if (split)
        sql = split + 1;
    if (!st->ops->ddl)
        return hss_store_exec(st, sql, err);
    char *own = st->ops->ddl(sql);
    hss_code rc = hss_store_exec(st, own, err);
    free(own);
    return rc;
}

static hss_code record_version(hss_store *st, const hss_schema *sc, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, "INSERT INTO hss_schema_version(module,version) VALUES(?,?) "
                                        "ON CONFLICT(module) DO UPDATE SET version=excluded.version", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, sc->module);
    hss_store_bind_int(s, 2, (int)sc->count);
    int rc = hss_store_step(s);
    hss_store_finalize(s);
    return rc == HSS_DONE ? HSS_OK : hss_store_error(st, err, "recording schema version");
}

static hss_code migrate_one(hss_store *st, const hss_schema *sc, hss_error *err)
{
    int have = hss_store_schema_version(st, sc->module);
    if ((size_t)have > sc->count)
        return hss_fail(err, HSS_EDB, "%s: schema of module '%s' is version %d, newer than this hss (%zu)",
                        st->path, sc->module, have, sc->count);
    for (size_t v = (size_t)have; v < sc->count; v++) {
        hss_error e;
        hss_error_clear(&e);
        if (apply(st, sc->sql[v], &e))
            return hss_fail(err, HSS_EDB, "schema of module '%s', version %zu: %s", sc->module, v + 1, e.msg);
    }
    return (size_t)have < sc->count ? record_version(st, sc, err) : HSS_OK;
}

static hss_code migrate(hss_store *st, hss_error *err)
{
    if (hss_store_exec(st, "CREATE TABLE IF NOT EXISTS hss_schema_version("
                           "module TEXT PRIMARY KEY, version INTEGER NOT NULL)", err))
        return HSS_EDB;
    if (hss_store_begin(st, err))
        return HSS_EDB;
    for (size_t i = 0; i < sizeof SCHEMAS / sizeof *SCHEMAS; i++) {
        if (migrate_one(st, SCHEMAS[i], err)) {
            hss_store_rollback(st);
            return HSS_EDB;
        }
    }
    if (st->ops->migrated && st->ops->migrated(st, err)) {
        hss_store_rollback(st);
        return HSS_EDB;
    }
    return hss_store_commit(st, err);
}

/* ---- opening -------------------------------------------------------------------------------- */

hss_store *hss_store_open_plain(const char *path, hss_error *err)
{
    hss_store *st = hss_xcalloc(1, sizeof *st);
    st->path = hss_xstrdup(path);
    st->ops = hss_store_pg_is_url(path) || hss_store_pg_test_url(path) ? &hss_store_pg_ops : &hss_store_sqlite_ops;
    hss_error local;
    hss_error_clear(&local);
    if (st->ops->open(st, err)) {
        hss_store_close(st);
        return NULL;
    }
    if (migrate(st, &local)) {
        hss_fail(err, local.code, "%s: %s", path, local.msg);
        hss_store_close(st);
        return NULL;
    }
    return st;
}

hss_store *hss_store_open(const char *path, hss_error *err)
{
    hss_store *st = hss_store_open_plain(path, err);
    const char *file = st && st->ops->group_file ? st->ops->group_file(st) : NULL;
    if (file)
        st->group = hss_store_group_ref(file);
    return st;
}

hss_store *hss_store_open_existing(const char *path, hss_error *err)
{
    if (strcmp(path, ":memory:") != 0 && !hss_store_pg_is_url(path) && strncmp(path, "file:", 5) != 0 &&
        access(path, F_OK) != 0) {
        hss_fail(err, HSS_ENOTFOUND, "%s: no such database (create one with `hss demo` or `hss import`)", path);
        return NULL;
    }
    return hss_store_open(path, err);
}

void hss_store_close(hss_store *st)
{
    if (!st)
        return;
    st->ops->close(st);
    hss_store_group_unref(st->group);
    free(st->path);
    free(st);
}

/* ---- transactions --------------------------------------------------------------------------- */

/* Transactions nest: a begin inside an open transaction becomes a savepoint, so that a module
 * which keeps its work atomic on its own (an import, a generator) can also run as one step of a
 * larger unit that commits or rolls back as a whole (`hss demo`). */
static void savepoint_sql(char *buf, size_t n, const char *verb, int level)
{
    snprintf(buf, n, "%s hss_sp%d", verb, level);
}

/* A database may end a transaction by itself on some errors (disk full, I/O): resynchronise,
 * and let the next writer through once no transaction is open. */
static void sync_depth(hss_store *st)
{
    if (st->ops->autocommit(st)) {
        st->depth = 0;
        st->ops->ended(st);
    }
}

hss_code hss_store_begin(hss_store *st, hss_error *err)
{
    sync_depth(st);
    hss_code rc;
    if (st->depth == 0) {
        rc = st->ops->begin(st, err);
        if (rc)
            sync_depth(st); /* a BEGIN that failed opened nothing: the next writer goes on */
        else
            st->changes_at_begin = st->ops->total_changes(st);
    } else {
        char sql[48];
        savepoint_sql(sql, sizeof sql, "SAVEPOINT", st->depth);
        rc = hss_store_exec(st, sql, err);
    }
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
    if (st->depth == 1 && st->hook && st->ops->total_changes(st) > st->changes_at_begin) {
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
        hss_store_exec(st, "ROLLBACK", NULL);
    } else {
        char sql[64];
        savepoint_sql(sql, sizeof sql, "ROLLBACK TO", st->depth - 1);
        hss_store_exec(st, sql, NULL);
        savepoint_sql(sql, sizeof sql, "RELEASE", st->depth - 1);
        hss_store_exec(st, sql, NULL);
    }
    st->depth--;
    sync_depth(st);
}

/* ---- metadata ------------------------------------------------------------------------------- */

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
    /* a prepared statement (kept by the connection), not hss_store_exec's text parsed again:
     * every care write bumps the version */
    hss_stmt *s = hss_store_prepare(st, "INSERT INTO hss_meta(key,value) VALUES('data_version','1') "
                                        "ON CONFLICT(key) DO UPDATE SET value=CAST(CAST(hss_meta.value AS INTEGER)+1 AS TEXT)",
                                    err);
    if (!s)
        return HSS_EDB;
    int rc = hss_store_step(s);
    hss_store_finalize(s);
    return rc == HSS_DONE ? HSS_OK : hss_store_error(st, err, "bumping the data version");
}

hss_code hss_store_meta_set(hss_store *st, const char *key, const char *value, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, "INSERT INTO hss_meta(key,value) VALUES(?,?) "
                                        "ON CONFLICT(key) DO UPDATE SET value=excluded.value", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, key);
    hss_store_bind_text(s, 2, value);
    int rc = hss_store_step(s);
    hss_store_finalize(s);
    return rc == HSS_DONE ? HSS_OK : hss_store_error(st, err, "writing metadata");
}

char *hss_store_meta_get(hss_store *st, const char *key)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT value FROM hss_meta WHERE key=?", NULL);
    if (!s)
        return NULL;
    hss_store_bind_text(s, 1, key);
    char *v = NULL;
    if (hss_store_step(s) == HSS_ROW && hss_store_col_text(s, 0))
        v = hss_xstrdup(hss_store_col_text(s, 0));
    hss_store_finalize(s);
    return v;
}

/* ---- bulk load ------------------------------------------------------------------------------ */

/* Table and column names go into the SQL (or the COPY command) as written, so they must be
 * plain identifiers: the same name then means the same thing on either backend. */
static int plain_identifier(const char *s)
{
    if (!s || !*s || (*s >= '0' && *s <= '9'))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

hss_store_loader *hss_store_load_begin(hss_store *st, const char *table, const char *const *cols, int ncols,
                                       hss_error *err)
{
    if (!st->ops->load_begin) {
        hss_fail(err, HSS_EDB, "%s: bulk load is not available on %s", table, st->ops->name);
        return NULL;
    }
    if (st->ops->autocommit(st)) {
        hss_fail(err, HSS_EDB, "%s: a bulk load needs an open transaction", table);
        return NULL;
    }
    int ok = plain_identifier(table) && ncols > 0;
    for (int c = 0; ok && c < ncols; c++)
        ok = plain_identifier(cols[c]);
    if (!ok) {
        hss_fail(err, HSS_EINVAL, "%s: a bulk load needs plain table and column names", table ? table : "(null)");
        return NULL;
    }
    hss_store_loader *ld = hss_xcalloc(1, sizeof *ld);
    ld->st = st;
    ld->table = hss_xstrdup(table);
    ld->ncols = ncols;
    ld->vals = hss_xcalloc((size_t)ncols, sizeof *ld->vals);
    for (int c = 0; c < ncols; c++)
        ld->vals[c].type = HSS_SQL_NULL;
    if (st->ops->load_begin(ld, cols, err)) {
        free(ld->vals);
        free(ld->table);
        free(ld);
        return NULL;
    }
    return ld;
}

static void load_set(hss_store_loader *ld, int c, store_val v)
{
    if (c < 0 || c >= ld->ncols) {
        if (!ld->bad_col)
            ld->bad_col = c < 0 ? -1 : c + 1;
        return;
    }
    ld->vals[c] = v;
}

void hss_store_load_int(hss_store_loader *ld, int c, int64_t v) { load_set(ld, c, (store_val){.type = HSS_SQL_INT, .i = v}); }
void hss_store_load_double(hss_store_loader *ld, int c, double v) { load_set(ld, c, (store_val){.type = HSS_SQL_FLOAT, .d = v}); }
void hss_store_load_null(hss_store_loader *ld, int c) { load_set(ld, c, (store_val){.type = HSS_SQL_NULL}); }

void hss_store_load_textn(hss_store_loader *ld, int c, const char *v, size_t n)
{
    if (!v)
        hss_store_load_null(ld, c);
    else
        load_set(ld, c, (store_val){.type = HSS_SQL_TEXT, .p = v, .n = n});
}

void hss_store_load_text(hss_store_loader *ld, int c, const char *v) { hss_store_load_textn(ld, c, v, v ? strlen(v) : 0); }

void hss_store_load_blob(hss_store_loader *ld, int c, const void *p, size_t n)
{
    load_set(ld, c, (store_val){.type = HSS_SQL_BLOB, .p = p ? p : "", .n = n});
}

hss_code hss_store_load_next(hss_store_loader *ld, hss_error *err)
{
    if (ld->bad_col)
        return hss_fail(err, HSS_EINVAL, "%s: bulk load: column %d is not one of the %d loaded", ld->table,
                        ld->bad_col < 0 ? -1 : ld->bad_col - 1, ld->ncols);
    hss_code rc = ld->st->ops->load_row(ld, err);
    for (int c = 0; c < ld->ncols; c++)
        ld->vals[c] = (store_val){.type = HSS_SQL_NULL};
    if (rc == HSS_OK)
        ld->rows++;
    return rc;
}

long long hss_store_load_rows(const hss_store_loader *ld) { return ld->rows; }

static hss_code load_finish(hss_store_loader *ld, int abort, hss_error *err)
{
    if (!ld)
        return HSS_OK;
    hss_code rc = ld->st->ops->load_end(ld, abort, err);
    free(ld->vals);
    free(ld->table);
    free(ld);
    return rc;
}

hss_code hss_store_load_end(hss_store_loader *ld, hss_error *err) { return load_finish(ld, 0, err); }
void hss_store_load_abort(hss_store_loader *ld) { load_finish(ld, 1, NULL); }

hss_code hss_store_analyse(hss_store *st, const char *table, hss_error *err)
{
    for (const char *c = table; *c; c++)
        if (!(*c == '_' || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
            return hss_fail(err, HSS_EINVAL, "table name '%s': letters, digits and _ only", table);
    if (!hss_store_is_pg(st))
        return HSS_OK; /* SQLite plans without statistics unless asked; its plans stay as they are */
    char sql[160];
    snprintf(sql, sizeof sql, "ANALYZE %.140s", table);
    return hss_store_exec(st, sql, err);
}

hss_code hss_store_defer_fk(hss_store *st, hss_error *err)
{
    if (!st->ops->defer_fk)
        return hss_fail(err, HSS_EDB, "deferring foreign keys is not available on %s", st->ops->name);
    return st->ops->defer_fk(st, err);
}

char **hss_store_primary_key(hss_store *st, const char *table, size_t *n, hss_error *err)
{
    *n = 0;
    if (!st->ops->key_sql) {
        hss_fail(err, HSS_EDB, "%s: primary keys are not listed on %s", table, st->ops->name);
        return NULL;
    }
    hss_stmt *s = hss_store_prepare(st, st->ops->key_sql, err);
    if (!s)
        return NULL;
    hss_store_bind_text(s, 1, table);
    size_t cap = 4;
    char **names = hss_xcalloc(cap, sizeof *names);
    int rc;
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        if (*n == cap)
            names = hss_xrealloc(names, (cap *= 2) * sizeof *names);
        names[(*n)++] = hss_xstrdup(hss_store_col_text(s, 0));
    }
    hss_store_finalize(s);
    if (rc != HSS_DONE) {
        hss_store_error(st, err, table);
        hss_store_names_free(names, *n);
        *n = 0;
        return NULL;
    }
    return names;
}

void hss_store_names_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}
