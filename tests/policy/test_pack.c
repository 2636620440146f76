/* test_pack.c: pack validation (every error names file:line and the reason), quote
 * verification against seed documents, extends/override naming the winning rule, and the
 * packs shipped in policy/. */
#include "testutil.h"

#include <unistd.h>

#include "fixture.h"
#include "policy/policy.h"

static const char HEAD[] = "pack: t\ntitle: {zh: 测, en: t}\nyear: 2025\n"
                           "documents:\n  - file: 001_9eca0ffaebb7c8a5.txt\nrules:\n";

/* A valid rule at a known position: the rule starts on line 7 of HEAD + this. */
static const char GOOD_RULE[] =
    "  - id: psych\n"                                                   /* 7 */
    "    title: {zh: 精神科医师, en: psychiatrists}\n"                   /* 8 */
    "    source:\n"                                                     /* 9 */
    "      document: 001_9eca0ffaebb7c8a5.txt\n"                        /* 10 */
    "      quote: \"按照4名/10万人配置精神科医师数\"\n"                  /* 11 */
    "    year: 2025\n"                                                  /* 12 */
    "    scope: {level: county}\n"                                      /* 13 */
    "    measure: psychiatrists_per_100k\n"                             /* 14 */
    "    comparator: \">=\"\n"                                          /* 15 */
    "    target: 4\n"                                                   /* 16 */
    "    unit: {zh: 名/10万人, en: per 100k}\n"                         /* 17 */
    "    gap: {zh: \"需增加 {need} 名\", en: \"needs {need} more\"}\n"; /* 18 */

static char *dir;
static char *seeds_env; /* HSS_SEEDS_DIR as given; unset for the other tests */

static int setup(void **state)
{
    (void)state;
    dir = hss_test_tmpdir();
    const char *e = getenv("HSS_SEEDS_DIR");
    seeds_env = e && *e ? hss_xstrdup(e) : NULL;
    unsetenv("HSS_SEEDS_DIR");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(dir);
    free(seeds_env);
    return 0;
}

/* Writes HEAD + GOOD_RULE with `from` replaced by `to`, checks it and returns the report. */
static char *check_variant(const char *from, const char *to, int *errors, const char *seeds)
{
    hss_buf text;
    hss_buf_init(&text);
    hss_buf_puts(&text, HEAD);
    const char *p = strstr(GOOD_RULE, from);
    assert_non_null(p);
    hss_buf_append(&text, GOOD_RULE, (size_t)(p - GOOD_RULE));
    hss_buf_puts(&text, to);
    hss_buf_puts(&text, p + strlen(from));
    char *path = hss_test_write(dir, "p.yaml", text.data);
    hss_buf_free(&text);
    hss_buf out;
    hss_buf_init(&out);
    int w;
    *errors = hss_policy_check(path, seeds, &out, &w);
    free(path);
    return hss_buf_steal(&out);
}

static void expect_error(const char *from, const char *to, const char *message)
{
    int errors;
    char *out = check_variant(from, to, &errors, NULL);
    if (errors == 0 || !strstr(out, message))
        fail_msg("replacing '%s' by '%s': expected '%s', got:\n%s", from, to, message, out);
    free(out);
}

static void good_pack_passes(void **state)
{
    (void)state;
    int errors;
    char *out = check_variant("target: 4", "target: 4", &errors, NULL);
    assert_int_equal(errors, 0);
    /* Without seed documents the quote cannot be verified: a warning, not an error. */
    assert_non_null(strstr(out, ":11: warning: quote not verified"));
    free(out);
}

