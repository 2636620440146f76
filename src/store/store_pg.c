/*
 * store_pg.c: the PostgreSQL backend, on libpq. A statement written with `?` or `:name`
 * placeholders is numbered ($1, $2 …) once, prepared on the server the first time it runs with
 * the types its binds then have (and kept per connection, so the next prepare of the same SQL
 * costs nothing), and run with its parameters as text. Rows come back whole and are read as
 * text, which is what the modules' typed column reads parse.
 *
 * Where SQLite and PostgreSQL differ, this file and store_dialect.c say how: the schema scripts
 * are translated (store_dialect.c), a few SQLite functions are provided in the schema
 * `hss_compat`, and an error inside a transaction is undone to a savepoint so that, as in
 * SQLite, the failed statement alone fails and the transaction goes on.
 *
 * For the test suite, HSS_STORE_PG (a connection URL) makes every plain file path a schema on
 * that server (store_pg_test_schema): the file then holds only the schema's name.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include "store/store_int.h"
#include "store/store_pg.h"

#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700

/* Transaction-control statements held back to go with the next statement. */
#define PEND_MAX 16

/* Rows written before a read analyses the tables written (analyse_if_stale). */
#define ANALYSE_AFTER_ROWS 5000

/* Prepared statements kept per connection, by parameter types and SQL. */
#define PREP_SLOTS 8192

typedef struct prep_entry {
    char *key; /* types signature, '|', the numbered SQL */
    int id;    /* the server-side name is hss_<id> */
} prep_entry;

typedef struct pg_conn {
    PGconn *c;
    char *schema;      /* test mode: the schema this store lives in */
    int temp_schema;   /* dropped on close (":memory:") */
    long long changes, total;
    long long unanalysed; /* rows written since the planner's statistics were last taken */
    long long analysed_rows; /* rows written up to then */
    long long tx_rows;       /* rows written since the last BEGIN (or analysis) */
    int wrote;            /* the open transaction changed data: its commit moves hss_commits */
    /* Transaction control not sent yet (BEGIN, SAVEPOINT, RELEASE): it goes to the server with
     * the next statement, in the same round trip (see "round trips" below). */
    char pend[PEND_MAX][48];
    int npend;
    int pend_begin; /* BEGIN is among them: the transaction has not reached the server */
    long long last_id; /* lastval() as read with the last INSERT, when last_id_known */
    int last_id_known;
    int capture_id;    /* the statement being run is an INSERT */
    char sqlstate[6];
    char *errmsg;
    prep_entry *prep; /* PREP_SLOTS, open addressing */
    int nprep;
} pg_conn;

typedef struct pg_param {
    int type; /* HSS_SQL_* */
    char *own;        /* owned copy (numbers, copied text, escaped blobs) */
    const char *val;  /* what is sent */
    int len;
} pg_param;

typedef struct pg_stmt {
    hss_stmt base;
    char *sql;     /* numbered */
    int nparams;
    char **names;  /* nparams entries: ":name" or NULL */
    pg_param *params;
    const char *prep_name; /* set once prepared for the current types */
    char prep_buf[24];
    char *sig;     /* the types it was prepared for */
    PGresult *res;
    int row, nrows;
    int done;
    int reads; /* a SELECT */
    int inserts; /* an INSERT: the row's id comes back with it (hss_store_last_id) */
    unsigned char **blobs; /* decoded bytea of the current row, per column */
    size_t *blob_len;
} pg_stmt;

#define CONN(st) ((pg_conn *)(st)->impl)
#define PST(s) ((pg_stmt *)(s))

/* ---- errors ------------------------------------------------------------------------------- */

static void set_error(pg_conn *c, const PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    snprintf(c->sqlstate, sizeof c->sqlstate, "%s", state ? state : "");
    const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!m)
        m = PQerrorMessage(c->c);
    free(c->errmsg);
    c->errmsg = hss_xstrdup(m && *m ? m : "unknown error");
    size_t n = strlen(c->errmsg);
    while (n && (c->errmsg[n - 1] == '\n' || c->errmsg[n - 1] == ' '))
        c->errmsg[--n] = 0;
}

static const char *pg_errmsg(hss_store *st) { return CONN(st)->errmsg ? CONN(st)->errmsg : "not an error"; }

static int in_tx(pg_conn *c) { return c->pend_begin || PQtransactionStatus(c->c) != PQTRANS_IDLE; }

/* The held-back transaction control and then `sql`, as one simple query (several statements
 * separated by `;`); a malloc'd string, or NULL when nothing is held back. */
static char *with_pending(pg_conn *c, const char *sql)
{
    if (!c->npend)
        return NULL;
    hss_buf b;
    hss_buf_init(&b);
    for (int i = 0; i < c->npend; i++)
        hss_buf_printf(&b, "%s;", c->pend[i]);
    hss_buf_puts(&b, sql);
    c->npend = 0;
    c->pend_begin = 0;
    return hss_buf_steal(&b);
}

/* Runs one simple command (after what is held back) and reports whether it succeeded. */
static int simple(pg_conn *c, const char *sql)
{
    char *own = with_pending(c, sql);
    PGresult *r = PQexec(c->c, own ? own : sql);
    free(own);
    ExecStatusType k = PQresultStatus(r);
    int ok = k == PGRES_COMMAND_OK || k == PGRES_TUPLES_OK;
    if (!ok)
        set_error(c, r);
    PQclear(r);
    return ok;
}

static int name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
}

/* Sends what is held back, before a call that cannot take it along. */
static int flush(pg_conn *c)
{
    if (!c->npend)
        return 1;
    hss_buf b;
    hss_buf_init(&b);
    for (int i = 0; i < c->npend; i++)
        hss_buf_printf(&b, "%s%s", i ? ";" : "", c->pend[i]);
    c->npend = 0;
    c->pend_begin = 0;
    int ok = simple(c, b.data);
    hss_buf_free(&b);
    return ok;
}

/* A statement failed inside a transaction: back to its savepoint, keeping its error. */
static void undo_statement(pg_conn *c)
{
    char *keep = hss_xstrdup(c->errmsg ? c->errmsg : ""), state[6];
    memcpy(state, c->sqlstate, sizeof state);
    simple(c, "ROLLBACK TO SAVEPOINT hss_stmt;RELEASE SAVEPOINT hss_stmt");
    free(c->errmsg);
    c->errmsg = keep;
    memcpy(c->sqlstate, state, sizeof state);
}

/* ---- exec ---------------------------------------------------------------------------------- */

/* Transaction control is not wrapped in a savepoint of its own: releasing that would release
 * the savepoints it makes. */
static int tx_control(const char *sql)
{
    const char *w = sql + strspn(sql, " \t\r\n");
    static const char *const verbs[] = {"SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "END"};
    for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++)
        if (strncasecmp(w, verbs[i], strlen(verbs[i])) == 0)
            return 1;
    return 0;
}

/* The first word of sql is `word` (case aside). */
static int starts(const char *sql, const char *word)
{
    const char *w = sql + strspn(sql, " \t\r\n(");
    size_t n = strlen(word);
    return strncasecmp(w, word, n) == 0 && !name_char(w[n]);
}

