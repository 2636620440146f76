/*
 * cmd_demo.c: `hss demo REGION --db FILE [--seed N]`: builds a demo region from real public
 * data and prints its summary.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "demo/demo.h"
#include "region/region.h"

static const char USAGE[] =
    "hss demo lishui|yiwu|nanyang|liaocheng --db FILE [--seed N] [--residents-scale S | --full] [--quiet]";

int hss_cmd_demo(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"residents-scale", required_argument, NULL, 'r'},
                                         {"full", no_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *db = NULL;
    hss_demo_options o = {0};
    int c;
    while ((c = getopt_long(argc, argv, "d:s:qhr:f", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 's': {
            int64_t seed;
            if (hss_parse_int64(optarg, &seed) || seed <= 0) {
                fprintf(stderr, "hss: --seed must be a positive integer, not '%s'\n", optarg);
                return 2;
            }
            o.seed = (uint64_t)seed;
            break;
        }
        case 'q': o.quiet = 1; break;
        case 'f': o.resident_scale = 1.0; break;
        case 'r':
            if (hss_parse_double(optarg, &o.resident_scale) || o.resident_scale <= 0 || o.resident_scale > 1) {
                fprintf(stderr, "hss: --residents-scale must be a number in (0, 1], not '%s'\n", optarg);
                return 2;
            }
            break;
        case 'h': printf("usage: %s\n", USAGE); return 0;
        default: return hss_cli_usage(USAGE);
        }
    }
    if (optind != argc - 1 || !db)
        return hss_cli_usage(USAGE);
    o.region = argv[optind];
    hss_store *st = hss_cli_open_db(db, 1);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    hss_demo_result res;
    if (hss_demo_build(st, &o, &res, &err)) {
        hss_store_close(st);
        return hss_cli_fail(&err);
    }
    const hss_demo_region *spec = hss_demo_find(o.region);
    printf("%s demo region (%s) built in %.2f s into %s\n", spec->zh, spec->root_code, res.seconds, db);
    printf("  %zu county-level units, %zu townships/streets, %zu villages/communities\n",
           res.counties, res.townships, res.villages);
    printf("  %lld residents (2020 census), %zu facilities (generated)\n\n", res.residents, res.facilities);
    hss_region_filter f = {.under = spec->root_code, .display = 1};
    hss_table *t = NULL;
    if (hss_region_summary(st, &f, &t, &err) == HSS_OK) {
        hss_table_write(t, HSS_FORMAT_TABLE, stdout);
        hss_table_free(t);
    } else {
        fprintf(stderr, "hss: summary not available: %s\n", err.msg);
    }
    hss_store_close(st);
    return 0;
}
