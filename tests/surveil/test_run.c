/* test_run.c: stored counts and the daily run on hand-made series in a real SQLite file:
 * import validation (nothing changes on error), multi-source triggering (K sources within W
 * days), county alerts from townships, 7-day suppression, exclusion of known outbreaks, too
 * little history, the alert lifecycle with its audit trail, and the response figures. */
#include "testutil.h"
#include "surveil/surveil.h"

static const char *CONFIG =
    "citation: \"002: 健全多点触发的监测预警机制\"\n"
    "default:\n"
    "  method: fixed\n"
    "  threshold: 5\n"
    "  k_sources: 2\n"
    "  within_days: 3\n"
    "  county_townships: 2\n"
    "  suppress_days: 7\n"
    "signals:\n"
    "  fever:\n"
    "    name: 发热症候群\n"
    "    method: ears-c1\n"
    "    baseline: 7\n"
    "    min_sigma: 0.5\n"
    "    k_sources: 1\n";

typedef struct {
    char *dir, *db, *cfgpath;
    hss_store *st;
    hss_surveil_config cfg;
} fixture;

static int setup(void **state)
{
    fixture *f = hss_xcalloc(1, sizeof *f);
    f->dir = hss_test_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/s.db", f->dir);
    f->db = hss_xstrdup(path);
    hss_error err;
    f->st = hss_store_open(f->db, &err);
    assert_non_null(f->st);
    assert_int_equal(hss_store_exec(f->st,
        "INSERT INTO area(code,parent_code,level,name,kind) VALUES"
        "('331100',NULL,'city','丽水市','urban'),"
        "('331102','331100','county','莲都区','urban'),"
        "('331102001','331102','township','紫金街道','urban'),"
        "('331102002','331102','township','岩泉街道','urban'),"
        "('331102003','331102','township','万象街道','urban')", &err), HSS_OK);
    f->cfgpath = hss_test_write(f->dir, "signals.yaml", CONFIG);
    assert_int_equal(hss_surveil_config_load(f->cfgpath, &f->cfg, &err), HSS_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    hss_surveil_config_free(&f->cfg);
    hss_store_close(f->st);
    free(f->db);
    free(f->cfgpath);
    free(f->dir);
    free(f);
    return 0;
}

static long day(const char *s)
{
    int ok;
    long d = hss_surveil_day_number(s, &ok);
    assert_true(ok);
    return d;
}

/* Stores n days of counts from `first` (a constant `base` with the listed last values). */
static void put(fixture *f, const char *area, const char *signal, const char *source,
                const char *first, int n, int base, const int *last, int nlast)
{
    int32_t *c = hss_xcalloc((size_t)n, sizeof *c);
    for (int i = 0; i < n; i++)
        c[i] = i >= n - nlast ? last[i - (n - nlast)] : base + (i % 3 == 0);
    hss_error err;
    assert_int_equal(hss_store_begin(f->st, &err), HSS_OK);
    assert_int_equal(hss_surveil_put_series(f->st, area, signal, source, day(first), c, (size_t)n, &err), HSS_OK);
    assert_int_equal(hss_store_commit(f->st, &err), HSS_OK);
    free(c);
}

static void run(fixture *f, const char *date, hss_surveil_run_stats *S)
{
    hss_error err;
    hss_error_clear(&err);
    hss_code rc = hss_surveil_run(f->st, &f->cfg, date, "2024-03-01T08:00:00Z", S, &err);
    if (rc)
        print_error("%s\n", err.msg);
    assert_int_equal(rc, HSS_OK);
}

static long long count(fixture *f, const char *sql) { return hss_test_query_int(f->st, sql); }

static void import_is_validated_and_atomic(void **state)
{
    fixture *f = *state;
    char cmd[2048], *out;
    char *bad_area = hss_test_write(f->dir, "a.csv", "date,area_code,signal,source,count\n"
                                                     "2024-01-01,331102001,fever,hospital,3\n"
                                                     "2024-01-01,999999,fever,hospital,3\n");
    char *neg = hss_test_write(f->dir, "n.csv", "date,area_code,signal,source,count\n"
                                                "2024-01-01,331102001,fever,hospital,3\n"
                                                "2024-01-02,331102001,fever,hospital,-1\n");
    char *gap = hss_test_write(f->dir, "g.csv", "date,area_code,signal,source,count\n"
                                                "2024-01-01,331102001,fever,hospital,3\n"
                                                "2024-01-01,331102001,fever,school,3\n"
                                                "2024-01-03,331102001,fever,hospital,3\n");
    char *good = hss_test_write(f->dir, "ok.csv", "date,area_code,signal,source,count\n"
                                                  "2024-01-01,331102001,fever,hospital,3\n"
                                                  "2024-01-01,331102001,fever,school,1\n"
                                                  "2024-01-02,331102001,fever,hospital,4\n"
                                                  "2024-01-02,331102001,fever,school,0\n");
    char *next = hss_test_write(f->dir, "next.csv", "date,area_code,signal,source,count\n"
                                                    "2024-01-03,331102001,fever,hospital,5\n");
    char *later = hss_test_write(f->dir, "later.csv", "date,area_code,signal,source,count\n"
                                                      "2024-01-09,331102001,fever,hospital,5\n");
    struct {
        const char *file, *want;
    } bad[] = {
        {bad_area, "a.csv:3: column area_code: '999999' is not an area"},
        {neg, "n.csv:3: column count: -1 is negative"},
        {gap, "g.csv:4: column date: '2024-01-03' for area 331102001, signal fever, source hospital leaves a gap"},
    };
    long long v0 = hss_store_data_version(f->st);
    for (size_t i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "%s surveil import --db %s %s 2>&1", hss_test_bin(), f->db, bad[i].file);
        assert_int_equal(hss_test_run(cmd, &out), 1);
        if (!strstr(out, bad[i].want))
            print_error("got: %s\n", out);
        assert_non_null(strstr(out, bad[i].want));
        assert_non_null(strstr(out, "nothing imported"));
        free(out);
        assert_int_equal(count(f, "SELECT count(*) FROM surveil_series"), 0);
        assert_int_equal(count(f, "SELECT count(*) FROM surveil_year"), 0);
    }
    assert_int_equal(hss_store_data_version(f->st), v0);
    snprintf(cmd, sizeof cmd, "%s surveil import --db %s %s 2>&1", hss_test_bin(), f->db, good);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "imported 4 daily counts"));
    free(out);
    assert_int_equal(count(f, "SELECT count(*) FROM surveil_series"), 2);
    /* appending the next day continues the series; a later start leaves a gap and is refused */
    snprintf(cmd, sizeof cmd, "%s surveil import --db %s %s 2>&1", hss_test_bin(), f->db, next);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    free(out);
    assert_int_equal(count(f, "SELECT count(*) FROM surveil_series WHERE last_date='2024-01-03' AND source='hospital'"), 1);
    snprintf(cmd, sizeof cmd, "%s surveil import --db %s %s 2>&1", hss_test_bin(), f->db, later);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "gap in the dates"));
    free(out);
    assert_int_equal(count(f, "SELECT count(*) FROM surveil_series WHERE last_date='2024-01-03'"), 1);
    int32_t got[3];
    hss_error err;
    assert_int_equal(hss_surveil_load(f->st, 1, day("2024-01-01"), day("2024-01-03"), got, &err), HSS_OK);
    assert_int_equal(got[0], 3);
    assert_int_equal(got[1], 4);
    assert_int_equal(got[2], 5);
    free(bad_area);
    free(neg);
    free(gap);
    free(good);
    free(next);
    free(later);
}