/* ---- the commit counter -------------------------------------------------------------------
 * SQLite's data_version tells a connection that another one committed a change; PostgreSQL has
 * nothing alike (its statistics count every commit, reads included). So each database keeps a
 * sequence, hss_commits, that every transaction which changed rows moves right after its
 * commit, in the same round trip: a reader that sees the new value sees the commit's rows, and
 * the server's answer cache (hss_store_commits) notices writes by any connection or process.
 * Sequences are not transactional and take no row lock, so concurrent writers do not queue on
 * the counter as they would on a counter row. */
#define COMMITS_NEXT "SELECT nextval('hss_commits')"

/* Whether a statement run by hss_store_exec changed data: its row count says so, except in a
 * script of several statements (only the last one's count comes back), which counts as a write. */
static int wrote_data(const char *sql, long long changed)
{
    const char *semi = strchr(sql, ';');
    return changed > 0 || (semi && semi[strspn(semi, "; \t\r\n")]);
}

/* COMMIT, then the counter moved if the transaction wrote, in one round trip. The commit's
 * own result decides; the counter's failure (it cannot fail once the schema is migrated) does
 * not undo a commit that happened. */
static int commit_and_count(pg_conn *c)
{
    int wrote = c->wrote;
    c->wrote = 0;
    if (c->pend_begin) { /* no statement of the transaction reached the server */
        c->npend = 0;
        c->pend_begin = 0;
        return 1;
    }
    hss_buf b;
    hss_buf_init(&b);
    for (int i = 0; i < c->npend; i++)
        hss_buf_printf(&b, "%s;", c->pend[i]);
    c->npend = 0;
    hss_buf_puts(&b, wrote ? "COMMIT;" COMMITS_NEXT : "COMMIT");
    int sent = PQsendQuery(c->c, b.data);
    hss_buf_free(&b);
    if (!sent) {
        set_error(c, NULL);
        return 0;
    }
    /* every result up to the commit's decides; the counter's (it cannot fail once the schema
     * is migrated) does not undo a commit that happened */
    int ok = 1, seen_commit = 0;
    PGresult *r;
    while ((r = PQgetResult(c->c)) != NULL) {
        if (!seen_commit) {
            if (PQresultStatus(r) != PGRES_COMMAND_OK) {
                if (ok)
                    set_error(c, r);
                ok = 0;
            }
            /* (a COMMIT of a failed transaction answers ROLLBACK) */
            seen_commit = strncmp(PQcmdStatus(r), "COMMIT", 6) == 0 || strncmp(PQcmdStatus(r), "ROLLBACK", 8) == 0;
        }
        PQclear(r);
    }
    return ok;
}

/* ---- round trips ----------------------------------------------------------------------------
 * A statement costs a round trip to the server, and a request writes a dozen. BEGIN, SAVEPOINT
 * and RELEASE answer nothing the caller waits for, so they are held back (c->pend) and sent
 * with the next statement in one round trip: as one simple query (statements joined by `;`),
 * or ahead of a prepared statement in libpq's pipeline. A nested begin and commit with nothing
 * between cost nothing, nor does a transaction that ran no statement. The COMMIT takes what is
 * held back and the commit counter with it. */

/* The savepoint named by `SAVEPOINT x`, `RELEASE x` or `RELEASE SAVEPOINT x`. */
static const char *savepoint_name(const char *sql)
{
    const char *p = sql + strspn(sql, " ");
    p += strcspn(p, " ");
    p += strspn(p, " ");
    if (starts(p, "SAVEPOINT")) {
        p += 9;
        p += strspn(p, " ");
    }
    return p;
}

/* Holds back one transaction-control statement; 0 when it must be sent now. */
static int hold(pg_conn *c, const char *sql)
{
    int begin = strcasecmp(sql, "BEGIN") == 0;
    if (!begin && !starts(sql, "SAVEPOINT") && !starts(sql, "RELEASE"))
        return 0;
    if (strlen(sql) >= sizeof c->pend[0] || strchr(sql, ';'))
        return 0;
    if (begin && (c->npend || PQtransactionStatus(c->c) != PQTRANS_IDLE))
        return 0; /* a BEGIN inside a transaction: let the server say so */
    /* RELEASE x right after SAVEPOINT x: neither needs sending */
    if (starts(sql, "RELEASE") && c->npend && starts(c->pend[c->npend - 1], "SAVEPOINT") &&
        strcmp(savepoint_name(c->pend[c->npend - 1]), savepoint_name(sql)) == 0) {
        c->npend--;
        return 1;
    }
    if (c->npend == PEND_MAX && !simple(c, "SELECT 1"))
        return 0;
    snprintf(c->pend[c->npend++], sizeof c->pend[0], "%s", sql);
    c->pend_begin |= begin;
    return 1;
}

/* Runs `sql` (one or more statements) and sums up its results: 0 and the row count of its
 * last data statement, or -1 with the error set. Inside a transaction the statements run
 * between a savepoint and its release, all in one round trip with what is held back, and a
 * failure is undone to the savepoint, so that the transaction goes on. */
static PGresult *exec_prepared(pg_conn *c, int guard, const char *name, int n, const char *const *vals,
                               const int *lens, const int *fmts);

/* One statement inside a transaction: in the pipeline with its savepoint. */
static int exec_one(pg_conn *c, const char *sql, long long *changed)
{
    const char *vals[1] = {sql};
    PGresult *r = exec_prepared(c, 1, NULL, 0, vals, NULL, NULL);
    ExecStatusType k = PQresultStatus(r);
    if (k != PGRES_COMMAND_OK && k != PGRES_TUPLES_OK && k != PGRES_EMPTY_QUERY) {
        set_error(c, r);
        PQclear(r);
        undo_statement(c);
        return -1;
    }
    const char *n = PQcmdTuples(r);
    *changed = n && *n ? atoll(n) : 0;
    PQclear(r);
    return 0;
}

static int exec_script(pg_conn *c, const char *sql, int tx, long long *changed)
{
    *changed = 0;
    if (tx && !strchr(sql, ';'))
        return exec_one(c, sql, changed);
    /* several statements: the savepoint first (a script the server cannot parse runs none of
     * its statements and aborts the transaction), then the script and the release at once */
    if (tx && !simple(c, "SAVEPOINT hss_stmt"))
        return -1;
    char *own = with_pending(c, sql);
    hss_buf b;
    hss_buf_init(&b);
    hss_buf_puts(&b, own ? own : sql);
    free(own);
    if (tx)
        hss_buf_puts(&b, ";RELEASE SAVEPOINT hss_stmt");
    int ok = PQsendQuery(c->c, b.data);
    hss_buf_free(&b);
    if (!ok) {
        set_error(c, NULL);
        return -1;
    }
    int failed = 0;
    PGresult *r;
    while ((r = PQgetResult(c->c)) != NULL) {
        ExecStatusType k = PQresultStatus(r);
        if (k != PGRES_COMMAND_OK && k != PGRES_TUPLES_OK && k != PGRES_EMPTY_QUERY) {
            if (!failed)
                set_error(c, r);
            failed = 1;
        } else if (k != PGRES_EMPTY_QUERY) {
            const char *st = PQcmdStatus(r), *n = PQcmdTuples(r);
            if (strncmp(st, "SAVEPOINT", 9) != 0 && strncmp(st, "RELEASE", 7) != 0 && strncmp(st, "BEGIN", 5) != 0)
                *changed = n && *n ? atoll(n) : 0;
        }
        PQclear(r);
    }
    if (failed && tx)
        undo_statement(c);
    return failed ? -1 : 0;
}

