/* test_eval.c: evaluations kept over time through the real `hss` binary: save a snapshot, change
 * the data, save again, compare (every kind of change), list and read snapshots; bad input. A
 * saved snapshot reads back exactly as the live evaluation it was taken from (every finding, every
 * column kept), and a 整改 item made from it carries the rule's title. */
#include "plan_fixture.h"
#include "policy/policy.h"

static char *dir, *db, *pack;

static int setup(void **state)
{
    (void)state;
    dir = hss_test_tmpdir();
    db = fixture_db(dir);
    pack = hss_test_write(dir, "plantest.yaml", PLAN_PACK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(dir);
    free(db);
    free(pack);
    return 0;
}

static long long save(const char *label)
{
    char *out;
    int rc = plan_run(&out, "evaluate --db %s --policy %s --save --label %s", db, pack, label);
    if (rc != 0)
        fail_msg("save: %s", out);
    long long id = plan_last_line_id(out);
    free(out);
    assert_true(id > 0);
    return id;
}

/* The compare items of a JSON array as "rule area before after change" lines, sorted. */
static char *compare_lines(long long a, long long b)
{
    char *out;
    assert_int_equal(plan_run(&out, "evaluate --db %s --compare %lld %lld --format json", db, a, b), 0);
    cJSON *arr = cJSON_Parse(out);
    if (!arr)
        fail_msg("not JSON: %s", out);
    hss_buf s;
    hss_buf_init(&s);
    cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        const char *keys[] = {"rule", "area", "facility", "before", "after", "change"};
        for (size_t k = 0; k < 6; k++) {
            cJSON *v = cJSON_GetObjectItem(it, keys[k]);
            assert_non_null(v);
            hss_buf_printf(&s, "%s%s", k ? " " : "", cJSON_IsString(v) ? v->valuestring : "null");
        }
        hss_buf_putc(&s, '\n');
    }
    cJSON_Delete(arr);
    free(out);
    return hss_buf_steal(&s);
}

static void save_change_save_compare(void **state)
{
    (void)state;
    long long v0 = db_query_int(db, "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM hss_meta WHERE key='data_version'),0)");
    long long s1 = save("年度");
    /* every finding of the pack is kept: 1 rule x 5 counties, with the pack and data versions */
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_finding WHERE eval_id=1"), 5);
    assert_int_equal(db_query_int(db, "SELECT data_version FROM plan_eval WHERE id=1"), v0);
    assert_int_equal(db_query_int(db, "SELECT length(pack_version) FROM plan_eval WHERE id=1"), 16);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_finding WHERE eval_id=1 AND area='331102' "
                                        "AND status='fail' AND observed=4 AND target=10 AND gap=6 AND county='331102'"), 1);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM audit WHERE action='evaluation_save' AND target='evaluation 1'"), 1);

    /* 甲区 gains 3 ambulances (still short: better); 戊县 loses all but 1 (newly failing) */
    plan_sql(db, "UPDATE vehicle SET count=5 WHERE facility_code='F7' AND kind='ambulance';"
                 "UPDATE vehicle SET count=0 WHERE facility_code='F8';");
    long long s2 = save("中期");
    assert_int_equal(db_query_int(db, "SELECT data_version FROM plan_eval WHERE id=2"), v0 + 1);
    char *lines = compare_lines(s1, s2);
    assert_string_equal(lines, "amb 331102  fail fail better\n"
                               "amb 331124  pass fail newly_failing\n");
    free(lines);
    /* backwards, the same changes read the other way */
    lines = compare_lines(s2, s1);
    assert_string_equal(lines, "amb 331102  fail fail worse\n"
                               "amb 331124  fail pass fixed\n");
    free(lines);
    /* nothing changed: no items */
    lines = compare_lines(s2, s2);
    assert_string_equal(lines, "");
    free(lines);

    /* the table lists both snapshots, newest first */
    char *out;
    assert_int_equal(plan_run(&out, "evaluate --db %s --saved --format csv", db), 0);
    assert_non_null(strstr(out, "\n2,"));
    assert_non_null(strstr(out, ",plantest,测试规划,"));
    assert_true(strstr(out, "\n2,") < strstr(out, "\n1,"));
    free(out);
    assert_int_equal(plan_run(&out, "evaluate --db %s --snapshot %lld --status fail --format csv", db, s2), 0);
    assert_non_null(strstr(out, "amb,救护车,331102,甲区,"));
    assert_non_null(strstr(out, "amb,救护车,331124,戊县,"));
    assert_null(strstr(out, ",pass,"));
    free(out);
    /* --under restricts the comparison to an area */
    assert_int_equal(plan_run(&out, "evaluate --db %s --compare %lld %lld --under 331124 --format csv", db, s1, s2), 0);
    assert_null(strstr(out, "331102"));
    assert_non_null(strstr(out, "newly_failing"));
    assert_non_null(strstr(out, "戊县")); /* the area's name, from the snapshot's names */
    free(out);
}

