/*
 * test_layers.c: the layers stay where the architecture puts them. The server only parses, asks
 * a module and renders, so no file in src/server/ holds SQL; and the database is reached only
 * through the store interface, so no C file outside src/store/ names the SQLite or libpq API
 * (checked in src/, tests/, bench/ and fuzz/). Each check first proves on a sample that it
 * catches what it looks for. Runs from the repository root (make test).
 */
#include "testutil.h"

#include <ctype.h>
#include <dirent.h>

/* Set while a detector runs on its own samples, which are not reported. */
static int quiet;

/* ---- a small C lexer: identifiers, string literals (adjacent ones joined), #include names --- */

enum { TOK_IDENT, TOK_STRING, TOK_INCLUDE };
typedef void (*tok_fn)(void *ctx, int kind, const char *text, int line);

static const char *skip_space_and_comments(const char *p, int *line)
{
    for (;;) {
        if (*p == '\n')
            (*line)++, p++;
        else if (isspace((unsigned char)*p))
            p++;
        else if (p[0] == '/' && p[1] == '/')
            while (*p && *p != '\n')
                p++;
        else if (p[0] == '/' && p[1] == '*') {
            for (p += 2; *p && !(p[0] == '*' && p[1] == '/'); p++)
                *line += *p == '\n';
            p += *p ? 2 : 0;
        } else
            return p;
    }
}

/* Reads the literal at p (at its opening quote) into b; returns the byte after the closing one. */
static const char *read_literal(const char *p, char quote, hss_buf *b, int *line)
{
    for (p++; *p && *p != quote; p++) {
        if (*p == '\\' && p[1]) {
            if (b)
                hss_buf_append(b, p, 2);
            p++;
            continue;
        }
        *line += *p == '\n';
        if (b)
            hss_buf_putc(b, *p);
    }
    return *p ? p + 1 : p;
}

static void lex(const char *src, tok_fn fn, void *ctx)
{
    int line = 1, at_line_start = 1;
    const char *p = src;
    while (*p) {
        const char *q = skip_space_and_comments(p, &line);
        if (q != p) {
            at_line_start = at_line_start || memchr(p, '\n', (size_t)(q - p)) != NULL;
            p = q;
            continue;
        }
        if (*p == '#' && at_line_start) {
            const char *d = p + 1;
            while (*d == ' ' || *d == '\t')
                d++;
            if (strncmp(d, "include", 7) == 0) {
                d += 7;
                while (*d == ' ' || *d == '\t')
                    d++;
                char close = *d == '<' ? '>' : *d == '"' ? '"' : 0;
                const char *e = close ? strchr(d + 1, close) : NULL;
                if (e) {
                    char name[256];
                    snprintf(name, sizeof name, "%.*s", (int)(e - d - 1), d + 1);
                    fn(ctx, TOK_INCLUDE, name, line);
                    p = e + 1;
                    continue;
                }
            }
        }
        at_line_start = 0;
        if (*p == '\'') {
            p = read_literal(p, '\'', NULL, &line);
        } else if (*p == '"') {
            hss_buf b;
            hss_buf_init(&b);
            int first = line;
            p = read_literal(p, '"', &b, &line);
            for (;;) { /* "SELECT a " "FROM t" is one statement */
                int l = line;
                q = skip_space_and_comments(p, &l);
                if (*q != '"')
                    break;
                line = l;
                p = read_literal(q, '"', &b, &line);
            }
            hss_buf_putc(&b, 0);
            fn(ctx, TOK_STRING, b.data, first);
            hss_buf_free(&b);
        } else if (isalpha((unsigned char)*p) || *p == '_') {
            const char *s = p;
            while (isalnum((unsigned char)*p) || *p == '_')
                p++;
            char id[128];
            snprintf(id, sizeof id, "%.*s", (int)(p - s), s);
            fn(ctx, TOK_IDENT, id, line);
        } else if (isdigit((unsigned char)*p)) {
            while (isalnum((unsigned char)*p) || *p == '.' || *p == '_')
                p++;
        } else {
            p++;
        }
    }
}

