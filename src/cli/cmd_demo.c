/* cmd_demo.c: subcommands of the demo module (not yet built). */
#include <stdio.h>

#include "cli/cli.h"

int hss_cmd_demo(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "hss: '%s' is not built yet\n", argv[0]);
    return 1;
}
