/*
 * ems_int.h (private to src/ems/): the in-memory forms of areas, facilities, units and calls the
 * module's files share, and the store functions of db.c (the only file with SQL).
 */
#ifndef HSS_EMS_INT_H
#define HSS_EMS_INT_H

#include "ems/ems.h"

/* The seven steps of a call, in the order they must happen. */
enum {
    EMS_RECEIVED,
    EMS_DISPATCHED,
    EMS_DEPARTED,
    EMS_ON_SCENE,
    EMS_LEFT_SCENE,
    EMS_AT_HOSPITAL,
    EMS_HANDOVER,
    EMS_NSTEPS
};
extern const char *const EMS_STEP_NAME[EMS_NSTEPS]; /* the CSV column of each step */

/* An area of the division tree (sorted by code for lookup). */
typedef struct ems_area {
    char *code, *parent, *name;
    int level; /* 0 province .. 4 village */
    int rural;
    double lon, lat; /* NAN when unknown */
    int64_t population;
} ems_area;

typedef struct ems_areas {
    ems_area *a;
    size_t n;
} ems_areas;

/* A facility (sorted by code). */
typedef struct ems_fac {
    char *code, *name, *type, *area, *services;
    double lon, lat;
} ems_fac;

typedef struct ems_facs {
    ems_fac *f;
    size_t n;
} ems_facs;

typedef struct ems_unit {
    char *code, *station, *county, *kind;
    int64_t doctors, drivers, aides;
    int generated;
} ems_unit;

typedef struct ems_units {
    ems_unit *u;
    size_t n, cap;
} ems_units;

typedef struct ems_call {
    char *id, *county, *village, *priority, *category, *unit, *hospital, *outcome;
    double lon, lat;
    int64_t t[EMS_NSTEPS]; /* HSS_EMS_NO_TIME when the step is empty */
    size_t line;           /* import: the line in the file */
} ems_call;

typedef struct ems_calls {
    ems_call *c;
    size_t n, cap;
} ems_calls;

/* ---- areas and facilities (area.c) ---------------------------------------------------- */
hss_code ems_areas_load(hss_store *st, ems_areas *A, hss_error *err);
void ems_areas_free(ems_areas *A);
const ems_area *ems_area_find(const ems_areas *A, const char *code);
/* The ancestor at `level` (2 county, 3 township), or the area itself at that level; NULL. */
const ems_area *ems_area_up(const ems_areas *A, const ems_area *a, int level);
/* 1 when `a` is `under` or below it (under NULL: always). */
int ems_area_under(const ems_areas *A, const ems_area *a, const char *under);
hss_code ems_facs_load(hss_store *st, ems_facs *F, hss_error *err);
void ems_facs_free(ems_facs *F);
const ems_fac *ems_fac_find(const ems_facs *F, const char *code);
int ems_fac_is_station(const ems_fac *f);
int ems_fac_has_service(const ems_fac *f, const char *service);
int ems_fac_is_hospital(const ems_fac *f);

/* ---- units and calls in memory (calls.c) ---------------------------------------------- */
void ems_units_free(ems_units *U);
ems_unit *ems_units_push(ems_units *U);
void ems_calls_free(ems_calls *C);
ems_call *ems_calls_push(ems_calls *C);
/* When the unit of a call is free again: handover, else left scene, else the last step. */
int64_t ems_call_busy_end(const ems_call *c);
/* 1 when the crew meets the standard (1 doctor, 1 driver, 2 aides). */
int ems_unit_crew_ok(const ems_unit *u);

/* ---- store (db.c) ----------------------------------------------------------------------- */
hss_code ems_db_areas(hss_store *st, ems_areas *A, hss_error *err);
hss_code ems_db_facilities(hss_store *st, ems_facs *F, hss_error *err);
hss_code ems_db_units(hss_store *st, ems_units *U, hss_error *err);
/* hss_ems_unit_sums and hss_ems_call_sums (ems.h): which = 0 units, 1 calls. */
hss_code ems_db_sums(hss_store *st, int which, hss_ems_sum **out, size_t *n, hss_error *err);
/* Stored calls with received_at in [from, to) (HSS_EMS_NO_TIME = open), by received_at. */
hss_code ems_db_calls(hss_store *st, int64_t from, int64_t to, ems_calls *C, hss_error *err);
/* Boundaries of the stored areas as GeoJSON text (NULL-terminated arrays, caller frees). */
hss_code ems_db_boundaries(hss_store *st, char ***geojson, size_t *n, hss_error *err);

typedef struct ems_writer ems_writer;
ems_writer *ems_db_writer(hss_store *st, hss_error *err);
void ems_db_writer_free(ems_writer *w);
hss_code ems_db_put_unit(ems_writer *w, const ems_unit *u, hss_error *err);
hss_code ems_db_put_call(ems_writer *w, const ems_call *c, int generated, hss_error *err);
/* Stores n calls at once (bulk load: the demo's year of calls), replacing stored calls of the
 * same (id, county) as ems_db_put_call does; no other statement may run on st meanwhile. */
