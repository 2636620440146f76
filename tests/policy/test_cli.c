/* test_cli.c: the real `hss` binary: `hss evaluate` in every format (JSON parses and carries
 * source {document, quote}; HTML is one self-contained, well-formed-enough file), `hss policy
 * check|coverage|measures`, pack lookup by name, and bad input. */
#include "testutil.h"

#include <cjson/cJSON.h>

#include "fixture.h"
#include "policy/policy.h"

static char *dir, *db, *pack;

static const char PACK[] =
    "pack: clitest\ntitle: {zh: 测试, en: test}\nyear: 2025\n"
    "documents:\n  - file: 901_test.txt\n    title: 测试文件\n"
    "    not_encoded:\n      - {quote: 未编码原文, reason: 测试}\n"
    "rules:\n"
    "  - id: amb\n    title: {zh: 救护车 <&>, en: ambulances}\n"
    "    source: {document: 901_test.txt, quote: \"每3万人口1辆 <b>\"}\n    year: 2025\n"
    "    scope: {level: county}\n    measure: ambulance_count\n"
    "    params: {per: 30000, base_multiplier: 3}\n    comparator: \">=\"\n"
    "    unit: {zh: 辆, en: ambulances}\n"
    "    gap: {zh: \"需增加 {need} 辆救护车\", en: \"needs {need} more ambulances\"}\n"
    "  - id: resp\n    title: {zh: 反应时间, en: response}\n"
    "    source: {document: 901_test.txt, quote: 少于11分钟}\n    year: 2025\n"
    "    scope: {level: county}\n    measure: emergency_response_hours\n"
    "    comparator: \"<\"\n    target: 11\n    unit: {zh: 分钟, en: min}\n"
    "    gap: {zh: \"需缩短 {gap} 分钟\", en: \"{gap} min too slow\"}\n"
    "tasks:\n"
    "  - id: t.train\n    document: 901_test.txt\n    quote: 培训原文\n"
    "    title: {zh: 培训, en: training}\n    target: {zh: 完成培训, en: trained}\n"
    "    lead: 市卫生健康委\n    units: [市卫生健康委, 市财政局]\n    area: city\n";

