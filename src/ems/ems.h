/*
 * ems: the 120 emergency medical service. Ambulances are units stationed at a stored
 * ems_station or ems_center; calls are the records of a dispatch system (received, dispatched,
 * departed, on scene, left scene, at hospital, handover). From them the module measures the
 * response times the documents set targets for, picks the nearest available unit for a new call
 * by road time (src/access travel times), simulates a year of calls with a discrete-event
 * simulation, and answers what-ifs (one more station, more ambulances). This header is the whole
 * public API; every SQL statement of the module is in src/ems/db.c.
 *
 * Times are instants in seconds since 1970-01-01 UTC; files carry ISO 8601 with an offset and
 * output is written in Asia/Shanghai (+08:00).
 */
#ifndef HSS_EMS_H
#define HSS_EMS_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "report/report.h"
#include "store/store.h"

/* ---- times ------------------------------------------------------------------------------ */

/* "no time recorded" */
#define HSS_EMS_NO_TIME INT64_MIN

/* Parses ISO 8601 "YYYY-MM-DDTHH:MM[:SS[.fff]]" with "Z" or "+HH:MM"/"+HHMM" (the offset is
 * required: a time without one is ambiguous). Returns 0 on success. */
int hss_ems_time_parse(const char *s, int64_t *out);
/* Writes t as "YYYY-MM-DDTHH:MM:SS+08:00" (Asia/Shanghai, 26 bytes with the NUL). */
void hss_ems_time_format(int64_t t, char out[32]);
/* Parses a day "YYYY-MM-DD" (Asia/Shanghai midnight) or a full time. Returns 0 on success. */
int hss_ems_day_parse(const char *s, int64_t *out);

/* ---- import ----------------------------------------------------------------------------- */

/* Imports units from CSV unit,station_code,kind,doctors,drivers,aides (kind ambulance or
 * negative_pressure_ambulance; the station a stored ems_station or ems_center). A unit already
 * stored is updated (its state is kept). One transaction; any bad row refuses the whole file
 * with file:line, field and value. *count = rows stored. */
hss_code hss_ems_units_import(hss_store *st, const char *path, size_t *count, hss_error *err);

/* Imports 120 call records from CSV call_id,received_at,lon,lat,village_code,priority,category,
 * dispatched_at,unit,departed_at,on_scene_at,left_scene_at,at_hospital_at,handover_at,hospital,
 * outcome. Refused: times out of order, a unit on two calls at once (against the file and the
 * stored calls), a location outside the region, an unknown village, unit or hospital. A call
 * already stored is replaced. One transaction. `generated` marks demo data. */
hss_code hss_ems_calls_import(hss_store *st, const char *path, int generated, size_t *count,
                              hss_error *err);

/* ---- measured performance --------------------------------------------------------------- */

typedef struct hss_ems_perf_query {
    const char *under; /* area code or NULL (all) */
    const char *by;    /* "county" (default), "township" or "month" */
    int64_t from, to;  /* received_at in [from, to); HSS_EMS_NO_TIME = open */
} hss_ems_perf_query;

/* Measured intervals in minutes, one row per area (or month) and kind (urban, rural, all):
 * area, name, kind, calls, response_mean, response_median, response_p90, dispatch_mean,
 * turnout_mean, scene_to_hospital_mean, target (the documents' 11/14 minutes), meets (0/1).
 * `units` (may be NULL): unit, station, calls, busy_hours, utilisation (share of the period).
 * `worst` (may be NULL): the ten villages with the highest mean response (at least 3 calls). */
hss_code hss_ems_performance(hss_store *st, const hss_ems_perf_query *q, hss_table **areas,
                             hss_table **units, hss_table **worst, hss_error *err);

/* Mean measured response (received -> on scene, minutes) of the calls under `area` whose
 * village is of `kind` (0 urban, 1 rural, -1 all). HSS_ENOTFOUND when no such call has both
 * times: callers then fall back to the road model. */
hss_code hss_ems_measured_response(hss_store *st, const char *area, int kind, double *mean,
                                   int64_t *calls, hss_error *err);

/* Units under `area` (NULL = all) and how many carry the standard crew (at least 1 doctor,
 * 1 driver, 2 aides). HSS_ENOTFOUND when no unit is stored under the area. */
hss_code hss_ems_crew_share(hss_store *st, const char *area, int64_t *units, int64_t *meeting,
                            hss_error *err);

