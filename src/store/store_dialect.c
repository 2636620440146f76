/*
 * store_dialect.c: the one place that says how SQLite's dialect and PostgreSQL's differ for
 * the schema. Migrations are written once (src/store/schema_*.c) and translated here when the
 * store is a PostgreSQL server:
 *   INTEGER -> BIGINT, REAL -> DOUBLE PRECISION, BLOB -> BYTEA, `WITHOUT ROWID` dropped;
 *   a TEXT column compares in byte order (COLLATE "C"), as in SQLite, whatever the locale;
 *   `x INTEGER PRIMARY KEY` (SQLite's row id: a new row without one gets the next number) ->
 *     BIGINT PRIMARY KEY numbered by a sequence (the column's default), which a statement
 *     trigger moves past the ids a statement gave, as SQLite's next row id follows the largest;
 *   `CREATE TRIGGER t AFTER INSERT ON x BEGIN …; END` -> a PL/pgSQL function and a trigger, on
 *     the statement's rows where that gives the same rows (statement_trigger), else on each row;
 *   `CREATE TABLE x(…) PARTITION BY HASH(k)` (written in PostgreSQL forms only) -> the table and
 *     its partitions x_p0 … (16, see partitions()); its row-id column `id INTEGER PRIMARY KEY` becomes
 *     `id BIGINT NOT NULL`, numbered as above, with PRIMARY KEY(id, k) (PostgreSQL wants the
 *     partition key in every key of a partitioned table).
 * Statements in the modules' SQL use the dialect both accept; the few SQLite functions they
 * still call are provided for PostgreSQL in store_pg.c (schema hss_compat).
 */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/base.h"
#include "store/store_pg.h"

int hss_store_pg_is_url(const char *path)
{
    return strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0;
}

const char *hss_store_pg_test_url(const char *path)
{
    const char *url = getenv("HSS_STORE_PG");
    if (!url || !*url || !path || hss_store_pg_is_url(path) || strncmp(path, "file:", 5) == 0)
        return NULL;
    return url;
}

/* Hash partitions of each partitioned table, fixed when the table is made, so that adding a
 * county needs no partition management (a county's rows go to the partition its code hashes
 * to): 16, or HSS_PG_PARTITIONS (1 to 64) when set. A smaller number makes a new database's
 * schema quicker to make (the test suite makes hundreds; tests/pg/with_cluster.sh uses 4); a
 * value out of range is ignored. An existing table keeps the partitions it was made with. */
static int partitions(void)
{
    const char *v = getenv("HSS_PG_PARTITIONS");
    char *end = NULL;
    long n = v ? strtol(v, &end, 10) : 0;
    return v && end != v && *end == 0 && n >= 1 && n <= 64 ? (int)n : 16;
}

static int word_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* The end of the statement that starts at p: the next `;` outside quotes, or for a trigger the
 * `;` after its END. */
static const char *statement_end(const char *p)
{
    const char *w = p + strspn(p, " \t\r\n");
    int trigger = strncasecmp(w, "CREATE TRIGGER", 14) == 0;
    for (const char *q = p; *q; q++) {
        if (*q == '\'' || *q == '"') {
            char quote = *q;
            for (q++; *q && *q != quote; q++)
                ;
            if (!*q)
                return q;
            continue;
        }
        if (*q != ';')
            continue;
        if (!trigger)
            return q;
        const char *b = q;
        while (b > p && isspace((unsigned char)b[-1]))
            b--;
        if (b - p >= 3 && strncasecmp(b - 3, "END", 3) == 0 && (b - 3 == p || !word_char(b[-4])))
            return q;
    }
    return p + strlen(p);
}

/* Reads the next word (identifier or keyword) at *p into w; returns 0 at the end. */
static int next_word(const char **p, char *w, size_t n)
{
    const char *q = *p;
    while (*q && !word_char(*q))
        q++;
    size_t k = 0;
    while (word_char(*q)) {
        if (k + 1 < n)
            w[k++] = *q;
        q++;
    }
    w[k] = 0;
    *p = q;
    return k > 0;
}

