/* server_db.c: makes a database for bench/server.sh: opens (creating and migrating) OUT and runs
 * the SQL file given (the server test region), then bumps the data version. */
#include <stdio.h>
#include <stdlib.h>

#include "store/store.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: server_db OUT.db FILE.sql\n");
        return 2;
    }
    hss_error err;
    hss_error_clear(&err);
    hss_store *st = hss_store_open(argv[1], &err);
    char *sql = st ? hss_read_file(argv[2], NULL, &err) : NULL;
    if (!sql || hss_store_exec(st, sql, &err) || hss_store_bump_version(st, &err)) {
        fprintf(stderr, "server_db: %s\n", err.msg);
        return 1;
    }
    free(sql);
    hss_store_close(st);
    return 0;
}
