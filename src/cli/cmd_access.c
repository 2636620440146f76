/* cmd_access.c: subcommands of the access module: `hss roads`, `hss access`, `hss site`.
 * Thin: parse options, call src/access/access.h, print through report/. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "cli/cli.h"

static void progress(void *ctx, const char *phase, size_t done)
{
    (void)ctx;
    fprintf(stderr, "hss roads: %s: %zu\n", phase, done);
}

static void print_stats(const hss_roads_stats *s, const char *what)
{
    printf("%s: %zu nodes, %zu edges kept (largest strongly connected component); "
           "dropped %zu nodes and %zu edges outside it; %zu ferry edges\n",
           what, s->nodes, s->edges, s->nodes_dropped, s->edges_dropped, s->ferries);
    printf("snapped %zu area points and facilities; %zu farther than the snap threshold (flagged)\n",
           s->snapped, s->snap_flagged);
}

static const char ROADS_USAGE[] =
    "hss roads import --db F FILE        (FILE: .osm.pbf, .osm, .osm.gz or .csv edge list)\n"
    "       hss roads generate --db F [--seed N]\n"
    "       hss roads snap --db F [--max-m METRES]\n"
    "       hss roads info --db F [--format table|csv|json]\n"
    "       hss roads flagged --db F [--format table|csv|json]   (points too far from any road)";

int hss_cmd_roads(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0)
        return argc < 2 ? hss_cli_usage(ROADS_USAGE) : (printf("usage: %s\n", ROADS_USAGE), 0);
    const char *sub = argv[1], *db = NULL, *file = NULL, *seed_s = NULL, *max_s = NULL, *fmt_s = "table";
    for (int i = 2; i < argc; i++) {
        int missing = 0;
        const char *v;
        if ((v = hss_cli_opt(argc, argv, &i, "--db", &missing)))
            db = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--seed", &missing)))
            seed_s = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--max-m", &missing)))
            max_s = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--format", &missing)))
            fmt_s = v;
        else if (missing || argv[i][0] == '-' || file)
            return hss_cli_usage(ROADS_USAGE);
        else
            file = argv[i];
    }
    hss_error err;
    hss_error_clear(&err);
    hss_roads_stats stats;
    memset(&stats, 0, sizeof stats);
    if (strcmp(sub, "import") == 0) {
        if (!file)
            return hss_cli_usage(ROADS_USAGE);
        hss_store *st = hss_cli_open_db(db, 1);
        if (!st)
            return 1;
        double t0 = hss_now();
        hss_code rc = hss_access_import(st, file, progress, NULL, &stats, &err);
        hss_store_close(st);
        if (rc)
            return hss_cli_fail(&err);
        print_stats(&stats, file);
        printf("imported in %.2f s\n", hss_now() - t0);
        return 0;
    }
    if (strcmp(sub, "generate") == 0) {
        int64_t seed = 1;
        if (seed_s && (hss_parse_int64(seed_s, &seed) || seed < 0)) {
            fprintf(stderr, "hss: --seed must be a non-negative integer, not '%s'\n", seed_s);
            return 2;
        }
        hss_store *st = hss_cli_open_db(db, 0);
        if (!st)
            return 1;
        hss_code rc = hss_access_generate_roads_ex(st, (uint64_t)seed, &stats, &err);
        hss_store_close(st);
        if (rc)
            return hss_cli_fail(&err);
        print_stats(&stats, "generated road network (labelled generated)");
        return 0;
    }
    if (strcmp(sub, "snap") == 0) {
        double max_m = 0;
        if (max_s && (hss_parse_double(max_s, &max_m) || !(max_m > 0))) {
            fprintf(stderr, "hss: --max-m must be a positive number of metres, not '%s'\n", max_s);
            return 2;
        }
        hss_store *st = hss_cli_open_db(db, 0);
        if (!st)
            return 1;
        hss_code rc = hss_store_begin(st, &err);
        if (!rc)
            rc = hss_access_snap(st, max_m, &stats, &err);
        if (!rc)
            rc = hss_store_commit(st, &err);
        else
            hss_store_rollback(st);
        hss_store_close(st);
        if (rc)
            return hss_cli_fail(&err);
        printf("snapped %zu area points and facilities; %zu flagged as too far from a road\n", stats.snapped,
               stats.snap_flagged);
        return 0;
    }
    if (strcmp(sub, "info") == 0 || strcmp(sub, "flagged") == 0) {
        hss_format fmt;
        if (hss_cli_format(fmt_s, &fmt) != 0)
            return 2;
        hss_store *st = hss_cli_open_db(db, 0);
        if (!st)
            return 1;
        hss_table *t = NULL;
        hss_code rc = strcmp(sub, "info") == 0 ? hss_access_info(st, &t, &err) : hss_access_flagged(st, &t, &err);
        hss_store_close(st);
        if (rc)
            return hss_cli_fail(&err);
        hss_table_write(t, fmt, stdout);
        hss_table_free(t);
        return 0;
    }
    return hss_cli_usage(ROADS_USAGE);
}

static const char ACCESS_USAGE[] =
    "hss access --db F --types a,b,c --minutes N [--rural-minutes N] [--mode drive|walk] [--under AREA]\n"
    "                  [--by county|township]\n"
    "                  [--format table|csv|json|geojson] [--detail villages]\n"
    "       hss access ems --db F [--under AREA] [--dispatch MIN] [--turnout MIN] [--format ...]\n"
    "       hss access radius --db F [--under AREA] [--urban-km 3.5] [--rural-km 10] [--format ...]\n"
    "       hss access subcentres --db F [--under AREA] [--format ...]";

static int parse_num(const char *name, const char *s, double *out)
{
    if (hss_parse_double(s, out) || !(*out >= 0) || !isfinite(*out)) {
        fprintf(stderr, "hss: %s must be a non-negative number, not '%s'\n", name, s);
        return -1;
    }
    return 0;
}

/* --mode: drive or walk; says why otherwise. */
static int parse_mode(const char *s, hss_mode *mode)
{
    if (hss_mode_parse(s, mode)) {
        fprintf(stderr, "hss: --mode must be drive or walk, not '%s'\n", s);
        return -1;
    }
    return 0;
}

