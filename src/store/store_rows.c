/*
 * store_rows.c: two conveniences on top of the store interface that the modules share. A
 * statement's rows as a table (so that a module can hand a query's answer to the server
 * without the server seeing the statement), and the counter of commits by any connection that
 * the server's caches compare to know whether anything changed since they were filled.
 */
#include <stdio.h>

#include "report/report.h"
#include "store/store_int.h"

hss_code hss_store_table(hss_stmt *s, hss_table **out, hss_error *err)
{
    hss_table *t = hss_table_new();
    int nc = hss_store_col_count(s), rc;
    for (int c = 0; c < nc; c++)
        hss_table_add_col(t, hss_store_col_name(s, c), NULL, HSS_COL_TEXT);
    while ((rc = hss_store_step(s)) == HSS_ROW) {
        hss_table_add_row(t);
        for (int c = 0; c < nc; c++) {
            char num[40];
            switch (hss_store_col_type(s, c)) {
            case HSS_SQL_NULL:
                break; /* cells start as null */
            case HSS_SQL_INT:
                hss_table_set_int(t, (size_t)c, hss_store_col_int64(s, c));
                break;
            case HSS_SQL_FLOAT: /* %.17g reads back as the same double */
                snprintf(num, sizeof num, "%.17g", hss_store_col_double(s, c));
                hss_table_set_text(t, (size_t)c, num);
                break;
            default:
                hss_table_set_text(t, (size_t)c, hss_store_col_text(s, c));
            }
        }
    }
    if (rc != HSS_DONE) {
        hss_table_free(t);
        return hss_store_error(hss_store_of(s), err, "reading rows");
    }
    *out = t;
    return HSS_OK;
}

int64_t hss_store_commits(hss_store *st)
{
    if (st->ops->commits)
        return st->ops->commits(st);
    hss_stmt *s = hss_store_prepare(st, "PRAGMA data_version", NULL);
    int64_t v = s && hss_store_step(s) == HSS_ROW ? hss_store_col_int64(s, 0) : -1;
    hss_store_finalize(s);
    return v;
}
