/*
 * cmd_server.c: `hss serve` (the dashboard and HTTP API), `hss user` (dashboard users) and
 * `hss audit` (the audit log). Thin: parse options, call the server module, print.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "server/server.h"

static const char SERVE_USAGE[] =
    "hss serve --db FILE [--port 8080] [--bind 127.0.0.1] [--web DIR] [--threads N] [--session-ttl SECONDS]\n"
    "                 [--secure-cookie]   (when a TLS proxy serves it as https)\n"
    "                 [--conn-per-ip 32] [--conn-limit 1000] [--conn-timeout 10]   (connections per client\n"
    "                 address, in all, and idle seconds; raise --conn-per-ip behind a reverse proxy)";

static int int_opt(const char *name, const char *v, int lo, int hi, int *out)
{
    int64_t x;
    if (!v || hss_parse_int64(v, &x) != 0 || x < lo || x > hi) {
        fprintf(stderr, "hss: %s must be a whole number from %d to %d, not '%s'\n", name, lo, hi, v ? v : "");
        return -1;
    }
    *out = (int)x;
    return 0;
}

int hss_cmd_serve(int argc, char **argv)
{
    hss_server_config cfg = {0};
    cfg.port = 8080;
    cfg.web_dir = "web/dist";
    int web_given = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0) {
            printf("usage: %s\n", SERVE_USAGE);
            return 0;
        } else if (strcmp(a, "--secure-cookie") == 0) {
            cfg.secure_cookie = 1;
            continue;
        } else if (strcmp(a, "--db") == 0 && v) {
            cfg.db_path = v;
        } else if (strcmp(a, "--port") == 0) {
            if (int_opt("--port", v, 0, 65535, &cfg.port))
                return 2;
        } else if (strcmp(a, "--bind") == 0 && v) {
            cfg.bind = v;
        } else if (strcmp(a, "--web") == 0 && v) {
            cfg.web_dir = v;
            web_given = 1;
        } else if (strcmp(a, "--threads") == 0) {
            if (int_opt("--threads", v, 1, 256, &cfg.threads))
                return 2;
        } else if (strcmp(a, "--conn-per-ip") == 0) {
            if (int_opt("--conn-per-ip", v, 1, 100000, &cfg.conn_per_ip))
                return 2;
        } else if (strcmp(a, "--conn-limit") == 0) {
            if (int_opt("--conn-limit", v, 1, 100000, &cfg.conn_limit))
                return 2;
        } else if (strcmp(a, "--conn-timeout") == 0) {
            if (int_opt("--conn-timeout", v, 1, 3600, &cfg.conn_timeout))
                return 2;
        } else if (strcmp(a, "--session-ttl") == 0) {
            if (int_opt("--session-ttl", v, 1, 30 * 86400, &cfg.session_ttl))
                return 2;
        } else {
            return hss_cli_usage(SERVE_USAGE);
        }
        i++;
    }
    if (!cfg.db_path)
        return hss_cli_usage(SERVE_USAGE);
    /* Without --web, serve web/dist when it has been built, else the API alone. */
    FILE *probe = web_given ? NULL : fopen("web/dist/index.html", "rb");
    if (!web_given && !probe)
        cfg.web_dir = NULL;
    if (probe)
        fclose(probe);

    /* Block the stop signals in every thread; the main thread waits for them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    hss_error err;
    hss_error_clear(&err);
    hss_server *srv = hss_server_start(&cfg, &err);
    if (!srv)
        return hss_cli_fail(&err);
    printf("HSS serving %s on http://%s:%d/\n", cfg.web_dir ? "the dashboard" : "the API (no dashboard built)",
           cfg.bind ? cfg.bind : "127.0.0.1", hss_server_port(srv));
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    hss_server_stop(srv);
    fprintf(stderr, "hss: stopped (signal %d)\n", sig);
    return 0;
}

static const char USER_USAGE[] =
    "hss user add NAME --role admin|planner|county|facility|cdc --scope CODE --password-stdin --db FILE\n"
    "       hss user add NAME --role resident --resident ID_NUMBER --password-stdin --db FILE\n"
    "       hss user add NAME --role doctor --team TEAM [--display-name N] --password-stdin --db FILE\n"
    "       hss user add NAME --role hospital --facility CODE [--display-name N] --password-stdin --db FILE\n"
    "       hss user add NAME --role unit --unit UNIT --scope CODE --password-stdin --db FILE\n"
    "       hss user list --db FILE [--format table|csv|json]";

/* hss user list: the accounts as a table. */
static int user_list(const char *db, const char *fmt)
{
    hss_error err;
    hss_error_clear(&err);
    hss_format f;
    if (hss_cli_format(fmt, &f))
        return 2;
    hss_store *st = hss_cli_open_db(db, 0);
    if (!st)
        return 1;
    hss_table *t;
    int rc = hss_auth_user_list(st, &t, &err) ? hss_cli_fail(&err) : 0;
    if (!rc) {
        hss_table_write(t, f, stdout);
        hss_table_free(t);
    }
    hss_store_close(st);
    return rc;
}

