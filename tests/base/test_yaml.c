/* test_yaml.c: the YAML tree loader keeps structure and line numbers and rejects bad input. */
#include "testutil.h"

static void loads_tree_with_lines(void **state)
{
    (void)state;
    hss_error err;
    const char *text = "pack: lishui\nrules:\n  - id: r1\n    target: 0.7\n  - id: r2\n";
    hss_yaml *y = hss_yaml_load("p.yaml", text, &err);
    assert_non_null(y);
    assert_int_equal(y->type, HSS_YAML_MAP);
    assert_string_equal(hss_yaml_str(y, "pack"), "lishui");
    const hss_yaml *rules = hss_yaml_get(y, "rules");
    assert_int_equal(rules->type, HSS_YAML_SEQ);
    assert_int_equal(rules->n, 2);
    assert_int_equal(rules->items[1]->line, 5);
    assert_string_equal(hss_yaml_str(rules->items[0], "target"), "0.7");
    assert_null(hss_yaml_get(rules, "x"));
    hss_yaml_free(y);
}

static void rejects_bad_yaml(void **state)
{
    (void)state;
    hss_error err;
    assert_null(hss_yaml_load("p.yaml", "a: [1, 2\n", &err));
    assert_non_null(strstr(err.msg, "p.yaml:"));
    assert_null(hss_yaml_load("p.yaml", "a: 1\na: 2\n", &err));
    assert_non_null(strstr(err.msg, "p.yaml:2: key 'a' appears twice"));
    assert_null(hss_yaml_load("p.yaml", "a: &x 1\nb: *x\n", &err));
    assert_non_null(strstr(err.msg, "aliases"));
    assert_null(hss_yaml_load("p.yaml", "", &err));
    assert_null(hss_yaml_load("p.yaml", "a: \xff\n", &err));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_tree_with_lines),
        cmocka_unit_test(rejects_bad_yaml),
    };
    return cmocka_run_group_tests_name("base/yaml", tests, NULL, NULL);
}