/* The closing quote of the quoted text that starts at p (or e). */
static const char *quote_end(const char *p, const char *e)
{
    char q = *p;
    for (p++; p < e && *p != q; p++)
        ;
    return p;
}

/* 1 when p, in [s, e), starts the row reference NEW., 2 when OLD., else 0. */
static int row_ref_at(const char *s, const char *p, const char *e)
{
    if ((p > s && word_char(p[-1])) || p + 4 > e)
        return 0;
    return strncasecmp(p, "NEW.", 4) == 0 ? 1 : strncasecmp(p, "OLD.", 4) == 0 ? 2 : 0;
}

/* The first `word` (a whole word, any case) in [s, e) outside quotes, or NULL; with `top`, also
 * outside parentheses. */
static const char *find_word(const char *s, const char *e, const char *word, int top)
{
    size_t n = strlen(word);
    int depth = 0;
    for (const char *p = s; p < e; p++) {
        if (*p == '\'' || *p == '"') {
            p = quote_end(p, e);
            continue;
        }
        depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
        if ((!top || depth == 0) && (p == s || !word_char(p[-1])) && p + n <= e && strncasecmp(p, word, n) == 0 &&
            (p + n == e || !word_char(p[n])))
            return p;
    }
    return NULL;
}

static const char *top_word(const char *s, const char *e, const char *word) { return find_word(s, e, word, 1); }

/* Which of NEW. and OLD. the statement [s, e) names outside quotes: 1 NEW, 2 OLD, 3 both. */
static int row_refs(const char *s, const char *e)
{
    int refs = 0;
    for (const char *p = s; p < e; p++) {
        if (*p == '\'' || *p == '"') {
            p = quote_end(p, e);
            continue;
        }
        refs |= row_ref_at(s, p, e);
    }
    return refs;
}

/* The statement [s, e), `INSERT INTO … SELECT …` naming NEW. or OLD., as one statement over all
 * the rows: NEW. and OLD. become the transition tables hss_new. and hss_old., and that table
 * joins the SELECT's FROM (or makes it). */
static void over_all_rows(hss_buf *out, const char *s, const char *e, int refs)
{
    const char *rows = refs == 1 ? "hss_new" : "hss_old";
    const char *sel = top_word(s, e, "SELECT");
    const char *from = top_word(sel, e, "FROM"), *at = from ? from + 4 : top_word(sel, e, "WHERE");
    if (!at)
        at = top_word(sel, e, "ON");
    if (!at)
        at = e;
    for (const char *p = s; p < e; p++) {
        if (p == at)
            hss_buf_printf(out, from ? " %s," : " FROM %s ", rows);
        int ref = row_ref_at(s, p, e);
        if (ref) {
            hss_buf_printf(out, "%s.", ref == 1 ? "hss_new" : "hss_old");
            p += 3;
            continue;
        }
        hss_buf_append(out, p, 1);
    }
    if (at == e)
        hss_buf_printf(out, " FROM %s", rows);
    hss_buf_append(out, ";", 1);
}

/* `INSERT INTO t … ON CONFLICT DO NOTHING` that does not read t: its rows are the same whether
 * it runs once for each row or once for all (a statement that reads what it writes, such as
 * `WHERE NOT EXISTS (SELECT … FROM t …)`, sees the earlier rows' writes only row by row). */
static int set_insert(const char *s, const char *e)
{
    const char *p = s + strlen("INSERT INTO");
    char target[128];
    next_word(&p, target, sizeof target);
    const char *tail = e;
    while (tail > s && isspace((unsigned char)tail[-1]))
        tail--;
    size_t n = strlen("ON CONFLICT DO NOTHING");
    if (tail - s < (ptrdiff_t)n || strncasecmp(tail - n, "ON CONFLICT DO NOTHING", n) != 0)
        return 0;
    return *target && !find_word(p, e, target, 0);
}

