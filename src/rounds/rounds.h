/*
 * rounds: mobile clinics (智慧流动医院, 巡回诊疗车) and village service coverage, on the road
 * network of src/access/.
 *
 * A village (level-5 area with residents) is served by a clinic within the rural service circle,
 * by a stationed doctor (派驻), or by mobile-clinic rounds visiting it at least as often as the
 * visit rule asks. A round is one vehicle's fixed tour from its home facility, driven on the
 * weekdays of its pattern, visiting its stops in order with a dwell time at each.
 *
 * The pipeline: import (rounds and stationed doctors from CSV, strict, one transaction) ->
 * coverage (which villages are served and how) -> plan (a vehicle-routing plan for the villages
 * that need rounds: exact set-partitioning DP on small home groups, savings + local search on
 * larger ones, a lower bound, days and vehicles per county) -> schedule (what a village's
 * residents read: the next visits, the place and the time). This header is the whole public API.
 */
#ifndef HSS_ROUNDS_H
#define HSS_ROUNDS_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "report/report.h"
#include "store/store.h"

/* ---- import and list -------------------------------------------------------------------- */

/* What an import stored. */
typedef struct hss_rounds_import_stats {
    size_t rounds;    /* rounds created or replaced */
    size_t stops;     /* stops stored */
    size_t stationed; /* stationed-doctor rows created or replaced */
} hss_rounds_import_stats;

/* Imports a CSV file in one transaction (docs/rounds.md gives the formats). The header says
 * which kind: a file with a `round` column holds rounds (one row per stop:
 * round,vehicle,home,weekdays,start,seq,village,dwell_min[,place]); a file with a `doctors`
 * column holds stationed doctors (village,facility,doctors[,days_per_week]). A round in the
 * file replaces the stored round of that code. Any bad value fails the whole file with
 * file:line, field and value; one audit row records the import. */
hss_code hss_rounds_import(hss_store *st, const char *path, hss_rounds_import_stats *stats,
                           hss_error *err);

/* One row per stop, by round and order: round, county, vehicle, home, home_name, weekdays,
 * start, seq, village, village_name, dwell_min, place, generated. `under` NULL = all. */
hss_code hss_rounds_list(hss_store *st, const char *under, hss_table **out, hss_error *err);
/* Stationed doctors: village, village_name, facility, facility_name, county, doctors,
 * days_per_week, generated. */
hss_code hss_rounds_stationed_list(hss_store *st, const char *under, hss_table **out,
                                   hss_error *err);

/* ---- visit rule ------------------------------------------------------------------------- */

/* Visits per week a village needs from rounds, by residents: `base` for every village, or
 * `visits[k]` when it has more than `over[k]` residents (the largest matching threshold wins).
 * Text form: "1" or "1,2:1000" (weekly; twice a week above 1,000 residents). */
#define HSS_ROUNDS_RULE_MAX 4
typedef struct hss_rounds_rule {
    int base;
    size_t n;
    int visits[HSS_ROUNDS_RULE_MAX];
    int64_t over[HSS_ROUNDS_RULE_MAX];
} hss_rounds_rule;

hss_code hss_rounds_rule_parse(const char *text, hss_rounds_rule *out, hss_error *err);
int hss_rounds_rule_visits(const hss_rounds_rule *r, int64_t residents);

/* ---- coverage --------------------------------------------------------------------------- */

/* How villages are judged served. */
typedef struct hss_rounds_cover_opts {
    double minutes;       /* rural service circle: a clinic within this many minutes (default 20) */
    hss_rounds_rule rule; /* visits per week rounds must make */
    int clinics_count;    /* 1: a clinic in the circle serves; 0: only rounds and stationed doctors */
} hss_rounds_cover_opts;
void hss_rounds_cover_defaults(hss_rounds_cover_opts *o);

