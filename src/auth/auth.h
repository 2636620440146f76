/*
 * auth: the people who use HSS and the record of what they did. Accounts (role, area scope,
 * argon2id password, and the unit, team, facility or resident an account is tied to), login
 * sessions (only a hash of the cookie token is stored), login attempts (for lockout and rate
 * limits) and the audit trail of logins, writes, exports and reads of named residents. The
 * server (src/server/auth.c, http.c) and the CLI (`hss user`, `hss audit`, the audit row of
 * every CLI write) call these functions; every statement on these tables is in src/auth/db.c.
 */
#ifndef HSS_AUTH_H
#define HSS_AUTH_H

#include <stdint.h>

#include "base/base.h"
#include "report/report.h"
#include "store/store.h"

/* ---- accounts ------------------------------------------------------------------------------ */

/* Adds or replaces an account: roles admin, planner, county, facility, resident, doctor,
 * hospital, cdc, unit; `scope` an area code of 6, 9 or 12 digits; a password of at least 8
 * bytes. Replacing an account changes role, scope and password, re-enables it and ends its
 * sessions. One transaction with its audit row (action user_add, from the CLI). */
hss_code hss_auth_user_add(hss_store *st, const char *name, const char *role, const char *scope,
                           const char *password, hss_error *err);
/* The same without an audit row, for a change the caller audits itself (the server's password
 * change is audited as the request's write). */
hss_code hss_auth_user_save(hss_store *st, const char *name, const char *role, const char *scope,
                            const char *password, hss_error *err);
/* All accounts (name, role, scope, created, disabled), never the hashes. */
hss_code hss_auth_user_list(hss_store *st, hss_table **out, hss_error *err);

/* What an account is tied to (empty strings when nothing). */
typedef struct hss_auth_ties {
    char team[64];      /* role doctor: the family-doctor team code */
    char facility[64];  /* role hospital: its facility; doctor: the team's facility */
    char resident[64];  /* role resident: the citizen ID number of the record it reads */
} hss_auth_ties;
/* Reads the ties of account `name`; an unknown account has none. */
hss_code hss_auth_user_ties(hss_store *st, const char *name, hss_auth_ties *out, hss_error *err);
/* Ties an account to a responsible unit (role unit) by the unit's name. */
hss_code hss_auth_user_set_unit(hss_store *st, const char *name, const char *unit, hss_error *err);
/* Ties an account to a team (NULL for a hospital) and facility, with the name residents see. */
hss_code hss_auth_user_set_care(hss_store *st, const char *name, const char *team, const char *facility,
                                const char *display, hss_error *err);
/* Ties a resident's account to the citizen ID number of their stored record. */
hss_code hss_auth_user_set_resident(hss_store *st, const char *name, const char *id_number, hss_error *err);
/* How a resident sees account `name` in the log of who read their record: display name, role and
 * the facility (or team) it works for. 1 when the account exists, else 0. */
typedef struct hss_auth_reader {
    char display[128], role[16], facility[256];
} hss_auth_reader;
int hss_auth_user_describe(hss_store *st, const char *name, hss_auth_reader *out);

/* ---- logins and sessions ------------------------------------------------------------------- */

/* The password hash, role and scope of an account: enabled ones only when `enabled_only`.
 * 1 when found, 0 when not (or on a database error). */
typedef struct hss_auth_login {
    char hash[128], role[16], scope[16]; /* hash: crypto_pwhash_STRBYTES */
} hss_auth_login;
int hss_auth_user_login(hss_store *st, const char *name, int enabled_only, hss_auth_login *out);
/* Failed password checks since unix time `since` from address `ip`: of any account (user
 * NULL), or of one account since its last success from that address. */
long long hss_auth_failures(hss_store *st, const char *user, const char *ip, long long since);
/* Records one password check (ok 1 or 0) at the current time. */
hss_code hss_auth_attempt(hss_store *st, const char *user, const char *ip, int ok, hss_error *err);

/* A live session found by the hash of its token. */
typedef struct hss_auth_session {
    char user[128], role[16], scope[16], csrf[72];
    long long expires; /* unix seconds */
    hss_auth_ties ties; /* what the account is tied to */
} hss_auth_session_info;
/* 1 when `token_hash` names a session alive at unix time `now` of an enabled account. */
int hss_auth_session_find(hss_store *st, const char *token_hash, long long now, hss_auth_session_info *out);
/* Stores a new session from `now` to `expires` and drops the expired ones. */
hss_code hss_auth_session_add(hss_store *st, const char *token_hash, const char *user, const char *csrf,
                              long long now, long long expires, hss_error *err);
/* Ends the session with that token hash (a logout). */
hss_code hss_auth_session_end(hss_store *st, const char *token_hash, hss_error *err);

/* ---- the audit trail ----------------------------------------------------------------------- */

/* Appends one audit record (at = now, UTC). */
hss_code hss_auth_audit_log(hss_store *st, const char *user, const char *ip, const char *action,
                            const char *target, int status, const char *detail, hss_error *err);
/* A count of the audit records this connection has written: a caller compares two marks to
 * know whether a record was written in between by it (not by another connection). */
int64_t hss_auth_audit_mark(hss_store *st);
/* Audit records, oldest first, optionally for one user and since a UTC time prefix
 * ("2026-11-23" or "2026-11-23T04:00:00Z"), with the care module's reads of named residents
 * beside them. Columns: id, at, user, ip, action, target, status, detail. */
hss_code hss_auth_audit_query(hss_store *st, const char *user, const char *since, hss_table **out,
                              hss_error *err);

#endif
