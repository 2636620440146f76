/* test_rect.c: 整改 items and the monthly bulletin through the real `hss` binary. A failed
 * finding of a saved evaluation becomes an item for a unit with a deadline (not a passing one);
 * the item closes itself when a later saved evaluation passes that rule and area. The bulletin
 * ranks the counties on generated monthly data, lists overdue tasks and open items, shows the
 * change of rank against the previous bulletin, and is one self-contained Chinese HTML file. */
#include "plan_fixture.h"

static char *dir, *db, *pack;

static const char TASKS[] =
    "tasks:\n"
    "  - id: t.901.city\n    document: 901_test.txt\n    quote: \"全市统筹建设\"\n"
    "    title: {zh: 全市统筹建设任务, en: city-wide}\n    target: {zh: 建成, en: built}\n"
    "    year: 2024\n    lead: 市卫生健康委\n    units: [市财政局]\n    area: city\n";

static int setup(void **state)
{
    (void)state;
    dir = hss_test_tmpdir();
    db = fixture_db(dir);
    char *text = hss_xmalloc(sizeof PLAN_PACK + sizeof TASKS);
    snprintf(text, sizeof PLAN_PACK + sizeof TASKS, "%s%s", PLAN_PACK, TASKS);
    pack = hss_test_write(dir, "plantest.yaml", text);
    free(text);
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

static long long save(void)
{
    char *out;
    if (plan_run(&out, "evaluate --db %s --policy %s --save", db, pack) != 0)
        fail_msg("save: %s", out);
    long long id = plan_last_line_id(out);
    free(out);
    return id;
}

static void rectification_closes_itself(void **state)
{
    (void)state;
    long long e1 = save();
    char *out;
    /* 甲区 fails the ambulance rule: an item for its health bureau */
    assert_int_equal(plan_run(&out, "rectify add --db %s --eval %lld --rule amb --area 331102 --unit 甲区卫健局 "
                                    "--deadline 2099-06-30 --note 补足救护车", db, e1), 0);
    long long item = plan_last_line_id(out);
    free(out);
    assert_true(item > 0);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM audit WHERE action='rectification_add'"), 1);
    /* 戊县 passes: nothing to rectify; an unknown finding; a past deadline */
    assert_int_equal(plan_run(&out, "rectify add --db %s --eval %lld --rule amb --area 331124 --unit 戊县卫健局 "
                                    "--deadline 2099-06-30", db, e1), 1);
    assert_non_null(strstr(out, "only a failed finding"));
    free(out);
    assert_int_equal(plan_run(&out, "rectify add --db %s --eval %lld --rule nosuch --area 331102 --unit x "
                                    "--deadline 2099-06-30", db, e1), 1);
    assert_non_null(strstr(out, "has no finding"));
    free(out);
    assert_int_equal(plan_run(&out, "rectify add --db %s --eval %lld --rule amb --area 331102 --unit x "
                                    "--deadline 2001-01-01", db, e1), 1);
    free(out);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_rectification"), 1);

    assert_int_equal(plan_run(&out, "rectify list --db %s --status open --format json", db), 0);
    cJSON *a = cJSON_Parse(out);
    free(out);
    assert_int_equal(cJSON_GetArraySize(a), 1);
    cJSON *it = cJSON_GetArrayItem(a, 0);
    assert_string_equal(cJSON_GetObjectItem(it, "unit")->valuestring, "甲区卫健局");
    assert_string_equal(cJSON_GetObjectItem(it, "area_name")->valuestring, "甲区");
    assert_string_equal(cJSON_GetObjectItem(it, "gap_text")->valuestring, "需增加 6 辆救护车");
    cJSON_Delete(a);

    /* a later evaluation in which 甲区 still fails leaves the item open */
    plan_sql(db, "UPDATE vehicle SET count=4 WHERE facility_code='F7' AND kind='ambulance';");
    long long e2 = save();
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_rectification WHERE status='open'"), 1);
    /* 甲区 now has 10 ambulances: the next saved evaluation closes the item */
    plan_sql(db, "UPDATE vehicle SET count=8 WHERE facility_code='F7' AND kind='ambulance';");
    long long e3 = save();
    assert_true(e3 > e2);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM plan_rectification WHERE id=%lld AND status='closed' AND closed_eval=%lld",
             item, e3);
    assert_int_equal(db_query_int(db, sql), 1);
    assert_int_equal(plan_run(&out, "rectify list --db %s --status open --format csv", db), 0);
    assert_true(strchr(out, '\n') == out + strlen(out) - 1); /* the header only */
    free(out);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM audit WHERE action='evaluation_save' "
                                        "AND detail LIKE '%closed_rectifications=1'"), 1);
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static char *bulletin(const char *month)
{
    char path[1024], *out;
    snprintf(path, sizeof path, "%s/bulletin-%s.html", dir, month);
    if (plan_run(&out, "bulletin --db %s --month %s --output %s", db, month, path) != 0)
        fail_msg("bulletin: %s", out);
    free(out);
    hss_error err;
    size_t len;
    char *html = hss_read_file(path, &len, &err);
    assert_non_null(html);
    assert_true(hss_utf8_valid(html, len));
    return html;
}