/* One village's state. */
typedef struct hss_rounds_village {
    char code[16], township[16], county[8];
    char *name;
    int64_t residents;
    double lon, lat;
    double clinic_min;  /* driving minutes to the nearest basic-level clinic (INFINITY: none) */
    char *clinic;       /* that clinic's code, NULL when none reached */
    int own_clinic;     /* village clinics located in the village itself */
    int stationed;      /* stationed doctors (派驻) */
    int visits;         /* mobile-clinic visits per week (sum over the rounds stopping there) */
    int required;       /* visits per week the rule asks */
    int by_clinic, by_stationed, by_rounds; /* each way it is served */
    int served;         /* served by any way the options count */
} hss_rounds_village;

/* Every village with residents under `under` (NULL = all), with how it is served. Fails with
 * HSS_ENOTFOUND when no road network is stored (the circle needs travel times). */
hss_code hss_rounds_villages(hss_store *st, const char *under, const hss_rounds_cover_opts *o,
                             hss_rounds_village **out, size_t *n, hss_error *err);
void hss_rounds_villages_free(hss_rounds_village *v, size_t n);

/* 1 when any mobile-clinic round or stationed doctor is stored (else coverage is unknown). */
int hss_rounds_recorded(hss_store *st);

/* Villages and those served under `under`, for the policy measures. HSS_ENOTFOUND when no
 * rounds and no stationed doctors are recorded at all (the measure is then unknown, not 0). */
hss_code hss_rounds_coverage_count(hss_store *st, const char *under, const hss_rounds_cover_opts *o,
                                   int64_t *villages, int64_t *served, hss_error *err);

/* Table for the CLI and API: village, name, county, residents, clinic_minutes, stationed,
 * visits_per_week, required, served_by (clinic|stationed|rounds|''), served (0/1), lon, lat. */
hss_code hss_rounds_coverage_table(hss_store *st, const char *under, const hss_rounds_cover_opts *o,
                                   hss_table **out, hss_error *err);

/* ---- planning --------------------------------------------------------------------------- */

typedef struct hss_rounds_plan_opts {
    int vehicles;         /* vehicles per county (default 2) */
    int days;             /* working days a week (default 5) */
    double hours;         /* hours in a working day, leaving and returning home (default 8) */
    double dwell_min;     /* minutes at each stop (default 60) */
    hss_rounds_rule rule; /* visits per week (default weekly) */
    double minutes;       /* rural service circle for "needs rounds" (default 20) */
    const char *home;     /* one home facility for every village in scope; NULL = each township's own */
    const char *under;    /* area scope; NULL = all (with `home`: the home's county) */
    int exact_max;        /* home groups up to this many villages are solved exactly (default 12) */
    int no_clinic;        /* 1: every village without a clinic of its own needs rounds (not only those
                           * outside the circle), as when a county plans 智慧流动医院 for all of them */
} hss_rounds_plan_opts;
void hss_rounds_plan_defaults(hss_rounds_plan_opts *o);

typedef struct hss_rounds_route {
    char county[8];
    int vehicle;         /* 1-based within the county's pool, per day */
    int round;           /* 1-based round within the county: the same stops on each of its days */
    char *home;          /* home facility code */
    int day;             /* 1 = Monday .. days */
    char **stops;        /* village codes in visit order */
    size_t nstops;
    double drive_minutes;
    double total_minutes; /* drive + dwell */
} hss_rounds_route;

typedef struct hss_rounds_county {
    char county[8];
    size_t villages;        /* villages needing rounds */
    size_t served;          /* of which in the plan */
    int vehicles;           /* vehicles given */
    int vehicles_needed;    /* vehicles for full coverage with this plan */
    int vehicles_held;      /* mobile_clinic vehicles stored for the county's facilities */
    double drive_minutes;   /* weekly */
    double lower_bound;     /* weekly, minutes */
} hss_rounds_county;

typedef struct hss_rounds_plan {
    hss_rounds_route *routes;
    size_t nroutes;
    char **unserved;        /* village codes no round can serve (too far or no vehicle left) */
    size_t nunserved;
    hss_rounds_county *counties;
    size_t ncounties;
    double drive_minutes;   /* weekly total */
    double lower_bound;     /* weekly total */
    double seconds;         /* planning time */
} hss_rounds_plan;

hss_code hss_rounds_plan_make(hss_store *st, const hss_rounds_plan_opts *o, hss_rounds_plan **out,
                              hss_error *err);
