/* test_tasks.c: plan tasks in a pack (`tasks:` beside `rules:`): a hand-made task list loads
 * with its lead and responsible units, each kind of bad task is refused naming its line, task
 * ids are unique across `extends`, and quotes are verified verbatim against the seeds. */
#include "testutil.h"

#include "policy/policy.h"

static const char HEAD[] = "pack: t\ntitle: {zh: 测, en: t}\nyear: 2025\n"
                           "documents:\n  - file: 001_9eca0ffaebb7c8a5.txt\nrules: []\ntasks:\n";

/* The first task starts on line 8 of HEAD + this. */
static const char GOOD_TASKS[] =
    "  - id: t.001.psych\n"                                              /* 8 */
    "    document: 001_9eca0ffaebb7c8a5.txt\n"                          /* 9 */
    "    quote: \"按照4名/10万人配置精神科医师数\"\n"                    /* 10 */
    "    title: {zh: 精神科医师配置, en: Psychiatrists}\n"               /* 11 */
    "    target: {zh: 每10万人4名, en: 4 per 100k}\n"                    /* 12 */
    "    value: 4\n"                                                    /* 13 */
    "    unit: {zh: 名/10万人, en: per 100k}\n"                         /* 14 */
    "    year: 2025\n"                                                  /* 15 */
    "    lead: 市卫生健康委\n"                                           /* 16 */
    "    units: [市卫生健康委, 市财政局, 市人力社保局]\n"                 /* 17 */
    "    area: each_county\n"                                           /* 18 */
    "  - id: t.001.ambulance\n"                                         /* 19 */
    "    document: 001_9eca0ffaebb7c8a5.txt\n"
    "    quote: \"按照每3万人口1辆的标准配备救护车\"\n"
    "    title: {zh: 救护车, en: Ambulances}\n"
    "    target: {zh: 每3万人1辆, en: 1 per 30k}\n"
    "    lead: 市卫生健康委\n"
    "    units: []\n"
    "    area: \"331100\"\n"
    "  - id: t.001.city\n"
    "    document: 001_9eca0ffaebb7c8a5.txt\n"
    "    quote: \"以县域为单位\"\n"
    "    title: {zh: 县域, en: Counties}\n"
    "    target: {zh: 以县域为单位, en: by county}\n"
    "    year: 2026\n"
    "    lead: 市卫生健康委\n"
    "    units: [市卫生健康委]\n"
    "    area: city\n";

static char *dir;

static int setup(void **state)
{
    (void)state;
    dir = hss_test_tmpdir();
    unsetenv("HSS_SEEDS_DIR");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(dir);
    return 0;
}

static char *write_pack(const char *name, const char *from, const char *to)
{
    hss_buf text;
    hss_buf_init(&text);
    hss_buf_puts(&text, HEAD);
    const char *p = strstr(GOOD_TASKS, from);
    if (!p)
        fail_msg("'%s' is not in the test pack", from);
    hss_buf_append(&text, GOOD_TASKS, (size_t)(p - GOOD_TASKS));
    hss_buf_puts(&text, to);
    hss_buf_puts(&text, p + strlen(from));
    char *path = hss_test_write(dir, name, text.data);
    hss_buf_free(&text);
    return path;
}

