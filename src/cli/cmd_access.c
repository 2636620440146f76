/* cmd_access.c: subcommands of the access module (not yet built). */
#include <stdio.h>

#include "cli/cli.h"

int hss_cmd_roads(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "hss: '%s' is not built yet\n", argv[0]);
    return 1;
}

int hss_cmd_access(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "hss: '%s' is not built yet\n", argv[0]);
    return 1;
}

int hss_cmd_site(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "hss: '%s' is not built yet\n", argv[0]);
    return 1;
}