static void errors_name_file_line_and_reason(void **state)
{
    (void)state;
    char line[64];
    snprintf(line, sizeof line, "p.yaml:14: error");
    expect_error("measure: psychiatrists_per_100k", "measure: psychiatrist_per_100k", line);
    expect_error("measure: psychiatrists_per_100k", "measure: psychiatrist_per_100k",
                 "unknown measure 'psychiatrist_per_100k' (did you mean 'psychiatrists_per_100k'?)");
    expect_error("comparator: \">=\"", "comparator: \"=>\"",
                 "p.yaml:15: error: rule 'psych': bad comparator '=>'");
    expect_error("    source:\n      document: 001_9eca0ffaebb7c8a5.txt\n"
                 "      quote: \"按照4名/10万人配置精神科医师数\"\n", "",
                 "p.yaml:7: error: rule 'psych': missing citation 'source'");
    expect_error("      quote: \"按照4名/10万人配置精神科医师数\"\n", "",
                 "missing 'quote'");
    expect_error("year: 2025", "year: 20x5", "p.yaml:12: error: rule 'psych': bad year '20x5'");
    expect_error("year: 2025", "year: 1999", "bad year '1999'");
    expect_error("target: 4", "target: four", "p.yaml:16: error: rule 'psych': target must be a number");
    expect_error("target: 4", "", "missing 'target'");
    expect_error("{level: county}", "{level: countie}", "p.yaml:13: error: rule 'psych': unknown level 'countie'");
    expect_error("{level: county}", "{level: county, types: [general_hosptal]}",
                 "did you mean 'general_hospital'");
    expect_error("    year: 2025\n", "    yaer: 2025\n",
                 "p.yaml:12: error: rule 'psych': unknown key 'yaer' (did you mean 'year'?)");
    expect_error("{need} 名", "{needed} 名", "unknown placeholder 'needed'");
    expect_error("    gap: {zh: \"需增加 {need} 名\", en: \"needs {need} more\"}\n",
                 "    gap: 需增加\n", "p.yaml:18: error: rule 'psych': 'gap' must be a map with zh and en");
    expect_error("{zh: 精神科医师, en: psychiatrists}", "{zh: 精神科医师}", "rule 'psych' title: missing 'en'");
    expect_error("    scope: {level: county}\n", "    scope: county\n", "scope must be a map");
    expect_error("    measure: psychiatrists_per_100k\n", "    measure: [a, b]\n", "'measure' must be a non-empty text");
    expect_error("    unit: {zh: 名/10万人, en: per 100k}\n", "", "missing 'unit'");
    expect_error("measure: psychiatrists_per_100k\n    comparator: \">=\"\n    target: 4\n",
                 "measure: ambulance_count\n    comparator: \">=\"\n    target: 4\n",
                 "computes its own target");
    expect_error("{level: county}", "{each: facility}", "cannot be evaluated per facility");
    expect_error("{level: county}", "{level: county, areas: [\"3311\"]}",
                 "p.yaml:13: error: rule 'psych': areas: '3311' is not an area code");
    expect_error("measure: psychiatrists_per_100k", "measure: service_share",
                 "measure service_share needs params: {service: ...}");
    expect_error("measure: psychiatrists_per_100k", "measure: grade_share",
                 "measure grade_share needs params: {grade_at_least: ...}");
    expect_error("    measure: psychiatrists_per_100k\n", "    measure: grade_share\n    params: {grade_at_least: 2C}\n",
                 "p.yaml:15: error: rule 'psych': unknown grade '2C'");
    expect_error("{level: county}", "{each: facility, types: [clinic], level: county}",
                 "'level' selects areas");
}

static void duplicate_ids_are_rejected(void **state)
{
    (void)state;
    hss_buf text;
    hss_buf_init(&text);
    hss_buf_puts(&text, HEAD);
    hss_buf_puts(&text, GOOD_RULE);
    hss_buf_puts(&text, GOOD_RULE); /* second copy starts on line 19 */
    char *path = hss_test_write(dir, "dup.yaml", text.data);
    hss_buf_free(&text);
    hss_buf out;
    hss_buf_init(&out);
    assert_true(hss_policy_check(path, NULL, &out, NULL) > 0);
    assert_non_null(strstr(out.data, "dup.yaml:19: error: duplicate rule id 'psych' (first at line 7)"));
    hss_buf_free(&out);
    /* Loading for evaluation refuses it too, naming the first error. */
    hss_error err;
    assert_null(hss_policy_load(path, &err));
    assert_non_null(strstr(err.msg, "dup.yaml:19: duplicate rule id"));
    free(path);
}

