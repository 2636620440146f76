/* cmd_metrics.c: subcommands of the metrics module (not yet built). */
#include <stdio.h>

#include "cli/cli.h"

int hss_cmd_data(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "hss: '%s' is not built yet\n", argv[0]);
    return 1;
}

int hss_cmd_indicators(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "hss: '%s' is not built yet\n", argv[0]);
    return 1;
}