/* The whole file, NUL-terminated; NULL when it cannot be read. */
static char *slurp(const char *path) { return hss_read_file(path, NULL, NULL); }

/* Calls fn on every .c and .h file under dir (recursively), in name order per directory. */
static void each_source(const char *dir, void (*fn)(const char *path, void *ctx), void *ctx)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    assert_true(n >= 0);
    for (int i = 0; i < n; i++) {
        const char *e = names[i]->d_name;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e);
        size_t len = strlen(e);
        struct stat st;
        if (e[0] != '.' && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            each_source(path, fn, ctx);
        else if (len > 2 && (strcmp(e + len - 2, ".c") == 0 || strcmp(e + len - 2, ".h") == 0))
            fn(path, ctx);
        free(names[i]);
    }
    free(names);
}

/* ---- SQL in a string ---------------------------------------------------------------------- */

/* The word w at p, standing alone (not part of a longer identifier). */
static int word_at(const char *s, const char *p, const char *w)
{
    size_t n = strlen(w);
    return strncmp(p, w, n) == 0 && (p == s || !(isalnum((unsigned char)p[-1]) || p[-1] == '_')) &&
           !(isalnum((unsigned char)p[n]) || p[n] == '_');
}

/* After the word at p (n bytes), the next word, upper-cased into out. */
static const char *next_word(const char *p, char *out, size_t size)
{
    while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
    size_t k = 0;
    while ((isalnum((unsigned char)*p) || *p == '_') && k + 1 < size)
        out[k++] = (char)toupper((unsigned char)*p++);
    out[k] = 0;
    return p;
}

/* Whether text holds an SQL statement: SELECT followed by anything, INSERT INTO, UPDATE x SET,
 * DELETE FROM, CREATE TABLE/INDEX/VIEW/TRIGGER, WITH [RECURSIVE] name ... AS, PRAGMA name. A
 * lone word ("DELETE" as an HTTP method) is not. Returns the keyword found, or NULL. */