static void quotes_are_verified_against_seeds(void **state)
{
    (void)state;
    const char *seeds = "tests/data/policy/seeds";
    int errors;
    char *out = check_variant("target: 4", "target: 4", &errors, seeds);
    assert_int_equal(errors, 0);
    assert_null(strstr(out, "warning"));
    free(out);
    out = check_variant("按照4名/10万人配置精神科医师数", "按照5名/10万人配置精神科医师数", &errors, seeds);
    assert_int_equal(errors, 1);
    assert_non_null(strstr(out, "p.yaml:11: error: quote not found verbatim in 001_9eca0ffaebb7c8a5.txt"));
    free(out);
    /* A seed document missing from the directory: a warning only. */
    out = check_variant("document: 001_9eca0ffaebb7c8a5.txt", "document: 009_missing.txt", &errors, seeds);
    assert_int_equal(errors, 0);
    assert_non_null(strstr(out, "warning: quote not verified: seed document 009_missing.txt not available"));
    free(out);
}

static void yaml_syntax_errors_have_lines(void **state)
{
    (void)state;
    char *path = hss_test_write(dir, "bad.yaml", "pack: t\nrules: [\n");
    hss_buf out;
    hss_buf_init(&out);
    assert_true(hss_policy_check(path, NULL, &out, NULL) > 0);
    assert_non_null(strstr(out.data, "bad.yaml:"));
    assert_non_null(strstr(out.data, "YAML syntax error"));
    hss_buf_free(&out);
    free(path);
}

/* A parent pack with two rules and a child overriding one of them by id. */
static void extends_and_override_name_the_winner(void **state)
{
    (void)state;
    char *base = NULL, *child = NULL;
    hss_buf t;
    hss_buf_init(&t);
    const char *rule =
        "  - id: %s\n    title: {zh: 负压, en: np}\n"
        "    source: {document: %s, quote: \"%s\"}\n    year: 2025\n"
        "    scope: {level: county}\n    measure: negative_pressure_ambulance_share\n"
        "    comparator: \">=\"\n    target: %s\n    unit: {zh: 比例, en: share}\n"
        "    gap: {zh: \"需 {need} 辆\", en: \"{need} more\"}\n";
    hss_buf_puts(&t, "pack: base\ntitle: {zh: 基, en: base}\nyear: 2025\nrules:\n");
    hss_buf_printf(&t, rule, "np", "900_national.txt", "国家原文", "0.4");
    hss_buf_printf(&t, rule, "np_other", "900_national.txt", "国家原文二", "0.1");
    base = hss_test_write(dir, "base.yaml", t.data);
    hss_buf_reset(&t);
    hss_buf_puts(&t, "pack: child\ntitle: {zh: 子, en: child}\nextends: base\nrules:\n");
    hss_buf_printf(&t, rule, "np", "901_city.txt", "城市原文", "0.3");
    child = hss_test_write(dir, "child.yaml", t.data);
    hss_buf_free(&t);

    hss_error err;
    hss_policy_pack *p = hss_policy_load(child, &err);
    if (!p)
        fail_msg("%s", err.msg);
    assert_int_equal(hss_policy_rule_count(p), 2);
    assert_int_equal(hss_policy_year(p), 2025); /* inherited */

    char *db = fixture_db(dir);
    hss_store *st = hss_store_open_existing(db, &err);
    hss_policy_result *res;
    assert_int_equal(hss_policy_evaluate(st, p, 0, NULL, &res, &err), HSS_OK);
    const hss_table *f = res->findings;
    /* 戊县 has 1 of 4 negative-pressure: 0.25. The child's 0.3 wins over the parent's 0.4. */
    long r = fixture_row(f, "np", "331124");
    assert_string_equal(fixture_cell(f, r, "pack"), "child");
    assert_string_equal(fixture_cell(f, r, "overrides"), "base");
    assert_string_equal(fixture_cell(f, r, "target"), "0.3");
    assert_string_equal(fixture_cell(f, r, "document"), "901_city.txt");
    assert_string_equal(fixture_cell(f, r, "quote"), "城市原文");
    r = fixture_row(f, "np_other", "331124");
    assert_string_equal(fixture_cell(f, r, "pack"), "base");
    assert_string_equal(fixture_cell(f, r, "overrides"), "");
    hss_policy_result_free(res);
    hss_store_close(st);
    hss_policy_free(p);

    /* A missing parent is a clear error. */
    char *orphan = hss_test_write(dir, "orphan.yaml",
                                  "pack: o\ntitle: {zh: o, en: o}\nextends: nosuchpack\nrules: []\n");
    assert_null(hss_policy_load(orphan, &err));
    assert_non_null(strstr(err.msg, "policy pack 'nosuchpack' not found"));
    /* A cycle is refused, not looped. */
    char *loop = hss_test_write(dir, "loop.yaml",
                                "pack: loop\ntitle: {zh: l, en: l}\nextends: loop\nrules: []\n");
    assert_null(hss_policy_load(loop, &err));
    assert_non_null(strstr(err.msg, "circular"));
    free(loop);
    free(orphan);
    free(db);
    free(base);
    free(child);
}