static void counts_cross_years_and_leap_days(void **state)
{
    fixture *f = *state;
    int32_t c[70];
    for (int i = 0; i < 70; i++)
        c[i] = i;
    hss_error err;
    assert_int_equal(hss_store_begin(f->st, &err), HSS_OK);
    /* 2023-12-01 .. 2024-02-08: crosses a year and stores 2024's rows with a leap year ahead */
    assert_int_equal(hss_surveil_put_series(f->st, "331102001", "ili", "lab", day("2023-12-01"), c, 70, &err), HSS_OK);
    assert_int_equal(hss_store_commit(f->st, &err), HSS_OK);
    int32_t got[72];
    assert_int_equal(hss_surveil_load(f->st, 1, day("2023-11-30"), day("2024-02-09"), got, &err), HSS_OK);
    assert_int_equal(got[0], -1); /* not stored */
    for (int i = 0; i < 70; i++)
        assert_int_equal(got[i + 1], i);
    assert_int_equal(got[71], -1);
    assert_int_equal(count(f, "SELECT count(*) FROM surveil_year"), 2);
    assert_int_equal(count(f, "SELECT count(*) FROM surveil_series WHERE first_date='2023-12-01' AND last_date='2024-02-08'"), 1);
    char s[11];
    hss_surveil_day_string(day("2024-02-29"), s);
    assert_string_equal(s, "2024-02-29");
    int ok;
    hss_surveil_day_number("2023-02-29", &ok);
    assert_false(ok);
}

