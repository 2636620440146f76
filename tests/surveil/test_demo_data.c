/* test_demo_data.c: the generated demo surveillance data (hss_surveil_generate_demo,
 * hss_surveil_demo) on the server tests' two-county region (tests/data/server/region.sql):
 * deterministic for a seed, labelled generated, replaces itself, the injected ili outbreak is
 * detected by the daily run with the shipped surveil/signals.yaml, and bad input changes
 * nothing. */
#include "testutil.h"

#include "surveil/surveil.h"

static hss_store *region(const char *dir, const char *name)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    hss_error err;
    hss_store *st = hss_store_open(path, &err);
    assert_non_null(st);
    hss_test_load_sql(st, "tests/data/server/region.sql");
    return st;
}

/* Every stored count of every series, in a fixed order, as one string (the counts in hex,
 * written here because the two databases spell hex() differently). */
static char *all_counts(hss_store *st)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT s.area_code || s.signal || s.source || y.year, y.counts FROM surveil_year y "
        "JOIN surveil_series s ON s.id = y.series_id ORDER BY s.area_code, s.signal, s.source, y.year", NULL);
    assert_non_null(s);
    hss_buf b;
    hss_buf_init(&b);
    while (hss_store_step(s) == HSS_ROW) {
        hss_buf_puts(&b, hss_store_col_text(s, 0));
        int n = hss_store_col_bytes(s, 1);
        const unsigned char *c = hss_store_col_blob(s, 1);
        for (int i = 0; i < n; i++)
            hss_buf_printf(&b, "%02X", c[i]);
    }
    hss_store_finalize(s);
    return hss_buf_steal(&b);
}

static void deterministic_and_labelled(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    hss_store *a = region(dir, "a.db"), *b = region(dir, "b.db");
    hss_error err;
    assert_int_equal(hss_surveil_generate_demo(a, 7, "2025-12-31", &err), HSS_OK);
    assert_int_equal(hss_surveil_generate_demo(b, 7, "2025-12-31", &err), HSS_OK);
    /* 3 townships x 3 signals x 4 sources, ending on the day asked for */
    assert_int_equal(hss_test_query_int(a, "SELECT count(*) FROM surveil_series"), 36);
    assert_int_equal(hss_test_query_int(a, "SELECT count(*) FROM surveil_series WHERE last_date='2025-12-31'"), 36);
    assert_int_equal(hss_test_query_int(a, "SELECT count(DISTINCT first_date) FROM surveil_series"), 1);
    char *ca = all_counts(a), *cb = all_counts(b);
    assert_true(strlen(ca) > 1000);
    assert_string_equal(ca, cb);
    free(cb);
    /* another seed gives other counts; a second run replaces instead of adding */
    assert_int_equal(hss_surveil_generate_demo(b, 8, "2025-12-31", &err), HSS_OK);
    cb = all_counts(b);
    assert_string_not_equal(ca, cb);
    assert_int_equal(hss_test_query_int(b, "SELECT count(*) FROM surveil_series"), 36);
    char *note = hss_store_meta_get(a, "surveil.generated");
    assert_non_null(note);
    assert_non_null(strstr(note, "generated"));
    assert_non_null(strstr(note, "seed 7"));
    free(note);
    free(ca);
    free(cb);
    hss_store_close(a);
    hss_store_close(b);
    free(dir);
}

static void injected_outbreak_is_detected(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    hss_store *st = region(dir, "r.db");
    hss_error err;
    hss_surveil_config cfg;
    assert_int_equal(hss_surveil_config_load("surveil/signals.yaml", &cfg, &err), HSS_OK);
    hss_surveil_demo_stats S;
    assert_int_equal(hss_surveil_demo(st, &cfg, 1, "2025-12-31", 10, &S, &err), HSS_OK);
    assert_int_equal((int)S.days, 10);
    assert_int_equal((int)S.too_little_history, 0); /* three years are enough for every method */
    assert_true(S.alerts > 0);
    /* the note names the township with the ili outbreak; the run raised an ili alert there */
    char *note = hss_store_meta_get(st, "surveil.generated");
    assert_non_null(note);
    char *p = strstr(note, "ili in ");
    assert_non_null(p);
    char town[10];
    memcpy(town, p + 7, 9);
    town[9] = 0;
    char sql[300];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM surveil_alert WHERE area_code='%s' AND signal='ili' AND date >= '2025-12-22'", town);
    assert_true(hss_test_query_int(st, sql) >= 1);
    /* duty-officer actions were recorded on the older alerts, labelled generated */
    assert_true(hss_test_query_int(st, "SELECT count(*) FROM surveil_alert_event WHERE by_user='demo_duty_officer' AND note LIKE '%生成%'") > 0);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM surveil_alert WHERE date >= '2025-12-30' AND status <> 'new'"), 0);
    free(note);
    hss_surveil_config_free(&cfg);
    hss_store_close(st);
    free(dir);
}

static void bad_input_changes_nothing(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    hss_store *st = region(dir, "r.db");
    hss_error err;
    assert_int_equal(hss_surveil_generate_demo(st, 1, "2025-12-31", &err), HSS_OK);
    char *before = all_counts(st);
    int64_t v = hss_store_data_version(st);
    hss_error_clear(&err);
    assert_int_equal(hss_surveil_generate_demo(st, 2, "2025-13-01", &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "2025-13-01"));
    char *after = all_counts(st);
    assert_string_equal(before, after);
    assert_true(hss_store_data_version(st) == v);
    free(after);
    free(before);
    hss_store_close(st);

    /* a database without townships: a clear message, nothing stored */
    char path[700];
    snprintf(path, sizeof path, "%s/empty.db", dir);
    st = hss_store_open(path, &err);
    assert_non_null(st);
    hss_error_clear(&err);
    assert_int_equal(hss_surveil_generate_demo(st, 1, "2025-12-31", &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "township"));
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM surveil_series"), 0);
    hss_store_close(st);

    /* the command: usage errors and a missing database */
    char cmd[900], *out;
    snprintf(cmd, sizeof cmd, "%s surveil generate --db %s/nope.db 2>&1", hss_test_bin(), dir);
    assert_true(hss_test_run(cmd, &out) != 0);
    free(out);
    snprintf(cmd, sizeof cmd, "%s surveil generate --db %s --run-days 0 2>&1", hss_test_bin(), path);
    assert_int_equal(hss_test_run(cmd, &out), 2);
    assert_non_null(strstr(out, "--run-days"));
    free(out);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deterministic_and_labelled),
        cmocka_unit_test(injected_outbreak_is_detected),
        cmocka_unit_test(bad_input_changes_nothing),
    };
    return cmocka_run_group_tests_name("surveil-demo", tests, NULL, NULL);
}
