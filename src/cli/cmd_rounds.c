/* cmd_rounds.c: `hss rounds`: import and list mobile-clinic rounds and stationed doctors, village
 * coverage, planning, and a village's schedule. Thin: parse options, call src/rounds/rounds.h,
 * print through report/. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "rounds/rounds.h"

static const char USAGE[] =
    "hss rounds import --db F FILE.csv          (rounds, or stationed doctors: see docs/rounds.md)\n"
    "       hss rounds list --db F [--under AREA] [--stationed] [--format table|csv|json]\n"
    "       hss rounds coverage --db F [--under AREA] [--minutes 20] [--visits-per-week RULE] [--format ...]\n"
    "       hss rounds plan --db F [--vehicles 2] [--days 5] [--hours 8] [--dwell 60] [--visits-per-week RULE]\n"
    "                       [--minutes 20] [--no-clinic] [--home CODE] [--under AREA] [--save]\n"
    "                       [--format table|csv|json]\n"
    "       hss rounds schedule --db F --village CODE [--from YYYY-MM-DD] [--days 14] [--format ...]\n"
    "  RULE: visits a week, e.g. 1 or 1,2:1000 (twice a week for villages over 1000 residents)";

typedef struct {
    const char *db, *file, *under, *fmt, *rule, *home, *village, *from;
    const char *vehicles, *days, *hours, *dwell, *minutes;
    int stationed, save, no_clinic;
} args;

static int parse_args(int argc, char **argv, args *a)
{
    struct {
        const char *name;
        const char **dst;
    } opts[] = {{"--db", &a->db},           {"--under", &a->under},     {"--format", &a->fmt},
                {"--visits-per-week", &a->rule}, {"--home", &a->home}, {"--village", &a->village},
                {"--from", &a->from},       {"--vehicles", &a->vehicles}, {"--days", &a->days},
                {"--hours", &a->hours},     {"--dwell", &a->dwell},     {"--minutes", &a->minutes}};
    for (int i = 2; i < argc; i++) {
        int missing = 0, hit = 0;
        if (strcmp(argv[i], "--stationed") == 0) {
            a->stationed = 1;
            continue;
        }
        if (strcmp(argv[i], "--no-clinic") == 0) {
            a->no_clinic = 1;
            continue;
        }
        if (strcmp(argv[i], "--save") == 0) {
            a->save = 1;
            continue;
        }
        for (size_t k = 0; k < sizeof opts / sizeof *opts && !hit; k++) {
            const char *v = hss_cli_opt(argc, argv, &i, opts[k].name, &missing);
            if (v) {
                *opts[k].dst = v;
                hit = 1;
            }
        }
        if (hit)
            continue;
        if (missing || argv[i][0] == '-' || a->file)
            return -1;
        a->file = argv[i];
    }
    return 0;
}

static int num(const char *name, const char *s, double lo, double hi, double *out)
{
    if (!s)
        return 0;
    if (hss_parse_double(s, out) || *out < lo || *out > hi) {
        fprintf(stderr, "hss: %s must be a number from %g to %g, not '%s'\n", name, lo, hi, s);
        return -1;
    }
    return 0;
}

/* Call the module first, then this: `t` is read after the call has set it. */
static int print_table(hss_code rc, hss_table *t, const hss_error *err, hss_format fmt)
{
    if (rc)
        return hss_cli_fail(err);
    hss_table_write(t, fmt, stdout);
    hss_table_free(t);
    return 0;
}

static int run_import(hss_store *st, const args *a)
{
    hss_error err;
    hss_error_clear(&err);
    hss_rounds_import_stats s;
    if (hss_rounds_import(st, a->file, &s, &err))
        return hss_cli_fail(&err);
    printf("%s: %zu rounds, %zu stops, %zu stationed doctors stored\n", a->file, s.rounds, s.stops, s.stationed);
    return 0;
}