/* Sums per stored place, for a caller that adds them up over its own area tree in one pass
 * (the policy evaluation asks for every area and rule; one read replaces one per area).
 * hss_ems_unit_sums: per area code of the units' stations, count = units, sum = units with the
 * standard crew (kind -1). hss_ems_call_sums: per village of the calls with both received and
 * on-scene times, and kind (0 urban, 1 rural, -1 other), count = calls, sum = seconds from
 * received to on scene. Free with hss_ems_sums_free. */
typedef struct hss_ems_sum {
    char *code;
    int kind;
    int64_t count;
    double sum;
} hss_ems_sum;
hss_code hss_ems_unit_sums(hss_store *st, hss_ems_sum **out, size_t *n, hss_error *err);
hss_code hss_ems_call_sums(hss_store *st, hss_ems_sum **out, size_t *n, hss_error *err);
void hss_ems_sums_free(hss_ems_sum *s, size_t n);
/* Active AEDs of one county (db.c). */
typedef struct hss_ems_aed_sum {
    char *county;   /* county code */
    int64_t active; /* active AEDs */
    int64_t since;  /* of those, installed on or after `since` (0 when since is NULL) */
    int64_t undated; /* of those, with no installed day */
} hss_ems_aed_sum;
/* One row per county with an active AED, by county code. Free with hss_ems_aed_sums_free. */
hss_code hss_ems_aed_sums(hss_store *st, const char *since, hss_ems_aed_sum **out, size_t *n,
                          hss_error *err);
void hss_ems_aed_sums_free(hss_ems_aed_sum *s, size_t n);

/* ---- dispatch --------------------------------------------------------------------------- */

typedef struct hss_ems_candidate {
    char unit[64];
    char station[64];
    char station_name[128];
    double minutes; /* road minutes from the station to the call */
} hss_ems_candidate;

typedef struct hss_ems_dispatch_result {
    int found;                  /* 0 when no unit is available and reachable */
    hss_ems_candidate best;
    hss_ems_candidate alt[2];   /* the next two */
    size_t nalt;
    size_t busy;                /* units busy at the time */
    char hospital[64];          /* receiving hospital ("" when none reachable) */
    char hospital_name[128];
    char hospital_service[48];  /* the capability it was chosen for ("" = nearest hospital) */
    double hospital_minutes;
} hss_ems_dispatch_result;

/* The nearest available unit for a call at (lon, lat) at time `at`: a unit is busy from a
 * call's dispatched_at until its handover_at (left_scene_at when nobody was carried), or while
 * its last state change at or before `at` is not `available`. Available units start from their
 * station. The receiving hospital is the nearest with the category's centre (chest_pain:
 * chest_pain_center, stroke: stroke_center, trauma: trauma_center), else the nearest hospital
 * with an emergency department. */
hss_code hss_ems_dispatch(hss_store *st, int64_t at, double lon, double lat, const char *category,
                          hss_ems_dispatch_result *out, hss_error *err);

/* Unit states a dispatcher sets. */
int hss_ems_state_valid(const char *state);
/* Moves a unit to `state` at `at` (HSS_EMS_NO_TIME = now) on behalf of `user`; the change is
 * its own audit row (ems_unit_event), committed with it. */
hss_code hss_ems_unit_set_state(hss_store *st, const char *unit, const char *state, int64_t at,
                                const char *user, hss_error *err);
/* Units under `area` with their state at `at`: unit, station, station_name, county, kind,
 * doctors, drivers, aides, crew_ok, state, lon, lat. */
hss_code hss_ems_units_table(hss_store *st, const char *area, int64_t at, hss_table **out,
                             hss_error *err);

/* ---- simulation ------------------------------------------------------------------------- */

typedef struct hss_ems_sim_opts {
    const char *calls_file; /* replay these calls (CSV as for import; only time and place used) */
    int replay_stored;      /* replay the stored calls (when calls_file is NULL and rate <= 0) */
    double rate;            /* calls per 1,000 residents per year (generated calls) */
    int days;               /* length of the simulated period (generated calls) */
    uint64_t seed;
    const char *under;      /* area code or NULL */
    /* what-ifs */
    int add_station;        /* 1: a new station at add_lon/add_lat with add_station_units */
    double add_lon, add_lat;
    int add_station_units;
    const char *add_units_station; /* add `add_units` ambulances at this stored station */
    int add_units;
} hss_ems_sim_opts;

