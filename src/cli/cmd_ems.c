/* cmd_ems.c: `hss ems ...`, the 120 module's commands: units import / units, calls import,
 * performance, dispatch, state, simulate, plan, demo; and `hss aed ...` (import, coverage, plan). Thin: parse options, call src/ems/ems.h, print. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ems/ems.h"

static const char EMS_USAGE[] =
    "hss ems units import --db F FILE.csv      (unit,station_code,kind,doctors,drivers,aides)\n"
    "       hss ems units --db F [--under AREA] [--at TIME] [--format table|csv|json]\n"
    "       hss ems calls import --db F FILE.csv\n"
    "       hss ems performance --db F [--under AREA] [--from DAY --to DAY] [--by county|township|month]\n"
    "                           [--format table|csv|json]\n"
    "       hss ems dispatch --db F --at TIME --lon X --lat Y [--category chest_pain|stroke|trauma|...]\n"
    "                        [--format table|json]\n"
    "       hss ems state --db F --unit U --state available|dispatched|on_scene|transporting|at_hospital|out_of_service\n"
    "                     [--at TIME] [--user NAME]\n"
    "       hss ems simulate --db F [--calls FILE.csv | --stored | --rate PER_1000_PER_YEAR] [--days N] [--seed N]\n"
    "                        [--under AREA] [--add-station LON,LAT[,UNITS]] [--add-units STATION:N]\n"
    "                        [--format table|json]\n"
    "       hss ems plan --db F [--under AREA] [--units N] [--busy Q] [--new-sites] [--format table|csv|json]\n"
    "       hss ems demo --db F [--rate PER_1000_PER_YEAR] [--seed N] [--year Y]   (generated units and calls)\n"
    "  TIME is ISO 8601 with offset, e.g. 2025-03-01T08:15:00+08:00; DAY is YYYY-MM-DD (Asia/Shanghai).";

/* Options of every subcommand, by name; unknown options are refused. */
typedef struct ems_opts {
    const char *db, *under, *at, *from, *to, *by, *format, *lon, *lat, *category, *unit, *state, *user;
    const char *calls, *rate, *days, *seed, *add_station, *add_units, *year, *units, *busy, *minutes, *day, *add, *file;
    int stored, new_sites;
} ems_opts;

static const char **slot(ems_opts *o, const char *name)
{
    static const char *const names[] = {"--db", "--under", "--at", "--from", "--to", "--by", "--format",
                                        "--lon", "--lat", "--category", "--unit", "--state", "--user",
                                        "--calls", "--rate", "--days", "--seed", "--add-station", "--add-units", "--year", "--units", "--busy", "--minutes", "--day", "--add"};
    const char **slots[] = {&o->db, &o->under, &o->at, &o->from, &o->to, &o->by, &o->format, &o->lon,
                            &o->lat, &o->category, &o->unit, &o->state, &o->user, &o->calls, &o->rate,
                            &o->days, &o->seed, &o->add_station, &o->add_units, &o->year, &o->units, &o->busy, &o->minutes, &o->day, &o->add};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i]) == 0)
            return slots[i];
    return NULL;
}

/* Parses argv[from..) into o. Returns 0, or 2 after printing a usage error. */
static int parse(int argc, char **argv, int from, ems_opts *o)
{
    for (int i = from; i < argc; i++) {
        if (strcmp(argv[i], "--stored") == 0 || strcmp(argv[i], "--new-sites") == 0) {
            *(argv[i][2] == 's' ? &o->stored : &o->new_sites) = 1;
            continue;
        }
        const char **s = slot(o, argv[i]);
        if (s && i + 1 < argc) {
            *s = argv[++i];
        } else if (argv[i][0] != '-' && !o->file) {
            o->file = argv[i];
        } else {
            fprintf(stderr, "hss ems: unknown or incomplete option '%s'\n", argv[i]);
            return hss_cli_usage(EMS_USAGE);
        }
    }
    if (!o->db) {
        fprintf(stderr, "hss ems: --db is required\n");
        return hss_cli_usage(EMS_USAGE);
    }
    return 0;
}