static void change_rules(void **state)
{
    (void)state;
    assert_string_equal(hss_plan_change("pass", "fail", 0, 3), "newly_failing");
    assert_string_equal(hss_plan_change("unknown", "fail", 0, 3), "newly_failing");
    assert_string_equal(hss_plan_change("absent", "fail", 0, 3), "newly_failing");
    assert_string_equal(hss_plan_change("fail", "pass", 3, 0), "fixed");
    assert_string_equal(hss_plan_change("fail", "fail", 3, 4), "worse");
    assert_string_equal(hss_plan_change("fail", "fail", 3, 2), "better");
    assert_null(hss_plan_change("fail", "fail", 3, 3.00001));
    assert_null(hss_plan_change("pass", "pass", 0, 0));
    assert_null(hss_plan_change("fail", "unknown", 3, 0));
    assert_null(hss_plan_change("pass", "absent", 0, 0));
}

static void bad_input(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(plan_run(&out, "evaluate --db %s --compare 1 999", db), 1);
    assert_non_null(strstr(out, "no saved evaluation 999"));
    free(out);
    assert_int_equal(plan_run(&out, "evaluate --db %s --compare 1 x", db), 2);
    free(out);
    assert_int_equal(plan_run(&out, "evaluate --db %s --compare 1", db), 2);
    free(out);
    assert_int_equal(plan_run(&out, "evaluate --db %s --save", db), 2);
    free(out);
    long long n = db_query_int(db, "SELECT count(*) FROM plan_eval");
    assert_int_equal(plan_run(&out, "evaluate --db %s --policy nosuchpack --save", db), 1);
    assert_non_null(strstr(out, "nosuchpack"));
    free(out);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_eval"), n);
}


/* Live findings and the saved snapshot, row for row, on every column the snapshot keeps. */
static void assert_snapshot_is_live(hss_store *st, const char *p, int64_t id)
{
    hss_error err;
    hss_table *live, *saved;
    assert_int_equal(hss_policy_findings(st, p, 0, NULL, &live, &err), HSS_OK);
    assert_int_equal(hss_plan_eval_findings(st, id, NULL, NULL, &saved, &err), HSS_OK);
    assert_int_equal(hss_table_rows(saved), hss_table_rows(live));
    assert_true(hss_table_rows(live) > 0);
    size_t nl = hss_table_cols(live), ns = hss_table_cols(saved);
    for (size_t r = 0; r < hss_table_rows(saved); r++) {
        size_t m = hss_table_rows(live); /* the live row of the same key */
        for (size_t k = 0; k < hss_table_rows(live) && m == hss_table_rows(live); k++) {
            const char *key[] = {"rule", "area", "facility"};
            int same = 1;
            for (int c = 0; c < 3 && same; c++)
                for (size_t i = 0; i < nl; i++)
                    for (size_t j = 0; j < ns; j++)
                        if (!strcmp(hss_table_col_name(live, i), key[c]) && !strcmp(hss_table_col_name(saved, j), key[c]))
                            same = !strcmp(hss_table_cell(live, k, i) ? hss_table_cell(live, k, i) : "",
                                           hss_table_cell(saved, r, j) ? hss_table_cell(saved, r, j) : "");
            if (same)
                m = k;
        }
        assert_true(m < hss_table_rows(live));
        for (size_t j = 0; j < ns; j++)
            for (size_t i = 0; i < nl; i++)
                if (!strcmp(hss_table_col_name(live, i), hss_table_col_name(saved, j))) {
                    const char *a = hss_table_cell(live, m, i), *b = hss_table_cell(saved, r, j);
                    if (strcmp(a ? a : "", b ? b : ""))
                        fail_msg("%s row %zu column %s: live '%s', saved '%s'", p, r, hss_table_col_name(saved, j), a, b);
                }
    }
    hss_table_free(live);
    hss_table_free(saved);
}

