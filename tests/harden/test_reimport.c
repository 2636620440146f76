/*
 * test_reimport.c (issue 19, part 1 and the import items of part 7): a re-import never loses
 * what the file does not mention. A column absent from a file leaves stored values alone; a
 * present, empty cell clears them and the summary says so; re-importing an export keeps the
 * `generated` label; a header-only file changes nothing, not even the data version.
 * Drives the real `hss` (HSS_BIN) on real database files.
 */
#include "testutil.h"

static char *g_dir;

static void exec_sql(const char *db, const char *sql)
{
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    assert_non_null(st);
    assert_int_equal(hss_store_exec(st, sql, &err), HSS_OK);
    hss_store_close(st);
}

/* Runs `hss ARGS` and returns its status; output in *out when out. */
static int hss(char **out, const char *fmt, ...)
{
    char args[2000], cmd[2600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", hss_test_bin(), args);
    char *o = NULL;
    int rc = hss_test_run(cmd, &o);
    if (rc)
        fprintf(stderr, "hss %s -> %d: %s\n", args, rc, o);
    if (out)
        *out = o;
    else
        free(o);
    return rc;
}

static void residents_absent_columns_kept(void **state)
{
    (void)state;
    char *db = hss_test_new_db(g_dir, "res.db", "tests/data/care/region.sql");
    assert_int_equal(hss(NULL, "residents import tests/data/care/residents.csv --db %s", db), 0);
    long long hh = db_query_int(db, "SELECT count(*) FROM care_resident WHERE household<>''");
    long long cond = db_query_int(db, "SELECT count(*) FROM care_resident WHERE conditions<>0");
    assert_int_equal(hh, 3);
    assert_int_equal(cond, 2);
    /* only the required columns: household and conditions stay */
    char *f = hss_test_write(g_dir, "min.csv",
                             "id_number,name,sex,birth_date,village_code\n"
                             "11010519491231002X,张一,female,1949-12-31,331102001001\n"
                             "440524188001010014,李二,male,1880-01-01,331102001002\n");
    assert_int_equal(hss(NULL, "residents import %s --db %s", f, db), 0);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM care_resident WHERE household<>''"), 3);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM care_resident WHERE conditions<>0"), 2);
    free(f);
    /* a present, empty cell clears, and the summary says so */
    f = hss_test_write(g_dir, "clear.csv",
                       "id_number,name,sex,birth_date,village_code,household\n"
                       "11010519491231002X,张一,female,1949-12-31,331102001001,\n");
    char *out = NULL;
    assert_int_equal(hss(&out, "residents import %s --db %s", f, db), 0);
    assert_non_null(strstr(out, "cleared"));
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM care_resident WHERE household<>''"), 2);
    assert_int_equal(db_query_int(db, "SELECT conditions FROM care_resident WHERE id_number='11010519491231002X'"), 1);
    free(out);
    free(f);
    /* a header-only file changes nothing, not even the data version (residents, surveil) */
    long long v = db_query_int(db, "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM hss_meta WHERE key='data_version'),0)");
    f = hss_test_write(g_dir, "hdr.csv", "id_number,name,sex,birth_date,village_code\n");
    assert_int_equal(hss(NULL, "residents import %s --db %s", f, db), 0);
    assert_int_equal(db_query_int(db, "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM hss_meta WHERE key='data_version'),0)"), v);
    free(f);
    f = hss_test_write(g_dir, "counts.csv", "date,area_code,signal,source,count\n");
    assert_int_equal(hss(NULL, "surveil import --db %s %s", db, f), 0);
    assert_int_equal(db_query_int(db, "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM hss_meta WHERE key='data_version'),0)"), v);
    free(f);
    free(db);
}

static void facilities_and_areas_absent_columns_kept(void **state)
{
    (void)state;
    char *db = hss_test_new_db(g_dir, "reg.db", NULL);
    assert_int_equal(hss(NULL, "import areas tests/data/region/areas.csv --db %s", db), 0);
    assert_int_equal(hss(NULL, "import facilities tests/data/region/facilities.csv --db %s", db), 0);
    long long svc = db_query_int(db, "SELECT count(*) FROM facility WHERE services<>''");
    long long mc = db_query_int(db, "SELECT count(*) FROM facility WHERE medcom_code IS NOT NULL");
    long long bi = db_query_int(db, "SELECT count(*) FROM facility WHERE beds_infectious IS NOT NULL");
    assert_true(svc > 0 && mc > 0 && bi > 0);
    exec_sql(db, "UPDATE area SET generated=1; UPDATE facility SET generated=1;");
    /* facilities.csv cut to its required columns */
    char *out = NULL;
    assert_int_equal(hss(&out, "export facilities --db %s --format csv", db), 0);
    free(out);
    char cmd[1500];
    snprintf(cmd, sizeof cmd, "cut -d, -f1-10 tests/data/region/facilities.csv > %s/fmin.csv", g_dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(hss(NULL, "import facilities %s/fmin.csv --db %s", g_dir, db), 0);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM facility WHERE services<>''"), svc);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM facility WHERE medcom_code IS NOT NULL"), mc);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM facility WHERE beds_infectious IS NOT NULL"), bi);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM facility WHERE generated=0"), 0);
    /* areas.csv has no generated column: the label stays */
    assert_int_equal(hss(NULL, "import areas tests/data/region/areas.csv --db %s", db), 0);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM area WHERE generated=0"), 0);
    free(db);
}

static void data_values_round_trip_keeps_generated(void **state)
{
    (void)state;
    char *db = hss_test_new_db(g_dir, "met.db", "tests/data/metrics/region.sql");
    assert_int_equal(hss(NULL, "data import tests/data/metrics/values.csv --db %s", db), 0);
    exec_sql(db, "UPDATE data_value SET generated=1 WHERE period%2=0;");
    long long gen = db_query_int(db, "SELECT count(*) FROM data_value WHERE generated=1");
    assert_true(gen > 0);
    char *out = NULL;
    assert_int_equal(hss(&out, "data values --db %s --format csv", db), 0);
    char *f = hss_test_write(g_dir, "values-export.csv", out);
    free(out);
    assert_int_equal(hss(NULL, "data import %s --db %s", f, db), 0);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM data_value WHERE generated=1"), gen);
    free(f);
    /* header only: no change, no new data version */
    long long v = db_query_int(db, "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM hss_meta WHERE key='data_version'),0)");
    f = hss_test_write(g_dir, "hdr.csv", "element,org,period,value\n");
    assert_int_equal(hss(NULL, "data import %s --db %s", f, db), 0);
    assert_int_equal(db_query_int(db, "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM hss_meta WHERE key='data_version'),0)"), v);
    free(f);
    free(db);
}

int main(void)
{
    g_dir = hss_test_tmpdir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(residents_absent_columns_kept),
        cmocka_unit_test(facilities_and_areas_absent_columns_kept),
        cmocka_unit_test(data_values_round_trip_keeps_generated),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(g_dir);
    return rc;
}
