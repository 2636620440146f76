/*
 * test_backends.c: the same Lishui demo built on SQLite and on PostgreSQL answers the same,
 * byte for byte: the evaluation, the indicators, the worklist and the surveillance alerts.
 * Runs where a PostgreSQL server is given (HSS_STORE_PG, as `make check-pg` sets it); a plain
 * path then names a schema on that server, and a `file:` path stays an SQLite file.
 */
#include "testutil.h"

static char *dir;

static char *run_out(const char *args, const char *db)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s %s --db '%s' 2>&1", hss_test_bin(), args, db);
    char *out = NULL;
    int rc = hss_test_run(cmd, &out);
    if (rc != 0)
        fprintf(stderr, "`%s` exited %d:\n%s\n", cmd, rc, out);
    assert_int_equal(rc, 0);
    return out;
}

/* Prints the first line where two outputs differ, to make a failure readable. */
static void first_difference(const char *what, const char *a, const char *b)
{
    int line = 1;
    const char *p = a, *q = b;
    while (*p && *p == *q) {
        if (*p == '\n')
            line++;
        p++, q++;
    }
    fprintf(stderr, "%s differs at line %d:\n  sqlite:     %.160s\n  postgresql: %.160s\n", what, line, p, q);
}

static void same_answers(void **state)
{
    (void)state;
    if (!getenv("HSS_STORE_PG")) {
        fprintf(stderr, "no PostgreSQL server given (HSS_STORE_PG): run `make check-pg`\n");
        skip();
    }
    dir = hss_test_tmpdir();
    char sq[600], pg[600];
    snprintf(sq, sizeof sq, "file:%s/lishui.db", dir);
    snprintf(pg, sizeof pg, "%s/lishui-pg.db", dir);
    free(run_out("demo lishui --quiet", sq));
    free(run_out("demo lishui --quiet", pg));
    static const char *const commands[] = {
        "evaluate --policy lishui --format csv",
        "indicators --format csv",
        "indicators --under 331102 --period 2025 --format csv",
        "worklist --area 331100 --all --date 2026-01-15 --format csv",
        "surveil alerts --format csv",
        "summary",
    };
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        char *a = run_out(commands[i], sq), *b = run_out(commands[i], pg);
        if (strcmp(a, b) != 0)
            first_difference(commands[i], a, b);
        assert_true(strlen(a) > 100); /* a real answer, not an empty one */
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
