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

#include "region/region.h"
#include "server/server_int.h"

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
    hss_auth_session_info a;
    if (!hss_auth_session_find(r->st, h, (long long)time(NULL), &a))
        return;
    snprintf(r->user, sizeof r->user, "%s", a.user);
    snprintf(r->role, sizeof r->role, "%s", a.role);
    snprintf(r->scope, sizeof r->scope, "%s", a.scope);
    snprintf(r->csrf, sizeof r->csrf, "%s", a.csrf);
    r->ties = a.ties;
    r->ties_known = 1;
    r->authed = 1;
    hss_session_remember(r, h, a.expires);
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
    char name[256], level[16];
    if (hss_region_area_name(r->st, r->scope, name, sizeof name, level, sizeof level)) {
        cJSON_AddStringToObject(o, "scope_name", name);
        cJSON_AddStringToObject(o, "scope_level", level);
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
    hss_auth_audit_log(r->st, r->user, r->ip, action, "POST /api/v1/login", (int)status, why, NULL);
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
    hss_code rc = hss_auth_attempt(r->st, r->user, r->ip, ok, NULL);
    if (ok && !rc) {
        long long now = (long long)time(NULL);
        rc = hss_auth_session_add(r->st, token_hash, r->user, r->csrf, now, now + cfg->session_ttl, NULL);
    }
    if (rc ||
        hss_auth_audit_log(r->st, r->user, r->ip, ok ? "login_ok" : "login_fail", "POST /api/v1/login", ok ? 200 : 401,
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
        hss_auth_audit_log(r->st, "", r->ip, "login_fail", "POST /api/v1/login", r->responded, "malformed login request", NULL);
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
    if (hss_auth_failures(r->st, NULL, r->ip, since) >= cfg->ip_failures) {
        cJSON_Delete(j);
        return login_refused(r, 429, "login_fail", "too many failed logins from this address");
    }
    if (hss_auth_failures(r->st, r->user, r->ip, since) >= cfg->lock_failures) {
        cJSON_Delete(j);
        char why[160];
        snprintf(why, sizeof why, "account locked for this address after %d failed logins; try again in %d minutes",
                 cfg->lock_failures, cfg->lock_window / 60);
        hss_auth_audit_log(r->st, r->user, r->ip, "login_locked", "POST /api/v1/login", 429, "account locked", NULL);
        return hss_respond_error(r, 429, "%s", why);
    }
    char hash[crypto_pwhash_STRBYTES] = "";
    hss_auth_login acct;
    int found = hss_auth_user_login(r->st, r->user, 1, &acct);
    if (found) {
        snprintf(hash, sizeof hash, "%s", acct.hash);
        snprintf(r->role, sizeof r->role, "%s", acct.role);
        snprintf(r->scope, sizeof r->scope, "%s", acct.scope);
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
    hss_auth_session_end(r->st, th, NULL);
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
    if (hss_auth_failures(r->st, NULL, r->ip, since) >= cfg->ip_failures ||
        hss_auth_failures(r->st, r->user, r->ip, since) >= cfg->lock_failures) {
        cJSON_Delete(j);
        return hss_respond_error(r, 429, "too many wrong passwords; try again in %d minutes", cfg->lock_window / 60);
    }
    char hash[crypto_pwhash_STRBYTES] = "";
    hss_auth_login acct;
    if (hss_auth_user_login(r->st, r->user, 0, &acct))
        snprintf(hash, sizeof hash, "%s", acct.hash);
    if (!hash[0] || crypto_pwhash_str_verify(hash, old, strlen(old)) != 0) {
        cJSON_Delete(j);
        hss_auth_attempt(r->st, r->user, r->ip, 0, NULL);
        return hss_respond_error(r, 403, "old password is wrong");
    }
    hss_error err;
    hss_error_clear(&err);
    hss_code c = hss_auth_user_save(r->st, r->user, r->role, r->scope, nw, &err); /* audited by http.c */
    cJSON_Delete(j);
    if (c)
        return hss_respond_error(r, 400, "%s", err.msg);
    return hss_respond(r, 200, "application/json; charset=utf-8", "{\"ok\":true}", 11, NULL);
}
