/*
 * audit.c: the audit trail. One row per login (success or failure), write, and read of
 * individual-level data, written by the server and by `hss user`; read by `hss audit`, which also
 * shows the care module's access log of named residents (one record per read, kept there).
 */
#include <stdlib.h>
#include <string.h>

#include "server/server.h"

hss_code hss_audit_log(hss_store *st, const char *user, const char *ip, const char *action,
                       const char *target, int status, const char *detail, hss_error *err)
{
    char at[32];
    hss_utc_timestamp(at);
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

hss_code hss_audit_query(hss_store *st, const char *user, const char *since, hss_table **out,
                         hss_error *err)
{
    hss_stmt *s = hss_store_prepare(st,
        /* Reads of named residents are kept once, in care_access_log (written by the care
         * module for the CLI and the server alike), and shown here beside the server's own
         * records as action care_<action> (care_show, care_worklist, care_denied ...). */
        "SELECT id,at,user_name,ip,action,target,status,detail FROM ("
        " SELECT id,at,user_name,ip,action,target,status,detail,0 AS src FROM audit"
        " UNION ALL SELECT id,at,user_name,'','care_'||action,'resident '||resident_id,"
        "  CASE action WHEN 'denied' THEN 403 ELSE 0 END,'care_access_log',1 FROM care_access_log) AS a "
        "WHERE (?1 IS NULL OR user_name=?1) AND (?2 IS NULL OR at>=?2) ORDER BY at,src,id", err);
    if (!s)
        return HSS_EDB;
    if (user)
        hss_store_bind_text(s, 1, user);
    if (since)
        hss_store_bind_text(s, 2, since);
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
