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

/* The one way every subcommand reaches the module: the database named by --db is opened, the
 * call made with `ctx` and the database closed. 0 when the call succeeded; 1 after saying why
 * not (or why the database would not open). */
typedef hss_code (*db_call)(hss_store *st, void *ctx, hss_error *err);

static int on_db(const char *db, db_call call, void *ctx)
{
    hss_store *st = hss_cli_open_db(db, 0);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    hss_code rc = call(st, ctx, &err);
    hss_store_close(st);
    return rc ? hss_cli_fail(&err) : 0;
}

typedef struct {
    const char *file;
    int units;
    size_t n;
} import_call;

static hss_code do_import(hss_store *st, void *ctx, hss_error *err)
{
    import_call *c = ctx;
    return c->units ? hss_ems_units_import(st, c->file, &c->n, err) : hss_ems_calls_import(st, c->file, 0, &c->n, err);
}

static int cmd_import(const ems_opts *o, int units)
{
    if (!o->file)
        return hss_cli_usage(EMS_USAGE);
    import_call c = {o->file, units, 0};
    if (on_db(o->db, do_import, &c))
        return 1;
    printf("imported %zu %s from %s\n", c.n, units ? "units" : "calls", o->file);
    return 0;
}

typedef struct {
    const char *under;
    int64_t at;
    hss_table *t;
} units_call;

static hss_code do_units(hss_store *st, void *ctx, hss_error *err)
{
    units_call *c = ctx;
    return hss_ems_units_table(st, c->under, c->at, &c->t, err);
}

static int cmd_units(const ems_opts *o)
{
    units_call c = {o->under, HSS_EMS_NO_TIME, NULL};
    if (time_opt("--at", o->at, 0, &c.at))
        return 2;
    return on_db(o->db, do_units, &c) ? 1 : print_table(c.t, o->format);
}

typedef struct {
    const hss_ems_perf_query *q;
    int json;
    hss_table *areas, *units, *worst;
} perf_call;

static hss_code do_performance(hss_store *st, void *ctx, hss_error *err)
{
    perf_call *c = ctx;
    return hss_ems_performance(st, c->q, &c->areas, c->json ? NULL : &c->units, c->json ? NULL : &c->worst, err);
}

static int cmd_performance(const ems_opts *o)
{
    hss_ems_perf_query q = {o->under, o->by ? o->by : "county", HSS_EMS_NO_TIME, HSS_EMS_NO_TIME};
    if (time_opt("--from", o->from, 1, &q.from) || time_opt("--to", o->to, 1, &q.to))
        return 2;
    if (o->to && strlen(o->to) == 10)
        q.to += 86400; /* --to names the last day included */
    int json = o->format && strcmp(o->format, "json") == 0;
    perf_call c = {&q, json, NULL, NULL, NULL};
    if (on_db(o->db, do_performance, &c))
        return 1;
    hss_table *areas = c.areas, *units = c.units, *worst = c.worst;
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

typedef struct {
    int64_t at;
    double lon, lat;
    const char *category;
    hss_ems_dispatch_result r;
} dispatch_call;

static hss_code do_dispatch(hss_store *st, void *ctx, hss_error *err)
{
    dispatch_call *c = ctx;
    return hss_ems_dispatch(st, c->at, c->lon, c->lat, c->category, &c->r, err);
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
    dispatch_call c = {at, lon, lat, o->category, {0}};
    if (on_db(o->db, do_dispatch, &c))
        return 1;
    print_dispatch(&c.r, o->format && strcmp(o->format, "json") == 0);
    return 0;
}

typedef struct {
    const ems_opts *o;
    int64_t at;
} state_call;

static hss_code do_state(hss_store *st, void *ctx, hss_error *err)
{
    const state_call *c = ctx;
    return hss_ems_unit_set_state(st, c->o->unit, c->o->state, c->at, c->o->user ? c->o->user : "cli", err);
}

static int cmd_state(const ems_opts *o)
{
    int64_t at = HSS_EMS_NO_TIME;
    if (!o->unit || !o->state)
        return hss_cli_usage(EMS_USAGE);
    if (time_opt("--at", o->at, 0, &at))
        return 2;
    state_call c = {o, at};
    if (on_db(o->db, do_state, &c))
        return 1;
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

typedef struct {
    const hss_ems_sim_opts *s;
    hss_ems_sim_result r;
} sim_call;

static hss_code do_simulate(hss_store *st, void *ctx, hss_error *err)
{
    sim_call *c = ctx;
    return hss_ems_simulate(st, c->s, &c->r, NULL, err);
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
    sim_call c = {&s, {0}};
    if (on_db(o->db, do_simulate, &c))
        return 1;
    print_sim(&c.r, o->format && strcmp(o->format, "json") == 0);
    return 0;
}

typedef struct {
    const hss_ems_plan_opts *p;
    hss_table *steps, *sum;
} plan_call;

static hss_code do_plan(hss_store *st, void *ctx, hss_error *err)
{
    plan_call *c = ctx;
    return hss_ems_plan(st, c->p, &c->steps, &c->sum, err);
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
    plan_call c = {&p, NULL, NULL};
    if (on_db(o->db, do_plan, &c))
        return 1;
    hss_table *steps = c.steps, *sum = c.sum;
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

typedef struct {
    uint64_t seed;
    double rate;
    int year;
    size_t units, calls;
} demo_call;

static hss_code do_demo(hss_store *st, void *ctx, hss_error *err)
{
    demo_call *c = ctx;
    return hss_ems_demo(st, c->seed, c->rate, c->year, &c->units, &c->calls, err);
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
    demo_call c = {(uint64_t)seed, rate, (int)year, 0, 0};
    if (on_db(o->db, do_demo, &c))
        return 1;
    printf("generated %zu units and %zu calls of %d (labelled generated)\n", c.units, c.calls, (int)year);
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

typedef struct {
    const char *sub; /* import, coverage or plan */
    const ems_opts *o;
    double minutes;
    const char *day;
    size_t add;
    hss_table *t;
    size_t n;
} aed_call;

static hss_code do_aed(hss_store *st, void *ctx, hss_error *err)
{
    aed_call *c = ctx;
    if (strcmp(c->sub, "import") == 0)
        return hss_aed_import(st, c->o->file, &c->n, err);
    if (strcmp(c->sub, "coverage") == 0)
        return hss_aed_coverage(st, c->o->under, c->minutes, c->day, &c->t, err);
    return hss_aed_plan(st, c->o->under, c->minutes, c->day, c->add, &c->t, err);
}

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
    const char *sub = argv[1];
    if (!(strcmp(sub, "import") == 0 && o.file) && strcmp(sub, "coverage") != 0 && strcmp(sub, "plan") != 0)
        return hss_cli_usage(AED_USAGE);
    aed_call c = {sub, &o, minutes, day, (size_t)add, NULL, 0};
    if (on_db(o.db, do_aed, &c))
        return 1;
    if (!c.t) {
        printf("imported %zu AEDs from %s\n", c.n, o.file);
        return 0;
    }
    return print_table(c.t, o.format);
}
