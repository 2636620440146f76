/* test_copy.c: the bulk loader, and `hss copy` moving a generated demo region into a new file:
 * every table reads back byte for byte the same, counts and checksums agree, a destination
 * that holds rows is refused and left as it was, a difference is caught, bad paths are clear
 * errors. */
#include "testutil.h"
#include "demo/demo.h"

static char *dir, *src_path;

/* One generated county (义乌, few residents) is enough data of every kind and fast to build. */
static int setup(void **state)
{
    (void)state;
    dir = hss_test_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/src.db", dir);
    src_path = hss_xstrdup(path);
    hss_error err;
    hss_store *st = hss_store_open(src_path, &err);
    assert_non_null(st);
    hss_demo_options o = {.region = "yiwu", .quiet = 1, .resident_scale = 0.002};
    hss_demo_result res;
    if (hss_demo_build(st, &o, &res, &err) != HSS_OK)
        fail_msg("demo: %s", err.msg);
    hss_store_close(st);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(src_path);
    free(dir);
    return 0;
}

/* A table's rows as bytes, independent of copy.c: every value with its type and length, rows
 * ordered by every column, and `where` to leave some out. */
static char *dump_table(hss_store *st, const char *table, const char *where, size_t *len)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT * FROM %s", table);
    hss_stmt *q = hss_store_prepare(st, sql, NULL);
    assert_non_null(q);
    int n = hss_store_col_count(q);
    hss_store_finalize(q);
    size_t w = (size_t)snprintf(sql, sizeof sql, "SELECT * FROM %s %s ORDER BY ", table, where ? where : "");
    for (int c = 0; c < n; c++)
        w += (size_t)snprintf(sql + w, sizeof sql - w, "%s%d NULLS FIRST", c ? "," : "", c + 1);
    q = hss_store_prepare(st, sql, NULL);
    assert_non_null(q);
    hss_buf b;
    hss_buf_init(&b);
    while (hss_store_step(q) == HSS_ROW) {
        for (int c = 0; c < n; c++) {
            int type = hss_store_col_type(q, c);
            long long i = hss_store_col_int64(q, c);
            double d = hss_store_col_double(q, c);
            const void *p = type == HSS_SQL_BLOB ? hss_store_col_blob(q, c) : (const void *)hss_store_col_text(q, c);
            size_t bytes = (size_t)hss_store_col_bytes(q, c);
            hss_buf_append(&b, (const char *)&type, sizeof type);
            if (type == HSS_SQL_INT)
                hss_buf_append(&b, (const char *)&i, sizeof i);
            else if (type == HSS_SQL_FLOAT)
                hss_buf_append(&b, (const char *)&d, sizeof d);
            else if (type != HSS_SQL_NULL) {
                hss_buf_append(&b, (const char *)&bytes, sizeof bytes);
                hss_buf_append(&b, p, bytes);
            }
        }
        hss_buf_putc(&b, '\n');
    }
    hss_store_finalize(q);
    *len = b.len;
    return hss_buf_steal(&b);
}

static long long count_rows(hss_store *st, const char *table)
{
    char sql[320];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    return hss_test_query_int(st, sql);
}

/* Every table of `a` and `b` reads the same, byte for byte (the audit table up to `audit_max`). */
static void assert_same_tables(hss_store *a, hss_store *b, long long audit_max, size_t *compared)
{
    size_t n;
    hss_error err;
    char **names = hss_store_tables(a, &n, &err);
    assert_non_null(names);
    assert_true(n > 40);
    char where[64];
    snprintf(where, sizeof where, "WHERE id<=%lld", audit_max);
    for (size_t i = 0; i < n; i++) {
        const char *w = strcmp(names[i], "audit") == 0 ? where : NULL;
        size_t la, lb;
        char *da = dump_table(a, names[i], w, &la), *db = dump_table(b, names[i], w, &lb);
        if (la != lb || memcmp(da, db, la) != 0)
            fail_msg("table %s reads differently after the copy (%zu and %zu bytes)", names[i], la, lb);
        *compared += la > 0;
        free(da);
        free(db);
    }
    hss_store_names_free(names, n);
}