static void snapshot_equals_live(void **state)
{
    (void)state;
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    assert_non_null(st);
    hss_plan_actor who;
    hss_plan_actor_operator(&who);
    /* the test pack, and a shipped pack with many measures (known, unknown, areas, facilities) */
    const char *packs[] = {pack, "lishui"};
    for (int i = 0; i < 2; i++) {
        int64_t id;
        if (hss_plan_eval_save(st, &who, packs[i], 0, "对照", &id, &err) != HSS_OK)
            fail_msg("%s: %s", packs[i], err.msg);
        assert_snapshot_is_live(st, packs[i], id);
    }
    /* a 整改 item made from a saved failed finding names the rule's title */
    long long e = hss_test_query_int(st, "SELECT max(id) FROM plan_eval WHERE pack='plantest'");
    hss_plan_rect_in in = {e, "amb", "331102", "", "甲区卫健局", "2099-12-31", "补足救护车"};
    int64_t rid;
    if (hss_plan_rect_add(st, &who, &in, &rid, &err) != HSS_OK)
        fail_msg("整改: %s", err.msg);
    hss_table *t;
    assert_int_equal(hss_plan_rect_list(st, &who, "open", "2026-01-01", &t, &err), HSS_OK);
    int found = 0;
    for (size_t r = 0; r < hss_table_rows(t); r++)
        if (hss_table_cell(t, r, 0) && atoll(hss_table_cell(t, r, 0)) == rid) {
            assert_string_equal(hss_table_cell(t, r, 3), "救护车");
            assert_non_null(strstr(hss_table_cell(t, r, 16), "辆救护车")); /* the finding's gap text */
            found = 1;
        }
    assert_true(found);
    hss_table_free(t);
    hss_store_close(st);
}

/* Names are kept once per snapshot: one row per area and facility its findings name, none on
 * the findings. A snapshot saved before the names table (names on its findings) reads the same
 * after the migration that made the table. */
static void names_once_per_snapshot(void **state)
{
    (void)state;
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    assert_non_null(st);
    long long id = hss_test_query_int(st, "SELECT max(id) FROM plan_eval WHERE pack='lishui'");
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT (SELECT count(DISTINCT area) FROM plan_finding WHERE eval_id=%lld)"
             " + (SELECT count(DISTINCT facility) FROM plan_finding WHERE eval_id=%lld AND facility<>'')"
             " - (SELECT count(*) FROM plan_eval_name WHERE eval_id=%lld)", id, id, id);
    assert_int_equal(hss_test_query_int(st, sql), 0);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM plan_eval_name WHERE eval_id=%lld AND kind='facility'", id);
    assert_true(hss_test_query_int(st, sql) > 0);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM plan_finding WHERE eval_id=%lld AND "
             "(area_name<>'' OR facility_name<>'')", id);
    assert_int_equal(hss_test_query_int(st, sql), 0);
    /* back to plan v2: the names on the findings, no names table, the county index */
    snprintf(sql, sizeof sql,
             "UPDATE plan_finding SET area_name=(SELECT n.name FROM plan_eval_name n WHERE n.eval_id=plan_finding.eval_id "
             "AND n.kind='area' AND n.code=plan_finding.area), facility_name=coalesce((SELECT n.name FROM "
             "plan_eval_name n WHERE n.eval_id=plan_finding.eval_id AND n.kind='facility' AND "
             "n.code=plan_finding.facility), '') WHERE eval_id=%lld", id);
    assert_int_equal(hss_store_exec(st, sql, &err), HSS_OK);
    assert_int_equal(hss_store_exec(st, "DROP TABLE plan_eval_name; CREATE INDEX plan_finding_county ON "
                                        "plan_finding(county, eval_id); UPDATE hss_schema_version SET version=2 "
                                        "WHERE module='plan'", &err), HSS_OK);
    hss_store_close(st);
    st = hss_store_open_existing(db, &err); /* migrates to v3 */
    assert_non_null(st);
    assert_int_equal(hss_store_schema_version(st, "plan"), 3);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM plan_eval_name WHERE eval_id=%lld AND kind='facility'", id);
    assert_true(hss_test_query_int(st, sql) > 0);
    assert_snapshot_is_live(st, "lishui", id);
    hss_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(save_change_save_compare),
        cmocka_unit_test(change_rules),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(snapshot_equals_live),
        cmocka_unit_test(names_once_per_snapshot),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
