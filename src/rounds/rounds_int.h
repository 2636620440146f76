/*
 * rounds_int.h (private to src/rounds/): the storage calls of db.c (every SQL statement of the
 * module lives there) and helpers shared by the rounds files.
 */
#ifndef HSS_ROUNDS_INT_H
#define HSS_ROUNDS_INT_H

#include "rounds/rounds.h"

/* The facility types whose presence within the rural circle serves a village. */
#define ROUNDS_CLINIC_TYPES "township_health_center,community_health_center,community_health_station,village_clinic"

/* LIKE pattern for the areas under `under` ("" for all); HSS_ENOTFOUND for an unknown area. */
hss_code rdb_prefix(hss_store *st, const char *under, char prefix[32], hss_error *err);

/* Villages with residents and a location under the prefix, sorted by code (names malloc'd). */
hss_code rdb_villages(hss_store *st, const char *prefix, hss_rounds_village **out, size_t *n,
                      hss_error *err);
/* Adds stationed doctors and weekly round visits to the villages (sorted by code). */
hss_code rdb_service(hss_store *st, const char *prefix, hss_rounds_village *v, size_t n, hss_error *err);
/* 1 when any round or stationed doctor is stored. */
int rdb_any_service(hss_store *st);

/* Township health centres with a location under the prefix: codes and area codes (malloc'd). */
hss_code rdb_homes(hss_store *st, const char *prefix, char ***codes, char ***areas, size_t *n,
                   hss_error *err);
/* The area code of a facility (malloc'd), NULL when it does not exist. */
char *rdb_facility_area(hss_store *st, const char *code);
/* Mobile-clinic vehicles held by the county's facilities. */
int rdb_vehicles_held(hss_store *st, const char *county);
/* The level of an area ("" when it does not exist) into level[16]. */
void rdb_area_level(hss_store *st, const char *code, char level[16]);

/* The village of that code in an array sorted by code (coverage.c), NULL when absent. */
hss_rounds_village *rounds_find_village(hss_rounds_village *v, size_t n, const char *code);

/* ---- writes (inside the caller's transaction) ------------------------------------------ */
typedef struct rdb_round {
    const char *code, *county, *vehicle, *home, *weekdays;
    const char *start; /* NULL: keep the stored start (08:00 for a new round) */
    int generated;
} rdb_round;
hss_code rdb_round_put(hss_store *st, const rdb_round *r, hss_error *err);
/* Stores stop `seq`; place NULL keeps the stored place of that stop. */
hss_code rdb_stop_put(hss_store *st, const char *round, const char *county, int seq, const char *village,
                      int dwell, const char *place, hss_error *err);
/* Deletes the round's stops after `n`. */
hss_code rdb_stops_trim(hss_store *st, const char *round, int n, hss_error *err);
/* days_per_week <= 0 keeps the stored value (5 for a new row). */
hss_code rdb_stationed_put(hss_store *st, const char *village, const char *facility, const char *county,
                           int doctors, int days_per_week, hss_error *err);
/* Deletes the rounds a previous plan stored for a county: generated ones and codes G<county>-NN. */
hss_code rdb_delete_generated(hss_store *st, const char *county, hss_error *err);
/* One audit row (CLI actions: no user, no address, status 0). */
hss_code rdb_audit(hss_store *st, const char *target, const char *detail, hss_error *err);

/* ---- reads for tables --------------------------------------------------------------------- */
/* Each fills t with the rows under the area `under` (NULL: all); HSS_ENOTFOUND for an area not stored. */
hss_code rdb_list_rounds(hss_store *st, const char *under, hss_table *t, hss_error *err);
hss_code rdb_list_stationed(hss_store *st, const char *under, hss_table *t, hss_error *err);

/* Rounds with coordinates, one row per stop: round, vehicle, home, home_name, home_lon,
 * home_lat, weekdays, start, generated, village, village_name, lon, lat, dwell_min, place. */
hss_code rdb_map_rounds(hss_store *st, const char *under, hss_table *t, hss_error *err);

/* The rounds stopping at a village, every stop of each: one row per stop of those rounds. */
typedef struct rdb_stop_row {
    char round[64], vehicle[64], home[64], home_name[128], weekdays[8], start[8];
    int seq;
    char village[16];
    char village_name[128];
    int dwell;
    char place[128];
} rdb_stop_row;
hss_code rdb_village_rounds(hss_store *st, const char *village, rdb_stop_row **rows, size_t *n,
                            hss_error *err);

#endif
