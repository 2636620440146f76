/* cmd_policy.c: subcommands of the policy module (not yet built). */
#include <stdio.h>

#include "cli/cli.h"

int hss_cmd_policy(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "hss: '%s' is not built yet\n", argv[0]);
    return 1;
}

int hss_cmd_evaluate(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "hss: '%s' is not built yet\n", argv[0]);
    return 1;
}
