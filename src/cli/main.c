/*
 * main.c: `hss` entry point and subcommand dispatch.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} command;

static const command COMMANDS[] = {
    {"demo", hss_cmd_demo, "build a demo region from real public data (lishui|yiwu|nanyang|liaocheng)"},
    {"import", hss_cmd_import, "import areas|facilities|staff|vehicles|boundaries from CSV/GeoJSON"},
    {"export", hss_cmd_export, "export areas|facilities|staff|vehicles|boundaries as CSV/JSON/GeoJSON"},
    {"areas", hss_cmd_areas, "list areas of the division tree"},
    {"facilities", hss_cmd_facilities, "list facilities"},
    {"summary", hss_cmd_summary, "residents, facilities, beds, staff and ambulances per area"},
    {"policy", hss_cmd_policy, "check a policy pack, show a pack's coverage of its documents"},
    {"evaluate", hss_cmd_evaluate, "evaluate the region against a policy pack"},
    {"roads", hss_cmd_roads, "import a road network (OSM PBF/XML or CSV edges)"},
    {"access", hss_cmd_access, "travel-time coverage of facility types"},
    {"site", hss_cmd_site, "propose sites for new facilities"},
    {"data", hss_cmd_data, "import monthly activity data values"},
    {"indicators", hss_cmd_indicators, "monitoring indicators against targets"},
    {"surveil", hss_cmd_surveil, "outbreak detection, alerts and evaluation"},
    {"residents", hss_cmd_residents, "import and look up residents"},
    {"care", hss_cmd_care, "contracts, referrals and chronic-disease follow-ups"},
    {"worklist", hss_cmd_worklist, "who is due, overdue, or needs re-check or referral"},
    {"serve", hss_cmd_serve, "serve the dashboard and the HTTP API"},
    {"user", hss_cmd_user, "manage dashboard users"},
    {"audit", hss_cmd_audit, "show the audit log"},
    {"fhir", hss_cmd_fhir, "HL7 FHIR R4 bulk export (NDJSON) and Bundle import"},
    {"client", hss_cmd_client, "system clients of the FHIR API (bearer tokens)"},
    {"ems", hss_cmd_ems, "120: units, calls, measured response times, dispatch, simulation"},
    {"aed", hss_cmd_aed, "AED registry, the five-minute first-aid circle, where next AEDs help"},
    {"tasks", hss_cmd_tasks, "plan tasks: load, list, report progress with evidence, review"},
    {"rectify", hss_cmd_rectify, "整改: assign a failed finding to a unit with a deadline; list items"},
    {"bulletin", hss_cmd_bulletin, "the monthly bulletin (通报) ranking the counties, HTML and PDF"},
    {"rounds", hss_cmd_rounds, "mobile-clinic rounds, village coverage, round planning, village schedules"},
    {"copy", hss_cmd_copy, "move a region to another database (SQLite or PostgreSQL) and check every table"},
    {"help", NULL, "a command's usage: hss help COMMAND (the man page is built from the same text)"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: hss COMMAND [OPTIONS]\n\n"
                 "HSS: run and steer a region's medical and health service system.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++)
        fprintf(out, "  %-12s %s\n", COMMANDS[i].name, COMMANDS[i].help);
    fprintf(out, "\nRun `hss COMMAND --help` for a command's options.\n");
}

/* `hss help [COMMAND]`: the command's own --help text, so that the usage shown by a mistake, by
 * --help, by `hss help` and in the man page (mk/man.sh) is one text. */
static int help(int argc, char **argv)
{
    if (argc < 2) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++)
        if (COMMANDS[i].run && strcmp(argv[1], COMMANDS[i].name) == 0) {
            static char flag[] = "--help";
            char *args[] = {argv[1], flag, NULL};
            return COMMANDS[i].run(2, args);
        }
    fprintf(stderr, "hss: no command '%s'; `hss help` lists them\n", argv[1]);
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "help") == 0)
        return help(argc - 1, argv + 1);
    for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++)
        if (COMMANDS[i].run && strcmp(argv[1], COMMANDS[i].name) == 0) {
            hss_cli_set_command(argc, argv); /* the command line, for the CLI's audit rows */
            return COMMANDS[i].run(argc - 1, argv + 1);
        }
    const char *names[64];
    size_t n = sizeof COMMANDS / sizeof *COMMANDS;
    for (size_t i = 0; i < n; i++)
        names[i] = COMMANDS[i].name;
    const char *s = hss_suggest(argv[1], names, n);
    fprintf(stderr, "hss: unknown command '%s'%s%s%s\n", argv[1], s ? " (did you mean '" : "",
            s ? s : "", s ? "'?)" : "");
    return 2;
}
