/* test_incremental.c: the aggregates that imports maintain incrementally equal, value by value,
 * a full rebuild from the stored values, after rounds of random imports, changes (re-imports
 * of existing keys with new values), unchanged re-imports, deletions and refused files. Keys
 * span facilities and areas, categories and a year boundary. */
#include <math.h>

#include "mtest.h"

typedef struct agg_row {
    char *key;
    double v[34];
} agg_row;

static size_t snapshot(hss_store *st, agg_row **rows)
{
    hss_error err;
    hss_stmt *s = hss_store_prepare(
        st, "SELECT area || '/' || year || '/' || element_id || '/' || slice, data "
            "FROM metric_agg ORDER BY area, year, element_id, slice", &err);
    assert_non_null(s);
    hss_vec v;
    hss_vec_init(&v, sizeof(agg_row));
    while (hss_store_step(s) == HSS_ROW) {
        agg_row *r = hss_vec_push(&v);
        r->key = hss_xstrdup(hss_store_col_text(s, 0));
        assert_int_equal(hss_store_col_bytes(s, 1), (int)sizeof r->v);
        memcpy(r->v, hss_store_col_blob(s, 1), sizeof r->v);
    }
    hss_store_finalize(s);
    *rows = v.items;
    return v.len;
}

static void free_rows(agg_row *r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(r[i].key);
    free(r);
}

/* Compares the incrementally maintained aggregates with a rebuild; returns values compared. */
static size_t compare_with_rebuild(hss_store *st)
{
    agg_row *inc, *full;
    size_t ni = snapshot(st, &inc);
    hss_error err;
    assert_int_equal(hss_metrics_rebuild(st, &err), HSS_OK);
    size_t nf = snapshot(st, &full);
    if (ni != nf)
        fail_msg("incremental has %zu aggregate rows, rebuild %zu", ni, nf);
    size_t compared = 0;
    for (size_t i = 0; i < ni; i++) {
        assert_string_equal(inc[i].key, full[i].key);
        for (int k = 0; k < 34; k++, compared++)
            if (fabs(inc[i].v[k] - full[i].v[k]) > 1e-6)
                fail_msg("%s slot %d: incremental %.6f, rebuild %.6f", inc[i].key, k,
                         inc[i].v[k], full[i].v[k]);
    }
    free_rows(inc, ni);
    free_rows(full, nf);
    return compared;
}

/* The key space: facility elements at every facility, area elements at their level. */
static const char *const FAC_EL[] = {"outpatient_visits", "inpatient_admissions", "referrals_up"};
static const char *const FACS[] = {"H1", "T1", "V1", "T2", "H2", "T3"};
static const char *const TOWNS[] = {"331102001", "331102002", "331121001"};
static const char *const COUNTIES[] = {"331102", "331121"};
static const char *const MONTHS[] = {"2024-11", "2024-12", "2025-01", "2025-02", "2025-03"};
static const char *const CATS[] = {"", "urban", "rural"};

#define NFAC (3 * 6 * 5 * 3)
#define NTOWN (3 * 5)
#define NCTY (2 * 5)
#define NKEYS (NFAC + NTOWN + NCTY)

static void key_row(int k, hss_buf *b, long value)
{
    if (k < NFAC) {
        int e = k % 3, f = k / 3 % 6, m = k / 18 % 5, c = k / 90;
        hss_buf_printf(b, "%s,%s,%s,%ld,%s\n", FAC_EL[e], FACS[f], MONTHS[m], value, CATS[c]);
    } else if (k < NFAC + NTOWN) {
        k -= NFAC;
        hss_buf_printf(b, "contracted_residents,%s,%s,%ld,\n", TOWNS[k % 3], MONTHS[k / 3],
                       value);
    } else {
        k -= NFAC + NTOWN;
        hss_buf_printf(b, "out_of_county_visits,%s,%s,%ld,\n", COUNTIES[k % 2], MONTHS[k / 2],
                       value);
    }
}

