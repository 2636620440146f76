/*
 * auth.c: users, passwords, sessions and login protection. Passwords are argon2id strings
 * (crypto_pwhash_str); a session is a random 256-bit token in an HttpOnly, SameSite=Strict
 * cookie, stored only as its BLAKE2b hash, with a separate CSRF token the client echoes in
 * X-CSRF-Token on writes. Failed logins are counted per account (lockout) and per client
 * address (rate limit) within a window; every attempt is audited.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>
#include <sodium.h>

#include "server/server_int.h"

static const char *const ROLES[] = {"admin", "planner", "county", "facility", "resident", "doctor", "hospital", "cdc", "unit"};

void hss_random_hex(char *out, size_t n)
{
    unsigned char b[64];
    if (n > sizeof b)
        n = sizeof b;
    randombytes_buf(b, n);
    sodium_bin2hex(out, 2 * n + 1, b, n);
}

static void hash_token(const char *token, char out[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof h);
}

static void utc_now(char out[32])
{
    hss_utc_timestamp(out);
}

/* audited: write the user_add row (the CLI); the server's password change has its own row. */
static hss_code user_save(hss_store *st, const char *name, const char *role, const char *scope,
                          const char *password, int audited, hss_error *err);

hss_code hss_user_add(hss_store *st, const char *name, const char *role, const char *scope,
                      const char *password, hss_error *err)
{
    return user_save(st, name, role, scope, password, 1, err);
}

static hss_code user_save(hss_store *st, const char *name, const char *role, const char *scope,
                          const char *password, int audited, hss_error *err)
{
    size_t nlen = name ? strlen(name) : 0;
    if (nlen == 0 || nlen > 64 || !hss_utf8_valid(name, nlen) || strpbrk(name, " \t\r\n/\\\"'"))
        return hss_fail(err, HSS_EINVAL, "user name '%s': must be 1-64 characters without spaces, quotes or slashes",
                        name ? name : "");
    int ok = 0;
    for (size_t i = 0; i < sizeof ROLES / sizeof *ROLES; i++)
        ok |= role && strcmp(role, ROLES[i]) == 0;
    if (!ok)
        return hss_fail(err, HSS_EINVAL, "--role '%s': must be admin, planner, county, facility, resident, doctor, hospital, cdc or unit", role ? role : "");
    char p[13];
    if (hss_scope_prefix(scope, p) != 0)
        return hss_fail(err, HSS_EINVAL, "--scope '%s': must be an area code of 6, 9 or 12 digits", scope ? scope : "");
    if (!password || strlen(password) < 8)
        return hss_fail(err, HSS_EINVAL, "password: must be at least 8 characters");
    if (sodium_init() < 0)
        return hss_fail(err, HSS_EUNKNOWN, "libsodium failed to initialise");
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return hss_fail(err, HSS_ENOMEM, "password hashing ran out of memory");
    char at[32];
    utc_now(at);
    if (hss_store_begin(st, err))
        return HSS_EDB;
    hss_stmt *s = hss_store_prepare(st,
        "INSERT INTO app_user(name,role,scope,password_hash,created) VALUES(?,?,?,?,?) "
        "ON CONFLICT(name) DO UPDATE SET role=excluded.role, scope=excluded.scope, "
        "password_hash=excluded.password_hash, disabled=0", err);
    if (!s) {
        hss_store_rollback(st);
        return HSS_EDB;
    }
    hss_store_bind_text(s, 1, name);
    hss_store_bind_text(s, 2, role);
    hss_store_bind_text(s, 3, scope);
    hss_store_bind_text(s, 4, hash);
    hss_store_bind_text(s, 5, at);
    int rc = hss_store_step(s);
    hss_store_finalize(s);
    if (rc != HSS_DONE) {
        hss_store_rollback(st);
        return hss_store_error(st, err, "saving user");
    }
    s = hss_store_prepare(st, "DELETE FROM app_session WHERE user_name=?", err);
    if (!s) {
        hss_store_rollback(st);
        return HSS_EDB;
    }
    hss_store_bind_text(s, 1, name);
    rc = hss_store_step(s);
    hss_store_finalize(s);
    char detail[200];
    snprintf(detail, sizeof detail, "role=%s scope=%s", role, scope);
    if (rc != HSS_DONE || (audited && hss_audit_log(st, "", "cli", "user_add", name, 0, detail, err))) {
        hss_store_rollback(st);
        return err && err->code ? err->code : hss_store_error(st, err, "ending sessions");
    }
    return hss_store_commit(st, err);
}