void hss_rounds_plan_free(hss_rounds_plan *p);
/* {"routes": [{"vehicle","home","day","stops","drive_minutes","total_minutes"}], "unserved",
 * "lower_bound_minutes"} (malloc'd). */
char *hss_rounds_plan_json(const hss_rounds_plan *p);
/* Routes as a table: county, vehicle, day, home, stops (space separated), drive_minutes,
 * total_minutes; and the per-county summary. */
hss_table *hss_rounds_plan_routes(const hss_rounds_plan *p);
hss_table *hss_rounds_plan_summary(const hss_rounds_plan *p);
/* Stores the plan's routes as rounds (one round per home tour, weekdays from its days), replacing
 * the stored generated rounds of the counties it covers; `generated` labels them. */
hss_code hss_rounds_plan_save(hss_store *st, const hss_rounds_plan *p, int generated, hss_error *err);

/* The demo hook: plans rounds for the villages of the demo region that need them (2 vehicles per
 * county, 5 days of 8 hours) and stores them labelled generated. Call inside the demo's
 * transaction after the roads are generated. */
hss_code hss_rounds_demo(hss_store *st, hss_error *err);

/* ---- the map ---------------------------------------------------------------------------- */

/* The rounds under `under` with coordinates and every village with how it is served, as one JSON
 * object (malloc'd): {"under", "rounds": [{"code","vehicle","home","home_name","home_lon",
 * "home_lat","weekdays","start","generated","stops": [{"village","name","lon","lat","dwell_min",
 * "place"}]}], "villages": [{"code","name","residents","lon","lat","served","served_by","visits",
 * "required"}], "villages_total", "villages_served", "coverage_error"}. Without a road network
 * the villages list is empty and coverage_error says why. */
hss_code hss_rounds_map_json(hss_store *st, const char *under, char **out, hss_error *err);

/* ---- residents' view -------------------------------------------------------------------- */

/* The next visits to a village from `from` (YYYY-MM-DD; NULL = today, Asia/Shanghai) over
 * `days` days: date, weekday, arrive, leave, place, round, vehicle, home, home_name. Arrival
 * times follow the road network when one is stored (else null). HSS_ENOTFOUND when the
 * village is not stored; no rows when no round stops there. */
hss_code hss_rounds_schedule(hss_store *st, const char *village, const char *from, int days,
                             hss_table **out, hss_error *err);

/* ---- the solver (pure; for tests and benchmarks) ------------------------------------------ */

/* One home and its villages: node 0 is home, 1..n the villages. t[i*(n+1)+j] driving minutes
 * (INFINITY = no road); dwell[i], freq[i] for i in 1..n (index 0 unused). */
typedef struct hss_vrp {
    size_t n;
    const double *t;
    const double *dwell;
    const int *freq;
    double limit;       /* minutes of a working day */
} hss_vrp;

/* A solution: route r visits stop[off[r] .. off[r+1]) (node numbers) on freq[r] days a week. */
typedef struct hss_vrp_sol {
    size_t nroutes;
    size_t *off;
    int *stop;
    int *freq;
    double *drive;      /* per route, one run */
    double cost;        /* sum of freq * drive */
    int *unserved;      /* nodes no route can serve (a lone visit exceeds the day) */
    size_t nunserved;
} hss_vrp_sol;

/* Solves exactly when n <= exact_max (set-partitioning DP over Held-Karp tours), else by savings
 * and local search (relocate, exchange, 2-opt). Minimises sum of freq * drive. */
void hss_vrp_solve(const hss_vrp *in, int exact_max, hss_vrp_sol *out);
void hss_vrp_sol_free(hss_vrp_sol *s);
/* A lower bound on the optimum: per visit-frequency level, the cheapest forest of m trees
 * over the villages plus the 2m cheapest home arcs, minimised over feasible m. */
double hss_vrp_lower_bound(const hss_vrp *in);
/* Cost of a route's stops (drive minutes) and whether it fits the day. */
double hss_vrp_route_drive(const hss_vrp *in, const int *stops, size_t k);
int hss_vrp_route_fits(const hss_vrp *in, const int *stops, size_t k);

#endif