/* An AFTER trigger whose every statement is `INSERT INTO … SELECT …` naming either NEW or OLD
 * becomes one trigger on the statement's rows (REFERENCING … TABLE): a row-by-row PL/pgSQL call
 * cost a bulk load of follow-ups more than the rows' own writing. Returns 0, writing nothing,
 * for any other trigger (it stays a row trigger). */
static int statement_trigger(hss_buf *out, const char *name, const char *timing, const char *event,
                             const char *table, const char *body, const char *end)
{
    if (strcasecmp(timing, "AFTER") != 0)
        return 0;
    int allowed = strcasecmp(event, "INSERT") == 0 ? 1 : strcasecmp(event, "DELETE") == 0 ? 2 : 3;
    hss_buf fn;
    hss_buf_init(&fn);
    const char *p = body;
    int ok = 1, statements = 0;
    while (ok && p < end) {
        const char *e = statement_end(p);
        if (e > end)
            e = end;
        const char *w = p + strspn(p, " \t\r\n");
        if (w < e) {
            int refs = row_refs(w, e);
            ok = strncasecmp(w, "INSERT INTO", 11) == 0 && top_word(w, e, "SELECT") && (refs == 1 || refs == 2) &&
                 (refs & allowed) && set_insert(w, e);
            if (ok)
                over_all_rows(&fn, w, e, refs);
            statements++;
        }
        p = *e == ';' ? e + 1 : e;
    }
    if (ok && statements) {
        hss_buf_printf(out, "CREATE OR REPLACE FUNCTION %s_fn() RETURNS trigger LANGUAGE plpgsql AS $hss$ BEGIN %s "
                            "RETURN NULL; END $hss$;\n"
                            "CREATE TRIGGER %s %s %s ON %s REFERENCING %s%s FOR EACH STATEMENT EXECUTE FUNCTION %s_fn();\n",
                       name, fn.data, name, timing, event, table, allowed & 2 ? "OLD TABLE AS hss_old " : "",
                       allowed & 1 ? "NEW TABLE AS hss_new" : "", name);
    }
    hss_buf_free(&fn);
    return ok && statements;
}

/* CREATE TRIGGER [IF NOT EXISTS] name {BEFORE|AFTER} {INSERT|UPDATE|DELETE} ON table BEGIN body END */
static void trigger(hss_buf *out, const char *s, const char *e)
{
    const char *p = s;
    char w[128], name[128] = "", timing[16] = "", event[16] = "", table[128] = "";
    next_word(&p, w, sizeof w); /* CREATE */
    next_word(&p, w, sizeof w); /* TRIGGER */
    next_word(&p, name, sizeof name);
    if (strcasecmp(name, "IF") == 0) {
        next_word(&p, w, sizeof w);
        next_word(&p, w, sizeof w);
        next_word(&p, name, sizeof name);
    }
    next_word(&p, timing, sizeof timing);
    next_word(&p, event, sizeof event);
    next_word(&p, w, sizeof w); /* ON */
    next_word(&p, table, sizeof table);
    const char *body = strcasestr(p, "BEGIN");
    body = body ? body + 5 : p;
    const char *end = e;
    while (end > body && (isspace((unsigned char)end[-1]) || end[-1] == ';'))
        end--;
    if (end - body >= 3 && strncasecmp(end - 3, "END", 3) == 0)
        end -= 3;
    if (statement_trigger(out, name, timing, event, table, body, end))
        return;
    hss_buf_printf(out, "CREATE OR REPLACE FUNCTION %s_fn() RETURNS trigger LANGUAGE plpgsql AS $hss$ BEGIN ", name);
    hss_buf_append(out, body, (size_t)(end - body));
    hss_buf_printf(out, " RETURN NULL; END $hss$;\n"
                        "CREATE TRIGGER %s %s %s ON %s FOR EACH ROW EXECUTE FUNCTION %s_fn();\n",
                   name, timing, event, table, name);
}

static int at_words(const char *p, const char *words)
{
    size_t n = strlen(words);
    return strncmp(p, words, n) == 0 && !word_char(p[n]);
}

