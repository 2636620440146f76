/*
 * store_dialect.c: the one place that says how SQLite's dialect and PostgreSQL's differ for
 * the schema. Migrations are written once (src/store/schema_*.c) and translated here when the
 * store is a PostgreSQL server:
 *   INTEGER -> BIGINT, REAL -> DOUBLE PRECISION, BLOB -> BYTEA, `WITHOUT ROWID` dropped;
 *   a TEXT column compares in byte order (COLLATE "C"), as in SQLite, whatever the locale;
 *   `x INTEGER PRIMARY KEY` (SQLite's row id: a new row without one gets the next number) ->
 *     BIGINT PRIMARY KEY numbered by a sequence in a BEFORE INSERT trigger, which also moves the
 *     sequence past an id given explicitly, as SQLite's next row id follows the largest;
 *   `CREATE TRIGGER t AFTER INSERT ON x BEGIN …; END` -> a PL/pgSQL function and a row trigger;
 *   `CREATE TABLE x(…) PARTITION BY HASH(k)` (written in PostgreSQL forms only) -> the table and
 *     its partitions x_p0 … (16, see partitions()); its row-id column `id INTEGER PRIMARY KEY` becomes
 *     `id BIGINT NOT NULL`, numbered as above, with PRIMARY KEY(id, k) (PostgreSQL wants the
 *     partition key in every key of a partitioned table).
 * Statements in the modules' SQL use the dialect both accept; the few SQLite functions they
 * still call are provided for PostgreSQL in store_pg.c (schema hss_compat).
 */
#include <ctype.h>
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

/* A table's row-id column, numbered as SQLite numbers it. */
static void rowid_trigger(hss_buf *out, const char *table, const char *col)
{
    hss_buf_printf(out,
                   "\nCREATE SEQUENCE IF NOT EXISTS %s_%s_seq MINVALUE -9223372036854775808 START 1;\n"
                   "CREATE OR REPLACE FUNCTION %s_%s_next() RETURNS trigger LANGUAGE plpgsql AS $hss$ "
                   "DECLARE lv bigint; called boolean; BEGIN "
                   "IF NEW.%s IS NULL THEN NEW.%s := nextval('%s_%s_seq'); "
                   "ELSE SELECT last_value, is_called INTO lv, called FROM %s_%s_seq; "
                   "IF NOT called OR NEW.%s > lv THEN "
                   "PERFORM setval('%s_%s_seq', CASE WHEN called THEN greatest(NEW.%s, lv) ELSE NEW.%s END); "
                   "END IF; END IF; RETURN NEW; END $hss$;\n"
                   "CREATE TRIGGER %s_%s_next BEFORE INSERT ON %s FOR EACH ROW EXECUTE FUNCTION %s_%s_next();\n",
                   table, col, table, col, col, col, table, col, table, col, col, table, col, col, col, table, col,
                   table, table, col);
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
