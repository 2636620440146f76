/*
 * schema_region.c: the region model. Areas form the statistical division tree; facilities sit
 * in an area; staff and vehicles are counts per facility by category. `generated` marks rows
 * that HSS made up (demo data) as opposed to imported or real public data. Nullable numbers
 * mean "not known" and evaluate to unknown, never to zero.
 */
#include "store/schema.h"

HSS_SCHEMA(hss_schema_region, "region",
    "CREATE TABLE area("
    "  code TEXT PRIMARY KEY,"
    "  parent_code TEXT REFERENCES area(code),"
    "  level TEXT NOT NULL CHECK(level IN ('province','city','county','township','village')),"
    "  name TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK(kind IN ('urban','rural')),"
    "  population INTEGER CHECK(population IS NULL OR population >= 0),"
    "  lon REAL, lat REAL,"
    "  generated INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE INDEX area_parent ON area(parent_code);"
    "CREATE INDEX area_level ON area(level);"
    "CREATE TABLE facility("
    "  code TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  type TEXT NOT NULL,"
    "  grade TEXT NOT NULL DEFAULT 'none',"
    "  ownership TEXT NOT NULL,"
    "  area_code TEXT NOT NULL REFERENCES area(code),"
    "  lon REAL, lat REAL,"
    "  beds_approved INTEGER CHECK(beds_approved IS NULL OR beds_approved >= 0),"
    "  beds_open INTEGER CHECK(beds_open IS NULL OR beds_open >= 0),"
    "  beds_infectious INTEGER CHECK(beds_infectious IS NULL OR beds_infectious >= 0),"
    "  medcom_code TEXT,"           /* medical community (医共体) the facility belongs to */
    "  medcom_lead INTEGER NOT NULL DEFAULT 0," /* 1 for the community's lead hospital */
    "  central INTEGER NOT NULL DEFAULT 0,"     /* 中心卫生院 / area medical centre */
    "  sub_centre INTEGER NOT NULL DEFAULT 0,"  /* 县域医疗次中心 */
    "  services TEXT NOT NULL DEFAULT '',"      /* ';'-separated service ids */
    "  generated INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE INDEX facility_area ON facility(area_code);"
    "CREATE INDEX facility_type ON facility(type);"
    "CREATE TABLE staff("
    "  facility_code TEXT NOT NULL REFERENCES facility(code) ON DELETE CASCADE,"
    "  category TEXT NOT NULL,"
    "  count INTEGER NOT NULL CHECK(count >= 0),"
    "  PRIMARY KEY(facility_code, category)"
    ") WITHOUT ROWID;"
    "CREATE TABLE vehicle("
    "  facility_code TEXT NOT NULL REFERENCES facility(code) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL,"
    "  count INTEGER NOT NULL CHECK(count >= 0),"
    "  PRIMARY KEY(facility_code, kind)"
    ") WITHOUT ROWID;"
    "CREATE TABLE boundary("
    "  area_code TEXT PRIMARY KEY REFERENCES area(code) ON DELETE CASCADE,"
    "  geometry TEXT NOT NULL,"  /* GeoJSON geometry (Polygon or MultiPolygon), lon/lat */
    "  source TEXT NOT NULL DEFAULT ''"
    ");",
    /* v2 (issue 13): bed kinds the plans set standards on, and the government level that runs
     * the facility (市级公立医院 vs county ones). NULL = not known. */
    "ALTER TABLE facility ADD COLUMN beds_rehabilitation INTEGER"
    "  CHECK(beds_rehabilitation IS NULL OR beds_rehabilitation >= 0);"
    "ALTER TABLE facility ADD COLUMN beds_nursing INTEGER"
    "  CHECK(beds_nursing IS NULL OR beds_nursing >= 0);"
    "ALTER TABLE facility ADD COLUMN run_by TEXT"
    "  CHECK(run_by IS NULL OR run_by IN ('province','city','county','township','village'));");
