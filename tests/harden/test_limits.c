/*
 * test_limits.c (issue 19, part 6): importers bound every field and refuse control characters.
 * A gigabyte-scale field is refused after reading a little of it (streamed through a pipe, so
 * the test also shows that memory and reading stay bounded), naming file:line and column; a
 * name with ESC or a line break, an over-long name, household or signal are refused; and a
 * message quoting a huge value is never cut off. Drives the real `hss` (HSS_BIN).
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include "testutil.h"
#include "care/care.h"

static char *g_dir;

/* Feeds `head` then up to `limit` bytes of 'a' into a FIFO at path while `hss args` reads it;
 * returns hss's exit status, its output in *out and the bytes the feeder managed to write. */
static int import_from_fifo(const char *path, const char *head, size_t limit, const char *args, char **out,
                            size_t *fed)
{
    unlink(path);
    assert_int_equal(mkfifo(path, 0600), 0);
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    pid_t feeder = fork();
    assert_true(feeder >= 0);
    if (feeder == 0) {
        signal(SIGPIPE, SIG_IGN);
        close(pfd[0]);
        int fd = open(path, O_WRONLY);
        size_t total = 0;
        if (fd >= 0) {
            if (write(fd, head, strlen(head)) > 0)
                total += strlen(head);
            static char chunk[1 << 16];
            memset(chunk, 'a', sizeof chunk);
            while (total < limit) {
                ssize_t w = write(fd, chunk, sizeof chunk);
                if (w <= 0)
                    break;
                total += (size_t)w;
            }
            close(fd);
        }
        if (write(pfd[1], &total, sizeof total) != sizeof total)
            _exit(1);
        _exit(0);
    }
    close(pfd[1]);
    char cmd[2000];
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", hss_test_bin(), args);
    int rc = hss_test_run(cmd, out);
    *fed = 0;
    if (read(pfd[0], fed, sizeof *fed) != sizeof *fed)
        *fed = (size_t)-1;
    close(pfd[0]);
    waitpid(feeder, NULL, 0);
    unlink(path);
    return rc;
}

#define HUGE_FIELD ((size_t)256 << 20) /* what the feeder offers: 256 MiB of one field */

static void huge_field_fails_fast(void **state)
{
    (void)state;
    char *db = hss_test_new_db(g_dir, "huge.db", "tests/data/care/region.sql");
    char fifo[800], args[1800], *out = NULL;
    size_t fed;
    snprintf(fifo, sizeof fifo, "%s/people.csv", g_dir);
    snprintf(args, sizeof args, "residents import %s --db %s", fifo, db);
    int rc = import_from_fifo(fifo, "id_number,name,sex,birth_date,village_code\n11010519491231002X,", HUGE_FIELD, args,
                              &out, &fed);
    fprintf(stderr, "residents: fed %zu bytes: %s", fed, out);
    assert_int_not_equal(rc, 0);
    assert_non_null(strstr(out, "people.csv:2: column 2 (name): field longer than"));
    assert_non_null(strstr(out, "(the limit)")); /* the message is whole */
    assert_true(fed < ((size_t)16 << 20));        /* stopped reading long before the end */
    free(out);
    free(db);

    db = hss_test_new_db(g_dir, "huge2.db", "tests/data/metrics/region.sql");
    snprintf(fifo, sizeof fifo, "%s/values.csv", g_dir);
    snprintf(args, sizeof args, "data import %s --db %s", fifo, db);
    rc = import_from_fifo(fifo, "element,org,period,value,category\noutpatient_visits,H1,2025-01,1,", HUGE_FIELD, args,
                          &out, &fed);
    fprintf(stderr, "data: fed %zu bytes: %s", fed, out);
    assert_int_not_equal(rc, 0);
    assert_non_null(strstr(out, "values.csv:2: column 5 (category): field longer than"));
    assert_non_null(strstr(out, "(the limit)"));
    assert_true(fed < ((size_t)16 << 20));
    free(out);
    free(db);
}

static int import_text(const char *args_fmt, const char *db, const char *name, const char *content, char **out)
{
    char *f = hss_test_write(g_dir, name, content);
    char cmd[3000];
    char args[2000];
    snprintf(args, sizeof args, args_fmt, f, db);
    snprintf(cmd, sizeof cmd, "%s %s 2>&1", hss_test_bin(), args);
    int rc = hss_test_run(cmd, out);
    free(f);
    return rc;
}

static void control_characters_and_lengths_refused(void **state)
{
    (void)state;
    char *db = hss_test_new_db(g_dir, "ctl.db", "tests/data/care/region.sql");
    char *out = NULL;
    const char *head = "id_number,name,sex,birth_date,village_code,household\n";
    char csv[4000];
    /* ESC in a name */
    snprintf(csv, sizeof csv, "%s11010519491231002X,张\x1b[31m一,female,1949-12-31,331102001001,H1\n", head);
    assert_int_not_equal(import_text("residents import %s --db %s", db, "esc.csv", csv, &out), 0);
    assert_non_null(strstr(out, "esc.csv:2: column 2 (name): control character 0x1B"));
    assert_null(strchr(out, 0x1b));
    free(out);
    /* a line break inside a quoted name */
    snprintf(csv, sizeof csv, "%s11010519491231002X,\"张\n一\",female,1949-12-31,331102001001,H1\n", head);
    assert_int_not_equal(import_text("residents import %s --db %s", db, "nl.csv", csv, &out), 0);
    assert_non_null(strstr(out, "nl.csv:2: column 2 (name): control character 0x0A"));
    free(out);
    /* a name of 150 bytes; a household of 80 */
    char longname[160];
    memset(longname, 'x', 150);
    longname[150] = 0;
    snprintf(csv, sizeof csv, "%s11010519491231002X,%s,female,1949-12-31,331102001001,H1\n", head, longname);
    assert_int_not_equal(import_text("residents import %s --db %s", db, "long.csv", csv, &out), 0);
    assert_non_null(strstr(out, "long.csv:2: column name: value 'xxxx"));
    assert_non_null(strstr(out, "...' is longer than 100 bytes"));
    free(out);
    snprintf(csv, sizeof csv, "%s11010519491231002X,张一,female,1949-12-31,331102001001,%.80s\n", head, longname);
    assert_int_not_equal(import_text("residents import %s --db %s", db, "hh.csv", csv, &out), 0);
    assert_non_null(strstr(out, "hh.csv:2: column household"));
    free(out);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM care_resident"), 0);
    /* a surveillance signal of 100 bytes, and one with a tab */
    snprintf(csv, sizeof csv, "date,area_code,signal,source,count\n2025-01-01,331102,%.100s%.100s,hospital,1\n",
             longname, longname);
    assert_int_not_equal(import_text("surveil import --db %2$s %1$s", db, "sig.csv", csv, &out), 0);
    assert_non_null(strstr(out, "sig.csv:2: column signal"));
    free(out);
    assert_int_not_equal(import_text("surveil import --db %2$s %1$s", db, "tab.csv",
                                     "date,area_code,signal,source,count\n2025-01-01,331102,ili\t,hospital,1\n", &out), 0);
    assert_non_null(strstr(out, "tab.csv:2: column 3 (signal): control character 0x09"));
    free(out);
    free(db);
}

int main(void)
{
    g_dir = hss_test_tmpdir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(huge_field_fails_fast),
        cmocka_unit_test(control_characters_and_lengths_refused),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(g_dir);
    return rc;
}