static int time_opt(const char *name, const char *v, int day, int64_t *out)
{
    if (!v)
        return 0;
    if ((day ? hss_ems_day_parse(v, out) : hss_ems_time_parse(v, out)) != 0) {
        fprintf(stderr, "hss ems: %s: '%s' is not a %s\n", name, v,
                day ? "day (YYYY-MM-DD) or time" : "time with offset (2025-03-01T08:15:00+08:00)");
        return 2;
    }
    return 0;
}

static int num_opt(const char *name, const char *v, double *out)
{
    if (v && hss_parse_double(v, out) != 0) {
        fprintf(stderr, "hss ems: %s needs a number, not '%s'\n", name, v);
        return 2;
    }
    return 0;
}

static int print_table(hss_table *t, const char *fmt_s)
{
    hss_format fmt;
    if (hss_cli_format(fmt_s ? fmt_s : "table", &fmt)) {
        hss_table_free(t);
        return 2;
    }
    hss_table_write(t, fmt, stdout);
    hss_table_free(t);
    return 0;
}

static int cmd_import(const ems_opts *o, int units)
{
    if (!o->file)
        return hss_cli_usage(EMS_USAGE);
    hss_store *st = hss_cli_open_db(o->db, 0);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    size_t n = 0;
    hss_code rc = units ? hss_ems_units_import(st, o->file, &n, &err)
                        : hss_ems_calls_import(st, o->file, 0, &n, &err);
    hss_store_close(st);
    if (rc)
        return hss_cli_fail(&err);
    printf("imported %zu %s from %s\n", n, units ? "units" : "calls", o->file);
    return 0;
}

static int cmd_units(const ems_opts *o)
{
    int64_t at = HSS_EMS_NO_TIME;
    if (time_opt("--at", o->at, 0, &at))
        return 2;
    hss_store *st = hss_cli_open_db(o->db, 0);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    hss_table *t = NULL;
    hss_code rc = hss_ems_units_table(st, o->under, at, &t, &err);
    hss_store_close(st);
    return rc ? hss_cli_fail(&err) : print_table(t, o->format);
}

static int cmd_performance(const ems_opts *o)
{
    hss_ems_perf_query q = {o->under, o->by ? o->by : "county", HSS_EMS_NO_TIME, HSS_EMS_NO_TIME};
    if (time_opt("--from", o->from, 1, &q.from) || time_opt("--to", o->to, 1, &q.to))
        return 2;
    if (o->to && strlen(o->to) == 10)
        q.to += 86400; /* --to names the last day included */
    hss_store *st = hss_cli_open_db(o->db, 0);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    hss_table *areas = NULL, *units = NULL, *worst = NULL;
    int json = o->format && strcmp(o->format, "json") == 0;
    hss_code rc = hss_ems_performance(st, &q, &areas, json ? NULL : &units, json ? NULL : &worst, &err);
    hss_store_close(st);
    if (rc)
        return hss_cli_fail(&err);
    if (json)
        return print_table(areas, "json");
    int bad = print_table(areas, o->format);
    if (!bad && !(o->format && strcmp(o->format, "csv") == 0)) {
        printf("\nunits\n");
        bad = print_table(units, o->format);
        units = NULL;
        printf("\nvillages with the worst mean response (at least 3 calls)\n");
        bad = bad ? bad : print_table(worst, o->format);
        worst = NULL;
    }
    hss_table_free(units);
    hss_table_free(worst);
    return bad;
}

static void print_dispatch(const hss_ems_dispatch_result *r, int json)
{
    if (json) {
        printf("{\"unit\": ");
        if (r->found)
            printf("\"%s\", \"station\": \"%s\", \"minutes\": %.2f", r->best.unit, r->best.station, r->best.minutes);
        else
            printf("null, \"station\": null, \"minutes\": null");
        printf(", \"alternatives\": [");
        for (size_t i = 0; i < r->nalt; i++)
            printf("%s{\"unit\": \"%s\", \"station\": \"%s\", \"minutes\": %.2f}", i ? ", " : "", r->alt[i].unit,
                   r->alt[i].station, r->alt[i].minutes);
        printf("], \"busy\": %zu, \"hospital\": ", r->busy);
        if (*r->hospital)
            printf("\"%s\", \"hospital_service\": \"%s\", \"hospital_minutes\": %.2f}\n", r->hospital,
                   r->hospital_service, r->hospital_minutes);
        else
            printf("null}\n");
        return;
    }
    if (!r->found)
        printf("no available unit reaches the call (%zu busy)\n", r->busy);
    else
        printf("unit %s from %s (%s): %.1f min by road\n", r->best.unit, r->best.station,
               r->best.station_name, r->best.minutes);
    for (size_t i = 0; i < r->nalt; i++)
        printf("  next: %s from %s: %.1f min\n", r->alt[i].unit, r->alt[i].station, r->alt[i].minutes);
    if (*r->hospital)
        printf("receiving hospital: %s %s (%s), %.1f min from the scene\n", r->hospital, r->hospital_name,
               *r->hospital_service ? r->hospital_service : "nearest with an emergency department",
               r->hospital_minutes);
}

