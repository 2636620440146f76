/*
 * db.c: every statement of the auth module, on its tables app_user, app_session,
 * login_attempt and audit (declared in src/store/schema_server.c). The functions above it
 * (user.c, audit.c) and the server only see these functions.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "auth/auth_int.h"

/* Runs a statement without rows, binding the texts in order (NULL binds SQL NULL). */
static hss_code run_texts(hss_store *st, const char *sql, const char *const *v, int n, const char *what,
                          hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, sql, err);
    if (!s)
        return HSS_EDB;
    for (int i = 0; i < n; i++)
        hss_store_bind_text(s, i + 1, v[i]);
    int rc = hss_store_step(s);
    hss_store_finalize(s);
    return rc == HSS_DONE ? HSS_OK : hss_store_error(st, err, what);
}

static void copy_col(hss_stmt *s, int c, char *out, size_t n)
{
    const char *v = hss_store_col_text(s, c);
    snprintf(out, n, "%s", v ? v : "");
}

hss_code auth_db_user_put(hss_store *st, const char *name, const char *role, const char *scope, const char *hash,
                          const char *created, hss_error *err)
{
    const char *v[] = {name, role, scope, hash, created};
    hss_code c = run_texts(st,
        "INSERT INTO app_user(name,role,scope,password_hash,created) VALUES(?,?,?,?,?) "
        "ON CONFLICT(name) DO UPDATE SET role=excluded.role, scope=excluded.scope, "
        "password_hash=excluded.password_hash, disabled=0", v, 5, "saving user", err);
    if (c)
        return c;
    return run_texts(st, "DELETE FROM app_session WHERE user_name=?", v, 1, "ending sessions", err);
}

hss_code hss_auth_user_list(hss_store *st, hss_table **out, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT name,role,scope,created,disabled FROM app_user ORDER BY name", err);
    if (!s)
        return HSS_EDB;
    hss_table *t = hss_table_new();
    hss_table_add_col(t, "name", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "role", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "scope", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "created", NULL, HSS_COL_TEXT);
    hss_table_add_col(t, "disabled", NULL, HSS_COL_INT);
    while (hss_store_step(s) == HSS_ROW) {
        hss_table_add_row(t);
        for (int c = 0; c < 4; c++)
            hss_table_set_text(t, (size_t)c, hss_store_col_text(s, c));
        hss_table_set_int(t, 4, hss_store_col_int(s, 4));
    }
    hss_store_finalize(s);
    *out = t;
    return HSS_OK;
}

hss_code hss_auth_user_ties(hss_store *st, const char *name, hss_auth_ties *out, hss_error *err)
{
    memset(out, 0, sizeof *out);
    hss_stmt *s = hss_store_prepare(st,
        "SELECT coalesce(team,''),coalesce(facility,''),coalesce(resident,'') FROM app_user WHERE name=?", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, name);
    if (hss_store_step(s) == HSS_ROW) {
        copy_col(s, 0, out->team, sizeof out->team);
        copy_col(s, 1, out->facility, sizeof out->facility);
        copy_col(s, 2, out->resident, sizeof out->resident);
    }
    hss_store_finalize(s);
    return HSS_OK;
}

hss_code hss_auth_user_set_unit(hss_store *st, const char *name, const char *unit, hss_error *err)
{
    const char *v[] = {unit, name};
    return run_texts(st, "UPDATE app_user SET unit=? WHERE name=?", v, 2, "saving the user's unit", err);
}

hss_code hss_auth_user_set_care(hss_store *st, const char *name, const char *team, const char *facility,
                                const char *display, hss_error *err)
{
    const char *v[] = {team, facility, display ? display : "", name};
    return run_texts(st, "UPDATE app_user SET team=?, facility=?, display_name=? WHERE name=?", v, 4,
                     "linking the user to the team or facility", err);
}

hss_code hss_auth_user_set_resident(hss_store *st, const char *name, const char *id_number, hss_error *err)
{
    const char *v[] = {id_number, name};
    return run_texts(st, "UPDATE app_user SET resident=? WHERE name=?", v, 2, "linking the user to the resident", err);
}

