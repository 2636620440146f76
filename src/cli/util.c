/*
 * util.c: helpers shared by the subcommands.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int hss_cli_fail(const hss_error *err)
{
    fprintf(stderr, "hss: %s\n", err->msg[0] ? err->msg : hss_code_name(err->code));
    return 1;
}

int hss_cli_usage(const char *usage)
{
    fprintf(stderr, "usage: %s\n", usage);
    return 2;
}

int hss_cli_help(int argc, char **argv, const char *usage)
{
    if (argc < 2 || (strcmp(argv[1], "--help") != 0 && strcmp(argv[1], "-h") != 0))
        return 0;
    printf("usage: %s\n", usage);
    return 1;
}

hss_store *hss_cli_open_db(const char *path, int create)
{
    hss_error err;
    hss_error_clear(&err);
    if (!path) {
        fprintf(stderr, "hss: --db FILE is required\n");
        return NULL;
    }
    hss_store *st = create ? hss_store_open(path, &err) : hss_store_open_existing(path, &err);
    if (!st)
        hss_cli_fail(&err);
    return st;
}

int hss_cli_format(const char *s, hss_format *out)
{
    if (hss_format_parse(s, out) != 0) {
        fprintf(stderr, "hss: --format must be table, csv or json, not '%s'\n", s);
        return -1;
    }
    return 0;
}
