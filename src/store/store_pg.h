/*
 * store_pg.h (private to store/): what store.c needs from the PostgreSQL side.
 */
#ifndef HSS_STORE_PG_H
#define HSS_STORE_PG_H

/* 1 when `path` is a PostgreSQL URL (postgresql:// or postgres://). */
int hss_store_pg_is_url(const char *path);
/* Test mode: the server URL in HSS_STORE_PG when `path` is a plain path (not a URL), so that
 * the same tests run on PostgreSQL; NULL otherwise. */
const char *hss_store_pg_test_url(const char *path);
/* A schema script in SQLite's dialect, as PostgreSQL takes it (malloc'd). */
char *hss_store_pg_ddl(const char *sql);

#endif