/* Drops trailing newlines and spaces (a rendered table inside a larger JSON object). */
static void trim_end(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
        s[--n] = 0;
}

int hss_cmd_access(int argc, char **argv)
{
    const char *db = NULL, *types = NULL, *minutes_s = NULL, *mode_s = "drive", *fmt_s = "table",
               *detail = NULL, *under = NULL, *by = NULL, *measure = NULL, *disp_s = NULL, *turn_s = NULL,
               *urb_s = NULL, *rur_s = NULL, *rmin_s = NULL;
    for (int i = 1; i < argc; i++) {
        int missing = 0;
        const char *v;
        if (strcmp(argv[i], "--help") == 0) {
            printf("usage: %s\n", ACCESS_USAGE);
            return 0;
        }
        if ((v = hss_cli_opt(argc, argv, &i, "--db", &missing))) db = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--types", &missing))) types = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--minutes", &missing))) minutes_s = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--rural-minutes", &missing))) rmin_s = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--mode", &missing))) mode_s = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--format", &missing))) fmt_s = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--detail", &missing))) detail = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--under", &missing))) under = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--by", &missing))) by = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--dispatch", &missing))) disp_s = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--turnout", &missing))) turn_s = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--urban-km", &missing))) urb_s = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--rural-km", &missing))) rur_s = v;
        else if (!missing && argv[i][0] != '-' && !measure) measure = argv[i];
        else return hss_cli_usage(ACCESS_USAGE);
    }
    int geojson = strcmp(fmt_s, "geojson") == 0;
    hss_format fmt = HSS_FORMAT_TABLE;
    if (!geojson && hss_cli_format(fmt_s, &fmt) != 0)
        return 2;
    hss_error err;
    hss_error_clear(&err);
    if (measure) {
        if (geojson) {
            fprintf(stderr, "hss: --format geojson is for the coverage map only\n");
            return 2;
        }
        hss_store *st = hss_cli_open_db(db, 0);
        if (!st)
            return 1;
        hss_code rc = HSS_OK;
        hss_table *t = NULL;
        if (strcmp(measure, "ems") == 0) {
            hss_ems_opts o = {HSS_EMS_DISPATCH_MIN, HSS_EMS_TURNOUT_MIN};
            if ((disp_s && parse_num("--dispatch", disp_s, &o.dispatch_min)) ||
                (turn_s && parse_num("--turnout", turn_s, &o.turnout_min))) {
                hss_store_close(st);
                return 2;
            }
            hss_ems_result r;
            rc = hss_access_ems_response(st, under, &o, &r, &err);
            if (!rc) {
                t = hss_table_new();
                size_t c0 = hss_table_add_col(t, "group", "人群 group", HSS_COL_TEXT);
                size_t c1 = hss_table_add_col(t, "residents", "常住人口 residents", HSS_COL_INT);
                size_t c2 = hss_table_add_col(t, "mean_minutes", "平均反应分钟 mean", HSS_COL_REAL);
                size_t c3 = hss_table_add_col(t, "p90_minutes", "90%分位分钟 p90", HSS_COL_REAL);
                size_t c4 = hss_table_add_col(t, "unreached", "无法到达人口 unreached", HSS_COL_INT);
                size_t c5 = hss_table_add_col(t, "dispatch_min", "调度分钟 dispatch", HSS_COL_REAL);
                size_t c6 = hss_table_add_col(t, "turnout_min", "出车分钟 turnout", HSS_COL_REAL);
                const char *g[3] = {"urban", "rural", "all"};
                double mean[3] = {r.urban_mean, r.rural_mean, r.all_mean}, p90[3] = {r.urban_p90, r.rural_p90, r.all_p90};
                int64_t res[3] = {r.urban_residents, r.rural_residents, r.urban_residents + r.rural_residents};
                int64_t un[3] = {r.unreached_urban, r.unreached_rural, r.unreached_urban + r.unreached_rural};
                for (int k = 0; k < 3; k++) {
                    hss_table_add_row(t);
                    hss_table_set_text(t, c0, g[k]);
                    hss_table_set_int(t, c1, res[k]);
                    if (!isnan(mean[k])) {
                        hss_table_set_real(t, c2, mean[k], 2);
                        hss_table_set_real(t, c3, p90[k], 2);
                    }
                    hss_table_set_int(t, c4, un[k]);
                    hss_table_set_real(t, c5, r.dispatch_min, 2);
                    hss_table_set_real(t, c6, r.turnout_min, 2);
                }
            }
        } else if (strcmp(measure, "radius") == 0) {
            double ukm = 3.5, rkm = 10;
            if ((urb_s && parse_num("--urban-km", urb_s, &ukm)) || (rur_s && parse_num("--rural-km", rur_s, &rkm))) {
                hss_store_close(st);
                return 2;
            }
            int64_t res = 0, cov = 0;
            rc = hss_access_ems_radius_share(st, under, ukm, rkm, &res, &cov, &err);
            if (!rc) {
                t = hss_table_new();
                size_t c0 = hss_table_add_col(t, "residents", "常住人口 residents", HSS_COL_INT);
                size_t c1 = hss_table_add_col(t, "covered", "服务半径内 covered", HSS_COL_INT);
                size_t c2 = hss_table_add_col(t, "share", "比例 share", HSS_COL_REAL);
                size_t c3 = hss_table_add_col(t, "urban_km", "城区半径 urban km", HSS_COL_REAL);
                size_t c4 = hss_table_add_col(t, "rural_km", "农村半径 rural km", HSS_COL_REAL);
                hss_table_add_row(t);
                hss_table_set_int(t, c0, res);
                hss_table_set_int(t, c1, cov);
                if (res > 0)
                    hss_table_set_real(t, c2, (double)cov / (double)res, 4);
                hss_table_set_real(t, c3, ukm, 2);
                hss_table_set_real(t, c4, rkm, 2);
            }
        } else if (strcmp(measure, "subcentres") == 0) {
            rc = hss_access_subcentre_distances(st, under, &t, &err);
        } else {
            hss_store_close(st);
            return hss_cli_usage(ACCESS_USAGE);
        }
        hss_store_close(st);
        if (rc)
            return hss_cli_fail(&err);
        if (strcmp(measure, "ems") == 0 && fmt == HSS_FORMAT_TABLE)
            printf("EMS response = dispatch + turnout + travel from the nearest ems_station/ems_center\n");
        hss_table_write(t, fmt, stdout);
        hss_table_free(t);
        return 0;
    }
    if (!types || !minutes_s)
        return hss_cli_usage(ACCESS_USAGE);
    hss_access_query q = {types, 0, HSS_MODE_DRIVE, under, by, 0};
    if (parse_num("--minutes", minutes_s, &q.minutes) || (rmin_s && parse_num("--rural-minutes", rmin_s, &q.rural_minutes)))
        return 2;
    if (parse_mode(mode_s, &q.mode))
        return 2;
    if (detail && strcmp(detail, "villages") != 0) {
        fprintf(stderr, "hss: --detail must be villages, not '%s'\n", detail);
        return 2;
    }
    hss_store *st = hss_cli_open_db(db, 0);
    if (!st)
        return 1;
    hss_code rc;
    hss_table *t = NULL;
    if (geojson)
        rc = hss_access_geojson(st, &q, stdout, &err);
    else if (detail)
        rc = hss_access_detail_table(st, &q, &t, &err);
    else
        rc = hss_access_coverage_table(st, &q, &t, &err);
    hss_store_close(st);
    if (rc)
        return hss_cli_fail(&err);
    if (t) {
        hss_table_write(t, fmt, stdout);
        hss_table_free(t);
    }
    return 0;
}