static int cmd_dispatch(const ems_opts *o)
{
    int64_t at;
    double lon = NAN, lat = NAN;
    if (!o->at || !o->lon || !o->lat) {
        fprintf(stderr, "hss ems dispatch: --at, --lon and --lat are required\n");
        return hss_cli_usage(EMS_USAGE);
    }
    if (time_opt("--at", o->at, 0, &at) || num_opt("--lon", o->lon, &lon) || num_opt("--lat", o->lat, &lat))
        return 2;
    hss_store *st = hss_cli_open_db(o->db, 0);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    hss_ems_dispatch_result r;
    hss_code rc = hss_ems_dispatch(st, at, lon, lat, o->category, &r, &err);
    hss_store_close(st);
    if (rc)
        return hss_cli_fail(&err);
    print_dispatch(&r, o->format && strcmp(o->format, "json") == 0);
    return 0;
}

static int cmd_state(const ems_opts *o)
{
    int64_t at = HSS_EMS_NO_TIME;
    if (!o->unit || !o->state)
        return hss_cli_usage(EMS_USAGE);
    if (time_opt("--at", o->at, 0, &at))
        return 2;
    hss_store *st = hss_cli_open_db(o->db, 0);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    hss_code rc = hss_ems_unit_set_state(st, o->unit, o->state, at, o->user ? o->user : "cli", &err);
    hss_store_close(st);
    if (rc)
        return hss_cli_fail(&err);
    printf("unit %s is now %s\n", o->unit, o->state);
    return 0;
}

/* --add-station LON,LAT[,UNITS] and --add-units STATION:N */
static int what_ifs(const ems_opts *o, hss_ems_sim_opts *s, char *station, size_t len)
{
    if (o->add_station) {
        s->add_station_units = 1;
        int k = sscanf(o->add_station, "%lf,%lf,%d", &s->add_lon, &s->add_lat, &s->add_station_units);
        if (k < 2 || s->add_station_units < 1 || s->add_station_units > 50) {
            fprintf(stderr, "hss ems: --add-station needs LON,LAT[,UNITS], not '%s'\n", o->add_station);
            return 2;
        }
        s->add_station = 1;
    }
    if (o->add_units) {
        const char *c = strrchr(o->add_units, ':');
        if (!c || (size_t)(c - o->add_units) >= len || sscanf(c + 1, "%d", &s->add_units) != 1 ||
            s->add_units < 1 || s->add_units > 50) {
            fprintf(stderr, "hss ems: --add-units needs STATION:N, not '%s'\n", o->add_units);
            return 2;
        }
        memcpy(station, o->add_units, (size_t)(c - o->add_units));
        station[c - o->add_units] = '\0';
        s->add_units_station = station;
    }
    return 0;
}

