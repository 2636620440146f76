/*
 * store_pg.c: the PostgreSQL backend (placeholder until the libpq backend lands).
 */
#include "store/store_int.h"

static hss_code pg_open(hss_store *st, hss_error *err)
{
    return hss_fail(err, HSS_EDB, "%s: PostgreSQL is not available in this build", st->path);
}

static void pg_close(hss_store *st) { (void)st; }

const store_ops hss_store_pg_ops = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
};