static const char SITE_USAGE[] =
    "hss site --db F --type TYPE --add K [--minutes M] [--candidates FILE] [--objective cover|pmedian]\n"
    "                [--capacity N] [--mode drive|walk] [--under AREA] [--format table|csv|json]";

int hss_cmd_site(int argc, char **argv)
{
    const char *db = NULL, *type = NULL, *add_s = NULL, *min_s = NULL, *cand = NULL, *obj = "cover",
               *cap_s = NULL, *mode_s = "drive", *under = NULL, *fmt_s = "table";
    for (int i = 1; i < argc; i++) {
        int missing = 0;
        const char *v;
        if (strcmp(argv[i], "--help") == 0) {
            printf("usage: %s\n", SITE_USAGE);
            return 0;
        }
        if ((v = hss_cli_opt(argc, argv, &i, "--db", &missing))) db = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--type", &missing))) type = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--add", &missing))) add_s = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--minutes", &missing))) min_s = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--candidates", &missing))) cand = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--objective", &missing))) obj = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--capacity", &missing))) cap_s = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--mode", &missing))) mode_s = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--under", &missing))) under = v;
        else if ((v = hss_cli_opt(argc, argv, &i, "--format", &missing))) fmt_s = v;
        else return hss_cli_usage(SITE_USAGE);
    }
    if (!type || !add_s)
        return hss_cli_usage(SITE_USAGE);
    hss_site_opts o;
    memset(&o, 0, sizeof o);
    o.type = type;
    o.candidates = cand;
    o.under = under;
    o.minutes = 15;
    int64_t k;
    if (hss_parse_int64(add_s, &k) || k < 1 || k > 100000) {
        fprintf(stderr, "hss: --add must be a positive integer, not '%s'\n", add_s);
        return 2;
    }
    o.add = (size_t)k;
    if (min_s && (parse_num("--minutes", min_s, &o.minutes) || !(o.minutes > 0)))
        return 2;
    if (cap_s && (hss_parse_int64(cap_s, &o.capacity) || o.capacity < 0)) {
        fprintf(stderr, "hss: --capacity must be a non-negative integer (residents), not '%s'\n", cap_s);
        return 2;
    }
    if (strcmp(obj, "cover") == 0)
        o.objective = HSS_SITE_COVER;
    else if (strcmp(obj, "pmedian") == 0)
        o.objective = HSS_SITE_PMEDIAN;
    else {
        fprintf(stderr, "hss: --objective must be cover or pmedian, not '%s'\n", obj);
        return 2;
    }
    if (parse_mode(mode_s, &o.mode))
        return 2;
    hss_format fmt;
    if (hss_cli_format(fmt_s, &fmt) != 0)
        return 2;
    hss_store *st = hss_cli_open_db(db, 0);
    if (!st)
        return 1;
    hss_error err;
    hss_error_clear(&err);
    hss_table *sites = NULL, *sum = NULL;
    hss_code rc = hss_access_site(st, &o, &sites, &sum, &err);
    hss_store_close(st);
    if (rc)
        return hss_cli_fail(&err);
    if (fmt == HSS_FORMAT_JSON) {
        char *a = hss_table_render(sites, fmt), *b = hss_table_render(sum, fmt);
        trim_end(b);
        trim_end(a);
        printf("{\"sites\":%s,\"summary\":%s}\n", a, b);
        free(a);
        free(b);
    } else {
        if (fmt == HSS_FORMAT_TABLE)
            printf("proposed %s sites (%s, %.0f minutes):\n", type, obj, o.minutes);
        hss_table_write(sites, fmt, stdout);
        if (fmt == HSS_FORMAT_TABLE)
            printf("\ncoverage before and after:\n");
        if (fmt != HSS_FORMAT_CSV)
            hss_table_write(sum, fmt, stdout);
    }
    hss_table_free(sites);
    hss_table_free(sum);
    return 0;
}