static void cli_copy_reads_identical(void **state)
{
    (void)state;
    char cmd[2048], *out;
    snprintf(cmd, sizeof cmd, "%s copy --from %s --to %s/cli.db 2>&1", hss_test_bin(), src_path, dir);
    int rc = hss_test_run(cmd, &out);
    if (rc != 0)
        fail_msg("hss copy: %s", out);
    assert_non_null(strstr(out, "every table checked"));
    assert_non_null(strstr(out, "copied  care_followup")); /* the progress, per table */
    assert_null(strstr(out, "DIFFERS"));
    free(out);

    hss_error err;
    char path[700];
    snprintf(path, sizeof path, "%s/cli.db", dir);
    hss_store *a = hss_store_open_existing(src_path, &err), *b = hss_store_open_existing(path, &err);
    assert_non_null(a);
    assert_non_null(b);
    long long audit_src = count_rows(a, "audit");
    size_t compared = 0;
    assert_same_tables(a, b, hss_test_query_int(a, "SELECT coalesce(max(id),0) FROM audit"), &compared);
    assert_true(compared > 20); /* tables with rows, not just empty ones */
    assert_true(count_rows(b, "care_followup") > 100);
    /* the copy is a write: one audit row, the command line, in the destination only */
    assert_int_equal(count_rows(b, "audit"), audit_src + 1);
    assert_int_equal(hss_test_query_int(b, "SELECT count(*) FROM audit WHERE action='cli_write' "
                                           "AND target LIKE 'hss copy --from %' AND id=(SELECT max(id) FROM audit)"), 1);
    assert_int_equal(count_rows(a, "audit"), audit_src);
    hss_store_close(a);
    hss_store_close(b);
}

/* The library's own report: every table's count and checksum, equal on both sides. */
static void copy_reports_counts_and_checksums(void **state)
{
    (void)state;
    hss_error err;
    char path[700];
    snprintf(path, sizeof path, "%s/lib.db", dir);
    hss_store *a = hss_store_open_existing(src_path, &err), *b = hss_store_open(path, &err);
    assert_non_null(a);
    assert_non_null(b);
    hss_store_copy_result res;
    assert_int_equal(hss_store_copy(a, b, NULL, &res, &err), HSS_OK);
    size_t n;
    char **names = hss_store_tables(a, &n, &err);
    assert_int_equal(res.n, n);
    long long total = 0;
    for (size_t i = 0; i < res.n; i++) {
        const hss_store_copy_table *t = &res.tables[i];
        assert_string_equal(t->name, names[i]); /* creation order */
        assert_true(t->ok);
        assert_int_equal(t->rows_src, count_rows(a, t->name));
        assert_int_equal(t->rows_dst, count_rows(b, t->name));
        assert_string_equal(t->sum_src, t->sum_dst);
        assert_int_equal(strlen(t->sum_src), 16);
        total += t->rows_src;
    }
    assert_int_equal(res.rows, total);
    /* different tables with rows have different checksums */
    assert_string_not_equal(res.tables[1].sum_src, res.tables[2].sum_src);
    hss_store_names_free(names, n);
    hss_store_copy_result_free(&res);

    /* only the tables named, in creation order whatever the order asked */
    snprintf(path, sizeof path, "%s/some.db", dir);
    hss_store *c = hss_store_open(path, &err);
    const char *some[] = {"facility", "area"};
    hss_store_copy_options o = {.tables = some, .ntables = 2};
    assert_int_equal(hss_store_copy(a, c, &o, &res, &err), HSS_OK);
    assert_int_equal(res.n, 2);
    assert_string_equal(res.tables[0].name, "area");
    assert_true(count_rows(c, "facility") > 0);
    assert_int_equal(count_rows(c, "care_resident"), 0);
    hss_store_copy_result_free(&res);
    hss_store_close(a);
    hss_store_close(b);
    hss_store_close(c);
}

/* A destination with rows is refused, named, and left exactly as it was. */
static void refuses_a_destination_with_rows(void **state)
{
    (void)state;
    hss_error err;
    char path[700], cmd[2048], *out;
    snprintf(path, sizeof path, "%s/full.db", dir);
    hss_store *st = hss_store_open(path, &err);
    assert_non_null(st);
    assert_int_equal(hss_store_exec(st, "INSERT INTO area(code,name,level,kind) VALUES('330782','义乌市','county','urban')", &err), HSS_OK);
    size_t l0, m0;
    char *before = dump_table(st, "area", NULL, &l0), *meta0 = dump_table(st, "hss_meta", NULL, &m0);
    long long audit0 = count_rows(st, "audit");
    hss_store_close(st);

    snprintf(cmd, sizeof cmd, "%s copy --from %s --to %s 2>&1", hss_test_bin(), src_path, path);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "is not empty: table area holds rows"));
    free(out);

    st = hss_store_open_existing(path, &err);
    size_t l1, m1;
    char *after = dump_table(st, "area", NULL, &l1), *meta1 = dump_table(st, "hss_meta", NULL, &m1);
    assert_int_equal(l0, l1);
    assert_memory_equal(before, after, l0);
    assert_int_equal(m0, m1);
    assert_memory_equal(meta0, meta1, m0);
    assert_int_equal(count_rows(st, "audit"), audit0);
    assert_int_equal(count_rows(st, "facility"), 0);
    hss_store_close(st);
    free(before);
    free(after);
    free(meta0);
    free(meta1);
}