/* A table's row-id column, numbered as SQLite numbers it: a row without an id gets the next
 * number (the column's default; a row trigger for an explicit NULL), and the sequence is moved
 * past the largest id a statement gave explicitly, once per statement (a trigger on the
 * statement's new rows): a bulk load of 40,000 rows with their ids took 671 ms with a trigger
 * on each row moving the sequence, 91 ms without. */
static void rowid_trigger(hss_buf *out, const char *table, const char *col)
{
    const char *t = table, *c = col;
    hss_buf_printf(out, "\nCREATE SEQUENCE IF NOT EXISTS %s_%s_seq MINVALUE -9223372036854775808 START 1;\n", t, c);
    hss_buf_printf(out, "ALTER TABLE %s ALTER COLUMN %s SET DEFAULT nextval('%s_%s_seq');\n", t, c, t, c);
    hss_buf_printf(out,
                   "CREATE OR REPLACE FUNCTION %s_%s_next() RETURNS trigger LANGUAGE plpgsql AS $hss$ "
                   "BEGIN NEW.%s := nextval('%s_%s_seq'); RETURN NEW; END $hss$;\n"
                   "CREATE TRIGGER %s_%s_next BEFORE INSERT ON %s FOR EACH ROW WHEN (NEW.%s IS NULL) "
                   "EXECUTE FUNCTION %s_%s_next();\n",
                   t, c, c, t, c, t, c, t, c, t, c);
    hss_buf_printf(out,
                   "CREATE OR REPLACE FUNCTION %s_%s_past() RETURNS trigger LANGUAGE plpgsql AS $hss$ "
                   "DECLARE m bigint; lv bigint; called boolean; BEGIN "
                   "SELECT max(%s) INTO m FROM hss_new_rows; "
                   "IF m IS NOT NULL THEN SELECT last_value, is_called INTO lv, called FROM %s_%s_seq; "
                   "IF NOT called OR m > lv THEN PERFORM setval('%s_%s_seq', CASE WHEN called THEN greatest(m, lv) ELSE m END); "
                   "END IF; END IF; RETURN NULL; END $hss$;\n"
                   "CREATE TRIGGER %s_%s_past AFTER INSERT ON %s REFERENCING NEW TABLE AS hss_new_rows "
                   "FOR EACH STATEMENT EXECUTE FUNCTION %s_%s_past();\n",
                   t, c, c, t, c, t, c, t, c, t, t, c);
}

/* The column of `PARTITION BY HASH(k)` in the statement [s, e) into key ("" when none). */
static void partition_key(const char *s, const char *e, char *key, size_t n)
{
    key[0] = 0;
    const char *p = strcasestr(s, "PARTITION BY");
    if (!p || p >= e)
        return;
    p += strlen("PARTITION BY");
    char w[128];
    next_word(&p, w, sizeof w); /* HASH or LIST */
    if (p < e)
        next_word(&p, key, n);
}

/* `, PRIMARY KEY(col, key)` before the table's closing parenthesis (the last one written). */
static void key_before_paren(hss_buf *out, const char *col, const char *key)
{
    char *close = strrchr(out->data, ')');
    if (!close)
        return;
    char *tail = hss_xstrdup(close);
    out->len = (size_t)(close - out->data);
    out->data[out->len] = 0;
    hss_buf_printf(out, ", PRIMARY KEY(%s, %s)%s", col, key, tail);
    free(tail);
}