/* A bulk load analyses what it wrote before it reads (analyse_if_stale), from ANALYSE_AFTER_ROWS
 * rows on. The rows of a smaller transaction, as the server's many one-request writes, are
 * left to autovacuum: counted up over a server's life they made a request now and then analyse
 * every table it had touched, inside its transaction, while other writers waited (seconds at
 * the province bench's p99). */
static void forget_small_writes(pg_conn *c)
{
    if (c->tx_rows < ANALYSE_AFTER_ROWS)
        c->unanalysed = c->unanalysed > c->tx_rows ? c->unanalysed - c->tx_rows : 0;
    c->tx_rows = 0;
}

static hss_code pg_exec(hss_store *st, const char *sql, hss_error *err)
{
    pg_conn *c = CONN(st);
    c->last_id_known = 0;
    if (starts(sql, "COMMIT") || starts(sql, "END"))
        return commit_and_count(c) ? HSS_OK : hss_fail(err, HSS_EDB, "database: %s", c->errmsg);
    if (starts(sql, "ROLLBACK") && !strcasestr(sql, " TO ")) {
        c->wrote = 0;
        if (c->pend_begin) { /* nothing of the transaction reached the server */
            c->npend = 0;
            c->pend_begin = 0;
            return HSS_OK;
        }
    }
    if (strcasecmp(sql, "BEGIN") == 0) {
        c->wrote = 0;
        forget_small_writes(c);
    }
    if (hold(c, sql))
        return HSS_OK;
    int tx = in_tx(c) && !tx_control(sql);
    long long changed = 0;
    if (exec_script(c, sql, tx, &changed))
        return hss_fail(err, HSS_EDB, "database: %s", c->errmsg);
    if (changed) {
        c->changes = changed;
        c->total += c->changes;
        c->unanalysed += c->changes;
        c->tx_rows += c->changes;
    }
    if (tx)
        c->wrote |= wrote_data(sql, changed);
    else if (!tx_control(sql) && wrote_data(sql, changed))
        simple(c, COMMITS_NEXT); /* statements that committed by themselves */
    return HSS_OK;
}