static void print_sim(const hss_ems_sim_result *r, int json)
{
    if (json) {
        printf("{\"calls\": %zu, \"served\": %zu, \"queued\": %zu, \"unreachable\": %zu, "
               "\"response_mean\": %.2f, \"response_median\": %.2f, \"response_p90\": %.2f, "
               "\"urban_mean\": %.2f, \"rural_mean\": %.2f, \"queue_mean\": %.2f, \"units\": %zu, "
               "\"stations\": %zu, \"intervals\": \"%s\"",
               r->calls, r->served, r->queued, r->unreachable, r->response_mean, r->response_median,
               r->response_p90, isnan(r->urban_mean) ? -1 : r->urban_mean,
               isnan(r->rural_mean) ? -1 : r->rural_mean, r->queue_mean, r->units, r->stations,
               r->intervals_measured ? "measured" : "defaults");
        if (r->measured_calls)
            printf(", \"measured_mean\": %.2f, \"measured_calls\": %zu", r->measured_mean, r->measured_calls);
        printf("}\n");
        return;
    }
    printf("simulated %zu calls with %zu units at %zu stations (%.3f s)\n", r->calls, r->units, r->stations,
           r->seconds);
    printf("response (call to scene): mean %.2f, median %.2f, p90 %.2f min; urban mean %.2f, rural mean %.2f\n",
           r->response_mean, r->response_median, r->response_p90, r->urban_mean, r->rural_mean);
    printf("%zu calls waited for a free unit (mean wait %.2f min); %zu unreachable by road\n", r->queued,
           r->queue_mean, r->unreachable);
    printf("scene, transport and handover times: %s\n",
           r->intervals_measured ? "drawn from the measured records"
                                 : "defaults (scene 15, transport 20, handover 10 min; dispatch 1, turnout 2)");
    if (r->measured_calls)
        printf("the same calls as measured: mean response %.2f min over %zu calls\n", r->measured_mean,
               r->measured_calls);
}

static int cmd_simulate(const ems_opts *o)
{
    hss_ems_sim_opts s = {0};
    double rate = 0, days = 365, seed = 1;
    char station[128];
    if (num_opt("--rate", o->rate, &rate) || num_opt("--days", o->days, &days) || num_opt("--seed", o->seed, &seed) ||
        what_ifs(o, &s, station, sizeof station))
        return 2;
    if (days < 1 || days > 3660 || rate < 0 || seed < 0) {
        fprintf(stderr, "hss ems simulate: --days 1-3660, --rate and --seed not negative\n");
        return 2;
    }
    s.calls_file = o->calls;
    s.replay_stored = o->stored;
    s.rate = rate;
    s.days = (int)days;
    s.seed = (uint64_t)seed;
    s.under = o->under;
    if (!s.calls_file && !s.replay_stored && s.rate <= 0) {
        fprintf(stderr, "hss ems simulate: give --calls FILE, --stored or --rate R\n");
        return hss_cli_usage(EMS_USAGE);
    }
    hss_store *st = hss_cli_open_db(o->db, 0);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    hss_ems_sim_result r;
    hss_code rc = hss_ems_simulate(st, &s, &r, NULL, &err);
    hss_store_close(st);
    if (rc)
        return hss_cli_fail(&err);
    print_sim(&r, o->format && strcmp(o->format, "json") == 0);
    return 0;
}

static int cmd_plan(const ems_opts *o)
{
    double units = 0, busy = 0;
    if (num_opt("--units", o->units, &units) || num_opt("--busy", o->busy, &busy))
        return 2;
    if (units < 0 || units > 100000 || busy < 0 || busy >= 1) {
        fprintf(stderr, "hss ems plan: --units 0-100000, --busy from 0 to below 1\n");
        return 2;
    }
    hss_ems_plan_opts p = {o->under, (size_t)units, busy, o->new_sites};
    hss_store *st = hss_cli_open_db(o->db, 0);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    hss_table *steps = NULL, *sum = NULL;
    hss_code rc = hss_ems_plan(st, &p, &steps, &sum, &err);
    hss_store_close(st);
    if (rc)
        return hss_cli_fail(&err);
    if (o->format && strcmp(o->format, "json") == 0) {
        char *a = hss_table_render(sum, HSS_FORMAT_JSON), *b = hss_table_render(steps, HSS_FORMAT_JSON);
        printf("{\"summary\": %s, \"steps\": %s}\n", a, b);
        free(a);
        free(b);
        hss_table_free(sum);
        hss_table_free(steps);
        return 0;
    }
    if (o->format && strcmp(o->format, "csv") == 0) { /* one table per CSV: the steps */
        hss_table_free(sum);
        return print_table(steps, "csv");
    }
    int bad = print_table(sum, o->format);
    if (!bad)
        printf("\nambulances placed one at a time (MEXCLP greedy), with the gain of each\n");
    return bad ? (hss_table_free(steps), bad) : print_table(steps, o->format);
}