int hss_auth_user_describe(hss_store *st, const char *name, hss_auth_reader *out)
{
    hss_stmt *s = hss_store_prepare(st, "SELECT u.display_name,u.role,coalesce(f.name,t.name,'') FROM app_user u "
                                        "LEFT JOIN facility f ON f.code=u.facility LEFT JOIN care_team t ON t.code=u.team "
                                        "WHERE u.name=?", NULL);
    if (!s)
        return 0;
    hss_store_bind_text(s, 1, name);
    int found = hss_store_step(s) == HSS_ROW;
    if (found) {
        copy_col(s, 0, out->display, sizeof out->display);
        copy_col(s, 1, out->role, sizeof out->role);
        copy_col(s, 2, out->facility, sizeof out->facility);
    }
    hss_store_finalize(s);
    return found;
}

/* ---- logins and sessions ------------------------------------------------------------------- */

int hss_auth_user_login(hss_store *st, const char *name, int enabled_only, hss_auth_login *out)
{
    hss_stmt *s = hss_store_prepare(st, enabled_only
        ? "SELECT password_hash,role,scope FROM app_user WHERE name=? AND disabled=0"
        : "SELECT password_hash,role,scope FROM app_user WHERE name=?", NULL);
    if (!s)
        return 0;
    hss_store_bind_text(s, 1, name);
    int found = hss_store_step(s) == HSS_ROW;
    if (found) {
        copy_col(s, 0, out->hash, sizeof out->hash);
        copy_col(s, 1, out->role, sizeof out->role);
        copy_col(s, 2, out->scope, sizeof out->scope);
    }
    hss_store_finalize(s);
    return found;
}

long long hss_auth_failures(hss_store *st, const char *user, const char *ip, long long since)
{
    const char *sql = user
        ? "SELECT count(*) FROM login_attempt WHERE user_name=?1 AND ip=?3 AND ok=0 AND at>=?2 AND "
          "at>=coalesce((SELECT max(at) FROM login_attempt WHERE user_name=?1 AND ip=?3 AND ok=1),0)"
        : "SELECT count(*) FROM login_attempt WHERE ip=?3 AND ok=0 AND at>=?2";
    hss_stmt *s = hss_store_prepare(st, sql, NULL);
    if (!s)
        return 0;
    if (user)
        hss_store_bind_text(s, 1, user);
    hss_store_bind_text(s, 3, ip);
    hss_store_bind_int64(s, 2, since);
    long long n = hss_store_step(s) == HSS_ROW ? hss_store_col_int64(s, 0) : 0;
    hss_store_finalize(s);
    return n;
}

hss_code hss_auth_attempt(hss_store *st, const char *user, const char *ip, int ok, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st, "INSERT INTO login_attempt(user_name,ip,at,ok) VALUES(?,?,?,?)", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, user);
    hss_store_bind_text(s, 2, ip);
    hss_store_bind_int64(s, 3, (int64_t)time(NULL));
    hss_store_bind_int(s, 4, ok);
    int rc = hss_store_step(s);
    hss_store_finalize(s);
    return rc == HSS_DONE ? HSS_OK : hss_store_error(st, err, "recording the login attempt");
}

int hss_auth_session_find(hss_store *st, const char *token_hash, long long now, hss_auth_session_info *out)
{
    hss_stmt *s = hss_store_prepare(st,
        "SELECT u.name,u.role,u.scope,s.csrf,s.expires,coalesce(u.team,''),coalesce(u.facility,''),coalesce(u.resident,'') "
        "FROM app_session s JOIN app_user u ON u.name=s.user_name "
        "WHERE s.token_hash=? AND s.expires>? AND u.disabled=0", NULL);
    if (!s)
        return 0;
    hss_store_bind_text(s, 1, token_hash);
    hss_store_bind_int64(s, 2, now);
    int found = hss_store_step(s) == HSS_ROW;
    if (found) {
        copy_col(s, 0, out->user, sizeof out->user);
        copy_col(s, 1, out->role, sizeof out->role);
        copy_col(s, 2, out->scope, sizeof out->scope);
        copy_col(s, 3, out->csrf, sizeof out->csrf);
        out->expires = hss_store_col_int64(s, 4);
        copy_col(s, 5, out->ties.team, sizeof out->ties.team);
        copy_col(s, 6, out->ties.facility, sizeof out->ties.facility);
        copy_col(s, 7, out->ties.resident, sizeof out->ties.resident);
    }
    hss_store_finalize(s);
    return found;
}

