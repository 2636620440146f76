/* cmd_server.c: subcommands of the server module (not yet built). */
#include <stdio.h>

#include "cli/cli.h"

int hss_cmd_serve(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "hss: '%s' is not built yet\n", argv[0]);
    return 1;
}

int hss_cmd_user(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "hss: '%s' is not built yet\n", argv[0]);
    return 1;
}

int hss_cmd_audit(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "hss: '%s' is not built yet\n", argv[0]);
    return 1;
}
