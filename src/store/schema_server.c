/*
 * schema_server.c: tables of the server module. Dashboard users with a role and an area
 * scope (passwords as argon2id strings from libsodium), sessions (only a hash of the cookie
 * token is stored, so a leaked database does not leak live sessions), login attempts for
 * rate limiting and lockout, and the audit trail of logins, writes and reads of
 * individual-level data. None of these are region facts: they never bump the data version.
 */
#include "store/schema.h"

HSS_SCHEMA(hss_schema_server, "server",
    "CREATE TABLE app_user("
    "  name TEXT PRIMARY KEY,"
    "  role TEXT NOT NULL CHECK(role IN ('admin','planner','county','facility')),"
    "  scope TEXT NOT NULL,"          /* area code: the user sees this area and all below it */
    "  password_hash TEXT NOT NULL,"  /* crypto_pwhash_str (argon2id) */
    "  created TEXT NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE TABLE app_session("
    "  token_hash TEXT PRIMARY KEY,"  /* hex BLAKE2b of the cookie token */
    "  user_name TEXT NOT NULL REFERENCES app_user(name) ON DELETE CASCADE,"
    "  csrf TEXT NOT NULL,"           /* token the client must echo in X-CSRF-Token on writes */
    "  created INTEGER NOT NULL,"     /* unix seconds */
    "  expires INTEGER NOT NULL"
    ");"
    "CREATE INDEX app_session_expires ON app_session(expires);"
    "CREATE TABLE login_attempt("
    "  user_name TEXT NOT NULL,"
    "  ip TEXT NOT NULL,"
    "  at INTEGER NOT NULL,"          /* unix seconds */
    "  ok INTEGER NOT NULL"
    ");"
    "CREATE INDEX login_attempt_user ON login_attempt(user_name, at);"
    "CREATE INDEX login_attempt_ip ON login_attempt(ip, at);"
    "CREATE TABLE audit("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"             /* UTC, YYYY-MM-DDTHH:MM:SSZ */
    "  user_name TEXT NOT NULL,"      /* '' when not logged in */
    "  ip TEXT NOT NULL,"
    "  action TEXT NOT NULL,"         /* login_ok, login_fail, login_locked, logout, write, read */
    "  target TEXT NOT NULL,"         /* method and path, or what was read */
    "  status INTEGER NOT NULL,"      /* HTTP status returned (0 for CLI actions) */
    "  detail TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX audit_at ON audit(at);"
    "CREATE INDEX audit_user ON audit(user_name, at);",
    /* v2: residents' own accounts (role resident, linked to their citizen ID number). SQLite
     * cannot change a CHECK, so the table is rebuilt; live sessions end with the old table. */
    "CREATE TABLE app_user_v2("
    "  name TEXT PRIMARY KEY,"
    "  role TEXT NOT NULL CHECK(role IN ('admin','planner','county','facility','resident')),"
    "  scope TEXT NOT NULL,"
    "  password_hash TEXT NOT NULL,"
    "  created TEXT NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0,"
    "  resident TEXT"                 /* role resident: the citizen ID number whose record it reads */
    ");"
    "INSERT INTO app_user_v2(name,role,scope,password_hash,created,disabled) "
    "  SELECT name,role,scope,password_hash,created,disabled FROM app_user;"
    "DROP TABLE app_user;"
    "ALTER TABLE app_user_v2 RENAME TO app_user;"
    HSS_SQL_PG /* PostgreSQL changes a CHECK in place, and keeps app_session's reference */
    "ALTER TABLE app_user DROP CONSTRAINT app_user_role_check;"
    "ALTER TABLE app_user ADD CONSTRAINT app_user_role_check "
    "  CHECK(role IN ('admin','planner','county','facility','resident'));"
    "ALTER TABLE app_user ADD COLUMN resident TEXT;",
    /* v3: roles that match the people (care_roles.c, plan): doctor (a family-doctor team member,
     * app_user.team), hospital (a receiving facility, app_user.facility), cdc (alerts and
     * surveillance of an area, no named residents) and unit (a responsible unit of the plan:
     * 市财政局, 莲都区卫健局 ..., app_user.unit, its name exactly as the documents write it); a
     * display name shown to residents in the log of who read their record. The table is rebuilt
     * for the CHECK. */
    "CREATE TABLE app_user_v3("
    "  name TEXT PRIMARY KEY,"
    "  role TEXT NOT NULL CHECK(role IN ('admin','planner','county','facility','resident','doctor','hospital','cdc','unit')),"
    "  scope TEXT NOT NULL,"
    "  password_hash TEXT NOT NULL,"
    "  created TEXT NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0,"
    "  resident TEXT,"
    "  unit TEXT,"                    /* role unit: the responsible unit's name */
    "  team TEXT,"                    /* role doctor: the family-doctor team code */
    "  facility TEXT,"                /* role hospital: the facility code; doctor: the team's */
    "  display_name TEXT NOT NULL DEFAULT ''"
    ");"
    "INSERT INTO app_user_v3(name,role,scope,password_hash,created,disabled,resident) "
    "  SELECT name,role,scope,password_hash,created,disabled,resident FROM app_user;"
    "DROP TABLE app_user;"
    "ALTER TABLE app_user_v3 RENAME TO app_user;"
    HSS_SQL_PG
    "ALTER TABLE app_user DROP CONSTRAINT app_user_role_check;"
    "ALTER TABLE app_user ADD CONSTRAINT app_user_role_check "
    "  CHECK(role IN ('admin','planner','county','facility','resident','doctor','hospital','cdc','unit'));"
    "ALTER TABLE app_user ADD COLUMN unit TEXT;"
    "ALTER TABLE app_user ADD COLUMN team TEXT;"
    "ALTER TABLE app_user ADD COLUMN facility TEXT;"
    "ALTER TABLE app_user ADD COLUMN display_name TEXT NOT NULL DEFAULT '';");