static void k_sources_within_w_days(void **state)
{
    fixture *f = *state;
    hss_surveil_run_stats S;
    /* township 1: hospital exceeds 5 on 03-10, pharmacy on 03-08 (within 3 days) -> alert */
    int h1[] = {9};
    int p1[] = {8, 2, 2};
    put(f, "331102001", "ili", "hospital", "2024-03-01", 10, 1, h1, 1);
    put(f, "331102001", "ili", "pharmacy", "2024-03-01", 10, 1, p1, 3);
    /* township 2: only one source signals -> no alert */
    put(f, "331102002", "ili", "hospital", "2024-03-01", 10, 1, h1, 1);
    put(f, "331102002", "ili", "pharmacy", "2024-03-01", 10, 1, NULL, 0);
    /* township 3: the second source signalled 5 days ago, outside W -> no alert */
    int p3[] = {9, 1, 1, 1, 1};
    put(f, "331102003", "ili", "hospital", "2024-03-01", 10, 1, h1, 1);
    put(f, "331102003", "ili", "pharmacy", "2024-03-01", 10, 1, p3, 5);
    for (int d = 1; d <= 10; d++) {
        char date[32];
        snprintf(date, sizeof date, "2024-03-%02d", d % 100);
        run(f, date, &S);
        hss_surveil_run_stats_free(&S);
    }
    assert_int_equal(count(f, "SELECT count(*) FROM surveil_alert"), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM surveil_alert WHERE area_code='331102001' AND date='2024-03-10' "
                              "AND sources='hospital;pharmacy' AND status='new' AND level='township'"), 1);
    /* the raise is audited */
    assert_int_equal(count(f, "SELECT count(*) FROM surveil_alert_event WHERE action='raise'"), 1);
}

static void county_alert_and_suppression(void **state)
{
    fixture *f = *state;
    hss_surveil_run_stats S;
    int hi[] = {9};
    /* two townships, two sources each, all exceed on the last day */
    const char *areas[] = {"331102001", "331102002"};
    for (int a = 0; a < 2; a++) {
        put(f, areas[a], "ili", "hospital", "2024-03-01", 10, 1, hi, 1);
        put(f, areas[a], "ili", "lab", "2024-03-01", 10, 1, hi, 1);
    }
    run(f, "2024-03-10", &S);
    assert_int_equal(S.alerts, 2);
    assert_int_equal(S.county_alerts, 1);
    hss_surveil_run_stats_free(&S);
    assert_int_equal(count(f, "SELECT count(*) FROM surveil_alert WHERE level='county' AND area_code='331102' "
                              "AND sources='331102001;331102002'"), 1);
    /* the next days signal again: suppressed for 7 days, raised again after */
    int hi2[] = {9, 9, 9, 9, 9, 9, 9, 9};
    for (int a = 0; a < 2; a++) {
        put(f, areas[a], "ili", "hospital", "2024-03-11", 8, 1, hi2, 8);
        put(f, areas[a], "ili", "lab", "2024-03-11", 8, 1, hi2, 8);
    }
    run(f, "2024-03-11", &S);
    assert_int_equal(S.alerts, 0);
    assert_int_equal(S.county_alerts, 0);
    assert_int_equal(S.suppressed, 2); /* the two townships; no new township alert, so no county check */
    hss_surveil_run_stats_free(&S);
    run(f, "2024-03-16", &S);
    assert_int_equal(S.alerts, 0);
    hss_surveil_run_stats_free(&S);
    run(f, "2024-03-17", &S); /* 7 days after 03-10 */
    assert_int_equal(S.alerts, 2);
    assert_int_equal(S.county_alerts, 1);
    hss_surveil_run_stats_free(&S);
    assert_int_equal(count(f, "SELECT count(*) FROM surveil_alert"), 6);
}

