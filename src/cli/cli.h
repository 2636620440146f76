/*
 * cli: the `hss` command. Thin by design (see STYLE.md, curl): each subcommand parses its
 * options, calls a module, prints the result and maps errors to exit codes.
 * Exit codes: 0 success, 1 failure reported on stderr, 2 usage error.
 */
#ifndef HSS_CLI_H
#define HSS_CLI_H

#include "base/base.h"
#include "report/report.h"
#include "store/store.h"

/* One subcommand per module file cmd_<module>.c. argv[0] is the subcommand name. */
int hss_cmd_import(int argc, char **argv);
int hss_cmd_export(int argc, char **argv);
int hss_cmd_areas(int argc, char **argv);
int hss_cmd_facilities(int argc, char **argv);
int hss_cmd_summary(int argc, char **argv);
int hss_cmd_demo(int argc, char **argv);
int hss_cmd_policy(int argc, char **argv);
int hss_cmd_evaluate(int argc, char **argv);
int hss_cmd_roads(int argc, char **argv);
int hss_cmd_access(int argc, char **argv);
int hss_cmd_site(int argc, char **argv);
int hss_cmd_data(int argc, char **argv);
int hss_cmd_indicators(int argc, char **argv);
int hss_cmd_surveil(int argc, char **argv);
int hss_cmd_residents(int argc, char **argv);
int hss_cmd_care(int argc, char **argv);
int hss_cmd_worklist(int argc, char **argv);
int hss_cmd_serve(int argc, char **argv);
int hss_cmd_user(int argc, char **argv);
int hss_cmd_audit(int argc, char **argv);
int hss_cmd_fhir(int argc, char **argv);
int hss_cmd_client(int argc, char **argv);
int hss_cmd_ems(int argc, char **argv);
int hss_cmd_aed(int argc, char **argv);
int hss_cmd_tasks(int argc, char **argv);
int hss_cmd_rectify(int argc, char **argv);
int hss_cmd_bulletin(int argc, char **argv);
/* `hss evaluate --save|--compare|--saved|--snapshot` (cmd_plan.c): returns 1 and sets *rc when
 * it handled the command, 0 when argv is a plain evaluation. */
int hss_cli_evaluate_saved(int argc, char **argv, int *rc);
int hss_cmd_rounds(int argc, char **argv);
int hss_cmd_copy(int argc, char **argv);

/* Shared helpers. */
/* Prints "hss: <msg>" to stderr and returns 1. */
int hss_cli_fail(const hss_error *err);
/* Prints a usage message for `cmd` to stderr and returns 2. */
int hss_cli_usage(const char *usage);
/* When argv[1] asks for help (--help, -h), prints the usage to stdout and returns 1; else 0. */
int hss_cli_help(int argc, char **argv, const char *usage);
/* Opens an existing database named by --db, printing the error on failure. */
/* Opens the database; every transaction that changes it also writes one audit row (cli_write,
 * the system user, the command line set by hss_cli_set_command). */
hss_store *hss_cli_open_db(const char *path, int create);
void hss_cli_set_command(int argc, char **argv);
/* A commit hook writing the command's audit row whatever the audit table already holds (hss copy
 * fills it from the source, which would look like a row the command wrote itself). */
hss_code hss_cli_audit_always(hss_store *st, void *ctx, hss_error *err);
/* Parses --format into *out, printing an error for a bad value. Returns 0 on success. */
int hss_cli_format(const char *s, hss_format *out);
/* The value of option `name` at argv[*i] ("--x v", stepping *i past v, or "--x=v"); NULL when
 * argv[*i] is another option, or when v is missing (then *missing = 1). */
const char *hss_cli_opt(int argc, char **argv, int *i, const char *name, int *missing);

#endif
