/*
 * access_batch.c: the access-log rows of list reads (a worklist page names 50 residents).
 * Each read's rows must be committed before the list is shown, and on SQLite every commit
 * takes the one write lock that follow-up writes queue for; so they go through
 * hss_store_write, which commits the rows of the reads (and the writes) that arrive while one
 * group is being written together, and answers each reader once its own rows are committed
 * (or with the error that stopped them). Nothing is logged later than before.
 */
#include "care/care_int.h"

#include <string.h>

typedef struct rows {
    char at[24];
    const char *user, *action, *ids, *county;
} rows;

static hss_code write_rows(hss_store *st, void *ctx, hss_error *err)
{
    const rows *x = ctx;
    return care_access_log_rows(st, x->at, x->user, x->action, x->ids, x->county, err);
}

hss_code care_access_log_many(hss_store *st, const char *user, const char *action, const char *ids, const char *county,
                              hss_error *err)
{
    rows x = {.user = user, .action = action, .ids = ids, .county = county};
    care_timestamp(x.at);
    return hss_store_write(st, write_rows, &x, err);
}