static void too_little_history_is_reported(void **state)
{
    fixture *f = *state;
    hss_surveil_run_stats S;
    int last[] = {30};
    put(f, "331102001", "fever", "hospital", "2024-03-06", 5, 3, last, 1);
    run(f, "2024-03-10", &S);
    assert_int_equal(S.checked, 0);
    assert_int_equal(S.too_little_history, 1);
    assert_non_null(strstr(S.notes.data, "too little history: area 331102001, signal fever, source hospital: ears-c1 needs 7 days"));
    hss_surveil_run_stats_free(&S);
    assert_int_equal(count(f, "SELECT count(*) FROM surveil_alert"), 0);
    /* the command line says so on stderr */
    char cmd[2048], *out;
    snprintf(cmd, sizeof cmd, "%s surveil run --db %s --date 2024-03-10 --config %s 2>&1 >/dev/null",
             hss_test_bin(), f->db, f->cfgpath);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "too little history"));
    assert_non_null(strstr(out, "not the same as no alarm"));
    free(out);
}

static void excluded_outbreak_leaves_baseline(void **state)
{
    fixture *f = *state;
    hss_surveil_run_stats S;
    /* fever (EARS C1, K=1): an outbreak on 03-07..03-09 inflates the baseline of 03-12 */
    int tail[] = {20, 22, 21, 4, 3, 12};
    put(f, "331102001", "fever", "hospital", "2024-03-01", 12, 3, tail, 6);
    run(f, "2024-03-12", &S);
    assert_int_equal(S.checked, 1);
    assert_int_equal(S.signals, 0);
    hss_surveil_run_stats_free(&S);
    hss_error err;
    assert_int_equal(hss_surveil_exclude(f->st, "*", "fever", "2024-03-07", "2024-03-09", "known outbreak", &err), HSS_OK);
    run(f, "2024-03-12", &S);
    assert_int_equal(S.signals, 1);
    assert_int_equal(S.alerts, 1);
    hss_surveil_run_stats_free(&S);
}

