/*
 * schema_care.c: tables of the care module. Every individual record carries the village code
 * and the county code (first 6 digits) of the resident's village, so that every query can be
 * scoped by area and a distributed database can partition the tables by county_code.
 * Dates are TEXT "YYYY-MM-DD" (timestamps may add "THH:MM[:SS]"); the scheduler summary columns
 * of care_enrolment are day numbers (days since 1970-01-01) and a packed blob so that the whole
 * population's next actions can be computed from one fast table scan.
 */
#include "store/schema.h"

/* v8: a read of a list of residents (a worklist page) is one access-log row naming the list
 * (list_id; resident 0), and each list is kept once, keyed by a digest of its ids, with a
 * member row per resident (care/access_batch.c); the view gives a row per (read, resident),
 * old rows and new alike, in the log's order. The same on both databases; the lists are
 * shared by every read of them, so they are not partitioned. */
#define ACCESS_LISTS_V8 \
    "CREATE TABLE care_access_list(" \
    "  id INTEGER PRIMARY KEY," \
    "  digest TEXT NOT NULL UNIQUE," /* BLAKE2b-128 of ids, hex */ \
    "  county_code TEXT NOT NULL DEFAULT ''," /* the residents' county when they share one */ \
    "  ids TEXT NOT NULL" /* the residents as listed: a JSON array of ids */ \
    ");" \
    "CREATE TABLE care_access_list_member(" \
    "  list_id INTEGER NOT NULL," \
    "  resident_id INTEGER NOT NULL," \
    "  county_code TEXT NOT NULL DEFAULT ''," \
    "  PRIMARY KEY(resident_id, list_id)" \
    ");" \
    "ALTER TABLE care_access_log ADD COLUMN list_id INTEGER;" \
    "CREATE INDEX care_access_log_list ON care_access_log(list_id) WHERE list_id IS NOT NULL;" \
    "CREATE VIEW care_access_seen AS " \
    "SELECT id,at,user_name,action,resident_id,county_code FROM care_access_log WHERE list_id IS NULL " \
    "UNION ALL SELECT l.id,l.at,l.user_name,l.action,m.resident_id,m.county_code FROM care_access_log l " \
    "JOIN care_access_list_member m ON m.list_id=l.list_id WHERE l.list_id IS NOT NULL;"

/* v6's figure triggers on residents, contracts and enrolments: the same in its SQLite and its
 * PostgreSQL form (the follow-up triggers differ: PostgreSQL also names the county). */
#define FIGURE_TRIGGERS_V6 \
    "CREATE TRIGGER care_figures_resident_ins AFTER INSERT ON care_resident BEGIN " \
    "INSERT INTO care_figures_dirty SELECT substr(NEW.village_code,1,9),NEW.county_code WHERE true ON CONFLICT DO NOTHING; " \
    "END;" \
    "CREATE TRIGGER care_figures_resident_upd AFTER UPDATE ON care_resident BEGIN " \
    "INSERT INTO care_figures_dirty SELECT substr(NEW.village_code,1,9),NEW.county_code WHERE true ON CONFLICT DO NOTHING; INSERT INTO care_figures_dirty SELECT substr(OLD.village_code,1,9),OLD.county_code WHERE true ON CONFLICT DO NOTHING; " \
    "END;" \
    "CREATE TRIGGER care_figures_resident_del AFTER DELETE ON care_resident BEGIN " \
    "INSERT INTO care_figures_dirty SELECT substr(OLD.village_code,1,9),OLD.county_code WHERE true ON CONFLICT DO NOTHING; " \
    "END;" \
    "CREATE TRIGGER care_figures_contract_ins AFTER INSERT ON care_contract BEGIN " \
    "INSERT INTO care_figures_dirty SELECT substr(NEW.village_code,1,9),NEW.county_code WHERE true ON CONFLICT DO NOTHING; " \
    "END;" \
    "CREATE TRIGGER care_figures_contract_upd AFTER UPDATE ON care_contract BEGIN " \
    "INSERT INTO care_figures_dirty SELECT substr(NEW.village_code,1,9),NEW.county_code WHERE true ON CONFLICT DO NOTHING; INSERT INTO care_figures_dirty SELECT substr(OLD.village_code,1,9),OLD.county_code WHERE true ON CONFLICT DO NOTHING; " \
    "END;" \
    "CREATE TRIGGER care_figures_contract_del AFTER DELETE ON care_contract BEGIN " \
    "INSERT INTO care_figures_dirty SELECT substr(OLD.village_code,1,9),OLD.county_code WHERE true ON CONFLICT DO NOTHING; " \
    "END;" \
    "CREATE TRIGGER care_figures_enrolment_ins AFTER INSERT ON care_enrolment BEGIN " \
    "INSERT INTO care_figures_dirty SELECT substr(NEW.village_code,1,9),NEW.county_code WHERE true ON CONFLICT DO NOTHING; " \
    "END;" \
    "CREATE TRIGGER care_figures_enrolment_upd AFTER UPDATE ON care_enrolment BEGIN " \
    "INSERT INTO care_figures_dirty SELECT substr(NEW.village_code,1,9),NEW.county_code WHERE true ON CONFLICT DO NOTHING; INSERT INTO care_figures_dirty SELECT substr(OLD.village_code,1,9),OLD.county_code WHERE true ON CONFLICT DO NOTHING; " \
    "END;" \
    "CREATE TRIGGER care_figures_enrolment_del AFTER DELETE ON care_enrolment BEGIN " \
    "INSERT INTO care_figures_dirty SELECT substr(OLD.village_code,1,9),OLD.county_code WHERE true ON CONFLICT DO NOTHING; " \
    "END;"

