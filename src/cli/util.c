/*
 * util.c: helpers shared by the subcommands.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "server/server.h"

/* The command line being run (set by main), for the audit rows of the CLI's writes. */
static char cli_command[600];
static char cli_user[128];
static long long cli_last_audit; /* the audit table's last id this command has seen */

void hss_cli_set_command(int argc, char **argv)
{
    size_t w = 0;
    cli_command[0] = 0;
    for (int i = 0; i < argc && w + 2 < sizeof cli_command; i++)
        w += (size_t)snprintf(cli_command + w, sizeof cli_command - w, "%s%s", i ? " " : "", i ? argv[i] : "hss");
    const struct passwd *pw = getpwuid(getuid());
    snprintf(cli_user, sizeof cli_user, "%s", pw && pw->pw_name ? pw->pw_name : "cli");
}

static long long last_audit_id(hss_store *st)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT coalesce(max(id),0) FROM audit", NULL);
    int64_t id = s && hss_store_step(s) == HSS_ROW ? hss_store_col_int64(s, 0) : 0;
    hss_store_finalize(s);
    return id;
}

/* Every transaction of a CLI command that changes the database leaves one audit row in that
 * transaction (action cli_write, the system user, the command line), unless the command wrote
 * its own row in it (hss user add). */
static hss_code audit_cli_write(hss_store *st, void *ctx, hss_error *err)
{
    (void)ctx;
    long long last = last_audit_id(st);
    hss_code rc = HSS_OK;
    if (last <= cli_last_audit)
        rc = hss_audit_log(st, cli_user, "cli", "cli_write", cli_command, 0, "", err);
    cli_last_audit = last_audit_id(st);
    return rc;
}

hss_code hss_cli_audit_always(hss_store *st, void *ctx, hss_error *err)
{
    (void)ctx;
    return hss_audit_log(st, cli_user, "cli", "cli_write", cli_command, 0, "", err);
}

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
    if (!st) {
        hss_cli_fail(&err);
        return NULL;
    }
    cli_last_audit = last_audit_id(st);
    hss_store_set_commit_hook(st, audit_cli_write, NULL);
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

const char *hss_cli_opt(int argc, char **argv, int *i, const char *name, int *missing)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return NULL;
    }
    return argv[++*i];
}