hss_code ems_db_load_calls(hss_store *st, const ems_call *c, size_t n, int generated, hss_error *err);
/* 1 and *id (malloc'd) when a call id is stored under two counties, 0 when none, -1 on error */
int ems_db_call_in_two_counties(hss_store *st, char **id, hss_error *err);
/* The first pair of calls whose unit is busy on both at once (ids into a, b); 0 when none. */
int ems_db_overlap(hss_store *st, char **a, char **b, hss_error *err);
/* Writes a unit's state change (audit row). */
hss_code ems_db_unit_event(hss_store *st, const char *unit, const char *county, const char *state,
                           int64_t at, const char *user, hss_error *err);
/* The state of every unit at `at` from its events (units without an event are absent):
 * parallel arrays, caller frees with ems_strs_free. */
hss_code ems_db_states_at(hss_store *st, int64_t at, char ***units, char ***states, size_t *n,
                          hss_error *err);
void ems_strs_free(char **s, size_t n);
/* Calls whose unit is busy at `at` (id, unit and the unit's times only). */
hss_code ems_db_busy_calls(hss_store *st, int64_t at, ems_calls *C, hss_error *err);
/* Count and mean (minutes) of received -> on scene over the calls whose village is under `area`
 * (NULL = all) and of `kind` (0 urban, 1 rural, -1 any). */
hss_code ems_db_mean_response(hss_store *st, const char *area, int kind, double *mean, int64_t *calls,
                              hss_error *err);
/* 1 when the unit is stored (its county code into *county, caller frees). */
int ems_db_unit_exists(hss_store *st, const char *unit, char **county);

/* A station's vehicles and EMS staff (region tables): ambulance, negative_pressure_ambulance,
 * ems_doctor, ems_driver, ems_aide. */
typedef struct ems_fleet {
    char *station;
    int64_t count[5];
} ems_fleet;
hss_code ems_db_fleet(hss_store *st, ems_fleet **out, size_t *n, hss_error *err);
/* Measured interval samples in minutes over all stored calls, by IV_* order (received ->
 * dispatched, dispatched -> departed, on scene -> left, left -> at hospital, at hospital ->
 * handover); v[k] malloc'd (may be NULL when n[k] = 0). */
hss_code ems_db_interval_samples(hss_store *st, double *v[5], size_t n[5], hss_error *err);
/* The share of time the stored units are busy over the span of the stored calls (NAN when no
 * calls): MEXCLP's busy probability. */
hss_code ems_db_busy_share(hss_store *st, double *q, hss_error *err);
/* Removes generated calls and units (and their events). */
hss_code ems_db_clear_generated(hss_store *st, hss_error *err);

/* Where calls and AEDs may be (import.c): the stored county boundaries, or the box around the
 * area points widened by 0.05 degrees when no boundary is stored. */
typedef struct region_shape {
    struct hss_geo_shape *shape;
    size_t n;
    double minx, miny, maxx, maxy;
} region_shape;
hss_code ems_region_load(hss_store *st, const ems_areas *A, region_shape *R, hss_error *err);
void ems_region_free(region_shape *R);
int ems_region_contains(const region_shape *R, double lon, double lat);

/* An AED of the registry. */
typedef struct ems_aed {
    const char *code, *county, *venue, *hours, *status, *expiry;
    const char *installed; /* NULL when the file has no installed column: the stored day stays */
    double lon, lat;
} ems_aed;
hss_code ems_db_put_aed(hss_store *st, const ems_aed *a, hss_error *err);
/* Lon/lat pairs of the AEDs usable on `day` (active, not expired). */
hss_code ems_db_aeds_usable(hss_store *st, const char *day, double **ll, size_t *n, hss_error *err);

/* ---- simulation model (sim.c), shared with the demo generator (demo.c) ----------------- */

/* One interval of a call: measured samples (minutes) or a default constant. */
typedef struct ems_interval {
    double *v;
    size_t n;
    double dflt;
} ems_interval;

enum { IV_DISPATCH, IV_TURNOUT, IV_SCENE, IV_TRANSPORT, IV_HANDOVER, IV_N };

typedef struct sim_call {
    double t;            /* received, seconds from the start */
    uint32_t point;      /* demand point */
    int rural;
    const char *id;      /* replayed calls */
    double measured;     /* replay: measured response minutes, NAN when unknown */
    int not_carried;     /* 1: treated on scene, the unit is free when it leaves */
    double transport_min; /* scene to hospital minutes; < 0: drawn */
    /* results */
    int32_t unit;        /* -1 unreachable */
    double wait, response; /* minutes */
    double step[EMS_NSTEPS]; /* seconds from the start, when assigned */
} sim_call;

typedef struct sim_model {
    size_t nstations, npoints, nunits;
    double *station_ll;   /* lon,lat by station */
    uint32_t *unit_station;
    char **unit_code;
    double *point_ll;     /* lon,lat by demand point */
    uint32_t *point_area; /* generated calls: index of the point's area */
    float *tt;            /* minutes, station x point */
    sim_call *calls;
    size_t ncalls;
    ems_interval iv[IV_N];
    int measured;
} sim_model;

uint32_t ems_sim_add_station(sim_model *m, double lon, double lat);
void ems_sim_add_unit(sim_model *m, uint32_t station, const char *code);
/* Poisson arrivals at o->rate per 1,000 residents a year for o->days over the villages. */
hss_code ems_sim_generate(sim_model *m, const hss_ems_sim_opts *o, const ems_areas *A, hss_error *err);
/* Runs the event loop (m->tt filled). */
void ems_sim_run(sim_model *m, uint64_t seed);
void ems_sim_model_free(sim_model *m);

#endif
