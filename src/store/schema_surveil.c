/*
 * schema_surveil.c: tables of the surveil module.
 *  surveil_series   one count series: an area, a signal (disease or syndrome code) and a source
 *                   (hospital, township centre, school absenteeism, pharmacy, lab, wastewater);
 *                   first_date/last_date bound its stored days.
 *  surveil_year     the daily counts of one series in one calendar year as a blob of 366
 *                   little-endian int32 (index = day of year - 1; -1 = not reported), so that
 *                   appending a day rewrites one small row and a run reads a few rows per series
 *                   (a rowid table: 1.5 kB rows do not suit WITHOUT ROWID's B-tree leaves).
 *  surveil_exclusion known outbreak periods left out of the baselines.
 *  surveil_signal   per-source alarms of the daily run (one row per series and day that alarmed).
 *  surveil_alert    alerts per area and signal (township or county level) and their status.
 *  surveil_alert_event the audit trail of every lifecycle action: who, when, from/to, note.
 */
#include "store/schema.h"

HSS_SCHEMA(hss_schema_surveil, "surveil",
    "CREATE TABLE surveil_series("
    "  id INTEGER PRIMARY KEY,"
    "  area_code TEXT NOT NULL REFERENCES area(code),"
    "  signal TEXT NOT NULL,"
    "  source TEXT NOT NULL,"
    "  first_date TEXT NOT NULL,"
    "  last_date TEXT NOT NULL,"
    "  UNIQUE(area_code, signal, source)"
    ");"
    "CREATE TABLE surveil_year("
    "  key INTEGER PRIMARY KEY,"   /* series_id * 10000 + year: one B-tree lookup per row */
    "  series_id INTEGER NOT NULL REFERENCES surveil_series(id) ON DELETE CASCADE,"
    "  year INTEGER NOT NULL,"
    "  counts BLOB NOT NULL"
    ");"
    "CREATE TABLE surveil_exclusion("
    "  id INTEGER PRIMARY KEY,"
    "  area_code TEXT NOT NULL,"   /* '*' = every area */
    "  signal TEXT NOT NULL,"
    "  from_date TEXT NOT NULL,"
    "  to_date TEXT NOT NULL,"
    "  note TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE TABLE surveil_signal("
    "  series_id INTEGER NOT NULL REFERENCES surveil_series(id) ON DELETE CASCADE,"
    "  date TEXT NOT NULL,"
    "  method TEXT NOT NULL,"
    "  observed REAL NOT NULL,"
    "  upperbound REAL,"
    "  PRIMARY KEY(series_id, date)"
    ") WITHOUT ROWID;"
    "CREATE INDEX surveil_signal_date ON surveil_signal(date);"
    "CREATE TABLE surveil_alert("
    "  id INTEGER PRIMARY KEY,"
    "  area_code TEXT NOT NULL REFERENCES area(code),"
    "  level TEXT NOT NULL,"
    "  signal TEXT NOT NULL,"
    "  date TEXT NOT NULL,"          /* the day whose data raised it */
    "  sources TEXT NOT NULL,"       /* ';'-separated sources (or townships) that signalled */
    "  method TEXT NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'new' CHECK(status IN ('new','assigned','investigating','confirmed','dismissed')),"
    "  assigned_to TEXT,"
    "  raised_at TEXT NOT NULL,"     /* ISO 8601 UTC */
    "  responded_at TEXT,"           /* first lifecycle action */
    "  closed_at TEXT"
    ");"
    "CREATE INDEX surveil_alert_key ON surveil_alert(area_code, signal, date);"
    "CREATE INDEX surveil_alert_status ON surveil_alert(status);"
    "CREATE TABLE surveil_alert_event("
    "  id INTEGER PRIMARY KEY,"
    "  alert_id INTEGER NOT NULL REFERENCES surveil_alert(id),"
    "  at TEXT NOT NULL,"
    "  by_user TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  from_status TEXT,"
    "  to_status TEXT NOT NULL,"
    "  note TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX surveil_alert_event_alert ON surveil_alert_event(alert_id);");