/* Default intervals (minutes) used when no measured records exist; stated in the output. */
#define HSS_EMS_SIM_DISPATCH 1.0
#define HSS_EMS_SIM_TURNOUT 2.0
#define HSS_EMS_SIM_SCENE 15.0
#define HSS_EMS_SIM_TRANSPORT 20.0
#define HSS_EMS_SIM_HANDOVER 10.0

typedef struct hss_ems_sim_result {
    size_t calls, served, queued, unreachable;
    double response_mean, response_median, response_p90; /* minutes, all */
    double urban_mean, rural_mean;
    double queue_mean;         /* minutes waited for a free unit, over calls that waited */
    double measured_mean;      /* replay of stored/filed calls with on-scene times: their mean */
    size_t measured_calls;
    int intervals_measured;    /* 1 when scene/transport/handover came from records */
    size_t units, stations;
    double seconds;            /* wall time of the event loop */
} hss_ems_sim_result;

/* Runs the simulation. The same options and seed give the same result. */
hss_code hss_ems_simulate(hss_store *st, const hss_ems_sim_opts *o, hss_ems_sim_result *out,
                          hss_table **per_call, hss_error *err);

/* ---- planning (plan.c) ------------------------------------------------------------------ */

typedef struct hss_ems_plan_opts {
    const char *under;     /* area code or NULL */
    size_t units;          /* ambulances to place (0 = as many as stored under the area) */
    double busy;           /* MEXCLP busy probability q; <= 0: measured from the calls, else 0.1 */
    int new_sites;         /* 1: township seats without a station are candidates too */
} hss_ems_plan_opts;

/* Ambulance allocation by MEXCLP (Daskin 1983), greedy: demand = residents of the villages;
 * a site covers a village when dispatch + turnout + road time is within the documents' target
 * (11 minutes urban, 14 rural); a village covered by k ambulances counts with probability
 * 1 - q^k. Ambulances are added one at a time where the expected covered residents grow most.
 * `steps`: rank, site, name, new_site (0/1), gain (expected residents), expected_covered,
 * expected_share. `summary` (may be NULL): one row with residents, busy_q (and its source),
 * current_units, current_expected_share (the stored allocation), planned_units,
 * planned_expected_share, reachable_share (villages some site covers at all). */
hss_code hss_ems_plan(hss_store *st, const hss_ems_plan_opts *o, hss_table **steps, hss_table **summary,
                      hss_error *err);

/* ---- AEDs (aed.c) ------------------------------------------------------------------------ */

/* Imports AEDs from CSV code,lon,lat,venue,access_hours,status,expiry (status active or
 * out_of_service; expiry YYYY-MM-DD or empty). The county is that of the nearest village or
 * township point. Strict and in one transaction like every import. */
hss_code hss_aed_import(hss_store *st, const char *path, size_t *count, hss_error *err);

/* The five-minute first-aid circle: residents of the villages under `under` within `minutes`
 * walk (5 km/h on the road network) of an AED usable on `day` (YYYY-MM-DD: active and not
 * expired). Table: area, name, residents, covered, share, plus a total row. */
hss_code hss_aed_coverage(hss_store *st, const char *under, double minutes, const char *day,
                          hss_table **out, hss_error *err);

/* Where the next `n` AEDs help most: greedy maximal covering over the village points (an AED at
 * a village covers the villages within `minutes` walk), starting from the usable AEDs. Table:
 * rank, village, name, gain (residents newly covered), covered_share. */
hss_code hss_aed_plan(hss_store *st, const char *under, double minutes, const char *day, size_t n,
                      hss_table **out, hss_error *err);

/* ---- demo --------------------------------------------------------------------------------- */

/* The demo's call rate: an assumption (calls per 1,000 residents a year), not a published
 * figure; a 120 centre replaces it with its own records. */
#define HSS_EMS_DEMO_RATE 20.0

/* Generates units for every stored EMS station and centre from its vehicles and EMS staff, and
 * the calls of `year` (labelled generated) at `per_1000` calls per 1,000 residents a year, made
 * by the simulation on the stored roads. Replaces earlier generated units and calls; one
 * transaction (a savepoint inside the caller's). */
hss_code hss_ems_demo(hss_store *st, uint64_t seed, double per_1000, int year, size_t *units,
                      size_t *calls, hss_error *err);

#endif
