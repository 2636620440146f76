/*
 * test_project.c: what a newcomer meets first. The README stays short and every link in it and
 * in docs/ leads somewhere; the two README commands install what the machine lacks before they
 * build; every command answers `hss help COMMAND`, and the man page carries the same texts.
 * Runs from the repository root (make test).
 */
#include "testutil.h"

#include <dirent.h>

/* The whole file, NUL-terminated; NULL when it cannot be read. */
static char *slurp(const char *path) { return hss_read_file(path, NULL, NULL); }

static void readme_is_short(void **state)
{
    (void)state;
    char *s = slurp("README.md");
    assert_non_null(s);
    int lines = 0;
    for (const char *p = s; *p; p++)
        lines += *p == '\n';
    if (lines >= 200)
        fail_msg("README.md has %d lines; a newcomer's page stays under 200 (move detail to docs/)", lines);
    assert_non_null(strstr(s, "make demo"));
    assert_non_null(strstr(s, "make check"));
    free(s);
}

/* Every markdown link target `](path)` that is not a URL or a pure anchor must exist, relative
 * to the file that names it. Returns the number of broken links (each reported). */
static int broken_links(const char *dir, const char *file)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    char *s = slurp(path);
    assert_non_null(s);
    int bad = 0, seen = 0;
    for (char *p = strstr(s, "]("); p; p = strstr(p + 2, "](")) {
        char *start = p + 2, *end = strpbrk(start, ")# \n");
        if (!end || end == start || strncmp(start, "http", 4) == 0 || strncmp(start, "mailto:", 7) == 0)
            continue;
        char target[1024];
        snprintf(target, sizeof target, "%s/%.*s", dir, (int)(end - start), start);
        struct stat st;
        seen++;
        if (stat(target, &st) != 0) {
            print_error("%s: link to '%.*s' leads nowhere\n", path, (int)(end - start), start);
            bad++;
        }
    }
    free(s);
    (void)seen;
    return bad;
}

static void docs_links_resolve(void **state)
{
    (void)state;
    int bad = broken_links(".", "README.md");
    DIR *d = opendir("docs");
    assert_non_null(d);
    int pages = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n > 3 && strcmp(e->d_name + n - 3, ".md") == 0) {
            bad += broken_links("docs", e->d_name);
            pages++;
        }
    }
    closedir(d);
    assert_true(pages >= 5);
    assert_int_equal(bad, 0);
}

/* The first thing `make -n TARGET` would do. */
static char *first_step(const char *target)
{
    char cmd[256], *out = NULL;
    snprintf(cmd, sizeof cmd, "env -u MAKEFLAGS -u MAKELEVEL make -n --no-print-directory %s 2>/dev/null | head -n 1", target);
    hss_test_run(cmd, &out);
    return out;
}

static void readme_commands_install_first(void **state)
{
    (void)state;
    const char *targets[] = {"demo", "check"};
    for (size_t i = 0; i < 2; i++) {
        char *s = first_step(targets[i]);
        if (strncmp(s, "mk/deps.sh", 10) != 0)
            fail_msg("`make %s` must install what is missing first; its first step is: %s", targets[i], s);
        free(s);
    }
    /* and CI runs the same step */
    char *ci = slurp(".ci/run");
    assert_non_null(ci);
    assert_non_null(strstr(ci, "\nmk/deps.sh\n"));
    free(ci);
}

/* The command names `hss help` lists (column one of its "commands:" block). */
static size_t command_names(char names[][32], size_t max)
{
    char cmd[1024], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s help", hss_test_bin());
    assert_int_equal(hss_test_run(cmd, &out), 0);
    size_t n = 0;
    char *p = strstr(out, "commands:\n");
    assert_non_null(p);
    for (p = strchr(p, '\n') + 1; *p == ' ' && n < max; p = strchr(p, '\n') + 1) {
        if (sscanf(p, " %31s", names[n]) == 1 && strcmp(names[n], "help") != 0)
            n++;
    }
    free(out);
    return n;
}

static void every_command_has_help(void **state)
{
    (void)state;
    char names[64][32];
    size_t n = command_names(names, 64);
    assert_true(n >= 20);
    for (size_t i = 0; i < n; i++) {
        char cmd[1024], *out = NULL;
        snprintf(cmd, sizeof cmd, "%s help %s 2>&1", hss_test_bin(), names[i]);
        int rc = hss_test_run(cmd, &out);
        if (rc != 0 || !strstr(out, "hss "))
            fail_msg("`hss help %s` exited %d: %s", names[i], rc, out);
        free(out);
    }
    char cmd[1024], *out = NULL;
    snprintf(cmd, sizeof cmd, "%s help nosuch 2>&1", hss_test_bin());
    assert_int_equal(hss_test_run(cmd, &out), 2);
    assert_non_null(strstr(out, "no command 'nosuch'"));
    free(out);
}

static void man_page_has_every_command(void **state)
{
    (void)state;
    char names[64][32];
    size_t n = command_names(names, 64);
    char cmd[1024], *out = NULL;
    snprintf(cmd, sizeof cmd, "mk/man.sh %s", hss_test_bin());
    assert_int_equal(hss_test_run(cmd, &out), 0);
    assert_non_null(strstr(out, ".TH HSS 1"));
    for (size_t i = 0; i < n; i++) {
        char want[64];
        snprintf(want, sizeof want, "\n.SS %s\n", names[i]);
        if (!strstr(out, want))
            fail_msg("man page lacks command %s", names[i]);
    }
    /* the same text as `hss help`: one line of the evaluate usage appears verbatim */
    assert_non_null(strstr(out, "usage: hss evaluate --db FILE"));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(readme_is_short),
        cmocka_unit_test(docs_links_resolve),
        cmocka_unit_test(readme_commands_install_first),
        cmocka_unit_test(every_command_has_help),
        cmocka_unit_test(man_page_has_every_command),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
