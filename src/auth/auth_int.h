/*
 * auth_int.h (private to auth/): the statements of db.c that user.c and audit.c build on.
 */
#ifndef HSS_AUTH_INT_H
#define HSS_AUTH_INT_H

#include "auth/auth.h"

/* Inserts or replaces an account (enabling it) and ends its sessions. */
hss_code auth_db_user_put(hss_store *st, const char *name, const char *role, const char *scope, const char *hash,
                          const char *created, hss_error *err);
/* Appends one audit row. */
hss_code auth_db_audit_put(hss_store *st, const char *at, const char *user, const char *ip, const char *action,
                           const char *target, int status, const char *detail, hss_error *err);
/* The audit rows and the care module's access log, oldest first, ready to step: columns id, at,
 * user, ip, action, target, status, detail. NULL on error. */
hss_stmt *auth_db_audit_select(hss_store *st, const char *user, const char *since, hss_error *err);

#endif