static long long pg_commits(hss_store *st)
{
    flush(CONN(st));
    PGresult *r = PQexec(CONN(st)->c, "SELECT last_value + is_called::int FROM hss_commits");
    long long v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? atoll(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return v;
}

/* ---- connection ---------------------------------------------------------------------------- */

/* SQLite functions the modules' SQL uses, for PostgreSQL. Created once per database; a new
 * version of this list replaces the old one (COMPAT_VERSION). The search path puts these
 * before PostgreSQL's own (pg_catalog last), so json_each(text) here is SQLite's. */
#define COMPAT_VERSION "3"
static const char COMPAT_SQL[] =
    "CREATE SCHEMA IF NOT EXISTS hss_compat;"
    "CREATE OR REPLACE FUNCTION hss_compat.compat_version() RETURNS text LANGUAGE sql IMMUTABLE AS "
    "  'SELECT ''v" COMPAT_VERSION "''';"
    /* json_each over a JSON array of integers (ids), as the modules use it */
    "CREATE OR REPLACE FUNCTION hss_compat.json_each(text) RETURNS TABLE(value bigint) LANGUAGE sql IMMUTABLE AS "
    "  'SELECT v::bigint FROM json_array_elements_text($1::json) AS e(v)';"
    "CREATE OR REPLACE FUNCTION hss_compat.round(double precision, integer) RETURNS double precision "
    "  LANGUAGE sql IMMUTABLE AS 'SELECT round($1::numeric, $2)::double precision';"
    "CREATE OR REPLACE FUNCTION hss_compat.round(double precision, bigint) RETURNS double precision "
    "  LANGUAGE sql IMMUTABLE AS 'SELECT round($1::numeric, $2::int)::double precision';"
    "CREATE OR REPLACE FUNCTION hss_compat.instr(text, text) RETURNS integer "
    "  LANGUAGE sql IMMUTABLE AS 'SELECT strpos($1, $2)';"
    "CREATE OR REPLACE FUNCTION hss_compat.gc_step(text, text, text) RETURNS text LANGUAGE sql IMMUTABLE AS "
    "  'SELECT CASE WHEN $2 IS NULL THEN $1 WHEN $1 IS NULL THEN $2 ELSE $1 || $3 || $2 END';"
    "CREATE OR REPLACE FUNCTION hss_compat.gc_step1(text, text) RETURNS text LANGUAGE sql IMMUTABLE AS "
    "  'SELECT CASE WHEN $2 IS NULL THEN $1 WHEN $1 IS NULL THEN $2 ELSE $1 || '','' || $2 END';"
    "CREATE OR REPLACE AGGREGATE hss_compat.group_concat(text, text) (sfunc = hss_compat.gc_step, stype = text);"
    "CREATE OR REPLACE AGGREGATE hss_compat.group_concat(text) (sfunc = hss_compat.gc_step1, stype = text);"
    /* lastval(), or NULL where this session has numbered no row yet (lastval() fails then,
     * which would end the transaction): sent with each INSERT, see exec_prepared */
    "CREATE OR REPLACE FUNCTION hss_compat.last_id() RETURNS bigint LANGUAGE plpgsql VOLATILE AS "
    "  'BEGIN RETURN lastval(); EXCEPTION WHEN object_not_in_prerequisite_state THEN RETURN NULL; END';";

/* The compatibility functions, under a lock so that many test processes can race to make them. */
static int compat_current(pg_conn *c)
{
    PGresult *r = PQexec(c->c, "SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid=p.pronamespace "
                               "WHERE n.nspname='hss_compat' AND p.proname='compat_version'");
    int have = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
               strstr(PQgetvalue(r, 0, 0), "'v" COMPAT_VERSION "'") != NULL;
    PQclear(r);
    return have;
}

static hss_code make_compat(pg_conn *c, hss_error *err)
{
    if (compat_current(c))
        return HSS_OK;
    if (!simple(c, "BEGIN") || !simple(c, "SELECT pg_advisory_xact_lock(4711015)")) {
        simple(c, "ROLLBACK");
        return hss_fail(err, HSS_EDB, "database: %s", c->errmsg);
    }
    if (!compat_current(c) && !simple(c, COMPAT_SQL)) {
        simple(c, "ROLLBACK");
        return hss_fail(err, HSS_EDB, "database: creating the compatibility functions: %s", c->errmsg);
    }
    return simple(c, "COMMIT") ? HSS_OK : hss_fail(err, HSS_EDB, "database: %s", c->errmsg);
}

static void notice_quiet(void *arg, const PGresult *r)
{
    (void)arg;
    (void)r;
}

static hss_code connect_url(hss_store *st, const char *url, hss_error *err)
{
    pg_conn *c = hss_xcalloc(1, sizeof *c);
    st->impl = c;
    c->prep = hss_xcalloc(PREP_SLOTS, sizeof *c->prep);
    c->c = PQconnectdb(url);
    if (PQstatus(c->c) != CONNECTION_OK) {
        char *m = hss_xstrdup(PQerrorMessage(c->c));
        size_t n = strlen(m);
        while (n && m[n - 1] == '\n')
            m[--n] = 0;
        hss_fail(err, HSS_EDB, "%s: cannot connect to PostgreSQL: %s", st->path, m);
        free(m);
        return HSS_EDB;
    }
    PQsetNoticeReceiver(c->c, notice_quiet, NULL);
    if (!simple(c, "SET client_min_messages=warning; SET TIME ZONE 'UTC'; SET extra_float_digits=1"))
        return hss_fail(err, HSS_EDB, "%s: %s", st->path, c->errmsg);
    if (make_compat(c, err))
        return HSS_EDB;
    /* the server's own schema (public), then SQLite's functions, then PostgreSQL's */
    if (!simple(c, "SET search_path TO public, hss_compat, pg_catalog"))
        return hss_fail(err, HSS_EDB, "%s: %s", st->path, c->errmsg);
    return HSS_OK;
}

static hss_code set_path(pg_conn *c, const char *schema, hss_error *err)
{
    char *q = PQescapeIdentifier(c->c, schema, strlen(schema));
    char sql[512];
    snprintf(sql, sizeof sql, "SET search_path TO %s, hss_compat, pg_catalog", q);
    PQfreemem(q);
    return simple(c, sql) ? HSS_OK : hss_fail(err, HSS_EDB, "database: %s", c->errmsg);
}

static hss_code make_schema(pg_conn *c, const char *schema, hss_error *err)
{
    char *q = PQescapeIdentifier(c->c, schema, strlen(schema));
    char sql[512];
    snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", q, q);
    PQfreemem(q);
    return simple(c, sql) ? HSS_OK : hss_fail(err, HSS_EDB, "database: %s", c->errmsg);
}

static char *random_schema(void)
{
    unsigned char b[8] = {0};
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
        memcpy(b, &(long){(long)getpid() ^ (long)(size_t)b}, sizeof b);
    char *s = hss_xcalloc(1, 24);
    snprintf(s, 24, "t%02x%02x%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
    return s;
}

#define POINTER_TAG "hss-postgresql-schema "

/* Test mode: a plain path names a schema on the HSS_STORE_PG server. The file holds the name,
 * so that a test that deletes the file starts afresh and one that keeps it reopens the data. */
static hss_code open_test_schema(hss_store *st, pg_conn *c, hss_error *err)
{
    if (strcmp(st->path, ":memory:") == 0 || *st->path == 0) {
        c->schema = random_schema();
        c->temp_schema = 1;
        if (make_schema(c, c->schema, err))
            return HSS_EDB;
        return set_path(c, c->schema, err);
    }
    FILE *f = fopen(st->path, "r");
    if (f) {
        char line[128] = "";
        if (!fgets(line, sizeof line, f) || strncmp(line, POINTER_TAG, strlen(POINTER_TAG)) != 0) {
            fclose(f);
            return hss_fail(err, HSS_EDB, "%s: not a database (test mode on PostgreSQL)", st->path);
        }
        fclose(f);
        line[strcspn(line, "\r\n")] = 0;
        c->schema = hss_xstrdup(line + strlen(POINTER_TAG));
        return set_path(c, c->schema, err);
    }
    c->schema = random_schema();
    if (make_schema(c, c->schema, err))
        return HSS_EDB;
    f = fopen(st->path, "w");
    if (!f)
        return hss_fail(err, HSS_EDB, "%s: cannot open database: cannot create the file", st->path);
    fprintf(f, POINTER_TAG "%s\n", c->schema);
    fclose(f);
    return set_path(c, c->schema, err);
}

static hss_code pg_open(hss_store *st, hss_error *err)
{
    const char *test = hss_store_pg_test_url(st->path);
    if (connect_url(st, test ? test : st->path, err))
        return HSS_EDB;
    return test ? open_test_schema(st, CONN(st), err) : HSS_OK;
}

static void prep_free(pg_conn *c)
{
    if (!c->prep)
        return;
    for (int i = 0; i < PREP_SLOTS; i++)
        free(c->prep[i].key);
    free(c->prep);
}

static void pg_close(hss_store *st)
{
    pg_conn *c = CONN(st);
    if (!c)
        return;
    if (c->c && c->temp_schema && PQstatus(c->c) == CONNECTION_OK) {
        char *q = PQescapeIdentifier(c->c, c->schema, strlen(c->schema));
        char sql[256];
        snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS %s CASCADE", q);
        PQfreemem(q);
        simple(c, sql);
    }
    if (c->c)
        PQfinish(c->c);
    prep_free(c);
    free(c->schema);
    free(c->errmsg);
    free(c);
    st->impl = NULL;
}

static int pg_autocommit(hss_store *st) { return !in_tx(CONN(st)); }

static hss_code pg_begin(hss_store *st, hss_error *err) { return pg_exec(st, "BEGIN", err); }
static void pg_ended(hss_store *st) { (void)st; }
static long long pg_changes(hss_store *st) { return CONN(st)->changes; }
static long long pg_total_changes(hss_store *st) { return CONN(st)->total; }
static int pg_writers_waiting(hss_store *st) { (void)st; return 0; }

static long long pg_last_id(hss_store *st)
{
    if (CONN(st)->last_id_known)
        return CONN(st)->last_id;
    flush(CONN(st));
    PGresult *r = PQexec(CONN(st)->c, "SELECT lastval()");
    long long v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? atoll(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    return v;
}

static int pg_is_constraint(hss_store *st, int unique_only)
{
    const char *s = CONN(st)->sqlstate;
    if (unique_only)
        return strcmp(s, "23505") == 0;
    return strncmp(s, "23", 2) == 0;
}

/* ---- statements ---------------------------------------------------------------------------- */

/* Makes room for parameter number num (from 1) in the names array. */
static void names_reserve(char ***nm, int *cap, int num)
{
    while (num > *cap) {
        *nm = hss_xrealloc(*nm, (size_t)(*cap * 2) * sizeof **nm);
        memset(*nm + *cap, 0, (size_t)*cap * sizeof **nm);
        *cap *= 2;
    }
}

/* Numbers the placeholders as SQLite would: `?` takes the next number, `?N` the number N, and a
 * named parameter the number of its first appearance. Quoted text and comments are copied. */
static char *number_params(const char *sql, int *nparams, char ***names)
{
    hss_buf b;
    hss_buf_init(&b);
    int max = 0, cap = 8;
    char **nm = hss_xcalloc((size_t)cap, sizeof *nm);
    for (const char *p = sql; *p;) {
        if (*p == '\'' || *p == '"') {
            char q = *p;
            const char *e = p + 1;
            while (*e && !(*e == q && e[1] != q))
                e += *e == q ? 2 : 1;
            if (*e)
                e++;
            hss_buf_append(&b, p, (size_t)(e - p));
            p = e;
            continue;
        }
        if (p[0] == '-' && p[1] == '-') {
            const char *e = strchr(p, '\n');
            e = e ? e : p + strlen(p);
            hss_buf_append(&b, p, (size_t)(e - p));
            p = e;
            continue;
        }
        int num = 0;
        const char *e = p + 1;
        if (*p == '?') {
            if (*e >= '0' && *e <= '9') {
                num = atoi(e);
                while (*e >= '0' && *e <= '9')
                    e++;
            } else {
                num = max + 1;
            }
        } else if ((*p == ':' || *p == '@' || *p == '$') && name_char(*e) && !(*e >= '0' && *e <= '9') &&
                   !(p > sql && p[-1] == ':') && e[0] != ':') {
            while (name_char(*e))
                e++;
            for (int i = 0; i < max && !num; i++)
                if (nm[i] && strlen(nm[i]) == (size_t)(e - p) && strncmp(nm[i], p, (size_t)(e - p)) == 0)
                    num = i + 1;
            if (!num) {
                num = max + 1;
                names_reserve(&nm, &cap, num);
                nm[num - 1] = hss_xstrndup(p, (size_t)(e - p));
            }
        } else {
            hss_buf_append(&b, p, 1);
            p++;
            continue;
        }
        names_reserve(&nm, &cap, num);
        if (num > max)
            max = num;
        hss_buf_printf(&b, "$%d", num);
        p = e;
    }
    *nparams = max;
    *names = nm;
    return hss_buf_steal(&b);
}

static hss_stmt *pg_prepare(hss_store *st, const char *sql, hss_error *err)
{
    pg_stmt *x = hss_xcalloc(1, sizeof *x);
    x->base.st = st;
    x->sql = number_params(sql, &x->nparams, &x->names);
    x->params = hss_xcalloc((size_t)(x->nparams ? x->nparams : 1), sizeof *x->params);
    const char *w = sql + strspn(sql, " \t\r\n(");
    x->reads = strncasecmp(w, "SELECT", 6) == 0;
    x->inserts = strncasecmp(w, "INSERT", 6) == 0;
    for (int i = 0; i < x->nparams; i++)
        x->params[i].type = HSS_SQL_NULL;
    (void)err;
    return &x->base;
}

static void clear_result(pg_stmt *x)
{
    if (x->blobs) {
        int n = x->res ? PQnfields(x->res) : 0;
        for (int i = 0; i < n; i++)
            PQfreemem(x->blobs[i]);
        free(x->blobs);
        free(x->blob_len);
        x->blobs = NULL;
        x->blob_len = NULL;
    }
    if (x->res)
        PQclear(x->res);
    x->res = NULL;
    x->row = x->nrows = 0;
    x->done = 0;
}

static void free_blobs_row(pg_stmt *x)
{
    if (!x->blobs || !x->res)
        return;
    for (int i = 0; i < PQnfields(x->res); i++) {
        PQfreemem(x->blobs[i]);
        x->blobs[i] = NULL;
    }
}

/* The parameter types the server is told: numbers as numbers, the rest left for it to infer
 * from where the parameter stands (`pass` 1: text as text, for `? IS NULL` and the like). */
static Oid param_oid(int type, int pass)
{
    switch (type) {
    case HSS_SQL_INT:
        return pass == 2 ? 0 : OID_INT8;
    case HSS_SQL_FLOAT:
        return pass == 2 ? 0 : OID_FLOAT8;
    case HSS_SQL_BLOB:
        return OID_BYTEA;
    case HSS_SQL_TEXT:
        return pass == 1 ? OID_TEXT : 0;
    default:
        return pass == 1 ? OID_TEXT : 0;
    }
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static prep_entry *prep_find(pg_conn *c, const char *key)
{
    uint64_t h = hash_str(key);
    for (int k = 0; k < PREP_SLOTS; k++) {
        prep_entry *e = &c->prep[(h + (uint64_t)k) % PREP_SLOTS];
        if (!e->key || strcmp(e->key, key) == 0)
            return e;
    }
    return NULL;
}

/* Prepares x on the server for its current parameter types, trying the ways of typing the
 * parameters in turn; inside a transaction each try is undone on failure so that the
 * transaction goes on. Returns 0 or sets the error and returns -1. */
static int prepare_server(pg_conn *c, pg_stmt *x)
{
    char sig[64 + 1];
    int n = x->nparams < 64 ? x->nparams : 64;
    for (int i = 0; i < n; i++)
        sig[i] = (char)('0' + x->params[i].type);
    sig[n] = 0;
    if (x->prep_name && x->sig && strcmp(x->sig, sig) == 0)
        return 0;
    hss_buf key;
    hss_buf_init(&key);
    hss_buf_printf(&key, "%s|%s", sig, x->sql);
    char *k = hss_buf_steal(&key);
    prep_entry *e = prep_find(c, k);
    if (e && e->key) {
        free(k);
        snprintf(x->prep_buf, sizeof x->prep_buf, "hss_%d", e->id);
    } else {
        int id = ++c->nprep;
        snprintf(x->prep_buf, sizeof x->prep_buf, "hss_%d", id);
        Oid *types = hss_xcalloc((size_t)(x->nparams ? x->nparams : 1), sizeof *types);
        int tx = in_tx(c), ok = 0;
        for (int pass = 0; pass < 3 && !ok; pass++) {
            for (int i = 0; i < x->nparams; i++)
                types[i] = param_oid(x->params[i].type, pass);
            if (tx && !simple(c, "SAVEPOINT hss_prep"))
                break;
            PGresult *r = PQprepare(c->c, x->prep_buf, x->sql, x->nparams, types);
            ok = PQresultStatus(r) == PGRES_COMMAND_OK;
            if (!ok)
                set_error(c, r);
            PQclear(r);
            if (tx && !ok)
                simple(c, "ROLLBACK TO SAVEPOINT hss_prep");
            if (tx)
                simple(c, "RELEASE SAVEPOINT hss_prep");
        }
        free(types);
        if (!ok) {
            free(k);
            x->prep_name = NULL;
            return -1;
        }
        if (e) {
            e->key = k;
            e->id = id;
        } else {
            free(k); /* table full: the statement is prepared but not shared */
        }
    }
    free(x->sig);
    x->sig = hss_xstrdup(sig);
    x->prep_name = x->prep_buf;
    return 0;
}

/* A bulk load (a demo, an import) leaves the planner without statistics until autovacuum
 * comes by, and in the load's own transaction it never does: its reads are then planned for
 * empty tables, which on a city's rows means seconds instead of milliseconds. So before a read
 * that follows many writes in a transaction, the tables the transaction changed are analysed in
 * it (it sees its own rows). Outside a transaction (the server's many small writes) autovacuum
 * does it, off the requests' path (ANALYSE_AFTER_ROWS, forget_small_writes). */

/* The tables to analyse: those the open transaction changed, or else every table. A partition
 * is named by its partitioned table: ANALYZE of that table analyses each partition and also
 * takes the statistics of the table as a whole, which autovacuum never takes (it visits
 * partitions only) and without which the planner guesses a join on the whole table (half its
 * rows match, by PostgreSQL's default of 200 distinct values) and reads every partition. */
static const char *const STALE_SQL[] = {
    "SELECT string_agg(DISTINCT quote_ident(coalesce(p.relname, s.relname)), ',') "
    "FROM pg_stat_xact_user_tables s LEFT JOIN pg_inherits i ON i.inhrelid = s.relid "
    "LEFT JOIN pg_class p ON p.oid = i.inhparent "
    "WHERE s.schemaname = current_schema() AND s.n_tup_ins + s.n_tup_upd + s.n_tup_del > 0",
    "SELECT string_agg(quote_ident(relname), ',') FROM pg_class "
    "WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p') AND NOT relispartition",
};

/* Analyses after 5,000 rows, then each time the rows written have doubled: a load of a
 * million rows is analysed a dozen times, not two hundred. */
static void analyse_if_stale(pg_conn *c)
{
    if (c->unanalysed < ANALYSE_AFTER_ROWS || c->unanalysed < c->analysed_rows || !in_tx(c))
        return;
    c->analysed_rows += c->unanalysed;
    c->unanalysed = 0;
    c->tx_rows = 0;
    flush(c);
    for (int i = 0; i < 2; i++) {
        PGresult *r = PQexec(c->c, STALE_SQL[i]);
        int found = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0);
        if (found) {
            hss_buf b;
            hss_buf_init(&b);
            hss_buf_printf(&b, "ANALYZE %s", PQgetvalue(r, 0, 0));
            simple(c, b.data);
            hss_buf_free(&b);
        }
        PQclear(r);
        if (found)
            break;
    }
}

/* Runs a prepared statement (or, with name NULL, the one statement vals[0]) after what is held
 * back and, with `guard`, between a savepoint and its release, all in one round trip (libpq's
 * pipeline mode), so that even a statement the server cannot parse fails alone. Returns its result,
 * or the error of what ran before it; on failure the savepoint is still open, for the caller
 * to roll back to. */
static PGresult *exec_prepared(pg_conn *c, int guard, const char *name, int n, const char *const *vals,
                               const int *lens, const int *fmts)
{
    c->last_id_known = 0;
    if (!guard && !c->npend)
        return name ? PQexecPrepared(c->c, name, n, vals, lens, fmts, 0) : PQexec(c->c, vals[0]);
    if (!PQenterPipelineMode(c->c)) {
        if (!flush(c) || (guard && !simple(c, "SAVEPOINT hss_stmt")))
            return NULL;
        PGresult *r = name ? PQexecPrepared(c->c, name, n, vals, lens, fmts, 0) : PQexec(c->c, vals[0]);
        if (guard && PQresultStatus(r) == PGRES_COMMAND_OK)
            simple(c, "RELEASE SAVEPOINT hss_stmt");
        return r;
    }
    for (int i = 0; i < c->npend; i++)
        PQsendQueryParams(c->c, c->pend[i], 0, NULL, NULL, NULL, NULL, 0);
    int target = c->npend + guard;
    c->npend = 0;
    c->pend_begin = 0;
    if (guard)
        PQsendQueryParams(c->c, "SAVEPOINT hss_stmt", 0, NULL, NULL, NULL, NULL, 0);
    if (name)
        PQsendQueryPrepared(c->c, name, n, vals, lens, fmts, 0);
    else /* one statement's text, vals[0] */
        PQsendQueryParams(c->c, vals[0], 0, NULL, NULL, NULL, NULL, 0);
    if (guard)
        PQsendQueryParams(c->c, "RELEASE SAVEPOINT hss_stmt", 0, NULL, NULL, NULL, NULL, 0);
    /* an INSERT's row id comes along, as the caller may ask for it next */
    int id_query = guard && c->capture_id ? target + 2 : -1;
    if (id_query > 0)
        PQsendQueryParams(c->c, "SELECT hss_compat.last_id()", 0, NULL, NULL, NULL, NULL, 0);
    PQpipelineSync(c->c);
    PGresult *out = NULL, *first_error = NULL;
    int query = 0, synced = 0;
    while (!synced) {
        PGresult *r = PQgetResult(c->c);
        if (!r) { /* the end of one query's results */
            query++;
            continue;
        }
        ExecStatusType k = PQresultStatus(r);
        if (k == PGRES_PIPELINE_SYNC) {
            synced = 1;
            PQclear(r);
        } else if (query == target && !out) {
            out = r;
        } else if (query == id_query) {
            c->last_id_known = k == PGRES_TUPLES_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0);
            c->last_id = c->last_id_known ? atoll(PQgetvalue(r, 0, 0)) : 0;
            PQclear(r);
        } else if (query < target && !first_error && k != PGRES_COMMAND_OK) {
            first_error = r; /* held-back control or the savepoint failed: the statement did not run */
        } else {
            PQclear(r);
        }
    }
    PQexitPipelineMode(c->c);
    if (first_error) {
        PQclear(out);
        return first_error;
    }
    return out;
}

/* Runs the statement. Inside a transaction a failing statement is undone to a savepoint, as a
 * failing statement in SQLite undoes only itself. */
static int run(pg_stmt *x)
{
    pg_conn *c = CONN(x->base.st);
    if (x->reads)
        analyse_if_stale(c);
    if (prepare_server(c, x))
        return 1;
    const char **vals = hss_xcalloc((size_t)(x->nparams ? x->nparams : 1), sizeof *vals);
    int *lens = hss_xcalloc((size_t)(x->nparams ? x->nparams : 1), sizeof *lens);
    int *fmts = hss_xcalloc((size_t)(x->nparams ? x->nparams : 1), sizeof *fmts);
    for (int i = 0; i < x->nparams; i++) {
        pg_param *p = &x->params[i];
        vals[i] = p->type == HSS_SQL_NULL ? NULL : p->val;
        lens[i] = p->len;
        fmts[i] = p->type == HSS_SQL_BLOB;
    }
    /* a read that fails ends in an error the caller returns; a write may be expected to fail
     * (a duplicate) and the transaction to go on */
    int tx = !x->reads && in_tx(c);
    c->capture_id = x->inserts;
    x->res = exec_prepared(c, tx, x->prep_name, x->nparams, vals, lens, fmts);
    c->capture_id = 0;
    free(vals), free(lens), free(fmts);
    ExecStatusType k = PQresultStatus(x->res);
    if (k != PGRES_TUPLES_OK && k != PGRES_COMMAND_OK) {
        set_error(c, x->res);
        PQclear(x->res);
        x->res = NULL;
        if (tx)
            undo_statement(c);
        return 1;
    }
    const char *n = PQcmdTuples(x->res);
    if (n && *n && strncmp(PQcmdStatus(x->res), "SELECT", 6) != 0) {
        c->changes = atoll(n);
        c->total += c->changes;
        c->unanalysed += c->changes;
        c->tx_rows += c->changes;
        if (c->changes > 0 && in_tx(c))
            c->wrote = 1;
        else if (c->changes > 0)
            simple(c, COMMITS_NEXT); /* a statement that committed by itself */
    }
    x->nrows = k == PGRES_TUPLES_OK ? PQntuples(x->res) : 0;
    x->row = -1;
    return 0;
}

static int pg_step(hss_stmt *s)
{
    pg_stmt *x = PST(s);
    if (x->done)
        return HSS_DONE;
    if (!x->res) {
        if (run(x))
            return 1; /* SQLITE_ERROR's value: any code other than HSS_ROW and HSS_DONE */
    }
    free_blobs_row(x);
    if (++x->row < x->nrows)
        return HSS_ROW;
    x->done = 1;
    return HSS_DONE;
}

static void pg_reset(hss_stmt *s) { clear_result(PST(s)); }

static void param_clear(pg_param *p)
{
    free(p->own);
    p->own = NULL;
    p->val = NULL;
    p->len = 0;
    p->type = HSS_SQL_NULL;
}

static void pg_clear(hss_stmt *s)
{
    pg_stmt *x = PST(s);
    for (int i = 0; i < x->nparams; i++)
        param_clear(&x->params[i]);
}

static void pg_finalize(hss_stmt *s)
{
    pg_stmt *x = PST(s);
    clear_result(x);
    pg_clear(s);
    for (int i = 0; i < x->nparams; i++)
        free(x->names[i]);
    free(x->names);
    free(x->params);
    free(x->sql);
    free(x->sig);
    free(x);
}

static void pg_bind(hss_stmt *s, int i, const store_val *v)
{
    pg_stmt *x = PST(s);
    if (i < 1 || i > x->nparams)
        return;
    clear_result(x); /* binding after a step starts the statement afresh, as in SQLite */
    pg_param *p = &x->params[i - 1];
    param_clear(p);
    p->type = v->type;
    char num[40];
    switch (v->type) {
    case HSS_SQL_INT:
        snprintf(num, sizeof num, "%lld", (long long)v->i);
        p->own = hss_xstrdup(num);
        break;
    case HSS_SQL_FLOAT:
        snprintf(num, sizeof num, "%.17g", v->d);
        p->own = hss_xstrdup(num);
        break;
    case HSS_SQL_TEXT:
        if (v->copy || memchr(v->p, 0, v->n) || ((const char *)v->p)[v->n] != 0)
            p->own = hss_xstrndup(v->p, v->n);
        else
            p->val = v->p;
        break;
    case HSS_SQL_BLOB:
        p->own = hss_xmalloc(v->n ? v->n : 1);
        memcpy(p->own, v->p, v->n);
        p->len = (int)v->n;
        break;
    default:
        break;
    }
    if (p->own)
        p->val = p->own;
}

static int pg_bind_index(hss_stmt *s, const char *name)
{
    pg_stmt *x = PST(s);
    for (int i = 0; i < x->nparams; i++)
        if (x->names[i] && strcmp(x->names[i], name) == 0)
            return i + 1;
    return 0;
}

static int has_value(pg_stmt *x, int c)
{
    return x->res && x->row >= 0 && x->row < x->nrows && c >= 0 && c < PQnfields(x->res) &&
           !PQgetisnull(x->res, x->row, c);
}

static long long pg_col_int64(hss_stmt *s, int c)
{
    pg_stmt *x = PST(s);
    if (!has_value(x, c))
        return 0;
    const char *v = PQgetvalue(x->res, x->row, c);
    if (PQftype(x->res, c) == OID_BOOL)
        return v[0] == 't';
    if (strpbrk(v, ".eE"))
        return (long long)strtod(v, NULL);
    return strtoll(v, NULL, 10);
}

static double pg_col_double(hss_stmt *s, int c)
{
    pg_stmt *x = PST(s);
    if (!has_value(x, c))
        return 0.0;
    if (PQftype(x->res, c) == OID_BOOL)
        return PQgetvalue(x->res, x->row, c)[0] == 't';
    return strtod(PQgetvalue(x->res, x->row, c), NULL);
}

static const char *pg_col_text(hss_stmt *s, int c)
{
    pg_stmt *x = PST(s);
    if (!has_value(x, c))
        return NULL;
    if (PQftype(x->res, c) == OID_BOOL)
        return PQgetvalue(x->res, x->row, c)[0] == 't' ? "1" : "0";
    return PQgetvalue(x->res, x->row, c);
}

static const unsigned char *blob_of(pg_stmt *x, int c, size_t *n)
{
    *n = 0;
    if (!has_value(x, c))
        return NULL;
    if (PQftype(x->res, c) != OID_BYTEA) {
        *n = (size_t)PQgetlength(x->res, x->row, c);
        return (const unsigned char *)PQgetvalue(x->res, x->row, c);
    }
    /* decoded once per row and column: a pointer handed out stays valid until the next step */
    if (!x->blobs) {
        x->blobs = hss_xcalloc((size_t)PQnfields(x->res), sizeof *x->blobs);
        x->blob_len = hss_xcalloc((size_t)PQnfields(x->res), sizeof *x->blob_len);
    }
    if (!x->blobs[c])
        x->blobs[c] = PQunescapeBytea((const unsigned char *)PQgetvalue(x->res, x->row, c), &x->blob_len[c]);
    *n = x->blob_len[c];
    return x->blobs[c];
}

static const void *pg_col_blob(hss_stmt *s, int c)
{
    size_t n;
    return blob_of(PST(s), c, &n);
}

static int pg_col_bytes(hss_stmt *s, int c)
{
    size_t n;
    blob_of(PST(s), c, &n);
    return (int)n;
}

static int pg_col_type(hss_stmt *s, int c)
{
    pg_stmt *x = PST(s);
    if (!has_value(x, c))
        return HSS_SQL_NULL;
    switch (PQftype(x->res, c)) {
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
    case OID_BOOL:
        return HSS_SQL_INT;
    case OID_FLOAT4:
    case OID_FLOAT8:
        return HSS_SQL_FLOAT;
    case OID_NUMERIC: /* sum() of integers is numeric: whole numbers read as integers */
        return strchr(PQgetvalue(x->res, x->row, c), '.') ? HSS_SQL_FLOAT : HSS_SQL_INT;
    case OID_BYTEA:
        return HSS_SQL_BLOB;
    default:
        return HSS_SQL_TEXT;
    }
}

/* PostgreSQL names a statement's columns once it has run: asked before the first step, the
 * statement runs, and the steps then read its rows (an error shows at the first step). */
static void run_for_columns(pg_stmt *x)
{
    if (!x->res && !x->done && run(x))
        x->res = NULL;
}

static int pg_col_count(hss_stmt *s)
{
    pg_stmt *x = PST(s);
    run_for_columns(x);
    return x->res ? PQnfields(x->res) : 0;
}

static const char *pg_col_name(hss_stmt *s, int c)
{
    pg_stmt *x = PST(s);
    run_for_columns(x);
    return x->res && c >= 0 && c < PQnfields(x->res) ? PQfname(x->res, c) : NULL;
}

/* ---- bulk load: COPY FROM STDIN in text format, sent in 256 KB pieces ----------------------- */

typedef struct pg_load {
    hss_buf row; /* rows not yet sent */
} pg_load;

/* Ends the savepoint a load runs in: kept when it loaded, undone when it failed. */
static void load_savepoint_end(pg_conn *c, int failed)
{
    if (failed)
        simple(c, "ROLLBACK TO SAVEPOINT hss_load");
    simple(c, "RELEASE SAVEPOINT hss_load");
}

static hss_code pg_load_begin(hss_store_loader *ld, const char *const *cols, hss_error *err)
{
    pg_conn *c = CONN(ld->st);
    c->last_id_known = 0;
    hss_buf sql;
    hss_buf_init(&sql);
    hss_buf_printf(&sql, "COPY %s(", ld->table);
    for (int i = 0; i < ld->ncols; i++)
        hss_buf_printf(&sql, "%s%s", i ? "," : "", cols[i]);
    hss_buf_puts(&sql, ") FROM STDIN");
    /* a load that fails is undone alone, as a failing statement is, and the transaction goes
     * on; the savepoint carries the statements held back for the next round trip */
    simple(c, "SAVEPOINT hss_load");
    PGresult *r = PQexec(c->c, sql.data);
    hss_buf_free(&sql);
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        set_error(c, r);
        PQclear(r);
        load_savepoint_end(c, 1);
        return hss_fail(err, HSS_EDB, "%s: bulk load: %s", ld->table, c->errmsg);
    }
    PQclear(r);
    pg_load *p = hss_xcalloc(1, sizeof *p);
    hss_buf_init(&p->row);
    ld->impl = p;
    return HSS_OK;
}

/* COPY's text format: a backslash, tab, newline or carriage return in a value is escaped. */
static void copy_text(hss_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '\\')
            hss_buf_puts(b, "\\\\");
        else if (ch == '\t')
            hss_buf_puts(b, "\\t");
        else if (ch == '\n')
            hss_buf_puts(b, "\\n");
        else if (ch == '\r')
            hss_buf_puts(b, "\\r");
        else
            hss_buf_append(b, &ch, 1);
    }
}