static void random_rounds(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    hss_store *st = mtest_region(dir, "inc", NULL);
    hss_error err;
    hss_error_clear(&err);
    /* First build so that later imports take the incremental path. */
    assert_int_equal(hss_metrics_rebuild(st, &err), HSS_OK);
    long stored[NKEYS];
    for (int i = 0; i < NKEYS; i++)
        stored[i] = -1;
    srand(20251123);
    size_t compared = 0;
    for (int round = 0; round < 12; round++) {
        /* an import: new keys and changed values of existing ones */
        hss_buf b;
        hss_buf_init(&b);
        hss_buf_puts(&b, "element,org,period,value,category\n");
        char used[NKEYS] = {0};
        for (int i = 0; i < 40; i++) {
            int k = rand() % NKEYS;
            if (used[k])
                continue;
            used[k] = 1;
            long v = rand() % 1000;
            if (round % 4 == 3 && stored[k] >= 0)
                v = stored[k]; /* an unchanged re-import */
            key_row(k, &b, v);
            stored[k] = v;
        }
        char *f = hss_test_write(dir, "r.csv", b.data);
        hss_buf_free(&b);
        assert_int_equal(hss_metrics_import(st, f, 0, NULL, &err), HSS_OK);
        free(f);
        /* deletions of some stored keys */
        hss_buf_init(&b);
        hss_buf_puts(&b, "element,org,period,value,category\n");
        for (int i = 0, n = 0; i < NKEYS && n < 8; i++) {
            int k = (i * 37 + round * 11) % NKEYS;
            if (stored[k] >= 0 && rand() % 3 == 0) {
                key_row(k, &b, 0);
                stored[k] = -1;
                n++;
            }
        }
        f = hss_test_write(dir, "d.csv", b.data);
        hss_buf_free(&b);
        assert_int_equal(hss_metrics_import(st, f, 1, NULL, &err), HSS_OK);
        free(f);
        /* a refused file in between changes nothing */
        f = hss_test_write(dir, "bad.csv", "element,org,period,value\n"
                                           "outpatient_visits,H1,2025-01,5\n"
                                           "outpatient_visits,H1,2025-02,-5\n");
        assert_int_equal(hss_metrics_import(st, f, 0, NULL, &err), HSS_EINVAL);
        free(f);
        if (round % 4 == 3 || round == 11)
            compared += compare_with_rebuild(st);
    }
    /* and the stored values are exactly what the rounds left */
    long want = 0, n = 0;
    for (int i = 0; i < NKEYS; i++)
        if (stored[i] >= 0) {
            want += stored[i];
            n++;
        }
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM data_value"), n);
    assert_int_equal(hss_test_query_int(st, "SELECT coalesce(sum(value), 0) FROM data_value"), want);
    assert_true(compared > 1000);
    hss_store_close(st);
    free(dir);
}

/* Aggregates built before a region change are detected and rebuilt on the next import. */
static void region_change_triggers_rebuild(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    hss_store *st = mtest_region(dir, "chg", NULL);
    hss_error err;
    assert_int_equal(hss_metrics_import(st, "tests/data/metrics/values.csv", 0, NULL, &err),
                     HSS_OK);
    /* T2 moves from 岩泉街道 to 紫金街道 */
    assert_int_equal(hss_store_exec(st, "UPDATE facility SET area_code='331102001' WHERE code='T2'",
                                    &err), HSS_OK);
    double num, den;
    /* 紫金街道 January: T1 300 + V1 100 + T2 400, all basic */
    mtest_value(st, "basic_level_visit_share", "331102001", "2025-01", &num, &den);
    assert_true(fabs(den - 800) < 1e-9);
    compare_with_rebuild(st);
    hss_store_close(st);
    free(dir);
}

/* Queries are served from the maintained aggregates, not by re-reading the values: after the
 * value table is emptied behind the module's back, area figures still answer (a rebuild then
 * brings them to the emptied truth). */
static void queries_read_the_aggregates(void **state)
{
    (void)state;
    char *dir = hss_test_tmpdir();
    hss_store *st = mtest_region(dir, "srv", NULL);
    hss_error err;
    assert_int_equal(hss_metrics_import(st, "tests/data/metrics/values.csv", 0, NULL, &err),
                     HSS_OK);
    assert_int_equal(hss_store_exec(st, "DELETE FROM data_value", &err), HSS_OK);
    double num, den;
    assert_true(fabs(mtest_value(st, "in_county_treatment_rate", "331102", "2025Q1", &num, &den) -
                     5100.0 / 5460 * 100) < 1e-9);
    assert_int_equal(hss_metrics_rebuild(st, &err), HSS_OK);
    double v;
    assert_int_equal(hss_metrics_value(st, "in_county_treatment_rate", "331102", "2025Q1", &v,
                                       NULL, NULL, &err),
                     HSS_ENOTFOUND);
    hss_store_close(st);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_rounds),
        cmocka_unit_test(region_change_triggers_rebuild),
        cmocka_unit_test(queries_read_the_aggregates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