static void task_list_loads_with_units(void **state)
{
    (void)state;
    char *path = write_pack("good.yaml", "area: each_county", "area: each_county");
    hss_error err;
    hss_policy_pack *p = hss_policy_load(path, &err);
    if (!p)
        fail_msg("%s", err.msg);
    size_t n;
    const hss_policy_task *t = hss_policy_tasks(p, &n);
    assert_int_equal(n, 3);
    assert_string_equal(t[0].id, "t.001.psych");
    assert_string_equal(t[0].document, "001_9eca0ffaebb7c8a5.txt");
    assert_string_equal(t[0].quote, "按照4名/10万人配置精神科医师数");
    assert_string_equal(t[0].title_zh, "精神科医师配置");
    assert_string_equal(t[0].target_en, "4 per 100k");
    assert_true(t[0].has_value);
    assert_true(t[0].value == 4);
    assert_string_equal(t[0].unit_zh, "名/10万人");
    assert_int_equal(t[0].year, 2025);
    assert_string_equal(t[0].lead, "市卫生健康委");
    assert_int_equal(t[0].nunits, 3);
    assert_string_equal(t[0].units[1], "市财政局");
    assert_string_equal(t[0].units[2], "市人力社保局");
    assert_string_equal(t[0].area, "each_county");
    assert_string_equal(t[0].pack, "t");
    assert_int_equal(t[0].line, 8);
    /* The second: no value, the pack's year, no units besides the lead, one named county. */
    assert_false(t[1].has_value);
    assert_null(t[1].unit_zh);
    assert_int_equal(t[1].year, 2025);
    assert_int_equal(t[1].nunits, 0);
    assert_string_equal(t[1].area, "331100");
    assert_int_equal(t[2].year, 2026);
    assert_string_equal(t[2].area, "city");
    hss_policy_free(p);
    /* Checked against the seeds: valid, no warning. */
    hss_buf out;
    hss_buf_init(&out);
    int warnings = -1;
    assert_int_equal(hss_policy_check(path, "tests/data/policy/seeds", &out, &warnings), 0);
    assert_int_equal(warnings, 0);
    hss_buf_free(&out);
    free(path);
}

/* Replaces `from` by `to` and expects `message` from the checker; the loader refuses it too
 * unless it is a quote error (loading for evaluation does not read the seed documents). */
static void expect_error(const char *from, const char *to, const char *message)
{
    char *path = write_pack("bad.yaml", from, to);
    hss_buf out;
    hss_buf_init(&out);
    int errors = hss_policy_check(path, "tests/data/policy/seeds", &out, NULL);
    if (errors == 0 || !strstr(out.data, message))
        fail_msg("replacing '%s' by '%s': expected '%s', got:\n%s", from, to, message,
                 out.data ? out.data : "");
    hss_buf_free(&out);
    hss_error err;
    hss_policy_pack *p = hss_policy_load(path, &err);
    hss_policy_free(p);
    if (p && !strstr(message, "quote not found"))
        fail_msg("replacing '%s' by '%s': the pack loaded", from, to);
    free(path);
}

static void bad_tasks_are_refused_with_their_line(void **state)
{
    (void)state;
    expect_error("    year: 2025\n", "    yaer: 2025\n",
                 "bad.yaml:15: error: task 't.001.psych': unknown key 'yaer' (did you mean 'year'?)");
    expect_error("    lead: 市卫生健康委\n    units: [市卫生健康委, 市财政局, 市人力社保局]\n", "",
                 "bad.yaml:8: error: task 't.001.psych': missing 'lead'");
    expect_error("    units: [市卫生健康委, 市财政局, 市人力社保局]\n", "",
                 "bad.yaml:8: error: task 't.001.psych': missing 'units'");
    expect_error("[市卫生健康委, 市财政局, 市人力社保局]", "市财政局",
                 "bad.yaml:17: error: task 't.001.psych': units must be a list");
    expect_error("[市卫生健康委, 市财政局, 市人力社保局]", "[市财政局, 市财政局]",
                 "bad.yaml:17: error: task 't.001.psych': units: '市财政局' listed twice");
    expect_error("area: each_county", "area: county",
                 "bad.yaml:18: error: task 't.001.psych': area 'county' must be city, "
                 "each_county or a 6-digit area code");
    expect_error("    document: 001_9eca0ffaebb7c8a5.txt\n    quote: \"按照4名",
                 "    document: 002_4092fd220eb2a16c.txt\n    quote: \"按照4名",
                 "bad.yaml:9: error: task 't.001.psych': document 002_4092fd220eb2a16c.txt is "
                 "not listed under documents");
    expect_error("按照4名/10万人配置精神科医师数", "按照5名/10万人配置精神科医师数",
                 "bad.yaml:10: error: quote not found verbatim in 001_9eca0ffaebb7c8a5.txt");
    expect_error("    quote: \"按照4名/10万人配置精神科医师数\"\n", "",
                 "bad.yaml:8: error: task 't.001.psych': missing 'quote'");
    expect_error("{zh: 每10万人4名, en: 4 per 100k}", "{zh: 每10万人4名}",
                 "bad.yaml:12: error: task 't.001.psych' target: missing 'en'");
    expect_error("    title: {zh: 精神科医师配置, en: Psychiatrists}\n", "",
                 "bad.yaml:8: error: task 't.001.psych': missing 'title'");
    expect_error("value: 4", "value: four",
                 "bad.yaml:13: error: task 't.001.psych': value must be a number");
    expect_error("    value: 4\n", "",
                 "bad.yaml:13: error: task 't.001.psych': 'unit' goes with a numeric 'value'");
    expect_error("year: 2025\n    lead", "year: 20x5\n    lead",
                 "bad.yaml:15: error: task 't.001.psych': bad year '20x5'");
    expect_error("id: t.001.ambulance", "id: t.001.psych",
                 "bad.yaml:19: error: duplicate task id 't.001.psych' (first at line 8)");
    expect_error("id: t.001.psych", "id: T.001",
                 "bad.yaml:8: error: task 'T.001': id may hold only a-z 0-9 _ . -");
    expect_error("  - id: t.001.psych\n", "  - just text\n  - id: t.001.psych\n",
                 "bad.yaml:8: error: a task must be a map");
}