static void copy_value(hss_buf *b, const store_val *v)
{
    static const char hex[] = "0123456789abcdef";
    switch (v->type) {
    case HSS_SQL_INT:
        hss_buf_printf(b, "%lld", (long long)v->i);
        break;
    case HSS_SQL_FLOAT:
        hss_buf_printf(b, "%.17g", v->d);
        break;
    case HSS_SQL_TEXT:
        copy_text(b, v->p, v->n);
        break;
    case HSS_SQL_BLOB: /* bytea in hex, its backslash escaped for COPY */
        hss_buf_puts(b, "\\\\x");
        for (size_t i = 0; i < v->n; i++) {
            unsigned char u = ((const unsigned char *)v->p)[i];
            char two[2] = {hex[u >> 4], hex[u & 15]};
            hss_buf_append(b, two, 2);
        }
        break;
    default:
        hss_buf_puts(b, "\\N");
    }
}

static hss_code copy_flush(hss_store_loader *ld, pg_load *p, hss_error *err)
{
    pg_conn *c = CONN(ld->st);
    if (p->row.len && PQputCopyData(c->c, p->row.data, (int)p->row.len) != 1)
        return hss_fail(err, HSS_EDB, "%s: bulk load: %s", ld->table, PQerrorMessage(c->c));
    p->row.len = 0;
    return HSS_OK;
}