static void lifecycle_and_response(void **state)
{
    fixture *f = *state;
    hss_surveil_run_stats S;
    int hi[] = {9};
    put(f, "331102001", "cholera", "hospital", "2024-03-01", 10, 0, hi, 1);
    put(f, "331102001", "cholera", "lab", "2024-03-01", 10, 0, hi, 1);
    put(f, "331102002", "cholera", "hospital", "2024-03-01", 10, 0, hi, 1);
    put(f, "331102002", "cholera", "lab", "2024-03-01", 10, 0, hi, 1);
    run(f, "2024-03-10", &S); /* raised at 2024-03-01T08:00:00Z (fixed in run()) */
    hss_surveil_run_stats_free(&S);
    assert_int_equal(count(f, "SELECT count(*) FROM surveil_alert"), 3);
    hss_error err;
    hss_error_clear(&err);
    /* invalid: confirm a new alert */
    assert_int_equal(hss_surveil_alert_act(f->st, 1, "confirm", "wang", "", "2024-03-01T09:00:00Z", &err), HSS_ECONFLICT);
    assert_non_null(strstr(err.msg, "alert 1 is new: cannot confirm it"));
    assert_int_equal(count(f, "SELECT count(*) FROM surveil_alert WHERE id=1 AND status='new' AND responded_at IS NULL"), 1);
    assert_int_equal(hss_surveil_alert_act(f->st, 1, "assign", "wang", "派李医生", "2024-03-01T10:00:00Z", &err), HSS_OK);
    assert_int_equal(hss_surveil_alert_act(f->st, 1, "investigate", "li", "现场调查", "2024-03-01T12:00:00Z", &err), HSS_OK);
    assert_int_equal(hss_surveil_alert_act(f->st, 1, "confirm", "li", "实验室确认", "2024-03-02T08:00:00Z", &err), HSS_OK);
    assert_int_equal(hss_surveil_alert_act(f->st, 1, "dismiss", "li", "", NULL, &err), HSS_ECONFLICT);
    assert_int_equal(hss_surveil_alert_act(f->st, 2, "dismiss", "zhao", "报告错误", "2024-03-02T14:00:00Z", &err), HSS_OK);
    assert_int_equal(hss_surveil_alert_act(f->st, 99, "assign", "zhao", "", NULL, &err), HSS_ENOTFOUND);
    assert_int_equal(hss_surveil_alert_act(f->st, 3, "assign", "", "", NULL, &err), HSS_EINVAL);
    assert_int_equal(count(f, "SELECT count(*) FROM surveil_alert WHERE id=1 AND status='confirmed' AND assigned_to='wang' "
                              "AND responded_at='2024-03-01T10:00:00Z' AND closed_at='2024-03-02T08:00:00Z'"), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM surveil_alert_event WHERE alert_id=1"), 4);
    assert_int_equal(count(f, "SELECT count(*) FROM surveil_alert_event WHERE alert_id=1 AND by_user='li' AND note='实验室确认' "
                              "AND from_status='investigating' AND to_status='confirmed'"), 1);
    /* response: 2 of 3 responded, after 2 h and 30 h: median 16 h, 1 of 3 within 24 h */
    hss_table *t = hss_surveil_response_table(f->st, &err);
    assert_non_null(t);
    size_t last = hss_table_rows(t) - 1;
    assert_string_equal(hss_table_cell(t, last, 0), "all");
    assert_string_equal(hss_table_cell(t, last, 1), "3");
    assert_string_equal(hss_table_cell(t, last, 2), "2");
    assert_string_equal(hss_table_cell(t, last, 3), "0.667");
    assert_string_equal(hss_table_cell(t, last, 4), "16");
    assert_string_equal(hss_table_cell(t, last, 5), "0.333");
    hss_table_free(t);
    /* through the command line: status filter and a refused transition */
    char cmd[2048], *out;
    snprintf(cmd, sizeof cmd, "%s surveil alerts --db %s --status confirmed --format csv", hss_test_bin(), f->db);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "\n1,2024-03-10,331102001,紫金街道,township,cholera,hospital;lab,fixed,confirmed,wang"));
    assert_null(strstr(out, "\n2,"));
    free(out);
    snprintf(cmd, sizeof cmd, "%s surveil alert 2 assign --db %s --by wang 2>&1", hss_test_bin(), f->db);
    assert_int_equal(hss_test_run(cmd, &out), 1);
    assert_non_null(strstr(out, "alert 2 is dismissed: cannot assign it"));
    free(out);
}

static void config_errors_name_the_line(void **state)
{
    fixture *f = *state;
    char *bad = hss_test_write(f->dir, "bad.yaml", "default:\n  method: fixed\nsignals:\n  x:\n    method: ears-c9\n");
    char *bad2 = hss_test_write(f->dir, "bad2.yaml", "default:\n  method: fixed\n  k_sourcez: 2\n");
    hss_surveil_config c;
    hss_error err;
    assert_int_equal(hss_surveil_config_load(bad, &c, &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "bad.yaml:5: method must be one of"));
    assert_int_equal(hss_surveil_config_load(bad2, &c, &err), HSS_EINVAL);
    assert_non_null(strstr(err.msg, "bad2.yaml:3: unknown setting 'k_sourcez'"));
    /* the shipped configuration loads */
    assert_int_equal(hss_surveil_config_load("surveil/signals.yaml", &c, &err), HSS_OK);
    assert_int_equal(hss_surveil_config_find(&c, "cholera")->params.method, HSS_SURVEIL_FIXED);
    assert_int_equal(hss_surveil_config_find(&c, "unknown")->k_sources, 2);
    assert_non_null(strstr(c.citation, "多点触发"));
    hss_surveil_config_free(&c);
    free(bad);
    free(bad2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(import_is_validated_and_atomic, setup, teardown),
        cmocka_unit_test_setup_teardown(counts_cross_years_and_leap_days, setup, teardown),
        cmocka_unit_test_setup_teardown(k_sources_within_w_days, setup, teardown),
        cmocka_unit_test_setup_teardown(county_alert_and_suppression, setup, teardown),
        cmocka_unit_test_setup_teardown(too_little_history_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(excluded_outbreak_leaves_baseline, setup, teardown),
        cmocka_unit_test_setup_teardown(lifecycle_and_response, setup, teardown),
        cmocka_unit_test_setup_teardown(config_errors_name_the_line, setup, teardown),
    };
    return cmocka_run_group_tests_name("surveil_run", tests, NULL, NULL);
}