static int cmd_demo(const ems_opts *o)
{
    double rate = HSS_EMS_DEMO_RATE, seed = 1, year = 2025;
    if (num_opt("--rate", o->rate, &rate) || num_opt("--seed", o->seed, &seed) || num_opt("--year", o->year, &year))
        return 2;
    if (rate <= 0 || rate > 1000 || seed < 0 || year < 2000 || year > 2100) {
        fprintf(stderr, "hss ems demo: --rate 0-1000, --year 2000-2100\n");
        return 2;
    }
    hss_store *st = hss_cli_open_db(o->db, 0);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    size_t units = 0, calls = 0;
    hss_code rc = hss_ems_demo(st, (uint64_t)seed, rate, (int)year, &units, &calls, &err);
    hss_store_close(st);
    if (rc)
        return hss_cli_fail(&err);
    printf("generated %zu units and %zu calls of %d (labelled generated)\n", units, calls, (int)year);
    return 0;
}

int hss_cmd_ems(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0)
        return argc < 2 ? hss_cli_usage(EMS_USAGE) : (printf("usage: %s\n", EMS_USAGE), 0);
    const char *sub = argv[1];
    int is_import = argc > 2 && strcmp(argv[2], "import") == 0;
    ems_opts o = {0};
    int bad = parse(argc, argv, is_import ? 3 : 2, &o);
    if (bad)
        return bad;
    if (strcmp(sub, "units") == 0)
        return is_import ? cmd_import(&o, 1) : cmd_units(&o);
    if (strcmp(sub, "calls") == 0 && is_import)
        return cmd_import(&o, 0);
    if (strcmp(sub, "performance") == 0)
        return cmd_performance(&o);
    if (strcmp(sub, "dispatch") == 0)
        return cmd_dispatch(&o);
    if (strcmp(sub, "state") == 0)
        return cmd_state(&o);
    if (strcmp(sub, "simulate") == 0)
        return cmd_simulate(&o);
    if (strcmp(sub, "demo") == 0)
        return cmd_demo(&o);
    if (strcmp(sub, "plan") == 0)
        return cmd_plan(&o);
    fprintf(stderr, "hss ems: unknown subcommand '%s'\n", sub);
    return hss_cli_usage(EMS_USAGE);
}

static const char AED_USAGE[] =
    "hss aed import --db F FILE.csv     (code,lon,lat,venue,access_hours,status,expiry)\n"
    "       hss aed coverage --db F [--under AREA] [--minutes 5] [--day YYYY-MM-DD] [--format table|csv|json]\n"
    "       hss aed plan --db F [--under AREA] [--add N] [--minutes 5] [--day YYYY-MM-DD] [--format table|csv|json]\n"
    "  --day: AEDs past their expiry on that day do not count (default: today, UTC).";

int hss_cmd_aed(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0)
        return argc < 2 ? hss_cli_usage(AED_USAGE) : (printf("usage: %s\n", AED_USAGE), 0);
    ems_opts o = {0};
    int bad = parse(argc, argv, 2, &o);
    if (bad)
        return bad;
    double minutes = 5, add = 10;
    if (num_opt("--minutes", o.minutes, &minutes) || num_opt("--add", o.add, &add))
        return 2;
    if (minutes <= 0 || minutes > 60 || add < 1 || add > 1000) {
        fprintf(stderr, "hss aed: --minutes 0-60, --add 1-1000\n");
        return 2;
    }
    char today[21];
    hss_utc_timestamp(today);
    today[10] = '\0';
    const char *day = o.day ? o.day : today;
    hss_store *st = hss_cli_open_db(o.db, 0);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    hss_table *t = NULL;
    size_t n = 0;
    hss_code rc = HSS_EINVAL;
    if (strcmp(argv[1], "import") == 0 && o.file)
        rc = hss_aed_import(st, o.file, &n, &err);
    else if (strcmp(argv[1], "coverage") == 0)
        rc = hss_aed_coverage(st, o.under, minutes, day, &t, &err);
    else if (strcmp(argv[1], "plan") == 0)
        rc = hss_aed_plan(st, o.under, minutes, day, (size_t)add, &t, &err);
    else {
        hss_store_close(st);
        return hss_cli_usage(AED_USAGE);
    }
    hss_store_close(st);
    if (rc)
        return hss_cli_fail(&err);
    if (!t) {
        printf("imported %zu AEDs from %s\n", n, o.file);
        return 0;
    }
    return print_table(t, o.format);
}
