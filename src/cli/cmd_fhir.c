/*
 * cmd_fhir.c: `hss fhir export|import` and `hss client add|revoke|list`: parse options, call the
 * fhir module (src/fhir/fhir.h), print. Thin by design.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "fhir/fhir.h"
#include "server/server.h"

static const char FHIR_USAGE[] =
    "hss fhir export --db FILE --out DIR [--scope AREA] [--type T1,T2] [--since DATE]\n"
    "       hss fhir import --db FILE BUNDLE.json [--scope AREA]";
static const char CLIENT_USAGE[] =
    "hss client add NAME --scope AREA --db FILE [--expires DAYS]\n"
    "       hss client revoke NAME --db FILE\n"
    "       hss client list --db FILE";

/* --name value pairs and one positional argument after argv[first]. Returns -1 on a bad line. */
typedef struct {
    const char *db, *out, *scope, *type, *since, *expires, *pos;
} args;

static int parse(args *a, int argc, char **argv, int first)
{
    memset(a, 0, sizeof *a);
    for (int i = first; i < argc; i++) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        const char **slot = strcmp(k, "--db") == 0        ? &a->db
                            : strcmp(k, "--out") == 0     ? &a->out
                            : strcmp(k, "--scope") == 0   ? &a->scope
                            : strcmp(k, "--type") == 0    ? &a->type
                            : strcmp(k, "--since") == 0   ? &a->since
                            : strcmp(k, "--expires") == 0 ? &a->expires
                                                          : NULL;
        if (slot && v) {
            *slot = v;
            i++;
        } else if (k[0] != '-' && !a->pos) {
            a->pos = k;
        } else {
            return -1;
        }
    }
    return a->db ? 0 : -1;
}

static int fhir_export(const args *a)
{
    if (!a->out || a->pos)
        return hss_cli_usage(FHIR_USAGE);
    hss_store *st = hss_cli_open_db(a->db, 0);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    hss_fhir_viewer v = {"cli", a->scope, 1};
    hss_fhir_export_stats s;
    hss_code c = hss_fhir_export(st, &v, a->out, a->type, a->since, &s, &err);
    char detail[200];
    snprintf(detail, sizeof detail, "%zu resources in %zu files%s", s.resources, s.types, c ? " (failed)" : "");
    hss_auth_audit_log(st, "", "cli", "fhir_export", a->out, c ? 1 : 0, detail, NULL);
    hss_store_close(st);
    if (c)
        return hss_cli_fail(&err);
    size_t n;
    const char *const *types = hss_fhir_types(&n);
    for (size_t k = 0; k < n; k++)
        if (s.count[k])
            printf("%s/%s.ndjson\t%zu\n", a->out, types[k], s.count[k]);
    printf("%zu resources in %.2f s (%.0f resources/s)\n", s.resources, s.seconds,
           s.seconds > 0 ? (double)s.resources / s.seconds : 0.0);
    return 0;
}

static int fhir_import(const args *a)
{
    if (!a->pos || a->out)
        return hss_cli_usage(FHIR_USAGE);
    hss_error err;
    hss_error_clear(&err);
    size_t len;
    char *data = hss_read_file(a->pos, &len, &err);
    if (!data)
        return hss_cli_fail(&err);
    hss_store *st = hss_cli_open_db(a->db, 0);
    if (!st) {
        free(data);
        return 1;
    }
    char *resp = NULL;
    hss_fhir_import_stats s;
    hss_code c = hss_fhir_import(st, "cli", a->scope, data, len, &resp, &s, &err);
    hss_store_close(st);
    free(data);
    if (c) {
        if (resp)
            fprintf(stderr, "%s\n", resp);
        free(resp);
        fprintf(stderr, "hss: %s: %s\n", a->pos, err.msg);
        return 1;
    }
    free(resp);
    printf("%zu entries: %zu patients, %zu follow-ups, %zu referrals, %zu encounters\n", s.entries, s.patients,
           s.followups, s.referrals, s.encounters);
    return 0;
}

int hss_cmd_fhir(int argc, char **argv)
{
    if (hss_cli_help(argc, argv, FHIR_USAGE))
        return 0;
    args a;
    if (argc < 2 || parse(&a, argc, argv, 2) != 0)
        return hss_cli_usage(FHIR_USAGE);
    if (strcmp(argv[1], "export") == 0)
        return fhir_export(&a);
    if (strcmp(argv[1], "import") == 0)
        return fhir_import(&a);
    return hss_cli_usage(FHIR_USAGE);
}

int hss_cmd_client(int argc, char **argv)
{
    if (hss_cli_help(argc, argv, CLIENT_USAGE))
        return 0;
    args a;
    if (argc < 2 || parse(&a, argc, argv, 2) != 0)
        return hss_cli_usage(CLIENT_USAGE);
    const char *sub = argv[1];
    hss_error err;
    hss_error_clear(&err);
    int days = 0;
    if (a.expires) {
        int64_t d;
        if (hss_parse_int64(a.expires, &d) != 0 || d < 1 || d > 3650) {
            fprintf(stderr, "hss: --expires %s: must be a number of days from 1 to 3650\n", a.expires);
            return 2;
        }
        days = (int)d;
    }
    if (strcmp(sub, "add") == 0 && (!a.pos || !a.scope))
        return hss_cli_usage(CLIENT_USAGE);
    if (strcmp(sub, "revoke") == 0 && !a.pos)
        return hss_cli_usage(CLIENT_USAGE);
    if (strcmp(sub, "add") != 0 && strcmp(sub, "revoke") != 0 && strcmp(sub, "list") != 0)
        return hss_cli_usage(CLIENT_USAGE);
    hss_store *st = hss_cli_open_db(a.db, 0);
    if (!st)
        return 1;
    hss_code c;
    char token[65];
    if (strcmp(sub, "add") == 0) {
        c = hss_fhir_client_add(st, a.pos, a.scope, days, token, &err);
        if (!c) {
            char until[40] = "does not expire";
            if (days) {
                char d[11];
                hss_day_format((long)(time(NULL) / 86400) + days, d);
                snprintf(until, sizeof until, "expires %s (UTC)", d);
            }
            printf("client %s: scope %s, %s; bearer token (shown once, stored only as a hash):\n", a.pos, a.scope, until);
            printf("%s\n", token);
        }
    } else if (strcmp(sub, "revoke") == 0) {
        c = hss_fhir_client_revoke(st, a.pos, &err);
        if (!c)
            printf("client %s: token revoked\n", a.pos);
    } else {
        c = hss_fhir_client_list(st, stdout, &err);
    }
    hss_store_close(st);
    return c ? hss_cli_fail(&err) : 0;
}