int hss_cmd_user(int argc, char **argv)
{
    if (hss_cli_help(argc, argv, USER_USAGE))
        return 0;
    if (argc < 2)
        return hss_cli_usage(USER_USAGE);
    const char *sub = argv[1], *name = NULL, *role = NULL, *scope = NULL, *db = NULL, *fmt = "table";
    const char *resident = NULL; /* --role resident: whose record the account reads */
    const char *member = NULL;   /* --role doctor: --team; hospital: --facility */
    const char *unit = NULL;     /* --role unit: the responsible unit's name */
    const char *display = NULL;  /* --display-name, shown to residents in who read their record */
    int pw_stdin = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--password-stdin") == 0) {
            pw_stdin = 1;
            continue;
        }
        if (a[0] != '-' && !name) {
            name = a;
            continue;
        }
        if (!v)
            return hss_cli_usage(USER_USAGE);
        if (strcmp(a, "--role") == 0)
            role = v;
        else if (strcmp(a, "--scope") == 0)
            scope = v;
        else if (strcmp(a, "--db") == 0)
            db = v;
        else if (strcmp(a, "--resident") == 0)
            resident = v;
        else if (strcmp(a, "--team") == 0 || strcmp(a, "--facility") == 0)
            member = v;
        else if (strcmp(a, "--display-name") == 0)
            display = v;
        else if (strcmp(a, "--format") == 0)
            fmt = v;
        else if (strcmp(a, "--unit") == 0)
            unit = v;
        else
            return hss_cli_usage(USER_USAGE);
        i++;
    }
    if (strcmp(sub, "list") == 0)
        return user_list(db, fmt);
    int is_resident = role && strcmp(role, "resident") == 0;
    int is_member = role && (strcmp(role, "doctor") == 0 || strcmp(role, "hospital") == 0);
    int is_unit = role && strcmp(role, "unit") == 0;
    if (strcmp(sub, "add") != 0 || !name || !role ||
        (is_resident ? !resident || scope || member || unit
         : is_member ? !member || scope || resident || unit
         : is_unit   ? !unit || !scope || resident || member
                     : !scope || resident || member || unit))
        return hss_cli_usage(USER_USAGE);
    if (!pw_stdin) {
        fprintf(stderr, "hss: give the password on standard input with --password-stdin "
                        "(never on the command line, where other users can see it)\n");
        return 2;
    }
    char pw[1100];
    if (!fgets(pw, sizeof pw, stdin)) {
        fprintf(stderr, "hss: no password on standard input\n");
        return 1;
    }
    pw[strcspn(pw, "\r\n")] = 0;
    hss_store *st = hss_cli_open_db(db, 0);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    int rc;
    if (is_resident) {
        rc = hss_user_add_resident(st, name, resident, pw, &err) ? hss_cli_fail(&err) : 0;
        if (!rc)
            printf("user %s: role resident (reads only their own record)\n", name);
    } else if (is_member) {
        rc = hss_user_add_care(st, name, role, member, display, pw, &err) ? hss_cli_fail(&err) : 0;
        if (!rc)
            printf("user %s: role %s, %s %s\n", name, role, strcmp(role, "doctor") == 0 ? "team" : "facility", member);
    } else {
        rc = (is_unit ? hss_user_add_unit(st, name, unit, scope, pw, &err) : hss_auth_user_add(st, name, role, scope, pw, &err))
                 ? hss_cli_fail(&err) : 0;
        if (!rc)
            printf("user %s: role %s, scope %s%s%s\n", name, role, scope, unit ? ", unit " : "", unit ? unit : "");
    }
    hss_store_close(st);
    return rc;
}

static const char AUDIT_USAGE[] = "hss audit --db FILE [--user U] [--since 2026-11-23T04:00:00Z] [--format table|json|csv]";

int hss_cmd_audit(int argc, char **argv)
{
    if (hss_cli_help(argc, argv, AUDIT_USAGE))
        return 0;
    const char *db = NULL, *user = NULL, *since = NULL, *fmt = "table";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            return hss_cli_usage(AUDIT_USAGE);
        if (strcmp(a, "--db") == 0)
            db = v;
        else if (strcmp(a, "--user") == 0)
            user = v;
        else if (strcmp(a, "--since") == 0)
            since = v;
        else if (strcmp(a, "--format") == 0)
            fmt = v;
        else
            return hss_cli_usage(AUDIT_USAGE);
        i++;
    }
    hss_format f;
    if (hss_cli_format(fmt, &f))
        return 2;
    if (since && (strlen(since) < 4 || since[0] < '0' || since[0] > '9')) {
        fprintf(stderr, "hss: --since must be a UTC time such as 2026-11-23 or 2026-11-23T04:00:00Z, not '%s'\n", since);
        return 2;
    }
    hss_store *st = hss_cli_open_db(db, 0);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    hss_table *t;
    int rc = hss_auth_audit_query(st, user, since, &t, &err) ? hss_cli_fail(&err) : 0;
    if (!rc) {
        hss_table_write(t, f, stdout);
        hss_table_free(t);
    }
    hss_store_close(st);
    return rc;
}