static hss_code pg_load_row(hss_store_loader *ld, hss_error *err)
{
    pg_load *p = ld->impl;
    for (int i = 0; i < ld->ncols; i++) {
        if (i)
            hss_buf_append(&p->row, "\t", 1);
        copy_value(&p->row, &ld->vals[i]);
    }
    hss_buf_append(&p->row, "\n", 1);
    return p->row.len >= 256 * 1024 ? copy_flush(ld, p, err) : HSS_OK;
}

static hss_code pg_load_end(hss_store_loader *ld, int abort, hss_error *err)
{
    pg_conn *c = CONN(ld->st);
    pg_load *p = ld->impl;
    hss_code rc = abort ? HSS_OK : copy_flush(ld, p, err);
    PQputCopyEnd(c->c, abort || rc ? "the load was given up" : NULL);
    PGresult *r;
    while ((r = PQgetResult(c->c)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && !abort && rc == HSS_OK) {
            set_error(c, r);
            rc = hss_fail(err, HSS_EDB, "%s: bulk load: %s", ld->table, c->errmsg);
        } else if (PQresultStatus(r) == PGRES_COMMAND_OK) {
            const char *n = PQcmdTuples(r);
            c->changes = n && *n ? atoll(n) : 0;
            c->total += c->changes;
            c->wrote |= c->changes > 0;
            c->unanalysed += c->changes;
            c->tx_rows += c->changes;
        }
        PQclear(r);
    }
    load_savepoint_end(c, abort || rc != HSS_OK);
    hss_buf_free(&p->row);
    free(p);
    ld->impl = NULL;
    return rc;
}

