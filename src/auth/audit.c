/*
 * audit.c: the audit trail. One row per login (success or failure), write, export and read of
 * individual-level data, written by the server and by the CLI; read by `hss audit`, which also
 * shows the care module's access log of named residents (one record per read, kept there).
 */
#include <stdlib.h>
#include <string.h>

#include "auth/auth_int.h"

hss_code hss_auth_audit_log(hss_store *st, const char *user, const char *ip, const char *action,
                            const char *target, int status, const char *detail, hss_error *err)
{
    char at[32];
    hss_utc_timestamp(at);
    return auth_db_audit_put(st, at, user, ip, action, target, status, detail, err);
}

/* Names and targets come from whoever sent them: control characters (ANSI escapes, line
 * breaks) are shown as \xHH, never passed to the terminal or a CSV raw. */
static void set_shown(hss_table *t, size_t col, const char *v)
{
    if (!v || !hss_text_has_control(v, strlen(v), 0)) {
        hss_table_set_text(t, col, v);
        return;
    }
    size_t n = 4 * strlen(v) + 1;
    char *shown = hss_xmalloc(n);
    hss_text_escape_controls(v, shown, n);
    hss_table_set_text(t, col, shown);
    free(shown);
}

hss_code hss_auth_audit_query(hss_store *st, const char *user, const char *since, hss_table **out,
                              hss_error *err)
{
    hss_stmt *s = auth_db_audit_select(st, user, since, err);
    if (!s)
        return HSS_EDB;
    hss_table *t = hss_table_new();
    const char *names[] = {"id", "at", "user", "ip", "action", "target", "status", "detail"};
    for (size_t c = 0; c < 8; c++)
        hss_table_add_col(t, names[c], NULL, (c == 0 || c == 6) ? HSS_COL_INT : HSS_COL_TEXT);
    int rc;
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        hss_table_add_row(t);
        for (int c = 0; c < 8; c++) {
            if (c == 0 || c == 6)
                hss_table_set_int(t, (size_t)c, hss_store_col_int64(s, c));
            else
                set_shown(t, (size_t)c, hss_store_col_text(s, c));
        }
    }
    hss_store_finalize(s);
    if (rc != HSS_DONE) {
        hss_table_free(t);
        return hss_store_error(st, err, "reading audit log");
    }
    *out = t;
    return HSS_OK;
}
