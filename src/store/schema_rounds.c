/*
 * schema_rounds.c: tables of the rounds module (mobile clinics, 智慧流动医院, and stationed
 * doctors, 派驻). A round is one vehicle's fixed tour from its home facility, driven on the
 * weekdays of its pattern, visiting its stops in order with a dwell time at each. A stationed
 * doctor serves one village from a sending facility. Both carry the county code so that every
 * query can be scoped and the tables partitioned by county; `generated` marks demo rows.
 */
#include "store/schema.h"

HSS_SCHEMA(hss_schema_rounds, "rounds",
    "CREATE TABLE mobile_round("
    "  code TEXT PRIMARY KEY,"                  /* the round's own code, e.g. R331127-01 */
    "  county_code TEXT NOT NULL,"              /* 6-digit county of the home facility */
    "  vehicle TEXT NOT NULL,"                  /* the vehicle's label (plate or fleet number) */
    "  home_code TEXT NOT NULL REFERENCES facility(code),"
    "  weekdays TEXT NOT NULL,"                 /* ISO weekdays it runs, e.g. '135' = Mon, Wed, Fri */
    "  start_time TEXT NOT NULL DEFAULT '08:00'," /* leaves home, Asia/Shanghai */
    "  generated INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE INDEX mobile_round_county ON mobile_round(county_code);"
    "CREATE TABLE mobile_round_stop("
    "  round_code TEXT NOT NULL REFERENCES mobile_round(code) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL CHECK(seq >= 1),"   /* visiting order */
    "  county_code TEXT NOT NULL,"
    "  village_code TEXT NOT NULL REFERENCES area(code),"
    "  dwell_min INTEGER NOT NULL CHECK(dwell_min > 0),"
    "  place TEXT NOT NULL DEFAULT '',"         /* where residents meet the vehicle */
    "  PRIMARY KEY(round_code, seq)"
    ") WITHOUT ROWID;"
    "CREATE INDEX mobile_round_stop_village ON mobile_round_stop(village_code);"
    "CREATE TABLE stationed_doctor("
    "  village_code TEXT NOT NULL REFERENCES area(code),"
    "  facility_code TEXT NOT NULL REFERENCES facility(code)," /* the sending facility */
    "  county_code TEXT NOT NULL,"
    "  doctors INTEGER NOT NULL CHECK(doctors >= 1),"
    "  days_per_week INTEGER NOT NULL DEFAULT 5 CHECK(days_per_week BETWEEN 1 AND 7),"
    "  generated INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY(village_code, facility_code)"
    ") WITHOUT ROWID;"
    "CREATE INDEX stationed_doctor_county ON stationed_doctor(county_code);");
