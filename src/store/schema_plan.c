/*
 * schema_plan.c: tables of the plan module (src/plan/): saved evaluations and their findings,
 * plan tasks loaded from the packs with their responsible units, progress reports with their
 * evidence files, and rectification (整改) items. None of these are region facts, so writing
 * them never bumps the data version. Every table about activity carries `county` (the 6-digit
 * code of the county the row is about, or the city's code for city-wide rows).
 */
#include "store/schema.h"

HSS_SCHEMA(hss_schema_plan, "plan",
    "CREATE TABLE plan_eval("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"              /* UTC, YYYY-MM-DDTHH:MM:SSZ */
    "  pack TEXT NOT NULL,"            /* pack name */
    "  pack_title TEXT NOT NULL,"
    "  pack_version TEXT NOT NULL,"    /* BLAKE2b of the pack file(s), first 16 hex digits */
    "  year INTEGER NOT NULL,"         /* year evaluated */
    "  data_version INTEGER NOT NULL," /* the store's data version when evaluated */
    "  pass INTEGER NOT NULL, fail INTEGER NOT NULL, unknown INTEGER NOT NULL,"
    "  user_name TEXT NOT NULL,"
    "  label TEXT NOT NULL DEFAULT ''" /* e.g. 2025年度评估 / 中期评估 */
    ");"
    "CREATE TABLE plan_finding("
    "  eval_id INTEGER NOT NULL REFERENCES plan_eval(id) ON DELETE CASCADE,"
    "  rule TEXT NOT NULL,"
    "  area TEXT NOT NULL,"            /* area code of the finding (a facility's own area) */
    "  facility TEXT NOT NULL,"        /* facility code, '' for an area finding */
    "  county TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK(status IN ('pass','fail','unknown')),"
    "  observed REAL, target REAL, gap REAL,"
    "  title TEXT NOT NULL, area_name TEXT NOT NULL, facility_name TEXT NOT NULL,"
    "  unit TEXT NOT NULL, gap_text TEXT NOT NULL,"
    "  document TEXT NOT NULL"
    ");"
    /* a rowid table with a unique index: rows are wide (names and gap text), and appending them
     * in rowid order keeps saving a province's snapshot fast */
    "CREATE UNIQUE INDEX plan_finding_key ON plan_finding(eval_id, rule, area, facility);"
    "CREATE INDEX plan_finding_county ON plan_finding(county, eval_id);"
    "CREATE TABLE plan_task("
    "  id TEXT PRIMARY KEY,"           /* pack task id, with @area for tasks per county */
    "  pack TEXT NOT NULL, task TEXT NOT NULL,"
    "  document TEXT NOT NULL, quote TEXT NOT NULL,"
    "  doc_title TEXT NOT NULL DEFAULT '',"  /* the document's title, as the pack gives it */
    "  title_zh TEXT NOT NULL, title_en TEXT NOT NULL,"
    "  target_zh TEXT NOT NULL, target_en TEXT NOT NULL,"
    "  value REAL,"                    /* numeric target, when the document gives one */
    "  unit_zh TEXT NOT NULL DEFAULT '', unit_en TEXT NOT NULL DEFAULT '',"
    "  year INTEGER NOT NULL,"
    "  due TEXT NOT NULL,"             /* YYYY-MM-DD: the end of the target year */
    "  lead TEXT NOT NULL,"            /* ▲ lead unit */
    "  area TEXT NOT NULL,"            /* area code the task applies to */
    "  county TEXT NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'not_started'"
    "    CHECK(status IN ('not_started','in_progress','done','blocked')),"
    "  loaded_at TEXT NOT NULL"
    ");"
    "CREATE INDEX plan_task_county ON plan_task(county);"
    "CREATE TABLE plan_task_unit("
    "  task_id TEXT NOT NULL REFERENCES plan_task(id) ON DELETE CASCADE,"
    "  unit TEXT NOT NULL,"
    "  lead INTEGER NOT NULL DEFAULT 0,"  /* 1 for the ▲ lead unit */
    "  pos INTEGER NOT NULL,"            /* order in which the document lists the units */
    "  county TEXT NOT NULL,"
    "  PRIMARY KEY(task_id, unit)"
    ") WITHOUT ROWID;"
    "CREATE INDEX plan_task_unit_unit ON plan_task_unit(unit);"
    "CREATE TABLE plan_report("
    "  id INTEGER PRIMARY KEY,"
    "  task_id TEXT NOT NULL REFERENCES plan_task(id),"
    "  county TEXT NOT NULL,"
    "  unit TEXT NOT NULL,"            /* the reporting unit */
    "  user_name TEXT NOT NULL,"
    "  date TEXT NOT NULL,"            /* YYYY-MM-DD the progress is as of */
    "  status TEXT NOT NULL CHECK(status IN ('in_progress','done','blocked')),"
    "  value REAL,"
    "  narrative TEXT NOT NULL,"
    "  created TEXT NOT NULL,"
    "  review TEXT NOT NULL DEFAULT 'pending' CHECK(review IN ('pending','accepted','returned')),"
    "  reviewer TEXT, reviewed_at TEXT, review_note TEXT"
    ");"
    "CREATE INDEX plan_report_task ON plan_report(task_id, date);"
    "CREATE TABLE plan_attachment("
    "  id INTEGER PRIMARY KEY,"
    "  report_id INTEGER NOT NULL REFERENCES plan_report(id) ON DELETE CASCADE,"
    "  county TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  mime TEXT NOT NULL,"            /* from the magic bytes, never from the name */
    "  size INTEGER NOT NULL,"
    "  sha256 TEXT NOT NULL,"
    "  data BLOB NOT NULL"
    ");"
    "CREATE INDEX plan_attachment_report ON plan_attachment(report_id);"
    "CREATE TABLE plan_rectification("
    "  id INTEGER PRIMARY KEY,"
    "  eval_id INTEGER NOT NULL REFERENCES plan_eval(id),"
    "  rule TEXT NOT NULL, area TEXT NOT NULL, facility TEXT NOT NULL,"
    "  county TEXT NOT NULL,"
    "  unit TEXT NOT NULL,"
    "  deadline TEXT NOT NULL,"        /* YYYY-MM-DD */
    "  note TEXT NOT NULL DEFAULT '',"
    "  status TEXT NOT NULL DEFAULT 'open' CHECK(status IN ('open','closed')),"
    "  created TEXT NOT NULL, created_by TEXT NOT NULL,"
    "  closed_eval INTEGER REFERENCES plan_eval(id),"
    "  closed_at TEXT"
    ");"
    "CREATE INDEX plan_rectification_open ON plan_rectification(status, rule, area, facility);"
    "CREATE TABLE plan_bulletin("
    "  month TEXT PRIMARY KEY,"        /* YYYY-MM */
    "  created TEXT NOT NULL,"
    "  ranking TEXT NOT NULL"          /* JSON [{county, name, score, rank}] for the next month's change */
    ");",
    /* v2: what is the same for every finding of a rule (title, unit, document) is kept once per
     * saved evaluation and rule instead of on each of a province's 60,000 rows; plan_finding's
     * columns of the same names are '' in rows saved from now on. */
    "CREATE TABLE plan_eval_rule("
    "  eval_id INTEGER NOT NULL REFERENCES plan_eval(id) ON DELETE CASCADE,"
    "  rule TEXT NOT NULL,"
    "  title TEXT NOT NULL, unit TEXT NOT NULL, document TEXT NOT NULL,"
    "  PRIMARY KEY(eval_id, rule)"
    ") WITHOUT ROWID;"
    "INSERT INTO plan_eval_rule(eval_id, rule, title, unit, document)"
    "  SELECT eval_id, rule, MAX(title), MAX(unit), MAX(document) FROM plan_finding GROUP BY eval_id, rule;",
    /* v3: area and facility names are kept once per saved evaluation and code instead of on
     * each finding (a village's name was on every rule's finding about it); plan_finding's
     * area_name and facility_name are '' in rows saved from now on. The names of evaluations
     * saved before are copied here, so that every snapshot reads its names the same way. */
    "CREATE TABLE plan_eval_name("
    "  eval_id INTEGER NOT NULL REFERENCES plan_eval(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL CHECK(kind IN ('area','facility')),"
    "  code TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  PRIMARY KEY(eval_id, kind, code)"
    ") WITHOUT ROWID;"
    "INSERT INTO plan_eval_name(eval_id, kind, code, name)"
    "  SELECT eval_id, 'area', area, MAX(area_name) FROM plan_finding GROUP BY eval_id, area;"
    "INSERT INTO plan_eval_name(eval_id, kind, code, name)"
    "  SELECT eval_id, 'facility', facility, MAX(facility_name) FROM plan_finding"
    "  WHERE facility<>'' GROUP BY eval_id, facility;"
    /* no query reads findings by county (a scope is a range of area codes, read through the
     * key index); every save of a province's 60,000 findings kept this index up to date */
    "DROP INDEX plan_finding_county;");
