/*
 * schema.h (private to store/): the per-module schema lists. Each lives in schema_<module>.c.
 */
#ifndef HSS_STORE_SCHEMA_H
#define HSS_STORE_SCHEMA_H

#include "store/store.h"

extern const hss_schema hss_schema_core;    /* metadata, data version */
extern const hss_schema hss_schema_region;  /* areas, facilities, staff, vehicles, boundaries */
extern const hss_schema hss_schema_policy;  /* evaluation cache */
extern const hss_schema hss_schema_metrics; /* data elements, values, aggregates */
extern const hss_schema hss_schema_access;  /* road network, snapping, coverage */
extern const hss_schema hss_schema_surveil; /* daily counts, alerts */
extern const hss_schema hss_schema_care;    /* residents, contracts, referrals, follow-ups */
extern const hss_schema hss_schema_server;  /* users, sessions, audit */
extern const hss_schema hss_schema_fhir;    /* FHIR system clients */
extern const hss_schema hss_schema_ems;     /* 120 units, calls, unit events, AEDs */
extern const hss_schema hss_schema_plan;    /* saved evaluations, tasks, reports, rectification */
extern const hss_schema hss_schema_rounds;  /* mobile-clinic rounds, stationed doctors */

#define HSS_SCHEMA(name, mod, ...)                                                         \
    static const char *const name##_sql[] = {__VA_ARGS__};                                 \
    const hss_schema name = {mod, name##_sql, sizeof name##_sql / sizeof *name##_sql}

/* Splits one migration into its SQLite form (before) and its PostgreSQL form (after), where a
 * translation of the SQLite form would not do the same thing (store_dialect.c translates the
 * rest). Write: "sqlite sql" HSS_SQL_PG "postgresql sql". */
#define HSS_SQL_PG "\x1e"

/* A module with no tables yet. */
#define HSS_SCHEMA_EMPTY(name, mod) const hss_schema name = {mod, NULL, 0}

#endif