hss_code hss_user_list(hss_store *st, hss_table **out, hss_error *err)
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

/* ---- sessions ------------------------------------------------------------------------------ */

void hss_auth_session(hss_req *r)
{
    if (hss_auth_bearer(r)) /* system clients (api_fhir.c) */
        return;
    const char *tok = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "hss_session");
    if (!tok || strlen(tok) != 64)
        return;
    char h[65];
    hash_token(tok, h);
    if (hss_session_lookup(r, h))
        return;
    hss_stmt *s = hss_req_stmt(r,
        "SELECT u.name,u.role,u.scope,s.csrf,s.expires FROM app_session s JOIN app_user u ON u.name=s.user_name "
        "WHERE s.token_hash=? AND s.expires>? AND u.disabled=0");
    if (!s)
        return;
    hss_store_bind_text(s, 1, h);
    hss_store_bind_int64(s, 2, (int64_t)time(NULL));
    if (hss_store_step(s) == HSS_ROW) {
        snprintf(r->user, sizeof r->user, "%s", hss_store_col_text(s, 0));
        snprintf(r->role, sizeof r->role, "%s", hss_store_col_text(s, 1));
        snprintf(r->scope, sizeof r->scope, "%s", hss_store_col_text(s, 2));
        snprintf(r->csrf, sizeof r->csrf, "%s", hss_store_col_text(s, 3));
        r->authed = 1;
        hss_session_remember(r, h, hss_store_col_int64(s, 4));
    }
    hss_store_reset(s);
}

/* Failed password checks within the window: from one address (user NULL), or for one account
 * from one address since that account's last success there. The account lock is per source
 * address, so that nobody can lock someone else out by failing logins in their name from
 * elsewhere; the address limit stops one source trying many names. */
static long long count_failures(hss_store *st, const char *user, const char *ip, long long since)
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

static void record_attempt(hss_store *st, const char *user, const char *ip, int ok)
{
    hss_stmt *s = hss_store_prepare(st, "INSERT INTO login_attempt(user_name,ip,at,ok) VALUES(?,?,?,?)", NULL);
    if (!s)
        return;
    hss_store_bind_text(s, 1, user);
    hss_store_bind_text(s, 2, ip);
    hss_store_bind_int64(s, 3, (int64_t)time(NULL));
    hss_store_bind_int(s, 4, ok);
    hss_store_step(s);
    hss_store_finalize(s);
}

/* A hash to verify against when the user does not exist, so that unknown and known names
 * take the same time. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void make_dummy(void)
{
    char pw[33];
    hss_random_hex(pw, 16);
    if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        dummy_hash[0] = 0;
}

static cJSON *parse_json_body(hss_req *r)
{
    const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
    if (!ct || strncmp(ct, "application/json", 16) != 0) {
        hss_respond_error(r, 400, "body must be JSON (Content-Type: application/json)");
        return NULL;
    }
    cJSON *j = cJSON_ParseWithLength(r->body.data ? r->body.data : "", r->body.len);
    if (!j || !cJSON_IsObject(j)) {
        cJSON_Delete(j);
        hss_respond_error(r, 400, "body is not a JSON object");
        return NULL;
    }
    return j;
}

static const char *json_str(cJSON *j, const char *key, size_t maxlen)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    if (!cJSON_IsString(v) || !v->valuestring[0] || strlen(v->valuestring) > maxlen)
        return NULL;
    return v->valuestring;
}

static enum MHD_Result session_json(hss_req *r, unsigned status, const char *const *headers)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "user", r->user);
    cJSON_AddStringToObject(o, "role", r->role);
    cJSON_AddStringToObject(o, "scope", r->scope);
    cJSON_AddStringToObject(o, "csrf", r->csrf);
    hss_stmt *s = hss_req_stmt(r, "SELECT name,level FROM area WHERE code=?");
    if (s) {
        hss_store_bind_text(s, 1, r->scope);
        if (hss_store_step(s) == HSS_ROW) {
            cJSON_AddStringToObject(o, "scope_name", hss_store_col_text(s, 0));
            cJSON_AddStringToObject(o, "scope_level", hss_store_col_text(s, 1));
        }
        hss_store_reset(s);
    }
    char *js = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    enum MHD_Result ret = hss_respond(r, status, "application/json; charset=utf-8", js, strlen(js), headers);
    free(js);
    return ret;
}

/* A name with a NUL (JSON \u0000) or another control character is refused, never shortened:
 * cJSON's C string would end at the NUL, and "admin\u0000x" would log in (and be counted and
 * audited) as admin; a password would be checked only up to its NUL. So any \u0000 in the
 * body is refused. The audit row shows the name up to the NUL and marks the rest. */
