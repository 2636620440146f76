/* cmd_surveil.c: subcommands of the surveil module (not yet built). */
#include <stdio.h>

#include "cli/cli.h"

int hss_cmd_surveil(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "hss: '%s' is not built yet\n", argv[0]);
    return 1;
}