static void year_selects_due_rules(void **state)
{
    (void)state;
    char *path = hss_test_write(
        dir, "years.yaml",
        "pack: y\ntitle: {zh: y, en: y}\nyear: 2025\nrules:\n"
        "  - id: later\n    title: {zh: 后, en: later}\n"
        "    source: {document: 901_test.txt, quote: 原文}\n    year: 2027\n"
        "    scope: {level: county}\n    measure: tcm_hospital_presence\n"
        "    comparator: present\n    unit: {zh: 家, en: hospitals}\n"
        "    gap: {zh: 需, en: needs}\n");
    hss_error err;
    char *db = fixture_db(dir);
    hss_store *st = hss_store_open_existing(db, &err);
    hss_table *t;
    assert_int_equal(hss_policy_findings(st, path, 2025, NULL, &t, &err), HSS_OK);
    assert_int_equal(hss_table_rows(t), 0); /* a 2027 target is not due in 2025 */
    hss_table_free(t);
    assert_int_equal(hss_policy_findings(st, path, 2027, NULL, &t, &err), HSS_OK);
    assert_int_equal(hss_table_rows(t), 5); /* one per county */
    hss_table_free(t);
    /* --under restricts to a subtree; an unknown code is an error. */
    assert_int_equal(hss_policy_findings(st, path, 2027, "331124", &t, &err), HSS_OK);
    assert_int_equal(hss_table_rows(t), 1);
    hss_table_free(t);
    assert_int_equal(hss_policy_findings(st, path, 2027, "999999", &t, &err), HSS_ENOTFOUND);
    assert_non_null(strstr(err.msg, "--under 999999"));
    hss_store_close(st);
    free(db);
    free(path);
}

/* The packs shipped in policy/ are valid (quotes are checked against the seeds in CI only
 * when HSS_SEEDS_DIR points at them) and evaluate on the fixture region. */
static void shipped_packs_are_valid(void **state)
{
    (void)state;
    const char *names[] = {"national", "lishui", "nanyang", "yiwu", "liaocheng"};
    char *db = fixture_db(dir);
    hss_error err;
    hss_store *st = hss_store_open_existing(db, &err);
    for (size_t i = 0; i < 5; i++) {
        char path[256];
        snprintf(path, sizeof path, "policy/%s.yaml", names[i]);
        hss_buf out;
        hss_buf_init(&out);
        int errors = hss_policy_check(path, NULL, &out, NULL);
        if (errors)
            fail_msg("%s", out.data);
        hss_buf_free(&out);
        hss_table *t;
        if (hss_policy_findings(st, names[i], 0, NULL, &t, &err) != HSS_OK)
            fail_msg("%s: %s", names[i], err.msg);
        assert_true(hss_table_rows(t) > 0);
        hss_table_free(t);
        hss_table *cov;
        assert_int_equal(hss_policy_coverage(names[i], 0, 0, &cov, &err), HSS_OK);
        assert_true(hss_table_rows(cov) >= 1);
        hss_table_free(cov);
    }
    hss_store_close(st);
    free(db);
}

/* Every quote (rules, tasks, not_encoded) of every shipped pack is found verbatim in the copy
 * of the seed documents in tests/data/seeds (or $HSS_SEEDS_DIR when set): no errors and no
 * "not verified" warnings. A missing seed directory or document fails the test. */