/* The schema's foreign keys are deferrable (pg_migrated), so that a transaction can check them
 * at its commit. */
static hss_code pg_defer_fk(hss_store *st, hss_error *err) { return pg_exec(st, "SET CONSTRAINTS ALL DEFERRED", err); }

/* After the migrations: foreign keys made deferrable, and the commit counter made once (under
 * a lock, as the server's threads and other processes may open the database at once). */
static hss_code pg_migrated(hss_store *st, hss_error *err)
{
    return pg_exec(st,
                   "DO $hss$ DECLARE r record; BEGIN "
                   "IF to_regclass('hss_commits') IS NULL THEN "
                   "PERFORM pg_advisory_xact_lock(4711016); "
                   "IF to_regclass('hss_commits') IS NULL THEN CREATE SEQUENCE hss_commits; END IF; "
                   "END IF; "
                   "FOR r IN SELECT c.conname, t.relname FROM pg_constraint c JOIN pg_class t ON t.oid=c.conrelid "
                   "WHERE c.contype='f' AND NOT c.condeferrable AND t.relnamespace=current_schema()::regnamespace LOOP "
                   "EXECUTE format('ALTER TABLE %I ALTER CONSTRAINT %I DEFERRABLE INITIALLY IMMEDIATE', r.relname, r.conname); "
                   "END LOOP; END $hss$",
                   err);
}

