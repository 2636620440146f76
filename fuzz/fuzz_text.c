/*
 * fuzz_text.c: libFuzzer target for the generic text readers every rule file and import goes
 * through: the strict CSV reader (base/csv.c) and the YAML loader (base/yaml.c), and on top of
 * the YAML loader the policy-pack validator (hss_policy_check), which must turn any input into
 * a list of file:line problems, never a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "policy/policy.h"

static void read_csv(const char *data, size_t size)
{
    hss_error err;
    hss_csv *c = hss_csv_open_mem("fuzz.csv", data, size);
    int r = hss_csv_read_header(c, &err) == HSS_OK ? 1 : -1;
    while (r == 1) {
        r = hss_csv_next(c, &err);
        if (r == 1)
            for (size_t i = 0; i < hss_csv_ncols(c); i++)
                (void)strlen(hss_csv_field(c, i));
    }
    if (r < 0 && err.msg[0] == '\0')
        abort(); /* every error must say why */
    hss_csv_close(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    read_csv((const char *)data, size);
    char *text = hss_xstrndup((const char *)data, size);
    hss_error err;
    hss_error_clear(&err);
    hss_yaml *y = hss_yaml_load("fuzz.yaml", text, &err);
    if (!y && err.msg[0] == '\0')
        abort();
    hss_yaml_free(y);
    /* The pack validator reads a file: write the input to a private temporary file. */
    char path[] = "/tmp/hss-fuzz-pack-XXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0) {
        if (write(fd, data, size) == (ssize_t)size) {
            hss_buf report;
            hss_buf_init(&report);
            int warnings = 0;
            hss_policy_check(path, NULL, &report, &warnings);
            hss_buf_free(&report);
        }
        close(fd);
        unlink(path);
    }
    free(text);
    return 0;
}