static int run_plan(hss_store *st, const args *a, hss_format fmt, int json)
{
    hss_rounds_plan_opts o;
    hss_rounds_plan_defaults(&o);
    double vehicles = o.vehicles, days = o.days;
    hss_error err;
    hss_error_clear(&err);
    if (num("--vehicles", a->vehicles, 1, 1000, &vehicles) || num("--days", a->days, 1, 7, &days) ||
        num("--hours", a->hours, 0.5, 24, &o.hours) || num("--dwell", a->dwell, 1, 720, &o.dwell_min) ||
        num("--minutes", a->minutes, 0, 600, &o.minutes))
        return 2;
    o.vehicles = (int)vehicles;
    o.days = (int)days;
    o.home = a->home;
    o.no_clinic = a->no_clinic;
    o.under = a->under;
    if (hss_rounds_rule_parse(a->rule, &o.rule, &err))
        return hss_cli_fail(&err);
    hss_rounds_plan *p = NULL;
    if (hss_rounds_plan_make(st, &o, &p, &err) || (a->save && hss_rounds_plan_save(st, p, 0, &err))) {
        hss_rounds_plan_free(p);
        return hss_cli_fail(&err);
    }
    if (json) {
        char *s = hss_rounds_plan_json(p);
        printf("%s\n", s);
        free(s);
    } else {
        hss_table *t = hss_rounds_plan_routes(p);
        hss_table_write(t, fmt, stdout);
        hss_table_free(t);
        t = hss_rounds_plan_summary(p);
        printf("\n");
        hss_table_write(t, fmt, stdout);
        hss_table_free(t);
        printf("\nplanned in %.2f s; gap = (weekly driving - lower bound) / weekly driving\n", p->seconds);
    }
    hss_rounds_plan_free(p);
    return 0;
}

int hss_cmd_rounds(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0)
        return argc < 2 ? hss_cli_usage(USAGE) : (printf("usage: %s\n", USAGE), 0);
    args a;
    memset(&a, 0, sizeof a);
    a.fmt = "table";
    const char *sub = argv[1];
    if (parse_args(argc, argv, &a))
        return hss_cli_usage(USAGE);
    int json = strcmp(a.fmt, "json") == 0;
    hss_format fmt;
    if (hss_cli_format(a.fmt, &fmt) != 0)
        return 2;
    if (strcmp(sub, "import") == 0 && !a.file)
        return hss_cli_usage(USAGE);
    if (strcmp(sub, "schedule") == 0 && !a.village)
        return hss_cli_usage(USAGE);
    hss_store *st = hss_cli_open_db(a.db, 0);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    hss_table *t = NULL;
    int rc = 2;
    if (strcmp(sub, "import") == 0)
        rc = run_import(st, &a);
    else if (strcmp(sub, "list") == 0) {
        hss_code c = a.stationed ? hss_rounds_stationed_list(st, a.under, &t, &err) : hss_rounds_list(st, a.under, &t, &err);
        rc = print_table(c, t, &err, fmt);
    }
    else if (strcmp(sub, "coverage") == 0) {
        hss_rounds_cover_opts o;
        hss_rounds_cover_defaults(&o);
        if (num("--minutes", a.minutes, 0, 600, &o.minutes) == 0) {
            hss_code c = hss_rounds_rule_parse(a.rule, &o.rule, &err);
            if (!c)
                c = hss_rounds_coverage_table(st, a.under, &o, &t, &err);
            rc = print_table(c, t, &err, fmt);
        }
    } else if (strcmp(sub, "plan") == 0)
        rc = run_plan(st, &a, fmt, json);
    else if (strcmp(sub, "schedule") == 0) {
        double days = 14;
        if (num("--days", a.days, 1, 366, &days) == 0) {
            hss_code c = hss_rounds_schedule(st, a.village, a.from, (int)days, &t, &err);
            rc = print_table(c, t, &err, fmt);
        }
    } else
        rc = hss_cli_usage(USAGE);
    hss_store_close(st);
    return rc;
}