const store_ops hss_store_pg_ops = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .autocommit = pg_autocommit,
    .begin = pg_begin,
    .ended = pg_ended,
    .errmsg = pg_errmsg,
    .changes = pg_changes,
    .total_changes = pg_total_changes,
    .last_id = pg_last_id,
    .is_constraint = pg_is_constraint,
    .writers_waiting = pg_writers_waiting,
    .commits = pg_commits,
    .ddl = hss_store_pg_ddl,
    .prepare = pg_prepare,
    .step = pg_step,
    .reset = pg_reset,
    .clear = pg_clear,
    .finalize = pg_finalize,
    .bind = pg_bind,
    .bind_index = pg_bind_index,
    .col_int64 = pg_col_int64,
    .col_double = pg_col_double,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .col_bytes = pg_col_bytes,
    .col_type = pg_col_type,
    .col_count = pg_col_count,
    .col_name = pg_col_name,
    .tables_sql = "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid=c.relnamespace "
                  "WHERE n.nspname=current_schema() AND c.relkind IN ('r','p') AND NOT c.relispartition "
                  "AND c.relname<>'hss_schema_version' ORDER BY c.oid",
    .load_begin = pg_load_begin,
    .load_row = pg_load_row,
    .load_end = pg_load_end,
    .defer_fk = pg_defer_fk,
    .migrated = pg_migrated,
    .key_sql = "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid=i.indrelid "
               "AND a.attnum = ANY(i.indkey::int2[]) WHERE i.indisprimary AND i.indrelid = "
               "(SELECT c.oid FROM pg_class c WHERE c.relname=? AND c.relnamespace=current_schema()::regnamespace) "
               "ORDER BY array_position(i.indkey::int2[], a.attnum)",
};