static int bad_user_name(hss_req *r, const char *user)
{
    int nul = 0;
    for (size_t i = 0; r->body.data && i + 6 <= r->body.len && !nul; i++)
        nul = r->body.data[i] == '\\' && strncasecmp(r->body.data + i + 1, "u0000", 5) == 0;
    int ctl = 0;
    for (const char *p = user; *p && !ctl; p++)
        ctl = (unsigned char)*p < 0x20 || *p == 0x7f;
    if (!nul && !ctl)
        return 0;
    char shown[96];
    hss_text_escape_controls(user, shown, sizeof shown);
    snprintf(r->user, sizeof r->user, "%s%s", shown, nul ? "\\u0000..." : "");
    return 1;
}

static enum MHD_Result login_refused(hss_req *r, unsigned status, const char *action, const char *why)
{
    hss_audit_log(r->st, r->user, r->ip, action, "POST /api/v1/login", (int)status, why, NULL);
    if (status == 429) {
        const char *h[] = {"Retry-After", "900", NULL};
        char msg[300];
        snprintf(msg, sizeof msg, "{\"error\":\"%s; try again later\"}", why);
        return hss_respond(r, 429, "application/json; charset=utf-8", msg, strlen(msg), h);
    }
    return hss_respond_error(r, status, "%s", why);
}

/* The attempt, its audit row and (on success) the session commit together. */
static int store_login(hss_req *r, int ok, const char *token_hash)
{
    hss_server_config *cfg = &r->srv->cfg;
    if (hss_store_begin(r->st, NULL))
        return -1;
    record_attempt(r->st, r->user, r->ip, ok);
    int rc = HSS_DONE;
    if (ok) {
        long long now = (long long)time(NULL);
        hss_stmt *s = hss_store_prepare(r->st,
            "INSERT INTO app_session(token_hash,user_name,csrf,created,expires) VALUES(?,?,?,?,?)", NULL);
        rc = -1;
        if (s) {
            hss_store_bind_text(s, 1, token_hash);
            hss_store_bind_text(s, 2, r->user);
            hss_store_bind_text(s, 3, r->csrf);
            hss_store_bind_int64(s, 4, now);
            hss_store_bind_int64(s, 5, now + cfg->session_ttl);
            rc = hss_store_step(s);
            hss_store_finalize(s);
        }
        s = hss_store_prepare(r->st, "DELETE FROM app_session WHERE expires<=?", NULL);
        if (s) {
            hss_store_bind_int64(s, 1, now);
            hss_store_step(s);
            hss_store_finalize(s);
        }
    }
    if (rc != HSS_DONE ||
        hss_audit_log(r->st, r->user, r->ip, ok ? "login_ok" : "login_fail", "POST /api/v1/login", ok ? 200 : 401,
                      ok ? "" : "wrong username or password", NULL) ||
        hss_store_commit(r->st, NULL)) {
        hss_store_rollback(r->st);
        return -1;
    }
    return 0;
}