/* A copy that does not read back as the source is an error naming the table, and nothing of
 * it stays. The destination's connection changes facility rows as they arrive. */
static void a_difference_is_caught(void **state)
{
    (void)state;
    hss_error err;
    char path[700];
    snprintf(path, sizeof path, "%s/skew.db", dir);
    hss_store *a = hss_store_open_existing(src_path, &err), *b = hss_store_open(path, &err);
    assert_non_null(b);
    if (hss_store_is_pg(b)) {
        assert_int_equal(hss_store_exec(b, "CREATE FUNCTION skew() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                                           "UPDATE facility SET name=name||'x' WHERE code=NEW.code; RETURN NULL; END $$; "
                                           "CREATE TRIGGER skew AFTER INSERT ON facility FOR EACH ROW EXECUTE FUNCTION skew()",
                                        &err), HSS_OK);
    } else {
        assert_int_equal(hss_store_exec(b, "CREATE TEMP TRIGGER skew AFTER INSERT ON main.facility BEGIN "
                                           "UPDATE facility SET name=name||'x' WHERE code=NEW.code; END", &err), HSS_OK);
    }
    hss_store_copy_result res;
    assert_int_equal(hss_store_copy(a, b, NULL, &res, &err), HSS_EDB);
    assert_non_null(strstr(err.msg, "facility: the copy differs from the source"));
    int seen = 0;
    for (size_t i = 0; i < res.n; i++)
        if (strcmp(res.tables[i].name, "facility") == 0) {
            seen = 1;
            assert_false(res.tables[i].ok);
            assert_int_equal(res.tables[i].rows_src, res.tables[i].rows_dst);
        } else {
            assert_true(res.tables[i].ok);
        }
    assert_true(seen);
    hss_store_copy_result_free(&res);
    assert_int_equal(count_rows(b, "area"), 0);
    assert_int_equal(count_rows(b, "facility"), 0);
    hss_store_close(a);
    hss_store_close(b);
}

static void bad_paths_and_names_are_clear_errors(void **state)
{
    (void)state;
    char cmd[2048], *out;
    snprintf(cmd, sizeof cmd, "%s copy --from %s/nothere.db --to %s/x.db 2>&1", hss_test_bin(), dir, dir);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "nothere.db: no such database"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s/x.db", dir);
    assert_int_equal(access(cmd, F_OK), -1); /* a failed source creates no destination */

    snprintf(cmd, sizeof cmd, "%s copy --from %s --to /nonexistent/dir/y.db 2>&1", hss_test_bin(), src_path);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "/nonexistent/dir/y.db: cannot open database"));
    free(out);

    snprintf(cmd, sizeof cmd, "%s copy --from %s --to %s/t.db --tables area,nosuch 2>&1", hss_test_bin(), src_path, dir);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "no table 'nosuch'"));
    free(out);

    /* facility rows refer to areas: without them the copy cannot commit, and leaves nothing */
    snprintf(cmd, sizeof cmd, "%s copy --from %s --to %s/fk.db --tables facility 2>&1", hss_test_bin(), src_path, dir);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "fk.db: the copy could not commit: database: "));
    assert_non_null(strstr(out, "(do the tables named refer to tables not named?)"));
    assert_true(strstr(out, "FOREIGN KEY constraint failed") || strstr(out, "violates foreign key constraint"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s/fk.db", dir);
    assert_int_equal(db_query_int(cmd, "SELECT count(*) FROM facility"), 0);

    snprintf(cmd, sizeof cmd, "%s copy --from %s --to %s 2>&1", hss_test_bin(), src_path, src_path);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    /* one SQLite file opened twice would wait on its own lock; a PostgreSQL schema is simply not empty */
    assert_non_null(strstr(out, getenv("HSS_STORE_PG") ? "is not empty" : "the source and the destination are the same database"));
    free(out);

    snprintf(cmd, sizeof cmd, "%s copy --from %s 2>&1", hss_test_bin(), src_path);
    assert_int_equal(hss_test_run(cmd, &out), 2);
    assert_non_null(strstr(out, "usage: hss copy"));
    free(out);
}

/* ---- the bulk loader ---------------------------------------------------------------------- */

static hss_store *typed_store(void)
{
    hss_error err;
    static int k;
    char path[700];
    snprintf(path, sizeof path, "%s/typed%d.db", dir, k++);
    hss_store *st = hss_store_open(path, &err);
    assert_non_null(st);
    /* DDL outside a migration is not translated: each database gets its own types */
    const char *ddl = hss_store_is_pg(st) ? "CREATE TABLE t(i BIGINT PRIMARY KEY, r DOUBLE PRECISION, s TEXT, b BYTEA, n TEXT)"
                                          : "CREATE TABLE t(i INTEGER PRIMARY KEY, r REAL, s TEXT, b BLOB, n TEXT)";
    assert_int_equal(hss_store_exec(st, ddl, &err), HSS_OK);
    return st;
}

static void bulk_load_writes_typed_rows(void **state)
{
    (void)state;
    hss_error err;
    hss_store *st = typed_store();
    const char *cols[] = {"i", "r", "s", "b", "n"};
    assert_int_equal(hss_store_begin(st, &err), HSS_OK);
    hss_store_loader *ld = hss_store_load_begin(st, "t", cols, 5, &err);
    assert_non_null(ld);
    char text[16];
    for (int k = 1; k <= 1000; k++) {
        snprintf(text, sizeof text, "行%d", k);
        hss_store_load_int(ld, 0, k);
        hss_store_load_double(ld, 1, k / 3.0);
        hss_store_load_text(ld, 2, text); /* read at next: the buffer is reused */
        hss_store_load_blob(ld, 3, "\0\1\2", 3);
        if (k % 2)
            hss_store_load_text(ld, 4, "odd");
        assert_int_equal(hss_store_load_next(ld, &err), HSS_OK);
    }
    assert_int_equal(hss_store_load_rows(ld), 1000);
    assert_int_equal(hss_store_load_end(ld, &err), HSS_OK);
    assert_int_equal(hss_store_commit(st, &err), HSS_OK);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM t"), 1000);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM t WHERE s='行' || i AND length(b)=3 AND abs(r*3-i)<1e-9"), 1000);
    /* a column not set is NULL, also after a row that set it */
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM t WHERE n IS NULL"), 500);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM t WHERE n='odd' AND i%2=1"), 500);
    hss_store_close(st);
}