static void monthly_bulletin(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(plan_run(&out, "data generate --db %s --seed 7", db), 0);
    free(out);
    assert_int_equal(plan_run(&out, "tasks load --db %s --policy %s", db, pack), 0);
    free(out);
    /* an open item, for the bulletin's list */
    long long e = save();
    plan_sql(db, "UPDATE vehicle SET count=0 WHERE facility_code='F8';");
    long long e2 = save();
    assert_true(e2 > e);
    assert_int_equal(plan_run(&out, "rectify add --db %s --eval %lld --rule amb --area 331124 --unit 戊县卫健局 "
                                    "--deadline 2099-06-30", db, e2), 0);
    free(out);

    /* a Liaocheng region: ranked on Liaocheng's indicator targets */
    plan_sql(db, "INSERT INTO hss_meta(key, value) VALUES('region', 'liaocheng') "
                 "ON CONFLICT(key) DO UPDATE SET value=excluded.value");
    char *first = bulletin("2025-11");
    assert_non_null(strstr(first, "目标值依据：聊城市规划标准"));
    assert_non_null(strstr(first, "此前没有通报"));
    free(first);
    char *html = bulletin("2025-12");
    assert_true(strncmp(html, "<!DOCTYPE html>\n<html lang=\"zh-CN\">", 35) == 0);
    assert_non_null(strstr(html, "<h1>测试市医疗卫生服务体系规划实施情况通报</h1>"));
    assert_non_null(strstr(html, "2025年12月"));
    assert_non_null(strstr(html, "排名变化与2025年11月通报相比"));
    assert_non_null(strstr(html, "演示用生成数据"));
    /* every county with data is ranked, and each has a change against November */
    assert_non_null(strstr(html, "<td>甲区</td>"));
    assert_non_null(strstr(html, "<td>戊县</td>"));
    assert_true(count(html, "持平") + count(html, "上升") + count(html, "下降") >= 2);
    assert_non_null(strstr(html, "<tr><td class=\"n\">1</td>"));
    /* the overdue task (year 2024) and the open item */
    assert_non_null(strstr(html, "全市统筹建设任务"));
    assert_non_null(strstr(html, "戊县卫健局"));
    /* self-contained */
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "http://"));
    assert_null(strstr(html, "https://"));
    assert_null(strstr(html, "<link"));
    assert_int_equal(count(html, "<table>"), count(html, "</table>"));
    assert_int_equal(count(html, "<tr>"), count(html, "</tr>"));
    free(html);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM plan_bulletin"), 2);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM audit WHERE action='bulletin'"), 2);
    /* a Yiwu region is ranked on Yiwu's own targets, never Liaocheng's */
    plan_sql(db, "UPDATE hss_meta SET value='yiwu' WHERE key='region'");
    html = bulletin("2026-01");
    assert_non_null(strstr(html, "目标值依据：义乌市规划标准"));
    assert_null(strstr(html, "聊城"));
    free(html);
    /* Lishui's plan sets no monthly indicator target: nothing is ranked, and the bulletin says so */
    plan_sql(db, "UPDATE hss_meta SET value='lishui' WHERE key='region'");
    html = bulletin("2026-02");
    assert_non_null(strstr(html, "目标值依据：丽水市规划标准"));
    assert_non_null(strstr(html, "本地区规划未对月度监测指标设定目标值，本期不排名"));
    assert_null(strstr(html, "聊城"));
    assert_null(strstr(html, "<tr><td class=\"n\">1</td>")); /* no county ranked first */
    free(html);
    assert_int_equal(plan_run(&out, "bulletin --db %s --month 2025-13", db), 1);
    assert_non_null(strstr(out, "must be a month YYYY-MM"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rectification_closes_itself),
        cmocka_unit_test(monthly_bulletin),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