enum MHD_Result hss_api_login(hss_req *r)
{
    cJSON *j = parse_json_body(r);
    if (!j) {
        hss_audit_log(r->st, "", r->ip, "login_fail", "POST /api/v1/login", r->responded, "malformed login request", NULL);
        return MHD_YES;
    }
    const char *user = json_str(j, "username", 64);
    const char *pw = json_str(j, "password", 1024);
    if (!user || !pw) {
        cJSON_Delete(j);
        return login_refused(r, 400, "login_fail", "username and password must be non-empty strings");
    }
    if (bad_user_name(r, user)) {
        cJSON_Delete(j);
        return login_refused(r, 400, "login_fail", "the username or password contains a NUL or control character");
    }
    snprintf(r->user, sizeof r->user, "%s", user);
    hss_server_config *cfg = &r->srv->cfg;
    long long since = (long long)time(NULL) - cfg->lock_window;
    if (count_failures(r->st, NULL, r->ip, since) >= cfg->ip_failures) {
        cJSON_Delete(j);
        return login_refused(r, 429, "login_fail", "too many failed logins from this address");
    }
    if (count_failures(r->st, r->user, r->ip, since) >= cfg->lock_failures) {
        cJSON_Delete(j);
        char why[160];
        snprintf(why, sizeof why, "account locked for this address after %d failed logins; try again in %d minutes",
                 cfg->lock_failures, cfg->lock_window / 60);
        hss_audit_log(r->st, r->user, r->ip, "login_locked", "POST /api/v1/login", 429, "account locked", NULL);
        return hss_respond_error(r, 429, "%s", why);
    }
    char hash[crypto_pwhash_STRBYTES] = "";
    hss_stmt *s = hss_store_prepare(r->st,
        "SELECT password_hash,role,scope FROM app_user WHERE name=? AND disabled=0", NULL);
    int found = 0;
    if (s) {
        hss_store_bind_text(s, 1, r->user);
        if (hss_store_step(s) == HSS_ROW) {
            snprintf(hash, sizeof hash, "%s", hss_store_col_text(s, 0));
            snprintf(r->role, sizeof r->role, "%s", hss_store_col_text(s, 1));
            snprintf(r->scope, sizeof r->scope, "%s", hss_store_col_text(s, 2));
            found = 1;
        }
        hss_store_finalize(s);
    }
    if (!found) {
        pthread_once(&dummy_once, make_dummy);
        snprintf(hash, sizeof hash, "%s", dummy_hash);
    }
    int ok = crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0 && found;
    cJSON_Delete(j);
    char token[65], th[65];
    hss_random_hex(token, 32);
    hash_token(token, th);
    hss_random_hex(r->csrf, 32);
    if (store_login(r, ok, th) != 0)
        return hss_respond_error(r, 500, "could not store the session");
    if (!ok)
        return hss_respond_error(r, 401, "wrong username or password");
    r->authed = 1;
    char cookie[200];
    snprintf(cookie, sizeof cookie, "hss_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", token,
             cfg->session_ttl, cfg->secure_cookie ? "; Secure" : "");
    const char *h[] = {"Set-Cookie", cookie, NULL};
    return session_json(r, 200, h);
}

enum MHD_Result hss_api_logout(hss_req *r)
{
    const char *tok = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "hss_session");
    char th[65];
    hash_token(tok ? tok : "", th);
    hss_stmt *s = hss_store_prepare(r->st, "DELETE FROM app_session WHERE token_hash=?", NULL);
    if (s) {
        hss_store_bind_text(s, 1, th);
        hss_store_step(s);
        hss_store_finalize(s);
    }
    const char *h[] = {"Set-Cookie", "hss_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0", NULL};
    const char *body = "{\"ok\":true}";
    return hss_respond(r, 200, "application/json; charset=utf-8", body, strlen(body), h);
}

enum MHD_Result hss_api_me(hss_req *r)
{
    return session_json(r, 200, NULL);
}

enum MHD_Result hss_api_password(hss_req *r)
{
    cJSON *j = parse_json_body(r);
    if (!j)
        return MHD_YES;
    const char *old = json_str(j, "old_password", 1024);
    const char *nw = json_str(j, "new_password", 1024);
    if (!old || !nw) {
        cJSON_Delete(j);
        return hss_respond_error(r, 400, "old_password and new_password must be non-empty strings");
    }
    /* Wrong old passwords count as failed logins of this account from this address (and of the
     * address), so that a stolen session cannot be used to guess the password. */
    hss_server_config *cfg = &r->srv->cfg;
    long long since = (long long)time(NULL) - cfg->lock_window;
    if (count_failures(r->st, NULL, r->ip, since) >= cfg->ip_failures ||
        count_failures(r->st, r->user, r->ip, since) >= cfg->lock_failures) {
        cJSON_Delete(j);
        return hss_respond_error(r, 429, "too many wrong passwords; try again in %d minutes", cfg->lock_window / 60);
    }
    char hash[crypto_pwhash_STRBYTES] = "";
    hss_stmt *s = hss_store_prepare(r->st, "SELECT password_hash FROM app_user WHERE name=?", NULL);
    if (s) {
        hss_store_bind_text(s, 1, r->user);
        if (hss_store_step(s) == HSS_ROW)
            snprintf(hash, sizeof hash, "%s", hss_store_col_text(s, 0));
        hss_store_finalize(s);
    }
    if (!hash[0] || crypto_pwhash_str_verify(hash, old, strlen(old)) != 0) {
        cJSON_Delete(j);
        record_attempt(r->st, r->user, r->ip, 0);
        return hss_respond_error(r, 403, "old password is wrong");
    }
    hss_error err;
    hss_error_clear(&err);
    hss_code c = user_save(r->st, r->user, r->role, r->scope, nw, 0, &err); /* audited by http.c */
    cJSON_Delete(j);
    if (c)
        return hss_respond_error(r, 400, "%s", err.msg);
    return hss_respond(r, 200, "application/json; charset=utf-8", "{\"ok\":true}", 11, NULL);
}
