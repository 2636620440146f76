/* test_worklist_pages_e2e.c: a team's worklist longer than one page, end to end in headless
 * Chromium (tests/server/e2e_worklist_pages.mjs): the doctor sees rows 1-50 of the total, moves to
 * the second page (the rest, none of the first page's rows), and back. Then checks that the
 * access log holds the residents of both pages, each read logged. Data: the care fixture plus 60
 * made-up residents of T1's village enrolled for hypertension with no visit yet (首次随访, overdue). */
#include "care_fixture.h"

enum { EXTRA = 60 };

static void add_many_patients(const char *dir, const char *db)
{
    hss_buf csv;
    hss_buf_init(&csv);
    hss_buf_puts(&csv, "id_number,name,sex,birth_date,village_code\n");
    char ids[EXTRA][19];
    for (int i = 0; i < EXTRA; i++) {
        char seq[4] = {'1', (char)('0' + i / 10), (char)('0' + i % 10), 0}; /* 100..159 */
        make_id(ids[i], "331102", "19600101", seq);
        hss_buf_printf(&csv, "%s,测试%03d,%s,1960-01-01,331102101201\n", ids[i], i, i % 2 ? "male" : "female");
    }
    char *path = hss_test_write(dir, "many.csv", csv.data);
    hss_buf_free(&csv);
    hss_error e;
    hss_error_clear(&e);
    hss_store *st = hss_store_open_existing(db, &e);
    assert_non_null(st);
    hss_care_import_stats stats;
    care_ok(hss_care_residents_import(st, path, &stats, &e), &e);
    for (int i = 0; i < EXTRA; i++)
        care_ok(hss_care_enrol(st, ids[i], "hypertension", "2025-01-01", NULL, &e), &e);
    hss_store_close(st);
    free(path);
}

static void second_worklist_page(void **state)
{
    (void)state;
    assert_int_equal(access("web/dist/index.html", R_OK), 0); /* `make web` */
    assert_int_equal(access("/usr/bin/chromium", X_OK), 0);
    char *dir = hss_test_tmpdir();
    char *db = make_region_db(dir);
    care_fixture fx;
    add_care_data(dir, db, &fx);
    add_many_patients(dir, db);
    assert_int_equal(add_user_args(db, "doc", "--role doctor --team T1", "doc-pass-1", NULL), 0);
    const char *extra[] = {"--web", "web/dist", NULL};
    test_server srv = start_server(db, extra);
    const char *build = getenv("BUILD");
    char cmd[1400], *out = NULL;
    snprintf(cmd, sizeof cmd, "node tests/server/e2e_worklist_pages.mjs http://127.0.0.1:%d/ %s/artifacts 2>&1", srv.port,
             build && *build ? build : "build");
    int rc = hss_test_run(cmd, &out);
    fputs(out, stdout);
    free(out);
    stop_server(&srv);
    assert_int_equal(rc, 0);
    /* every resident listed on either page was read, and logged as read by the doctor */
    hss_store *st = hss_store_open_existing(db, NULL);
    assert_true(hss_test_query_int(st, "SELECT count(DISTINCT resident_id) FROM care_access_seen "
                                       "WHERE user_name='doc' AND action='worklist'") >= EXTRA);
    hss_store_close(st);
    free(db);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(second_worklist_page),
    };
    return cmocka_run_group_tests_name("worklist-pages-e2e", tests, NULL, NULL);
}
