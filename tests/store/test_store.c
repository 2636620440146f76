/* test_store.c: opening, migrating, metadata and the data version. */
#include "testutil.h"

static void migrates_and_reopens(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/r.db", dir);
    hss_error err;
    hss_store *st = hss_store_open(path, &err);
    assert_non_null(st);
    assert_true(hss_store_schema_version(st, "region") >= 1);
    assert_int_equal(hss_store_data_version(st), 0);
    assert_int_equal(hss_store_bump_version(st, &err), HSS_OK);
    assert_int_equal(hss_store_bump_version(st, &err), HSS_OK);
    assert_int_equal(hss_store_meta_set(st, "region", "丽水市", &err), HSS_OK);
    hss_store_close(st);
    st = hss_store_open_existing(path, &err);
    assert_non_null(st);
    assert_int_equal(hss_store_data_version(st), 2);
    char *v = hss_store_meta_get(st, "region");
    assert_string_equal(v, "丽水市");
    free(v);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode='wal'"), 1);
    hss_store_close(st);
    free(dir);
}

static void missing_file_is_a_clear_error(void **state)
{
    (void)state;
    hss_error err;
    hss_error_clear(&err);
    assert_null(hss_store_open_existing("/nonexistent/x.db", &err));
    assert_int_equal(err.code, HSS_ENOTFOUND);
    assert_non_null(strstr(err.msg, "no such database"));
}

static void rollback_leaves_data_unchanged(void **state)
{
    (void)state;
    hss_error err;
    hss_store *st = hss_store_open(":memory:", &err);
    assert_non_null(st);
    assert_int_equal(hss_store_begin(st, &err), HSS_OK);
    assert_int_equal(hss_store_meta_set(st, "k", "v", &err), HSS_OK);
    hss_store_rollback(st);
    assert_null(hss_store_meta_get(st, "k"));
    hss_store_close(st);
}

static void nested_transactions_are_savepoints(void **state)
{
    (void)state;
    hss_error err;
    hss_store *st = hss_store_open(":memory:", &err);
    assert_non_null(st);
    /* inner rollback undoes only the inner step */
    assert_int_equal(hss_store_begin(st, &err), HSS_OK);
    assert_int_equal(hss_store_meta_set(st, "a", "1", &err), HSS_OK);
    assert_int_equal(hss_store_begin(st, &err), HSS_OK);
    assert_int_equal(hss_store_meta_set(st, "b", "2", &err), HSS_OK);
    hss_store_rollback(st);
    assert_int_equal(hss_store_commit(st, &err), HSS_OK);
    char *a = hss_store_meta_get(st, "a");
    assert_string_equal(a, "1");
    free(a);
    assert_null(hss_store_meta_get(st, "b"));
    /* an inner commit is undone by the outer rollback */
    assert_int_equal(hss_store_begin(st, &err), HSS_OK);
    assert_int_equal(hss_store_begin(st, &err), HSS_OK);
    assert_int_equal(hss_store_meta_set(st, "c", "3", &err), HSS_OK);
    assert_int_equal(hss_store_commit(st, &err), HSS_OK);
    hss_store_rollback(st);
    assert_null(hss_store_meta_get(st, "c"));
    /* a commit with nothing open is an error, a rollback a no-op */
    assert_int_equal(hss_store_commit(st, &err), HSS_EDB);
    hss_store_rollback(st);
    assert_int_equal(hss_store_begin(st, &err), HSS_OK);
    assert_int_equal(hss_store_commit(st, &err), HSS_OK);
    hss_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(migrates_and_reopens),
        cmocka_unit_test(missing_file_is_a_clear_error),
        cmocka_unit_test(rollback_leaves_data_unchanged),
        cmocka_unit_test(nested_transactions_are_savepoints),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