HSS_SCHEMA(hss_schema_care, "care",
    "CREATE TABLE care_resident("
    "  id INTEGER PRIMARY KEY,"
    "  id_number TEXT NOT NULL UNIQUE,"        /* GB 11643 citizen ID; masked in every output */
    "  name TEXT NOT NULL,"
    "  sex TEXT NOT NULL CHECK(sex IN ('male','female')),"
    "  birth_date TEXT NOT NULL,"
    "  village_code TEXT NOT NULL REFERENCES area(code),"
    "  county_code TEXT NOT NULL,"
    "  household TEXT NOT NULL DEFAULT '',"
    "  conditions INTEGER NOT NULL DEFAULT 0," /* bit mask, see care.h HSS_CARE_* */
    "  generated INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE INDEX care_resident_village ON care_resident(village_code);"
    "CREATE INDEX care_resident_county ON care_resident(county_code);"
    "CREATE TABLE care_team("
    "  code TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  facility_code TEXT NOT NULL REFERENCES facility(code),"
    "  county_code TEXT NOT NULL,"
    "  generated INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE INDEX care_team_facility ON care_team(facility_code);"
    "CREATE TABLE care_team_village("          /* the villages a team serves */
    "  team_code TEXT NOT NULL REFERENCES care_team(code) ON DELETE CASCADE,"
    "  village_code TEXT NOT NULL REFERENCES area(code),"
    "  PRIMARY KEY(team_code, village_code)"
    ") WITHOUT ROWID;"
    "CREATE INDEX care_team_village_v ON care_team_village(village_code);"
    "CREATE TABLE care_team_member("
    "  team_code TEXT NOT NULL REFERENCES care_team(code) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  role TEXT NOT NULL"                     /* staff category id (village_doctor, ...) */
    ");"
    "CREATE INDEX care_team_member_t ON care_team_member(team_code);"
    "CREATE TABLE care_contract("
    "  id INTEGER PRIMARY KEY,"
    "  resident_id INTEGER NOT NULL REFERENCES care_resident(id) ON DELETE CASCADE,"
    "  team_code TEXT NOT NULL REFERENCES care_team(code),"
    "  package TEXT NOT NULL,"
    "  start_date TEXT NOT NULL,"
    "  end_date TEXT NOT NULL,"
    "  renewal_of INTEGER REFERENCES care_contract(id),"
    "  village_code TEXT NOT NULL,"
    "  county_code TEXT NOT NULL,"
    "  generated INTEGER NOT NULL DEFAULT 0,"
    "  CHECK(end_date >= start_date)"
    ");"
    "CREATE INDEX care_contract_resident ON care_contract(resident_id, start_date);"
    "CREATE INDEX care_contract_county ON care_contract(county_code);"
    "CREATE INDEX care_contract_renewal ON care_contract(renewal_of);"
    "CREATE TABLE care_referral("
    "  id INTEGER PRIMARY KEY,"
    "  resident_id INTEGER NOT NULL REFERENCES care_resident(id) ON DELETE CASCADE,"
    "  from_facility TEXT NOT NULL REFERENCES facility(code),"
    "  to_facility TEXT REFERENCES facility(code),"
    "  to_name TEXT NOT NULL,"
    "  in_county INTEGER NOT NULL,"
    "  priority INTEGER NOT NULL,"            /* contracted resident: 优先预约、优先就诊 ... */
    "  reason TEXT NOT NULL DEFAULT '',"
    "  state TEXT NOT NULL,"
    "  requested_at TEXT NOT NULL,"
    "  accepted_at TEXT, rejected_at TEXT, arrived_at TEXT, completed_at TEXT,"
    "  down_referred_at TEXT, received_at TEXT,"
    "  village_code TEXT NOT NULL,"
    "  county_code TEXT NOT NULL,"
    "  generated INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE INDEX care_referral_resident ON care_referral(resident_id);"
    "CREATE INDEX care_referral_village ON care_referral(village_code, state);"
    "CREATE INDEX care_referral_county ON care_referral(county_code, requested_at);"
    "CREATE TABLE care_referral_event("
    "  referral_id INTEGER NOT NULL REFERENCES care_referral(id) ON DELETE CASCADE,"
    "  state TEXT NOT NULL,"
    "  at TEXT NOT NULL,"
    "  user TEXT NOT NULL DEFAULT '',"
    "  note TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX care_referral_event_r ON care_referral_event(referral_id);"
    "CREATE TABLE care_enrolment("
    "  id INTEGER PRIMARY KEY,"
    "  resident_id INTEGER NOT NULL REFERENCES care_resident(id) ON DELETE CASCADE,"
    "  disease TEXT NOT NULL CHECK(disease IN ('hypertension','diabetes')),"
    "  enrolled_on TEXT NOT NULL,"
    "  village_code TEXT NOT NULL,"
    "  county_code TEXT NOT NULL,"
    "  generated INTEGER NOT NULL DEFAULT 0,"
    /* scheduler summary: birth and enrolment days (day numbers), the number of visits kept (0-2)
     * and the last two visits, raw, packed by care/summary.c (24 bytes each, little-endian:
     * int32 day, int16 sbp, int16 dbp, float64 glucose, uint32 symptoms, uint8 referred, 3 pad) */
    "  s_birth INTEGER NOT NULL, s_enrolled INTEGER NOT NULL, s_nvisits INTEGER NOT NULL DEFAULT 0,"
    "  s_visits BLOB,"
    "  UNIQUE(resident_id, disease)"
    ");"
    "CREATE INDEX care_enrolment_village ON care_enrolment(village_code);"
    "CREATE INDEX care_enrolment_county ON care_enrolment(county_code);"
    "CREATE TABLE care_followup("
    "  id INTEGER PRIMARY KEY,"
    "  enrolment_id INTEGER NOT NULL REFERENCES care_enrolment(id) ON DELETE CASCADE,"
    "  visit_date TEXT NOT NULL,"
    "  sbp INTEGER, dbp INTEGER,"             /* mmHg; NULL when not measured */
    "  glucose REAL,"                         /* fasting plasma glucose, mmol/L */
    "  symptoms TEXT NOT NULL DEFAULT '',"    /* ';'-separated symptom ids */
    "  adherence TEXT CHECK(adherence IS NULL OR adherence IN ('regular','intermittent','none')),"
    "  referred INTEGER NOT NULL DEFAULT 0,"
    "  user TEXT NOT NULL DEFAULT '',"
    "  generated INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE INDEX care_followup_enrolment ON care_followup(enrolment_id, visit_date);"
    "CREATE TABLE care_access_log("           /* every read of a named resident */
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"                     /* UTC timestamp */
    "  user TEXT NOT NULL,"
    "  action TEXT NOT NULL,"                 /* show, worklist, list, followups ... */
    "  resident_id INTEGER NOT NULL"
    ");"
    "CREATE INDEX care_access_log_resident ON care_access_log(resident_id, at);",
    /* v2: writes from the dashboard (care/write.c). A follow-up keeps the medication and a note;
     * an ended contract its reason; a referral its urgency. care_request holds each client
     * request_id with the answer given, so that a request sent twice (a retry after a dropped
     * connection, an offline queue flushed again) stores one record and answers the same. */
    "ALTER TABLE care_followup ADD COLUMN medication TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE care_followup ADD COLUMN note TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE care_contract ADD COLUMN ended_on TEXT;"
    "ALTER TABLE care_contract ADD COLUMN end_reason TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE care_referral ADD COLUMN urgency TEXT NOT NULL DEFAULT 'routine';"
    "CREATE TABLE care_request("
    "  request_id TEXT PRIMARY KEY,"          /* client-generated, unique per request */
    "  user TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"                   /* followup, contract, renew, end, referral ... */
    "  at TEXT NOT NULL,"                     /* UTC timestamp of the first arrival */
    "  status INTEGER NOT NULL,"              /* HTTP status of the answer */
    "  answer TEXT NOT NULL,"                 /* the JSON answer, given again to a repeat */
    "  county_code TEXT NOT NULL"
    ");"
    "CREATE INDEX care_request_county ON care_request(county_code, at);",
    /* v3: the townships whose records changed since the monitoring figures were last taken from
     * them (metrics takes them again before it next answers: hss_care_figures_changed). Filled
     * by triggers, so that every write path (dashboard, CLI imports, FHIR) is covered. The
     * township is the first 9 digits of the village code. */
    "CREATE TABLE care_figures_dirty("
    "  township TEXT PRIMARY KEY,"
    "  county_code TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TRIGGER care_figures_resident_ins AFTER INSERT ON care_resident BEGIN "
    "INSERT INTO care_figures_dirty SELECT substr(NEW.village_code,1,9),NEW.county_code WHERE NOT EXISTS (SELECT 1 FROM care_figures_dirty WHERE township=substr(NEW.village_code,1,9)); "
    "END;"
    "CREATE TRIGGER care_figures_resident_upd AFTER UPDATE ON care_resident BEGIN "
    "INSERT INTO care_figures_dirty SELECT substr(NEW.village_code,1,9),NEW.county_code WHERE NOT EXISTS (SELECT 1 FROM care_figures_dirty WHERE township=substr(NEW.village_code,1,9)); "
    "INSERT INTO care_figures_dirty SELECT substr(OLD.village_code,1,9),OLD.county_code WHERE NOT EXISTS (SELECT 1 FROM care_figures_dirty WHERE township=substr(OLD.village_code,1,9)); "
    "END;"
    "CREATE TRIGGER care_figures_resident_del AFTER DELETE ON care_resident BEGIN "
    "INSERT INTO care_figures_dirty SELECT substr(OLD.village_code,1,9),OLD.county_code WHERE NOT EXISTS (SELECT 1 FROM care_figures_dirty WHERE township=substr(OLD.village_code,1,9)); "
    "END;"
    "CREATE TRIGGER care_figures_contract_ins AFTER INSERT ON care_contract BEGIN "
    "INSERT INTO care_figures_dirty SELECT substr(NEW.village_code,1,9),NEW.county_code WHERE NOT EXISTS (SELECT 1 FROM care_figures_dirty WHERE township=substr(NEW.village_code,1,9)); "
    "END;"
    "CREATE TRIGGER care_figures_contract_upd AFTER UPDATE ON care_contract BEGIN "
    "INSERT INTO care_figures_dirty SELECT substr(NEW.village_code,1,9),NEW.county_code WHERE NOT EXISTS (SELECT 1 FROM care_figures_dirty WHERE township=substr(NEW.village_code,1,9)); "
    "INSERT INTO care_figures_dirty SELECT substr(OLD.village_code,1,9),OLD.county_code WHERE NOT EXISTS (SELECT 1 FROM care_figures_dirty WHERE township=substr(OLD.village_code,1,9)); "
    "END;"
    "CREATE TRIGGER care_figures_contract_del AFTER DELETE ON care_contract BEGIN "
    "INSERT INTO care_figures_dirty SELECT substr(OLD.village_code,1,9),OLD.county_code WHERE NOT EXISTS (SELECT 1 FROM care_figures_dirty WHERE township=substr(OLD.village_code,1,9)); "
    "END;"
    "CREATE TRIGGER care_figures_enrolment_ins AFTER INSERT ON care_enrolment BEGIN "
    "INSERT INTO care_figures_dirty SELECT substr(NEW.village_code,1,9),NEW.county_code WHERE NOT EXISTS (SELECT 1 FROM care_figures_dirty WHERE township=substr(NEW.village_code,1,9)); "
    "END;"
    "CREATE TRIGGER care_figures_enrolment_upd AFTER UPDATE ON care_enrolment BEGIN "
    "INSERT INTO care_figures_dirty SELECT substr(NEW.village_code,1,9),NEW.county_code WHERE NOT EXISTS (SELECT 1 FROM care_figures_dirty WHERE township=substr(NEW.village_code,1,9)); "
    "INSERT INTO care_figures_dirty SELECT substr(OLD.village_code,1,9),OLD.county_code WHERE NOT EXISTS (SELECT 1 FROM care_figures_dirty WHERE township=substr(OLD.village_code,1,9)); "
    "END;"
    "CREATE TRIGGER care_figures_enrolment_del AFTER DELETE ON care_enrolment BEGIN "
    "INSERT INTO care_figures_dirty SELECT substr(OLD.village_code,1,9),OLD.county_code WHERE NOT EXISTS (SELECT 1 FROM care_figures_dirty WHERE township=substr(OLD.village_code,1,9)); "
    "END;"
    "CREATE TRIGGER care_figures_followup_ins AFTER INSERT ON care_followup BEGIN "
    "INSERT INTO care_figures_dirty SELECT substr(e.village_code,1,9),e.county_code FROM care_enrolment e WHERE e.id=NEW.enrolment_id AND NOT EXISTS (SELECT 1 FROM care_figures_dirty d WHERE d.township=substr(e.village_code,1,9)); "
    "END;"
    "CREATE TRIGGER care_figures_followup_upd AFTER UPDATE ON care_followup BEGIN "
    "INSERT INTO care_figures_dirty SELECT substr(e.village_code,1,9),e.county_code FROM care_enrolment e WHERE e.id=NEW.enrolment_id AND NOT EXISTS (SELECT 1 FROM care_figures_dirty d WHERE d.township=substr(e.village_code,1,9)); "
    "END;"
    "CREATE TRIGGER care_figures_followup_del AFTER DELETE ON care_followup BEGIN "
    "INSERT INTO care_figures_dirty SELECT substr(e.village_code,1,9),e.county_code FROM care_enrolment e WHERE e.id=OLD.enrolment_id AND NOT EXISTS (SELECT 1 FROM care_figures_dirty d WHERE d.township=substr(e.village_code,1,9)); "
    "END;",
    /* v4: the phone number a resident calls to reach their family-doctor team ('' = none) */
    "ALTER TABLE care_team ADD COLUMN phone TEXT NOT NULL DEFAULT '';",
    /* v5: `user` is a reserved word in PostgreSQL (it means the session's database user), so
     * the column that names who did a thing is user_name, as in the other modules */
    "ALTER TABLE care_followup RENAME COLUMN user TO user_name;"
    "ALTER TABLE care_access_log RENAME COLUMN user TO user_name;"
    "ALTER TABLE care_request RENAME COLUMN user TO user_name;"
    /* and referral events get an id of their own (their order), which SQLite kept as the
     * hidden row id */
    "CREATE TABLE care_referral_event_v5("
    "  id INTEGER PRIMARY KEY,"
    "  referral_id INTEGER NOT NULL REFERENCES care_referral(id) ON DELETE CASCADE,"
    "  state TEXT NOT NULL,"
    "  at TEXT NOT NULL,"
    "  user_name TEXT NOT NULL DEFAULT '',"
    "  note TEXT NOT NULL DEFAULT ''"
    ");"
    "INSERT INTO care_referral_event_v5(id,referral_id,state,at,user_name,note) "
    "  SELECT rowid,referral_id,state,at,user,note FROM care_referral_event;"
    "DROP TABLE care_referral_event;"
    "ALTER TABLE care_referral_event_v5 RENAME TO care_referral_event;"
    "CREATE INDEX care_referral_event_r ON care_referral_event(referral_id);"
    HSS_SQL_PG /* the same, numbering the events in the order they are stored */
    "CREATE TABLE care_referral_event_v5("
    "  id INTEGER PRIMARY KEY,"
    "  referral_id INTEGER NOT NULL REFERENCES care_referral(id) ON DELETE CASCADE,"
    "  state TEXT NOT NULL,"
    "  at TEXT NOT NULL,"
    "  user_name TEXT NOT NULL DEFAULT '',"
    "  note TEXT NOT NULL DEFAULT ''"
    ");"
    "INSERT INTO care_referral_event_v5(referral_id,state,at,user_name,note) "
    "  SELECT referral_id,state,at,user,note FROM care_referral_event ORDER BY ctid;"
    "DROP TABLE care_referral_event;"
    "ALTER TABLE care_referral_event_v5 RENAME TO care_referral_event;"
    "CREATE INDEX care_referral_event_r ON care_referral_event(referral_id);"
    "ALTER TABLE care_followup RENAME COLUMN user TO user_name;"
    "ALTER TABLE care_access_log RENAME COLUMN user TO user_name;"
    "ALTER TABLE care_request RENAME COLUMN user TO user_name;",
    /* v6 (issue 15): on PostgreSQL the tables about residents and their care are partitioned by
     * county (PARTITION BY HASH(county_code), store_dialect.c makes the partitions), so every key
     * names county_code: (id, county_code), the ID number unique per county, and a record refers
     * to its resident (or enrolment, referral) by (id, county_code), so that a resident's records
     * live in the resident's county partition and follow the resident there (ON UPDATE CASCADE).
     * Follow-ups and referral events gain the county code of their enrolment and referral.
     * SQLite keeps its tables: it gains the two columns, the index the ID-number upsert names,
     * and the figure triggers written as ON CONFLICT DO NOTHING (two concurrent writers on
     * PostgreSQL could both pass the NOT EXISTS and one then failed on the key). */
    "ALTER TABLE care_followup ADD COLUMN county_code TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE care_referral_event ADD COLUMN county_code TEXT NOT NULL DEFAULT '';"
    "DROP TRIGGER care_figures_resident_ins;"
    "DROP TRIGGER care_figures_resident_upd;"
    "DROP TRIGGER care_figures_resident_del;"
    "DROP TRIGGER care_figures_contract_ins;"
    "DROP TRIGGER care_figures_contract_upd;"
    "DROP TRIGGER care_figures_contract_del;"
    "DROP TRIGGER care_figures_enrolment_ins;"
    "DROP TRIGGER care_figures_enrolment_upd;"
    "DROP TRIGGER care_figures_enrolment_del;"
    "DROP TRIGGER care_figures_followup_ins;"
    "DROP TRIGGER care_figures_followup_upd;"
    "DROP TRIGGER care_figures_followup_del;"
    "UPDATE care_followup SET county_code=(SELECT e.county_code FROM care_enrolment e WHERE e.id=care_followup.enrolment_id);"
    "UPDATE care_referral_event SET county_code=(SELECT r.county_code FROM care_referral r WHERE r.id=care_referral_event.referral_id);"
    "CREATE UNIQUE INDEX care_resident_id_number_county ON care_resident(id_number, county_code);"
    FIGURE_TRIGGERS_V6
    "CREATE TRIGGER care_figures_followup_ins AFTER INSERT ON care_followup BEGIN "
    "INSERT INTO care_figures_dirty SELECT substr(e.village_code,1,9),e.county_code FROM care_enrolment e WHERE e.id=NEW.enrolment_id ON CONFLICT DO NOTHING; "
    "END;"
    "CREATE TRIGGER care_figures_followup_upd AFTER UPDATE ON care_followup BEGIN "
    "INSERT INTO care_figures_dirty SELECT substr(e.village_code,1,9),e.county_code FROM care_enrolment e WHERE e.id=NEW.enrolment_id ON CONFLICT DO NOTHING; "
    "END;"
    "CREATE TRIGGER care_figures_followup_del AFTER DELETE ON care_followup BEGIN "
    "INSERT INTO care_figures_dirty SELECT substr(e.village_code,1,9),e.county_code FROM care_enrolment e WHERE e.id=OLD.enrolment_id ON CONFLICT DO NOTHING; "
    "END;"
    HSS_SQL_PG /* the tables are made again, partitioned, and the rows moved into them */
    "ALTER TABLE care_resident RENAME TO care_resident_old;"
    "ALTER TABLE care_contract RENAME TO care_contract_old;"
    "ALTER TABLE care_referral RENAME TO care_referral_old;"
    "ALTER TABLE care_referral_event RENAME TO care_referral_event_old;"
    "ALTER TABLE care_enrolment RENAME TO care_enrolment_old;"
    "ALTER TABLE care_followup RENAME TO care_followup_old;"
    "ALTER TABLE care_request RENAME TO care_request_old;"
    "CREATE TABLE care_resident("
    "  id INTEGER PRIMARY KEY,"
    "  id_number TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  sex TEXT NOT NULL CHECK(sex IN ('male','female')),"
    "  birth_date TEXT NOT NULL,"
    "  village_code TEXT NOT NULL REFERENCES area(code) DEFERRABLE,"
    "  county_code TEXT NOT NULL,"
    "  household TEXT NOT NULL DEFAULT '',"
    "  conditions INTEGER NOT NULL DEFAULT 0,"
    "  generated INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE(id_number, county_code)"
    ") PARTITION BY HASH(county_code);"
    "CREATE TABLE care_contract("
    "  id INTEGER PRIMARY KEY,"
    "  resident_id INTEGER NOT NULL,"
    "  team_code TEXT NOT NULL REFERENCES care_team(code) DEFERRABLE,"
    "  package TEXT NOT NULL,"
    "  start_date TEXT NOT NULL,"
    "  end_date TEXT NOT NULL,"
    "  renewal_of INTEGER,"
    "  village_code TEXT NOT NULL,"
    "  county_code TEXT NOT NULL,"
    "  generated INTEGER NOT NULL DEFAULT 0,"
    "  ended_on TEXT,"
    "  end_reason TEXT NOT NULL DEFAULT '',"
    "  CHECK(end_date >= start_date),"
    "  FOREIGN KEY(resident_id, county_code) REFERENCES care_resident(id, county_code)"
    "    ON DELETE CASCADE ON UPDATE CASCADE DEFERRABLE,"
    "  FOREIGN KEY(renewal_of, county_code) REFERENCES care_contract(id, county_code)"
    "    ON UPDATE CASCADE DEFERRABLE"
    ") PARTITION BY HASH(county_code);"
    "CREATE TABLE care_referral("
    "  id INTEGER PRIMARY KEY,"
    "  resident_id INTEGER NOT NULL,"
    "  from_facility TEXT NOT NULL REFERENCES facility(code) DEFERRABLE,"
    "  to_facility TEXT REFERENCES facility(code) DEFERRABLE,"
    "  to_name TEXT NOT NULL,"
    "  in_county INTEGER NOT NULL,"
    "  priority INTEGER NOT NULL,"
    "  reason TEXT NOT NULL DEFAULT '',"
    "  state TEXT NOT NULL,"
    "  requested_at TEXT NOT NULL,"
    "  accepted_at TEXT, rejected_at TEXT, arrived_at TEXT, completed_at TEXT,"
    "  down_referred_at TEXT, received_at TEXT,"
    "  village_code TEXT NOT NULL,"
    "  county_code TEXT NOT NULL,"
    "  generated INTEGER NOT NULL DEFAULT 0,"
    "  urgency TEXT NOT NULL DEFAULT 'routine',"
    "  FOREIGN KEY(resident_id, county_code) REFERENCES care_resident(id, county_code)"
    "    ON DELETE CASCADE ON UPDATE CASCADE DEFERRABLE"
    ") PARTITION BY HASH(county_code);"
    "CREATE TABLE care_referral_event("
    "  id INTEGER PRIMARY KEY,"
    "  referral_id INTEGER NOT NULL,"
    "  state TEXT NOT NULL,"
    "  at TEXT NOT NULL,"
    "  user_name TEXT NOT NULL DEFAULT '',"
    "  note TEXT NOT NULL DEFAULT '',"
    "  county_code TEXT NOT NULL DEFAULT '',"
    "  FOREIGN KEY(referral_id, county_code) REFERENCES care_referral(id, county_code)"
    "    ON DELETE CASCADE ON UPDATE CASCADE DEFERRABLE"
    ") PARTITION BY HASH(county_code);"
    "CREATE TABLE care_enrolment("
    "  id INTEGER PRIMARY KEY,"
    "  resident_id INTEGER NOT NULL,"
    "  disease TEXT NOT NULL CHECK(disease IN ('hypertension','diabetes')),"
    "  enrolled_on TEXT NOT NULL,"
    "  village_code TEXT NOT NULL,"
    "  county_code TEXT NOT NULL,"
    "  generated INTEGER NOT NULL DEFAULT 0,"
    "  s_birth INTEGER NOT NULL, s_enrolled INTEGER NOT NULL, s_nvisits INTEGER NOT NULL DEFAULT 0,"
    "  s_visits BLOB,"
    "  UNIQUE(resident_id, disease, county_code),"
    "  FOREIGN KEY(resident_id, county_code) REFERENCES care_resident(id, county_code)"
    "    ON DELETE CASCADE ON UPDATE CASCADE DEFERRABLE"
    ") PARTITION BY HASH(county_code);"
    "CREATE TABLE care_followup("
    "  id INTEGER PRIMARY KEY,"
    "  enrolment_id INTEGER NOT NULL,"
    "  visit_date TEXT NOT NULL,"
    "  sbp INTEGER, dbp INTEGER,"
    "  glucose REAL,"
    "  symptoms TEXT NOT NULL DEFAULT '',"
    "  adherence TEXT CHECK(adherence IS NULL OR adherence IN ('regular','intermittent','none')),"
    "  referred INTEGER NOT NULL DEFAULT 0,"
    "  user_name TEXT NOT NULL DEFAULT '',"
    "  generated INTEGER NOT NULL DEFAULT 0,"
    "  medication TEXT NOT NULL DEFAULT '',"
    "  note TEXT NOT NULL DEFAULT '',"
    "  county_code TEXT NOT NULL DEFAULT '',"
    "  FOREIGN KEY(enrolment_id, county_code) REFERENCES care_enrolment(id, county_code)"
    "    ON DELETE CASCADE ON UPDATE CASCADE DEFERRABLE"
    ") PARTITION BY HASH(county_code);"
    "CREATE TABLE care_request("
    "  request_id TEXT NOT NULL,"
    "  user_name TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  at TEXT NOT NULL,"
    "  status INTEGER NOT NULL,"
    "  answer TEXT NOT NULL,"
    "  county_code TEXT NOT NULL,"
    "  PRIMARY KEY(request_id, county_code)"
    ") PARTITION BY HASH(county_code);"
    /* a record whose county differs from its resident's (a resident who moved, on a database
     * from before) goes with the resident */
    "INSERT INTO care_resident SELECT * FROM care_resident_old;"
    "INSERT INTO care_contract SELECT c.id,c.resident_id,c.team_code,c.package,c.start_date,c.end_date,c.renewal_of,"
    "  c.village_code,r.county_code,c.generated,c.ended_on,c.end_reason"
    "  FROM care_contract_old c JOIN care_resident_old r ON r.id=c.resident_id;"
    "INSERT INTO care_referral SELECT f.id,f.resident_id,f.from_facility,f.to_facility,f.to_name,f.in_county,f.priority,"
    "  f.reason,f.state,f.requested_at,f.accepted_at,f.rejected_at,f.arrived_at,f.completed_at,f.down_referred_at,"
    "  f.received_at,f.village_code,r.county_code,f.generated,f.urgency"
    "  FROM care_referral_old f JOIN care_resident_old r ON r.id=f.resident_id;"
    "INSERT INTO care_referral_event SELECT v.id,v.referral_id,v.state,v.at,v.user_name,v.note,r.county_code"
    "  FROM care_referral_event_old v JOIN care_referral_old f ON f.id=v.referral_id"
    "  JOIN care_resident_old r ON r.id=f.resident_id;"
    "INSERT INTO care_enrolment SELECT e.id,e.resident_id,e.disease,e.enrolled_on,e.village_code,r.county_code,"
    "  e.generated,e.s_birth,e.s_enrolled,e.s_nvisits,e.s_visits"
    "  FROM care_enrolment_old e JOIN care_resident_old r ON r.id=e.resident_id;"
    "INSERT INTO care_followup SELECT f.id,f.enrolment_id,f.visit_date,f.sbp,f.dbp,f.glucose,f.symptoms,f.adherence,"
    "  f.referred,f.user_name,f.generated,f.medication,f.note,r.county_code"
    "  FROM care_followup_old f JOIN care_enrolment_old e ON e.id=f.enrolment_id"
    "  JOIN care_resident_old r ON r.id=e.resident_id;"
    "INSERT INTO care_request SELECT * FROM care_request_old;"
    /* made again after the tables whose triggers fill it, so that the catalogue (and `hss copy`,
     * which takes tables in creation order) still lists it after them */
    "ALTER TABLE care_figures_dirty RENAME TO care_figures_dirty_old;"
    "CREATE TABLE care_figures_dirty("
    "  township TEXT PRIMARY KEY,"
    "  county_code TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "INSERT INTO care_figures_dirty SELECT * FROM care_figures_dirty_old;"
    "DROP TABLE care_followup_old, care_enrolment_old, care_referral_event_old, care_referral_old, care_contract_old,"
    "  care_resident_old, care_request_old, care_figures_dirty_old;"
    "CREATE INDEX care_resident_village ON care_resident(village_code);"
    "CREATE INDEX care_resident_county ON care_resident(county_code);"
    "CREATE INDEX care_contract_resident ON care_contract(resident_id, start_date);"
    "CREATE INDEX care_contract_county ON care_contract(county_code);"
    "CREATE INDEX care_contract_renewal ON care_contract(renewal_of);"
    "CREATE INDEX care_referral_resident ON care_referral(resident_id);"
    "CREATE INDEX care_referral_village ON care_referral(village_code, state);"
    "CREATE INDEX care_referral_county ON care_referral(county_code, requested_at);"
    "CREATE INDEX care_referral_event_r ON care_referral_event(referral_id);"
    "CREATE INDEX care_enrolment_village ON care_enrolment(village_code);"
    "CREATE INDEX care_enrolment_county ON care_enrolment(county_code);"
    "CREATE INDEX care_followup_enrolment ON care_followup(enrolment_id, visit_date);"
    "CREATE INDEX care_request_county ON care_request(county_code, at);"
    FIGURE_TRIGGERS_V6
    "CREATE TRIGGER care_figures_followup_ins AFTER INSERT ON care_followup BEGIN "
    "INSERT INTO care_figures_dirty SELECT substr(e.village_code,1,9),e.county_code FROM care_enrolment e WHERE e.id=NEW.enrolment_id AND e.county_code=NEW.county_code ON CONFLICT DO NOTHING; "
    "END;"
    "CREATE TRIGGER care_figures_followup_upd AFTER UPDATE ON care_followup BEGIN "
    "INSERT INTO care_figures_dirty SELECT substr(e.village_code,1,9),e.county_code FROM care_enrolment e WHERE e.id=NEW.enrolment_id AND e.county_code=NEW.county_code ON CONFLICT DO NOTHING; "
    "END;"
    "CREATE TRIGGER care_figures_followup_del AFTER DELETE ON care_followup BEGIN "
    "INSERT INTO care_figures_dirty SELECT substr(e.village_code,1,9),e.county_code FROM care_enrolment e WHERE e.id=OLD.enrolment_id AND e.county_code=OLD.county_code ON CONFLICT DO NOTHING; "
    "END;",
    /* v7: the worklists' change notes (worklist_cache.c) get a table of their own: they were
     * hss_meta rows `care_changed:<version>` = "village resident", read by key range and
     * deleted by key range on every care write. The notes are a rolling window over the last
     * few thousand versions that only a running server reads; the old ones are dropped (a
     * server started on the new schema computes its lists afresh). Not partitioned on
     * PostgreSQL: it is read by version across all counties. And the access log carries the
     * resident's county, as the other tables about people do, so that PostgreSQL partitions
     * it by county (its existing rows take their resident's county). */
    "CREATE TABLE care_change("
    "  version INTEGER NOT NULL,"          /* the data version the note is about */
    "  village_code TEXT NOT NULL,"        /* the village of the resident whose records changed */
    "  resident_id INTEGER NOT NULL,"
    "  county_code TEXT NOT NULL,"
    "  PRIMARY KEY(version)"
    ");"
    "DELETE FROM hss_meta WHERE key >= 'care_changed:' AND key < 'care_changed;';"
    "ALTER TABLE care_access_log ADD COLUMN county_code TEXT NOT NULL DEFAULT '';"
    "UPDATE care_access_log SET county_code=coalesce((SELECT r.county_code FROM care_resident r "
    "  WHERE r.id=care_access_log.resident_id),'');"
    HSS_SQL_PG
    "CREATE TABLE care_change("
    "  version INTEGER NOT NULL,"
    "  village_code TEXT NOT NULL,"
    "  resident_id INTEGER NOT NULL,"
    "  county_code TEXT NOT NULL,"
    "  PRIMARY KEY(version)"
    ");"
    "DELETE FROM hss_meta WHERE key >= 'care_changed:' AND key < 'care_changed;';"
    "ALTER TABLE care_access_log RENAME TO care_access_log_old;"
    "DROP INDEX care_access_log_resident;"
    "CREATE TABLE care_access_log("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  user_name TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  resident_id INTEGER NOT NULL,"
    "  county_code TEXT NOT NULL DEFAULT ''"
    ") PARTITION BY HASH(county_code);"
    "INSERT INTO care_access_log SELECT l.id,l.at,l.user_name,l.action,l.resident_id,coalesce(r.county_code,'')"
    "  FROM care_access_log_old l LEFT JOIN care_resident r ON r.id=l.resident_id;"
    "DROP TABLE care_access_log_old;"
    "CREATE INDEX care_access_log_resident ON care_access_log(resident_id, at);",
    /* v8: lists of residents read (ACCESS_LISTS_V8 above) */
    ACCESS_LISTS_V8 HSS_SQL_PG ACCESS_LISTS_V8);