static void tasks_must_be_a_list(void **state)
{
    (void)state;
    char *path = hss_test_write(dir, "notlist.yaml",
                                "pack: t\ntitle: {zh: 测, en: t}\nyear: 2025\nrules: []\n"
                                "tasks: {id: x}\n");
    hss_buf out;
    hss_buf_init(&out);
    assert_true(hss_policy_check(path, NULL, &out, NULL) > 0);
    assert_non_null(strstr(out.data, "notlist.yaml:5: error: tasks must be a list"));
    hss_buf_free(&out);
    free(path);
}

/* A child pack may cite its parent's documents; a task id may not repeat across the chain. */
static void tasks_across_extends(void **state)
{
    (void)state;
    char *base = write_pack("tbase.yaml", "area: city", "area: city");
    const char *child_tasks =
        "pack: c\ntitle: {zh: 子, en: child}\nextends: tbase\nrules: []\ntasks:\n"
        "  - id: %s\n    document: 001_9eca0ffaebb7c8a5.txt\n"
        "    quote: \"按照4名/10万人配置精神科医师数\"\n"
        "    title: {zh: 子任务, en: child task}\n    target: {zh: 完成, en: done}\n"
        "    lead: 莲都区卫健局\n    units: [莲都区卫健局]\n    area: city\n";
    hss_buf t;
    hss_buf_init(&t);
    hss_buf_printf(&t, child_tasks, "t.child.one");
    char *child = hss_test_write(dir, "tchild.yaml", t.data);
    hss_error err;
    hss_policy_pack *p = hss_policy_load(child, &err);
    if (!p)
        fail_msg("%s", err.msg);
    size_t n;
    const hss_policy_task *tk = hss_policy_tasks(p, &n);
    assert_int_equal(n, 4);
    assert_string_equal(tk[0].pack, "t"); /* the parent's first */
    assert_string_equal(tk[3].id, "t.child.one");
    assert_string_equal(tk[3].pack, "c");
    assert_int_equal(tk[3].year, 2025); /* the parent's year */
    hss_policy_free(p);
    hss_buf out;
    hss_buf_init(&out);
    assert_int_equal(hss_policy_check(child, NULL, &out, NULL), 0);
    hss_buf_free(&out);
    free(child);

    hss_buf_reset(&t);
    hss_buf_printf(&t, child_tasks, "t.001.psych");
    child = hss_test_write(dir, "tchild2.yaml", t.data);
    hss_buf_free(&t);
    assert_null(hss_policy_load(child, &err));
    assert_non_null(strstr(err.msg, "tchild2.yaml:6: task id 't.001.psych' is already a task of "
                                    "pack 't'"));
    hss_buf_init(&out);
    assert_true(hss_policy_check(child, NULL, &out, NULL) > 0);
    assert_non_null(strstr(out.data, "already a task of pack 't'"));
    hss_buf_free(&out);
    free(child);
    free(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(task_list_loads_with_units),
        cmocka_unit_test(bad_tasks_are_refused_with_their_line),
        cmocka_unit_test(tasks_must_be_a_list),
        cmocka_unit_test(tasks_across_extends),
    };
    return cmocka_run_group_tests_name("policy/tasks", tests, setup, teardown);
}