static void bulk_load_refuses_misuse(void **state)
{
    (void)state;
    hss_error err;
    hss_store *st = typed_store();
    const char *cols[] = {"i", "s"}, *bad[] = {"i", "s; DROP TABLE t"};
    assert_null(hss_store_load_begin(st, "t", cols, 2, &err)); /* no transaction */
    assert_non_null(strstr(err.msg, "needs an open transaction"));
    assert_int_equal(hss_store_begin(st, &err), HSS_OK);
    assert_null(hss_store_load_begin(st, "t", bad, 2, &err));
    assert_non_null(strstr(err.msg, "plain table and column names"));
    assert_null(hss_store_load_begin(st, "nosuch", cols, 2, &err));
    assert_non_null(strstr(err.msg, "nosuch"));

    hss_store_loader *ld = hss_store_load_begin(st, "t", cols, 2, &err);
    assert_non_null(ld);
    hss_store_load_int(ld, 2, 1); /* there is no third column */
    assert_int_equal(hss_store_load_next(ld, &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "column 2 is not one of the 2 loaded"));
    hss_store_load_abort(ld);

    ld = hss_store_load_begin(st, "t", cols, 2, &err);
    hss_store_load_int(ld, 0, 7);
    assert_int_equal(hss_store_load_next(ld, &err), HSS_OK);
    hss_store_load_int(ld, 0, 7); /* the same key again */
    if (hss_store_is_pg(st)) {
        /* COPY streams the rows: the server finds the duplicate when the load ends */
        assert_int_equal(hss_store_load_next(ld, &err), HSS_OK);
        assert_int_equal(hss_store_load_end(ld, &err), HSS_EDB);
        assert_non_null(strstr(err.msg, "duplicate key"));
    } else {
        assert_int_equal(hss_store_load_next(ld, &err), HSS_EDB);
        assert_non_null(strstr(err.msg, "t: row 2"));
        hss_store_load_abort(ld);
    }
    hss_store_rollback(st);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM t"), 0);
    hss_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bulk_load_writes_typed_rows),
        cmocka_unit_test(bulk_load_refuses_misuse),
        cmocka_unit_test(cli_copy_reads_identical),
        cmocka_unit_test(copy_reports_counts_and_checksums),
        cmocka_unit_test(refuses_a_destination_with_rows),
        cmocka_unit_test(a_difference_is_caught),
        cmocka_unit_test(bad_paths_and_names_are_clear_errors),
    };
    return cmocka_run_group_tests_name("store/copy", tests, setup, teardown);
}