hss_code hss_auth_session_add(hss_store *st, const char *token_hash, const char *user, const char *csrf,
                              long long now, long long expires, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO app_session(token_hash,user_name,csrf,created,expires) VALUES(?,?,?,?,?)", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_text(s, 1, token_hash);
    hss_store_bind_text(s, 2, user);
    hss_store_bind_text(s, 3, csrf);
    hss_store_bind_int64(s, 4, now);
    hss_store_bind_int64(s, 5, expires);
    int rc = hss_store_step(s);
    hss_store_finalize(s);
    if (rc != HSS_DONE)
        return hss_store_error(st, err, "storing the session");
    s = hss_store_prepare(st, "DELETE FROM app_session WHERE expires<=?", NULL);
    if (s) { /* housekeeping: a failure here loses nothing */
        hss_store_bind_int64(s, 1, now);
        hss_store_step(s);
        hss_store_finalize(s);
    }
    return HSS_OK;
}

hss_code hss_auth_session_end(hss_store *st, const char *token_hash, hss_error *err)
{
    const char *v[] = {token_hash};
    return run_texts(st, "DELETE FROM app_session WHERE token_hash=?", v, 1, "ending the session", err);
}

/* ---- the audit trail ----------------------------------------------------------------------- */

hss_code auth_db_audit_put(hss_store *st, const char *at, const char *user, const char *ip, const char *action,
                           const char *target, int status, const char *detail, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO audit(at,user_name,ip,action,target,status,detail) VALUES(?,?,?,?,?,?,?)", err);
    if (!s)
        return HSS_EDB;
    hss_store_bind_copy(s, 1, at);
    hss_store_bind_text(s, 2, user ? user : "");
    hss_store_bind_text(s, 3, ip ? ip : "");
    hss_store_bind_text(s, 4, action);
    hss_store_bind_text(s, 5, target ? target : "");
    hss_store_bind_int(s, 6, status);
    hss_store_bind_text(s, 7, detail ? detail : "");
    int rc = hss_store_step(s);
    hss_store_finalize(s);
    return rc == HSS_DONE ? HSS_OK : hss_store_error(st, err, "writing audit record");
}

int64_t hss_auth_audit_mark(hss_store *st) { return hss_store_audit_rows(st); }

hss_stmt *auth_db_audit_select(hss_store *st, const char *user, const char *since, hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        /* Reads of named residents are kept once, in care_access_log (written by the care
         * module for the CLI and the server alike), and shown here beside the server's own
         * records as action care_<action> (care_show, care_worklist, care_denied ...), a row
         * per resident read (care_access_seen: a list read is one stored row, shown as a row
         * for each resident on the list). */
        "SELECT id,at,user_name,ip,action,target,status,detail FROM ("
        " SELECT id,at,user_name,ip,action,target,status,detail,0 AS src FROM audit"
        " UNION ALL SELECT id,at,user_name,'','care_'||action,'resident '||resident_id,"
        "  CASE action WHEN 'denied' THEN 403 ELSE 0 END,'care_access_log',1 FROM care_access_seen) AS a "
        "WHERE (?1 IS NULL OR user_name=?1) AND (?2 IS NULL OR at>=?2) ORDER BY at,src,id", err);
    if (!s)
        return NULL;
    if (user)
        hss_store_bind_text(s, 1, user);
    if (since)
        hss_store_bind_text(s, 2, since);
    return s;
}