/* Any other statement: type names, WITHOUT ROWID, and the row-id column. */
static void plain(hss_buf *out, const char *s, const char *e)
{
    char table[128] = "", col[128] = "", prev[128] = "", pkey[128] = "";
    const char *w = s + strspn(s, " \t\r\n");
    int create_table = strncasecmp(w, "CREATE TABLE", 12) == 0;
    int alter_table = strncasecmp(w, "ALTER TABLE", 11) == 0;
    if (create_table)
        partition_key(s, e, pkey, sizeof pkey);
    if (create_table || alter_table) {
        const char *p = w + (create_table ? 12 : 11);
        char word[128];
        next_word(&p, word, sizeof word);
        if (strcasecmp(word, "IF") == 0) {
            next_word(&p, word, sizeof word);
            next_word(&p, word, sizeof word);
            next_word(&p, word, sizeof word);
        }
        snprintf(table, sizeof table, "%s", word);
    }
    for (const char *p = s; p < e;) {
        if (*p == '\'' || *p == '"') {
            const char *q = p + 1;
            while (q < e && *q != *p)
                q++;
            q = q < e ? q + 1 : e;
            hss_buf_append(out, p, (size_t)(q - p));
            p = q;
            continue;
        }
        if (!word_char(*p) || (p > s && word_char(p[-1]))) {
            hss_buf_append(out, p, 1);
            p++;
            continue;
        }
        if ((create_table || alter_table) && at_words(p, "INTEGER PRIMARY KEY")) {
            size_t n = strlen("INTEGER PRIMARY KEY");
            if (at_words(p, "INTEGER PRIMARY KEY AUTOINCREMENT"))
                n = strlen("INTEGER PRIMARY KEY AUTOINCREMENT");
            hss_buf_printf(out, alter_table ? "BIGINT" : *pkey ? "BIGINT NOT NULL" : "BIGINT PRIMARY KEY");
            snprintf(col, sizeof col, "%s", prev);
            p += n;
            continue;
        }
        if (*pkey && *col && at_words(p, "PARTITION BY"))
            key_before_paren(out, col, pkey);
        if ((create_table || alter_table) && at_words(p, "TEXT") && strcasecmp(prev, "AS") != 0) {
            /* byte order, as SQLite compares text, whatever the database's locale */
            hss_buf_printf(out, "TEXT COLLATE \"C\"");
            p += 4;
        } else if (at_words(p, "INTEGER")) {
            hss_buf_printf(out, "BIGINT");
            p += 7;
        } else if (at_words(p, "REAL")) {
            hss_buf_printf(out, "DOUBLE PRECISION");
            p += 4;
        } else if (at_words(p, "BLOB")) {
            hss_buf_printf(out, "BYTEA");
            p += 4;
        } else if (at_words(p, "WITHOUT ROWID")) {
            p += strlen("WITHOUT ROWID");
        } else if (at_words(p, "user")) { /* a reserved word in PostgreSQL */
            hss_buf_printf(out, "\"user\"");
            p += 4;
        } else {
            const char *q = p;
            while (q < e && word_char(*q))
                q++;
            size_t n = (size_t)(q - p) < sizeof prev - 1 ? (size_t)(q - p) : sizeof prev - 1;
            memcpy(prev, p, n);
            prev[n] = 0;
            hss_buf_append(out, p, (size_t)(q - p));
            p = q;
        }
    }
    if (*e == ';')
        hss_buf_append(out, ";", 1);
    int parts = *pkey && *table ? partitions() : 0;
    for (int i = 0; i < parts; i++)
        hss_buf_printf(out, "\nCREATE TABLE %s_p%d PARTITION OF %s FOR VALUES WITH (MODULUS %d, REMAINDER %d);", table,
                       i, table, parts, i);
    if ((create_table || alter_table) && *col && *table)
        rowid_trigger(out, table, col);
    if (alter_table && *col && *table) /* the rows there are numbered, then the key is made */
        hss_buf_printf(out, "UPDATE %s SET %s=nextval('%s_%s_seq');\nALTER TABLE %s ADD PRIMARY KEY(%s);\n", table,
                       col, table, col, table, col);
}

char *hss_store_pg_ddl(const char *sql)
{
    hss_buf out;
    hss_buf_init(&out);
    const char *p = sql;
    while (*p) {
        const char *e = statement_end(p);
        const char *w = p + strspn(p, " \t\r\n");
        if (strncasecmp(w, "CREATE TRIGGER", 14) == 0)
            trigger(&out, w, e);
        else
            plain(&out, p, e);
        p = *e ? e + 1 : e;
    }
    return hss_buf_steal(&out);
}