static void shipped_quotes_are_verbatim(void **state)
{
    (void)state;
    const char *seeds = seeds_env ? seeds_env : "tests/data/seeds";
    const char *docs[] = {"000_72651f9ac1f717d8.txt", "001_9eca0ffaebb7c8a5.txt",
                          "002_4092fd220eb2a16c.txt", "003_faefdadfb73ca22a.txt",
                          "004_e14da291fa1a9871.txt"};
    for (size_t i = 0; i < 5; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", seeds, docs[i]);
        if (access(path, R_OK) != 0)
            fail_msg("seed document %s is missing: the quotes cannot be verified", path);
    }
    const char *names[] = {"national", "lishui", "nanyang", "yiwu", "liaocheng"};
    for (size_t i = 0; i < 5; i++) {
        char path[256];
        snprintf(path, sizeof path, "policy/%s.yaml", names[i]);
        hss_buf out;
        hss_buf_init(&out);
        int warnings = 0;
        int errors = hss_policy_check(path, seeds, &out, &warnings);
        if (errors || warnings)
            fail_msg("%s", out.data);
        hss_buf_free(&out);
    }
}

static void coverage_counts_each_document(void **state)
{
    (void)state;
    hss_error err;
    hss_table *t;
    assert_int_equal(hss_policy_coverage("lishui", 0, 1, &t, &err), HSS_OK);
    /* Rows: 001_ and 000_, each with checkable, unknown and not-encoded standards. */
    long r001 = -1;
    for (size_t r = 0; r < hss_table_rows(t); r++)
        if (!strcmp(hss_table_cell(t, r, 1), "001_9eca0ffaebb7c8a5.txt"))
            r001 = (long)r;
    assert_true(r001 >= 0);
    assert_true(atoi(hss_table_cell(t, (size_t)r001, 3)) > 20);
    assert_true(atoi(hss_table_cell(t, (size_t)r001, 4)) > 0);
    assert_true(atoi(hss_table_cell(t, (size_t)r001, 6)) > 0);
    assert_non_null(strstr(hss_table_cell(t, (size_t)r001, 7), "needs road travel times"));
    hss_table_free(t);
    /* in Chinese: the same reasons, no English word */
    assert_int_equal(hss_policy_coverage("lishui", 0, 0, &t, &err), HSS_OK);
    assert_string_equal(hss_table_col_name(t, 7), "unknown_reasons_zh");
    assert_non_null(strstr(hss_table_cell(t, (size_t)r001, 7), "需要道路通行时间数据"));
    assert_non_null(strstr(hss_table_cell(t, (size_t)r001, 7), "需要月度业务数据"));
    for (const char *p = hss_table_cell(t, (size_t)r001, 7); *p; p++)
        assert_false((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'));
    hss_table_free(t);
    assert_int_equal(hss_policy_coverage("lishui", 1, 0, &t, &err), HSS_OK);
    /* Every standard is a rule, a task or not_encoded, each with its quote; tasks and
     * not-encoded standards say why data cannot check them. */
    int tasks = 0;
    for (size_t r = 0; r < hss_table_rows(t); r++) {
        const char *kind = hss_table_cell(t, r, 0);
        assert_true(*hss_table_cell(t, r, 3));
        if (strcmp(kind, "rule") != 0)
            assert_true(*hss_table_cell(t, r, 4) && *hss_table_cell(t, r, 8));
        tasks += !strcmp(kind, "task");
    }
    assert_true(tasks > 50);
    hss_table_free(t);
    assert_int_equal(hss_policy_coverage("nosuch", 0, 0, &t, &err), HSS_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_pack_passes),
        cmocka_unit_test(errors_name_file_line_and_reason),
        cmocka_unit_test(duplicate_ids_are_rejected),
        cmocka_unit_test(quotes_are_verified_against_seeds),
        cmocka_unit_test(yaml_syntax_errors_have_lines),
        cmocka_unit_test(extends_and_override_name_the_winner),
        cmocka_unit_test(year_selects_due_rules),
        cmocka_unit_test(shipped_packs_are_valid),
        cmocka_unit_test(shipped_quotes_are_verbatim),
        cmocka_unit_test(coverage_counts_each_document),
    };
    return cmocka_run_group_tests_name("policy/pack", tests, setup, teardown);
}