static int setup(void **state)
{
    (void)state;
    dir = hss_test_tmpdir();
    db = fixture_db(dir);
    pack = hss_test_write(dir, "clitest.yaml", PACK);
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

static int run(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int run(char **out, const char *fmt, ...)
{
    char args[2048], cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", hss_test_bin(), args);
    return hss_test_run(cmd, out);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* `--format json`: every standard as one item {kind, id, document, quote, reason}. */
static void coverage_json_lists_every_standard(void)
{
    char *out;
    assert_int_equal(run(&out, "policy coverage %s --format json", pack), 0);
    cJSON *root = cJSON_Parse(out);
    if (!cJSON_IsArray(root))
        fail_msg("not a JSON array: %s", out);
    assert_int_equal(cJSON_GetArraySize(root), 4);
    int kinds[3] = {0, 0, 0};
    const cJSON *it;
    cJSON_ArrayForEach(it, root) {
        const char *kind = cJSON_GetObjectItem(it, "kind")->valuestring;
        kinds[0] += !strcmp(kind, "rule");
        kinds[1] += !strcmp(kind, "task");
        kinds[2] += !strcmp(kind, "not_encoded");
        assert_string_equal(cJSON_GetObjectItem(it, "document")->valuestring, "901_test.txt");
        assert_true(cJSON_IsString(cJSON_GetObjectItem(it, "quote")));
        assert_non_null(cJSON_GetObjectItem(it, "id"));
        assert_non_null(cJSON_GetObjectItem(it, "reason"));
        assert_non_null(cJSON_GetObjectItem(it, "reason_zh"));
        if (!strcmp(kind, "task")) {
            assert_string_equal(cJSON_GetObjectItem(it, "id")->valuestring, "t.train");
            assert_string_equal(cJSON_GetObjectItem(it, "quote")->valuestring, "培训原文");
        }
    }
    assert_int_equal(kinds[0], 2);
    assert_int_equal(kinds[1], 1);
    assert_int_equal(kinds[2], 1);
    cJSON_Delete(root);
    free(out);
}

static void evaluate_json(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(run(&out, "evaluate --db %s --policy %s --format json", db, pack), 0);
    cJSON *root = cJSON_Parse(out);
    if (!root)
        fail_msg("not JSON: %.300s", out);
    assert_string_equal(cJSON_GetObjectItem(root, "pack")->valuestring, "clitest");
    assert_string_equal(cJSON_GetObjectItem(root, "region")->valuestring, "测试市");
    cJSON *findings = cJSON_GetObjectItem(root, "findings");
    assert_true(cJSON_GetArraySize(findings) == 10); /* 2 rules x 5 counties */
    int seen = 0;
    cJSON *f;
    cJSON_ArrayForEach(f, findings)
    {
        cJSON *src = cJSON_GetObjectItem(f, "source");
        assert_non_null(src);
        assert_string_equal(cJSON_GetObjectItem(src, "document")->valuestring, "901_test.txt");
        if (!strcmp(cJSON_GetObjectItem(f, "rule")->valuestring, "amb") &&
            !strcmp(cJSON_GetObjectItem(f, "area")->valuestring, "331102")) {
            seen = 1;
            assert_string_equal(cJSON_GetObjectItem(f, "status")->valuestring, "fail");
            assert_true(cJSON_GetObjectItem(f, "observed")->valuedouble == 4);
            assert_true(cJSON_GetObjectItem(f, "target")->valuedouble == 10);
            assert_true(cJSON_GetObjectItem(f, "gap")->valuedouble == 6);
            assert_string_equal(cJSON_GetObjectItem(f, "unit")->valuestring, "辆");
            assert_string_equal(cJSON_GetObjectItem(f, "gap_text")->valuestring, "需增加 6 辆救护车");
        }
        if (!strcmp(cJSON_GetObjectItem(f, "rule")->valuestring, "resp")) {
            assert_string_equal(cJSON_GetObjectItem(f, "status")->valuestring, "unknown");
            assert_true(cJSON_IsNull(cJSON_GetObjectItem(f, "observed")));
        }
    }
    assert_true(seen);
    cJSON *tot = cJSON_GetObjectItem(root, "totals");
    assert_true(cJSON_GetObjectItem(tot, "pass")->valuedouble == 1);  /* 戊县 */
    assert_true(cJSON_GetObjectItem(tot, "fail")->valuedouble == 1);  /* 甲区 */
    assert_true(cJSON_GetObjectItem(tot, "unknown")->valuedouble == 8);
    assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(root, "summary")) == 6); /* 5 + total */
    cJSON_Delete(root);
    free(out);
}

static void evaluate_csv_and_table(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(run(&out, "evaluate --db %s --policy %s --format csv", db, pack), 0);
    assert_true(strncmp(out, "rule,pack,overrides,title,title_en,measure,area,", 48) == 0);
    assert_int_equal(count(out, "\n"), 11);
    assert_non_null(strstr(out, ",901_test.txt,每3万人口1辆 <b>,测试文件,救护车数量\n"));
    free(out);
    assert_int_equal(run(&out, "evaluate --db %s --policy %s --format csv --summary", db, pack), 0);
    assert_true(strncmp(out, "area,area_name,level,pass,fail,unknown,total\n", 45) == 0);
    assert_non_null(strstr(out, "331102,甲区,县(市、区),0,1,1,2"));
    free(out);
    assert_int_equal(run(&out, "evaluate --db %s --policy %s --under 331124", db, pack), 0);
    assert_non_null(strstr(out, "戊县"));
    assert_null(strstr(out, "甲区"));
    assert_non_null(strstr(out, "clitest 2025: 1 pass, 0 fail, 1 unknown"));
    free(out);
}

static void evaluate_html(void **state)
{
    (void)state;
    char path[1024], *out;
    snprintf(path, sizeof path, "%s/report.html", dir);
    assert_int_equal(run(&out, "evaluate --db %s --policy %s --format html --output %s", db, pack, path), 0);
    free(out);
    size_t len;
    hss_error err;
    char *html = hss_read_file(path, &len, &err);
    assert_non_null(html);
    assert_true(strncmp(html, "<!DOCTYPE html>\n<html lang=\"zh-CN\">", 35) == 0);
    assert_non_null(strstr(html, "<meta charset=\"utf-8\">"));
    assert_non_null(strstr(html, "</html>\n"));
    assert_non_null(strstr(html, "<h1>测试市 医疗卫生服务体系规划标准评估报告</h1>"));
    assert_non_null(strstr(html, "政策包：测试（clitest）"));
    assert_non_null(strstr(html, "需增加 6 辆救护车"));
    assert_non_null(strstr(html, "《测试文件》 901_test.txt"));
    assert_non_null(strstr(html, "（按各区域人口分别计算）"));
    assert_non_null(strstr(html, "需要道路通行时间数据：本版本尚未计算"));
    /* Self-contained: no scripts, stylesheets, images or fonts from elsewhere. */
    assert_null(strstr(html, "http://"));
    assert_null(strstr(html, "https://"));
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<link"));
    assert_null(strstr(html, "src="));
    assert_int_equal(count(html, "<style>"), 1);
    /* Balanced structure and escaped text from the pack. */
    assert_int_equal(count(html, "<table"), count(html, "</table>"));
    assert_int_equal(count(html, "<tr>"), count(html, "</tr>"));
    assert_int_equal(count(html, "<details>"), count(html, "</details>"));
    assert_int_equal(count(html, "<h3>"), count(html, "</h3>"));
    assert_non_null(strstr(html, "救护车 &lt;&amp;&gt;"));
    assert_non_null(strstr(html, "每3万人口1辆 &lt;b&gt;"));
    assert_null(strstr(html, "<b>"));
    assert_true(hss_utf8_valid(html, len));
    free(html);
}

static void evaluate_bad_input(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(run(&out, "evaluate --db %s --policy %s --format xml", db, pack), 2);
    assert_non_null(strstr(out, "--format must be table, csv, json or html"));
    free(out);
    assert_int_equal(run(&out, "evaluate --policy %s", pack), 1);
    assert_non_null(strstr(out, "--db FILE is required"));
    free(out);
    assert_int_equal(run(&out, "evaluate --db %s/none.db --policy %s", dir, pack), 1);
    assert_non_null(strstr(out, "no such database"));
    free(out);
    assert_int_equal(run(&out, "evaluate --db %s --policy nosuchpack", db), 1);
    assert_non_null(strstr(out, "policy pack 'nosuchpack' not found"));
    free(out);
    assert_int_equal(run(&out, "evaluate --db %s --policy %s --year 1800", db, pack), 2);
    free(out);
    assert_int_equal(run(&out, "evaluate --db %s --policy %s --under 123", db, pack), 1);
    assert_non_null(strstr(out, "--under 123: no such area"));
    free(out);
    assert_int_equal(run(&out, "evaluate --db %s", db), 2);
    free(out);
}

/* Evaluating reads only: the data version and the rows stay as they were. */
static void evaluate_changes_nothing(void **state)
{
    (void)state;
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    int64_t v0 = hss_store_data_version(st);
    long long f0 = hss_test_query_int(st, "SELECT count(*) FROM facility");
    hss_store_close(st);
    char *out;
    assert_int_equal(run(&out, "evaluate --db %s --policy %s --format json --summary", db, pack), 0);
    cJSON *arr = cJSON_Parse(out);
    assert_non_null(arr);
    assert_true(cJSON_IsArray(arr));
    assert_int_equal(cJSON_GetArraySize(arr), 6);
    cJSON_Delete(arr);
    free(out);
    st = hss_store_open_existing(db, &err);
    assert_int_equal(hss_store_data_version(st), v0);
    assert_int_equal(hss_test_query_int(st, "SELECT count(*) FROM facility"), f0);
    hss_store_close(st);
}

static void policy_commands(void **state)
{
    (void)state;
    char *out;
    assert_int_equal(run(&out, "policy check %s", pack), 0);
    assert_non_null(strstr(out, "ok (pack clitest, 2 rules and 1 tasks after extends"));
    free(out);
    char *bad = hss_test_write(dir, "bad.yaml", "pack: b\ntitle: {zh: b, en: b}\nrules:\n"
                                                "  - id: x\n    measure: nurse_per_bed\n");
    assert_int_equal(run(&out, "policy check %s", bad), 1);
    assert_non_null(strstr(out, "bad.yaml:5: error: rule 'x': unknown measure 'nurse_per_bed'"));
    assert_non_null(strstr(out, "bad.yaml:4: error: rule 'x': missing citation 'source'"));
    assert_non_null(strstr(out, "error"));
    free(out);
    free(bad);
    assert_int_equal(run(&out, "policy coverage %s", pack), 0);
    assert_non_null(strstr(out, "901_test.txt"));
    free(out);
    /* the reasons in Chinese by default, in English with --lang en */
    assert_int_equal(run(&out, "policy coverage %s --format csv", pack), 0);
    assert_non_null(strstr(out, ",unknown_reasons_zh\n"));
    assert_non_null(strstr(out, "clitest,901_test.txt,测试文件,1,1,1,1,需要道路通行时间数据\n"));
    assert_null(strstr(out, "needs"));
    free(out);
    assert_int_equal(run(&out, "policy coverage %s", pack), 0);
    assert_non_null(strstr(out, "无法判断原因"));
    assert_non_null(strstr(out, "需要道路通行时间数据"));
    assert_null(strstr(out, "needs"));
    free(out);
    assert_int_equal(run(&out, "policy coverage %s --lang en --format csv", pack), 0);
    assert_non_null(strstr(out, "clitest,901_test.txt,测试文件,1,1,1,1,needs road travel times\n"));
    free(out);
    assert_int_equal(run(&out, "policy coverage %s --lang fr", pack), 2);
    free(out);
    assert_int_equal(run(&out, "policy coverage %s --detail --format csv", pack), 0);
    assert_non_null(strstr(out, "kind,id,document,quote,reason,status,pack,measure,reason_zh\n"));
    assert_non_null(strstr(out, "rule,amb,901_test.txt,每3万人口1辆 <b>,,checkable,clitest,ambulance_count,\n"));
    assert_non_null(strstr(out, "rule,resp,901_test.txt,少于11分钟,needs road travel times,unknown,clitest,"
                                "emergency_response_hours,需要道路通行时间数据\n"));
    assert_non_null(strstr(out, "task,t.train,901_test.txt,培训原文,stored data cannot show it: a plan "
                                "task led by 市卫生健康委,task,clitest,,存储的数据无法检查：列为规划任务，"
                                "由市卫生健康委牵头\n"));
    /* a not_encoded entry without reason_zh gives its one reason in both */
    assert_non_null(strstr(out, "not_encoded,,901_test.txt,未编码原文,测试,not_encoded,clitest,,测试\n"));
    free(out);
    coverage_json_lists_every_standard();
    assert_int_equal(run(&out, "policy measures --format csv"), 0);
    assert_non_null(strstr(out, "ambulance_count,area,yes"));
    assert_non_null(strstr(out, "in_county_treatment_rate,area,yes"));
    assert_non_null(strstr(out, "average_length_of_stay,either,unknown"));
    free(out);
    assert_int_equal(run(&out, "policy frobnicate"), 2);
    free(out);
}

static void packs_found_by_name(void **state)
{
    (void)state;
    char *out;
    /* $HSS_POLICY_DIR */
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "HSS_POLICY_DIR=%s %s evaluate --db %s --policy clitest --format csv 2>&1",
             dir, hss_test_bin(), db);
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "amb,clitest"));
    free(out);
    /* next to the binary (../policy from build/hss), from any directory */
    snprintf(cmd, sizeof cmd, "cd %s && %s policy coverage lishui 2>&1", dir, hss_test_bin());
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, "001_9eca0ffaebb7c8a5.txt"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(evaluate_json),
        cmocka_unit_test(evaluate_csv_and_table),
        cmocka_unit_test(evaluate_html),
        cmocka_unit_test(evaluate_bad_input),
        cmocka_unit_test(evaluate_changes_nothing),
        cmocka_unit_test(policy_commands),
        cmocka_unit_test(packs_found_by_name),
    };
    return cmocka_run_group_tests_name("policy/cli", tests, setup, teardown);
}
