/*
 * server: the HTTP API and dashboard host (`hss serve`), with users, area-scoped access and
 * an audit trail. Built on libmicrohttpd (internal thread pool); each worker thread has its own
 * SQLite connection. JSON through cJSON; XLSX through libxlsxwriter; passwords hashed with
 * argon2id (libsodium).
 *
 * Scope: every user has an area code; they may see that area and everything below it, which
 * by GB/T 2260 nesting is every code that starts with the scope's significant prefix
 * (hss_scope_prefix). Every endpoint checks codes, filters, exports and GeoJSON against it.
 */
#ifndef HSS_SERVER_H
#define HSS_SERVER_H

#include "base/base.h"
#include "report/report.h"
#include "store/store.h"
#include "auth/auth.h"

typedef struct hss_server_config {
    const char *db_path; /* an existing database */
    const char *bind;    /* IPv4 address to listen on; NULL = 127.0.0.1 */
    int port;            /* 0 = any free port (see hss_server_port) */
    const char *web_dir; /* the built dashboard (web/dist); NULL = API only */
    int threads;         /* worker threads (each with its database connection); 0 = eight per
                          * core, at least 16, at most 64 */
    int session_ttl;     /* session lifetime in seconds; 0 = 8 hours */
    int lock_failures;   /* failed password checks that lock an account for the failing client
                          * address within lock_window; 0 = 5 */
    int lock_window;     /* seconds; 0 = 900 (15 minutes) */
    int ip_failures;     /* failed logins from one address within lock_window before 429; 0 = 50 */
    size_t body_limit;   /* largest request body in bytes; 0 = 64 KiB */
    int secure_cookie;   /* add `Secure` to the session cookie (when served behind HTTPS) */
    int conn_per_ip;     /* open connections one client address may hold; 0 = 32 */
    int conn_limit;      /* open connections in all; 0 = 1000 */
    int conn_timeout;    /* seconds a connection may sit idle (also while sending its
                          * headers); 0 = 10 */
} hss_server_config;

typedef struct hss_server hss_server;

/* Starts serving in background threads. Returns NULL and sets err on failure. */
hss_server *hss_server_start(const hss_server_config *cfg, hss_error *err);
/* The port actually bound (useful with port 0). */
int hss_server_port(const hss_server *srv);
/* Stops the threads, closes their connections and frees the server. */
void hss_server_stop(hss_server *srv);

/* Accounts, sessions and the audit trail are the auth module's (auth/auth.h): hss_auth_user_add,
 * hss_auth_user_list, hss_auth_audit_log, hss_auth_audit_query. */
/* A responsible unit's account (role unit, unit_users.c): `unit` is the unit's name as the
 * documents write it (市财政局, 莲都区卫健局); it reports on the plan tasks naming that unit. */
hss_code hss_user_add_unit(hss_store *st, const char *name, const char *unit, const char *scope,
                           const char *password, hss_error *err);

/* The significant prefix of an area code: 6-digit codes lose trailing "00" pairs (330000 ->
 * "33", 331100 -> "3311", 331102 -> "331102"); 9- and 12-digit codes are kept whole. Writes at
 * most 13 bytes to out. Returns 0, or -1 when `code` is not 6, 9 or 12 digits. */
int hss_scope_prefix(const char *code, char out[13]);
/* True when area `code` lies in `scope` (the scope area itself or anything below it). */
int hss_scope_contains(const char *scope, const char *code);

/* ---- care (api_care.c, care_users.c) ---------------------------------------------------- */

/* A resident's own account: role "resident", scope the resident's village, linked to the citizen
 * ID number of a stored resident. Such a user reads only that record and its access log. */
hss_code hss_user_add_resident(hss_store *st, const char *name, const char *id_number,
                               const char *password, hss_error *err);

/* A doctor (role "doctor", code = family-doctor team) or a receiving hospital (role "hospital",
 * code = facility): the scope is the team's facility's area, or the hospital's county
 * (care_roles.c). `display` is the name residents see in the log of who read their record. */
hss_code hss_user_add_care(hss_store *st, const char *name, const char *role, const char *code,
                           const char *display, const char *password, hss_error *err);

#endif