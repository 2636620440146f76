/*
 * schema_metrics.c: tables of the metrics module (monthly activity data and its aggregates).
 *
 * metric_element  the data-element catalogue as stored ids (the catalogue itself lives in
 *                 src/metrics/catalog.c; ids there never change), so SQL users can join names.
 * metric_org      a small integer id for every facility or area code that holds data values,
 *                 so that the 10-million-row value table stays compact.
 * data_value      one reported number: (element, org, month, category) -> value. period is the
 *                 month as the integer YYYYMM; category '' means "not disaggregated".
 *                 generated = 1 marks values HSS made up (demo data).
 * metric_agg      the maintained aggregates: for an area, a calendar year, an element and a
 *                 slice (0 = all facilities, 1 = basic-level facilities only) one blob of
 *                 17 sums then 17 counts (doubles): months 1-12, quarters 1-4, the year.
 *                 Kept equal to a full rebuild by applying old->new deltas on every import.
 * data_value_v    a readable view of data_value with codes and YYYY-MM periods.
 * metric_record_value (v2) the figures HSS takes from its own records (care register, contracts,
 *                 follow-ups) for a township and month; where one exists it counts instead of
 *                 the imported data_value of the same key (metrics/records.c).
 * metric_agg slices (v2): 2 = an area's own figure for an element reported below its level
 *                 (a county's contracted_residents: wins over its townships' sum, never added
 *                 to it), 3 = the record figures, 4 = imported values set aside for a record.
 */
#include "store/schema.h"

HSS_SCHEMA(hss_schema_metrics, "metrics",
    "CREATE TABLE metric_element("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  name_zh TEXT NOT NULL,"
    "  name_en TEXT NOT NULL,"
    "  unit TEXT NOT NULL,"
    "  org_kind TEXT NOT NULL CHECK(org_kind IN ('facility','area'))"
    ");"
    "CREATE TABLE metric_org("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE"
    ");"
    "CREATE TABLE data_value("
    "  element_id INTEGER NOT NULL,"
    "  org_id INTEGER NOT NULL,"
    "  period INTEGER NOT NULL CHECK(period BETWEEN 190001 AND 210012),"
    "  category TEXT NOT NULL DEFAULT '',"
    "  value REAL NOT NULL CHECK(value >= 0),"
    "  generated INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY(element_id, org_id, period, category)"
    ") WITHOUT ROWID;"
    "CREATE TABLE metric_agg("
    "  area TEXT NOT NULL,"
    "  year INTEGER NOT NULL,"
    "  element_id INTEGER NOT NULL,"
    "  slice INTEGER NOT NULL,"
    "  data BLOB NOT NULL,"
    "  PRIMARY KEY(area, year, element_id, slice)"
    ") WITHOUT ROWID;"
    "CREATE VIEW data_value_v AS SELECT e.code AS element, o.code AS org,"
    "  CAST(d.period / 100 AS TEXT) || '-' || substr(CAST(100 + d.period % 100 AS TEXT), 2) AS period,"
    "  d.category, d.value,"
    "  d.generated FROM data_value d JOIN metric_element e ON e.id = d.element_id"
    "  JOIN metric_org o ON o.id = d.org_id;",
    "CREATE TABLE metric_record_value("
    "  element_id INTEGER NOT NULL,"
    "  org_id INTEGER NOT NULL,"
    "  period INTEGER NOT NULL CHECK(period BETWEEN 190001 AND 210012),"
    "  value REAL NOT NULL CHECK(value >= 0),"
    "  county_code TEXT NOT NULL,"
    "  PRIMARY KEY(element_id, org_id, period)"
    ") WITHOUT ROWID;"
    /* aggregates built before v2 know nothing of slices 2-4: build them again on next use */
    "DELETE FROM hss_meta WHERE key = 'metrics.aggregates_tree';",
    /* v3 (issue 15): on PostgreSQL the figures taken from the care records are partitioned by
     * county (PARTITION BY HASH(county_code)) and keyed with it; SQLite gains the index the
     * upsert names. data_value and metric_agg hold facility and area figures, keyed by org and
     * area rather than by county: they stay as they are. */
    "CREATE UNIQUE INDEX metric_record_value_county ON metric_record_value(element_id, org_id, period, county_code);"
    HSS_SQL_PG
    "ALTER TABLE metric_record_value RENAME TO metric_record_value_old;"
    "CREATE TABLE metric_record_value("
    "  element_id INTEGER NOT NULL,"
    "  org_id INTEGER NOT NULL,"
    "  period INTEGER NOT NULL CHECK(period BETWEEN 190001 AND 210012),"
    "  value REAL NOT NULL CHECK(value >= 0),"
    "  county_code TEXT NOT NULL,"
    "  PRIMARY KEY(element_id, org_id, period, county_code)"
    ") PARTITION BY HASH(county_code);"
    "INSERT INTO metric_record_value SELECT * FROM metric_record_value_old;"
    "DROP TABLE metric_record_value_old;");