static const char *sql_in(const char *text)
{
    static const char *const KW[] = {"SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "WITH", "PRAGMA"};
    for (const char *p = text; *p; p++) {
        for (size_t k = 0; k < sizeof KW / sizeof *KW; k++) {
            if (!word_at(text, p, KW[k]))
                continue;
            char w1[64], w2[64];
            const char *q = next_word(p + strlen(KW[k]), w1, sizeof w1);
            next_word(q, w2, sizeof w2);
            int hit = 0;
            if (k == 0 || k == 6) /* "SELECT " ending a literal: the columns follow in a macro */
                hit = w1[0] != 0 || *q == '*' || *q == '(' || (!*q && q > p + strlen(KW[k]));
            else if (k == 1)
                hit = !strcmp(w1, "INTO") || !strcmp(w1, "OR");
            else if (k == 2)
                hit = w1[0] && !strcmp(w2, "SET");
            else if (k == 3)
                hit = !strcmp(w1, "FROM");
            else if (k == 4)
                hit = !strcmp(w1, "TABLE") || !strcmp(w1, "INDEX") || !strcmp(w1, "VIEW") || !strcmp(w1, "TRIGGER") ||
                      !strcmp(w1, "UNIQUE") || !strcmp(w1, "TEMP");
            else if (k == 5)
                hit = !strcmp(w1, "RECURSIVE") || (w1[0] && strstr(q, " AS") != NULL && strchr(q, '(') != NULL);
            if (hit)
                return KW[k];
        }
    }
    return NULL;
}

typedef struct {
    const char *path;
    int found;
} sql_scan;

static void sql_token(void *ctx, int kind, const char *text, int line)
{
    sql_scan *sc = ctx;
    const char *kw = kind == TOK_STRING ? sql_in(text) : NULL;
    if (kw && !quiet)
        print_error("%s:%d: SQL (%s) in the server; move the statement into the module that owns the table: \"%.80s\"\n",
                    sc->path, line, kw, text);
    sc->found += kw != NULL;
}

static int sql_in_file(const char *path, const char *src)
{
    sql_scan sc = {path, 0};
    lex(src, sql_token, &sc);
    return sc.found;
}

static void sql_detector_catches(void **state)
{
    (void)state;
    quiet = 1;
    assert_true(sql_in_file("sample.c", "s = prep(r, \"SELECT name FROM area WHERE code=?\");") == 1);
    assert_true(sql_in_file("sample.c", "x(\"UPDATE app_user \"\n  \"SET unit=? WHERE name=?\");") == 1);
    assert_true(sql_in_file("sample.c", "x(\"WITH RECURSIVE up(code) AS (SELECT 1)\");") == 1);
    assert_true(sql_in_file("sample.c", "x(\"DELETE FROM app_session\"); y(\"INSERT INTO t VALUES(1)\");") == 2);
    assert_true(sql_in_file("sample.c", "x(\"PRAGMA data_version\");") == 1);
    assert_true(sql_in_file("sample.c", "x(\"SELECT \" COLS \" FROM t\");") == 1);
    /* an HTTP method, words in messages and comments are not SQL */
    assert_true(sql_in_file("sample.c", "if (!strcmp(m, \"DELETE\")) y(\"use DELETE or GET\"); /* SELECT x FROM y */") == 0);
    assert_true(sql_in_file("sample.c", "e(\"give a SELECTion of areas; update the list\"); c = 'S';") == 0);
    quiet = 0;
}

static void count_sql(const char *path, void *ctx)
{
    char *src = slurp(path);
    assert_non_null(src);
    *(int *)ctx += sql_in_file(path, src);
    free(src);
}

static void server_holds_no_sql(void **state)
{
    (void)state;
    int found = 0;
    each_source("src/server", count_sql, &found);
    if (found)
        fail_msg("%d SQL statement(s) in src/server/: the server parses, asks a module and renders", found);
}

/* ---- the database API outside src/store/ --------------------------------------------------- */

/* The SQLite and libpq names: sqlite3*, SQLITE_*, PQ<lower>..., PG<type>, the pg_ functions of
 * libpq-fe.h, and their headers. */
static const char *db_api_name(const char *id)
{
    static const char *const PG_TYPES[] = {"PGconn", "PGresult", "PGcancel", "PGnotify", "PGPing", "PGTransactionStatusType",
                                           "PGVerbosity", "PGContextVisibility", "PGpipelineStatus", "ConnStatusType",
                                           "ExecStatusType", "PostgresPollingStatusType"};
    static const char *const PG_FUNCS[] = {"pg_char_to_encoding", "pg_encoding_to_char", "pg_valid_server_encoding",
                                           "pg_valid_server_encoding_id", "pg_encoding_mblen", "pg_encoding_dsplen",
                                           "pg_encoding_max_length"};
    if (strncmp(id, "sqlite3", 7) == 0 || strncmp(id, "SQLITE_", 7) == 0)
        return "SQLite";
    if (id[0] == 'P' && id[1] == 'Q' && islower((unsigned char)id[2]))
        return "libpq";
    for (size_t i = 0; i < sizeof PG_TYPES / sizeof *PG_TYPES; i++)
        if (!strcmp(id, PG_TYPES[i]))
            return "libpq";
    for (size_t i = 0; i < sizeof PG_FUNCS / sizeof *PG_FUNCS; i++)
        if (!strcmp(id, PG_FUNCS[i]))
            return "libpq";
    return NULL;
}

typedef struct {
    const char *path;
    int strings_allowed; /* the file may say "sqlite3" inside string literals (Python's module) */
    int found;
} api_scan;

/* Strings are checked too (a header named in #include "sqlite3.h", SQL text naming a SQLite
 * function), word by word. */
static void api_word(api_scan *sc, const char *w, int line, const char *where)
{
    const char *lib = db_api_name(w);
    if (!lib)
        return;
    if (!quiet)
        print_error("%s:%d: names the %s API (%s%s); only src/store/ may\n", sc->path, line, lib, w, where);
    sc->found++;
}

static void api_token(void *ctx, int kind, const char *text, int line)
{
    api_scan *sc = ctx;
    if (kind == TOK_INCLUDE) {
        if (strstr(text, "sqlite3") || strstr(text, "libpq")) {
            if (!quiet)
                print_error("%s:%d: includes %s; only src/store/ may\n", sc->path, line, text);
            sc->found++;
        }
        return;
    }
    if (kind == TOK_IDENT) {
        api_word(sc, text, line, "");
        return;
    }
    if (sc->strings_allowed)
        return;
    for (const char *p = text; *p;) {
        while (*p && !(isalnum((unsigned char)*p) || *p == '_'))
            p++;
        const char *s = p;
        while (isalnum((unsigned char)*p) || *p == '_')
            p++;
        char w[128];
        snprintf(w, sizeof w, "%.*s", (int)(p - s), s);
        if (w[0])
            api_word(sc, w, line, " in a string");
    }
}

static int api_in_file(const char *path, const char *src)
{
    /* tests/access/test_oracle.c checks travel times against a Python script that reads the
     * database with Python's sqlite3 module: that name inside its strings is not our API */
    api_scan sc = {path, strcmp(path, "tests/access/test_oracle.c") == 0, 0};
    lex(src, api_token, &sc);
    return sc.found;
}

static void api_detector_catches(void **state)
{
    (void)state;
    quiet = 1;
    assert_true(api_in_file("sample.c", "#include <sqlite3.h>\nint x;") == 1);
    assert_true(api_in_file("sample.c", "sqlite3_stmt *s; if (sqlite3_step(s) == SQLITE_ROW) {}") == 3);
    assert_true(api_in_file("sample.c", "#include \"libpq-fe.h\"\nPGconn *c = PQconnectdb(u); PQfinish(c);") == 4);
    assert_true(api_in_file("sample.c", "x(\"SELECT sqlite_version()\"); y(\"sqlite3_exec\");") == 1);
    assert_true(api_in_file("tests/access/test_oracle.c", "fputs(\"import sqlite3\\n\", f);") == 0);
    assert_true(api_in_file("tests/access/test_oracle.c", "sqlite3_open(p, &db);") == 1);
    /* comments, our own names and words that only start alike are fine */
    assert_true(api_in_file("sample.c", "/* SQLite WAL, sqlite3 */ hss_store *pg_url; int PQ = 0; QUERY q;") == 0);
    quiet = 0;
}

static void count_api(const char *path, void *ctx)
{
    /* the store itself, and this test, which names the API to look for it */
    if (strncmp(path, "src/store/", 10) == 0 || strcmp(path, "tests/project/test_layers.c") == 0)
        return;
    char *src = slurp(path);
    assert_non_null(src);
    *(int *)ctx += api_in_file(path, src);
    free(src);
}

static void store_api_only_in_store(void **state)
{
    (void)state;
    int found = 0;
    static const char *const DIRS[] = {"src", "tests", "bench", "fuzz"};
    for (size_t i = 0; i < sizeof DIRS / sizeof *DIRS; i++)
        each_source(DIRS[i], count_api, &found);
    if (found)
        fail_msg("%d use(s) of the SQLite or libpq API outside src/store/: go through store/store.h", found);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sql_detector_catches),
        cmocka_unit_test(server_holds_no_sql),
        cmocka_unit_test(api_detector_catches),
        cmocka_unit_test(store_api_only_in_store),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
