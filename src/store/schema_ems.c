/*
 * schema_ems.c: the 120 module's tables. Units are ambulances with their crews at an EMS
 * station or centre; calls are a dispatch system's records, one row per call with the instant of
 * each step (seconds since 1970 UTC, NULL when the step did not happen); unit events are state
 * changes made by a dispatcher, each its own audit row; AEDs are the public defibrillators.
 * Every row carries the county code.
 */
#include "store/schema.h"

HSS_SCHEMA(hss_schema_ems, "ems",
    "CREATE TABLE ems_unit("
    "  code TEXT PRIMARY KEY,"
    "  county_code TEXT NOT NULL,"
    "  station_code TEXT NOT NULL REFERENCES facility(code),"
    "  kind TEXT NOT NULL CHECK(kind IN ('ambulance','negative_pressure_ambulance')),"
    "  doctors INTEGER NOT NULL CHECK(doctors >= 0),"
    "  drivers INTEGER NOT NULL CHECK(drivers >= 0),"
    "  aides INTEGER NOT NULL CHECK(aides >= 0),"
    "  generated INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE INDEX ems_unit_county ON ems_unit(county_code);"
    "CREATE TABLE ems_call("
    "  call_id TEXT PRIMARY KEY,"
    "  county_code TEXT NOT NULL,"
    "  village_code TEXT NOT NULL,"
    "  lon REAL NOT NULL, lat REAL NOT NULL,"
    "  priority TEXT NOT NULL DEFAULT '',"
    "  category TEXT NOT NULL DEFAULT '',"
    "  received_at INTEGER NOT NULL,"
    "  dispatched_at INTEGER, departed_at INTEGER, on_scene_at INTEGER, left_scene_at INTEGER,"
    "  at_hospital_at INTEGER, handover_at INTEGER,"
    "  unit_code TEXT,"
    "  hospital_code TEXT,"
    "  outcome TEXT NOT NULL DEFAULT '',"
    "  busy_end INTEGER," /* when the unit is free again (handover, else left scene, ...) */
    "  generated INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE INDEX ems_call_county ON ems_call(county_code, received_at);"
    "CREATE INDEX ems_call_unit ON ems_call(unit_code, dispatched_at);"
    "CREATE TABLE ems_unit_event("
    "  id INTEGER PRIMARY KEY,"
    "  unit_code TEXT NOT NULL REFERENCES ems_unit(code) ON DELETE CASCADE,"
    "  county_code TEXT NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  state TEXT NOT NULL CHECK(state IN ('available','dispatched','on_scene','transporting',"
    "    'at_hospital','out_of_service')),"
    "  user_name TEXT NOT NULL,"
    "  recorded_at TEXT NOT NULL"
    ");"
    "CREATE INDEX ems_unit_event_unit ON ems_unit_event(unit_code, at);",
    /* v2: the AED registry (自动体外除颤仪), for the five-minute first-aid circle */
    "CREATE TABLE ems_aed("
    "  code TEXT PRIMARY KEY,"
    "  county_code TEXT NOT NULL,"
    "  lon REAL NOT NULL, lat REAL NOT NULL,"
    "  venue TEXT NOT NULL,"
    "  access_hours TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL CHECK(status IN ('active','out_of_service')),"
    "  expiry TEXT," /* YYYY-MM-DD of the pads/battery, NULL when not known */
    "  generated INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE INDEX ems_aed_county ON ems_aed(county_code);",
    /* v3: the day an AED was installed (YYYY-MM-DD, NULL when not known), so that a plan's
     * "新增 AED" counts the AEDs installed since the plan was issued */
    "ALTER TABLE ems_aed ADD COLUMN installed TEXT;",
    /* v4 (issue 15): on PostgreSQL the calls and the unit events are partitioned by county
     * (PARTITION BY HASH(county_code)), so their keys name county_code: a call is (call_id,
     * county_code), an event (id, county_code). SQLite keeps its tables and gains the index the
     * call upsert names. Units and AEDs are the region's equipment: small reference tables. */
    "CREATE UNIQUE INDEX ems_call_id_county ON ems_call(call_id, county_code);"
    HSS_SQL_PG
    "ALTER TABLE ems_call RENAME TO ems_call_old;"
    "ALTER TABLE ems_unit_event RENAME TO ems_unit_event_old;"
    "CREATE TABLE ems_call("
    "  call_id TEXT NOT NULL,"
    "  county_code TEXT NOT NULL,"
    "  village_code TEXT NOT NULL,"
    "  lon REAL NOT NULL, lat REAL NOT NULL,"
    "  priority TEXT NOT NULL DEFAULT '',"
    "  category TEXT NOT NULL DEFAULT '',"
    "  received_at INTEGER NOT NULL,"
    "  dispatched_at INTEGER, departed_at INTEGER, on_scene_at INTEGER, left_scene_at INTEGER,"
    "  at_hospital_at INTEGER, handover_at INTEGER,"
    "  unit_code TEXT,"
    "  hospital_code TEXT,"
    "  outcome TEXT NOT NULL DEFAULT '',"
    "  busy_end INTEGER,"
    "  generated INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY(call_id, county_code)"
    ") PARTITION BY HASH(county_code);"
    "CREATE TABLE ems_unit_event("
    "  id INTEGER PRIMARY KEY,"
    "  unit_code TEXT NOT NULL REFERENCES ems_unit(code) ON DELETE CASCADE DEFERRABLE,"
    "  county_code TEXT NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  state TEXT NOT NULL CHECK(state IN ('available','dispatched','on_scene','transporting',"
    "    'at_hospital','out_of_service')),"
    "  user_name TEXT NOT NULL,"
    "  recorded_at TEXT NOT NULL"
    ") PARTITION BY HASH(county_code);"
    "INSERT INTO ems_call SELECT * FROM ems_call_old;"
    "INSERT INTO ems_unit_event SELECT * FROM ems_unit_event_old;"
    "DROP TABLE ems_call_old, ems_unit_event_old;"
    "CREATE INDEX ems_call_county ON ems_call(county_code, received_at);"
    "CREATE INDEX ems_call_unit ON ems_call(unit_code, dispatched_at);"
    "CREATE INDEX ems_unit_event_unit ON ems_unit_event(unit_code, at);");
