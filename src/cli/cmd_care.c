/* cmd_care.c: subcommands of the care module (not yet built). */
#include <stdio.h>

#include "cli/cli.h"

int hss_cmd_residents(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "hss: '%s' is not built yet\n", argv[0]);
    return 1;
}

int hss_cmd_care(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "hss: '%s' is not built yet\n", argv[0]);
    return 1;
}

int hss_cmd_worklist(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "hss: '%s' is not built yet\n", argv[0]);
    return 1;
}
